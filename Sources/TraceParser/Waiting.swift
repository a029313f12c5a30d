import TraceV2

/// The frontier's cursors whose next event was not ready, filed under what that event depends on,
/// so that the reader asks the ordering about one again only once something it depends on has
/// changed.
///
/// Go's reader asks about every waiting thread for every event it hands out; with thousands of
/// threads waiting that is quadratic. The answers do not change while the state they read stays
/// the same, so skipping those questions leaves every choice, and every error, as Go's.
///
/// What an event's rule reads, and what an event that happens may change, lie among the same
/// few things: the goroutine and the P of the thread's context, the goroutine or P its first
/// argument names, the thread itself (and, for a change, the threads its second and third
/// arguments name, which a GoStatus or ProcSteal touches), and for the GC events the GC's
/// sequence. A waiting cursor is filed under those its rule reads before answering "not yet"
/// (a GoStart, for one, reads only the goroutine it starts), and every event that happens wakes
/// the cursors filed under any of the things it may have changed; a wake-up can be needless,
/// but none is missed.
/// "No goroutine", "no P" and "no thread" in a context name no state (the rules either do not
/// look a state up for them or fail before waiting), so nothing is filed under them: most
/// waiting events have no goroutine, and every goroutine start would wake them all.
struct WaitingCursors {
    /// Per slot, the mark the cursor was filed under, or 0 when it is not waiting.
    private var marks: [UInt32] = []
    private var lastMark: UInt32 = 0
    /// How many cursors are waiting.
    private(set) var count = 0

    /// Filing lists, one per key: the first node of each list, by key, for goroutines, procs
    /// and threads.
    private var lists = [IntMap<Int32>(), IntMap<Int32>(), IntMap<Int32>()]
    private static let goroutines = 0, procs = 1, threads = 2
    private var gcList: Int32 = -1
    /// The nodes of every list. A node whose mark no longer matches its slot's is stale and
    /// skipped; when stale nodes pile up, everyone is woken and the lists start over.
    private var nodes: [(slot: Int32, mark: UInt32, next: Int32)] = []

    /// Calls `body` with the marks by slot (0 for a cursor that is not waiting).
    func withMarks<Result>(_ body: (UnsafeBufferPointer<UInt32>) -> Result) -> Result {
        marks.withUnsafeBufferPointer(body)
    }

    /// Whether the cursor in `slot` is known not to be ready.
    @inline(__always)
    func isWaiting(_ slot: Int) -> Bool {
        slot < marks.count && marks[slot] != 0
    }

    /// Files the cursor in `slot`, whose event was just found not ready in `context`.
    mutating func wait(_ slot: Int, type: UInt8, args: EventArgs, context: SchedContext, thread: RawThreadID) {
        if slot >= marks.count { marks += [UInt32](repeating: 0, count: slot + 1 - marks.count) }
        if nodes.count > 64 * (marks.count + 64) { wakeAll() }
        lastMark &+= 1
        if lastMark == 0 { lastMark = 1 }
        let mark = lastMark
        marks[slot] = mark
        count += 1
        let first = Int64(bitPattern: args[0])
        let goroutine = context.goroutine, proc = context.proc
        // The states each waiting rule reads before it answers "not yet"; a rule not listed is
        // filed under everything it could read.
        let plan = KindTable.shared.rows[Int(type)].ordering
        switch plan.mode {
        case .data:
            // A rule of the spec's data waits only on what its entry says decides readiness: a
            // context resource it must not hold yet (the thread's context), and the resources
            // whose sequence number or status it waits on (the thread's own, through its context,
            // or the one an argument names).
            let steps = KindTable.shared.steps + Int(plan.firstStep)
            var readsThread = plan.requirements.0 == .waitForNone || plan.requirements.1 == .waitForNone
                || plan.requirements.2 == .waitForNone
            for index in 0..<Int(plan.stepCount) where steps[index].decidesReadiness {
                let step = steps[index]
                let list = step.resource == .proc ? Self.procs : Self.goroutines
                if step.argument >= 0 {
                    file(slot, mark, list, Int64(bitPattern: args[Int(step.argument)]))
                } else {
                    let key = step.resource == .proc ? proc : goroutine
                    if key != -1 { file(slot, mark, list, key) }
                    readsThread = true
                }
            }
            if readsThread { fileThread(slot, mark, thread) }
        case .handler(.goSwitch):
            file(slot, mark, Self.goroutines, first)
            if goroutine != NoResource.goroutine && goroutine != first { file(slot, mark, Self.goroutines, goroutine) }
            fileThread(slot, mark, thread)
        case .handler(.procSteal):
            file(slot, mark, Self.procs, first)
        case .handler(.gcActive), .handler(.gcBegin), .handler(.gcEnd):
            nodes.append((Int32(slot), mark, gcList))
            gcList = Int32(nodes.count - 1)
        default:
            file(slot, mark, Self.goroutines, first)
            if goroutine != NoResource.goroutine && goroutine != first { file(slot, mark, Self.goroutines, goroutine) }
            file(slot, mark, Self.procs, first)
            if proc != NoResource.proc && proc != first { file(slot, mark, Self.procs, proc) }
            fileThread(slot, mark, thread)
            nodes.append((Int32(slot), mark, gcList))
            gcList = Int32(nodes.count - 1)
        }
    }

    /// Wakes the cursors filed under anything an event that has just happened may have changed.
    mutating func wake(type: UInt8, args: EventArgs, context: SchedContext, thread: RawThreadID) {
        let first = Int64(bitPattern: args[0])
        wake(Self.goroutines, first)
        if context.goroutine != NoResource.goroutine { wake(Self.goroutines, context.goroutine) }
        wake(Self.procs, first)
        if context.proc != NoResource.proc { wake(Self.procs, context.proc) }
        wakeThread(thread)
        wakeThread(Int64(bitPattern: args[1]))
        wakeThread(Int64(bitPattern: args[2]))
        if Self.isGC(type) {
            wakeList(gcList)
            gcList = -1
        }
    }

    /// Wakes every cursor and forgets the lists: at a generation's start, and when stale nodes
    /// pile up.
    mutating func wakeAll() {
        for slot in marks.indices { marks[slot] = 0 }
        count = 0
        lists = [IntMap(), IntMap(), IntMap()]
        gcList = -1
        nodes.removeAll(keepingCapacity: true)
    }

    private static func isGC(_ type: UInt8) -> Bool {
        switch KindTable.shared.rows[Int(type)].ordering.mode {
        case .handler(.gcActive), .handler(.gcBegin), .handler(.gcEnd): true
        default: false
        }
    }

    private mutating func file(_ slot: Int, _ mark: UInt32, _ kind: Int, _ key: Int64) {
        nodes.append((Int32(slot), mark, lists[kind][key] ?? -1))
        lists[kind][key] = Int32(nodes.count - 1)
    }

    @inline(__always)
    private mutating func wake(_ kind: Int, _ key: Int64) {
        guard let first = lists[kind][key] else { return }
        lists[kind][key] = nil
        wakeList(first)
    }

    private mutating func fileThread(_ slot: Int, _ mark: UInt32, _ thread: RawThreadID) {
        if thread != NoResource.thread { file(slot, mark, Self.threads, thread) }
    }

    @inline(__always)
    private mutating func wakeThread(_ thread: RawThreadID) {
        if thread != NoResource.thread { wake(Self.threads, thread) }
    }

    private mutating func wakeList(_ first: Int32) {
        var node = first
        while node >= 0 {
            let (slot, mark, next) = nodes[Int(node)]
            if marks[Int(slot)] == mark {
                marks[Int(slot)] = 0
                count -= 1
            }
            node = next
        }
        if count == 0 && nodes.count > 4096 { wakeAll() }
    }
}
