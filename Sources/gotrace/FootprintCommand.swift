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
            offset: `FILE: offset N: message`, exit status 1. A trace cut where Go's tool still \
            prints a table (between events, or between the fields of one) gets that table first, \
            then the error. Like Go's tool, footprint reads past the format's length limits (a \
            batch over 64 KiB, a stack over 128 frames, data over its limit), printing the table \
            and then the first breach as `gotrace wire` reports it.

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
            let outcome = try Footprint.read(WireReader(source: source))
            if let table = outcome.table {
                let destination = try CommandOutput(path: output)
                do {
                    try destination.buffer.write(table)
                    if let damage = outcome.damage { throw damage }
                    try destination.commit()
                } catch {
                    // As with `wire`: a file only appears for a sound trace; standard output,
                    // a pipe or a device keeps the table printed before the error.
                    destination.discard()
                    throw error
                }
            } else if let damage = outcome.damage {
                throw damage
            }
        } catch let error as WireError {
            throw failure(error, input: inputName, output: output)
        }
    }
}
