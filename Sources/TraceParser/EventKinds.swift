import TraceV2

// Everything the semantic reader knows per wire event type beyond what Specs/v2.yaml states.
//
// The spec gives argument positions, stack and string positions, timed-ness, range start
// events and experiments; those are read from the generated ``EventSpec`` tables. What the spec
// does not state yet (the kind of event a type becomes, the rule that orders it, metric and
// range names) lives here, in one table, so that it can be replaced by generated tables once
// the spec carries them.

/// What an ordered event is, as Go's `trace.EventKind` names it.
public enum EventKind: UInt8, Sendable, CustomStringConvertible {
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

    public var description: String {
        switch self {
        case .bad: "Bad"
        case .sync: "Sync"
        case .metric: "Metric"
        case .label: "Label"
        case .stackSample: "StackSample"
        case .rangeBegin: "RangeBegin"
        case .rangeActive: "RangeActive"
        case .rangeEnd: "RangeEnd"
        case .taskBegin: "TaskBegin"
        case .taskEnd: "TaskEnd"
        case .regionBegin: "RegionBegin"
        case .regionEnd: "RegionEnd"
        case .log: "Log"
        case .stateTransition: "StateTransition"
        case .experimental: "Experimental"
        }
    }
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

/// The byte the parser uses for its own Sync events; no wire event has it.
let syncEventCode: UInt8 = 255

/// Per-type facts of the semantic layer, indexed by event byte.
struct KindTable: @unchecked Sendable {
    struct Row: Sendable {
        var kind: EventKind = .bad
        var rule: OrderingRule = .none
    }

    /// 256 rows, indexed by event byte.
    let rows: UnsafeMutablePointer<Row>

    static let shared = KindTable()

    private init() {
        var rows = [Row](repeating: Row(), count: 256)
        func set(_ type: EventType, _ kind: EventKind, _ rule: OrderingRule) {
            rows[Int(type.rawValue)] = Row(kind: kind, rule: rule)
        }
        set(.cpuSample, .stackSample, .none)
        set(.procsChange, .metric, .annotation)
        set(.heapAlloc, .metric, .heapMetric)
        set(.heapGoal, .metric, .heapMetric)
        set(.procStart, .stateTransition, .procStart)
        set(.procStop, .stateTransition, .procStop)
        set(.procSteal, .stateTransition, .procSteal)
        set(.procStatus, .stateTransition, .procStatus)
        set(.goCreate, .stateTransition, .goCreate)
        set(.goCreateBlocked, .stateTransition, .goCreate)
        set(.goCreateSyscall, .stateTransition, .goCreateSyscall)
        set(.goStart, .stateTransition, .goStart)
        set(.goDestroy, .stateTransition, .goStopExec)
        set(.goStop, .stateTransition, .goStopExec)
        set(.goBlock, .stateTransition, .goStopExec)
        set(.goDestroySyscall, .stateTransition, .goDestroySyscall)
        set(.goUnblock, .stateTransition, .goUnblock)
        set(.goSwitch, .stateTransition, .goSwitch)
        set(.goSwitchDestroy, .stateTransition, .goSwitch)
        set(.goSyscallBegin, .stateTransition, .goSyscallBegin)
        set(.goSyscallEnd, .stateTransition, .goSyscallEnd)
        set(.goSyscallEndBlocked, .stateTransition, .goSyscallEndBlocked)
        set(.goStatus, .stateTransition, .goStatus)
        set(.goStatusStack, .stateTransition, .goStatus)
        set(.stwBegin, .rangeBegin, .goRangeBegin)
        set(.stwEnd, .rangeEnd, .goRangeEnd)
        set(.gcBegin, .rangeBegin, .gcBegin)
        set(.gcActive, .rangeActive, .gcActive)
        set(.gcEnd, .rangeEnd, .gcEnd)
        set(.gcSweepBegin, .rangeBegin, .gcSweepBegin)
        set(.gcSweepActive, .rangeActive, .gcSweepActive)
        set(.gcSweepEnd, .rangeEnd, .gcSweepEnd)
        set(.gcMarkAssistBegin, .rangeBegin, .goRangeBegin)
        set(.gcMarkAssistActive, .rangeActive, .goRangeActive)
        set(.gcMarkAssistEnd, .rangeEnd, .goRangeEnd)
        set(.goLabel, .label, .annotation)
        set(.userTaskBegin, .taskBegin, .userTaskBegin)
        set(.userTaskEnd, .taskEnd, .userTaskEnd)
        set(.userRegionBegin, .regionBegin, .userRegionBegin)
        set(.userRegionEnd, .regionEnd, .userRegionEnd)
        set(.userLog, .log, .annotation)
        // Every event of the AllocFree experiment is an experimental event with the same rule;
        // which events those are comes from the spec.
        for type in EventType.allCases where type.spec.experiment == .allocFree {
            set(type, .experimental, .allocFree)
        }
        rows[Int(syncEventCode)] = Row(kind: .sync, rule: .none)
        self.rows = .allocate(capacity: 256)
        self.rows.initialize(from: rows, count: 256)
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

    /// The metric name of a metric event type.
    static func metricName(_ code: UInt8) -> String {
        switch EventType(rawValue: code) {
        case .procsChange: "/sched/gomaxprocs:threads"
        case .heapAlloc: "/memory/classes/heap/objects:bytes"
        case .heapGoal: "/gc/heap/goal:bytes"
        default: ""
        }
    }

    /// What a range event covers.
    enum RangeFamily {
        case stopTheWorld, gcMark, gcSweep, markAssist
    }

    static func rangeFamily(_ code: UInt8) -> RangeFamily? {
        switch EventType(rawValue: code) {
        case .stwBegin, .stwEnd: .stopTheWorld
        case .gcBegin, .gcActive, .gcEnd: .gcMark
        case .gcSweepBegin, .gcSweepActive, .gcSweepEnd: .gcSweep
        case .gcMarkAssistBegin, .gcMarkAssistActive, .gcMarkAssistEnd: .markAssist
        default: nil
        }
    }

    /// The fixed range names; stop-the-world names carry the reason string.
    static let gcMarkRangeName = "GC concurrent mark phase"
    static let gcSweepRangeName = "GC incremental sweep"
    static let markAssistRangeName = "GC mark assist"

    /// The attributes a sweep end reports, in order.
    static let sweepAttributeNames = ["bytes swept", "bytes reclaimed"]
}
