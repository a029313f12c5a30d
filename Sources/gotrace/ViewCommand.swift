import ArgumentParser
import CommandSupport
import TraceAnalysis
import TraceParser
import TraceV2
import TraceWire

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Write the trace-event JSON that Go 1.27.3's `go tool trace` serves at /jsontrace, or the same view as a Perfetto trace, for ui.perfetto.dev or chrome://tracing.",
        discussion: """
            The proc view by default (one track per proc), the thread view with --view thread, \
            or one goroutine and the goroutines that unblocked it with --goroutine ID (which \
            reads the trace twice, so it needs a file). One JSON document for the whole trace, \
            written as the events are read; the events equal those of Go's server (compared as \
            sets, since Go's order and frame IDs follow its map order). --format perfetto writes \
            the same tracks, slices, instants, counters and arrows as a native Perfetto trace \
            (TracePackets, times in nanoseconds). A damaged trace: Go's verdict on standard \
            error, exit status 1, and no -o file (standard output gets the view of the events \
            before the problem).

            Examples:
              gotrace view -o app.json app.trace
              gotrace view --format perfetto -o app.perfetto-trace app.trace
              gotrace view --view thread app.trace > threads.json
              gotrace view --goroutine 1 -o main.json app.trace
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, perfetto
    }

    enum View: String, ExpressibleByArgument, CaseIterable {
        case proc, thread
    }

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(help: "json: Catapult trace-event JSON; perfetto: a native Perfetto trace (TracePackets).")
    var format: Format = .json

    @Option(help: "proc or thread.")
    var view: View = .proc

    @Option(help: "Draw this goroutine and the goroutines related to it, one track each, over its lifetime.")
    var goroutine: Int64?

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @OptionGroup var readAhead: ReadAheadOption

    func validate() throws {
        if goroutine != nil && trace == "-" {
            throw ValidationError("--goroutine reads the trace twice, so it needs a file, not standard input")
        }
        if goroutine != nil && view != .proc {
            throw ValidationError("--goroutine draws goroutine tracks; it cannot be combined with --view \(view.rawValue)")
        }
    }

    func run() throws {
        var mode: ViewerMode = view == .thread ? .thread : .proc
        var focus: ViewerFocus?
        if let goroutine {
            let finder = ViewerFocusFinder()
            let inputName = try readEvents(trace) { finder.add($0) }
            guard let found = finder.focus(on: GoroutineID(signed: goroutine)) else {
                throw CommandFailure(.input, "\(inputName): no goroutine \(goroutine) in the trace")
            }
            focus = found
            mode = .goroutine
        }
        try writeView(mode: mode, focus: focus)
    }

    /// One streaming pass: every event goes to the generator, whose bytes go to the output as
    /// they are ready. A damaged trace still gets a complete document of the events before the
    /// problem, but only on standard output or a pipe.
    private func writeView(mode: ViewerMode, focus: ViewerFocus?) throws {
        let (source, inputName) = try openInput(trace)
        defer { source.close() }
        let progress = ProgressLine(totalBytes: source.fileSize)
        defer { progress.clear() }
        let reader: TraceReader
        do {
            reader = try TraceReader(source: CountingSource(base: source, progress: progress))
            readAhead.apply(to: reader)
        } catch let error as TraceParseError {
            throw CommandFailure(.input, "\(inputName): \(error)")
        } catch let error as WireError {
            throw failure(error, input: inputName, output: output)
        }
        let destination = try CommandOutput(path: output)
        do {
            let generator = ViewerGenerator(mode: mode, focus: focus, format: format == .perfetto ? .perfetto : .json) { try destination.buffer.write($0) }
            var damage: TraceParseError?
            do {
                try reader.forEachEvent(generator.add)
            } catch let error as TraceParseError {
                damage = error
            }
            try generator.finish()
            progress.clear()
            if let damage { throw CommandFailure(.input, "\(inputName): \(damage)") }
            try destination.commit()
        } catch let error as WireError {
            destination.discard()
            throw failure(error, input: inputName, output: output)
        } catch let error as ViewerError {
            destination.discard()
            throw CommandFailure(.input, "\(inputName): \(error)")
        } catch {
            destination.discard()
            throw error
        }
    }

    /// Reads every event once, for a first pass; a damaged trace gets Go's verdict.
    private func readEvents(_ path: String, _ feed: (ParsedEvent) -> Void) throws -> String {
        let (source, inputName) = try openInput(path)
        defer { source.close() }
        let progress = ProgressLine(totalBytes: source.fileSize)
        defer { progress.clear() }
        do {
            let reader = try TraceReader(source: CountingSource(base: source, progress: progress))
            readAhead.apply(to: reader)
            try reader.forEachEvent(feed)
        } catch let error as TraceParseError {
            throw CommandFailure(.input, "\(inputName): \(error)")
        } catch let error as WireError {
            throw failure(error, input: inputName, output: output)
        }
        return inputName
    }
}
