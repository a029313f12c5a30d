import ArgumentParser
import Foundation
import TraceGenCore

@main
struct TraceGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracegen",
        abstract: "Generate Swift and Go definitions of a binary trace format from one YAML spec.",
        subcommands: [GenerateCommand.self, CheckCommand.self, EmitSwiftCommand.self, DiffCommand.self],
        defaultSubcommand: GenerateCommand.self
    )

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // `diff` promises exit status 2 for every kind of bad input, usage errors included.
            if arguments.first == "diff", exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Where generated files go and how the spec is named in their headers.
struct OutputOptions: ParsableArguments {
    @Argument(help: "The spec file, such as Specs/v2.yaml.")
    var spec: String

    @Option(name: .shortAndLong, help: "The folder to generate into.")
    var output: String = "Generated"
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Regenerate the Go package, the Swift module and the reference page (the default command).",
        discussion: "Only files whose bytes changed are written, each atomically. Nothing is written if the spec has errors."
    )

    @OptionGroup var options: OutputOptions

    func run() throws {
        let files = try loadAndRender(options.spec)
        let writer = OutputWriter(directory: URL(fileURLWithPath: options.output, isDirectory: true))
        let results: [OutputWriter.Result]
        do {
            results = try writer.write(files)
        } catch {
            printError("error: cannot write to \(options.output): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        for result in results {
            print("\(result.outcome.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \((options.output as NSString).appendingPathComponent(result.path))")
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 0 if the output folder matches the spec; otherwise print a unified diff and exit 1."
    )

    @OptionGroup var options: OutputOptions

    func run() throws {
        let files = try loadAndRender(options.spec)
        let writer = OutputWriter(directory: URL(fileURLWithPath: options.output, isDirectory: true))
        let diff = writer.check(files)
        if diff.isEmpty {
            print("\(options.output) is up to date with \(options.spec)")
            return
        }
        print(diff, terminator: "")
        printError("error: \(options.output) is stale; run `tracegen \(options.spec) --output \(options.output)`")
        throw ExitCode(1)
    }
}

/// Loads, validates and renders a spec, printing diagnostics and exiting 1 on errors.
func loadAndRender(_ path: String) throws -> [GeneratedFile] {
    do {
        let spec = try TraceGen.loadSpec(path: path)
        return TraceGen.render(spec, sourceName: path)
    } catch let error as DiagnosticsError {
        printError(error.description)
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
