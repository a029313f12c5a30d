/// The resolved ordering: the resources a parser keeps state for, its hand-written handlers, and
/// what each event does to them. Every name is resolved to the value it refers to.
extension TraceModel {
    /// Something the ordering keeps state for, in spec order (the order context checks run in).
    public struct Resource: Hashable, Sendable {
        public let name: String
        public let description: String
        /// The argument type whose values name one.
        public let argType: String
        /// Its statuses, sorted by value; nil for a resource that events only require or forbid.
        public let statuses: StatusSet?
        /// The states parsed events report, in spec order.
        public let states: [String]
        /// The state reported for a resource that does not exist.
        public let absentState: String?
        /// The state each status is reported as, by status value.
        public let stateOfStatus: [Int: String]
        public let go: GoResourceNames
        /// The error text for each check, placeholders unresolved.
        public let messages: [OrderingMessage: String]
        /// The Swift case, such as `goroutine`.
        public let swiftName: String
        public let locations: FieldLocations
    }

    /// How Go's parser names one resource's pieces.
    public struct GoResourceNames: Hashable, Sendable {
        public let context: String
        public let none: String
        public let id: String?
        public let table: String?
        public let state: String?
        public let makeTransition: String?
        public let statePrefix: String?
        /// Where the spec wrote the resource's `go` mapping.
        public let locations: FieldLocations
    }

    /// A hand-written ordering handler and the events that use it.
    public struct Handler: Hashable, Sendable {
        public let name: String
        public let description: String
        /// The Go method, `advance` and the name.
        public let goName: String
        /// The Swift case, such as `goStatus`.
        public let swiftName: String
        /// The events it orders, in ID order.
        public let events: [EventReference]
        public let locations: FieldLocations
    }

    /// What the thread's context must hold of one resource.
    public enum Requirement: String, CaseIterable, Hashable, Sendable {
        case must
        case may
        case mustNot
        /// Must not hold one, and the event waits while it does.
        case waitForNone
    }

    /// How a parser orders one event.
    public struct Ordering: Hashable, Sendable {
        public enum Mode: Hashable, Sendable {
            /// The reader's batch, table and generation code consumes it; the ordering never does.
            case unordered
            /// Ordered by ``changes`` and ``context`` alone.
            case data
            /// Ordered by a hand-written handler; the changes and context say what it does.
            case handler(String)
        }

        public let mode: Mode
        /// One requirement per resource, in the order of ``TraceModel/resources``.
        public let context: [Requirement]
        /// Whether the context is checked after the changes looked their resources up.
        public let contextLast: Bool
        public let changes: [Change]
        /// The state change a parsed event of this type reports, when the spec states it.
        public let transition: Transition?

        public static let unordered = Ordering(mode: .unordered, context: [], contextLast: false, changes: [], transition: nil)

        /// Whether the context requires anything at all.
        public var checksContext: Bool { context.contains { $0 != .may } }
    }

    /// Which resource of its kind a change acts on.
    public enum Target: Hashable, Sendable {
        /// The thread's current one.
        case current
        /// The one an argument names.
        case argument(Argument)
    }

    /// What a change leaves its resource as.
    public enum Outcome: Hashable, Sendable {
        case status(Status)
        /// The resource no longer exists.
        case absent
    }

    /// The part a change plays in the event's range.
    public enum RangeAction: String, CaseIterable, Hashable, Sendable {
        case begin
        case active
        case end
    }

    /// Whether a change binds its resource to the thread or takes it away.
    public enum ThreadAction: String, CaseIterable, Hashable, Sendable {
        case bind
        case unbind
    }

    /// What a sequence mismatch means.
    public enum Mismatch: String, CaseIterable, Hashable, Sendable {
        /// Another thread has events to order first.
        case wait
        /// The trace is invalid.
        case broken
    }

    /// One resource an event looks up, checks and changes.
    public struct Change: Hashable, Sendable {
        /// Its index in ``TraceModel/resources``.
        public let resource: Int
        public let resourceName: String
        public let target: Target
        /// The statuses it must be in; empty for any.
        public let from: [Status]
        /// Whether it must not exist yet (it is created).
        public let creates: Bool
        public let to: Outcome?
        public let thread: ThreadAction?
        /// The argument that carries its sequence number, and what a mismatch means.
        public let sequence: (argument: Argument, mismatch: Mismatch)?
        public let range: RangeAction?
        /// Whether nothing happens when the thread or argument names none.
        public let optional: Bool
        /// Statuses in which the event waits.
        public let waitWhile: [Status]
        /// The error text for each check, with the resource's own where the change gives none.
        public let messages: [OrderingMessage: String]

        /// Whether it decides that the event waits: a sequence that waits, or wait statuses.
        public var decidesReadiness: Bool { sequence?.mismatch == .wait || !waitWhile.isEmpty }

        public static func == (a: Change, b: Change) -> Bool {
            a.resource == b.resource && a.target == b.target && a.from == b.from && a.creates == b.creates && a.to == b.to
                && a.thread == b.thread && a.sequence?.argument == b.sequence?.argument && a.sequence?.mismatch == b.sequence?.mismatch
                && a.range == b.range && a.optional == b.optional && a.waitWhile == b.waitWhile && a.messages == b.messages
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(resource)
            hasher.combine(target)
            hasher.combine(from)
            hasher.combine(to)
        }
    }

    /// The state change a parsed event reports: of which resource, from which state to which.
    public struct Transition: Hashable, Sendable {
        public let resource: Int
        public let resourceName: String
        public let target: Target
        public let from: String
        public let to: String
        /// The string argument that gives the reason, if the spec names one.
        public let reason: Argument?
        /// The stack reported with it, if the spec names one.
        public let stack: TransitionStack?
    }

    /// Where a transition's stack comes from.
    public enum TransitionStack: Hashable, Sendable {
        /// The event's own stack (its first stack argument), absent when the trace gives none.
        case event
        /// Another stack argument, reported even when it is the empty stack.
        case argument(Argument)
    }
}
