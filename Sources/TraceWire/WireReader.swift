import TraceV2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the raw events of a binary Go execution trace, one at a time, in bounded memory.
///
/// The reader sees the trace as Go's `internal/trace/raw` reader does: the 16-byte header, then a
/// flat run of events, each a type byte, its varint arguments, for stacks the frames, and for
/// events with data a varint length and the bytes. On top of that it checks what the format
/// promises: each event type must belong to the header's trace version, and batch sizes, frame
/// counts and data lengths must stay within `TraceLimits` (unless `readsPastLimits` is set).
/// Lengths are checked before anything is read or allocated for them, and the input is read in
/// fixed-size chunks, so memory does not grow with the trace.
///
/// Every error is a ``WireError`` with the byte offset of the problem.
public final class WireReader {
    /// The trace version named by the header.
    public let version: TraceVersion

    private var source: any ByteSource
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The next unread byte in `buffer`, and the end of the bytes read into it.
    private var position: Int
    private var end: Int
    /// The trace offset of `buffer[0]`.
    private var bufferBase = 0
    private var sourceEnded: Bool
    /// The type byte of the event being read, for error messages.
    private var currentType: UInt8 = 0
    private let args: UnsafeMutablePointer<UInt64>
    private let rows = EventTable.shared.rows
    private let versionNumber: UInt8
    /// The last EventBatch read: its offset, declared size, and where its data starts.
    private var lastBatch: (offset: Int, size: Int, dataStart: Int)?

    /// The size of the trace, when reading failed because the trace ends where Go's raw reader
    /// (`internal/trace/raw`) sees a plain end of input: before the first byte of one of an
    /// event's varints, or among its data bytes. Go's `-d=footprint` prints its table for such
    /// a trace, counting the events before the cut; a cut inside a varint is an error to Go too
    /// ("unexpected EOF"), and leaves this nil.
    package private(set) var sizeAtCleanCut: Int?

    /// Reads on past the format's length limits, as Go's raw reader does, instead of failing:
    /// a batch header declaring more than `TraceLimits.maxBatchSize`, a stack of more than
    /// `TraceLimits.maxFramesPerStack` frames, or data longer than its limit. The first such
    /// breach is kept in ``limitBreach``; an event read past a limit comes without the part over
    /// it (see ``pastLimit``). Off by default: `gotrace footprint` is the one reader that needs it.
    package var readsPastLimits = false

    /// The error reading would have failed with at the first limit breach, when
    /// `readsPastLimits` is set; nil while no limit has been broken.
    package private(set) var limitBreach: WireError?

    /// The last event read past a limit: its offset, the sum of the shortest encodings of its
    /// frames' values (none of which are in its view's arguments), and the length of its data
    /// as Go's raw reader counts it (its bytes are skipped, not kept; a length of 2^63 or more
    /// is none to Go, which takes it as a negative count). Set only with `readsPastLimits`;
    /// compare the offset with the current view's to know whether it applies.
    package private(set) var pastLimit: (offset: Int, frameBytes: Int, dataLength: Int)?

    /// The most bytes the fixed part of any event can take: the type byte and its varints.
    private let headRoom = 1 + EventTable.shared.maxArgCount * WireReader.maxVarintLength
    /// The longest varint Go writes: ten bytes carry 64 bits.
    private static let maxVarintLength = 10
    private static let maxArgs = 8 + 4 * TraceLimits.maxFramesPerStack

    /// Starts reading a trace from `source` and reads its header.
    ///
    /// - Parameters:
    ///   - source: Where the trace's bytes come from, such as a ``FileDescriptorSource``.
    ///   - bufferSize: The size of the read buffer; it is raised to hold the largest event the
    ///     format allows.
    public init(source: some ByteSource, bufferSize: Int = 256 << 10) throws {
        var source: any ByteSource = source
        let capacity = max(bufferSize, TraceLimits.maxBatchSize + 4 * Self.maxArgs * Self.maxVarintLength)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var end = 0
        var ended = false
        do {
            while end < TraceVersion.headerSize && !ended {
                let got = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
                if got == 0 { ended = true } else { end += got }
            }
        } catch {
            buffer.deallocate()
            throw Self.located(error, at: end)
        }
        let header = Array(UnsafeBufferPointer(start: buffer, count: min(end, TraceVersion.headerSize)))
        guard let version = TraceVersion(header: header) else {
            buffer.deallocate()
            throw Self.headerError(header)
        }
        self.version = version
        self.versionNumber = version.rawValue
        self.source = source
        self.buffer = buffer
        self.capacity = capacity
        self.end = end
        self.sourceEnded = ended
        self.position = TraceVersion.headerSize
        self.args = .allocate(capacity: Self.maxArgs)
    }

    /// Reads a trace from memory.
    public convenience init(bytes: [UInt8]) throws {
        try self.init(source: MemorySource(bytes))
    }

    deinit {
        buffer.deallocate()
        args.deallocate()
    }

    /// The trace offset of the next byte to read; after the last event, the size of the trace.
    public var offset: Int { bufferBase + position }

    /// Reads the next event and returns a view of it, or nil at the end of the trace.
    ///
    /// The view points into the reader's buffers and is valid until the next call. The common
    /// path is inlined into the loops that read events; everything rare (refilling, stacks,
    /// data, errors) is a call of its own, so the inlined part stays small.
    @inline(__always)
    public func nextView() throws -> WireEventView? {
        if end - position < headRoom {
            if try refill(headRoom) == 0 { return nil }
        }
        let buffer = self.buffer
        let start = position
        let eventOffset = bufferBase + start
        let byte = buffer[start]
        let row = rows[Int(byte)]
        guard row.since <= versionNumber else { throw invalidType(byte, at: eventOffset) }
        let args = self.args
        let count = row.argCount
        if end - start >= headRoom {
            // The whole fixed part is in the buffer: decode without bounds checks.
            var cursor = buffer + start + 1
            var index = 0
            while index < count {
                var value = UInt64(cursor.pointee)
                cursor += 1
                if value >= 0x80 {
                    value = try Self.varintTail(value, &cursor, reader: self)
                }
                args[index] = value
                index += 1
            }
            position = cursor - buffer
        } else {
            try readArgumentsNearEnd(byte, count: count, at: eventOffset)
        }
        if row.isStack || row.hasData || byte == EventType.eventBatch.rawValue {
            return try finishEvent(byte, at: eventOffset)
        }
        return WireEventView(
            type: row.type,
            offset: eventOffset,
            args: UnsafeBufferPointer(start: args, count: count),
            data: nil
        )
    }

    /// The rest of a varint whose first byte, `first`, has its top bit set; `cursor` points just
    /// past that byte, with at least nine more bytes in the buffer.
    @inline(__always)
    private static func varintTail(_ first: UInt64, _ cursor: inout UnsafeMutablePointer<UInt8>, reader: WireReader) throws -> UInt64 {
        var value = first & 0x7f
        var shift: UInt64 = 7
        while true {
            let next = cursor.pointee
            cursor += 1
            if next < 0x80 {
                if shift == 63 && next > 1 { throw reader.overflow(near: cursor) }
                return value | UInt64(next) << shift
            }
            if shift == 63 { throw reader.overflow(near: cursor) }
            value |= UInt64(next & 0x7f) << shift
            shift += 7
        }
    }

    /// Reads the arguments of an event whose fixed part may run past the buffered bytes.
    @inline(never)
    private func readArgumentsNearEnd(_ byte: UInt8, count: Int, at eventOffset: Int) throws {
        currentType = byte
        position += 1
        for index in 0..<count {
            args[index] = try varint(eventOffset)
        }
    }

    /// Finishes an event with more than its arguments to check or read: a batch header's size,
    /// a stack's frames, trailing data.
    @inline(never)
    private func finishEvent(_ byte: UInt8, at eventOffset: Int) throws -> WireEventView {
        currentType = byte
        let row = rows[Int(byte)]
        var count = row.argCount
        if byte == EventType.eventBatch.rawValue {
            if args[3] > UInt64(TraceLimits.maxBatchSize) {
                let error = WireError.at(offset: eventOffset, "batch size \(args[3]) is larger than the limit of \(TraceLimits.maxBatchSize) bytes")
                guard readsPastLimits else { throw error }
                if limitBreach == nil { limitBreach = error }
            }
            lastBatch = (eventOffset, Int(clamping: args[3]), bufferBase + position)
        }
        if row.isStack {
            let frames = args[1]
            guard frames <= UInt64(TraceLimits.maxFramesPerStack) else {
                let error = WireError.at(offset: eventOffset, "stack has \(frames) frames, more than the limit of \(TraceLimits.maxFramesPerStack)")
                guard readsPastLimits else { throw error }
                return try finishPastLimits(byte, at: eventOffset, breach: error)
            }
            let values = Int(frames) * 4
            if end - position < values * Self.maxVarintLength {
                _ = try refill(values * Self.maxVarintLength)
            }
            for index in count..<(count + values) {
                args[index] = try varint(eventOffset)
            }
            count += values
        }
        var data: UnsafeRawBufferPointer?
        if row.hasData {
            let lengthOffset = bufferBase + position
            let length = try varint(eventOffset)
            guard length <= UInt64(row.maxDataSize) else {
                let error = WireError.at(offset: lengthOffset, "\(name(byte)) data of \(length) bytes is longer than the limit of \(row.maxDataSize)")
                guard readsPastLimits else { throw error }
                if limitBreach == nil { limitBreach = error }
                try skipData(length, byte, at: eventOffset)
                pastLimit = (eventOffset, 0, length > UInt64(Int.max) ? 0 : Int(length))
                return WireEventView(
                    type: row.type,
                    offset: eventOffset,
                    args: UnsafeBufferPointer(start: args, count: count),
                    data: nil
                )
            }
            let size = Int(length)
            if end - position < size, try refill(size) < size {
                sizeAtCleanCut = bufferBase + end
                throw truncated(byte, at: eventOffset)
            }
            if size > 0 {
                data = UnsafeRawBufferPointer(start: buffer + position, count: size)
            }
            position += size
        }
        return WireEventView(
            type: row.type,
            offset: eventOffset,
            args: UnsafeBufferPointer(start: args, count: count),
            data: data
        )
    }

    /// Finishes a stack over the frame limit the way Go's raw reader does, with
    /// `readsPastLimits` set: it reads every frame value the header announces (none if the
    /// count is 2^63 or more, which Go takes as negative) without keeping them, so memory stays
    /// fixed and time follows the bytes actually read. The view holds the stack's own arguments
    /// only; ``pastLimit`` has the size of the frames.
    @inline(never)
    private func finishPastLimits(_ byte: UInt8, at eventOffset: Int, breach: WireError) throws -> WireEventView {
        if limitBreach == nil { limitBreach = breach }
        let row = rows[Int(byte)]
        let frames = args[1]
        var frameBytes = 0
        if frames <= UInt64(Int.max) {
            var remaining = frames
            while remaining > 0 {
                for _ in 0..<4 {
                    let value = try varint(eventOffset)
                    frameBytes += value == 0 ? 1 : (70 - value.leadingZeroBitCount) / 7
                }
                remaining -= 1
            }
        }
        pastLimit = (eventOffset, frameBytes, 0)
        return WireEventView(
            type: row.type,
            offset: eventOffset,
            args: UnsafeBufferPointer(start: args, count: row.argCount),
            data: nil
        )
    }

    /// Skips `length` bytes of data over its limit, a buffer's worth at a time, without keeping
    /// them; a length of 2^63 or more skips nothing, as Go reads no bytes for it. The input
    /// ending among the bytes is a clean cut, as for data within the limit.
    private func skipData(_ length: UInt64, _ byte: UInt8, at eventOffset: Int) throws {
        guard length <= UInt64(Int.max) else { return }
        var remaining = Int(length)
        while remaining > 0 {
            if end == position, try refill(min(remaining, capacity)) == 0 {
                sizeAtCleanCut = bufferBase + end
                throw truncated(byte, at: eventOffset)
            }
            let step = min(remaining, end - position)
            position += step
            remaining -= step
        }
    }

    /// The trace's last batch, when the trace ends before the batch's declared size is reached:
    /// its offset, the size its header declares, and the bytes of it present. Only meaningful
    /// once ``nextView()`` has returned nil.
    ///
    /// Reading events does not fail on such a cut when it falls between two events, as Go's
    /// raw reader (and `go tool trace -d=wire`) does not; Go's parser rejects the trace.
    public var truncatedBatch: (offset: Int, declaredSize: Int, present: Int)? {
        guard let lastBatch else { return nil }
        let present = offset - lastBatch.dataStart
        return present < lastBatch.size ? (lastBatch.offset, lastBatch.size, present) : nil
    }

    /// Reads the next event as a value of its own, or nil at the end of the trace.
    public func next() throws -> WireEvent? {
        try nextView()?.copy()
    }

    /// Reads every remaining event.
    public func readAll() throws -> [WireEvent] {
        var events: [WireEvent] = []
        while let event = try next() { events.append(event) }
        return events
    }

    // MARK: Varints

    /// Reads one unsigned LEB128 varint, as Go's `binary.ReadUvarint` does: at most ten bytes,
    /// and the tenth may only hold the top bit.
    @inline(__always)
    private func varint(_ eventOffset: Int) throws -> UInt64 {
        var at = position
        guard end - at >= Self.maxVarintLength else { return try varintNearEnd(eventOffset) }
        var byte = buffer[at]
        if byte < 0x80 {
            position = at + 1
            return UInt64(byte)
        }
        var value = UInt64(byte & 0x7f)
        var shift: UInt64 = 7
        while true {
            at += 1
            byte = buffer[at]
            if byte < 0x80 {
                if shift == 63 && byte > 1 { throw overflow(at: bufferBase + position) }
                position = at + 1
                return value | UInt64(byte) << shift
            }
            if shift == 63 { throw overflow(at: bufferBase + position) }
            value |= UInt64(byte & 0x7f) << shift
            shift += 7
        }
    }

    /// The careful path of ``varint(_:)`` for when the buffer may run out mid-varint.
    @inline(never)
    private func varintNearEnd(_ eventOffset: Int) throws -> UInt64 {
        _ = try refill(Self.maxVarintLength)
        let start = bufferBase + position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var at = position
        while true {
            guard at < end else {
                if at == position { sizeAtCleanCut = bufferBase + end }
                throw truncated(currentType, at: eventOffset)
            }
            let byte = buffer[at]
            at += 1
            if byte < 0x80 {
                if shift == 63 && byte > 1 { throw overflow(at: start) }
                position = at
                return value | UInt64(byte) << shift
            }
            if shift == 63 { throw overflow(at: start) }
            value |= UInt64(byte & 0x7f) << shift
            shift += 7
        }
    }

    // MARK: Buffering

    /// Makes at least `count` unread bytes available unless the input ends first, and returns
    /// how many are available. Moves the unread bytes to the front of the buffer, so earlier
    /// views become invalid.
    @inline(never)
    private func refill(_ count: Int) throws -> Int {
        if position > 0 {
            let unread = end - position
            if unread > 0 { memmove(buffer, buffer + position, unread) }
            bufferBase += position
            end = unread
            position = 0
        }
        while end < count && !sourceEnded {
            let got: Int
            do {
                got = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            } catch {
                throw Self.located(error, at: bufferBase + end)
            }
            if got == 0 { sourceEnded = true } else { end += got }
        }
        return end
    }

    /// Gives a read error from the source the offset at which it happened.
    private static func located(_ error: Error, at offset: Int) -> Error {
        guard let error = error as? WireError, error.location == .none else { return error }
        return WireError.at(offset: offset, error.message)
    }

    // MARK: Errors

    private func name(_ byte: UInt8) -> String {
        EventType(rawValue: byte)?.name ?? "event \(byte)"
    }

    private func invalidType(_ byte: UInt8, at offset: Int) -> WireError {
        if let type = EventType(rawValue: byte) {
            return WireError.at(offset: offset, "invalid event type: \(byte) (\(type.name) is not part of \(version.name) traces)")
        }
        return WireError.at(offset: offset, "invalid event type: \(byte)")
    }

    private func truncated(_ byte: UInt8, at eventOffset: Int) -> WireError {
        WireError.at(offset: bufferBase + end, "unexpected end of trace inside the \(name(byte)) event at offset \(eventOffset)")
    }

    /// The overflow error for the varint that ended just before `cursor`: it starts ten bytes
    /// earlier, since only a tenth byte can overflow.
    private func overflow(near cursor: UnsafeMutablePointer<UInt8>) -> WireError {
        overflow(at: bufferBase + (cursor - buffer) - Self.maxVarintLength)
    }

    private func overflow(at offset: Int) -> WireError {
        WireError.at(offset: offset, "varint overflows a 64-bit integer")
    }

    private static func headerError(_ header: [UInt8]) -> WireError {
        // Name the version when the header has the right shape but an unknown number, as Go does.
        let prefix = Array("go 1.".utf8)
        if header.count == TraceVersion.headerSize, header.starts(with: prefix) {
            let digits = header.dropFirst(prefix.count).prefix { $0 >= 0x30 && $0 <= 0x39 }
            let rest = header.dropFirst(prefix.count + digits.count)
            // v1 traces of Go 1.5 to 1.9 pad with four NULs rather than three; name them too.
            let word = Array(" trace".utf8)
            if !digits.isEmpty, rest.starts(with: word), rest.dropFirst(word.count).allSatisfy({ $0 == 0 }) {
                return WireError.at(offset: 0, "unknown or unsupported trace version go 1.\(String(decoding: digits, as: UTF8.self))")
            }
        }
        if header.count < TraceVersion.headerSize {
            return WireError.at(offset: header.count, "bad file format: the trace ends inside its 16-byte header")
        }
        return WireError.at(offset: 0, "bad file format: not a Go execution trace")
    }
}
