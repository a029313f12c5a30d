/// Two stacks are the same when they are the same ID of the same generation, as Go's
/// `trace.Event.Stack` values compare. Stacks of different generations are different even when their
/// frames agree, and a stack keeps its generation's tables alive: keep one as a key only while
/// its generation is current (a Sync event begins the next one).
extension ParsedEvent.Stack: Hashable {
    public static func == (a: ParsedEvent.Stack, b: ParsedEvent.Stack) -> Bool {
        a.id == b.id && a.generation === b.generation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(generation.map(ObjectIdentifier.init))
    }

    /// The frames as Go's `Event.Stack.Frames` gives them, innermost first: a PC the generation has no
    /// frame for comes out as an empty frame with PC 0, where ``frames`` keeps the PC.
    public var goFrames: [ParsedEvent.Stack.Frame] { resolved(unknownPC: { _ in 0 }) }
}
