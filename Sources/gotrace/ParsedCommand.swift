import ArgumentParser
import CommandSupport
import Foundation
import TraceParser
import TraceWire

struct ParsedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parsed",
        abstract: "Print the ordered, validated events of a Go trace exactly as `go tool trace -d=parsed` does.",
        discussion: """
            Reads traces of every v2 version (Go 1.22 to 1.27), AllocFree experiment traces \
            included, one generation at a time. The Sync event's wall-clock time is printed in \
            the local time zone (set TZ=UTC for UTC). A trace Go's parser rejects is rejected: \
            the events before the problem are printed, then `FILE: generation G, offset N: \
            message` on standard error, exit status 1.

            Examples:
              TZ=UTC gotrace parsed app.trace > app.parsed
              gotrace parsed --decode-only big.trace
            """
    )

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @Flag(help: "Order and check every event without printing; print the event count and the speed instead.")
    var decodeOnly = false

    @OptionGroup var readAhead: ReadAheadOption

    func run() throws {
        let (source, inputName) = try openInput(trace)
        defer { source.close() }
        let started = ContinuousClock.now
        do {
            let reader = try TraceReader(source: source)
            readAhead.apply(to: reader)
            if decodeOnly {
                let events = try ParsedPrinter.decode(reader)
                let seconds = (ContinuousClock.now - started).seconds
                let bytes = source.fileSize.map { " from \($0) bytes" } ?? ""
                try StandardOutput.write("\(events) events\(bytes) in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", Double(events) / seconds)) events/s\n")
                return
            }
            let destination = try CommandOutput(path: output)
            do {
                if readAhead.isOn {
                    try ParsedPrinter.printInParallel(reader, to: destination.buffer)
                } else {
                    try ParsedPrinter.print(reader, to: destination.buffer)
                }
                try destination.commit()
            } catch {
                destination.discard()
                throw error
            }
        } catch let error as TraceParseError {
            throw CommandFailure(.input, "\(inputName): \(error)")
        } catch let error as WireError {
            throw failure(error, input: inputName, output: output)
        }
    }
}
