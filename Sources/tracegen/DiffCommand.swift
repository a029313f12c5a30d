import ArgumentParser
import CommandSupport
import Foundation
import Synchronization
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
        let loaded = Self.loadBoth(old, new)
        let diagnostics = loaded.flatMap(\.diagnostics)
        guard let oldModel = loaded[0].model, let newModel = loaded[1].model else {
            throw CommandFailure(.input, diagnostics.map(\.description).joined(separator: "\n"))
        }
        let report = SpecDiff.compare(oldModel, newModel)
        try StandardOutput.write(format.render(report))
        if report.fails(at: failOn) { throw CommandFailure(.verdict, "") }
    }

    /// What loading one spec gave: its model, or the diagnostics that stopped it.
    private struct Loaded: Sendable {
        var model: TraceModel?
        var diagnostics: [Diagnostic] = []
    }

    /// Loads both specs, in the order of the arguments. Loading is most of the work and the two are
    /// independent, so they load side by side where the standard library has `Mutex` (every
    /// platform but macOS before 15), which takes each result back from its thread.
    private static func loadBoth(_ first: String, _ second: String) -> [Loaded] {
        guard #available(macOS 15, *) else { return [load(first), load(second)] }
        let paths = [first, second]
        let results = Mutex<[Loaded]>([Loaded(), Loaded()])
        // Returns once both iterations have.
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = load(paths[index])
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0 }
    }

    private static func load(_ path: String) -> Loaded {
        do {
            if path == "-" {
                return Loaded(model: try TraceGen.loadSpec(data: readStandardInput(), file: "<stdin>"))
            }
            return Loaded(model: try TraceGen.loadSpec(path: path))
        } catch let error as DiagnosticsError {
            return Loaded(model: nil, diagnostics: error.diagnostics)
        } catch {
            return Loaded(model: nil, diagnostics: [Diagnostic(.error, "cannot read the spec: \(error)", at: SourceLocation(file: path == "-" ? "<stdin>" : path, line: 1, column: 1))])
        }
    }

    /// Reads standard input, stopping one byte past the spec size limit so the loader can refuse it.
    private static func readStandardInput() throws -> Data {
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
