import TraceWire

/// Events of one generation handed out as plain records (``TraceReader/nextRun(limit:)``): checked,
/// with their final times, and made into events by whoever takes them, on any thread.
package struct EventRun: Sendable {
    /// The tables of the generation the records belong to (nil before the first).
    let tables: GenerationTables?
    let records: [OrderedRecord]
    /// The names of the records' `endedTask` notes.
    let names: [[UInt8]]

    package var count: Int { records.count }

    /// The event of record `index`, referring to `tables`: the run's own, or a copy of them
    /// (``GenerationTables/init(copying:)``).
    @inline(__always)
    func event(_ index: Int, tables: GenerationTables?) -> ParsedEvent {
        let record = records[index]
        return ParsedEvent(code: record.code, time: record.time, context: record.context, args: record.args,
                           generation: record.detached ? nil : tables, offset: record.offset,
                           note: record.noteCase == OrderedRecord.noteNone ? .none : record.note(names: names))
    }
}

/// Where a piece of text goes in the output: the run it comes from, in stream order, and its
/// place among the pieces that run's text was cut into.
private struct PieceKey: Hashable, Comparable, Sendable {
    var run: Int
    var part: Int

    static func < (lhs: PieceKey, rhs: PieceKey) -> Bool {
        (lhs.run, lhs.part) < (rhs.run, rhs.part)
    }
}

/// Events of a run, from `start` on, on their way to a formatter.
private struct Piece: Sendable {
    var key: PieceKey
    var run: EventRun
    var start: Int
}

/// The text of a piece; the failure that stopped its formatting, if one did (the text then ends
/// where the failing event's text broke off, as ``ParsedPrinter/print(_:to:progress:)`` leaves
/// it); and whether the run goes on in a next piece.
private struct FormattedPiece: Sendable {
    var text: [UInt8]
    var failure: (any Error)?
    var continues: Bool
}

/// What the reading thread and the helper that formats share.
private struct PrintingState: Sendable {
    /// Pieces read and not yet taken by a formatter, in stream order.
    var unformatted: [Piece] = []
    /// Formatted pieces waiting for their turn to be written.
    var formatted: [PieceKey: FormattedPiece] = [:]
    /// The piece the writer needs next.
    var nextToWrite = PieceKey(run: 0, part: 0)
    /// Pieces made and not yet written.
    var inFlight = 0
    /// No more pieces will come: the helper stops once ``unformatted`` is empty.
    var closed = false
    /// The helper has stopped and touches nothing any more.
    var helperEnded = false
    /// Emptied text buffers of written pieces, for formatters to fill again: fresh memory for
    /// every piece cost more in page faults than the formatting (1.4 s of system time on a
    /// 34 MB trace).
    var spareTexts: [[UInt8]] = []

    /// Whether a formatter may take the first waiting piece: while fewer than
    /// ``ParsedPrinter/piecesInFlight`` texts wait to be written (so memory stays bounded however
    /// far the formatters get ahead of the writer), and always when it is the piece the writer
    /// needs (so the writer is never left waiting for a piece nobody may take).
    var mayFormat: Bool {
        guard let first = unformatted.first else { return false }
        return first.key == nextToWrite || formatted.count < ParsedPrinter.piecesInFlight
    }

    /// Formats the first waiting piece with `formatter` (outside the lock) and files its text;
    /// the rest of a run cut short takes its place in line. False if no more than `waiting`
    /// wait, or none may be taken (``mayFormat``).
    static func formatNext(_ shared: Guarded<PrintingState>, with formatter: RunFormatter, ifMoreThan waiting: Int) -> Bool {
        var buffer: [UInt8] = []
        guard let piece = shared.update({ state -> Piece? in
            guard state.unformatted.count > waiting, state.mayFormat else { return nil }
            buffer = state.spareTexts.popLast() ?? []
            return state.unformatted.removeFirst()
        }) else { return false }
        let (text, rest) = formatter.format(piece, into: &buffer)
        shared.update { state in
            state.formatted[piece.key] = text
            if let rest, !state.closed {
                // Before every piece of a later run: the queue stays in stream order.
                let place = state.unformatted.firstIndex { $0.key > rest.key } ?? state.unformatted.count
                state.unformatted.insert(rest, at: place)
                state.inFlight += 1
            }
        }
        return true
    }
}

/// One formatter: a byte sink whose text collects in memory, its own cache of stack and string
/// texts, and its own copy of the current generation's tables.
///
/// The copy is what lets two formatters run side by side: every event holds its generation's
/// tables, so making, reading and dropping events retains and releases them several times per
/// event. On one shared object those atomic counts move the object's cache line between the
/// cores; on a copy per formatter each core counts on memory of its own. (Handing finished
/// events, all holding the shared object, to the other formatter, `gotrace parsed` on a 34 MB
/// trace took 2.8 s of CPU against 1.9 s on one thread; with plain records handed over and the
/// events made against a copy, 1.9 s against 1.5 s; both with other work on the machine.)
private final class RunFormatter {
    private final class Collected {
        var text: [UInt8] = []
    }

    /// The most text one piece collects, give or take one event's: the text of a run of events
    /// with deep stacks can be far larger than the trace (CraftedTraceTests), and memory must
    /// stay bounded by the input.
    static let textBudget = 256 << 10

    private let collected = Collected()
    private let sink: ByteSink
    /// Half the cache one printer has: the two together keep as much text as it does.
    private let texts = TextCache(budget: TextCache.budget / 2)
    /// The tables the copy was made from, held so that no later generation's tables can take
    /// their address while the copy is in use.
    private var original: GenerationTables?
    private var copy: GenerationTables?

    init() {
        // A piece's text moves on from the sink in 64 KiB steps, into the piece's own buffer.
        sink = ByteSink(capacity: 64 << 10) { [collected] bytes in collected.text.append(contentsOf: bytes) }
    }

    /// The text of `piece`'s events, up to about ``textBudget`` bytes, written into `buffer`'s
    /// memory, and the piece of the events left if it stopped there.
    func format(_ piece: Piece, into buffer: inout [UInt8]) -> (FormattedPiece, rest: Piece?) {
        // Moved, not copied: a second reference would make the first append copy the memory.
        collected.text = []
        swap(&collected.text, &buffer)
        collected.text.reserveCapacity(Self.textBudget + Self.textBudget / 4)
        let run = piece.run
        if let tables = run.tables, tables !== original {
            original = tables
            copy = GenerationTables(copying: tables)
        }
        var failure: (any Error)?
        var index = piece.start
        do {
            while index < run.count {
                try ParsedPrinter.write(run.event(index, tables: copy), to: sink, texts: texts)
                index += 1
                if collected.text.count + sink.pending >= Self.textBudget { break }
            }
        } catch {
            failure = error
        }
        // The sink's deliver only appends to memory: flushing cannot fail.
        try? sink.flush()
        defer { collected.text = [] }
        let rest = failure == nil && index < run.count
            ? Piece(key: PieceKey(run: piece.key.run, part: piece.key.part + 1), run: run, start: index) : nil
        return (FormattedPiece(text: collected.text, failure: failure, continues: rest != nil), rest)
    }
}

extension ParsedPrinter {
    /// Pieces read and not yet written, at most: with pieces of about 256 KiB of text, memory stays
    /// bounded however the two formatters' speeds differ.
    static let piecesInFlight = 4

    /// ``print(_:to:progress:)`` with the formatting shared between this thread and a helper:
    /// this thread takes the checked events run by run (``TraceReader/nextRun(limit:)``), formats a
    /// piece itself whenever the helper has more than one waiting, and writes the texts in stream
    /// order. The output is the same bytes, and a failure leaves the same text before it; only
    /// the work is split. Falls back to one thread if no thread can be made.
    ///
    /// - Parameter runLength: The most events taken as one run (tests make it small, to have
    ///   many pieces in flight).
    /// - Returns: The number of events printed.
    @discardableResult
    package static func printInParallel(_ reader: TraceReader, to output: OutputBuffer, runLength: Int = .max,
                                        progress: ((Int) -> Void)? = nil) throws -> Int {
        let shared = Guarded(PrintingState())
        let helper = RunFormatter()
        let started = DetachedThread.start {
            while shared.update(when: { $0.mayFormat || $0.closed }, { !$0.closed }) {
                _ = PrintingState.formatNext(shared, with: helper, ifMoreThan: 0)
            }
            shared.update { $0.helperEnded = true }
        }
        guard started else { return try print(reader, to: output, progress: progress) }
        defer {
            // Whatever happened, the helper stops before this returns, with nothing left for it.
            shared.update { state in
                state.closed = true
                state.unformatted.removeAll()
            }
            shared.update(when: { $0.helperEnded }) { _ in }
        }

        let mine = RunFormatter()
        var nextRun = 0
        var count = 0
        var readFailure: (any Error)?

        /// Writes the formatted pieces that are next in order; throws the failure that ended one.
        func writeReady() throws {
            while var piece = shared.update({ state -> FormattedPiece? in
                let key = state.nextToWrite
                guard let piece = state.formatted.removeValue(forKey: key) else { return nil }
                state.inFlight -= 1
                state.nextToWrite = piece.continues ? PieceKey(run: key.run, part: key.part + 1) : PieceKey(run: key.run + 1, part: 0)
                return piece
            }) {
                try piece.text.withUnsafeBytes { try output.writeThrough($0) }
                if let failure = piece.failure { throw failure }
                // Hand the emptied buffer back, its memory kept.
                var spare: [UInt8] = []
                swap(&spare, &piece.text)
                spare.removeAll(keepingCapacity: true)
                shared.update { $0.spareTexts.append(spare) }
            }
        }

        /// Formats a waiting piece here, or waits until the next piece to write is formatted.
        func helpOrWait() {
            if PrintingState.formatNext(shared, with: mine, ifMoreThan: 0) { return }
            shared.update(when: { $0.formatted[$0.nextToWrite] != nil || $0.mayFormat }) { _ in }
        }

        do {
            while true {
                let run: EventRun
                do {
                    guard let next = try reader.nextRun(limit: runLength) else { break }
                    run = next
                } catch {
                    readFailure = error
                    break
                }
                if let progress, (count + run.count) >> 16 != count >> 16 { progress(count + run.count) }
                count += run.count
                // Make room for the run: write, or format, or wait for the next piece to write.
                while true {
                    try writeReady()
                    if shared.update({ $0.inFlight }) < Self.piecesInFlight { break }
                    helpOrWait()
                }
                shared.update { state in
                    state.unformatted.append(Piece(key: PieceKey(run: nextRun, part: 0), run: run, start: 0))
                    state.inFlight += 1
                }
                nextRun += 1
                _ = PrintingState.formatNext(shared, with: mine, ifMoreThan: 1)
            }
            // The rest: format what still waits, and write everything in order.
            while shared.update({ $0.nextToWrite.run }) < nextRun {
                try writeReady()
                if shared.update({ $0.nextToWrite.run }) < nextRun { helpOrWait() }
            }
        } catch {
            try? output.flush()
            throw error
        }
        if let readFailure {
            try? output.flush()
            throw readFailure
        }
        try output.flush()
        return count
    }
}
