import TraceV2

/// The arguments an event carries after its timestamp, as many as the spec's limit allows
/// (generated with the limit), in the positions its spec lists.
typealias EventArgs = TraceLimits.TimedEventArguments

/// A timed event as read from a batch, before ordering: type, time, raw arguments.
struct BaseEvent {
    var type: UInt8 = 0
    var time: Int64 = 0
    var args = EventArgs()
    /// The trace offset of the event's type byte, for error messages.
    var offset = 0
}

/// The per-type facts the batch decoder needs, read once from the generated specs.
///
/// Unchecked `Sendable`: the memory behind its pointers is filled in `init` and only read
/// afterwards, by every thread.
struct TimedEventTable: @unchecked Sendable {
    /// How many arguments follow the timestamp; -1 for bytes that are not timed events, -2 for
    /// bytes beyond the last defined event.
    let argCounts: UnsafeMutablePointer<Int8>
    /// Per type, four slots of argument positions (1-based, as in the spec) that hold stack IDs,
    /// then four that hold string IDs; 0 ends a list.
    let idPositions: UnsafeMutablePointer<Int8>

    static let shared = TimedEventTable()

    /// The spec's first stack position of a type (1-based), or 0.
    @inline(__always) func firstStackPosition(_ type: UInt8) -> Int { Int(idPositions[Int(type) * 8]) }

    private init() {
        argCounts = .allocate(capacity: 256)
        idPositions = .allocate(capacity: 256 * 8)
        idPositions.initialize(repeating: 0, count: 256 * 8)
        for type in EventType.allCases {
            let spec = type.spec
            for (slot, position) in spec.stackIDs.prefix(4).enumerated() {
                idPositions[Int(type.rawValue) * 8 + slot] = Int8(position)
            }
            for (slot, position) in spec.stringIDs.prefix(4).enumerated() {
                idPositions[Int(type.rawValue) * 8 + 4 + slot] = Int8(position)
            }
        }
        let limit = Int(EventType.allCases.map(\.rawValue).max()!) + 1
        for byte in 0..<256 {
            if byte >= limit {
                argCounts[byte] = -2
            } else if let spec = EventType(rawValue: UInt8(byte))?.spec, spec.isTimedEvent, !spec.args.isEmpty {
                argCounts[byte] = Int8(spec.args.count - 1)
            } else {
                argCounts[byte] = -1
            }
        }
    }
}

/// Walks the batches of one thread in order, one event at a time.
struct BatchCursor {
    let thread: RawThreadID
    /// The index of the thread's batch list in the generation.
    let list: Int
    /// The time of the last event read, in nanoseconds; 0 before a batch's first event.
    var lastTime: Int64 = 0
    var batchIndex = 0
    var dataOffset = 0
    /// The event read last, waiting for its turn.
    var event = BaseEvent()
    /// Where the ordering keeps the thread's record, once known, or -1 (see ``Ordering/advance``).
    var threadRecord: Int32 = -1
    /// The shared table's argument counts, kept here to skip the `swift_once` of each shared read.
    private let argCounts = TimedEventTable.shared.argCounts
    /// The current batch's bytes (in the generation's chunks), their count, and the
    /// batch data's trace offset; nil before the first batch.
    private var bytes: UnsafePointer<UInt8>?
    private var byteCount = 0
    private var batchOffset = 0
    /// Nanoseconds per timestamp unit, copied from the generation.
    private var frequency: Double = 0
    /// ``frequency`` as an integer when it is a whole number from 1 to 2^20, otherwise 0: then a
    /// delta below 2^32 converts with one integer multiplication, whose result the `Double`
    /// product equals exactly (both factors and the product stay below 2^53).
    private var wholeFrequency: Int64 = 0

    init(thread: RawThreadID, list: Int) {
        self.thread = thread
        self.list = list
    }

    /// Reads the next event of this thread; false when its batches are used up.
    @inline(__always)
    mutating func advance(in generation: Generation) throws -> Bool {
        if bytes == nil || dataOffset == byteCount {
            if try !enterBatch(generation) { return false }
        }
        let (delta, size) = try decode(UnsafeBufferPointer(start: bytes! + dataOffset, count: byteCount &- dataOffset))
        event.offset = batchOffset &+ dataOffset
        if wholeFrequency != 0 && delta < 1 << 32 {
            event.time = Int64(delta) &* wholeFrequency &+ lastTime
        } else {
            event.time = goInt64(Double(delta) * frequency) &+ lastTime
        }
        lastTime = event.time
        // Offsets within a batch, which lies in memory: they cannot overflow.
        dataOffset &+= size
        return true
    }

    /// Moves to the next batch with data left, Go's way: skipping empty batches and restarting
    /// the clock from each batch's base time.
    private mutating func enterBatch(_ generation: Generation) throws -> Bool {
        frequency = generation.frequency
        wholeFrequency = frequency >= 1 && frequency <= 1_048_576 && frequency.rounded(.towardZero) == frequency ? Int64(frequency) : 0
        let batches = generation.batchLists[list]
        while batchIndex < batches.count && batches[batchIndex].dataCount == dataOffset {
            batchIndex += 1
            dataOffset = 0
            lastTime = 0
        }
        if batchIndex == batches.count { return false }
        let batch = batches[batchIndex]
        if lastTime == 0 { lastTime = generation.nanoseconds(batch.time) }
        bytes = UnsafePointer(generation.chunks[batch.chunk].base + batch.dataStart)
        byteCount = batch.dataCount
        batchOffset = batch.dataOffset
        return true
    }

    /// The trace offset of the next byte this cursor reads, for error messages.
    func position(in generation: Generation) -> Int {
        let batches = generation.batchLists[list]
        guard batchIndex < batches.count else { return 0 }
        return batches[batchIndex].dataOffset + dataOffset
    }

    /// Decodes one timed event at the start of `bytes` into ``event``; returns its time delta
    /// and its size in bytes.
    @inline(__always)
    private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (UInt64, Int) {
        let type = bytes[0]
        let count = Int(argCounts[Int(type)])
        // The usual count passes one comparison; with the offsets' overflow checks dropped in
        // ``advance(in:)``, thread 2 of `gotrace parsed --decode-only` (callgrind, small.trace)
        // went from 303.7M instructions to 296.7M.
        if UInt(bitPattern: count) > UInt(EventArgs.capacity) {
            if count == -2 { throw Failure.broken("found invalid event type: \(type)") }
            if count < 0 { throw Failure.broken("found event without a timestamp: type=\(type)") }
        }
        event.type = type
        // Away from a batch's end, where every value has its ten bytes, without bounds checks and
        // with each argument stored at a fixed place. Thread 2 of `gotrace parsed --decode-only`
        // (callgrind, small.trace): 429.8M instructions with a fast path for one-byte values
        // only (which 487K of 781K events missed), 391.6M with this one (and the ordering's
        // context bits computed once per event). It reads up to four arguments; a spec that
        // allows more takes the loop below for events that have more.
        if count <= 4 && bytes.count > 10 * (count + 1) {
            let base = bytes.baseAddress.unsafelyUnwrapped
            var at = 1
            guard let delta = Self.varint(base, &at) else { throw Failure.broken("found invalid uvarint for timestamp") }
            if count > 0 {
                guard let value = Self.varint(base, &at) else { throw Failure.broken("found invalid uvarint") }
                event.args[0] = value
            }
            if count > 1 {
                guard let value = Self.varint(base, &at) else { throw Failure.broken("found invalid uvarint") }
                event.args[1] = value
            }
            if count > 2 {
                guard let value = Self.varint(base, &at) else { throw Failure.broken("found invalid uvarint") }
                event.args[2] = value
            }
            if count > 3 {
                guard let value = Self.varint(base, &at) else { throw Failure.broken("found invalid uvarint") }
                event.args[3] = value
            }
            return (delta, at)
        }
        var at = 1
        guard let delta = Self.varint(bytes, &at) else {
            throw Failure.broken("found invalid uvarint for timestamp")
        }
        for index in 0..<count {
            guard let value = Self.varint(bytes, &at) else { throw Failure.broken("found invalid uvarint") }
            event.args[index] = value
        }
        return (delta, at)
    }

    /// The slice reader below, where at least ten bytes follow `at`, as many as a value can
    /// take: nil when it overflows.
    @inline(__always)
    private static func varint(_ base: UnsafePointer<UInt8>, _ at: inout Int) -> UInt64? {
        let first = base[at]
        at &+= 1
        if first < 0x80 { return UInt64(first) }
        var value = UInt64(first & 0x7f)
        var shift: UInt64 = 7
        for index in 1..<10 {
            let byte = base[at]
            at &+= 1
            if byte < 0x80 {
                if index == 9 && byte > 1 { return nil }
                return value | UInt64(byte) &<< shift
            }
            value |= UInt64(byte & 0x7f) &<< shift
            shift &+= 7
        }
        return nil
    }

    /// Go's `binary.Uvarint` on a byte slice: nil when the bytes end first or it overflows.
    @inline(__always)
    private static func varint(_ bytes: UnsafeBufferPointer<UInt8>, _ at: inout Int) -> UInt64? {
        // Most values take one byte.
        if at < bytes.count && bytes[at] < 0x80 {
            at &+= 1
            return UInt64(bytes[at &- 1])
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = 0
        while at < bytes.count {
            if index == 10 { return nil }
            let byte = bytes[at]
            at &+= 1
            if byte < 0x80 {
                if index == 9 && byte > 1 { return nil }
                // The shift is at most 63 here, so the wrapping shift is the same.
                return value | UInt64(byte) &<< shift
            }
            value |= UInt64(byte & 0x7f) &<< shift
            shift &+= 7
            index &+= 1
        }
        return nil
    }
}

/// The frontier: one cursor per thread with events left, in a binary min-heap by the time of
/// each cursor's next event. The sift rules are Go's, ties included, since they decide which
/// thread goes first when times are equal.
///
/// The heap holds small entries (a time and the cursor's slot) rather than the cursors
/// themselves: Go's reader sorts the whole frontier whenever the earliest event cannot happen
/// yet, and with thousands of threads waiting that sort, a pass over an already sorted array,
/// runs once per event. Over 16-byte entries it stays in the cache.
struct Frontier {
    struct Entry {
        var time: Int64
        var slot: Int32
    }

    private struct ByTime: GoSortOrder {
        func less(_ first: Entry, _ second: Entry) -> Bool { first.time < second.time }
    }

    /// The cursors of the generation's threads, by slot, in the order they were inserted; a
    /// finished cursor keeps its slot until the frontier is replaced.
    private let cursors = PlainSlots<BatchCursor>()
    /// The heap's entries. In place through a pointer: as an array, each update checked its
    /// uniqueness, 781K calls of `swift_isUniquelyReferenced` for 781K events (callgrind,
    /// thread 2 of `gotrace parsed --decode-only` on small.trace).
    private let entries = PlainSlots<Entry>()
    /// Whether the array is known to be in order: set by a sort, kept by the changes that leave
    /// an ordered array in order (an insert at the end, a cursor whose new time still lies
    /// between its neighbours'), cleared by the others (removals). An array in order may be
    /// marked unordered; one marked ordered is in order.
    private var inOrder = true

    /// The heap's entries, in heap order.
    var heap: [Entry] { Array(entries.buffer) }
    var isEmpty: Bool { entries.count == 0 }
    var count: Int { entries.count }

    /// The slot of the cursor at `index` in the heap.
    @inline(__always)
    func slot(at index: Int) -> Int {
        precondition(index < entries.count)
        return Int(entries.base[index].slot)
    }

    /// The time of the earliest next event.
    var earliestTime: Int64 {
        precondition(entries.count > 0)
        return entries.base[0].time
    }

    /// Adds a cursor that has an event, in a new slot.
    mutating func insert(_ cursor: BatchCursor) {
        entries.append(Entry(time: cursor.event.time, slot: Int32(cursors.count)))
        let heap = entries.buffer
        if heap.count > 1 && heap[heap.count - 1].time < heap[heap.count - 2].time { inOrder = false }
        cursors.append(cursor)
        _ = Self.siftUp(heap, heap.count - 1)
    }

    /// Calls `body` with the cursor in `slot`, changed in place: one access to the cursors for
    /// all that ordering its event and reading the next one do.
    @inline(__always)
    mutating func withCursor<Result>(_ slot: Int, _ body: (inout BatchCursor) throws -> Result) rethrows -> Result {
        try body(&cursors.base[slot])
    }

    /// The cursor in `slot`, read or changed in place.
    subscript(cursor slot: Int) -> BatchCursor {
        get { cursors.base[slot] }
        nonmutating _modify { yield &cursors.base[slot] }
    }

    /// Restores the heap after the cursor at `index` moved on to its next event.
    @inline(__always)
    mutating func update(_ index: Int) {
        // The usual case, kept inline: the earliest cursor's next event is still no later than
        // its children's, so the array stays as it is, in order if it was. Thread 2 of `gotrace
        // parsed --decode-only` (callgrind, small.trace): this function ran 62 instructions per
        // event without the case, 30 with it out of line; inline, with the ordering's records
        // reached by pointer in the same step, the thread went from 391.6M to 372.8M.
        let heap = entries.buffer
        if index == 0 && heap.count > 0 {
            let time = cursors.base[Int(heap[0].slot)].event.time
            if (heap.count < 2 || time <= heap[1].time) && (heap.count < 3 || time <= heap[2].time) {
                heap[0].time = time
                return
            }
        }
        updateMoving(index)
    }

    /// ``update(_:)`` where the entry may move.
    private mutating func updateMoving(_ index: Int) {
        let heap = entries.buffer
        precondition(index < heap.count)
        let time = cursors.base[Int(heap[index].slot)].event.time
        heap[index].time = time
        // An ordered array stays in order if the new time still lies between the neighbours'
        // (a new batch can restart a thread's clock lower); then no sift moves anything either.
        let ordered = !((index + 1 < heap.count && heap[index + 1].time < time) || (index > 0 && heap[index - 1].time > time))
        if Self.siftUp(heap, index) == index { Self.siftDown(heap, index) }
        if !ordered { inOrder = false }
    }

    /// Takes the cursor at `index` out.
    mutating func remove(_ index: Int) {
        var index = index
        let heap = entries.buffer
        precondition(index < heap.count)
        // Bring it to the root regardless of order, then swap it with the last and drop it.
        if heap.count > 2 { inOrder = false }
        while index > 0 {
            heap.swapAt((index - 1) / 2, index)
            index = (index - 1) / 2
        }
        heap.swapAt(0, heap.count - 1)
        entries.removeLast()
        Self.siftDown(entries.buffer, 0)
    }

    /// Sorts the entries by time with Go's unstable sort; a sorted array is still a heap.
    ///
    /// Go's sort leaves an array already in order as it is, equal times included (its pivot
    /// choice moves nothing, and its first pass over a sorted range stops at the end), so that
    /// case costs nothing when the frontier knows it is in order.
    mutating func sort() {
        if inOrder { return }
        // Go's sort works on an array: the entries go there and back.
        var sorted = heap
        GoSort.sort(&sorted, order: ByTime())
        for (index, entry) in sorted.enumerated() { entries.base[index] = entry }
        inOrder = true
    }

    /// The first heap index from `start` on whose cursor `isWaiting` does not mark, or ``count``.
    func firstIndex(from start: Int, notMarkedIn marks: UnsafeBufferPointer<UInt32>) -> Int {
        let entries = entries.buffer
        var index = start
        while index < entries.count {
            let slot = Int(entries[index].slot)
            if slot >= marks.count || marks[slot] == 0 { return index }
            index += 1
        }
        return index
    }

    private static func siftUp(_ heap: UnsafeMutableBufferPointer<Entry>, _ index: Int) -> Int {
        var index = index
        while index > 0 && heap[(index - 1) / 2].time > heap[index].time {
            heap.swapAt((index - 1) / 2, index)
            index = (index - 1) / 2
        }
        return index
    }

    private static func siftDown(_ heap: UnsafeMutableBufferPointer<Entry>, _ index: Int) {
        var index = index
        while true {
            var smallest = index
            var smallestTime = index < heap.count ? heap[index].time : .max
            let left = 2 * index + 1, right = 2 * index + 2
            if left < heap.count && heap[left].time < smallestTime {
                smallestTime = heap[left].time
                smallest = left
            }
            if right < heap.count && heap[right].time < smallestTime {
                smallest = right
            }
            if smallest == index { return }
            heap.swapAt(index, smallest)
            index = smallest
        }
    }
}

/// Memory for plain values, changed in place through a pointer, where an array checks that its
/// buffer is unique on every change: a frontier's cursors and heap, the ordering's thread
/// records. For the cursors, as an array, `parsed --no-parallel --decode-only` ran 798.6M
/// instructions, with this 773.8M (callgrind, 3.9 MB trace of Go 1.27.3; with `base`'s
/// exclusivity unchecked 774.1M, no difference, so it stays checked). Copies of a holder share it.
final class PlainSlots<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity = 16

    init() {
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The elements, for reading and changing in place; valid until the next append.
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    func append(_ element: Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }

    func removeLast() {
        count -= 1
        (base + count).deinitialize(count: 1)
    }
}
