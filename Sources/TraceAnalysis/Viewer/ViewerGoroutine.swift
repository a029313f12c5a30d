import TraceParser

/// A trace the viewer cannot draw: Go's viewer stops with an internal error on it.
public struct ViewerError: Error, CustomStringConvertible {
    public var description: String
}

/// What the viewer keeps about one goroutine while the events stream past: its name, where it
/// runs now, the ranges it is in, and what will be drawn when it stops. Times are the trace's
/// nanoseconds; 0 means "not set", as in Go's viewer. Tracks are proc, thread or goroutine IDs
/// depending on the view, -1 for none.
final class ViewerGoroutine {
    private struct OpenRange {
        var start: Int64
        var stack: Int
    }

    private struct NamedRange {
        var name: String
        var range: OpenRange
    }

    private struct Cause {
        var time: Int64
        var name: String
        var track: UInt64
        var stack: Int
    }

    private struct FinishedRange {
        var name: String
        var start: Int64
        var end: Int64
        var startStack: Int
        var endStack: Int
        /// For a system call: whether it blocked.
        var blocked: Bool?
    }

    private var baseName: String
    private var named = false
    var label = ""
    /// The track it executes on now, or -1.
    private(set) var executing: Int64 = -1
    private var lastStopStack = 0
    /// The ranges it is in (GC mark assist, stop-the-world), by name, in the order they began.
    private var openRanges: [NamedRange] = []
    private var finishedRanges: [FinishedRange] = []
    private var runningSince: Int64 = 0
    private var syscallStart: Int64 = 0
    private var syscallStack = 0
    private var inSyscall = false
    private var blockReason = ""
    /// What let it run next, for the arrow drawn when it starts.
    private var cause: Cause?

    init(id: RawGoID) {
        baseName = "G\(id)"
    }

    var name: String { label.isEmpty ? baseName : "\(baseName) (\(label))" }

    /// Whether it occupies a track now.
    var isExecuting: Bool { executing != -1 }

    var isInMarkAssist: Bool { openRanges.contains { $0.name == "GC mark assist" } }

    /// Names it after the outermost function of the first stack seen with it.
    func nameAfter(_ stack: ParsedEvent.Stack?) {
        guard !named, let stack else { return }
        baseName += " " + (stack.goFrames.last?.function.string ?? "")
        named = true
    }

    private func setCause(_ time: Int64, _ name: String, track: UInt64, stack: Int) {
        cause = Cause(time: time, name: name, track: track, stack: stack)
    }

    func created(at time: Int64, by creator: Int64, stack: Int) {
        guard creator != -1 else { return }
        setCause(time, "go", track: UInt64(bitPattern: creator), stack: stack)
    }

    func start(at time: Int64, on track: Int64, _ view: ViewerContext) throws {
        for index in openRanges.indices { openRanges[index].range = OpenRange(start: time, stack: 0) }
        if let cause {
            try view.emitter.arrow(cause.name, from: view.elapsed(cause.time), track: cause.track, stack: cause.stack,
                                   to: view.elapsed(time), track: UInt64(bitPattern: track))
            self.cause = nil
        }
        executing = track
        runningSince = time
    }

    func syscallBegin(at time: Int64, on track: Int64, stack: Int) {
        syscallStart = time
        syscallStack = stack
        inSyscall = true
        if executing == -1 {
            executing = track
            runningSince = time
        }
    }

    /// Ends the system call's slice where the goroutine stops occupying its track.
    func syscallEnd(at time: Int64, blocked: Bool) {
        guard inSyscall else { return }
        finishedRanges.append(FinishedRange(name: "syscall", start: syscallStart, end: time, startStack: syscallStack,
                                            endStack: 0, blocked: blocked))
        inSyscall = false
        syscallStart = 0
        syscallStack = 0
    }

    /// A blocked system call returned: an instant on the Syscalls track, and the arrow's origin.
    func blockedSyscallEnd(at time: Int64, stack: Int, _ view: ViewerContext) throws {
        let name = "exit blocked syscall"
        setCause(time, name, track: ViewerTrack.syscalls, stack: stack)
        try view.emitter.instant(name, at: view.elapsed(time), track: ViewerTrack.syscalls, stack: stack)
    }

    func unblock(at time: Int64, stack: Int, by track: Int64, _ view: ViewerContext) throws {
        var name = "unblock"
        var causeTrack = UInt64(bitPattern: track)
        if !blockReason.isEmpty { name += " (\(blockReason))" }
        if blockReason.containsBytes("network") {
            // Outside the thread view, the track that saw the wakeup says little: the Network track does.
            if view.mode != .thread { causeTrack = ViewerTrack.network }
            try view.emitter.instant(name, at: view.elapsed(time), track: causeTrack, stack: stack)
        }
        blockReason = ""
        // Go's viewer draws no arrow from track 0 (proc 0, thread 0).
        if causeTrack != 0 { setCause(time, name, track: causeTrack, stack: stack) }
    }

    func block(at time: Int64, stack: Int, reason: String, _ view: ViewerContext) throws {
        blockReason = reason
        try stop(at: time, stack: stack, view)
    }

    /// Draws the execution slice that ends here, the ranges that finished during it and the
    /// parts of the ranges still open.
    func stop(at time: Int64, stack: Int, _ view: ViewerContext) throws {
        guard runningSince != 0, executing != -1 else {
            throw ViewerError(description: "goroutine \(baseName) stopped without running (the viewer's state is inconsistent)")
        }
        let track = UInt64(bitPattern: executing)
        try view.emitter.slice(name, start: view.elapsed(runningSince), duration: time - runningSince, track: track,
                               stack: lastStopStack, endStack: stack)
        for range in finishedRanges {
            try view.emitter.slice(range.name, start: view.elapsed(range.start), duration: range.end - range.start, track: track,
                                   stack: range.startStack, endStack: range.endStack, arguments: range.blocked.map { .blocked($0) })
        }
        finishedRanges.removeAll(keepingCapacity: true)
        for open in openRanges {
            guard open.range.start != 0 else {
                throw ViewerError(description: "goroutine \(baseName): range \(open.name) open without a start (the viewer's state is inconsistent)")
            }
            try view.emitter.slice(open.name, start: view.elapsed(open.range.start), duration: time - open.range.start, track: track,
                                   stack: open.range.stack)
        }
        for index in openRanges.indices { openRanges[index].range = OpenRange(start: 0, stack: 0) }
        runningSince = 0
        lastStopStack = stack
        executing = -1
    }

    /// At the end of the trace: draws what is still running as if it stopped then.
    func finish(_ view: ViewerContext) throws {
        guard executing != -1 else { return }
        syscallEnd(at: view.endTime, blocked: false)
        try stop(at: view.endTime, stack: 0, view)
    }

    func rangeBegin(at time: Int64, _ name: String, stack: Int) {
        setOpenRange(name, OpenRange(start: executing != -1 ? time : 0, stack: stack))
    }

    func rangeActive(_ name: String) {
        setOpenRange(name, OpenRange(start: executing != -1 ? runningSince : 0, stack: 0))
    }

    func rangeEnd(at time: Int64, _ name: String, stack: Int) {
        let index = openRanges.firstIndex { $0.name == name }
        if executing != -1 {
            let open = index.map { openRanges[$0].range } ?? OpenRange(start: 0, stack: 0)
            finishedRanges.append(FinishedRange(name: name, start: open.start, end: time, startStack: open.stack,
                                                endStack: stack, blocked: nil))
        }
        if let index { openRanges.remove(at: index) }
    }

    private func setOpenRange(_ name: String, _ range: OpenRange) {
        if let index = openRanges.firstIndex(where: { $0.name == name }) {
            openRanges[index].range = range
        } else {
            openRanges.append(NamedRange(name: name, range: range))
        }
    }
}

extension String {
    /// Whether `part` occurs in the string, compared byte by byte (much faster than the generic
    /// collection search, and the viewer's tests are plain ASCII words).
    func containsBytes(_ part: StaticString) -> Bool {
        var text = self
        return text.withUTF8 { haystack in
            part.withUTF8Buffer { needle in
                guard needle.count <= haystack.count else { return false }
                if needle.isEmpty { return true }
                for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
                    var matched = 1
                    while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                return false
            }
        }
    }
}
