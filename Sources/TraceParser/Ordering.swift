import TraceV2

/// The goroutine, proc and thread an event happens on.
struct SchedContext: Equatable {
    var goroutine: GoID
    var proc: ProcID
    var thread: ThreadID
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

final class GoroutineRecord {
    @exclusivity(unchecked) var status: UInt8
    @exclusivity(unchecked) var sequence: Sequence
    @exclusivity(unchecked) var regions: [(task: UInt64, name: [UInt8])] = []
    @exclusivity(unchecked) var ranges = OpenRanges()

    init(status: UInt8, sequence: Sequence) {
        self.status = status
        self.sequence = sequence
    }
}

final class ProcRecord {
    @exclusivity(unchecked) var status: UInt8
    @exclusivity(unchecked) var sequence: Sequence
    @exclusivity(unchecked) var ranges = OpenRanges()

    init(status: UInt8, sequence: Sequence) {
        self.status = status
        self.sequence = sequence
    }
}

final class ThreadRecord {
    @exclusivity(unchecked) var goroutine: GoID
    @exclusivity(unchecked) var proc: ProcID

    init(goroutine: GoID, proc: ProcID) {
        self.goroutine = goroutine
        self.proc = proc
    }
}

/// What an event requires of its context.
private enum Need { case absent, any, present }

/// The ordering state machine: decides whether the next event of a thread can happen now, given
/// what is known of every goroutine, proc and thread, and queues the events it lets through.
///
/// An event whose partner has not happened yet (a start of a goroutine not yet made runnable,
/// say) is "not ready": the reader tries another thread first. An event that contradicts the
/// state is an error. The rules are those of Go 1.27's parser.
final class Ordering {
    let version: TraceVersion
    @exclusivity(unchecked) private(set) var goroutines = IntMap<GoroutineRecord>()
    @exclusivity(unchecked) private(set) var procs = IntMap<ProcRecord>()
    @exclusivity(unchecked) private(set) var threads = IntMap<ThreadRecord>()
    @exclusivity(unchecked) private var tasks: [TaskID: (name: [UInt8], parent: TaskID)] = [:]
    @exclusivity(unchecked) private(set) var gcSequence: UInt64 = 0
    enum GCState { case undetermined, notRunning, running }
    @exclusivity(unchecked) private(set) var gcState = GCState.undetermined
    @exclusivity(unchecked) private var firstGeneration: UInt64 = 0
    /// The context the last event given to ``advance(_:_:thread:)`` was judged in; the reader
    /// files waiting events by it (see ``WaitingCursors``).
    @exclusivity(unchecked) private(set) var lastContext = SchedContext(goroutine: NoResource.goroutine, proc: NoResource.proc,
                                                                        thread: NoResource.thread)

    /// Events let through, waiting to be handed out.
    @exclusivity(unchecked) private var queue: [Event] = []
    @exclusivity(unchecked) private var queueHead = 0

    init(version: TraceVersion) {
        self.version = version
    }

    /// The next queued event, if any.
    func next() -> Event? {
        guard queueHead < queue.count else { return nil }
        let event = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return event
    }

    /// The name Go's parser uses for an event type in a trace of this version.
    private func name(_ type: UInt8) -> String {
        KindTable.name(type, in: version)
    }

    private func push(_ base: BaseEvent, _ context: SchedContext, _ generation: Generation) {
        queue.append(Event(code: base.type, time: base.time, context: context, args: base.args,
                           generation: generation, offset: base.offset))
    }

    /// Makes an event the parser adds itself (the halves of a goroutine switch, say).
    private func pushMade(_ type: EventType, _ time: Int64, _ context: SchedContext, _ generation: Generation,
                          _ args: [UInt64] = [], offset: Int) {
        var values = EventArgs()
        for (index, value) in args.enumerated() { values[index] = value }
        queue.append(Event(code: type.rawValue, time: time, context: context, args: values,
                           generation: generation, offset: offset))
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

    /// The goroutine an event runs on; the trace is broken if the parser has never seen it.
    private func goroutine(of context: SchedContext, during type: UInt8) throws -> GoroutineRecord {
        guard let state = goroutines[context.goroutine] else {
            throw Failure.broken("event \(name(type)) for goroutine (\(context.goroutine)) that doesn't exist")
        }
        return state
    }

    /// The P an event runs on, which must already have a state.
    private func initializedProc(of context: SchedContext, during type: UInt8) throws -> ProcRecord {
        guard let proc = procs[context.proc] else {
            throw Failure.broken("uninitialized proc \(context.proc) found during \(name(type))")
        }
        return proc
    }

    /// The usual requirement of events a running goroutine emits: thread, proc and goroutine.
    private func checkUser(_ context: SchedContext) throws {
        try check(context, thread: .present, proc: .present, goroutine: .present)
    }

    /// Tries to let the event through. Returns false when it has to wait for another thread.
    func advance(_ event: inout BaseEvent, _ generation: Generation, thread: ThreadID) throws -> Bool {
        let gen = generation.number
        if firstGeneration == 0 { firstGeneration = gen }
        var current = SchedContext(goroutine: NoResource.goroutine, proc: NoResource.proc, thread: thread)
        var record: ThreadRecord?
        if thread != NoResource.thread {
            if let known = threads[thread] {
                record = known
            } else {
                let made = ThreadRecord(goroutine: NoResource.goroutine, proc: NoResource.proc)
                threads[thread] = made
                record = made
            }
            current.proc = record!.proc
            current.goroutine = record!.goroutine
        }
        lastContext = current
        let rule = KindTable.shared.rows[Int(event.type)].rule
        guard let (next, ready) = try apply(rule, &event, generation, gen, current) else {
            throw Failure.broken("bad event type found while ordering: \(event.type)")
        }
        if ready, let record {
            record.proc = next.proc
            record.goroutine = next.goroutine
        }
        return ready
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func apply(_ rule: OrderingRule, _ ev: inout BaseEvent, _ generation: Generation, _ gen: UInt64,
                       _ current: SchedContext) throws -> (SchedContext, Bool)? {
        var context = current
        let isFirst = gen == firstGeneration
        switch rule {
        case .none:
            return nil

        case .procStatus:
            let pid = ProcID(bitPattern: ev.args[0])
            let status = UInt8(truncatingIfNeeded: ev.args[1])
            guard status <= ProcStatus.syscallAbandoned.rawValue else {
                throw Failure.broken("invalid status for proc \(pid): \(status)")
            }
            var old = ProcState(wire: status)
            if let known = procs[pid] {
                if status == ProcStatus.syscallAbandoned.rawValue && known.status == ProcStatus.syscall.rawValue {
                    old = .running
                    ev.args[1] = UInt64(ProcStatus.syscall.rawValue)
                } else if status == ProcStatus.syscallAbandoned.rawValue && known.status == ProcStatus.syscallAbandoned.rawValue {
                    old = .idle
                    ev.args[1] = UInt64(ProcStatus.syscallAbandoned.rawValue)
                } else if known.status != status {
                    throw Failure.broken("inconsistent status for proc \(pid): old \(ProcStatus.displayName(forRawValue: UInt64(known.status))) vs. new \(ProcStatus.displayName(forRawValue: UInt64(status)))")
                }
                known.sequence = Sequence(generation: gen, value: 0)
            } else {
                procs[pid] = ProcRecord(status: status, sequence: Sequence(generation: gen, value: 0))
                old = isFirst ? .undetermined : .notExist
            }
            ev.args[2] = UInt64(old.rawValue)
            var next = context
            if status == ProcStatus.running.rawValue || status == ProcStatus.syscall.rawValue {
                next.proc = pid
            }
            if status == ProcStatus.syscallAbandoned.rawValue && old == .running {
                // The event belongs to the thread that had the proc in its system call.
                guard let (owner, ownerRecord) = threads.first(where: { $0.proc == pid }) else {
                    throw Failure.broken("failed to find sched context for proc \(pid) that's about to be stolen")
                }
                context = SchedContext(goroutine: ownerRecord.goroutine, proc: pid, thread: owner)
            }
            push(ev, context, generation)
            return (next, true)

        case .procStart:
            let pid = ProcID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let state = procs[pid], state.status == ProcStatus.idle.rawValue,
                  sequence.follows(state.sequence), context.proc == NoResource.proc else {
                return (context, false)
            }
            try check(context, thread: .present, proc: .absent, goroutine: .any)
            state.status = ProcStatus.running.rawValue
            state.sequence = sequence
            var next = context
            next.proc = pid
            push(ev, context, generation)
            return (next, true)

        case .procStop:
            guard let state = procs[context.proc] else {
                throw Failure.broken("event \(name(ev.type)) for proc (\(context.proc)) that doesn't exist")
            }
            guard state.status == ProcStatus.running.rawValue || state.status == ProcStatus.syscall.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for proc that's not Running or Syscall")
            }
            try check(context, thread: .present, proc: .present, goroutine: .any)
            state.status = ProcStatus.idle.rawValue
            var next = context
            next.proc = NoResource.proc
            push(ev, context, generation)
            return (next, true)

        case .procSteal:
            let pid = ProcID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let state = procs[pid],
                  state.status == ProcStatus.syscall.rawValue || state.status == ProcStatus.syscallAbandoned.rawValue,
                  sequence.follows(state.sequence) else {
                return (context, false)
            }
            try check(context, thread: .present, proc: .any, goroutine: .any)
            let oldStatus = state.status
            ev.args[3] = UInt64(oldStatus)
            state.status = ProcStatus.idle.rawValue
            state.sequence = sequence
            if oldStatus == ProcStatus.syscallAbandoned.rawValue {
                push(ev, context, generation)
                return (context, true)
            }
            let victim = ThreadID(bitPattern: ev.args[2])
            var next = context
            if victim == context.thread {
                if context.proc != pid {
                    throw Failure.broken("tried to self-steal proc \(pid) (thread \(victim)), but got proc \(context.proc) instead")
                }
                next.proc = NoResource.proc
                push(ev, context, generation)
                return (next, true)
            }
            guard let victimRecord = threads[victim] else {
                throw Failure.broken("stole proc from non-existent thread \(victim)")
            }
            if victimRecord.proc != pid {
                throw Failure.broken("tried to steal proc \(pid) from thread \(victim), but got proc \(victimRecord.proc) instead")
            }
            victimRecord.proc = NoResource.proc
            push(ev, context, generation)
            return (next, true)

        case .goStatus:
            let gid = GoID(bitPattern: ev.args[0])
            let onThread = ThreadID(bitPattern: ev.args[1])
            let status = UInt8(truncatingIfNeeded: ev.args[2])
            guard status <= GoStatus.waiting.rawValue else {
                throw Failure.broken("invalid status for goroutine \(gid): \(status)")
            }
            var old = GoState(wire: status)
            if let known = goroutines[gid] {
                if known.status != status {
                    throw Failure.broken("inconsistent status for goroutine \(gid): old \(GoStatus.displayName(forRawValue: UInt64(known.status))) vs. new \(GoStatus.displayName(forRawValue: UInt64(status)))")
                }
                known.sequence = Sequence(generation: gen, value: 0)
            } else if isFirst {
                goroutines[gid] = GoroutineRecord(status: status, sequence: Sequence(generation: gen, value: 0))
                old = .undetermined
            } else {
                throw Failure.broken("found goroutine status for new goroutine after the first generation: id=\(gid) status=\(GoStatus.displayName(forRawValue: UInt64(status)))")
            }
            ev.args[2] = UInt64(old.rawValue) << 32 | UInt64(status)
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
                    if let other = threads[onThread] {
                        if other.goroutine != gid {
                            throw Failure.broken("inconsistent thread for syscalling goroutine \(gid): thread has goroutine \(other.goroutine)")
                        }
                        context.goroutine = other.goroutine
                    } else {
                        threads[onThread] = ThreadRecord(goroutine: gid, proc: NoResource.proc)
                    }
                    context.thread = onThread
                }
            }
            push(ev, context, generation)
            return (next, true)

        case .goCreate:
            try check(context, thread: .present, proc: .present, goroutine: .any)
            if let creator = goroutines[context.goroutine], creator.status != GoStatus.running.rawValue {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            let gid = GoID(bitPattern: ev.args[0])
            if goroutines[gid] != nil {
                throw Failure.broken("tried to create goroutine (\(gid)) that already exists")
            }
            let status = ev.type == EventType.goCreateBlocked.rawValue ? GoStatus.waiting : GoStatus.runnable
            goroutines[gid] = GoroutineRecord(status: status.rawValue, sequence: Sequence(generation: gen, value: 0))
            push(ev, context, generation)
            return (context, true)

        case .goStopExec:
            try checkUser(context)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.running.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            var next = context
            switch EventType(rawValue: ev.type) {
            case .goDestroy: goroutines[context.goroutine] = nil
            case .goStop: state.status = GoStatus.runnable.rawValue
            default: state.status = GoStatus.waiting.rawValue
            }
            next.goroutine = NoResource.goroutine
            push(ev, context, generation)
            return (next, true)

        case .goStart:
            let gid = GoID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let state = goroutines[gid], state.status == GoStatus.runnable.rawValue,
                  sequence.follows(state.sequence) else {
                return (context, false)
            }
            try check(context, thread: .present, proc: .present, goroutine: .absent)
            state.status = GoStatus.running.rawValue
            state.sequence = sequence
            var next = context
            next.goroutine = gid
            push(ev, context, generation)
            return (next, true)

        case .goUnblock:
            let gid = GoID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let state = goroutines[gid], state.status == GoStatus.waiting.rawValue,
                  sequence.follows(state.sequence) else {
                return (context, false)
            }
            state.status = GoStatus.runnable.rawValue
            state.sequence = sequence
            push(ev, context, generation)
            return (context, true)

        case .goSwitch:
            try checkUser(context)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.running.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            let nextID = GoID(bitPattern: ev.args[0])
            let sequence = Sequence(generation: gen, value: ev.args[1])
            guard let target = goroutines[nextID], target.status == GoStatus.waiting.rawValue,
                  sequence.follows(target.sequence) else {
                return (context, false)
            }
            push(ev, context, generation)
            if ev.type == EventType.goSwitch.rawValue {
                state.status = GoStatus.waiting.rawValue
                pushMade(.goBlock, ev.time, context, generation, offset: ev.offset)
            } else {
                goroutines[context.goroutine] = nil
                pushMade(.goDestroy, ev.time, context, generation, offset: ev.offset)
            }
            target.status = GoStatus.running.rawValue
            target.sequence = sequence
            var next = context
            next.goroutine = nextID
            var starting = context
            starting.goroutine = NoResource.goroutine
            pushMade(.goStart, ev.time, starting, generation, [UInt64(bitPattern: nextID), ev.args[1]], offset: ev.offset)
            return (next, true)

        case .goSyscallBegin:
            try checkUser(context)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.running.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            state.status = GoStatus.syscall.rawValue
            let proc = try initializedProc(of: context, during: ev.type)
            proc.status = ProcStatus.syscall.rawValue
            let sequence = Sequence(generation: gen, value: ev.args[0])
            if !sequence.follows(proc.sequence) {
                throw Failure.broken("failed to advance \(name(ev.type)): can't make sequence: \(proc.sequence.value) (gen=\(proc.sequence.generation)) -> \(sequence.value) (gen=\(sequence.generation))")
            }
            proc.sequence = sequence
            push(ev, context, generation)
            return (context, true)

        case .goSyscallEnd:
            try checkUser(context)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.syscall.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            state.status = GoStatus.running.rawValue
            let proc = try initializedProc(of: context, during: ev.type)
            guard proc.status == ProcStatus.syscall.rawValue else {
                throw Failure.broken("expected proc \(context.proc) in state Syscall, but got \(ProcStatus.displayName(forRawValue: UInt64(proc.status))) instead")
            }
            proc.status = ProcStatus.running.rawValue
            push(ev, context, generation)
            return (context, true)

        case .goSyscallEndBlocked:
            if context.proc != NoResource.proc {
                let proc = try initializedProc(of: context, during: ev.type)
                // The proc must be stolen first.
                if proc.status == ProcStatus.syscall.rawValue { return (context, false) }
            }
            try check(context, thread: .present, proc: .any, goroutine: .present)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.syscall.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Running")
            }
            var next = context
            next.goroutine = NoResource.goroutine
            state.status = GoStatus.runnable.rawValue
            push(ev, context, generation)
            return (next, true)

        case .goCreateSyscall:
            try check(context, thread: .present, proc: .any, goroutine: .absent)
            let gid = GoID(bitPattern: ev.args[0])
            if goroutines[gid] != nil {
                throw Failure.broken("tried to create goroutine (\(gid)) in syscall that already exists")
            }
            goroutines[gid] = GoroutineRecord(status: GoStatus.syscall.rawValue, sequence: Sequence(generation: gen, value: 0))
            var next = context
            next.goroutine = gid
            push(ev, context, generation)
            return (next, true)

        case .goDestroySyscall:
            try check(context, thread: .present, proc: .any, goroutine: .present)
            let state = try goroutine(of: context, during: ev.type)
            guard state.status == GoStatus.syscall.rawValue else {
                throw Failure.broken("\(name(ev.type)) event for goroutine that's not Syscall")
            }
            goroutines[context.goroutine] = nil
            var next = context
            next.goroutine = NoResource.goroutine
            if context.proc != NoResource.proc {
                guard let proc = procs[context.proc] else {
                    throw Failure.broken("found invalid proc \(context.proc) during \(name(ev.type))")
                }
                guard proc.status == ProcStatus.syscall.rawValue else {
                    throw Failure.broken("proc \(context.proc) in unexpected state \(ProcStatus.displayName(forRawValue: UInt64(proc.status))) during \(name(ev.type))")
                }
                proc.status = ProcStatus.syscallAbandoned.rawValue
                next.proc = NoResource.proc
                // The proc leaves with the thread: record that as a steal by the thread itself.
                var steal = EventArgs()
                steal[0] = UInt64(bitPattern: context.proc)
                steal[3] = UInt64(ProcStatus.syscall.rawValue)
                queue.append(Event(code: EventType.procSteal.rawValue, time: ev.time, context: context, args: steal,
                                   generation: generation, offset: ev.offset))
            }
            push(ev, context, generation)
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
            push(ev, context, generation)
            return (context, true)

        case .userTaskEnd:
            let id = ev.args[0]
            if let task = tasks[id] {
                ev.args[2] = task.parent
                ev.args[3] = generation.extraStringID(task.name)
                tasks[id] = nil
            } else {
                ev.args[2] = NoResource.task
                ev.args[3] = generation.extraStringID([])
            }
            try checkUser(context)
            push(ev, context, generation)
            return (context, true)

        case .userRegionBegin, .userRegionEnd:
            try checkUser(context)
            let task = ev.args[0]
            let nameID = ev.args[1]
            guard generation.strings.contains(nameID) else {
                throw Failure.broken("invalid string ID \(nameID) for \(ev.type) event")
            }
            let regionName = generation.string(nameID)
            let isBegin = rule == .userRegionBegin
            guard let state = goroutines[context.goroutine] else {
                throw Failure.broken("encountered \(isBegin ? "EvUserRegionBegin" : "EvUserRegionEnd") without known state for current goroutine \(context.goroutine)")
            }
            if isBegin {
                state.regions.append((task, regionName))
            } else if let innermost = state.regions.last {
                guard innermost.task == task && innermost.name == regionName else {
                    throw Failure.broken("misuse of region in goroutine \(context.goroutine): region end {\(task) \(String(decoding: regionName, as: UTF8.self))} when the inner-most active region start event is {\(innermost.task) \(String(decoding: innermost.name, as: UTF8.self))}")
                }
                state.regions.removeLast()
            }
            push(ev, context, generation)
            return (context, true)

        case .gcActive:
            let sequence = ev.args[0]
            if isFirst {
                if gcState != .undetermined {
                    throw Failure.broken("GCActive in the first generation isn't first GC event")
                }
                gcSequence = sequence
                gcState = .running
                push(ev, context, generation)
                return (context, true)
            }
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState != .running { throw Failure.broken("encountered GCActive while GC was not in progress") }
            gcSequence = sequence
            try checkUser(context)
            push(ev, context, generation)
            return (context, true)

        case .gcBegin:
            let sequence = ev.args[0]
            if gcState == .undetermined {
                gcSequence = sequence
                gcState = .running
                push(ev, context, generation)
                return (context, true)
            }
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState == .running { throw Failure.broken("encountered GCBegin while GC was already in progress") }
            gcSequence = sequence
            gcState = .running
            try checkUser(context)
            push(ev, context, generation)
            return (context, true)

        case .gcEnd:
            let sequence = ev.args[0]
            if sequence != gcSequence &+ 1 { return (context, false) }
            if gcState == .notRunning { throw Failure.broken("encountered GCEnd when GC was not in progress") }
            if gcState == .undetermined { throw Failure.broken("encountered GCEnd when GC was in an undetermined state") }
            gcSequence = sequence
            gcState = .notRunning
            try checkUser(context)
            push(ev, context, generation)
            return (context, true)

        case .annotation:
            try checkUser(context)
            push(ev, context, generation)
            return (context, true)

        case .heapMetric:
            try check(context, thread: .present, proc: .present, goroutine: .any)
            push(ev, context, generation)
            return (context, true)

        case .allocFree:
            try check(context, thread: .present, proc: .any, goroutine: .any)
            push(ev, context, generation)
            return (context, true)

        case .gcSweepBegin:
            try check(context, thread: .present, proc: .present, goroutine: .any)
            guard let proc = procs[context.proc] else { throw Self.missingState(context.proc) }
            try proc.ranges.begin(OpenRange(type: rangeStart(of: ev.type), detail: 0))
            push(ev, context, generation)
            return (context, true)

        case .gcSweepActive:
            let pid = ProcID(bitPattern: ev.args[0])
            guard let proc = procs[pid] else {
                throw Failure.broken("encountered GCSweepActive for unknown proc \(pid)")
            }
            try proc.ranges.markActive(OpenRange(type: rangeStart(of: ev.type), detail: 0), firstGeneration: isFirst)
            push(ev, context, generation)
            return (context, true)

        case .gcSweepEnd:
            try check(context, thread: .present, proc: .present, goroutine: .any)
            guard let proc = procs[context.proc] else { throw Self.missingState(context.proc) }
            _ = try proc.ranges.end(ev.type)
            push(ev, context, generation)
            return (context, true)

        case .goRangeBegin:
            try checkUser(context)
            // A range whose name refers to a string (stop-the-world's reason) keeps it for its end.
            let detail = KindTable.shared.ranges[Int(ev.type)]?.firstStringArgument.map { ev.args[$0] } ?? 0
            guard let state = goroutines[context.goroutine] else {
                throw Failure.broken("encountered event of type \(ev.type) without known state for current goroutine \(context.goroutine)")
            }
            try state.ranges.begin(OpenRange(type: rangeStart(of: ev.type), detail: detail))
            push(ev, context, generation)
            return (context, true)

        case .goRangeActive:
            let gid = GoID(bitPattern: ev.args[0])
            guard let state = goroutines[gid] else {
                throw Failure.broken("uninitialized goroutine \(gid) found during \(name(ev.type))")
            }
            try state.ranges.markActive(OpenRange(type: rangeStart(of: ev.type), detail: 0), firstGeneration: isFirst)
            push(ev, context, generation)
            return (context, true)

        case .goRangeEnd:
            try checkUser(context)
            guard let state = goroutines[context.goroutine] else {
                throw Failure.broken("encountered event of type \(ev.type) without known state for current goroutine \(context.goroutine)")
            }
            let detail = try state.ranges.end(ev.type)
            if let argument = KindTable.shared.ranges[Int(ev.type)]?.firstStringArgument { ev.args[argument] = detail }
            push(ev, context, generation)
            return (context, true)
        }
    }

    /// Go's parser dereferences a missing proc here and crashes; report it instead.
    private static func missingState(_ proc: ProcID) -> Failure {
        .broken("runtime error: invalid memory address or nil pointer dereference (no state for proc \(proc))")
    }
}
