import TraceV2
import TraceWire

/// A table keyed by the IDs a generation gives its strings and stacks.
///
/// The rules are Go's: ID 0 always stands for the empty value, an ID may be defined only once
/// (0 included), and lookups of unknown IDs fail. Once filled, a table whose IDs are dense
/// enough moves into an array.
struct IDTable<Value> {
    private var sparse: [UInt64: Value] = [:]
    private var dense: [Value?] = []

    /// Adds an entry; returns the existing value (or nil for ID 0's empty one) when the ID is
    /// taken.
    mutating func insert(_ id: UInt64, _ value: Value) -> (taken: Bool, existing: Value?) {
        if id == 0 { return (true, nil) }
        if let existing = sparse[id] { return (true, existing) }
        sparse[id] = value
        return (false, nil)
    }

    /// Whether `id` resolves: 0 always does. Asks without copying the value out, which for
    /// array values would cost a retain and a release on every event's ID check.
    func contains(_ id: UInt64) -> Bool {
        if id == 0 { return true }
        if id < UInt64(dense.count) {
            return dense.withUnsafeBufferPointer { entries in
                if case .none = entries[Int(id)] { return false }
                return true
            }
        }
        return sparse.index(forKey: id) != nil
    }

    /// The value of a non-zero ID, or nil.
    subscript(id: UInt64) -> Value? {
        if id < UInt64(dense.count) { return dense[Int(id)] }
        return sparse[id]
    }

    /// Moves the entries into an array when that wastes at most about half of it.
    mutating func compact() {
        guard !sparse.isEmpty, let highest = sparse.keys.max(), highest < UInt64(Int.max / 2),
              Int(highest) <= 2 * sparse.count + 16 else { return }
        dense = [Value?](repeating: nil, count: Int(highest) + 1)
        for (id, value) in sparse { dense[Int(id)] = value }
        sparse = [:]
    }

    /// Every entry in ID order.
    func sortedEntries() -> [(UInt64, Value)] {
        var entries: [(UInt64, Value)] = []
        for (id, value) in dense.enumerated() { if let value { entries.append((UInt64(id), value)) } }
        entries += sparse.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return entries
    }
}

extension IDTable: Sendable where Value: Sendable {}

/// Memory of a fixed capacity that batch bytes are appended to.
struct ByteChunk {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    mutating func append(_ byte: UInt8) {
        precondition(count < capacity)
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(capacity - count >= bytes.count)
        if let source = bytes.baseAddress {
            UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    /// A copy of some bytes, for the table batches that are parsed once.
    func bytes(from start: Int, count: Int) -> ArraySlice<UInt8> {
        ArraySlice(UnsafeBufferPointer(start: base + start, count: count))
    }
}

/// One stack frame of a generation's stack table.
struct FrameRecord {
    var pc: UInt64
    var function: UInt64
    var file: UInt64
    var line: UInt64
}

/// A CPU profile sample, waiting to be merged into the event stream by time.
struct CPUSample {
    var thread: RawThreadID
    var proc: RawProcID
    var goroutine: RawGoID
    var time: Int64
    var stack: UInt64
    /// The trace offset of the sample's event, for error messages.
    var offset: Int
}

/// A regular batch of one thread: where its data sits in the generation's arena.
struct BatchRecord {
    var time: UInt64
    var chunk: Int
    var dataStart: Int
    var dataCount: Int
    /// The trace offset of the data, for error messages.
    var dataOffset: Int
}

/// Everything one generation defines: its tables, its clock, and its batches.
///
/// A generation is the unit Go's runtime writes a trace in; each has its own string and stack
/// IDs. The reader holds one generation at a time, so memory is bounded by the largest one.
final class Generation {
    var number: UInt64
    // Exclusivity unchecked on the five marked in this class: checked (with its other properties,
    // which measured nothing and go unmarked), `gotrace parsed --decode-only` runs 7.9% more
    // instructions (callgrind on a 2.7 MB trace of Go 1.27.3: 1,300M against 1,205M; `parsed` 4.6%).
    /// Nanoseconds per timestamp unit; 0 until a Frequency event is seen.
    @exclusivity(unchecked) var frequency: Double = 0
    var hasClockSnapshot = false
    var snapshotTime: UInt64 = 0
    var snapshotMono: UInt64 = 0
    var snapshotSeconds: UInt64 = 0
    var snapshotNanoseconds: UInt64 = 0
    /// The earliest batch time, in timestamp units.
    var minTime: UInt64 = 0

    @exclusivity(unchecked) var strings = IDTable<[UInt8]>()
    @exclusivity(unchecked) var stacks = IDTable<[UInt64]>()
    // Checked, the frames alone cost 1.1% more instructions for `parsed --decode-only` on
    // Tests/Fixtures/traces/go1.27/generations.trace, whose many generations each bring a stack table.
    @exclusivity(unchecked) var frames: [UInt64: FrameRecord] = [:]
    /// What the events of this generation keep of it, made once the generation is read.
    private(set) var tables: GenerationTables?

    var cpuSamples: [CPUSample] = []
    // Exclusivity unchecked: +7.9% instructions checked, measured with the class (see `frequency`);
    // checked together with `batchLists` and the ordering records' `ranges`, +0.8% for `parsed
    // --decode-only`, against +0.3% (within build-to-build noise) for those two alone.
    /// All regular batch bytes, back to back in chunks of a fixed capacity, so that memory
    /// stays close to the generation's size (an array doubling as it grows would not), and
    /// cursors can walk them through plain pointers.
    @exclusivity(unchecked) var chunks: [ByteChunk] = []

    deinit {
        for chunk in chunks { chunk.base.deallocate() }
    }

    /// The capacity of each chunk.
    static let chunkCapacity = 1 << 20

    /// Makes sure the last chunk has room for one more batch, and returns its index.
    func chunkWithRoom() -> Int {
        let needed = TraceLimits.maxBatchSize + 16
        if chunks.isEmpty || chunks[chunks.count - 1].capacity - chunks[chunks.count - 1].count < needed {
            chunks.append(ByteChunk(capacity: Self.chunkCapacity))
        }
        return chunks.count - 1
    }
    /// Regular batches per thread, the threads in the order they first appear, and where each
    /// thread's list is.
    var batchLists: [[BatchRecord]] = []
    var threads: [RawThreadID] = []
    var listIndex: [RawThreadID: Int] = [:]

    init(number: UInt64) {
        self.number = number
    }

    /// A time in timestamp units converted to nanoseconds, as Go does it: through a float, then
    /// truncated, with out-of-range results giving the minimum integer as on amd64.
    @inline(__always)
    func nanoseconds(_ timestamp: UInt64) -> Int64 {
        goInt64(Double(timestamp) * frequency)
    }
}

/// What the events of one generation keep of it: its number, clock, string and stack tables,
/// frames and clock snapshot, fixed once the generation is read. Nothing in it changes after, so
/// events that carry it can be handed to another thread.
final class GenerationTables: Sendable {
    let number: UInt64
    /// Nanoseconds per timestamp unit.
    let frequency: Double
    /// The earliest batch time, in timestamp units.
    let minTime: UInt64
    let strings: IDTable<[UInt8]>
    let stacks: IDTable<[UInt64]>
    let frames: [UInt64: FrameRecord]
    /// The clock snapshot (trace time in timestamp units, monotonic clock, wall clock seconds and
    /// nanoseconds), if the generation has one.
    let snapshot: (time: UInt64, mono: UInt64, seconds: UInt64, nanoseconds: UInt64)?

    init(_ generation: Generation) {
        number = generation.number
        frequency = generation.frequency
        minTime = generation.minTime
        strings = generation.strings
        stacks = generation.stacks
        frames = generation.frames
        snapshot = generation.hasClockSnapshot
            ? (generation.snapshotTime, generation.snapshotMono, generation.snapshotSeconds, generation.snapshotNanoseconds)
            : nil
    }

    /// A second object with the same tables (the arrays are shared, not copied), for a thread
    /// that makes events of its own: every event holds its tables, and making and dropping one
    /// retains and releases them, an atomic write to the object's first cache line, which also
    /// holds the fields every thread reads. With an object per thread, no core writes a line
    /// another core reads (a reader that reads ahead, and each formatter of
    /// ``ParsedPrinter/printInParallel(_:to:runLength:progress:)``, makes events against a copy).
    init(copying other: GenerationTables) {
        number = other.number
        frequency = other.frequency
        minTime = other.minTime
        strings = other.strings
        stacks = other.stacks
        frames = other.frames
        snapshot = other.snapshot
    }

    /// A time in timestamp units in nanoseconds, as ``Generation/nanoseconds(_:)`` converts it.
    @inline(__always)
    func nanoseconds(_ timestamp: UInt64) -> Int64 {
        goInt64(Double(timestamp) * frequency)
    }

    /// The string of an ID; empty for 0 and for IDs the reader has already rejected.
    func string(_ id: UInt64) -> [UInt8] {
        id == 0 ? [] : strings[id] ?? []
    }

    /// Whether the generation defines stack `id` (0 always is), asked of the table in place.
    func definesStack(_ id: UInt64) -> Bool { stacks.contains(id) }

    /// Whether the generation defines string `id` (0 always is).
    func definesString(_ id: UInt64) -> Bool { strings.contains(id) }
}

/// Go's float-to-integer conversion on amd64: truncation, and the minimum value for NaN and
/// anything out of range.
@inline(__always)
func goInt64(_ value: Double) -> Int64 {
    // NaN fails both comparisons.
    if value >= -9.223372036854775808e18 && value < 9.223372036854775808e18 { return Int64(value) }
    return .min
}

// MARK: - Reading a generation

/// Reads the bytes of one table batch with the rules of Go's in-memory byte reader.
private struct SliceReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - index }

    mutating func byte() throws -> UInt8 {
        guard index < bytes.endIndex else { throw Failure.endOfInput }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for position in 0..<10 {
            guard index < bytes.endIndex else {
                throw position == 0 ? Failure.endOfInput : Failure.unexpectedEnd
            }
            let byte = bytes[index]
            index += 1
            if byte < 0x80 {
                if position == 9 && byte > 1 { throw Failure.overflow }
                return value | UInt64(byte) << shift
            }
            value |= UInt64(byte & 0x7f) << shift
            shift += 7
        }
        throw Failure.overflow
    }
}

extension Generation {
    /// Files one batch under what its first byte says it is.
    func add(_ batch: BatchInput.RawBatch, version: TraceVersion) throws {
        let data = chunks[batch.chunk].bytes(from: batch.dataStart, count: batch.dataCount)
        let first: UInt8? = data.first
        let isPlain = batch.experiment == nil
        var keepData = false
        if isPlain && first == EventType.strings.rawValue {
            try addStrings(data)
        } else if isPlain && first == EventType.stacks.rawValue {
            try addStacks(data)
        } else if isPlain && first == EventType.cpuSamples.rawValue {
            try addCPUSamples(data, offset: batch.dataOffset)
        } else if isPlain && ((first == EventType.frequency.rawValue && version < .go1_25)
                                || (first == EventType.sync.rawValue && version >= .go1_25)) {
            try addSync(data, batchTime: batch.time, version: version)
        } else if !isPlain {
            // Experimental batches go to the experiment's consumers; the event stream does not
            // read them.
        } else if first == EventType.endOfGeneration.rawValue {
            throw Failure.broken("internal error: unexpectedly processing EndOfGeneration; broken trace?")
        } else {
            let record = BatchRecord(time: batch.time, chunk: batch.chunk, dataStart: batch.dataStart,
                                     dataCount: batch.dataCount, dataOffset: batch.dataOffset)
            if let list = listIndex[batch.thread] {
                batchLists[list].append(record)
            } else {
                listIndex[batch.thread] = batchLists.count
                threads.append(batch.thread)
                batchLists.append([record])
            }
            keepData = true
        }
        if !keepData { chunks[batch.chunk].count = batch.dataStart }
    }

    private func addStrings(_ data: ArraySlice<UInt8>) throws {
        var reader = SliceReader(data)
        _ = try reader.byte()
        while reader.remaining != 0 {
            let type = try reader.byte()
            guard type == EventType.string.rawValue else {
                throw Failure.broken("expected string event, got \(type)")
            }
            let id = try reader.varint()
            let length = try reader.varint()
            if length > UInt64(TraceLimits.maxEventTrailerDataSize) {
                throw Failure.broken("invalid string size \(length), maximum is \(TraceLimits.maxEventTrailerDataSize)")
            }
            let count = min(Int(length), reader.remaining)
            if count != Int(length) {
                throw Failure.broken("failed to read full string: read \(count) but wanted \(length)")
            }
            let bytes = Array(data[reader.index..<(reader.index + count)])
            reader.index += count
            let (taken, existing) = strings.insert(id, bytes)
            if taken {
                throw Failure.broken("multiple strings with the same ID: id=\(id), new=\(String(decoding: bytes, as: UTF8.self)), existing=\(String(decoding: existing ?? [], as: UTF8.self))")
            }
        }
    }

    private func addStacks(_ data: ArraySlice<UInt8>) throws {
        var reader = SliceReader(data)
        _ = try reader.byte()
        while reader.remaining != 0 {
            let type = try reader.byte()
            guard type == EventType.stack.rawValue else {
                throw Failure.broken("expected stack event, got \(type)")
            }
            let id = try reader.varint()
            let count = try reader.varint()
            if count > UInt64(TraceLimits.maxFramesPerStack) {
                throw Failure.broken("invalid stack size \(count), maximum is \(TraceLimits.maxFramesPerStack)")
            }
            var pcs: [UInt64] = []
            pcs.reserveCapacity(Int(count))
            for index in 0..<Int(count) {
                func field(_ name: String) throws -> UInt64 {
                    do { return try reader.varint() } catch let failure as Failure {
                        throw failure.wrapped("reading frame \(index + 1)'s \(name) for stack \(id)")
                    }
                }
                let pc = try field("PC")
                let function = try field("funcID")
                let file = try field("fileID")
                let line = try field("line")
                pcs.append(pc)
                // The first frame seen for a PC describes it for the whole generation.
                if frames[pc] == nil {
                    frames[pc] = FrameRecord(pc: pc, function: function, file: file, line: line)
                }
            }
            let (taken, existing) = stacks.insert(id, pcs)
            if taken {
                throw Failure.broken("multiple trace.stacks with the same ID: id=\(id), new=\(Self.describe(pcs)), existing=\(Self.describe(existing ?? []))")
            }
        }
    }

    /// A stack's PCs as Go prints its stack values: a tab-indented hex line per frame.
    private static func describe(_ pcs: [UInt64]) -> String {
        pcs.map { "\t0x\(String($0, radix: 16))\n" }.joined()
    }

    private func addCPUSamples(_ data: ArraySlice<UInt8>, offset: Int) throws {
        var reader = SliceReader(data)
        _ = try reader.byte()
        while reader.remaining != 0 {
            let eventOffset = offset + (reader.index - data.startIndex)
            let type = try reader.byte()
            guard type == EventType.cpuSample.rawValue else {
                throw Failure.broken("expected CPU sample event, got \(type)")
            }
            let time = try reader.varint()
            let thread = try reader.varint()
            let proc = try reader.varint()
            let goroutine = try reader.varint()
            let stack = try reader.varint()
            cpuSamples.append(CPUSample(
                thread: RawThreadID(bitPattern: thread), proc: RawProcID(bitPattern: proc),
                goroutine: goroutine == 0 ? NoResource.goroutine : RawGoID(bitPattern: goroutine),
                time: Int64(bitPattern: time), stack: stack, offset: eventOffset))
        }
    }

    private func addSync(_ data: ArraySlice<UInt8>, batchTime: UInt64, version: TraceVersion) throws {
        var reader = SliceReader(data)
        // From Go 1.25 on the batch opens with a Sync byte; before, with the Frequency event.
        if version >= .go1_25 { _ = try reader.byte() }
        var last = batchTime
        while reader.remaining != 0 {
            let type = try reader.byte()
            if type == EventType.frequency.rawValue {
                if frequency != 0 { throw Failure.broken("found multiple frequency events") }
                let perSecond = try reader.varint()
                frequency = 1.0 / (Double(perSecond) / 1e9)
            } else if type == EventType.clockSnapshot.rawValue && version >= .go1_25 {
                if hasClockSnapshot { throw Failure.broken("found multiple clock snapshot events") }
                hasClockSnapshot = true
                last &+= try reader.varint()
                snapshotTime = last
                snapshotMono = try reader.varint()
                snapshotSeconds = try reader.varint()
                snapshotNanoseconds = try reader.varint()
            } else {
                throw Failure.broken("expected frequency or clock snapshot event, got \(type)")
            }
        }
    }

    /// The checks and clean-up after the last batch: clock present, tables compacted, every
    /// frame's strings defined, CPU samples timed and sorted.
    func finish(requireClockSnapshot: Bool) throws {
        if frequency == 0 { throw Failure.broken("no frequency event found") }
        if requireClockSnapshot && !hasClockSnapshot { throw Failure.broken("no clock snapshot event found") }
        strings.compact()
        stacks.compact()
        for (id, pcs) in stacks.sortedEntries() {
            for pc in pcs {
                guard let frame = frames[pc] else {
                    throw Failure.broken("found unknown pc \(String(pc, radix: 16)) for stack \(id)")
                }
                if !strings.contains(frame.function) {
                    throw Failure.broken("found invalid func string ID \(frame.function) for stack \(id)")
                }
                if !strings.contains(frame.file) {
                    throw Failure.broken("found invalid file string ID \(frame.file) for stack \(id)")
                }
            }
        }
        for index in cpuSamples.indices {
            cpuSamples[index].time = nanoseconds(UInt64(bitPattern: cpuSamples[index].time))
        }
        GoSort.sort(&cpuSamples) { $0.time < $1.time }
        tables = GenerationTables(self)
    }
}
