import TraceV2

/// One raw event, as it sits on the wire: no ordering, no validation across events.
///
/// Batches, string and stack tables are events like any other here, the way Go's
/// `internal/trace/raw` sees them: an `EventBatch` is followed by the events of its batch, and an
/// `ExperimentalBatch` carries its whole batch as trailing data.
public struct WireEvent: Hashable, Sendable {
    /// The event type.
    public var type: EventType

    /// The arguments in wire order. For a `EventType.stack` event, the spec's `id` and
    /// `nframes` are followed by four values per frame: PC, function, file and line.
    public var args: [UInt64]

    /// The trailing data of events whose spec has data. Nil when the event has none, and also
    /// when a binary trace gives it a length of zero, as Go's raw reader does.
    public var data: [UInt8]?

    /// Makes an event from its parts.
    public init(type: EventType, args: [UInt64], data: [UInt8]? = nil) {
        self.type = type
        self.args = args
        self.data = data
    }

    /// The frames of a stack event as (PC, function, file, line); empty for other events.
    public var frames: [(pc: UInt64, function: UInt64, file: UInt64, line: UInt64)] {
        let first = type.spec.args.count
        guard type.spec.isStack, args.count > first else { return [] }
        return stride(from: first, to: args.count - 3, by: 4).map { (args[$0], args[$0 + 1], args[$0 + 2], args[$0 + 3]) }
    }
}

/// A borrowed look at the event a ``WireReader`` has just read, without copying it.
///
/// The pointers belong to the reader and stay valid only until its next call; use ``copy()`` to
/// keep the event.
public struct WireEventView {
    /// The event type.
    public let type: EventType

    /// Where the event's type byte sits in the trace.
    public let offset: Int

    /// The arguments, frames of a stack included, as in ``WireEvent/args``.
    public let args: UnsafeBufferPointer<UInt64>

    /// The trailing data; nil when the event has none or its length is zero.
    public let data: UnsafeRawBufferPointer?

    /// Copies the event out of the reader's buffers.
    public func copy() -> WireEvent {
        WireEvent(type: type, args: Array(args), data: data.map { Array($0) })
    }
}
