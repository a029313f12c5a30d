import TraceV2

/// Reads a binary trace as typed events: `Event` values of `TraceV2` with their trailing data and stack
/// frames beside them.
///
/// It is a ``WireReader`` underneath, with its checks, its bounded memory and its byte offsets in
/// errors; on top it types each event's arguments, which adds one check: a status argument must
/// hold a status the spec defines. Reading a view allocates nothing per event.
public final class TypedReader {
    private let reader: WireReader
    private let rows = EventTable.shared

    /// The trace version named by the header.
    public var version: TraceVersion { reader.version }

    /// The trace offset of the next byte to read.
    public var offset: Int { reader.offset }

    /// Starts reading a trace from `source` and reads its header.
    public init(source: some ByteSource, bufferSize: Int = 256 << 10) throws {
        reader = try WireReader(source: source, bufferSize: bufferSize)
    }

    /// Reads typed events from a reader that has read the header and perhaps some events.
    public init(reading reader: WireReader) {
        self.reader = reader
    }

    /// Reads a trace from memory.
    public convenience init(bytes: [UInt8]) throws {
        try self.init(source: MemorySource(bytes))
    }

    /// Reads the next event, or returns nil at the end of the trace. The view's data and frames
    /// are valid until the next call.
    @inline(__always)
    public func nextView() throws -> TypedEventView? {
        guard let raw = try reader.nextView() else { return nil }
        let count = rows[raw.type.rawValue].argCount
        let arguments = UnsafeBufferPointer(rebasing: raw.args[..<count])
        let event: Event
        do {
            event = try Event(type: raw.type, args: arguments)
        } catch {
            throw WireError.at(offset: raw.offset, error.description)
        }
        let frames = raw.args.count > count
            ? StackFrameList(values: UnsafeBufferPointer(rebasing: raw.args[count...]))
            : StackFrameList.empty
        return TypedEventView(event: event, offset: raw.offset, data: raw.data, frames: frames)
    }

    /// Reads the next event as a value of its own, or nil at the end of the trace.
    public func next() throws -> TypedEvent? {
        try nextView()?.copy()
    }

    /// Reads and checks every remaining event, keeping none; for measuring.
    /// - Returns: The number of events read.
    public func decodeAll(progress: ((Int) -> Void)? = nil) throws -> Int {
        var count = 0
        while try nextView() != nil {
            count += 1
            if let progress, count % (1 << 16) == 0 { progress(reader.offset) }
        }
        return count
    }

    /// Reads every remaining event.
    public func readAll() throws -> [TypedEvent] {
        var events: [TypedEvent] = []
        while let event = try next() { events.append(event) }
        return events
    }
}
