/// Why the semantic reader stopped: Go's verdict on the trace, with where it was reached.
///
/// ``message`` is the text Go's parser gives for the same problem, so it can be matched against
/// Go's own expectations; ``description`` adds the generation and the byte offset (or the
/// event) the problem belongs to.
public struct TraceParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Go's message for the problem.
    public var message: String
    /// The generation being read, when known.
    public var generation: UInt64?
    /// The byte offset in the trace (the header counts) of the batch or event at fault.
    public var offset: Int?
    /// The event at fault, as `Name on M n`, when the problem lies in one event.
    public var event: String?

    public init(message: String, generation: UInt64? = nil, offset: Int? = nil, event: String? = nil) {
        self.message = message
        self.generation = generation
        self.offset = offset
        self.event = event
    }

    /// `generation G, offset N (event E): message`, leaving out what is unknown.
    public var description: String {
        var place: [String] = []
        if let generation { place.append("generation \(generation)") }
        if let offset { place.append("offset \(offset)") }
        var prefix = place.joined(separator: ", ")
        if let event { prefix += prefix.isEmpty ? "event \(event)" : " (event \(event))" }
        return prefix.isEmpty ? message : "\(prefix): \(message)"
    }
}

/// A failure inside the reader before it is located. Go's parser passes the end of its input
/// around as an error value that its callers treat as a clean end, even when it comes from
/// inside a table batch; ``endOfInput`` keeps that case apart.
enum Failure: Error {
    case endOfInput
    case broken(String)

    /// Go's messages for the failures of its byte-level varint reader.
    static let unexpectedEnd = Failure.broken("unexpected EOF")
    static let overflow = Failure.broken("binary: varint overflows a 64-bit integer")

    /// The message, as Go's `err.Error()` prints it.
    var text: String {
        switch self {
        case .endOfInput: "EOF"
        case .broken(let message): message
        }
    }

    /// Adds a prefix the way Go wraps an error with `%w`: the result is no longer the clean end.
    func wrapped(_ prefix: String) -> Failure {
        .broken("\(prefix): \(text)")
    }
}
