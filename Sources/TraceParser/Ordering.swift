import TraceV2

/// The goroutine, proc and thread an event happens on.
struct SchedContext: Equatable {
    var goroutine: RawGoID
    var proc: RawProcID
    var thread: RawThreadID
}

/// A sequence number within a generation; a new value follows an old one only within the same
/// generation and exactly one higher.
struct Sequence: Equatable {
    var generation: UInt64
    var value: UInt64

    func follows(_ other: Sequence) -> Bool {
        generation == other.generation && value == other.value &+ 1
    }
}

/// A range kept open on a goroutine or proc: the type of the event that opened it, and for
/// stop-the-world ranges the string ID of the reason.
struct OpenRange: Equatable, CustomStringConvertible {
    var type: UInt8
    var detail: UInt64

    /// Go prints these as `{type detail}`.
    var description: String { "{\(type) \(detail)}" }
}

/// The open ranges of one resource. Ending a range removes the first one of its kind by swapping
/// the last into its place, as Go does, so later error messages list them in Go's order.
struct OpenRanges {
    var open: [OpenRange] = []

    mutating func begin(_ range: OpenRange) throws {
        if open.contains(range) {
            throw Failure.broken("discovered event already in-flight for when starting event \(eventName(range.type))")
        }
        open.append(range)
    }

    mutating func markActive(_ range: OpenRange, firstGeneration: Bool) throws {
        if firstGeneration {
            if open.contains(range) {
                throw Failure.broken("found named active range already in first gen: \(range)")
            }
            open.append(range)
        } else if !open.contains(range) {
            throw Failure.broken("resource is missing active range: \(eventName(range.type)) [\(open.map(\.description).joined(separator: " "))]")
        }
    }

    mutating func end(_ type: UInt8) throws -> UInt64 {
        let start = rangeStart(of: type)
        guard let index = open.firstIndex(where: { $0.type == start }) else {
            throw Failure.broken("tried to end event \(eventName(start)), but not in-flight")
        }
        let detail = open[index].detail
        open.swapAt(index, open.count - 1)
        open.removeLast()
        return detail
    }
}

/// The type whose event opens the range `type` belongs to (the spec's start event), or `type`.
func rangeStart(of type: UInt8) -> UInt8 {
    EventType(rawValue: type)?.spec.startEvent?.rawValue ?? type
}

/// A spec name for error messages; empty for bytes that name no event.
func eventName(_ type: UInt8) -> String {
    EventType(rawValue: type)?.name ?? ""
}

/// What the ordering keeps of a goroutine or a P: its status, its last sequence number, its
/// open ranges and, for a goroutine, its open user regions (innermost last).
///
/// A value kept inside its ``IntMap`` and changed there through a slot: as classes, the records
/// cost a retain and a release on every lookup, three or four per event.
struct ResourceRecord {
    var status: UInt8
    var sequence: Sequence
    var ranges = OpenRanges()
    var regions: [(task: UInt64, name: [UInt8])] = []

    init(status: UInt8, sequence: Sequence) {
        self.status = status
        self.sequence = sequence
    }
}

/// The goroutine and P a thread holds.
struct ThreadRecord {
    var goroutine: RawGoID
    var proc: RawProcID
}

/// The slots the first steps of one event found their records in, kept for the event's later
/// passes.
private struct FoundSlots {
    static let capacity = 4
    private var first: Int?
    private var second: Int?
    private var third: Int?
    private var fourth: Int?

    /// Beyond ``capacity`` nothing is kept and nil is read.
    subscript(index: Int) -> Int? {
        @inline(__always) get {
            switch index {
            case 0: first
            case 1: second
            case 2: third
            case 3: fourth
            default: nil
            }
        }
        @inline(__always) set {
            switch index {
            case 0: first = newValue
            case 1: second = newValue
            case 2: third = newValue
            case 3: fourth = newValue
            default: break
            }
        }
    }
}

/// What an event requires of its context.
private enum Need { case absent, any, present }

/// How the ordering treats one event type: its ``OrderingPlan`` compiled once per reader into
/// plain bytes, so that ordering an event reads no enum payloads. The context rules become bit
/// masks over what the thread holds (``Program/thread``, ``Program/proc``,
/// ``Program/goroutine``): the usual case is two comparisons, and only a failing check goes
/// through the requirements one by one, for Go's order and words.
private struct Program {
    static let thread: UInt8 = 1, proc: UInt8 = 2, goroutine: UInt8 = 4
    static let unordered: UInt8 = 0, data: UInt8 = 1, handler: UInt8 = 2

    var mode = Program.unordered
    /// The handler, for ``Program/handler`` mode.
    var handler = EventType.Ordering.Handler.procStatus
    /// What the event waits to be without.
    var waitsForNone: UInt8 = 0
    /// What the thread must hold, and what it must not.
    var mustHold: UInt8 = 0
    var mustNotHold: UInt8 = 0
    /// Whether the context is checked after the steps' checks (otherwise before).
    var checksContextLast = false
    /// A single step that creates, ends and skips nothing: ordered by ``Ordering/interpretOne``.
    var isSingle = false
    var firstStep: UInt16 = 0
    var stepCount: UInt8 = 0

    init() {}

    init(_ plan: OrderingPlan, steps: UnsafeMutablePointer<OrderingStep>) {
        switch plan.mode {
        case .unordered: return
        case .data: mode = Self.data
        case .handler(let handler):
            mode = Self.handler
            self.handler = handler
        }
        let requirements = [plan.requirements.0, plan.requirements.1, plan.requirements.2]
        for (bit, requirement) in zip([Self.thread, Self.proc, Self.goroutine], requirements) {
            switch requirement {
            case .must: mustHold |= bit
            case .may: break
            case .mustNot: mustNotHold |= bit
            case .waitForNone:
                mustNotHold |= bit
                waitsForNone |= bit
            }
        }
        checksContextLast = plan.checksContextLast
        firstStep = plan.firstStep
        stepCount = plan.stepCount
        if plan.stepCount == 1 {
            let step = steps[Int(plan.firstStep)]
            isSingle = !step.creates && !step.isOptional && step.outcome != -2
            // What ``Ordering/interpretOne`` reads with ``Ordering/argument(_:_:)`` lies within
            // the arguments.
            precondition(Int(step.argument) < EventArgs.capacity && Int(step.sequence) < EventArgs.capacity)
        }
    }

    /// What a context holds, as bits.
    @inline(__always)
    static func held(_ context: SchedContext) -> UInt8 {
        (context.thread != NoResource.thread ? thread : 0) | (context.proc != NoResource.proc ? proc : 0)
            | (context.goroutine != NoResource.goroutine ? goroutine : 0)
    }

    /// Whether a context with `held` satisfies the requirements.
    @inline(__always)
    func accepts(_ held: UInt8) -> Bool {
        held & mustHold == mustHold && held & mustNotHold == 0
    }
}

/// The ordering state machine: decides whether the next event of a thread can happen now, given
/// what is known of every goroutine, proc and thread, and writes the events it lets through to
/// ``output``.
///
/// An event whose partner has not happened yet (a start of a goroutine not yet made runnable,
/// say) is "not ready": the reader tries another thread first. An event that contradicts the
/// state is an error. The rules are those of Go 1.27's parser.
final class Ordering {
    let version: TraceVersion
    // Exclusivity unchecked on the properties marked below: checked (with the maps and thread
    // records, then marked `var`s, and the file's other properties, which measured nothing and go
    // unmarked), `gotrace parsed --decode-only` runs 46% more instructions (callgrind on a 2.7 MB
    // trace of Go 1.27.3: 1,754M against 1,205M; `parsed` 27%). The maps and the thread records
    // are now classes held in `let`s, which need no mark.
    let goroutines = IntMap<ResourceRecord>()
    let procs = IntMap<ResourceRecord>()
    /// Every thread seen, by ID: where its record is in ``threadRecords``. A thread's record is
    /// never removed, so the index a cursor keeps stays its thread's.
    private let threadIndex = IntMap<Int32>()
    /// The threads' records, changed in place (see ``PlainSlots``).
    private let threadRecords = PlainSlots<ThreadRecord>()
    /// The thread of each of ``threadRecords``.
    private(set) var threadIDs: [RawThreadID] = []
    private var tasks: [RawTaskID: (name: [UInt8], parent: RawTaskID)] = [:]
    private(set) var gcSequence: UInt64 = 0
    enum GCState { case undetermined, notRunning, running }
    private(set) var gcState = GCState.undetermined
    private var firstGeneration: UInt64 = 0
    /// The context the last event given to ``advance(_:_:thread:)`` was judged in; the reader
    /// files waiting events by it (see ``WaitingCursors``).
    @exclusivity(unchecked) private(set) var lastContext = SchedContext(goroutine: NoResource.goroutine, proc: NoResource.proc,
                                                                        thread: NoResource.thread)

    /// Where the events let through go (set by the engine for each run).
    // Exclusivity unchecked: checked, `gotrace parsed --no-parallel --decode-only` runs 8.7% more
    // instructions (callgrind on a 3.9 MB trace of Go 1.27.3: 868.9M against 799.4M).
    @exclusivity(unchecked) var output = OrderedRecords()

    /// ``KindTable``'s rows and steps, kept here: reading the shared table through its lazily
    /// made global costs a `swift_once` call per read, which was 1.5% of `parsed --decode-only`'s
    /// instructions.
    private let rows = KindTable.shared.rows
    private let steps = KindTable.shared.steps
    /// Every type's ``Program``, by event byte, made from ``rows`` when the reader starts: 256 of
    /// them, so any byte reads one without a bounds check.
    private let programs: UnsafeMutablePointer<Program>

    init(version: TraceVersion) {
        self.version = version
        programs = .allocate(capacity: 256)
        for type in 0..<256 { (programs + type).initialize(to: Program(rows[type].ordering, steps: steps)) }
        // What ``argument(_:_:)`` reads must lie within the arguments.
        precondition(Self.argumentsAreInOrder, "EventArgs no longer holds its arguments in order")
    }

    deinit {
        programs.deinitialize(count: 256)
        programs.deallocate()
    }

    /// The name Go's parser uses for an event type in a trace of this version.
    private func name(_ type: UInt8) -> String {
        KindTable.name(type, in: version)
    }

    @inline(__always)
    private func push(_ base: BaseEvent, _ context: SchedContext) {
        output.append(OrderedRecord(code: base.type, time: base.time, context: context, args: base.args, offset: base.offset))
    }

    private func push(_ base: BaseEvent, _ context: SchedContext, note: OrderingNote) {
        var record = OrderedRecord(code: base.type, time: base.time, context: context, args: base.args, offset: base.offset)
        switch note {
        case .none: break
        case .previousState(let state):
            record.noteCase = OrderedRecord.notePreviousState
            record.noteByte = state
        case .stolenStatus(let status):
            record.noteCase = OrderedRecord.noteStolenStatus
            record.noteByte = status
        case .endedTask(let parent, let name):
            record.noteCase = OrderedRecord.noteEndedTask
            record.noteParent = parent
            record.noteName = output.addName(name)
        }
        output.append(record)
    }

    /// Makes an event the parser adds itself (the halves of a goroutine switch, say).
    private func pushMade(_ type: EventType, _ time: Int64, _ context: SchedContext, _ args: [UInt64] = [], offset: Int) {
        var values = EventArgs()
        for (index, value) in args.enumerated() { values[index] = value }
        output.append(OrderedRecord(code: type.rawValue, time: time, context: context, args: values, offset: offset))
    }

    private func check(_ context: SchedContext, thread: Need, proc: Need, goroutine: Need) throws {
        if thread == .present && context.thread == NoResource.thread {
            throw Failure.broken("expected a thread but didn't have one")
        } else if thread == .absent && context.thread != NoResource.thread {
            throw Failure.broken("expected no thread but had one")
        }
        if proc == .present && context.proc == NoResource.proc {
            throw Failure.broken("expected a proc but didn't have one")
        } else if proc == .absent && context.proc != NoResource.proc {
            throw Failure.broken("expected no proc but had one")
        }
        if goroutine == .present && context.goroutine == NoResource.goroutine {
            throw Failure.broken("expected a goroutine but didn't have one")
        } else if goroutine == .absent && context.goroutine != NoResource.goroutine {
            throw Failure.broken("expected no goroutine but had one")
        }
    }

    /// The slot of the goroutine an event runs on; the trace is broken if the parser has never
    /// seen it.
    private func goroutine(of context: SchedContext, during type: UInt8) throws -> Int {
        guard let slot = goroutines.slot(for: context.goroutine) else {
            throw Failure.broken("event \(name(type)) for goroutine (\(context.goroutine)) that doesn't exist")
        }
        return slot
    }

    /// Where a thread's record is, made on first sight.
    private func threadSlot(_ thread: RawThreadID) -> Int {
        if let index = threadIndex[thread] { return Int(index) }
        threadIndex[thread] = Int32(threadRecords.count)
        threadIDs.append(thread)
        threadRecords.append(ThreadRecord(goroutine: NoResource.goroutine, proc: NoResource.proc))
        return threadRecords.count - 1
    }

    /// The record of the thread in `slot` (from ``threadSlot(_:)``), read or changed in place.
    private func threadRecord(at slot: Int) -> UnsafeMutablePointer<ThreadRecord> {
        precondition(slot >= 0 && slot < threadRecords.count)
        return threadRecords.base + slot
    }

    /// The thread with the smallest ID whose record satisfies `predicate`: the smallest, so the
    /// answer does not depend on the order threads were seen in.
    private func firstThread(where predicate: (ThreadRecord) -> Bool) -> (id: RawThreadID, record: ThreadRecord)? {
        var best: (id: RawThreadID, record: ThreadRecord)?
        for (index, record) in threadRecords.buffer.enumerated() where predicate(record) {
            if best.map({ threadIDs[index] < $0.id }) ?? true { best = (threadIDs[index], record) }
        }
        return best
    }

    /// Every thread's record, by ID.
    func sortedThreads() -> [(id: RawThreadID, record: ThreadRecord)] {
        zip(threadIDs, threadRecords.buffer).map { (id: $0, record: $1) }.sorted { $0.id < $1.id }
    }

    /// The usual requirement of events a running goroutine emits: thread, proc and goroutine.
    private func checkUser(_ context: SchedContext) throws {
        try check(context, thread: .present, proc: .present, goroutine: .present)
    }

    /// Tries to let the event through. Returns false when it has to wait for another thread.
    ///
    /// `known` is where the caller last found the thread's record, or -1: a cursor keeps it
    /// across its events, which saves a lookup per event.
    func advance(_ event: inout BaseEvent, _ generation: GenerationTables, thread: RawThreadID,
                 known: inout Int32) throws -> Bool {
        let gen = generation.number
        if firstGeneration == 0 { firstGeneration = gen }
        var current = SchedContext(goroutine: NoResource.goroutine, proc: NoResource.proc, thread: thread)
        var record: UnsafeMutablePointer<ThreadRecord>?
        if thread != NoResource.thread {
            if known < 0 { known = Int32(threadSlot(thread)) }
            let held = threadRecord(at: Int(known))
            current.proc = held.pointee.proc
            current.goroutine = held.pointee.goroutine
            record = held
        }
        lastContext = current
        // Read through a pointer where used, not copied out whole: copied, its fields and its
        // step's were loaded up front and kept on the stack. Thread 2 of `gotrace parsed
        // --decode-only` (callgrind, small.trace): 372.8M instructions copied, 346.7M so.
        let program = UnsafePointer(programs + Int(event.type))
        let next: SchedContext, ready: Bool
        if program.pointee.mode == Program.data {
            (next, ready) = program.pointee.isSingle ? try interpretOne(program, &event, generation, gen, current)
                : try interpret(program.pointee, &event, generation, gen, current)
            // The interpreter adds no threads, so the record is still where it was; writing it
            // unchanged costs less than comparing.
            if ready, let record {
                record.pointee.proc = next.proc
                record.pointee.goroutine = next.goroutine
            }
        } else if program.pointee.mode == Program.handler {
            (next, ready) = try handle(program.pointee.handler, &event, generation, gen, current)
            if ready && record != nil && next != current {
                // Found again: a handler may have added threads, moving the records.
                let held = threadRecord(at: Int(known))
                held.pointee.proc = next.proc
                held.pointee.goroutine = next.goroutine
            }
        } else {
            throw Failure.broken("bad event type found while ordering: \(event.type)")
        }
        return ready
    }

    // MARK: The interpreter of the spec's ordering data

    /// The argument at `index` (below ``EventArgs/capacity``), read from memory, as
    /// ``argumentsAreInOrder`` allows: through the subscript, each read was a jump table, up to
    /// three per event. Thread 2 of `gotrace parsed
    /// --decode-only` (callgrind, small.trace): 346.7M instructions so, 336.7M with this.
    @inline(__always)
    private static func argument(_ args: inout EventArgs, _ index: Int8) -> UInt64 {
        withUnsafeBytes(of: &args) { $0.load(fromByteOffset: Int(index) &* 8, as: UInt64.self) }
    }

    /// Whether ``EventArgs`` holds its arguments in order, eight bytes each, with nothing
    /// before them, as ``argument(_:_:)`` reads them.
    private static let argumentsAreInOrder: Bool = {
        var probe = EventArgs()
        for index in 0..<EventArgs.capacity { probe[index] = UInt64(index + 1) }
        return MemoryLayout<EventArgs>.size == EventArgs.capacity * 8 && withUnsafeBytes(of: &probe) { bytes in
            (0..<EventArgs.capacity).allSatisfy { bytes.load(fromByteOffset: $0 * 8, as: UInt64.self) == UInt64($0 + 1) }
        }
    }()

    /// The ID the step's resource has: the one its argument names, or the thread's current one.
    @inline(__always)
    private static func id(_ step: OrderingStep, _ ev: BaseEvent, _ context: SchedContext) -> Int64 {
        if step.argument >= 0 { return Int64(bitPattern: ev.args[Int(step.argument)]) }
        return step.resource == .proc ? context.proc : context.goroutine
    }

    /// Where the record of a goroutine or P is, if it has one.
    @inline(__always)
    private func slot(_ resource: EventType.Ordering.Resource, _ id: Int64) -> Int? {
        resource == .proc ? procs.slot(for: id) : goroutines.slot(for: id)
    }

    /// The status in a record's slot.
    @inline(__always)
    private func status(_ resource: EventType.Ordering.Resource, _ slot: Int) -> UInt8 {
        resource == .proc ? procs[slot: slot].status : goroutines[slot: slot].status
    }

    /// The last sequence number in a record's slot.
    @inline(__always)
    private func sequence(_ resource: EventType.Ordering.Resource, _ slot: Int) -> Sequence {
        resource == .proc ? procs[slot: slot].sequence : goroutines[slot: slot].sequence
    }

    /// Changes the record in a slot where it is.
    @inline(__always)
    private func change<Result>(_ resource: EventType.Ordering.Resource, _ slot: Int,
                                _ body: (inout ResourceRecord) throws -> Result) rethrows -> Result {
        resource == .proc ? try body(&procs[slot: slot]) : try body(&goroutines[slot: slot])
    }

    /// A copy of the record in a slot, for an error message.
    private func record(_ resource: EventType.Ordering.Resource, _ slot: Int?) -> ResourceRecord? {
        guard let slot else { return nil }
        return resource == .proc ? procs[slot: slot] : goroutines[slot: slot]
    }

    @inline(__always)
    private static func accepts(_ mask: UInt64, _ status: UInt8) -> Bool {
        mask == 0 || mask & (1 << UInt64(status & 63)) != 0
    }

    /// Checks the thread's context against the requirements, in Go's order: thread, P, goroutine.
    @inline(__always)
    private func check(_ context: SchedContext, _ program: Program) throws {
        if !program.accepts(Program.held(context)) { try reject(context, program) }
    }

    /// Throws the error of the first requirement, in Go's order, that the context fails.
    private func reject(_ context: SchedContext, _ program: Program) throws {
        func need(_ bit: UInt8) -> Need {
            program.mustHold & bit != 0 ? .present : program.mustNotHold & bit != 0 ? .absent : .any
        }
        try check(context, thread: need(Program.thread), proc: need(Program.proc), goroutine: need(Program.goroutine))
    }

    /// Orders an event whose ordering the spec states as data (`EventType.ordering`), as Go's
    /// generated handlers do: first what decides whether the event waits (a context resource it
    /// must not hold yet, a sequence number that must be the next one, a status to wait out),
    /// then the context, then each step's lookup and checks, then the changes, in the entry's order.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func interpret(_ plan: Program, _ ev: inout BaseEvent, _ generation: GenerationTables, _ gen: UInt64,
                           _ context: SchedContext) throws -> (SchedContext, Bool) {
        let steps = self.steps + Int(plan.firstStep)
        let count = Int(plan.stepCount)
        if plan.waitsForNone & Program.held(context) != 0 { return (context, false) }
        // Each step's record is looked up once and kept for the later passes, as long as no
        // step of this event has created or ended a record since.
        var found = FoundSlots()
        for index in 0..<count where steps[index].decidesReadiness {
            let step = steps[index]
            let id = Self.id(step, ev, context)
            if step.sequence >= 0 && step.sequenceWaits {
                let sequence = Sequence(generation: gen, value: ev.args[Int(step.sequence)])
                guard let slot = slot(step.resource, id), Self.accepts(step.from, status(step.resource, slot)),
                      sequence.follows(self.sequence(step.resource, slot)) else {
                    return (context, false)
                }
                found[index] = slot
            } else {
                if step.isOptional && id == -1 { continue }
                guard let slot = slot(step.resource, id) else {
                    throw failure(.unknown, plan, index, ev, id: id)
                }
                if step.waitWhile & (1 << UInt64(status(step.resource, slot) & 63)) != 0 { return (context, false) }
                found[index] = slot
            }
        }
        if !plan.checksContextLast { try check(context, plan) }
        for index in 0..<count where !steps[index].decidesReadiness {
            let step = steps[index]
            let id = Self.id(step, ev, context)
            let slot = slot(step.resource, id)
            found[index] = slot
            if step.creates {
                if slot != nil { throw failure(.exists, plan, index, ev, id: id) }
                continue
            }
            if step.isOptional {
                if let slot, !Self.accepts(step.from, status(step.resource, slot)) {
                    throw failure(.status, plan, index, ev, id: id, state: record(step.resource, slot))
                }
                continue
            }
            guard let slot else { throw failure(.unknown, plan, index, ev, id: id) }
            if !Self.accepts(step.from, status(step.resource, slot)) {
                throw failure(.status, plan, index, ev, id: id, state: record(step.resource, slot))
            }
            if step.sequence >= 0 {
                let got = Sequence(generation: gen, value: ev.args[Int(step.sequence)])
                if !got.follows(sequence(step.resource, slot)) {
                    throw failure(.sequence, plan, index, ev, id: id, state: record(step.resource, slot), got: got)
                }
            }
        }
        if plan.checksContextLast { try check(context, plan) }

        var next = context
        var tablesChanged = false
        for index in 0..<count where !steps[index].isOptional {
            let step = steps[index]
            let id = Self.id(step, ev, context)
            if step.creates {
                let made = ResourceRecord(status: UInt8(truncatingIfNeeded: max(step.outcome, 0)),
                                          sequence: Sequence(generation: gen, value: 0))
                if step.resource == .proc { procs[id] = made } else { goroutines[id] = made }
                tablesChanged = true
            } else if let slot = tablesChanged || index >= FoundSlots.capacity ? slot(step.resource, id) : found[index] {
                if step.outcome == -2 {
                    if step.range != 0 { try changeRange(step, pointer(step.resource, slot), &ev, gen) }
                    if step.resource == .proc { procs[id] = nil } else { goroutines[id] = nil }
                    tablesChanged = true
                } else {
                    change(step.resource, slot) { state in
                        if step.outcome >= 0 { state.status = UInt8(step.outcome) }
                        if step.sequence >= 0 { state.sequence = Sequence(generation: gen, value: ev.args[Int(step.sequence)]) }
                    }
                    if step.range != 0 { try changeRange(step, pointer(step.resource, slot), &ev, gen) }
                }
            }
            if step.binds >= 0 {
                let held = step.binds == 1 ? id : -1
                if step.resource == .proc { next.proc = held } else { next.goroutine = held }
            }
        }
        push(ev, context)
        return (next, true)
    }

    /// ``interpret(_:_:_:_:_:)`` for an event of one step that neither creates nor ends its
    /// resource, nor may name none, which is most events: the step's record is looked up once
    /// and the passes over the steps fold into one, in the same order of checks.
    @inline(__always)
    private func interpretOne(_ plan: UnsafePointer<Program>, _ ev: inout BaseEvent, _ generation: GenerationTables, _ gen: UInt64,
                              _ context: SchedContext) throws -> (SchedContext, Bool) {
        let held = Program.held(context)
        if plan.pointee.waitsForNone & held != 0 { return (context, false) }
        let step = UnsafePointer(steps + Int(plan.pointee.firstStep))
        let isProc = step.pointee.resource == .proc
        let id = step.pointee.argument >= 0 ? Int64(bitPattern: Self.argument(&ev.args, step.pointee.argument))
            : isProc ? context.proc : context.goroutine
        // The record is reached through a pointer: kept as a reference to its map, the map was
        // retained and released once per event (1.5M calls for 761K events, callgrind, thread 2
        // of `gotrace parsed --decode-only` on small.trace).
        let found = isProc ? procs.pointer(for: id) : goroutines.pointer(for: id)
        let state: UnsafeMutablePointer<ResourceRecord>
        if step.pointee.decidesReadiness {
            if step.pointee.sequence >= 0 && step.pointee.sequenceWaits {
                guard let known = found else { return (context, false) }
                state = known
                guard Self.accepts(step.pointee.from, state.pointee.status),
                      Sequence(generation: gen, value: Self.argument(&ev.args, step.pointee.sequence)).follows(state.pointee.sequence) else {
                    return (context, false)
                }
            } else {
                guard let known = found else { throw failure(.unknown, plan.pointee, 0, ev, id: id) }
                state = known
                if step.pointee.waitWhile & (1 << UInt64(state.pointee.status & 63)) != 0 { return (context, false) }
            }
            // The step has no later checks: where the context is checked makes no difference.
            if !plan.pointee.accepts(held) { try reject(context, plan.pointee) }
        } else {
            if !plan.pointee.checksContextLast { if !plan.pointee.accepts(held) { try reject(context, plan.pointee) } }
            guard let known = found else { throw failure(.unknown, plan.pointee, 0, ev, id: id) }
            state = known
            if !Self.accepts(step.pointee.from, state.pointee.status) {
                throw failure(.status, plan.pointee, 0, ev, id: id, state: state.pointee)
            }
            if step.pointee.sequence >= 0 {
                let got = Sequence(generation: gen, value: Self.argument(&ev.args, step.pointee.sequence))
                if !got.follows(state.pointee.sequence) {
                    throw failure(.sequence, plan.pointee, 0, ev, id: id, state: state.pointee, got: got)
                }
            }
            if plan.pointee.checksContextLast { if !plan.pointee.accepts(held) { try reject(context, plan.pointee) } }
        }
        if step.pointee.outcome >= 0 { state.pointee.status = UInt8(step.pointee.outcome) }
        if step.pointee.sequence >= 0 { state.pointee.sequence = Sequence(generation: gen, value: Self.argument(&ev.args, step.pointee.sequence)) }
        if step.pointee.range != 0 { try changeRange(step.pointee, state, &ev, gen) }
        var next = context
        if step.pointee.binds >= 0 {
            let held = step.pointee.binds == 1 ? id : -1
            if isProc { next.proc = held } else { next.goroutine = held }
        }
        push(ev, context)
        return (next, true)
    }

    /// Opens, confirms or closes the range a step names on the record in `slot`.
    private func changeRange(_ step: OrderingStep, _ state: UnsafeMutablePointer<ResourceRecord>, _ ev: inout BaseEvent,
                             _ gen: UInt64) throws {
        let type = ev.type
        switch step.range {
        case 1:
            // A range whose name refers to a string (stop-the-world's reason) keeps it for its end.
            let detail = KindTable.shared.ranges[Int(type)]?.firstStringArgument.map { ev.args[$0] } ?? 0
            try state.pointee.ranges.begin(OpenRange(type: rangeStart(of: type), detail: detail))
        case 2:
            let isFirst = gen == firstGeneration
            try state.pointee.ranges.markActive(OpenRange(type: rangeStart(of: type), detail: 0), firstGeneration: isFirst)
        case 3:
            let detail = try state.pointee.ranges.end(type)
            if let argument = KindTable.shared.ranges[Int(type)]?.firstStringArgument { ev.args[argument] = detail }
        default: break
        }
    }

    /// Where the record in a slot is in memory.
    private func pointer(_ resource: EventType.Ordering.Resource, _ slot: Int) -> UnsafeMutablePointer<ResourceRecord> {
        resource == .proc ? procs.pointer(slot: slot) : goroutines.pointer(slot: slot)
    }

    /// The error of a failed check, from the spec's text for it with its placeholders filled.
    private func failure(_ message: EventType.Ordering.Message, _ plan: Program, _ index: Int, _ ev: BaseEvent,
                         id: Int64, state: ResourceRecord? = nil, got: Sequence? = nil) -> Failure {
        let step = KindTable.shared.steps[Int(plan.firstStep) + index]
        let template = KindTable.shared.stepMessages[Int(plan.firstStep) + index][message] ?? "\(message)"
        func display(_ status: UInt8) -> String {
            step.resource == .proc ? ProcStatus.displayName(forRawValue: UInt64(status))
                : GoStatus.displayName(forRawValue: UInt64(status))
        }
        var text = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            text += rest[..<open]
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "event": text += self.name(ev.type)
            case "type": text += String(ev.type)
            case "id": text += String(id)
            case "expected":
                text += (0..<64).filter { step.from & (1 << UInt64($0)) != 0 }.map { display(UInt8($0)) }.joined(separator: " or ")
            case "actual": text += state.map { display($0.status) } ?? ""
            case "have": text += state.map { "\($0.sequence.value) (gen=\($0.sequence.generation))" } ?? ""
            case "got": text += got.map { "\($0.value) (gen=\($0.generation))" } ?? ""
            default: text += "{\(name)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        return .broken(text)
    }

    // MARK: The named handlers (the spec's `handlers:`)

    /// Orders an event whose ordering is code: one case per handler the spec names.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func handle(_ handler: EventType.Ordering.Handler, _ ev: inout BaseEvent, _ generation: GenerationTables, _ gen: UInt64,
                        _ current: SchedContext) throws -> (SchedContext, Bool) {
        var context = current
        let isFirst = gen == firstGeneration
        switch handler {
        case .procStatus:
            let pid = RawProcID(bitPattern: ev.args[0])
            let status = UInt8(truncatingIfNeeded: ev.args[1])
            guard status <= ProcStatus.syscallAbandoned.rawValue else {
                throw Failure.broken("invalid status for proc \(pid): \(status)")
            }
            var old = ProcState(wire: status)
            if let known = procs.slot(for: pid) {
                let knownStatus = procs[slot: known].status
                if status == ProcStatus.syscallAbandoned.rawValue && knownStatus == ProcStatus.syscall.rawValue {
                    old = .running
                    ev.args[1] = UInt64(ProcStatus.syscall.rawValue)
                } else if status == ProcStatus.syscallAbandoned.rawValue && knownStatus == ProcStatus.syscallAbandoned.rawValue {
                    old = .idle
                    ev.args[1] = UInt64(ProcStatus.syscallAbandoned.rawValue)
                } else if knownStatus != status {
                    throw Failure.broken("inconsistent status for proc \(pid): old \(ProcStatus.displayName(forRawValue: UInt64(knownStatus))) vs. new \(ProcStatus.displayName(forRawValue: UInt64(status)))")
                }
                procs[slot: known].sequence = Sequence(generation: gen, value: 0)
            } else {
                procs[pid] = ResourceRecord(status: status, sequence: Sequence(generation: gen, value: 0))
                old = isFirst ? .undetermined : .notExist
            }
            var next = context
            if status == ProcStatus.running.rawValue || status == ProcStatus.syscall.rawValue {
                next.proc = pid
            }
            if status == ProcStatus.syscallAbandoned.rawValue && old == .running {
                // The event belongs to the thread that had the proc in its system call.
                guard let (owner, ownerRecord) = firstThread(where: { $0.proc == pid }) else {
                    throw Failure.broken("failed to find sched context for proc \(pid) that's about to be stolen")
                }
                context = SchedContext(goroutine: ownerRecord.goroutine, proc: pid, thread: owner)
            }
            push(ev, context, note: .previousState(old.rawValue))
            return (next, true)

        case .procSteal:
            let pid = RawProcID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let state = procs.slot(for: pid) else { return (context, false) }
            let oldStatus = procs[slot: state].status
            guard oldStatus == ProcStatus.syscall.rawValue || oldStatus == ProcStatus.syscallAbandoned.rawValue,
                  sequence.follows(procs[slot: state].sequence) else {
                return (context, false)
            }
            try check(context, thread: .present, proc: .any, goroutine: .any)
            let note = OrderingNote.stolenStatus(oldStatus)
            procs[slot: state].status = ProcStatus.idle.rawValue
            procs[slot: state].sequence = sequence
            if oldStatus == ProcStatus.syscallAbandoned.rawValue {
                push(ev, context, note: note)
                return (context, true)
            }
            let victim = RawThreadID(bitPattern: ev.args[2])
            var next = context
            if victim == context.thread {
                if context.proc != pid {
                    throw Failure.broken("tried to self-steal proc \(pid) (thread \(victim)), but got proc \(context.proc) instead")
                }
                next.proc = NoResource.proc
                push(ev, context, note: note)
                return (next, true)
            }
            guard let victimIndex = threadIndex[victim].map(Int.init) else {
                throw Failure.broken("stole proc from non-existent thread \(victim)")
            }
            let victimRecord = threadRecord(at: victimIndex)
            if victimRecord.pointee.proc != pid {
                throw Failure.broken("tried to steal proc \(pid) from thread \(victim), but got proc \(victimRecord.pointee.proc) instead")
            }
            victimRecord.pointee.proc = NoResource.proc
            push(ev, context, note: note)
            return (next, true)

        case .goStatus:
            let gid = RawGoID(bitPattern: ev.args[0])
            let onThread = RawThreadID(bitPattern: ev.args[1])
            let status = UInt8(truncatingIfNeeded: ev.args[2])
            guard status <= GoStatus.waiting.rawValue else {
                throw Failure.broken("invalid status for goroutine \(gid): \(status)")
            }
            var old = GoState(wire: status)
            if let known = goroutines.slot(for: gid) {
                let knownStatus = goroutines[slot: known].status
                if knownStatus != status {
                    throw Failure.broken("inconsistent status for goroutine \(gid): old \(GoStatus.displayName(forRawValue: UInt64(knownStatus))) vs. new \(GoStatus.displayName(forRawValue: UInt64(status)))")
                }
                goroutines[slot: known].sequence = Sequence(generation: gen, value: 0)
            } else if isFirst {
                goroutines[gid] = ResourceRecord(status: status, sequence: Sequence(generation: gen, value: 0))
                old = .undetermined
            } else {
                throw Failure.broken("found goroutine status for new goroutine after the first generation: id=\(gid) status=\(GoStatus.displayName(forRawValue: UInt64(status)))")
            }
            var next = context
            if status == GoStatus.running.rawValue {
                next.goroutine = gid
            } else if status == GoStatus.syscall.rawValue {
                if onThread == NoResource.thread {
                    throw Failure.broken("found goroutine \(gid) in syscall without a thread")
                }
                if onThread == context.thread {
                    if gen != firstGeneration && context.goroutine != gid {
                        throw Failure.broken("inconsistent thread for syscalling goroutine \(gid): thread has goroutine \(context.goroutine)")
                    }
                    next.goroutine = gid
                } else {
                    if let other = threadIndex[onThread].map(Int.init) {
                        let otherRecord = threadRecord(at: other)
                        if otherRecord.pointee.goroutine != gid {
                            throw Failure.broken("inconsistent thread for syscalling goroutine \(gid): thread has goroutine \(otherRecord.pointee.goroutine)")
                        }
                        context.goroutine = otherRecord.pointee.goroutine
                    } else {
                        threadRecord(at: threadSlot(onThread)).pointee.goroutine = gid
                    }
                    context.thread = onThread
                }
            }
            push(ev, context, note: .previousState(old.rawValue))
            return (next, true)

        case .goSwitch:
            try checkUser(context)
            let state = try goroutine(of: context, during: ev.type)
            guard goroutines[slot: state].status == GoStatus.running.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            let nextID = RawGoID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let target = goroutines.slot(for: nextID), goroutines[slot: target].status == GoStatus.waiting.rawValue,
                  sequence.follows(goroutines[slot: target].sequence) else {
                return (context, false)
            }
            push(ev, context)
            goroutines[slot: target].status = GoStatus.running.rawValue
            goroutines[slot: target].sequence = sequence
            if ev.type == EventType.goSwitch.rawValue {
                goroutines[slot: state].status = GoStatus.waiting.rawValue
                pushMade(.goBlock, ev.time, context, offset: ev.offset)
            } else {
                // Removal moves other records between slots: the target's was changed first.
                goroutines[context.goroutine] = nil
                pushMade(.goDestroy, ev.time, context, offset: ev.offset)
            }
            var next = context
            next.goroutine = nextID
            var starting = context
            starting.goroutine = NoResource.goroutine
            pushMade(.goStart, ev.time, starting, [UInt64(bitPattern: nextID), ev.args[1]], offset: ev.offset)
            return (next, true)

        case .goDestroySyscall:
            try check(context, thread: .present, proc: .any, goroutine: .present)
            let state = try goroutine(of: context, during: ev.type)
            guard goroutines[slot: state].status == GoStatus.syscall.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Syscall")
            }
            goroutines[context.goroutine] = nil
            var next = context
            next.goroutine = NoResource.goroutine
            if context.proc != NoResource.proc {
                guard let proc = procs.slot(for: context.proc) else {
                    throw Failure.broken("found invalid proc \(context.proc) during \(name(ev.type))")
                }
                guard procs[slot: proc].status == ProcStatus.syscall.rawValue else {
                    throw Failure.broken("proc \(context.proc) in unexpected state \(ProcStatus.displayName(forRawValue: UInt64(procs[slot: proc].status))) during \(name(ev.type))")
                }
                procs[slot: proc].status = ProcStatus.syscallAbandoned.rawValue
                next.proc = NoResource.proc
                // The proc leaves with the thread: record that as a steal by the thread itself.
                var steal = EventArgs()
                steal[0] = UInt64(bitPattern: context.proc)
                push(BaseEvent(type: EventType.procSteal.rawValue, time: ev.time, args: steal, offset: ev.offset), context,
                     note: .stolenStatus(ProcStatus.syscall.rawValue))
            }
            push(ev, context)
            return (next, true)

        case .userTaskBegin:
            let id = ev.args[0]
            if tasks[id] != nil { throw Failure.broken("task ID conflict: \(id)") }
            var parent = ev.args[1]
            if parent == NoResource.backgroundTask {
                parent = NoResource.task
                ev.args[1] = NoResource.task
            }
            let nameID = ev.args[2]
            guard generation.strings.contains(nameID) else {
                throw Failure.broken("invalid string ID \(nameID) for \(ev.type) event")
            }
            tasks[id] = (generation.string(nameID), parent)
            try checkUser(context)
            push(ev, context)
            return (context, true)

        case .userTaskEnd:
            let id = ev.args[0]
            let note: OrderingNote
            if let task = tasks[id] {
                note = .endedTask(parent: task.parent, name: task.name)
                tasks[id] = nil
            } else {
                note = .endedTask(parent: NoResource.task, name: [])
            }
            try checkUser(context)
            push(ev, context, note: note)
            return (context, true)

        case .userRegionBegin, .userRegionEnd:
            try checkUser(context)
            let task = ev.args[0]
            let nameID = ev.args[1]
            guard generation.strings.contains(nameID) else {
                throw Failure.broken("invalid string ID \(nameID) for \(ev.type) event")
            }
            let regionName = generation.string(nameID)
            let isBegin = handler == .userRegionBegin
            guard let state = goroutines.slot(for: context.goroutine) else {
                throw Failure.broken("encountered \(isBegin ? "EvUserRegionBegin" : "EvUserRegionEnd") without known state for current goroutine \(context.goroutine)")
            }
            if isBegin {
                goroutines[slot: state].regions.append((task, regionName))
            } else if let innermost = goroutines[slot: state].regions.last {
                guard innermost.task == task && innermost.name == regionName else {
                    throw Failure.broken("misuse of region in goroutine \(context.goroutine): region end {\(task) \(String(decoding: regionName, as: UTF8.self))} when the inner-most active region start event is {\(innermost.task) \(String(decoding: innermost.name, as: UTF8.self))}")
                }
                goroutines[slot: state].regions.removeLast()
            }
            push(ev, context)
            return (context, true)

        case .gcActive:
            let sequence = ev.args[0]
            if isFirst {
                if gcState != .undetermined {
                    throw Failure.broken("GCActive in the first generation isn't first GC event")
                }
                gcSequence = sequence
                gcState = .running
                push(ev, context)
                return (context, true)
            }
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState != .running { throw Failure.broken("encountered GCActive while GC was not in progress") }
            gcSequence = sequence
            try checkUser(context)
            push(ev, context)
            return (context, true)

        case .gcBegin:
            let sequence = ev.args[0]
            if gcState == .undetermined {
                gcSequence = sequence
                gcState = .running
                push(ev, context)
                return (context, true)
            }
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState == .running { throw Failure.broken("encountered GCBegin while GC was already in progress") }
            gcSequence = sequence
            gcState = .running
            try checkUser(context)
            push(ev, context)
            return (context, true)

        case .gcEnd:
            let sequence = ev.args[0]
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState == .notRunning { throw Failure.broken("encountered GCEnd when GC was not in progress") }
            if gcState == .undetermined { throw Failure.broken("encountered GCEnd when GC was in an undetermined state") }
            gcSequence = sequence
            gcState = .notRunning
            try checkUser(context)
            push(ev, context)
            return (context, true)

        }
    }

    /// Go's parser dereferences a missing proc here and crashes; report it instead.
    private static func missingState(_ proc: RawProcID) -> Failure {
        .broken("runtime error: invalid memory address or nil pointer dereference (no state for proc \(proc))")
    }
}
