/// The parts of the spec as written that say how a parser orders events: the resources it keeps
/// state for, the hand-written handlers it has, and each event's `ordering` entry.
///
/// None of it names a format's events or statuses: a spec declares its own resources and their
/// status lists, and the generator works from those names.

/// Something a parser keeps state for while it orders events, such as a thread or a goroutine.
public struct ResourceDecl: Hashable, Sendable {
    public var name: String
    public var description: String
    /// The argument type whose values name one of these resources (`g`).
    public var argType: String
    /// The top-level status list its statuses come from; nil for a resource without statuses,
    /// which events can require in their context but not change.
    public var statuses: String? = nil
    /// What a parsed event reports the resource's state as; statuses map onto these.
    public var states: [String] = []
    /// The state a resource that does not exist (yet, or any more) is reported in.
    public var absent: String? = nil
    /// How Go's parser names this resource's pieces.
    public var go: GoResourceDecl
    /// Error texts for the checks every change makes, by ``OrderingMessage`` name.
    public var messages: [String: String] = [:]
    public var locations: FieldLocations
}

/// How Go's parser (internal/trace) names what belongs to one resource.
public struct GoResourceDecl: Hashable, Sendable {
    /// The field of the scheduling context that holds the thread's current one (`G`).
    public var context: String
    /// The value that stands for "none" (`NoGoroutine`).
    public var none: String
    /// The ID type (`GoID`); only for resources with statuses.
    public var id: String? = nil
    /// The ordering's map from ID to state (`gStates`).
    public var table: String? = nil
    /// The state struct (`gState`).
    public var state: String? = nil
    /// The function that makes a parsed state transition of this resource (`MakeGoStateTransition`).
    public var makeTransition: String? = nil
    /// What the names of the resource's parsed states start with (`Go`, as in `GoRunning`).
    public var statePrefix: String? = nil
    public var locations: FieldLocations
}

/// A piece of ordering logic that is code, not data: written by hand once per language and named
/// by the events that use it.
public struct HandlerDecl: Hashable, Sendable {
    public var name: String
    public var description: String
    public var locations: FieldLocations
}

/// An event's `ordering` entry.
public struct OrderingDecl: Hashable, Sendable {
    /// True for `ordering: unordered`: the reader's batch, table and generation code consumes the
    /// event, and the ordering never sees it.
    public var unordered: Bool = false
    /// What the thread must, may or must not hold, by resource name.
    public var context: [String: String] = [:]
    /// The context's resource names in the order written, for messages.
    public var contextOrder: [String] = []
    /// `first` (the default) or `last`: whether the context is checked before or after the
    /// changes look their resources up.
    public var checkContext: String? = nil
    /// The hand-written handler that orders the event, if its logic is not data.
    public var handler: String? = nil
    public var changes: [ChangeDecl] = []
    public var locations: FieldLocations
}

/// One resource an event looks up, checks and changes.
public struct ChangeDecl: Hashable, Sendable {
    public var resource: String
    /// `current` for the thread's own, or the name of the argument that names it.
    public var of: String
    /// The statuses it accepts (any when empty), or `[absent]` when it must not exist yet.
    public var from: [String] = []
    /// The status it is left in, or `absent` when it is destroyed.
    public var to: String? = nil
    /// `bind` or `unbind`: makes it the thread's current one, or leaves the thread without one.
    public var thread: String? = nil
    public var sequence: SequenceDecl? = nil
    /// `begin`, `active` or `end` of the event's range, on this resource.
    public var range: String? = nil
    /// When it is the thread's current one or an argument's: nothing happens if there is none.
    public var optional: Bool = false
    /// Statuses in which the event waits for other threads rather than proceeding.
    public var waitWhile: [String] = []
    /// Error texts that replace the resource's own for this change.
    public var messages: [String: String] = [:]
    /// For the change a parsed event reports as its state transition: the string argument that
    /// gives the reason.
    public var reason: String? = nil
    /// For the change a parsed event reports as its state transition: the stack argument that
    /// goes with it.
    public var stack: String? = nil
    public var locations: FieldLocations
}

/// The sequence number an event carries for the resource it changes.
public struct SequenceDecl: Hashable, Sendable {
    /// The argument that holds it, of type `seq`.
    public var arg: String
    /// `wait` (another thread has events to order first) or `broken` (the trace is invalid).
    public var mismatch: String
    public var locations: FieldLocations
}

/// The values the ordering keys take, in one place for the decoder, the validator and the docs.
public enum OrderingVocabulary {
    /// What a context requirement may say: must hold one, may hold one, must not hold one, or must
    /// not hold one and waits (rather than fails) while it does.
    public static let requirements = ["must", "may", "mustNot", "waitForNone"]
    public static let checkContext = ["first", "last"]
    public static let thread = ["bind", "unbind"]
    public static let mismatch = ["wait", "broken"]
    public static let ranges = ["begin", "active", "end"]
    /// The keyword for a resource that does not exist, in `from` and `to`.
    public static let absent = "absent"
    /// The keyword for the thread's current resource, in `of`.
    public static let current = "current"
    public static let unordered = "unordered"
}

/// The error texts a resource gives for the checks of a change, with the placeholders each may use.
public enum OrderingMessage: String, CaseIterable, Hashable, Sendable {
    /// The resource is not known.
    case unknown
    /// It is in a status the change does not accept.
    case status
    /// It is created but exists already.
    case exists
    /// Its sequence number is not the next one, where that means the trace is broken.
    case sequence

    /// `{event}` the event's name, `{type}` its numeric type, `{id}` the resource's ID,
    /// `{expected}` the accepted statuses, `{actual}` the status it has, `{have}` and `{got}` the
    /// sequence numbers.
    public var placeholders: [String] {
        switch self {
        case .unknown, .exists: ["event", "type", "id"]
        case .status: ["event", "type", "id", "expected", "actual"]
        case .sequence: ["event", "type", "id", "have", "got"]
        }
    }
}
