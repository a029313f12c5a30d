import ArgumentParser
import CommandSupport
import Foundation
import TraceWire

struct WireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Print the raw events of a binary Go trace exactly as `go tool trace -d=wire` does.",
        discussion: """
            Reads traces of every v2 version (go1.22, go1.23, go1.25, go1.26 headers), including \
            AllocFree experiment events from Go 1.23 on. Memory stays bounded whatever the trace \
            size. Errors name the byte offset: `FILE: offset N: message`, exit status 1.

            Examples:
              gotrace wire app.trace > app.wire
              gotrace wire --header app.trace | gotrace encode - -o copy.trace
              gotrace wire --decode-only big.trace
            """
    )

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Flag(help: "Start with the `Trace Go1.N` line, which makes the output Go's raw text format (what `encode` reads).")
    var header = false

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @Flag(help: "Decode and check every event without printing; print the event count and the speed instead.")
    var decodeOnly = false

    @Flag(help: "With --decode-only: decode every event into a typed Event (TraceWire's TypedReader).")
    var typed = false

    func run() throws {
        let (source, inputName) = try openInput(trace)
        defer { source.close() }
        let progress = ProgressLine(totalBytes: source.fileSize)
        let started = ContinuousClock.now
        do {
            let reader = try WireReader(source: source)
            if decodeOnly {
                let events = typed
                    ? try TypedReader(reading: reader).decodeAll(progress: progress.update)
                    : try TraceDump.decode(reader, progress: progress.update)
                progress.clear()
                let seconds = (ContinuousClock.now - started).seconds
                let megabytes = Double(reader.offset) / 1_000_000
                try StandardOutput.write("\(events) \(typed ? "typed " : "")events, \(reader.offset) bytes in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", megabytes / seconds)) MB/s\n")
                return
            }
            let destination = try CommandOutput(path: output)
            do {
                try TraceDump.printText(reader, to: destination.buffer, includeHeader: header, progress: progress.update)
                try destination.commit()
            } catch {
                destination.discard()
                throw error
            }
            progress.clear()
        } catch let error as WireError {
            progress.clear()
            throw failure(error, input: inputName, output: output)
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Prints a line on standard error, for notes that do not end the command; failures are thrown
/// as ``CommandFailure`` instead, and ``CommandMain`` prints them and sets the exit status.
func printError(_ message: String) {
    StandardError.write(message)
}

/// Opens a command's input, a file or standard input for `-`, with the name its errors use.
func openInput(_ path: String) throws(CommandFailure) -> (source: FileDescriptorSource, name: String) {
    let name = path == "-" ? "<stdin>" : path
    if path == "-" { return (FileDescriptorSource(fileDescriptor: 0), name) }
    do {
        return (try FileDescriptorSource(path: path), name)
    } catch {
        throw CommandFailure(.input, "\(name): \(error)")
    }
}

/// A trace error as a command failure: a failed write is an output failure named after the
/// output, anything else an input failure named after the input.
func failure(_ error: WireError, input: String, output: String) -> CommandFailure {
    error.isOutputFailure
        ? CommandFailure(.output, "\(output == "-" ? "<stdout>" : output): \(error)")
        : CommandFailure(.input, "\(input): \(error)")
}

/// Where a command writes: standard output, a device or FIFO written through, or a file that
/// appears only when all of it is written (see ``OutputFile``).
struct CommandOutput {
    let buffer: OutputBuffer
    private let file: OutputFile

    init(path: String) throws(CommandFailure) {
        file = try OutputFile(path: path)
        buffer = OutputBuffer(fileDescriptor: file.fileDescriptor)
    }

    /// Flushes and, for a replaced file, moves it into place.
    func commit() throws {
        try buffer.flush()
        try file.commit()
    }

    /// Drops a partly written file; output written through (standard output, a pipe, a device)
    /// gets what was printed before the failure, as Go's tool prints the events before an error.
    func discard() {
        if !file.replacesFile { try? buffer.flush() }
        file.discard()
    }
}

/// A one-line progress report on standard error, shown only for large inputs when standard
/// error is a terminal. With a reader reading ahead, the source (and so ``update(_:)``) runs on
/// the reader's thread while ``clear()`` runs on the command's, so a lock guards the state, and
/// once cleared the line stays cleared.
final class ProgressLine: @unchecked Sendable {
    private let totalBytes: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var shown = false
    private var cleared = false
    private var lastPercent = -1

    /// Inputs smaller than this finish too fast for a progress line to help.
    private static let minimumBytes = 64 << 20

    init(totalBytes: Int?) {
        self.totalBytes = totalBytes ?? 0
        enabled = isatty(2) != 0 && self.totalBytes >= Self.minimumBytes
    }

    func update(_ bytesRead: Int) {
        guard enabled else { return }
        let percent = bytesRead * 100 / totalBytes
        lock.lock()
        defer { lock.unlock() }
        guard !cleared, percent != lastPercent else { return }
        lastPercent = percent
        shown = true
        FileHandle.standardError.write(Data("\rgotrace: \(percent)% (\(bytesRead >> 20) of \(totalBytes >> 20) MiB)".utf8))
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        cleared = true
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
