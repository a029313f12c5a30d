import TraceV2

/// The generated event specs flattened into one 256-entry table indexed by the event byte.
///
/// Reading and printing events is the hot path of the reader, so everything it needs per event
/// type sits in plain structs and one byte pool: no enum switch, no dictionary, no reference
/// counting per event. The table is built once from `EventType.spec`.
///
/// Unchecked `Sendable`: everything in it is written in `init` and only read afterwards.
package final class EventTable: @unchecked Sendable {
    /// What the reader needs to know about one event byte.
    package struct Row: Sendable {
        /// The event type; meaningless for bytes that name no event (their `since` is
        /// `UInt8.max`).
        package let type: EventType
        /// How many varint arguments follow the type byte (frames and data not included).
        package let argCount: Int
        /// The oldest trace version that may contain the event; `UInt8.max` for bytes that
        /// name no event.
        package let since: UInt8
        /// True when the event is a stack: a frame count then four varints per frame.
        package let isStack: Bool
        /// True when a varint length and that many bytes follow the arguments.
        package let hasData: Bool
        /// The longest trailing data the format allows for this event.
        package let maxDataSize: Int
        /// Where the event's name starts in the byte pool, and its length.
        let nameStart: Int
        let nameLength: Int
        /// Index into `labelStarts` of the first argument label.
        let labelIndex: Int

        /// Whether a trace of `version` may contain the event.
        @inline(__always)
        package func isValid(in version: TraceVersion) -> Bool { since <= version.rawValue }
    }

    /// The table the readers and writers share.
    package static let shared = EventTable()

    /// The names Go prints before the four varints of each stack frame.
    package static let frameFieldNames = ["pc", "func", "file", "line"]

    /// The 256 rows, indexed by event byte.
    let rows: UnsafeMutablePointer<Row>
    /// Names and ` name=` argument labels, back to back.
    let pool: UnsafeMutablePointer<UInt8>
    /// Start of each label in `pool`; a label ends where the next one starts.
    let labelStarts: UnsafeMutablePointer<Int>
    /// The most varint arguments any event has before its frames or data.
    let maxArgCount: Int
    /// Event types by name, for the text reader.
    let typesByName: [String: EventType]

    private init() {
        var poolBytes: [UInt8] = []
        var starts: [Int] = []
        var rowValues: [Row] = []
        var names: [String: EventType] = [:]
        for byte in 0...255 {
            guard let type = EventType(rawValue: UInt8(byte)) else {
                rowValues.append(Row(type: .eventBatch, argCount: 0, since: .max, isStack: false, hasData: false,
                                     maxDataSize: 0, nameStart: 0, nameLength: 0, labelIndex: 0))
                continue
            }
            let spec = type.spec
            names[spec.name] = type
            let nameStart = poolBytes.count
            poolBytes += Array(spec.name.utf8)
            let labelIndex = starts.count
            for arg in spec.args {
                starts.append(poolBytes.count)
                poolBytes += Array(" \(arg)=".utf8)
            }
            starts.append(poolBytes.count)
            // A string is one table entry; an experimental batch carries a whole batch.
            let maxData = type == .experimentalBatch ? TraceLimits.maxBatchSize : TraceLimits.maxEventTrailerDataSize
            rowValues.append(Row(type: type, argCount: spec.args.count, since: spec.since.rawValue, isStack: spec.isStack,
                                 hasData: spec.hasData, maxDataSize: spec.hasData ? maxData : 0,
                                 nameStart: nameStart, nameLength: spec.name.utf8.count, labelIndex: labelIndex))
        }
        rows = .allocate(capacity: 256)
        rows.initialize(from: rowValues, count: 256)
        pool = .allocate(capacity: poolBytes.count)
        pool.initialize(from: poolBytes, count: poolBytes.count)
        labelStarts = .allocate(capacity: starts.count)
        labelStarts.initialize(from: starts, count: starts.count)
        typesByName = names
        maxArgCount = rowValues.map(\.argCount).max() ?? 0
    }

    /// The row of an event byte.
    @inline(__always)
    package subscript(byte: UInt8) -> Row { rows[Int(byte)] }

    /// Looks an event type up by the name Go prints for it.
    package func type(named name: String) -> EventType? { typesByName[name] }
}
