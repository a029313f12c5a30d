import TraceParser
import TraceV2

/// Which of Go's trace views to draw.
public enum ViewerMode: Equatable, Sendable {
    /// One track per proc (Go's default view).
    case proc
    /// One track per OS thread.
    case thread
    /// One track per goroutine, for one goroutine and those related to it (see ``ViewerFocus``).
    case goroutine
}

/// What a goroutine view needs to know before the pass that draws it: the goroutine, the
/// goroutines related to it, and the time window its life spans.
public struct ViewerFocus: Sendable {
    public var goroutine: GoroutineID
    public var related: Set<GoroutineID>
    /// Nanoseconds since the trace start.
    public var windowStart: Int64
    public var windowEnd: Int64
}

/// What the goroutine state handlers share: the emitter, the view, and the trace's clock.
final class ViewerContext {
    let emitter: ViewerEmitter
    let mode: ViewerMode
    /// The first event's time; viewer times count from it.
    var startTime: Int64 = 0
    /// The latest event's time; at the end, the time unfinished slices end at.
    var endTime: Int64 = 0

    init(emitter: ViewerEmitter, mode: ViewerMode) {
        self.emitter = emitter
        self.mode = mode
    }

    func elapsed(_ time: Int64) -> Int64 { time &- startTime }
}

/// Writes the trace-event JSON of Go 1.27.3's `go tool trace` views (`/jsontrace`), or the same
/// view as a Perfetto trace, in one pass over the ordered events: feed every event to ``add(_:)``, then call ``finish()``. Slices
/// are written as they end; what is kept between events is the open state (each goroutine's
/// current slice and ranges, each proc's ranges) and the stack frames already written.
public final class ViewerGenerator {
    private let context: ViewerContext
    private var emitter: ViewerEmitter { context.emitter }
    private let mode: ViewerMode
    private var goroutines: [RawGoID: ViewerGoroutine] = [:]
    private var seenEvent = false
    private var syncCount = 0
    /// The global ranges (GC) open now, by name.
    private var globalRanges: [String: (time: Int64, stack: Int)] = [:]
    private var globalRangeOrder: [String] = []
    /// The proc ranges (GC sweep) open now.
    private var procRanges: [ParsedEvent.Range: (time: Int64, stack: Int)] = [:]
    private var procRangeOrder: [ParsedEvent.Range] = []
    /// Proc view: the goroutine in a system call on each proc.
    private var inSyscall: [RawProcID: ViewerGoroutine] = [:]
    private var maxProc: RawProcID = 0
    /// Thread view: the threads seen.
    private var threads: Set<RawThreadID> = []
    private let focus: ViewerFocus?

    /// A generator that hands the document's bytes to `sink` as they are ready, in chunks; a
    /// chunk is only valid during the call.
    /// `focus` is required for ``ViewerMode/goroutine`` and ignored otherwise. Both formats draw
    /// the same events; `format` only decides how they are written.
    public init(mode: ViewerMode, focus: ViewerFocus? = nil, format: ViewerFormat = .json,
                sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.mode = mode
        self.focus = mode == .goroutine ? focus : nil
        let emitter = ViewerEmitter(format: format, sink: sink)
        if mode == .goroutine, let focus {
            emitter.windowStart = focus.windowStart
            emitter.windowEnd = focus.windowEnd
            emitter.tracks = Set(focus.related.map(\.rawValue))
        }
        context = ViewerContext(emitter: emitter, mode: mode)
    }

    public func add(_ event: ParsedEvent) throws {
        if !seenEvent {
            seenEvent = true
            context.startTime = event.time
        }
        context.endTime = event.time
        switch event.kind {
        case .sync:
            syncCount += 1
            emitter.frames.startGeneration()
        case .stackSample:
            try stackSample(event)
        case .rangeBegin, .rangeActive, .rangeEnd:
            guard let range = event.range else { return }
            switch range.scope.kind {
            case .goroutine: try goroutineRange(event, range)
            case .proc: if mode == .proc { try procRange(event, range) }
            case .none: try globalRange(event, range)
            case .thread: break
            }
        case .metric:
            try metric(event)
        case .label:
            if let label = event.label, label.resource.kind == .goroutine {
                try goroutine(label.resource.raw, for: "label").label = label.label.string
            }
        case .stateTransition:
            guard let transition = event.stateTransition else { return }
            switch transition.resource.kind {
            case .proc: try procTransition(event, transition)
            case .goroutine: try goroutineTransition(event, transition)
            default: break
            }
        case .log:
            try log(event)
        default:
            break
        }
    }

    /// Draws what is still open as ending at the last event, names the tracks, and closes
    /// the document. Goroutines, threads and ranges are visited in a fixed order, so the same
    /// trace always gives the same bytes.
    public func finish() throws {
        switch mode {
        case .proc:
            emitter.resourceType = "PROCS"
            try finishProcRanges()
            try finishGlobalRanges()
            for id in goroutines.keys.sorted() { try goroutines[id]!.finish(context) }
            for proc in 0...max(maxProc, 0) { emitter.name(track: UInt64(proc), "Proc \(proc)") }
        case .thread:
            emitter.resourceType = "OS THREADS"
            try finishGlobalRanges()
            for id in goroutines.keys.sorted() { try goroutines[id]!.finish(context) }
            for thread in threads.sorted() { emitter.name(track: UInt64(bitPattern: thread), "Thread \(thread)") }
        case .goroutine:
            emitter.resourceType = "G"
            try finishGlobalRanges()
            for (id, goroutine) in goroutines.sorted(by: { $0.key < $1.key }) {
                try goroutine.finish(context)
                emitter.name(track: UInt64(bitPattern: id), goroutine.name)
            }
            if let focus, focus.goroutine.raw != NoResource.goroutine { emitter.focus = focus.goroutine.rawValue }
        }
        try emitter.finish()
    }

    // MARK: The track an event belongs to

    /// The proc, thread or goroutine whose track an event of this view is drawn on.
    private func track(of event: ParsedEvent) -> Int64 {
        switch mode {
        case .proc: event.rawProc
        case .thread: event.rawThread
        case .goroutine: event.rawGoroutine
        }
    }

    private func goroutine(_ id: RawGoID, for what: String) throws -> ViewerGoroutine {
        guard let goroutine = goroutines[id] else {
            throw ViewerError(description: "a \(what) event for goroutine \(id) before any of its state transitions")
        }
        return goroutine
    }

    // MARK: Events not tied to a goroutine

    private func stackSample(_ event: ParsedEvent) throws {
        let track = track(of: event)
        guard track != -1 else { return }
        try emitter.instant("CPU profile sample", at: context.elapsed(event.time), track: UInt64(bitPattern: track),
                            stack: emitter.frames.id(of: event.stack))
    }

    private func log(_ event: ParsedEvent) throws {
        let track = track(of: event)
        guard track != -1, let log = event.log else { return }
        let name = log.category.isEmpty ? log.message.string : "[\(log.category)] \(log.message)"
        try emitter.instant(name, at: context.elapsed(event.time), track: UInt64(bitPattern: track),
                            stack: emitter.frames.id(of: event.stack), category: "user event")
    }

    private func metric(_ event: ParsedEvent) throws {
        guard let metric = event.metric else { return }
        switch metric.name {
        case "/memory/classes/heap/objects:bytes": try emitter.heapAllocated(at: context.elapsed(event.time), metric.value)
        case "/gc/heap/goal:bytes": try emitter.heapGoal(at: context.elapsed(event.time), metric.value)
        default: break
        }
    }

    /// GC phases: drawn on the GC track. Only ranges whose name mentions GC have a place.
    private func globalRange(_ event: ParsedEvent, _ range: ParsedEvent.Range) throws {
        let name = range.name.string
        switch event.kind {
        case .rangeBegin:
            openGlobalRange(name, (event.time, emitter.frames.id(of: event.stack)))
        case .rangeActive:
            // From the second generation on, an active range was already seen beginning.
            if syncCount < 2 { openGlobalRange(name, (context.startTime, emitter.frames.id(of: event.stack))) }
        default:
            let open = globalRanges[name] ?? (0, 0)
            if name.containsBytes("GC") {
                try emitter.slice(name, start: context.elapsed(open.time), duration: event.time &- open.time,
                                  track: ViewerTrack.gc, stack: open.stack, endStack: emitter.frames.id(of: event.stack))
            }
            globalRanges[name] = nil
            globalRangeOrder.removeAll { $0 == name }
        }
    }

    private func openGlobalRange(_ name: String, _ value: (time: Int64, stack: Int)) {
        if globalRanges.updateValue(value, forKey: name) == nil { globalRangeOrder.append(name) }
    }

    private func finishGlobalRanges() throws {
        for name in globalRangeOrder where name.containsBytes("GC") {
            guard let open = globalRanges[name] else { continue }
            try emitter.slice(name, start: context.elapsed(open.time), duration: context.endTime &- open.time,
                              track: ViewerTrack.gc, stack: open.stack)
        }
    }

    /// Proc view: ranges on a proc (GC sweep), drawn on its track.
    private func procRange(_ event: ParsedEvent, _ range: ParsedEvent.Range) throws {
        switch event.kind {
        case .rangeBegin:
            openProcRange(range, (event.time, emitter.frames.id(of: event.stack)))
        case .rangeActive:
            if syncCount < 2 { openProcRange(range, (context.startTime, emitter.frames.id(of: event.stack))) }
        default:
            let open = procRanges[range] ?? (0, 0)
            try emitter.slice(range.name.string, start: context.elapsed(open.time), duration: event.time &- open.time,
                              track: UInt64(bitPattern: range.scope.raw), stack: open.stack, endStack: emitter.frames.id(of: event.stack))
            procRanges[range] = nil
            procRangeOrder.removeAll { $0 == range }
        }
    }

    private func openProcRange(_ range: ParsedEvent.Range, _ value: (time: Int64, stack: Int)) {
        if procRanges.updateValue(value, forKey: range) == nil { procRangeOrder.append(range) }
    }

    private func finishProcRanges() throws {
        for range in procRangeOrder {
            guard let open = procRanges[range] else { continue }
            try emitter.slice(range.name.string, start: context.elapsed(open.time), duration: context.endTime &- open.time,
                              track: UInt64(bitPattern: range.scope.raw), stack: open.stack)
        }
    }

    // MARK: Goroutines

    private func goroutineRange(_ event: ParsedEvent, _ range: ParsedEvent.Range) throws {
        let g = try goroutine(range.scope.raw, for: "range")
        switch event.kind {
        case .rangeBegin: g.rangeBegin(at: event.time, range.name.string, stack: emitter.frames.id(of: event.stack))
        case .rangeActive: g.rangeActive(range.name.string)
        default: g.rangeEnd(at: event.time, range.name.string, stack: emitter.frames.id(of: event.stack))
        }
    }

    private func goroutineTransition(_ event: ParsedEvent, _ transition: ParsedEvent.StateTransition) throws {
        if mode == .thread, event.rawThread != NoResource.thread { threads.insert(event.rawThread) }
        guard let (from, to) = transition.goroutineStates else { return }
        let id = transition.resource.raw
        let g: ViewerGoroutine
        if let existing = goroutines[id] {
            g = existing
        } else {
            g = ViewerGoroutine(id: id)
            goroutines[id] = g
        }
        g.nameAfter(transition.stack)
        guard from != to else { return }
        let time = event.time
        let stack = emitter.frames.id(of: event.stack)
        let executing: (GoState) -> Bool = { $0 == .running || $0 == .syscall }
        // The view decides what counts as leaving and entering the track: the proc view follows
        // running on a proc; the thread and goroutine views also count system calls.
        let leaves = mode == .proc ? from == .running && !executing(to) : executing(from) && !executing(to)
        let enters = mode == .proc ? !executing(from) && to == .running : !executing(from) && executing(to)
        let ownTrack: Int64 = switch mode {
        case .proc: event.rawProc
        case .thread: event.rawThread
        case .goroutine: id
        }
        if leaves {
            if to == .waiting {
                try g.block(at: time, stack: stack, reason: transition.reason.string, context)
            } else {
                try g.stop(at: time, stack: stack, context)
            }
        }
        if enters {
            try g.start(at: from == .undetermined ? context.startTime : time, on: ownTrack, context)
        }
        if from == .waiting {
            try g.unblock(at: time, stack: stack, by: track(of: event), context)
        }
        if from == .notExist && to == .runnable {
            g.created(at: time, by: track(of: event), stack: stack)
        }
        switch mode {
        case .proc:
            if from == .syscall && to != .running {
                try g.blockedSyscallEnd(at: time, stack: stack, context)
            }
            if to == .syscall && event.rawProc != NoResource.proc {
                g.syscallBegin(at: from == .undetermined ? context.startTime : time, on: event.rawProc, stack: stack)
                inSyscall[event.rawProc] = g
            }
            // A proc still marked as in a system call here means the call returned without blocking.
            if from == .syscall, inSyscall[event.rawProc] != nil {
                g.syscallEnd(at: time, blocked: false)
                inSyscall[event.rawProc] = nil
            }
        case .thread:
            if from == .syscall { g.syscallEnd(at: time, blocked: to != .running) }
            if to == .syscall {
                g.syscallBegin(at: from == .undetermined ? context.startTime : time, on: event.rawThread, stack: stack)
            }
        case .goroutine:
            if from == .syscall && to != .running {
                g.syscallEnd(at: time, blocked: true)
                try g.blockedSyscallEnd(at: time, stack: stack, context)
            } else if from == .syscall {
                g.syscallEnd(at: time, blocked: false)
            }
            if to == .syscall {
                g.syscallBegin(at: from == .undetermined ? context.startTime : time, on: id, stack: stack)
            }
        }
        let assisting = g.isInMarkAssist
        try emitter.goroutineTransition(at: context.elapsed(time), from: Self.counted(from, assisting), to: Self.counted(to, assisting))
        // A goroutine that ended and left its track has nothing more to draw (goroutine IDs are
        // never reused), so memory follows the live goroutines. One that ended inside a system
        // call (the proc view keeps it on its proc) is still drawn at the end, and a goroutine
        // view still names its related goroutines.
        if to == .notExist && !g.isExecuting && !(focus?.related.contains(GoroutineID(signed: id)) ?? false) {
            goroutines[id] = nil
        }
    }

    private static func counted(_ state: GoState, _ inMarkAssist: Bool) -> ViewerGoroutineState {
        switch state {
        case .undetermined, .notExist: .dead
        case .runnable: .runnable
        case .running, .syscall: .running
        case .waiting: inMarkAssist ? .waitingForGC : .waiting
        }
    }

    // MARK: Procs

    private func procTransition(_ event: ParsedEvent, _ transition: ParsedEvent.StateTransition) throws {
        guard mode != .goroutine else { return }
        if mode == .thread, event.rawThread != NoResource.thread { threads.insert(event.rawThread) }
        let proc = transition.resource.raw
        if mode == .proc { maxProc = max(maxProc, proc) }
        guard let (from, to) = transition.procStates, from != to else { return }
        let stack = emitter.frames.id(of: event.stack)
        var name = ""
        var time: Int64 = 0
        if to == .running {
            time = from == .undetermined ? context.startTime : event.time
            name = "proc start"
            try emitter.runningThreads(at: context.elapsed(time), delta: 1)
        }
        if from == .running {
            time = event.time
            name = "proc stop"
            try emitter.runningThreads(at: context.elapsed(time), delta: -1)
            // Proc view: a proc that stops while its goroutine is in a system call shows that
            // the call blocked; the goroutine leaves the proc here.
            if mode == .proc, let g = inSyscall[proc] {
                g.syscallEnd(at: time, blocked: true)
                try g.stop(at: time, stack: stack, context)
                inSyscall[proc] = nil
            }
        }
        guard !name.isEmpty else { return }
        let track = mode == .proc ? UInt64(bitPattern: proc) : UInt64(bitPattern: event.rawThread)
        try emitter.instant(name, at: context.elapsed(time), track: track, stack: stack,
                            arguments: .schedulingContext(thread: UInt64(bitPattern: event.rawThread), proc: UInt64(bitPattern: proc)))
    }
}
