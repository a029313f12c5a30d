import TraceV2
import TraceWire

/// The batch layer of a trace: reads whole batches, header and bytes, from a ``ByteSource``.
///
/// Go's parser reads the stream one batch at a time with a buffered reader and copies each
/// batch's bytes out without looking at them; the events inside are decoded later, when the
/// batch's thread gets its turn. This type does the same, with the same failure rules: the end
/// of the input before a batch is the clean end of the trace, anywhere else it is an error.
final class BatchInput {
    private var source: any ByteSource
    private var buffer: [UInt8]
    private var position = 0
    private var end = 0
    private var sourceEnded = false
    /// The trace offset of `buffer[0]`.
    private var base: Int

    /// One batch as read from the stream: its header, and where its bytes were put.
    struct RawBatch {
        var generation: UInt64
        var thread: RawThreadID
        var time: UInt64
        /// Nil for a regular batch.
        var experiment: UInt8?
        /// The trace offset of the batch's first byte.
        var offset: Int
        /// The trace offset of the batch's data.
        var dataOffset: Int
        /// The arena chunk holding the batch's data (set by the generation), where the data
        /// starts in it, and its size.
        var chunk = 0
        var dataStart: Int
        var dataCount: Int
    }

    init(source: some ByteSource, offset: Int, leftover: ArraySlice<UInt8>) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: max(256 << 10, leftover.count))
        buffer.replaceSubrange(0..<leftover.count, with: leftover)
        end = leftover.count
        base = offset
    }

    /// The trace offset of the next unread byte.
    var offset: Int { base + position }

    /// Makes at least one unread byte available unless the input has ended.
    @inline(__always)
    private func ensureByte() throws -> Bool {
        if position < end { return true }
        return try refill()
    }

    private func refill() throws -> Bool {
        if sourceEnded { return false }
        base += position
        position = 0
        end = 0
        while end == 0 && !sourceEnded {
            let got: Int
            do {
                got = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            } catch {
                throw Failure.broken("read failed at offset \(base): \(error)")
            }
            if got == 0 { sourceEnded = true } else { end = got }
        }
        return end > 0
    }

    /// One byte, or nil at the end of the input.
    func readByte() throws -> UInt8? {
        guard try ensureByte() else { return nil }
        let byte = buffer[position]
        position += 1
        return byte
    }

    /// An unsigned varint the way Go's `binary.ReadUvarint` reads one from a stream: the end of
    /// the input before its first byte is ``Failure/endOfInput``, inside it "unexpected EOF".
    func readVarint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for index in 0..<10 {
            guard let byte = try readByte() else {
                throw index == 0 ? Failure.endOfInput : Failure.unexpectedEnd
            }
            if byte < 0x80 {
                if index == 9 && byte > 1 { throw Failure.overflow }
                return value | UInt64(byte) << shift
            }
            value |= UInt64(byte & 0x7f) << shift
            shift += 7
        }
        throw Failure.overflow
    }

    /// Appends up to `count` bytes to `arena`; returns how many there were.
    func copy(_ count: Int, into arena: inout ByteChunk) throws -> Int {
        var copied = 0
        while copied < count {
            guard try ensureByte() else { break }
            let take = min(count - copied, end - position)
            buffer.withUnsafeBytes { arena.append(UnsafeRawBufferPointer(rebasing: $0[position..<(position + take)])) }
            position += take
            copied += take
        }
        return copied
    }

    /// Reads the next batch, appending its bytes to `arena`; nil at the clean end of the input.
    ///
    /// Errors are Go's, including its quirk that the input ending right after an
    /// ExperimentalBatch's type byte counts as the clean end.
    func readBatch(into arena: inout ByteChunk) throws -> RawBatch? {
        let start = offset
        guard let type = try readByte() else { return nil }
        if type == EventType.endOfGeneration.rawValue {
            // The marker is a batch of its own whose only byte is its type.
            arena.append(type)
            return RawBatch(generation: 0, thread: NoResource.thread, time: 0, experiment: nil,
                            offset: start, dataOffset: start, dataStart: arena.count - 1, dataCount: 1)
        }
        guard type == EventType.eventBatch.rawValue || type == EventType.experimentalBatch.rawValue else {
            throw Failure.broken("expected batch event, got event \(type)")
        }
        var experiment: UInt8?
        if type == EventType.experimentalBatch.rawValue {
            // Go's parser takes the input ending here for the clean end of the trace.
            guard let byte = try readByte() else { return nil }
            experiment = byte
        }
        func field(_ name: String) throws -> UInt64 {
            do { return try readVarint() } catch let failure as Failure {
                throw failure.wrapped("error reading batch \(name)")
            }
        }
        let generation = try field("gen")
        let thread = try field("M ID")
        let time = try field("timestamp")
        let size = try field("size")
        if size > UInt64(TraceLimits.maxBatchSize) {
            throw Failure.broken("invalid batch size \(size), maximum is \(TraceLimits.maxBatchSize)")
        }
        let dataOffset = offset
        let dataStart = arena.count
        let got = try copy(Int(size), into: &arena)
        if got != Int(size) {
            throw Failure.broken("failed to read full batch: read \(got) but wanted \(size)")
        }
        // An experiment byte of 0 names no experiment, so the batch is an ordinary one.
        return RawBatch(generation: generation, thread: RawThreadID(bitPattern: thread), time: time,
                        experiment: experiment == 0 ? nil : experiment,
                        offset: start, dataOffset: dataOffset, dataStart: dataStart, dataCount: got)
    }
}
