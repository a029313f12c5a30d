/// A string from a trace, kept as the bytes the runtime wrote.
///
/// Go's strings are bytes with no promise of valid UTF-8, and a trace carries them as they are:
/// a label, a log message or a function name may hold any bytes. A `TraceString` keeps them
/// exactly, so nothing is lost; ``string`` gives Swift's `String`, where each invalid sequence
/// becomes U+FFFD, as most uses want.
///
/// Two trace strings are equal when their bytes are. A string from one of the trace's tables
/// is looked up only when it is read, so handing events around costs no copying of text.
///
/// ```swift
/// if let log = event.log, log.category == "checkout" {
///     print(log.message.string)
/// }
/// ```
public struct TraceString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    enum Storage: Sendable {
        /// An entry of a generation's string table (0 is the empty string).
        case table(UInt64, GenerationTables)
        case bytes([UInt8])
        /// No bytes, as string ID 0 and strings without a table give: unlike an empty `bytes`,
        /// copying it costs no retain and release of the empty array (callgrind, printing thread
        /// of `gotrace parsed` on a 3.9 MB trace of 781k events, most with no reason: 901M
        /// instructions with `bytes([])`, 866M with this case).
        case empty
    }

    let storage: Storage

    init(id: UInt64, in generation: GenerationTables?) {
        if let generation, id != 0 {
            storage = .table(id, generation)
        } else {
            storage = .empty
        }
    }

    /// A trace string holding exactly `bytes`.
    public init(bytes: [UInt8]) {
        storage = .bytes(bytes)
    }

    /// A trace string holding the UTF-8 of `string`.
    public init(_ string: String) {
        storage = .bytes(Array(string.utf8))
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The bytes as the trace holds them.
    public var bytes: [UInt8] {
        switch storage {
        case .table(let id, let generation): generation.string(id)
        case .bytes(let bytes): bytes
        case .empty: []
        }
    }

    /// The text as a Swift string, each invalid UTF-8 sequence replaced by U+FFFD.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The same as ``string``.
    public var description: String { string }

    /// Whether the string has no bytes.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Whether the bytes are valid UTF-8, so that ``string`` holds them exactly.
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    public static func == (lhs: TraceString, rhs: TraceString) -> Bool {
        if case .table(let left, let leftTables) = lhs.storage, case .table(let right, let rightTables) = rhs.storage,
           left == right, leftTables === rightTables {
            return true
        }
        return lhs.bytes == rhs.bytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }
}
