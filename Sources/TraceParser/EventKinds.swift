import TraceV2
import TraceWire

// What the semantic reader knows per wire event type, in two clearly separate parts.
//
// From the spec (Specs/v2.yaml, through the generated TraceV2 module), read once into
// ``KindTable``: the kind each type becomes (`EventType.kind`), the metric it samples
// (`EventType.metric`), the range it belongs to with its name and scope (`EventType.range`),
// plus the argument layout, start events and experiments the rest of the parser already reads
// from ``EventSpec``. None of these is repeated here by hand.
//
// The parser's own, because the spec does not state them: the ordering rule each type follows
// (``OrderingRules``, the equivalent of Go's ordering dispatch), how far Go's per-version tables
// reach (``KindTable/versionTableLimit(_:)``), the byte of the parser's Sync events and the
// attribute names of a sweep end.

/// What an ordered event is, as Go's `trace.EventKind` names it: the spec's kinds
/// (``TraceV2/EventKind``) plus ``bad`` for bytes that are no event.
public enum EventKind: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case bad = 0
    case sync
    case metric
    case label
    case stackSample
    case rangeBegin
    case rangeActive
    case rangeEnd
    case taskBegin
    case taskEnd
    case regionBegin
    case regionEnd
    case log
    case stateTransition
    case experimental

    /// The parser's kind for a kind of the spec. This and ``specKind`` are the only places the
    /// two enums meet.
    public init(_ kind: TraceV2.EventKind) {
        switch kind {
        case .sync: self = .sync
        case .metric: self = .metric
        case .label: self = .label
        case .stackSample: self = .stackSample
        case .rangeBegin: self = .rangeBegin
        case .rangeActive: self = .rangeActive
        case .rangeEnd: self = .rangeEnd
        case .taskBegin: self = .taskBegin
        case .taskEnd: self = .taskEnd
        case .regionBegin: self = .regionBegin
        case .regionEnd: self = .regionEnd
        case .log: self = .log
        case .stateTransition: self = .stateTransition
        case .experimental: self = .experimental
        }
    }

    /// The spec's kind; nil for ``bad``.
    public var specKind: TraceV2.EventKind? {
        switch self {
        case .bad: nil
        case .sync: .sync
        case .metric: .metric
        case .label: .label
        case .stackSample: .stackSample
        case .rangeBegin: .rangeBegin
        case .rangeActive: .rangeActive
        case .rangeEnd: .rangeEnd
        case .taskBegin: .taskBegin
        case .taskEnd: .taskEnd
        case .regionBegin: .regionBegin
        case .regionEnd: .regionEnd
        case .log: .log
        case .stateTransition: .stateTransition
        case .experimental: .experimental
        }
    }

    /// Go's name for the kind: the spec's, or `Bad`.
    public var description: String { specKind?.rawValue ?? "Bad" }
}

/// The rule the ordering state machine applies to one event type.
enum OrderingRule: UInt8 {
    /// Not an event of the per-thread streams: ordering it is an error.
    case none
    case annotation, heapMetric, allocFree
    case procStart, procStop, procSteal, procStatus
    case goCreate, goCreateSyscall, goStart, goStopExec, goDestroySyscall, goUnblock, goSwitch
    case goSyscallBegin, goSyscallEnd, goSyscallEndBlocked, goStatus
    case goRangeBegin, goRangeActive, goRangeEnd
    case gcBegin, gcActive, gcEnd, gcSweepBegin, gcSweepActive, gcSweepEnd
    case userTaskBegin, userTaskEnd, userRegionBegin, userRegionEnd
}

/// The parser's own dispatch: which ordering rule each event type follows. The spec says what
/// an event means, not how Go checks it against the scheduler's state, so this stays by hand.
enum OrderingRules {
    static func rule(for type: EventType) -> OrderingRule {
        switch type {
        case .procsChange, .goLabel, .userLog: .annotation
        case .heapAlloc, .heapGoal: .heapMetric
        case .procStart: .procStart
        case .procStop: .procStop
        case .procSteal: .procSteal
        case .procStatus: .procStatus
        case .goCreate, .goCreateBlocked: .goCreate
        case .goCreateSyscall: .goCreateSyscall
        case .goStart: .goStart
        case .goDestroy, .goStop, .goBlock: .goStopExec
        case .goDestroySyscall: .goDestroySyscall
        case .goUnblock: .goUnblock
        case .goSwitch, .goSwitchDestroy: .goSwitch
        case .goSyscallBegin: .goSyscallBegin
        case .goSyscallEnd: .goSyscallEnd
        case .goSyscallEndBlocked: .goSyscallEndBlocked
        case .goStatus, .goStatusStack: .goStatus
        case .stwBegin, .gcMarkAssistBegin: .goRangeBegin
        case .gcMarkAssistActive: .goRangeActive
        case .stwEnd, .gcMarkAssistEnd: .goRangeEnd
        case .gcBegin: .gcBegin
        case .gcActive: .gcActive
        case .gcEnd: .gcEnd
        case .gcSweepBegin: .gcSweepBegin
        case .gcSweepActive: .gcSweepActive
        case .gcSweepEnd: .gcSweepEnd
        case .userTaskBegin: .userTaskBegin
        case .userTaskEnd: .userTaskEnd
        case .userRegionBegin: .userRegionBegin
        case .userRegionEnd: .userRegionEnd
        // Go orders the events of the AllocFree experiment with one handler; which events those
        // are is the spec's word.
        default: type.spec.experiment == .allocFree ? .allocFree : .none
        }
    }
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
struct KindTable: @unchecked Sendable {
    struct Row: Sendable {
        var kind: EventKind = .bad
        var rule: OrderingRule = .none
    }

    /// 256 rows, indexed by event byte: read on every event, so kept in plain memory.
    let rows: UnsafeMutablePointer<Row>
    /// The metric each metric type samples, from `EventType.metric`; empty for other bytes.
    let metricNames: [String]
    /// The range each range type belongs to, from `EventType.range`.
    let ranges: [RangeName?]

    static let shared = KindTable()

    private init() {
        var rows = [Row](repeating: Row(), count: 256)
        var metricNames = [String](repeating: "", count: 256)
        var ranges = [RangeName?](repeating: nil, count: 256)
        for type in EventType.allCases {
            let code = Int(type.rawValue)
            rows[code] = Row(kind: type.kind.map(EventKind.init) ?? .bad, rule: OrderingRules.rule(for: type))
            metricNames[code] = type.metric ?? ""
            ranges[code] = type.range.map { RangeName($0, of: type) }
        }
        rows[Int(syncEventCode)] = Row(kind: .sync, rule: .none)
        self.rows = .allocate(capacity: 256)
        self.rows.initialize(from: rows, count: 256)
        self.metricNames = metricNames
        self.ranges = ranges
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
