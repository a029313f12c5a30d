import ArgumentParser
import CommandSupport
import Foundation
import TraceGenCore

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Report what changed between two specs, and how much each change breaks.",
        discussion: """
            Exit status: 0 when no change reaches the --fail-on level, 1 when one does or the report cannot be \
            written, 2 when an input cannot be read or is not a valid spec (printed as file:line:col diagnostics) \
            or an option is wrong. \
            Either spec may be - for standard input, named <stdin> in locations:
              git show v1.0:Specs/v2.yaml | tracegen diff - Specs/v2.yaml
            """
    )

    @Argument(help: "The older spec, or - for standard input.")
    var old: String

    @Argument(help: "The newer spec, or - for standard input.")
    var new: String

    // Plain strings, checked in validate(), so the message lists the choices in our words.
    @Option(help: "Output format: text, json or markdown.")
    var format: String = DiffFormat.text.rawValue

    @Option(name: .customLong("fail-on"), help: "Exit 1 on changes at this level: breaking, any or none.")
    var failOn: String = DiffFailLevel.breaking.rawValue

    func validate() throws {
        if DiffFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(DiffFormat.allCases.map(\.rawValue).joined(separator: ", ")); got '\(format)'")
        }
        if DiffFailLevel(rawValue: failOn) == nil {
            throw ValidationError("--fail-on must be one of \(DiffFailLevel.allCases.map(\.rawValue).joined(separator: ", ")); got '\(failOn)'")
        }
        if old == "-", new == "-" {
            throw ValidationError("standard input can be read only once; give a file for OLD or NEW")
        }
    }

    func run() throws {
        let format = DiffFormat(rawValue: format)!
        let failOn = DiffFailLevel(rawValue: failOn)!
        // Load both before stopping, so one run reports the problems of both files.
        var diagnostics: [Diagnostic] = []
        let oldSpec = load(old, into: &diagnostics)
        let newSpec = load(new, into: &diagnostics)
        guard let oldSpec, let newSpec else {
            throw CommandFailure(.input, diagnostics.map(\.description).joined(separator: "\n"))
        }
        let report = SpecDiff.compare(oldSpec, newSpec)
        try StandardOutput.write(format.render(report))
        if report.fails(at: failOn) { throw CommandFailure(.verdict, "") }
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
            diagnostics.append(Diagnostic(.error, "cannot read the spec: \(error)", at: SourceLocation(file: path == "-" ? "<stdin>" : path, line: 1, column: 1)))
        }
        return nil
    }

    /// Reads standard input, stopping one byte past the spec size limit so the loader can refuse it.
    private func readStandardInput() throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while data.count <= SpecLoader.maxSpecSize {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = systemMessage(errno)
                throw DiagnosticsError([Diagnostic(.error, "cannot read the spec: \(reason)", at: SourceLocation(file: "<stdin>", line: 1, column: 1))])
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }
}
