import TraceV2

/// One event of the ordered, validated stream: what happened, when, and on which thread, proc
/// and goroutine, with its details resolved through its generation's tables.
public struct ParsedEvent: Sendable {
    /// The wire event type, or the parser's own code for Sync events.
    let code: UInt8
    /// Nanoseconds, on the trace's clock; strictly increasing along the stream.
    public internal(set) var time: Int64
    let context: SchedContext
    var args: EventArgs
    /// The generation whose tables the event's IDs refer to; nil for the last Sync events.
    let generation: GenerationTables?
    /// The trace offset of the event in its batch (0 for events the parser makes up).
    let offset: Int
    /// What the ordering learned about the event that its arguments do not say.
    let note: OrderingNote
    /// The event's row of ``AccessorTable``, found once here: read through the table's lazy
    /// global, each of `kind`, `stackID` and `rawTransition` paid a `swift_once` per event
    /// (callgrind, printing thread of `gotrace parsed` on a 3.9 MB trace of 781k events: 934M
    /// instructions before, 926M after).
    private let row: AccessorTable.RowPointer

    init(code: UInt8, time: Int64, context: SchedContext, args: EventArgs, generation: GenerationTables?, offset: Int,
         note: OrderingNote = .none) {
        self.code = code
        self.time = time
        self.context = context
        self.args = args
        self.generation = generation
        self.offset = offset
        self.note = note
        row = AccessorTable.RowPointer(pointer: UnsafePointer(AccessorTable.shared.rows + Int(code)))
    }

    /// What kind of event this is.
    public var kind: EventKind {
        // The ordering lets only types with a kind through (SpecAgreementTests checks the table).
        row.pointer.pointee.kind
    }
    /// The wire event type it was made from; nil for Sync events.
    public var type: EventType? { code == syncEventCode ? nil : EventType(rawValue: code) }
    /// The thread it happened on; nil when the event belongs to no thread (Go's parser prints
    /// -1).
    public var thread: ThreadID? { ThreadID(raw: context.thread) }
    /// The P it happened on; nil when the thread held none.
    public var proc: ProcID? { ProcID(raw: context.proc) }
    /// The goroutine it happened on; nil when none was running.
    public var goroutine: GoroutineID? { GoroutineID(raw: context.goroutine) }

    /// The thread, P and goroutine as the package keeps them (-1 for none), for the analyses
    /// that key tables by them.
    package var rawThread: RawThreadID { context.thread }
    package var rawProc: RawProcID { context.proc }
    package var rawGoroutine: RawGoID { context.goroutine }

    // MARK: Stacks

    /// The ID of the event's own stack: nil when it has none. A CPU sample always has one, even
    /// ID 0, which has no frames.
    // Inlined: as a call it cost about 37 instructions (callgrind, printing thread of
    // `gotrace parsed` on a 3.9 MB trace of 781k events: 957M instructions before, 934M after).
    @inline(__always)
    var stackID: UInt64? {
        if code == syncEventCode { return nil }
        if code == EventType.cpuSample.rawValue { return args[0] }
        let position = Int(row.pointer.pointee.stackPosition)
        guard position > 0 else { return nil }
        let id = args[position - 1]
        return id == 0 ? nil : id
    }

    /// The stack recorded with the event, if any.
    public var stack: Stack? { stackID.map { Stack(id: $0, generation: generation) } }

    // MARK: Details

    /// The details of a `metric` event.
    public var metric: Metric? {
        guard kind == .metric else { return nil }
        return Metric(name: KindTable.shared.metricNames[Int(code)], value: args[0])
    }

    /// The details of a `label` event.
    public var label: Label? {
        guard kind == .label else { return nil }
        return Label(label: text(args[0]), resource: ResourceID(kind: .goroutine, raw: context.goroutine))
    }

    /// The details of a range event: its name and scope as the spec gives them.
    public var range: Range? {
        guard let range = KindTable.shared.ranges[Int(code)] else { return nil }
        let name: TraceString
        if range.pieces.count == 1, case .text(let text) = range.pieces[0] {
            name = TraceString(bytes: text)
        } else {
            name = TraceString(bytes: range.bytes { generation?.string(args[$0]) ?? [] })
        }
        let id: Int64 = switch range.spec.scope {
        case .none: 0
        case .proc: range.scopeArgument.map { Int64(bitPattern: args[$0]) } ?? context.proc
        case .goroutine: range.scopeArgument.map { Int64(bitPattern: args[$0]) } ?? context.goroutine
        }
        return Range(name: name, scope: ResourceID(kind: ResourceKind(range.spec.scope), raw: id))
    }

    /// The attributes a range end reports: for the end of a sweep, the bytes swept and reclaimed.
    public var rangeAttributes: [(name: String, value: UInt64)] {
        guard code == EventType.gcSweepEnd.rawValue else { return [] }
        return [(KindTable.sweepAttributeNames[0], args[0]), (KindTable.sweepAttributeNames[1], args[1])]
    }

    /// The details of a task begin or end.
    public var task: Task? {
        switch EventType(rawValue: code) {
        case .userTaskBegin:
            return Task(id: TaskID(rawValue: args[0]), parent: TaskID(raw: args[1]), type: text(args[2]))
        case .userTaskEnd:
            guard case .endedTask(let parent, let name) = note else {
                return Task(id: TaskID(rawValue: args[0]), parent: nil, type: "")
            }
            return Task(id: TaskID(rawValue: args[0]), parent: TaskID(raw: parent), type: TraceString(bytes: name))
        default:
            return nil
        }
    }

    /// The details of a region begin or end.
    public var region: Region? {
        guard kind == .regionBegin || kind == .regionEnd else { return nil }
        return Region(task: TaskID(rawValue: args[0]), type: text(args[1]))
    }

    /// The details of a log message.
    public var log: Log? {
        guard kind == .log else { return nil }
        return Log(task: TaskID(rawValue: args[0]), category: text(args[1]), message: text(args[2]))
    }

    /// The details of a state transition.
    @inline(__always)
    public var stateTransition: StateTransition? {
        guard kind == .stateTransition, let raw = rawTransition else { return nil }
        func state(_ value: UInt8) -> ResourceState {
            raw.isProc ? .proc(ProcState(rawValue: value) ?? .undetermined) : .goroutine(GoState(rawValue: value) ?? .undetermined)
        }
        return StateTransition(resource: ResourceID(kind: raw.isProc ? .proc : .goroutine, raw: raw.id),
                               from: state(raw.from), to: state(raw.to), reason: text(raw.reason ?? 0),
                               stack: raw.stack.map { Stack(id: $0, generation: generation) })
    }

    /// The details of a Sync event.
    public var sync: Sync? {
        guard code == syncEventCode else { return nil }
        var snapshot: ClockSnapshot?
        if let generation, let taken = generation.snapshot {
            snapshot = ClockSnapshot(trace: generation.nanoseconds(taken.time), mono: taken.mono,
                                     wallSeconds: Int64(bitPattern: taken.seconds),
                                     wallNanoseconds: Int64(bitPattern: taken.nanoseconds))
        }
        return Sync(n: Int(truncatingIfNeeded: args[0]), clockSnapshot: snapshot)
    }

    /// The details of an experimental event.
    public var experimental: Experimental? {
        guard kind == .experimental, let spec = EventType(rawValue: code)?.spec else { return nil }
        let names = Array(spec.args.dropFirst())
        let values = names.indices.map { index -> ExperimentalValue in
            names[index].hasSuffix("string") ? .string(text(args[index])) : .uint64(args[index])
        }
        return Experimental(name: spec.name, experiment: spec.experiment?.name ?? "", argNames: names, values: values)
    }

    private func text(_ id: UInt64) -> TraceString {
        TraceString(id: id, in: generation)
    }

    /// A state transition before its strings are looked up.
    struct RawTransition {
        var isProc: Bool
        var id: Int64
        var from: UInt8
        var to: UInt8
        /// The string ID of the reason, if the event has one.
        var reason: UInt64?
        /// The stack ID, if the transition carries a stack (possibly ID 0, which has no frames).
        var stack: UInt64?
    }

    /// The transition the spec states for the event's type, or its handler's for the types whose
    /// handler decides it.
    var rawTransition: RawTransition? {
        let row = row.pointer.pointee
        guard row.hasTransition else {
            guard case .handler(let handler) = KindTable.shared.rows[Int(code)].ordering.mode else { return nil }
            return handlerTransition(handler)
        }
        let id: Int64 = row.target == 0 ? (row.isProc ? context.proc : context.goroutine)
            : Int64(bitPattern: args[Int(row.target) - 1])
        var raw = RawTransition(isProc: row.isProc, id: id, from: row.from, to: row.to)
        if row.reason > 0 { raw.reason = args[Int(row.reason) - 1] }
        if row.stack == 0 {
            raw.stack = stackID
        } else if row.stack > 0 {
            raw.stack = args[Int(row.stack) - 1]
        }
        return raw
    }

    /// The raw value of a state of the spec, as the goroutine or proc state of that name.
    fileprivate static func stateValue(_ state: EventType.Ordering.State, isProc: Bool) -> UInt8 {
        isProc ? (ProcState(state) ?? .undetermined).rawValue : (GoState(state) ?? .undetermined).rawValue
    }

    /// The transitions that the events of a handler report, from what the handler noted while
    /// it ordered them.
    private func handlerTransition(_ handler: EventType.Ordering.Handler) -> RawTransition? {
        switch (handler, note) {
        case (.procStatus, .previousState(let before)):
            return RawTransition(isProc: true, id: Int64(bitPattern: args[0]), from: before,
                                 to: ProcState(wire: UInt8(truncatingIfNeeded: args[1])).rawValue)
        case (.procSteal, .stolenStatus(let status)):
            // A P seen only as abandoned in its system call was already reported idle.
            let before: ProcState = status == ProcStatus.syscallAbandoned.rawValue ? .idle : .running
            return RawTransition(isProc: true, id: Int64(bitPattern: args[0]), from: before.rawValue, to: ProcState.idle.rawValue)
        case (.goStatus, .previousState(let before)):
            var raw = RawTransition(isProc: false, id: Int64(bitPattern: args[0]), from: before,
                                    to: GoState(wire: UInt8(truncatingIfNeeded: args[2])).rawValue)
            raw.stack = stackID
            return raw
        default:
            return nil
        }
    }
}

/// What the accessors of ``ParsedEvent`` read per event byte, taken once from the spec's tables
/// (``KindTable``, ``TimedEventTable``) into plain memory: the kind, the first stack argument and
/// the state transition the spec states. Reading the spec's `Transition` per event (optionals
/// and enums with payloads) instead, `rawTransition` cost 88M instructions, this way 61M
/// (callgrind, printing thread of `gotrace parsed` on a 3.9 MB trace of 781k events).
///
/// Unchecked `Sendable`: the rows are filled in `init` and only read after.
struct AccessorTable: @unchecked Sendable {
    struct Row {
        var kind: EventKind = .experimental
        /// The spec's first stack position (1-based), or 0.
        var stackPosition: Int8 = 0
        /// Whether the spec states a transition for the type (if not, its handler may).
        var hasTransition = false
        var isProc = false
        /// Where the ID of the P or goroutine is: 0 for the current one, else its argument
        /// position (1-based).
        var target: Int8 = 0
        /// The states (`ProcState` or `GoState` raw values).
        var from: UInt8 = 0
        var to: UInt8 = 0
        /// The reason's argument position (1-based), or 0 for none.
        var reason: Int8 = 0
        /// The transition's stack: -1 for none, 0 for the event's own, else its argument position
        /// (1-based).
        var stack: Int8 = -1
    }

    /// 256 rows, indexed by event byte.
    let rows: UnsafeMutablePointer<Row>

    /// One row, as an event keeps it. Unchecked `Sendable`: rows are only read once made.
    struct RowPointer: @unchecked Sendable {
        let pointer: UnsafePointer<Row>
    }

    static let shared = AccessorTable()

    private init() {
        rows = .allocate(capacity: 256)
        rows.initialize(repeating: Row(), count: 256)
        let kinds = KindTable.shared
        let timed = TimedEventTable.shared
        for code in 0..<256 {
            var row = Row()
            row.kind = kinds.rows[code].kind ?? .experimental
            row.stackPosition = Int8(timed.firstStackPosition(UInt8(code)))
            if let transition = kinds.transitions[code] {
                let isProc = transition.resource == .proc
                row.hasTransition = true
                row.isProc = isProc
                switch transition.target {
                case .current: row.target = 0
                case .argument(let position): row.target = Int8(position)
                }
                row.from = ParsedEvent.stateValue(transition.from, isProc: isProc)
                row.to = ParsedEvent.stateValue(transition.to, isProc: isProc)
                row.reason = Int8(transition.reason ?? 0)
                switch transition.stack {
                case .event?: row.stack = 0
                case .argument(let position)?: row.stack = Int8(position)
                case nil: row.stack = -1
                }
            }
            rows[code] = row
        }
    }
}

/// What the ordering learned about an event that its wire arguments do not say.
enum OrderingNote: Sendable {
    case none
    /// The state (a `ProcState` or `GoState` raw value) in which a ProcStatus or GoStatus event
    /// found its P or goroutine.
    case previousState(UInt8)
    /// The wire status a stolen P had: in a system call, or abandoned in one.
    case stolenStatus(UInt8)
    /// A task end's parent and name, carried from the task's begin (empty when the begin was
    /// not seen).
    case endedTask(parent: UInt64, name: [UInt8])
}

extension ParsedEvent {
    /// A stack of an event, resolved on demand.
    public struct Stack: Sendable {
        let id: UInt64
        let generation: GenerationTables?

        /// One frame of a stack: the program counter, and the function, file and line the
        /// generation's frame table gives for it.
        public struct Frame: Hashable, Sendable {
            public var pc: UInt64
            public var function: TraceString
            public var file: TraceString
            public var line: UInt64
        }

        /// The frames, innermost first; a PC the generation has no frame for keeps its PC, with no
        /// function, file or line.
        public var frames: [Frame] { resolved(unknownPC: { $0 }) }

        /// The frames, with `unknownPC` deciding the PC of a frame the generation does not define.
        func resolved(unknownPC: (UInt64) -> UInt64) -> [Frame] {
            guard id != 0, let generation, let pcs = generation.stacks[id] else { return [] }
            return pcs.map { pc in
                let frame = generation.frames[pc] ?? FrameRecord(pc: unknownPC(pc), function: 0, file: 0, line: 0)
                return Frame(pc: frame.pc, function: TraceString(id: frame.function, in: generation),
                             file: TraceString(id: frame.file, in: generation), line: frame.line)
            }
        }
    }

    /// A metric event's sample: the metric's name, such as `/gc/heap/goal:bytes`, and its value.
    public struct Metric: Hashable, Sendable {
        public var name: String
        public var value: UInt64
    }

    /// A goroutine label event: the label given to the goroutine.
    public struct Label: Hashable, Sendable {
        public var label: TraceString
        public var resource: ResourceID
    }

    /// A range event: the range's name and the goroutine or P it applies to (``ResourceID/none``
    /// for a range of the whole program, such as a GC).
    public struct Range: Hashable, Sendable {
        public var name: TraceString
        public var scope: ResourceID
    }

    /// A user task's begin or end: its ID, its parent's and its type.
    public struct Task: Hashable, Sendable {
        public var id: TaskID
        /// The parent task; nil when the task has none or when its begin was not seen.
        public var parent: TaskID?
        public var type: TraceString
    }

    /// A user region's begin or end: the task it belongs to and its type.
    public struct Region: Hashable, Sendable {
        public var task: TaskID
        public var type: TraceString
    }

    /// A user log message: its task, category and text.
    public struct Log: Hashable, Sendable {
        public var task: TaskID
        public var category: TraceString
        public var message: TraceString
    }

    /// A change of state of one goroutine or P: which one, the state it left and the one it entered,
    /// and, where the trace gives them, why and where in the code.
    public struct StateTransition {
        /// The goroutine or P whose state changed.
        public var resource: ResourceID
        /// The state it left.
        public var from: ResourceState
        /// The state it entered.
        public var to: ResourceState
        /// Why, for a goroutine that stopped or blocked (`chan receive`, `sleep`, ...); empty otherwise.
        public var reason: TraceString
        /// Where the change happened, or for a new goroutine where it will start; nil when the trace
        /// gives no stack.
        public var stack: Stack?

        /// For a goroutine's transition, the states it left and entered.
        public var goroutineStates: (from: GoState, to: GoState)? {
            guard case .goroutine(let from) = from, case .goroutine(let to) = to else { return nil }
            return (from, to)
        }

        /// For a P's transition, the states it left and entered.
        public var procStates: (from: ProcState, to: ProcState)? {
            guard case .proc(let from) = from, case .proc(let to) = to else { return nil }
            return (from, to)
        }
    }

    /// A reading of the trace clock beside the monotonic and wall clocks, taken once per generation.
    public struct ClockSnapshot: Hashable, Sendable {
        /// The snapshot's time on the trace clock, in nanoseconds.
        public var trace: Int64
        /// The monotonic clock reading.
        public var mono: UInt64
        /// The wall clock reading, as Unix seconds and nanoseconds.
        public var wallSeconds: Int64
        public var wallNanoseconds: Int64
    }

    /// A Sync event, which opens each generation and closes the trace.
    public struct Sync: Hashable, Sendable {
        /// The Sync events counted from 1.
        public var n: Int
        public var clockSnapshot: ClockSnapshot?
    }

    /// One argument of an experimental event: a number, or a string the trace's table resolves.
    public enum ExperimentalValue: Hashable, Sendable {
        case uint64(UInt64)
        case string(TraceString)
    }

    /// An experimental event: its name, its experiment, and its arguments by name.
    public struct Experimental: Hashable, Sendable {
        public var name: String
        public var experiment: String
        public var argNames: [String]
        public var values: [ExperimentalValue]
    }
}

/// The state of a goroutine or of a P, as a state transition reports it.
public enum ResourceState: Hashable, Sendable, CustomStringConvertible {
    case goroutine(GoState)
    case proc(ProcState)

    /// The state's name as Go prints it, such as `Running`.
    public var description: String {
        switch self {
        case .goroutine(let state): state.description
        case .proc(let state): state.description
        }
    }
}

