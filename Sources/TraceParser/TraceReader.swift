import TraceV2
import TraceWire

/// Reads a Go execution trace as Go 1.27's `internal/trace` reader does: generation by
/// generation, merging the threads' batches into one stream ordered by time and by the rules of
/// the scheduler, checking every event against the state of goroutines, procs and threads.
///
/// The stream starts and ends with a Sync event and has one at each generation boundary. Only
/// one generation is held in memory at a time.
///
/// Usage:
/// ```swift
/// let reader = try TraceReader(source: FileDescriptorSource(path: "app.trace"))
/// while let event = try reader.next() { print(event.kind, event.time) }
/// ```
public final class TraceReader {
    /// The trace version its header names.
    public let version: TraceVersion

    /// What reads and orders the events, a run at a time; nil once it is handed to a read-ahead
    /// thread, whose runs come through ``readAhead``.
    private var engine: OrderingEngine?
    private var readAhead: Guarded<ReadAheadQueue>?
    /// The run being handed out, taken apart (see ``OrderedChunk``), and the position of the
    /// next event in it.
    private var records: [OrderedRecord] = []
    private var position = 0
    private var tables: GenerationTables?
    private var names: [[UInt8]] = []
    private var ending: OrderedChunk.Ending?
    private var lastTime: Int64 = 0
    /// When reading ahead: the tables of the last generation the thread handed over, and the
    /// copy the events here refer to instead.
    private var copiedTables: GenerationTables?
    private var tablesCopy: GenerationTables?
    /// A failure ``nextRun(limit:)`` met after handing out the events before it, for its next call.
    private var failureAfterRun: (any Error)?
    /// The shared table's ID positions, kept here to skip the `swift_once` of each shared read.
    private let idPositions = TimedEventTable.shared.idPositions

    /// Starts reading the trace in `source` and reads its header.
    public init(source: some ByteSource) throws {
        let engine = try OrderingEngine(source: source)
        self.engine = engine
        version = engine.version
    }

    deinit {
        // Waits for the thread to stop (at most the rest of one run), so that whoever owns the
        // source may close it once the reader is gone.
        readAhead?.update { $0.stopped = true }
        readAhead?.update(when: { $0.ended }) { _ in }
    }

    /// How many times an event was put to the ordering (see ``OrderingEngine/orderingQuestions``);
    /// 0 once reading ahead.
    var orderingQuestions: Int { engine?.orderingQuestions ?? 0 }

    /// Reads and orders on a thread of its own from now on, up to a few thousand events ahead of
    /// ``next()``, which then only checks and hands out the events: the same events and errors,
    /// sooner when a second core is free. The source is read on that thread, so nothing else may
    /// use it until the reader is gone (its deinit waits for the thread); its errors still reach
    /// ``next()``, in stream order.
    /// Has no effect once events have been read, or if no thread can be made.
    package func startReadingAhead() {
        guard let engine, readAhead == nil, records.isEmpty, ending == nil else { return }
        let queue = Guarded(ReadAheadQueue())
        if ReadAheadWorker.start(engine, into: queue) {
            self.engine = nil
            readAhead = queue
        }
    }

    /// Reads a trace held in memory.
    public convenience init(bytes: [UInt8]) throws {
        try self.init(source: MemorySource(bytes))
    }

    /// The next event, or nil at the end of the trace.
    public func next() throws -> ParsedEvent? {
        if position == records.count {
            guard try nextChunk() else { return nil }
        }
        let record = records[position]
        position += 1
        // Most events carry no stack or string ID: their first slots are empty.
        if (idPositions[Int(record.code) * 8] | idPositions[Int(record.code) * 8 + 4]) != 0 && !record.detached {
            try validateIDs(record)
        }
        let time = record.time <= lastTime ? lastTime &+ 1 : record.time
        lastTime = time
        return ParsedEvent(code: record.code, time: time, context: record.context, args: record.args,
                           generation: record.detached ? nil : tables, offset: record.offset,
                           note: record.noteCase == OrderedRecord.noteNone ? .none : record.note(names: names))
    }

    /// The rest of the current run of events as plain records, each checked and given its final
    /// time as ``next()`` does, with what it takes to make the events (``EventRun/event(_:tables:)``);
    /// nil at the end of the trace. A reader is read with one of the two calls, not both.
    ///
    /// A failure comes where ``next()`` would throw it: a run ends before an event that fails
    /// its checks, the next call throws, and the call after that goes on after the event.
    ///
    /// - Parameter limit: The most events in one run (runs are otherwise as the ordering made
    ///   them, up to ``OrderingEngine/chunkSize``); the rest come with the next call.
    package func nextRun(limit: Int = .max) throws -> EventRun? {
        if let failure = failureAfterRun {
            failureAfterRun = nil
            throw failure
        }
        if position == records.count {
            guard try nextChunk() else { return nil }
        }
        // Take the run's records out of the reader (no copy when it hands out a whole run), then
        // check them and fix their times in place.
        var run: [OrderedRecord] = []
        swap(&run, &records)
        if position > 0 { run.removeFirst(position) }
        position = 0
        if run.count > limit {
            records = Array(run[limit...])
            run.removeSubrange(limit...)
        }
        var checked = 0
        var failure: (any Error)?
        var last = lastTime
        run.withUnsafeMutableBufferPointer { run in
            while checked < run.count {
                let record = run[checked]
                if (idPositions[Int(record.code) * 8] | idPositions[Int(record.code) * 8 + 4]) != 0 && !record.detached {
                    do {
                        try validateIDs(record)
                    } catch {
                        failure = error
                        return
                    }
                }
                last = record.time <= last ? last &+ 1 : record.time
                run[checked].time = last
                checked += 1
            }
        }
        lastTime = last
        guard let failure else { return EventRun(tables: tables, records: run, names: names) }
        // Keep the events after the failing one for later calls, as next() passes over it.
        records = Array(run[checked...]) + records
        position = 1
        run.removeSubrange(checked...)
        if run.isEmpty { throw failure }
        failureAfterRun = failure
        return EventRun(tables: tables, records: run, names: names)
    }

    /// Moves to the next run with events; false at the end of the trace. A failure is thrown once
    /// the events before it are handed out, and again on every later call.
    private func nextChunk() throws -> Bool {
        while position == records.count {
            switch ending {
            case .finished: return false
            case .failed(let error): throw error
            case nil: break
            }
            let chunk = engine?.nextChunk() ?? readAhead!.update(when: { !$0.chunks.isEmpty }) { $0.chunks.removeFirst() }
            records = chunk.records
            if readAhead != nil, let original = chunk.tables {
                // The events handed out here refer to a copy of the tables, made once per
                // generation: their reference counting then stays off the object the ordering
                // thread reads (see ``GenerationTables/init(copying:)``).
                if original !== copiedTables {
                    copiedTables = original
                    tablesCopy = GenerationTables(copying: original)
                }
                tables = tablesCopy
            } else {
                tables = chunk.tables
            }
            names = chunk.names
            ending = chunk.ending
            position = 0
        }
        return true
    }

    // MARK: Table checks

    /// Every stack and string ID the spec lists for the event must be defined.
    private func validateIDs(_ record: OrderedRecord) throws {
        guard let tables else { return }
        // Each list is packed from its start: stop at its first 0 (most events carry one ID or
        // none; a walk over all eight slots cost 87M of `parsed --decode-only`'s 1,226M
        // instructions, this one 43M).
        let positions = idPositions + Int(record.code) * 8
        var slot = 0
        while slot < 4, positions[slot] != 0 {
            let id = record.args[Int(positions[slot]) - 1]
            if !tables.definesStack(id) { throw invalidID(record, id, isStack: true) }
            slot += 1
        }
        slot = 4
        while slot < 8, positions[slot] != 0 {
            let id = record.args[Int(positions[slot]) - 1]
            if !tables.definesString(id) { throw invalidID(record, id, isStack: false) }
            slot += 1
        }
    }

    private func invalidID(_ record: OrderedRecord, _ id: UInt64, isStack: Bool) -> TraceParseError {
        TraceParseError(message: "found invalid \(isStack ? "stack" : "string") ID \(id) for event \(eventName(record.code))",
                        generation: tables?.number, offset: record.offset == 0 ? nil : record.offset,
                        event: "\(eventName(record.code)) on M \(record.context.thread)")
    }
}

/// Reads batches, generation by generation, and orders their events into runs of plain records
/// (``OrderedChunk``) for a ``TraceReader`` to hand out: everything the reader does except the
/// checks and adjustments of each event it hands out.
final class OrderingEngine {
    /// The trace version its header names.
    let version: TraceVersion

    private let input: BatchInput
    private let ordering: Ordering
    // Exclusivity unchecked on the seven marked below: checked (with the rest of the file's
    // properties, which measured nothing and go unmarked, and with the reader's own, then in the same
    // class), `gotrace parsed --decode-only` ran 29% more instructions (callgrind on a 2.7 MB trace of
    // Go 1.27.3: 1,560M against 1,205M; `parsed` 18%).
    @exclusivity(unchecked) private var generation: Generation?
    /// What the events of ``generation`` keep of it.
    @exclusivity(unchecked) private var tables: GenerationTables?
    /// ``generation`` and ``tables``, unretained, for borrowing them in ``nextChunk()``; set and
    /// cleared with them.
    @exclusivity(unchecked) private var generationRef: Unmanaged<Generation>?
    @exclusivity(unchecked) private var tablesRef: Unmanaged<GenerationTables>?
    /// Whether a generation was installed and not dropped on a failure (Go's "current generation
    /// is set"); ``generation`` itself is released early to save memory.
    private var haveGeneration = false
    @exclusivity(unchecked) private var frontier = Frontier()
    @exclusivity(unchecked) private var waiting = WaitingCursors()
    /// How many times an event was put to the ordering; with waiting cursors skipped it grows
    /// with the events, not with the events times the threads.
    @exclusivity(unchecked) private(set) var orderingQuestions = 0
    private var cpuSamples: [CPUSample] = []
    private var nextSample = 0
    private var syncCount = 0
    private var finished = false
    /// Go 1.26 traces: a failure reading the next generation, reported after its Sync event.
    private var pendingFailure: Located?
    /// Older traces mark no generation end: the first batch of the next generation is read
    /// while reading this one, and kept here; so is a failure met while looking for it.
    private var spill: (number: UInt64, batch: BatchInput.RawBatch, data: [UInt8])?
    private var spillFailure: Located?
    private var spillFailureSynced = false

    /// Records per run: enough that handing a run to another thread costs little per event (with
    /// 1,024, `parsed --decode-only` on a 34 MB trace switched threads 11,000 times, with 4,096
    /// 2,800 times, and took less system time), few enough that a run (360 KB) stays in the cache.
    static let chunkSize = 4096

    /// Starts reading the trace in `source` and reads its header.
    init(source: some ByteSource) throws {
        var source: any ByteSource = source
        var header = [UInt8](repeating: 0, count: TraceVersion.headerSize)
        var count = 0
        while count < header.count {
            let got = try header.withUnsafeMutableBytes { bytes in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[count...]))
            }
            if got == 0 { break }
            count += got
        }
        guard count == header.count, let version = TraceVersion(header: header) else {
            throw Self.headerError(Array(header[..<count]))
        }
        self.version = version
        ordering = Ordering(version: version)
        input = BatchInput(source: source, offset: TraceVersion.headerSize, leftover: [])
    }

    private static func headerError(_ header: [UInt8]) -> TraceParseError {
        let text = String(decoding: header, as: UTF8.self)
        if text.hasPrefix("go 1."), text.hasSuffix(" trace\0\0\0") {
            let number = text.dropFirst(5).prefix { $0.isNumber }
            if let minor = Int(number) {
                if [11, 19, 21].contains(minor) {
                    return TraceParseError(message: "go 1.\(minor) traces use the v1 format, which this reader does not read", offset: 0)
                }
                return TraceParseError(message: "unknown or unsupported trace version go 1.\(minor)", offset: 0)
            }
        }
        return header.count < TraceVersion.headerSize
            ? TraceParseError(message: "bad file format: the trace ends inside its 16-byte header", offset: header.count)
            : TraceParseError(message: "bad file format: not a Go execution trace?", offset: 0)
    }

    // MARK: The stream

    /// The next run of ordered events, all of one generation, and how the stream ends after it
    /// if it does. Once a run has an ending, the engine is not asked again.
    func nextChunk() -> OrderedChunk {
        var ending: OrderedChunk.Ending?
        var names: [[UInt8]] = []
        // The ordering writes straight into the new array's memory.
        let records = [OrderedRecord](unsafeUninitializedCapacity: Self.chunkSize + OrderedRecords.room) { buffer, count in
            ordering.output = OrderedRecords(buffer)
            ending = fill()
            count = ordering.output.count
            names = ordering.output.names
            ordering.output = OrderedRecords()
        }
        return OrderedChunk(tables: tables, records: records, names: names, ending: ending)
    }

    /// Orders events into ``Ordering/output`` until a run is full or its generation ends; returns
    /// how the stream ends there, if it does.
    private func fill() -> OrderedChunk.Ending? {
        // Where the step under way started writing: a step that fails hands out none of its
        // events, as Go's reader, which fails before returning the event it has just ordered
        // when the next event of the same thread cannot be read.
        var stepStart = 0
        do {
            while ordering.output.count < Self.chunkSize {
                if finished { return .finished }
                if frontier.isEmpty && nextSample == cpuSamples.count {
                    // A run holds the events of one generation.
                    if ordering.output.count > 0 { return nil }
                    stepStart = 0
                    try startNextGeneration()
                    continue
                }
                // Borrowed through `Unmanaged`, not bound: binding the properties retained and
                // released both once per event, 63M of `parsed --decode-only`'s 1,226M instructions
                // (callgrind, 3.9 MB trace of Go 1.27.3). The engine holds both strongly in
                // ``generation`` and ``tables`` for as long as this call runs.
                guard let generationRef, let tablesRef else {
                    finished = true
                    continue
                }
                try generationRef._withUnsafeGuaranteedRef { generation in
                    try tablesRef._withUnsafeGuaranteedRef { tables in
                        while ordering.output.count < Self.chunkSize && !(frontier.isEmpty && nextSample == cpuSamples.count) {
                            stepStart = ordering.output.count
                            try step(generation, tables)
                        }
                    }
                }
            }
            return nil
        } catch let located as Located {
            finished = true
            ordering.output.removeLast(ordering.output.count - stepStart)
            if case .endOfInput = located.failure { return .finished }
            return .failed(TraceParseError(message: located.failure.text, generation: located.generation,
                                           offset: located.offset, event: located.event))
        } catch {
            finished = true
            ordering.output.removeLast(ordering.output.count - stepStart)
            return .failed(error)
        }
    }

    /// Lets the finished generation go and reads the next, writing the Sync event between them.
    private func startNextGeneration() throws {
        // Nothing refers to the finished generation any more: let it go before reading the
        // next, so only one is held at a time.
        cpuSamples = []
        nextSample = 0
        generationRef = nil
        tablesRef = nil
        generation = nil
        tables = nil
        if version < .go1_26 { return try nextGenerationWithSpill() }
        if let pendingFailure { throw pendingFailure }
        let read: Generation?
        do {
            read = try readGeneration()
        } catch let failure as Located {
            pendingFailure = failure
            haveGeneration = false
            return writeSync(nil)
        }
        try install(read)
    }

    /// Orders one event, or merges one CPU sample, into ``Ordering/output``.
    @inline(__always)
    private func step(_ generation: Generation, _ tables: GenerationTables) throws {
        if nextSample < cpuSamples.count, frontier.isEmpty || cpuSamples[nextSample].time < frontier.earliestTime {
            let sample = cpuSamples[nextSample]
            nextSample += 1
            // Go's parser takes a sample's stack on trust and its printer crashes on one the
            // generation does not define; here every consumer gets the failure, with Go's words.
            if !generation.stacks.contains(sample.stack) {
                throw Located(.broken("expected id \(sample.stack) in trace.stack table"), generation: generation.number,
                              offset: sample.offset, event: "\(eventName(EventType.cpuSample.rawValue)) on M \(sample.thread)")
            }
            var args = EventArgs()
            args[0] = sample.stack
            ordering.output.append(OrderedRecord(code: EventType.cpuSample.rawValue, time: sample.time,
                                                 context: SchedContext(goroutine: sample.goroutine, proc: sample.proc, thread: sample.thread),
                                                 args: args, offset: 0))
            return
        }
        if try !tryAdvance(0, generation, tables) {
            // Try the other threads in time order, as Go does: its sort decides the order of
            // equal times and leaves the array rearranged for later events, so it is kept even
            // when every waiting thread is skipped; sorting keeps the heap a heap.
            frontier.sort()
            var advanced = false
            var index = 1
            while index < frontier.count {
                // Step over the waiting cursors in one tight loop.
                index = waiting.withMarks { frontier.firstIndex(from: index, notMarkedIn: $0) }
                if index == frontier.count { break }
                if try tryAdvance(index, generation, tables) {
                    advanced = true
                    break
                }
                index += 1
            }
            if !advanced {
                throw Located(.broken("broken trace: failed to advance: frontier:\n[gen=\(generation.number)]\n\n\(dumpFrontier())\n\(ordering.stateDump())\n"),
                              generation: generation.number)
            }
        }
    }

    /// Tries the event of the cursor at `index` in the heap; a cursor known to wait is not asked
    /// again until what it waits for changes.
    // Inline at both calls (the earliest cursor's, and the loop over the others): thread 2 of
    // `gotrace parsed --decode-only` (callgrind, small.trace) ran 336.7M instructions with it
    // out of line, 303.7M inline.
    @inline(__always)
    private func tryAdvance(_ index: Int, _ generation: Generation, _ tables: GenerationTables) throws -> Bool {
        let slot = frontier.slot(at: index)
        if waiting.isWaiting(slot) { return false }
        orderingQuestions &+= 1
        // One access to the cursor for the ordering, the wake-ups and the next event.
        let moved: Bool? = try frontier.withCursor(slot) { cursor in
            let thread = cursor.thread
            do {
                if try !ordering.advance(&cursor.event, tables, thread: thread, known: &cursor.threadRecord) {
                    waiting.wait(slot, type: cursor.event.type, args: cursor.event.args, context: ordering.lastContext,
                                 thread: thread)
                    return nil
                }
            } catch let failure as Failure {
                throw Located(failure, generation: generation.number, offset: cursor.event.offset,
                              event: "\(eventName(cursor.event.type)) on M \(thread)")
            }
            if waiting.count != 0 {
                // The ordering rewrites at most a ProcStatus's status and a task begin's parent,
                // neither of which a waiting cursor is filed under.
                waiting.wake(type: cursor.event.type, args: cursor.event.args, context: ordering.lastContext, thread: thread)
            }
            return try advanceCursor(&cursor, generation)
        }
        guard let moved else { return false }
        if moved {
            frontier.update(index)
        } else {
            frontier.remove(index)
        }
        return true
    }

    @inline(__always)
    private func advanceCursor(_ cursor: inout BatchCursor, _ generation: Generation) throws -> Bool {
        do {
            return try cursor.advance(in: generation)
        } catch let failure as Failure {
            throw Located(failure, generation: generation.number, offset: cursor.position(in: generation),
                          event: nil)
        }
    }

    private func dumpFrontier() -> String {
        frontier.heap.map { entry in
            let cursor = frontier[cursor: Int(entry.slot)]
            let type = cursor.event.type
            let names = EventType(rawValue: type)?.spec.args.dropFirst() ?? []
            let args = names.enumerated().map { " \($0.element)=\(cursor.event.args[$0.offset])" }.joined()
            return "M \(cursor.thread) [\(eventName(type)) time=\(cursor.event.time)\(args)]\n"
        }.joined()
    }

    /// Writes a Sync event: at the start of `generation`, or, for nil, after the last event.
    private func writeSync(_ generation: GenerationTables?) {
        syncCount += 1
        var args = EventArgs()
        args[0] = UInt64(syncCount)
        var record = OrderedRecord(code: syncEventCode, time: generation.map { $0.nanoseconds($0.minTime) } ?? OrderedRecord.timeAfterLast,
                                   context: SchedContext(goroutine: NoResource.goroutine, proc: NoResource.proc, thread: NoResource.thread),
                                   args: args, offset: 0)
        record.detached = generation == nil
        ordering.output.append(record)
    }

    /// Makes `generation` current and writes its opening Sync event; nil means the trace is
    /// over, which writes the closing Sync event.
    private func install(_ read: Generation?) throws {
        guard let read else {
            haveGeneration = false
            finished = true
            return writeSync(nil)
        }
        generation = read
        tables = read.tables
        generationRef = Unmanaged.passUnretained(read)
        tablesRef = read.tables.map(Unmanaged.passUnretained)
        haveGeneration = true
        cpuSamples = read.cpuSamples
        nextSample = 0
        frontier = Frontier()
        waiting.wakeAll()
        for (list, thread) in read.threads.enumerated() {
            var cursor = BatchCursor(thread: thread, list: list)
            if try advanceCursor(&cursor, read) { frontier.insert(cursor) }
        }
        writeSync(read.tables)
    }

    private func nextGenerationWithSpill() throws {
        if let spillFailure {
            if spillFailureSynced { throw spillFailure }
            spillFailureSynced = true
            return writeSync(nil)
        }
        if haveGeneration && spill == nil {
            finished = true
            return writeSync(nil)
        }
        let read: Generation
        do {
            read = try readGenerationWithSpill()
        } catch let failure as Located {
            haveGeneration = false
            spillFailure = failure
            spillFailureSynced = true
            return writeSync(nil)
        }
        return try install(read)
    }

    // MARK: Reading generations

    private func readBatch(_ generation: Generation) throws -> BatchInput.RawBatch? {
        let start = input.offset
        do {
            let chunk = generation.chunkWithRoom()
            var batch = try input.readBatch(into: &generation.chunks[chunk])
            batch?.chunk = chunk
            return batch
        } catch let failure as Failure {
            throw Located(failure, generation: generation.number == 0 ? nil : generation.number, offset: start)
        }
    }

    private func file(_ batch: BatchInput.RawBatch, in generation: Generation) throws {
        do {
            try generation.add(batch, version: version)
        } catch let failure as Failure {
            throw Located(failure, generation: generation.number, offset: batch.offset)
        }
    }

    private func finish(_ generation: Generation, requireClockSnapshot: Bool) throws {
        do {
            try generation.finish(requireClockSnapshot: requireClockSnapshot)
        } catch let failure as Failure {
            throw Located(failure, generation: generation.number, offset: input.offset)
        }
    }

    private static func isEndOfGeneration(_ batch: BatchInput.RawBatch, _ generation: Generation) -> Bool {
        batch.experiment == nil && batch.dataCount > 0
            && generation.chunks[batch.chunk].base[batch.dataStart] == EventType.endOfGeneration.rawValue
    }

    /// Reads one generation of a Go 1.26 trace, up to its EndOfGeneration marker; nil at the end
    /// of the trace.
    private func readGeneration() throws -> Generation? {
        let read = Generation(number: 0)
        while true {
            guard let batch = try readBatch(read) else {
                if !read.threads.isEmpty {
                    throw Located(.broken("incomplete generation found; trace likely truncated"),
                                  generation: read.number, offset: input.offset)
                }
                return nil
            }
            if read.number == 0 { read.number = batch.generation }
            if Self.isEndOfGeneration(batch, read) {
                read.chunks[batch.chunk].count = batch.dataStart
                break
            }
            if batch.generation == 0 {
                throw Located(.broken("invalid generation number 0"), offset: batch.offset)
            }
            if batch.generation != read.number {
                throw Located(.broken("broken trace: missing end-of-generation event, or generations are interleaved"),
                              generation: read.number, offset: batch.offset)
            }
            if read.minTime == 0 || batch.time < read.minTime { read.minTime = batch.time }
            try file(batch, in: read)
        }
        try finish(read, requireClockSnapshot: true)
        return read
    }

    /// Reads one generation of an older trace, which ends where a batch of the next generation
    /// starts; that batch is kept for the next call.
    private func readGenerationWithSpill() throws -> Generation {
        let read = Generation(number: 0)
        if let carried = spill {
            read.number = carried.number
            read.minTime = carried.batch.time
            var batch = carried.batch
            batch.chunk = read.chunkWithRoom()
            batch.dataStart = read.chunks[batch.chunk].count
            carried.data.withUnsafeBytes { read.chunks[batch.chunk].append($0) }
            spill = nil
            try file(batch, in: read)
        }
        while true {
            let batch: BatchInput.RawBatch
            do {
                guard let next = try readBatch(read) else { break }
                batch = next
            } catch let failure as Located {
                // A broken batch after some good ones may just be a cut trace: keep what was
                // read and report the problem after this generation.
                if read.number != 0 {
                    spillFailure = failure
                    break
                }
                throw failure
            }
            if batch.generation == 0 {
                throw Located(.broken("invalid generation number 0"), offset: batch.offset)
            }
            if read.number == 0 { read.number = batch.generation }
            if batch.generation == read.number &+ 1 {
                let data = Array(read.chunks[batch.chunk].bytes(from: batch.dataStart, count: batch.dataCount))
                read.chunks[batch.chunk].count = batch.dataStart
                spill = (batch.generation, batch, data)
                break
            }
            if batch.generation != read.number {
                throw Located(.broken("generations out of order"), generation: read.number, offset: batch.offset)
            }
            if read.minTime == 0 || batch.time < read.minTime { read.minTime = batch.time }
            try file(batch, in: read)
        }
        try finish(read, requireClockSnapshot: version >= .go1_25)
        return read
    }
}

/// A failure with where it happened, on its way to becoming a ``TraceParseError``.
struct Located: Error {
    var failure: Failure
    var generation: UInt64?
    var offset: Int?
    var event: String?

    init(_ failure: Failure, generation: UInt64? = nil, offset: Int? = nil, event: String? = nil) {
        self.failure = failure
        self.generation = generation
        self.offset = offset
        self.event = event
    }
}
