import ArgumentParser
import CommandSupport
import Foundation
import TraceGenCore

@main
struct TraceGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracegen",
        abstract: "Generate Swift and Go definitions of a binary trace format from one YAML spec.",
        discussion: """
            Exit status: 0 on success, 1 for bad input or a failed write, 2 for a usage error. \
            SIGINT, SIGTERM and SIGHUP remove the files staged so far and end the process by that signal.
            """,
        subcommands: [GenerateCommand.self, CheckCommand.self, EmitSwiftCommand.self, DiffCommand.self],
        defaultSubcommand: GenerateCommand.self
    )

    static func main() {
        // diff's 1 means "a change reached --fail-on", so unusable input gets 2 there, as in diff(1).
        CommandMain.run(self, inputStatus: { $0 is DiffCommand ? 2 : 1 })
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
        discussion: """
            Only files whose bytes changed are written, each atomically. Nothing is written if the spec has errors. \
            Runs into one folder take turns, so the folder always holds one spec's complete output.
            """
    )

    @OptionGroup var options: OutputOptions

    func run() throws {
        let files = try loadAndRender(options.spec)
        let results = try writeOutput(files, to: options.output)
        try StandardOutput.write(results.map { result in
            "\(result.outcome.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \((options.output as NSString).appendingPathComponent(result.path))\n"
        }.joined())
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
        let diff: String
        do {
            diff = try OutputWriter(directory: URL(fileURLWithPath: options.output, isDirectory: true)).compare(files)
        } catch let failure as OutputWriter.Failure {
            throw CommandFailure(.input, "error: cannot read \(options.output): \(failure)")
        }
        if diff.isEmpty {
            try StandardOutput.write("\(options.output) is up to date with \(options.spec)\n")
            return
        }
        try StandardOutput.write(diff)
        throw CommandFailure(.verdict, "error: \(options.output) is stale; run `tracegen \(options.spec) --output \(options.output)`")
    }
}

/// Loads, validates and renders a spec; a spec with errors is an input failure listing every diagnostic.
func loadAndRender(_ path: String) throws(CommandFailure) -> [GeneratedFile] {
    do {
        let model = try TraceGen.loadSpec(path: path)
        return TraceGen.render(model, sourceName: path)
    } catch let error as DiagnosticsError {
        throw CommandFailure(.input, error.description)
    } catch {
        throw CommandFailure(.input, "error: \(path): \(error)")
    }
}

/// Writes generated files into `folder`; a failure is an output failure naming its cause.
@discardableResult
func writeOutput(_ files: [GeneratedFile], to folder: String) throws(CommandFailure) -> [OutputWriter.Result] {
    do {
        return try OutputWriter(directory: URL(fileURLWithPath: folder, isDirectory: true), tracker: SignalTracker()).write(files)
    } catch let failure as OutputWriter.Failure {
        throw CommandFailure(.output, "error: cannot write to \(folder): \(failure)")
    } catch {
        throw CommandFailure(.output, "error: cannot write to \(folder): \(error)")
    }
}

/// Hands the writer's temporary files to ``InterruptCleanup``, which deletes them should SIGINT,
/// SIGTERM or SIGHUP end the run.
struct SignalTracker: TemporaryFileTracker {
    func track(_ path: String) { InterruptCleanup.track(path) }
    func untrack(_ path: String) { InterruptCleanup.untrack(path) }
}
