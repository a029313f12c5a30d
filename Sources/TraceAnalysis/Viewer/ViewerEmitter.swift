import TraceParser

/// The stack frames of the viewer document: a prefix tree from the outermost frame in, where
/// an event's `sf` names the node of its innermost frame, as Go's trace viewer builds it. Only
/// frames that a written event reaches are written out.
final class ViewerFrames {
    private struct Child: Hashable {
        var parent: Int
        var pc: UInt64
    }

    private var children: [Child: Int] = [:]
    /// Indexed by frame ID; ID 0 is the root, which stands for "no stack".
    private var names: [String] = [""]
    private var parents: [Int] = [0]
    private var referenced: [Bool] = [false]
    /// The frame ID of every stack of the current generation seen so far. A stack is only
    /// meaningful within its generation, so the cache is emptied when the next one starts.
    private var cache: [ParsedEvent.Stack: Int] = [:]

    /// The ID of the innermost frame of a stack; 0 for no stack or an empty one.
    func id(of stack: ParsedEvent.Stack?) -> Int {
        guard let stack else { return 0 }
        if let id = cache[stack] { return id }
        var node = 0
        for frame in stack.goFrames.reversed() {
            let key = Child(parent: node, pc: frame.pc)
            if let existing = children[key] {
                node = existing
            } else {
                let id = names.count
                names.append("\(frame.function):\(frame.line)")
                parents.append(node)
                referenced.append(false)
                children[key] = id
                node = id
            }
        }
        cache[stack] = node
        return node
    }

    /// Forgets the stacks of the generation that just ended.
    func startGeneration() {
        cache.removeAll(keepingCapacity: true)
    }

    /// Marks a frame and its callers as written.
    func reference(_ id: Int) {
        var node = id
        while node != 0 && !referenced[node] {
            referenced[node] = true
            node = parents[node]
        }
    }

    /// A frame's name, `function:line`.
    func name(of id: Int) -> String { names[id] }

    /// The frame's caller; 0 for an outermost frame.
    func parent(of id: Int) -> Int { parents[id] }

    /// The written frames, for the `stackFrames` table.
    var referencedFrames: [(id: Int, name: String, parent: Int)] {
        referenced.indices.filter { referenced[$0] }.map { ($0, names[$0], parents[$0]) }
    }
}

/// Where the viewer draws a goroutine in the goroutine counter, as Go's trace viewer counts.
enum ViewerGoroutineState {
    case dead, runnable, running, waiting, waitingForGC
}

/// Go's trace viewer's special tracks, beside one track per proc, thread or goroutine.
enum ViewerTrack {
    static let timers: UInt64 = 1_000_001
    static let network: UInt64 = 1_000_002
    static let syscalls: UInt64 = 1_000_003
    static let gc: UInt64 = 1_000_004
}

/// Which file the viewer writes.
public enum ViewerFormat: Sendable {
    /// Catapult trace-event JSON, as Go's server answers `/jsontrace`.
    case json
    /// Perfetto's native trace: a stream of `TracePacket`s.
    case perfetto
}

/// One output format: it gets every event the emitter lets through, in the emitter's order,
/// and then the end of the document.
protocol ViewerSink: AnyObject {
    func write(_ event: ViewerEvent) throws
    func finish(frames: ViewerFrames) throws
}

/// Turns the generators' slices, instants, arrows and counter changes into viewer events, with
/// the filters of Go's emitter: a time window (for one goroutine's view) and a set of tracks.
final class ViewerEmitter {
    let frames: ViewerFrames
    private let writer: any ViewerSink
    /// The window, in nanoseconds since the trace start, that events must touch.
    var windowStart: Int64 = 0
    var windowEnd: Int64 = .max
    /// The tracks that may be drawn; nil for all.
    var tracks: Set<UInt64>?
    /// The `pid: 0` section's name: PROCS, OS THREADS or G.
    var resourceType = ""
    /// The track drawn first (a goroutine view's own goroutine); 0 for none.
    var focus: UInt64 = 0

    private var arrowSequence: UInt64 = 0
    /// Goroutines per counted state, now and when last written.
    private struct GoroutineCounts: Equatable {
        var dead: Int64 = 0
        var runnable: Int64 = 0
        var running: Int64 = 0
        var waiting: Int64 = 0
        var waitingForGC: Int64 = 0

        subscript(state: ViewerGoroutineState) -> Int64 {
            get {
                switch state {
                case .dead: dead
                case .runnable: runnable
                case .running: running
                case .waiting: waiting
                case .waitingForGC: waitingForGC
                }
            }
            set {
                switch state {
                case .dead: dead = newValue
                case .runnable: runnable = newValue
                case .running: running = newValue
                case .waiting: waiting = newValue
                case .waitingForGC: waitingForGC = newValue
                }
            }
        }
    }

    private var goroutineCounts = GoroutineCounts()
    private var lastGoroutineCounts = GoroutineCounts()
    private var runningThreads: Int64 = 0
    private var lastRunningThreads: Int64 = 0
    private var heapAllocated: UInt64 = 0
    private var heapGoal: UInt64 = 0
    private var lastHeapAllocated: UInt64 = 0
    private var lastHeapGoal: UInt64 = 0
    private var resources: [UInt64: String] = [:]

    init(format: ViewerFormat, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        let frames = ViewerFrames()
        self.frames = frames
        switch format {
        case .json: writer = ViewerJSONWriter(sink: sink)
        case .perfetto: writer = ViewerPerfettoWriter(frames: frames, sink: sink)
        }
    }

    private func inWindow(_ time: Int64) -> Bool { windowStart <= time && time <= windowEnd }

    private func drawn(_ track: UInt64) -> Bool { tracks?.contains(track) ?? true }

    private func write(_ event: ViewerEvent) throws {
        frames.reference(event.stack)
        frames.reference(event.endStack)
        try writer.write(event)
    }

    func slice(_ name: String, start: Int64, duration: Int64, track: UInt64, stack: Int = 0, endStack: Int = 0,
               arguments: ViewerEvent.Arguments? = nil) throws {
        guard drawn(track), inWindow(start) || inWindow(start &+ duration) else { return }
        try write(ViewerEvent(name: name, phase: .slice, time: start, duration: duration, track: track,
                              stack: stack, endStack: endStack, arguments: arguments))
    }

    func instant(_ name: String, at time: Int64, track: UInt64, stack: Int = 0, category: String? = nil,
                 arguments: ViewerEvent.Arguments? = nil) throws {
        guard inWindow(time), drawn(track) else { return }
        try write(ViewerEvent(name: name, phase: .instant, scope: "t", time: time, track: track, stack: stack,
                              arguments: arguments, category: category))
    }

    /// A flow arrow from one track to another; both ends must fall in the window.
    func arrow(_ name: String, from start: Int64, track fromTrack: UInt64, stack: Int, to end: Int64, track toTrack: UInt64) throws {
        guard drawn(fromTrack), drawn(toTrack), inWindow(start), inWindow(end) else { return }
        arrowSequence += 1
        try write(ViewerEvent(name: name, phase: .flowStart, time: start, track: fromTrack, id: arrowSequence, stack: stack))
        try write(ViewerEvent(name: name, phase: .flowStep, time: end, track: toTrack, id: arrowSequence))
    }

    /// One goroutine moved between counted states; the counter is written when the counts changed.
    func goroutineTransition(at time: Int64, from: ViewerGoroutineState, to: ViewerGoroutineState) throws {
        goroutineCounts[from] -= 1
        goroutineCounts[to] += 1
        guard goroutineCounts != lastGoroutineCounts else { return }
        if inWindow(time) {
            // Go writes the counts unsigned, so a count below zero comes out as a huge number.
            try write(ViewerEvent(name: "Goroutines", phase: .counter, time: time, section: .statistics,
                                  arguments: .goroutineCounts(running: UInt64(bitPattern: goroutineCounts.running),
                                                              runnable: UInt64(bitPattern: goroutineCounts.runnable),
                                                              gcWaiting: UInt64(bitPattern: goroutineCounts.waitingForGC))))
        }
        lastGoroutineCounts = goroutineCounts
    }

    /// The running-thread count (Go approximates it by running procs) changed by `delta`.
    func runningThreads(at time: Int64, delta: Int64) throws {
        runningThreads += delta
        guard runningThreads != lastRunningThreads else { return }
        if inWindow(time) {
            try write(ViewerEvent(name: "Threads", phase: .counter, time: time, section: .statistics,
                                  arguments: .threadCounts(running: runningThreads, inSyscall: 0)))
        }
        lastRunningThreads = runningThreads
    }

    func heapAllocated(at time: Int64, _ bytes: UInt64) throws {
        heapAllocated = bytes
        try heapCounters(at: time)
    }

    func heapGoal(at time: Int64, _ bytes: UInt64) throws {
        // Go's viewer drops goals above 1 PiB, which a runtime bug once reported (golang/go #63864).
        heapGoal = bytes > 1 << 50 ? 0 : bytes
        try heapCounters(at: time)
    }

    private func heapCounters(at time: Int64) throws {
        guard heapAllocated != lastHeapAllocated || heapGoal != lastHeapGoal else { return }
        if inWindow(time) {
            let headroom = heapGoal > heapAllocated ? heapGoal - heapAllocated : 0
            try write(ViewerEvent(name: "Heap", phase: .counter, time: time, section: .statistics,
                                  arguments: .heap(allocated: heapAllocated, nextGC: headroom)))
        }
        lastHeapAllocated = heapAllocated
        lastHeapGoal = heapGoal
    }

    /// Names a track of the timelines section.
    func name(track: UInt64, _ name: String) {
        guard drawn(track) else { return }
        resources[track] = name
    }

    /// Writes the section and track names and sort orders, then the frame table.
    func finish() throws {
        try processMetadata(.statistics, "STATS", sortIndex: 0)
        try processMetadata(.timelines, resourceType, sortIndex: 2)
        try trackMetadata(ViewerTrack.gc, "GC", sortIndex: -6)
        try trackMetadata(ViewerTrack.network, "Network", sortIndex: -5)
        try trackMetadata(ViewerTrack.timers, "Timers", sortIndex: -4)
        try trackMetadata(ViewerTrack.syscalls, "Syscalls", sortIndex: -3)
        for (track, name) in resources.sorted(by: { $0.key < $1.key }) {
            try trackMetadata(track, name, sortIndex: focus != 0 && track == focus ? -2 : Int64(bitPattern: track))
        }
        try writer.finish(frames: frames)
    }

    private func processMetadata(_ section: ViewerEvent.Section, _ name: String, sortIndex: Int64) throws {
        try write(ViewerEvent(name: "process_name", phase: .metadata, section: section, arguments: .name(name)))
        try write(ViewerEvent(name: "process_sort_index", phase: .metadata, section: section, arguments: .sortIndex(sortIndex)))
    }

    private func trackMetadata(_ track: UInt64, _ name: String, sortIndex: Int64) throws {
        try write(ViewerEvent(name: "thread_name", phase: .metadata, track: track, arguments: .name(name)))
        try write(ViewerEvent(name: "thread_sort_index", phase: .metadata, track: track, arguments: .sortIndex(sortIndex)))
    }
}
