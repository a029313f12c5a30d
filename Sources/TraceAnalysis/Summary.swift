import TraceParser
import TraceV2

/// Where a goroutine's time went, in nanoseconds. The fields follow Go's `GoroutineExecStats`
/// (internal/trace, Go 1.27.3); the arithmetic below reproduces what its Summarizer computes.
public struct ExecStats: Equatable, Sendable {
    public var execTime: Int64 = 0
    public var schedWaitTime: Int64 = 0
    public var blockTimeByReason: [String: Int64] = [:]
    public var syscallTime: Int64 = 0
    public var syscallBlockTime: Int64 = 0
    /// The goroutine's (or region's) whole lifetime in the trace.
    public var totalTime: Int64 = 0
    /// Time spent inside each named range (GC mark assist, stop-the-world, sweeping, ...).
    public var rangeTime: [String: Int64] = [:]

    public init() {}

    /// These statistics minus an earlier snapshot of them: the part accumulated in between.
    /// Only the names present here are kept, as in Go.
    func minus(_ earlier: ExecStats) -> ExecStats {
        var result = self
        result.execTime -= earlier.execTime
        result.schedWaitTime -= earlier.schedWaitTime
        for name in blockTimeByReason.keys { result.blockTimeByReason[name]! -= earlier.blockTimeByReason[name] ?? 0 }
        result.syscallTime -= earlier.syscallTime
        result.syscallBlockTime -= earlier.syscallBlockTime
        result.totalTime -= earlier.totalTime
        for name in rangeTime.keys { result.rangeTime[name]! -= earlier.rangeTime[name] ?? 0 }
        return result
    }
}

/// A user region (`trace.WithRegion`/`StartRegion`) on one goroutine.
public final class RegionSummary {
    public let taskID: TaskID
    public let name: String
    /// When it began: nil when the trace holds its end only.
    public internal(set) var startTime: Int64?
    /// When it ended: nil when it was still open at the end (or when its goroutine ended).
    public internal(set) var endTime: Int64?
    public internal(set) var stats = ExecStats()

    init(taskID: TaskID, name: String, startTime: Int64?) {
        self.taskID = taskID
        self.name = name
        self.startTime = startTime
    }
}

/// One goroutine's life in the trace.
public final class GoroutineSummary {
    public let id: GoroutineID
    /// The function of the outermost frame of the first stack seen for it (its entry function).
    public internal(set) var name = ""
    public internal(set) var pc: UInt64 = 0
    public internal(set) var creationTime: Int64 = 0
    /// First time it ran; 0 if never.
    public internal(set) var startTime: Int64 = 0
    /// When it ended; 0 if it did not end in the trace.
    public internal(set) var endTime: Int64 = 0
    public internal(set) var regions: [RegionSummary] = []
    public internal(set) var stats = ExecStats()

    // What is in progress; all cleared when the goroutine ends.
    var lastStart: Int64 = 0
    var lastRunnable: Int64 = 0
    var lastBlock: Int64 = 0
    var lastBlockReason = ""
    var lastSyscall: Int64 = 0
    var lastSyscallBlock: Int64 = 0
    var lastRangeStart: [String: Int64] = [:]
    var openRegions: [RegionSummary] = []
    /// Go drops the pending state object after the final pass; until then a snapshot may add
    /// the total time of a goroutine whose total is still zero.
    var finished = false

    init(id: RawGoID) { self.id = GoroutineID(signed: id) }

    /// The statistics as if everything in progress stopped at `now`.
    func snapshot(at now: Int64) -> ExecStats {
        var result = stats
        if finished { return result }
        if stats.totalTime == 0 { result.totalTime = now - creationTime }
        if lastStart != 0 { result.execTime += now - lastStart }
        if lastRunnable != 0 { result.schedWaitTime += now - lastRunnable }
        if lastBlock != 0 { result.blockTimeByReason[lastBlockReason, default: 0] += now - lastBlock }
        if lastSyscall != 0 { result.syscallTime += now - lastSyscall }
        // Go counts a syscall whose P was taken away as scheduler wait while it is in progress.
        if lastSyscallBlock != 0 { result.schedWaitTime += now - lastSyscallBlock }
        for (name, start) in lastRangeStart { result.rangeTime[name, default: 0] += now - start }
        return result
    }

    /// Closes the books at `now`; `endedAt` is the time of the event that ended the goroutine.
    func close(at now: Int64, endedAt: Int64?) {
        if let endedAt { endTime = endedAt }
        let final = snapshot(at: now)
        stats = final
        if !isSystemGoroutine(name) {
            for region in openRegions {
                region.endTime = endedAt
                region.stats = final.minus(region.stats)
                regions.append(region)
            }
        }
        lastStart = 0; lastRunnable = 0; lastBlock = 0; lastBlockReason = ""
        lastSyscall = 0; lastSyscallBlock = 0; lastRangeStart = [:]; openRegions = []
    }
}

/// A user task (`trace.NewTask`).
public final class TaskSummary {
    public let id: TaskID
    public internal(set) var name = ""
    /// The parent task; nil when unknown.
    public internal(set) var parent: TaskSummary?
    public internal(set) var children: [TaskSummary] = []
    public internal(set) var startTime: Int64?
    public internal(set) var endTime: Int64?
    public internal(set) var logCount = 0
    public internal(set) var regions: [RegionSummary] = []
    /// The goroutines that touched the task; the summary may be missing for a goroutine the
    /// trace never described.
    public internal(set) var goroutines: [GoroutineID: GoroutineSummary?] = [:]

    init(id: TaskID) { self.id = id }

    /// Both its beginning and its end are in the trace.
    public var isComplete: Bool { startTime != nil && endTime != nil }
}

/// The result: every goroutine and task, sorted by ID.
public struct TraceSummary {
    public var goroutines: [GoroutineSummary]
    public var tasks: [TaskSummary]
}

/// Go's rule for goroutines that belong to the runtime: no entry function, or one in package
/// runtime other than `runtime.main`.
public func isSystemGoroutine(_ entry: String) -> Bool {
    entry.isEmpty || (entry != "runtime.main" && entry.hasPrefix("runtime."))
}

/// Builds per-goroutine and per-task summaries from the ordered events, one event at a time,
/// as Go 1.27.3's `internal/trace.Summarizer` does.
public final class Summarizer {
    private var goroutines: [RawGoID: GoroutineSummary] = [:]
    private var tasks: [TaskID: TaskSummary] = [:]
    private var syscallingProc: [RawProcID: RawGoID] = [:]
    private var syscallingGoroutine: [RawGoID: RawProcID] = [:]
    private struct ProcRange: Hashable { var proc: RawProcID; var name: String }
    private var procRanges: [ProcRange: RawGoID] = [:]
    private var lastTime: Int64 = 0
    private var syncTime: Int64 = 0

    public init() {}

    public func add(_ event: ParsedEvent) {
        let now = event.time
        if syncTime == 0 { syncTime = now }
        lastTime = now
        switch event.kind {
        case .sync:
            syncTime = now
        case .stateTransition:
            guard let transition = event.stateTransition else { return }
            if let (from, to) = transition.goroutineStates {
                goroutineTransition(event, transition, from: from, to: to)
            } else if let (from, to) = transition.procStates, from != to, to == .idle {
                if let goroutine = syscallingProc.removeValue(forKey: transition.resource.raw) {
                    goroutines[goroutine]?.lastSyscallBlock = now
                }
            }
        case .rangeBegin, .rangeActive:
            guard let range = event.range else { return }
            let name = range.name.string
            var summary: GoroutineSummary?
            switch range.scope.kind {
            case .goroutine:
                summary = goroutines[range.scope.raw]
            case .proc:
                summary = goroutines[event.rawGoroutine]
                if summary != nil { procRanges[ProcRange(proc: range.scope.raw, name: name)] = event.rawGoroutine }
            default:
                break
            }
            guard let g = summary else { return }
            if event.kind == .rangeActive {
                if let start = g.lastRangeStart[name], start != 0 {
                    g.stats.rangeTime[name, default: 0] += syncTime - start
                }
                g.lastRangeStart[name] = syncTime
            } else {
                g.lastRangeStart[name] = now
            }
        case .rangeEnd:
            guard let range = event.range else { return }
            let name = range.name.string
            var summary: GoroutineSummary?
            switch range.scope.kind {
            case .goroutine:
                summary = goroutines[range.scope.raw]
            case .proc:
                let key = ProcRange(proc: range.scope.raw, name: name)
                if let owner = procRanges.removeValue(forKey: key), owner == event.rawGoroutine {
                    summary = goroutines[owner]
                }
            default:
                break
            }
            guard let g = summary, let start = g.lastRangeStart[name], start != 0 else { return }
            g.stats.rangeTime[name, default: 0] += now - start
            g.lastRangeStart[name] = nil
        case .regionBegin:
            guard let g = goroutines[event.rawGoroutine], let info = event.region else { return }
            let region = RegionSummary(taskID: info.task, name: info.type.string, startTime: now)
            region.stats = g.snapshot(at: now)
            g.openRegions.append(region)
            let task = task(info.task)
            task.regions.append(region)
            task.goroutines[g.id] = g
        case .regionEnd:
            guard let g = goroutines[event.rawGoroutine], let info = event.region else { return }
            let region: RegionSummary
            if let open = g.openRegions.popLast() {
                region = open
            } else {
                region = RegionSummary(taskID: info.task, name: info.type.string, startTime: nil)
                let task = task(info.task)
                task.goroutines[g.id] = g
                task.regions.append(region)
            }
            region.stats = g.snapshot(at: now).minus(region.stats)
            region.endTime = now
            g.regions.append(region)
        case .taskBegin, .taskEnd:
            guard let info = event.task else { return }
            let task = task(info.id)
            task.name = info.type.string
            task.goroutines[GoroutineID(signed: event.rawGoroutine)] = .some(goroutines[event.rawGoroutine])
            if event.kind == .taskBegin { task.startTime = now } else { task.endTime = now }
            if let parentID = info.parent, task.parent == nil {
                let parent = self.task(parentID)
                task.parent = parent
                parent.children.append(task)
            }
        case .log:
            guard let info = event.log else { return }
            let task = task(info.task)
            task.goroutines[GoroutineID(signed: event.rawGoroutine)] = .some(goroutines[event.rawGoroutine])
            task.logCount += 1
        default:
            break
        }
    }

    private func goroutineTransition(_ event: ParsedEvent, _ transition: ParsedEvent.StateTransition, from: GoState, to: GoState) {
        guard from != to else { return }
        let id = transition.resource.raw
        let now = event.time
        var found = goroutines[id]
        switch from {
        case .undetermined:
            // First seen at a generation boundary: its state since the last Sync is known.
            let g = GoroutineSummary(id: id)
            g.creationTime = syncTime
            let elapsed = now - syncTime
            switch to {
            case .running: g.stats.execTime += elapsed
            case .waiting: g.stats.blockTimeByReason[transition.reason.string, default: 0] += elapsed
            case .runnable: g.stats.schedWaitTime += elapsed
            case .syscall:
                if event.rawProc == NoResource.proc { g.stats.syscallBlockTime += elapsed } else { g.stats.syscallTime += elapsed }
            default: break
            }
            goroutines[id] = g
            found = g
        case .notExist:
            let g = GoroutineSummary(id: id)
            g.creationTime = now
            // A goroutine created inside a region is counted in that region's task.
            if let creator = goroutines[event.rawGoroutine], let innermost = creator.openRegions.last {
                g.openRegions = [RegionSummary(taskID: innermost.taskID, name: "", startTime: now)]
            }
            goroutines[id] = g
            found = g
        case .running:
            guard let g = found else { return }
            g.stats.execTime += now - g.lastStart
            g.lastStart = 0
        case .waiting:
            guard let g = found else { return }
            if g.lastBlock != 0 {
                g.stats.blockTimeByReason[g.lastBlockReason, default: 0] += now - g.lastBlock
                g.lastBlock = 0
            }
        case .runnable:
            guard let g = found else { return }
            if g.lastRunnable != 0 {
                g.stats.schedWaitTime += now - g.lastRunnable
                g.lastRunnable = 0
            }
        case .syscall:
            guard let g = found else { return }
            if g.lastSyscall != 0 {
                if g.lastSyscallBlock != 0 {
                    g.stats.syscallBlockTime += now - g.lastSyscallBlock
                    g.stats.syscallTime += g.lastSyscallBlock - g.lastSyscall
                } else {
                    g.stats.syscallTime += now - g.lastSyscall
                }
                g.lastSyscall = 0
                g.lastSyscallBlock = 0
                if let proc = syscallingGoroutine.removeValue(forKey: id) {
                    syscallingProc[proc] = nil
                } else {
                    // Go deletes the zero proc key when the goroutine has no entry.
                    syscallingProc[0] = nil
                }
            }
        }
        guard let g = found else { return }
        if g.name.isEmpty, let frames = transition.stack?.frames, let outermost = frames.last {
            g.pc = outermost.pc
            g.name = outermost.function.string
        }
        switch to {
        case .running:
            g.lastStart = now
            if g.startTime == 0 { g.startTime = now }
        case .runnable:
            g.lastRunnable = now
        case .waiting where transition.reason != "forever":
            g.lastBlock = now
            g.lastBlockReason = transition.reason.string
        case .waiting, .notExist:
            g.close(at: now, endedAt: now)
        case .syscall:
            syscallingProc[event.rawProc] = id
            syscallingGoroutine[id] = event.rawProc
            g.lastSyscall = now
        case .undetermined:
            break
        }
    }

    private func task(_ id: TaskID) -> TaskSummary {
        if let task = tasks[id] { return task }
        let task = TaskSummary(id: id)
        tasks[id] = task
        return task
    }

    /// Closes every goroutine at the last event's time and returns the summaries.
    public func finish() -> TraceSummary {
        for g in goroutines.values {
            g.close(at: lastTime, endedAt: nil)
            g.finished = true
            // Regions without a beginning first, then by start time (stable for equal ones).
            g.regions = g.regions.enumerated().sorted { a, b in
                switch (a.element.startTime, b.element.startTime) {
                case (nil, nil): return a.offset < b.offset
                case (nil, _): return true
                case (_, nil): return false
                case let (x?, y?): return x != y ? x < y : a.offset < b.offset
                }
            }.map(\.element)
        }
        return TraceSummary(goroutines: goroutines.values.sorted { $0.id.raw < $1.id.raw },
                            tasks: tasks.values.sorted { $0.id.rawValue < $1.id.rawValue })
    }
}
