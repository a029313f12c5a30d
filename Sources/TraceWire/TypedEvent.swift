import TraceV2

/// One frame of a Stack event: the program counter, the function and file as string table IDs,
/// and the line.
public struct StackFrame: Hashable, Sendable {
    public var pc: UInt64
    public var function: StringID
    public var file: StringID
    public var line: UInt64

    public init(pc: UInt64, function: StringID, file: StringID, line: UInt64) {
        self.pc = pc
        self.function = function
        self.file = file
        self.line = line
    }
}

/// The frames of the Stack event a ``TypedReader`` has just read, read in place.
///
/// Like the view it belongs to, it points into the reader's buffers and is valid until the
/// reader's next call.
public struct StackFrameList: RandomAccessCollection {
    /// Four values per frame: PC, function, file, line.
    let values: UnsafeBufferPointer<UInt64>

    /// No frames, for every event but Stack.
    public static var empty: StackFrameList { StackFrameList(values: UnsafeBufferPointer(start: nil, count: 0)) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count / 4 }

    public subscript(position: Int) -> StackFrame {
        let base = position * 4
        return StackFrame(pc: values[base], function: StringID(rawValue: values[base + 1]),
                          file: StringID(rawValue: values[base + 2]), line: values[base + 3])
    }
}

/// A typed event with what travels beside its arguments: the trailing data of String and
/// ExperimentalBatch events, and the frames of a Stack event.
public struct TypedEvent: Hashable, Sendable {
    public var event: Event
    /// The trailing data; nil when the event has none or its length is zero, as ``WireEvent/data``.
    public var data: [UInt8]?
    /// The frames of a Stack event; empty for other events.
    public var frames: [StackFrame]

    public init(_ event: Event, data: [UInt8]? = nil, frames: [StackFrame] = []) {
        self.event = event
        self.data = data
        self.frames = frames
    }
}

/// A borrowed look at the typed event a ``TypedReader`` has just read.
///
/// The event itself is a value; ``data`` and ``frames`` point into the reader's buffers and stay
/// valid only until its next call. Use ``copy()`` to keep them.
public struct TypedEventView {
    public let event: Event
    /// Where the event's type byte sits in the trace.
    public let offset: Int
    /// The trailing data; nil when the event has none or its length is zero.
    public let data: UnsafeRawBufferPointer?
    /// The frames of a Stack event; empty for other events.
    public let frames: StackFrameList

    /// Copies the data and frames out of the reader's buffers.
    public func copy() -> TypedEvent {
        TypedEvent(event, data: data.map { Array($0) }, frames: Array(frames))
    }
}
