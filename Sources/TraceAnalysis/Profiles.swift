import TraceParser

/// The four profiles of `go tool trace -pprof=TYPE`, with the choice of states Go 1.27.3 makes
/// (cmd/trace/pprof.go): time blocked on the network, blocked on synchronization (a block reason
/// naming a channel, sync or select), in system calls, and waiting to be scheduled.
public enum ProfileKind: String, CaseIterable, Sendable {
    case net, sync, syscall, sched

    var state: GoState {
        switch self {
        case .net, .sync: .waiting
        case .syscall: .syscall
        case .sched: .runnable
        }
    }

    func counts(_ reason: String) -> Bool {
        switch self {
        case .net: reason == "network"
        case .sync: reason.contains("chan") || reason.contains("sync") || reason.contains("select")
        case .syscall, .sched: true
        }
    }
}

/// One sample of a profile: a stack (innermost frame first), how many periods ended there and
/// their total time in nanoseconds.
public struct ProfileRecord: Sendable {
    public var frames: [StackFrame]
    public var count: UInt64
    public var nanoseconds: Int64
}

/// Collects the periods a goroutine spends in the profile's state, each charged to the stack of
/// the event that began it, and keeps the part of each period that falls within its goroutine's
/// life as Go's goroutine summary gives it (first start to end, or to the end of the trace).
public final class ProfileBuilder {
    /// Go keeps at most this many frames of a stack.
    static let maximumDepth = 128

    public let kind: ProfileKind
    private let summarizer = Summarizer()
    private var open: [GoID: Event] = [:]
    private var stackIndex: [[UInt64]: Int32] = [:]
    private var variantIndex: [[StackFrame]: Int32] = [:]
    private var variants: [(frames: [StackFrame], key: Int32)] = []
    private struct Period { var goroutine: GoID; var start: Int64; var end: Int64; var stack: Int32 }
    private var periods: [Period] = []
    private var lastTime: Int64 = 0

    public init(kind: ProfileKind) { self.kind = kind }

    public func add(_ event: Event) {
        summarizer.add(event)
        lastTime = event.time
        guard event.kind == .stateTransition, let transition = event.stateTransition,
              let (_, to) = transition.goroutineStates else { return }
        let id = transition.resource.id
        guard let start = open[id] else {
            if to == kind.state && kind.counts(transition.reason) { open[id] = event }
            return
        }
        if to == kind.state { return }
        open[id] = nil
        periods.append(Period(goroutine: id, start: start.time, end: event.time, stack: stack(of: start)))
    }

    /// Interns the event's stack as it will be printed (a "variant"), and its PC list, which is
    /// what Go merges samples by.
    private func stack(of event: Event) -> Int32 {
        let frames = Array((event.stack?.frames ?? []).prefix(Self.maximumDepth)).map { frame -> StackFrame in
            // A PC the trace gives no frame for: Go's lookup yields an empty frame, PC 0
            // included, where TraceParser keeps the PC.
            var frame = frame
            if frame.function.isEmpty && frame.file.isEmpty && frame.line == 0 { frame.pc = 0 }
            return frame
        }
        if let variant = variantIndex[frames] { return variant }
        // Go compares zero-padded arrays of 128 PCs, so trailing zeros do not count.
        var key = frames.map { $0.pc }
        while key.last == 0 { key.removeLast() }
        let keyIndex: Int32
        if let index = stackIndex[key] {
            keyIndex = index
        } else {
            keyIndex = Int32(stackIndex.count)
            stackIndex[key] = keyIndex
        }
        let variant = Int32(variants.count)
        variantIndex[frames] = variant
        variants.append((frames, keyIndex))
        return variant
    }

    /// The samples: one per distinct stack with a period that overlaps its goroutine's life.
    public func finish() -> [ProfileRecord] {
        let summary = summarizer.finish()
        var lives: [GoID: (start: Int64, end: Int64)] = [:]
        for g in summary.goroutines { lives[g.id] = (g.startTime, g.endTime == 0 ? lastTime : g.endTime) }
        var counts = [UInt64](repeating: 0, count: stackIndex.count)
        var times = [Int64](repeating: 0, count: stackIndex.count)
        // Go prints a merged sample with the frames of the last stack counted into it.
        var shown = [Int32](repeating: 0, count: stackIndex.count)
        for period in periods {
            guard let life = lives[period.goroutine], life.end >= period.start, period.end >= life.start else { continue }
            let overlap = min(life.end, period.end) - max(life.start, period.start)
            guard overlap > 0 else { continue }
            let key = Int(variants[Int(period.stack)].key)
            counts[key] += 1
            times[key] += overlap
            shown[key] = period.stack
        }
        return counts.indices.compactMap { index in
            counts[index] == 0 ? nil : ProfileRecord(frames: variants[Int(shown[index])].frames, count: counts[index], nanoseconds: times[index])
        }
    }
}
