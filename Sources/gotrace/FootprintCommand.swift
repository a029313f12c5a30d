import ArgumentParser
import CommandSupport
import Foundation
import TraceParser
import TraceWire

struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Print bytes and counts per event type exactly as `go tool trace -d=footprint` does.",
        discussion: """
            One row per event type (all 256 bytes), largest byte count first; rows with equal \
            counts come out in the order Go's unstable sort leaves them. Errors name the byte \
            offset: `FILE: offset N: message`, exit status 1.

            Example:
              gotrace footprint app.trace
            """
    )

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    func run() throws {
        let (source, inputName) = try openInput(trace)
        defer { source.close() }
        do {
            let reader = try WireReader(source: source)
            let table = try Footprint.table(reader)
            let destination = try CommandOutput(path: output)
            try destination.buffer.write(table)
            try destination.commit()
        } catch let error as WireError {
            throw failure(error, input: inputName, output: output)
        }
    }
}
