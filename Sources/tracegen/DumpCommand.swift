import ArgumentParser
import Foundation
import TraceWire

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print the raw events of a binary Go trace exactly as `go tool trace -d=wire` does.",
        discussion: """
            Reads traces of every v2 version (go1.22, go1.23, go1.25, go1.26 headers), including \
            AllocFree experiment events from Go 1.23 on. Memory stays bounded whatever the trace \
            size. Errors name the byte offset: `FILE: offset N: message`, exit status 1.

            Examples:
              tracegen dump app.trace > app.wire
              tracegen dump --header app.trace | tracegen encode - -o copy.trace
              tracegen dump --decode-only big.trace
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
                print("\(events) \(typed ? "typed " : "")events, \(reader.offset) bytes in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", megabytes / seconds)) MB/s")
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
            fail(error, input: inputName, output: output)
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

/// Prints `message` on standard error and exits with status 1.
func fail(_ message: String) -> Never {
    printError(message)
    exit(1)
}

/// Opens a command's input, a file or standard input for `-`, with the name its errors use.
func openInput(_ path: String) throws -> (source: FileDescriptorSource, name: String) {
    let name = path == "-" ? "<stdin>" : path
    do {
        return (path == "-" ? FileDescriptorSource(fileDescriptor: 0) : try FileDescriptorSource(path: path), name)
    } catch let error as WireError {
        fail("\(name): \(error)")
    }
}

/// Exits with a trace error, named after the output file for a failed write and after the input
/// for everything else.
func fail(_ error: WireError, input: String, output: String) -> Never {
    let isWriteFailure = error.location == .none && error.message.hasPrefix("write")
    fail("\(isWriteFailure ? output : input): \(error)")
}

/// Where a command writes: standard output, or a file that appears only when all of it is
/// written (a temporary file renamed into place).
struct CommandOutput {
    let buffer: OutputBuffer
    private let path: String?
    private let temporaryPath: String?
    private let fileDescriptor: Int32

    /// Opens standard output for `-`, otherwise a temporary file next to `path`.
    init(path: String) throws {
        if path == "-" {
            self.path = nil
            temporaryPath = nil
            fileDescriptor = 1
        } else {
            let temporary = "\(path).tmp-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                fail("\(path): cannot create: \(String(cString: strerror(errno)))")
            }
            self.path = path
            temporaryPath = temporary
            fileDescriptor = fd
        }
        buffer = OutputBuffer(fileDescriptor: fileDescriptor)
    }

    /// Flushes and, for a file, moves it into place.
    func commit() throws {
        try buffer.flush()
        guard let path, let temporaryPath else { return }
        close(fileDescriptor)
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            fail("\(path): cannot write: \(String(cString: strerror(errno)))")
        }
    }

    /// Drops a partly written file; output already sent to standard output stays.
    func discard() {
        guard let temporaryPath else {
            try? buffer.flush()
            return
        }
        close(fileDescriptor)
        unlink(temporaryPath)
    }
}

/// A one-line progress report on standard error, shown only for large inputs when standard
/// error is a terminal.
final class ProgressLine: @unchecked Sendable {
    private let totalBytes: Int
    private let enabled: Bool
    private var shown = false
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
        guard percent != lastPercent else { return }
        lastPercent = percent
        shown = true
        FileHandle.standardError.write(Data("\rtracegen: \(percent)% (\(bytesRead >> 20) of \(totalBytes >> 20) MiB)".utf8))
    }

    func clear() {
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
