import TraceV2
import TraceWire

// What the semantic reader knows per wire event type, in two clearly separate parts.
//
// From the spec (Specs/v2.yaml, through the generated TraceV2 module), read once into
// ``KindTable``: the kind each type becomes (`EventType.kind`), the metric it samples
// (`EventType.metric`), the range it belongs to with its name and scope (`EventType.range`),
// how it is ordered (`EventType.ordering`, compiled into an ``OrderingPlan`` and its
// ``OrderingStep``s), plus the argument layout, start events and experiments the rest of the
// parser already reads from ``EventSpec``. None of these is repeated here by hand.
//
// The parser's own, because the spec does not state them: how far Go's per-version tables
// reach (``KindTable/versionTableLimit(_:)``), the byte of the parser's Sync events and the
// attribute names of a sweep end.

/// One change of an event's generated ordering entry (`EventType.Ordering.Change` of `TraceV2`),
/// flattened into plain values so that ordering an event reads no arrays and retains nothing.
struct OrderingStep {
    /// `EventType.Ordering.Resource` of the changed resource.
    var resource: EventType.Ordering.Resource
    /// Where among the event's arguments (after the time delta) the resource's ID is; -1 for the
    /// thread's current one.
    var argument: Int8
    /// Where the sequence number is, -1 for none.
    var sequence: Int8
    /// Whether a sequence mismatch means "not yet" (otherwise the trace is broken).
    var sequenceWaits: Bool
    var creates: Bool
    var isOptional: Bool
    /// -1: no change of status; -2: the resource ends; otherwise the new status.
    var outcome: Int16
    /// 1: becomes the thread's; 0: the thread no longer holds it; -1: neither.
    var binds: Int8
    /// 0: none; 1, 2, 3: range begin, active, end.
    var range: UInt8
    /// Accepted statuses, bit n for status n; 0 for any.
    var from: UInt64
    /// Statuses in which the event waits.
    var waitWhile: UInt64

    /// Whether this step decides that the event is not ready yet, before anything is checked.
    var decidesReadiness: Bool { (sequence >= 0 && sequenceWaits) || waitWhile != 0 }

    init(_ change: EventType.Ordering.Change, timed: Bool) {
        let shift = timed ? 1 : 0
        resource = change.resource
        switch change.target {
        case .current: argument = -1
        case .argument(let position): argument = Int8(position - shift)
        }
        sequence = change.sequence.map { Int8($0 - shift) } ?? -1
        sequenceWaits = change.mismatch == .wait
        creates = change.creates
        isOptional = change.isOptional
        switch change.to {
        case .status(let status)?: outcome = Int16(status)
        case .absent?: outcome = -2
        case nil: outcome = -1
        }
        binds = change.binds.map { $0 ? 1 : 0 } ?? -1
        switch change.range {
        case .begin?: range = 1
        case .active?: range = 2
        case .end?: range = 3
        case nil: range = 0
        }
        from = change.from
        waitWhile = change.waitWhile
    }
}

/// How the ordering treats one event type, compiled once from its generated entry
/// (`EventType.ordering`): the spec is the only source of what every event requires and does.
struct OrderingPlan {
    enum Mode: Equatable {
        /// Not an event of the per-thread streams: ordering it is an error.
        case unordered
        /// Ordered by the interpreter from ``requirements`` and the steps.
        case data
        /// Ordered by a hand-written handler.
        case handler(EventType.Ordering.Handler)
    }

    var mode: Mode = .unordered
    /// What the thread must hold, by `EventType.Ordering.Resource` raw value (thread, P, goroutine).
    var requirements: (EventType.Ordering.Requirement, EventType.Ordering.Requirement, EventType.Ordering.Requirement) = (.may, .may, .may)
    var checksContextLast = false
    /// Whether some requirement can fail (otherwise the check is skipped).
    var checksContext = false
    /// Where the event's steps start in ``KindTable/steps``, and how many there are.
    var firstStep: UInt16 = 0
    var stepCount: UInt8 = 0
}

/// The byte the parser uses for its own Sync events; no wire event has it.
let syncEventCode: UInt8 = 255

/// The range a range event belongs to, prepared from the spec's ``EventRange`` for printing.
struct RangeName {
    /// One piece of the name: literal text, or the string an argument refers to.
    enum Piece {
        case text([UInt8])
        /// The position among the event's arguments (after the time delta).
        case string(argument: Int)
    }

    let spec: EventRange
    let pieces: [Piece]
    /// The Go-quoted name, when it has no argument in it.
    let quotedName: String?
    /// Where the ID of the scope's resource is among the event's arguments; nil when it is the
    /// current proc or goroutine (and for ranges without a scope).
    let scopeArgument: Int?

    init(_ range: EventRange, of type: EventType) {
        spec = range
        // Let the generated template syntax mark the arguments, then split at the marks.
        var arguments: [String] = []
        let marked = range.name(filling: { arguments.append($0); return "\u{0}" })
        let texts = marked.split(separator: "\u{0}", omittingEmptySubsequences: false)
        // An end event names its arguments as its start event does; the ordering stage copies
        // the start's values into the end.
        let named = type.spec.startEvent?.spec ?? type.spec
        var pieces: [Piece] = []
        for (index, text) in texts.enumerated() {
            if !text.isEmpty { pieces.append(.text(Array(text.utf8))) }
            guard index < arguments.count else { continue }
            // Arguments count from after the time delta. A name the event does not carry stays
            // as written rather than printing some other argument's string.
            if let position = named.args.firstIndex(of: arguments[index]), position > 0 {
                pieces.append(.string(argument: position - 1))
            } else {
                pieces.append(.text(Array("{\(arguments[index])}".utf8)))
            }
        }
        self.pieces = pieces
        quotedName = arguments.isEmpty ? GoQuote.quote(Array(range.name.utf8)) : nil
        // An event that carries an argument of the scope's type (`p`, `g`) names the resource;
        // otherwise the range is on the current one.
        let scopeType: String? = switch range.scope {
        case .none: nil
        case .proc: "p"
        case .goroutine: "g"
        }
        scopeArgument = scopeType.flatMap { wanted in
            type.spec.args.firstIndex { ArgumentType(argument: $0)?.name == wanted }.map { $0 - 1 }
        }
    }

    /// The position of the first argument the name refers to, if any.
    var firstStringArgument: Int? {
        for piece in pieces { if case .string(let argument) = piece { return argument } }
        return nil
    }

    /// The name's bytes, with each argument's string looked up by `string`.
    func bytes(_ string: (Int) -> [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .text(let text): result += text
            case .string(let argument): result += string(argument)
            }
        }
        return result
    }
}

/// Per-type facts of the semantic layer, indexed by event byte, computed once from the spec's
/// tables and the parser's ordering rules.
///
/// Unchecked `Sendable`: the rows, steps and messages are filled in `init` and only read after.
struct KindTable: @unchecked Sendable {
    struct Row: Sendable {
        /// The spec's kind of the type; nil for types that are no event of the stream (the
        /// ordering refuses those, so every event handed out has one).
        var kind: EventKind?
        var ordering = OrderingPlan()
    }

    /// 256 rows, indexed by event byte: read on every event, so kept in plain memory.
    let rows: UnsafeMutablePointer<Row>
    /// Every ordered type's steps, one after another (see ``OrderingPlan/firstStep``).
    let steps: UnsafeMutablePointer<OrderingStep>
    /// The error texts of each step, with the same index; read only when a check fails.
    let stepMessages: [[EventType.Ordering.Message: String]]

    /// The metric each metric type samples, from `EventType.metric`; empty for other bytes.
    let metricNames: [String]
    /// The range each range type belongs to, from `EventType.range`.
    let ranges: [RangeName?]
    /// The state change each state-transition type reports, from `EventType.ordering`; nil where
    /// the type's handler reports it.
    let transitions: [EventType.Ordering.Transition?]

    static let shared = KindTable()

    private init() {
        var rows = [Row](repeating: Row(), count: 256)
        var metricNames = [String](repeating: "", count: 256)
        var ranges = [RangeName?](repeating: nil, count: 256)
        var transitions = [EventType.Ordering.Transition?](repeating: nil, count: 256)
        var steps: [OrderingStep] = []
        var stepMessages: [[EventType.Ordering.Message: String]] = []
        for type in EventType.allCases {
            let code = Int(type.rawValue)
            rows[code] = Row(kind: type.kind,
                             ordering: Self.plan(type.ordering, timed: type.spec.isTimedEvent, firstStep: steps.count))
            steps += type.ordering.changes.map { OrderingStep($0, timed: type.spec.isTimedEvent) }
            stepMessages += type.ordering.changes.map(\.messages)
            metricNames[code] = type.metric ?? ""
            ranges[code] = type.range.map { RangeName($0, of: type) }
            transitions[code] = type.kind == .stateTransition ? type.ordering.transition : nil
        }
        rows[Int(syncEventCode)] = Row(kind: .sync)
        self.rows = .allocate(capacity: 256)
        self.rows.initialize(from: rows, count: 256)
        self.steps = .allocate(capacity: max(steps.count, 1))
        self.steps.initialize(from: steps, count: steps.count)
        self.stepMessages = stepMessages
        self.metricNames = metricNames
        self.ranges = ranges
        self.transitions = transitions
    }

    private static func plan(_ ordering: EventType.Ordering, timed: Bool, firstStep: Int) -> OrderingPlan {
        var plan = OrderingPlan()
        switch ordering.mode {
        case .unordered: return plan
        case .data: plan.mode = .data
        case .handler(let handler): plan.mode = .handler(handler)
        }
        let context = ordering.context
        precondition(context.count == 3, "the parser keeps state for a thread, a P and a goroutine")
        plan.requirements = (context[0], context[1], context[2])
        plan.checksContext = context.contains { $0 != .may }
        plan.checksContextLast = ordering.checksContextLast
        plan.firstStep = UInt16(firstStep)
        plan.stepCount = UInt8(ordering.changes.count)
        precondition(ordering.changes.allSatisfy { $0.resource != .thread }, "no event changes a thread's status")
        return plan
    }

    /// One past the last event byte Go's `internal/trace/version` table gives a trace version.
    /// It differs from the spec's `since` for the experimental events, which Go's table of
    /// Go 1.23 to 1.25 traces leaves out; Go's tools name and accept event bytes by it.
    static func versionTableLimit(_ version: TraceVersion) -> Int {
        switch version {
        case .go1_22: Int(EventType.userLog.rawValue) + 1
        case .go1_23: Int(EventType.experimentalBatch.rawValue) + 1
        case .go1_25: Int(EventType.clockSnapshot.rawValue) + 1
        case .go1_26: Int(EventType.allCases.map(\.rawValue).max()!) + 1
        }
    }

    /// The name Go's parser gives an event type in a trace of `version`: the spec name, or
    /// `Invalid(N)` past the version's table.
    static func name(_ type: UInt8, in version: TraceVersion) -> String {
        guard Int(type) < versionTableLimit(version), let known = EventType(rawValue: type) else { return "Invalid(\(type))" }
        return known.name
    }

    /// The attributes a sweep end reports, in order: Go's names, which the spec does not give.
    static let sweepAttributeNames = ["bytes swept", "bytes reclaimed"]
}

extension ResourceKind {
    /// The resource kind a range of the spec is attached to.
    init(_ scope: RangeScope) {
        switch scope {
        case .none: self = .none
        case .proc: self = .proc
        case .goroutine: self = .goroutine
        }
    }
}
