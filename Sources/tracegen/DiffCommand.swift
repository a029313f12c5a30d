import ArgumentParser
import Foundation
import TraceGenCore

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Report what changed between two specs, and how much each change breaks.",
        discussion: """
            Exit status: 0 when no change reaches the --fail-on level, 1 when one does, 2 when an input \
            cannot be read or is not a valid spec (printed as file:line:col diagnostics) or an option is wrong. \
            Either spec may be - for standard input, named <stdin> in locations:
              git show v1.0:Specs/v2.yaml | tracegen diff - Specs/v2.yaml
            """
    )

    @Argument(help: "The older spec, or - for standard input.")
    var old: String

    @Argument(help: "The newer spec, or - for standard input.")
    var new: String

    // Plain strings, checked in run(), so a wrong value exits 2 like any other bad input.
    @Option(help: "Output format: text, json or markdown.")
    var format: String = DiffFormat.text.rawValue

    @Option(name: .customLong("fail-on"), help: "Exit 1 on changes at this level: breaking, any or none.")
    var failOn: String = DiffFailLevel.breaking.rawValue

    func run() throws {
        guard let format = DiffFormat(rawValue: format) else {
            throw badInput("error: --format must be one of \(DiffFormat.allCases.map(\.rawValue).joined(separator: ", ")); got '\(self.format)'")
        }
        guard let failOn = DiffFailLevel(rawValue: failOn) else {
            throw badInput("error: --fail-on must be one of \(DiffFailLevel.allCases.map(\.rawValue).joined(separator: ", ")); got '\(self.failOn)'")
        }
        if old == "-", new == "-" {
            throw badInput("error: standard input can be read only once; give a file for OLD or NEW")
        }
        // Load both before stopping, so one run reports the problems of both files.
        var diagnostics: [Diagnostic] = []
        let oldSpec = load(old, into: &diagnostics)
        let newSpec = load(new, into: &diagnostics)
        guard let oldSpec, let newSpec else {
            throw badInput(diagnostics.map(\.description).joined(separator: "\n"))
        }
        let report = SpecDiff.compare(oldSpec, newSpec)
        print(format.render(report), terminator: "")
        if report.fails(at: failOn) { throw ExitCode(1) }
    }

    private func load(_ path: String, into diagnostics: inout [Diagnostic]) -> TraceSpec? {
        do {
            if path == "-" {
                return try TraceGen.loadSpec(data: readStandardInput(), file: "<stdin>")
            }
            return try TraceGen.loadSpec(path: path)
        } catch let error as DiagnosticsError {
            diagnostics += error.diagnostics
        } catch {
            diagnostics.append(Diagnostic(.error, "cannot read the spec: \(error.localizedDescription)", at: SourceLocation(file: path == "-" ? "<stdin>" : path, line: 1, column: 1)))
        }
        return nil
    }

    /// Reads standard input, stopping one byte past the spec size limit so the loader can refuse it.
    private func readStandardInput() -> Data {
        var data = Data()
        while data.count <= SpecLoader.maxSpecSize {
            let chunk = FileHandle.standardInput.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        return data
    }

    private func badInput(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(2)
    }
}
