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
    public var frames: [ParsedEvent.Stack.Frame]
    public var count: UInt64
    public var nanoseconds: Int64
}

/// Collects the periods a goroutine spends in the profile's state, each charged to the stack of
/// the event that began it, and keeps the part of each period that falls within its goroutine's
/// life as Go's goroutine summary gives it: from its first start to its end, or to the end of
/// the trace.
///
/// Go learns those lives from a whole first pass; this takes one pass and keeps no list of
/// periods. A period that ends after its goroutine started (and before it ended) lies wholly
/// inside the life, and one that ends before the first start lies wholly outside it, unless the
/// goroutine never starts at all, when its life begins at 0. So each period is added up at its
/// end, per goroutine and stack, in one of two sums, and the end of the trace picks which sums
/// count. Only periods that a trace out of the ordinary leaves open to doubt (one that ends
/// after its goroutine waited "forever") are kept until the end. A goroutine ID that is created
/// again starts a new summary in Go, whose life then applies to the old periods too; the sums
/// carry which creation they belong to for that.
public final class ProfileBuilder {
    /// Go keeps at most this many frames of a stack.
    static let maximumDepth = 128

    public let kind: ProfileKind

    /// The sample of each stack of the current generation; emptied at every Sync, so that no
    /// generation's tables are held past its end.
    @exclusivity(unchecked) private var stackSamples: [ParsedEvent.Stack: StackSample] = [:]
    private var noStackSample: StackSample?
    /// Go merges stacks whose first 128 PCs agree; a "variant" is a stack as it will be printed.
    private var keyIndex: [[UInt64]: Int32] = [:]
    private var variantIndex: [[ParsedEvent.Stack.Frame]: Int32] = [:]
    @exclusivity(unchecked) private var variants: [StackSample.Variant] = []

    @exclusivity(unchecked) private var goroutines: [RawGoID: GoroutineState] = [:]
    @exclusivity(unchecked) private var tallies: [TallyKey: Tally] = [:]
    @exclusivity(unchecked) private var doubtful: [Period] = []
    @exclusivity(unchecked) private var periodsEnded: Int64 = 0
    @exclusivity(unchecked) private var lastTime: Int64 = 0

    public init(kind: ProfileKind) { self.kind = kind }

    /// How many periods have ended, and how many of them are kept until the end of the trace.
    var periodCounts: (ended: Int64, kept: Int) { (periodsEnded, doubtful.count) }

    public func add(_ event: ParsedEvent) {
        lastTime = event.time
        switch event.kind {
        case .sync:
            stackSamples.removeAll(keepingCapacity: true)
        case .stateTransition:
            guard let transition = event.stateTransition, let (from, to) = transition.goroutineStates else { return }
            // The stack is looked up before it is known whether a period begins here; a period
            // already open in the state (a Sync's status event) makes that rare.
            let begins = to == kind.state && kind.counts(transition.reason.string) ? sample(of: event.stack) : -1
            let ended = goroutines[transition.resource.raw, default: GoroutineState()]
                .step(from: from, to: to, reason: transition.reason.string, time: event.time, state: kind.state, begins: begins)
            if let (start, variant, life) = ended {
                settle(Period(goroutine: transition.resource.raw, start: start, end: event.time, variant: variant, order: periodsEnded), life)
                periodsEnded += 1
            }
        default:
            return
        }
    }

    /// Adds up a period that just ended, or keeps it when its share is not yet certain.
    private func settle(_ period: Period, _ g: Life) {
        guard g.creations > 0, g.end == 0 else { return doubtful.append(period) }
        let part: Tally.Part
        if g.start != 0 && g.start <= period.start {
            part = .ifStarted
        } else if g.start == 0 || g.start >= period.end {
            part = .ifNeverStarted
        } else {
            return doubtful.append(period)
        }
        let duration = period.end - period.start
        guard duration > 0 else { return }
        let key = TallyKey(goroutine: period.goroutine, sample: variants[Int(period.variant)].key)
        tallies[key, default: Tally(creation: g.creations)].add(part, duration, period, creation: g.creations)
    }

    /// The sample of a stack, resolved to frames once per stack and generation.
    private func sample(of stack: ParsedEvent.Stack?) -> Int32 {
        guard let stack else {
            if let sample = noStackSample { return sample.variant }
            let sample = intern([])
            noStackSample = sample
            return sample.variant
        }
        if let sample = stackSamples[stack] { return sample.variant }
        let sample = intern(Array(stack.goFrames.prefix(Self.maximumDepth)))
        stackSamples[stack] = sample
        return sample.variant
    }

    private func intern(_ frames: [ParsedEvent.Stack.Frame]) -> StackSample {
        if let variant = variantIndex[frames] { return StackSample(variant: variant) }
        // Go compares zero-padded arrays of 128 PCs, so trailing zeros do not count.
        var pcs = frames.map(\.pc)
        while pcs.last == 0 { pcs.removeLast() }
        let key: Int32
        if let index = keyIndex[pcs] {
            key = index
        } else {
            key = Int32(keyIndex.count)
            keyIndex[pcs] = key
        }
        let variant = Int32(variants.count)
        variantIndex[frames] = variant
        variants.append(StackSample.Variant(frames: frames, key: key))
        return StackSample(variant: variant)
    }

    /// The samples: one per distinct stack with a period that overlaps its goroutine's life,
    /// shown with the frames of the last period counted into it, as Go shows them.
    public func finish() -> [ProfileRecord] {
        var samples = [Tally.Sum](repeating: Tally.Sum(), count: keyIndex.count)
        for (key, tally) in tallies {
            guard let g = goroutines[key.goroutine]?.life else { continue }
            var tally = tally
            tally.moveOn(to: g.creations)
            samples[Int(key.sample)].merge(tally.ifStarted)
            if g.start == 0 { samples[Int(key.sample)].merge(tally.ifNeverStarted) }
        }
        for period in doubtful {
            guard let g = goroutines[period.goroutine]?.life, g.creations > 0 else { continue }
            let end = g.end == 0 ? lastTime : g.end
            guard end >= period.start && period.end >= g.start else { continue }
            let overlap = min(end, period.end) - max(g.start, period.start)
            guard overlap > 0 else { continue }
            samples[Int(variants[Int(period.variant)].key)].merge(Tally.Sum(count: 1, nanoseconds: overlap, lastOrder: period.order, variant: period.variant))
        }
        return samples.compactMap { sum in
            sum.count == 0 ? nil : ProfileRecord(frames: variants[Int(sum.variant)].frames, count: sum.count, nanoseconds: sum.nanoseconds)
        }
    }
}

/// A stack's place among the samples.
private struct StackSample {
    struct Variant {
        var frames: [ParsedEvent.Stack.Frame]
        var key: Int32
    }

    var variant: Int32
}

/// A period in the profiled state: its goroutine, start and end, the printed stack it is charged
/// to, and its place in the order periods end.
private struct Period {
    var goroutine: RawGoID
    var start: Int64
    var end: Int64
    var variant: Int32
    var order: Int64
}

/// A goroutine's life as Go's Summarizer records it: start 0 until the first start, end 0 until
/// it ends or waits forever; counted in creations, because an ID created again gets a new
/// summary.
private struct Life {
    var creations: Int32 = 0
    var start: Int64 = 0
    var end: Int64 = 0
}

/// What the profile needs of one goroutine: its open period and its life.
private struct GoroutineState {
    var openSince: Int64 = 0
    /// The variant of the open period's stack, or -1 when none is open.
    var openSample: Int32 = -1
    var life = Life()

    /// Takes one transition: `state` is the profiled state, `begins` the variant of a period in
    /// it that the transition would begin, or -1. Returns the period it ends, with the life as it stood before.
    mutating func step(from: GoState, to: GoState, reason: String, time: Int64, state: GoState, begins: Int32)
        -> (start: Int64, variant: Int32, life: Life)? {
        var ended: (Int64, Int32, Life)?
        if openSample < 0 {
            if begins >= 0 {
                openSince = time
                openSample = begins
            }
        } else if to != state {
            ended = (openSince, openSample, life)
            openSample = -1
        }
        guard from != to else { return ended }
        if from == .undetermined || from == .notExist {
            life = Life(creations: life.creations + 1)
        }
        guard life.creations > 0 else { return ended }
        switch to {
        case .running:
            if life.start == 0 { life.start = time }
        case .notExist:
            life.end = time
        case .waiting:
            if reason == "forever" { life.end = time }
        default:
            break
        }
        return ended
    }
}

private struct TallyKey: Hashable {
    var goroutine: RawGoID
    var sample: Int32
}

/// The periods of one goroutine and sample, in two sums: those after its first start, which
/// count if that creation is its last; and those before it, which count if its last creation
/// never starts.
private struct Tally {
    enum Part { case ifStarted, ifNeverStarted }

    struct Sum {
        var count: UInt64 = 0
        var nanoseconds: Int64 = 0
        var lastOrder: Int64 = -1
        var variant: Int32 = 0

        mutating func merge(_ other: Sum) {
            count += other.count
            nanoseconds += other.nanoseconds
            if other.lastOrder > lastOrder {
                lastOrder = other.lastOrder
                variant = other.variant
            }
        }
    }

    var creation: Int32
    var ifStarted = Sum()
    var ifNeverStarted = Sum()

    /// After the goroutine's ID is created again, the periods of the earlier creation lie before
    /// any start of the new one.
    mutating func moveOn(to creation: Int32) {
        guard creation != self.creation else { return }
        ifNeverStarted.merge(ifStarted)
        ifStarted = Sum()
        self.creation = creation
    }

    mutating func add(_ part: Part, _ duration: Int64, _ period: Period, creation: Int32) {
        moveOn(to: creation)
        let sum = Sum(count: 1, nanoseconds: duration, lastOrder: period.order, variant: period.variant)
        switch part {
        case .ifStarted: ifStarted.merge(sum)
        case .ifNeverStarted: ifNeverStarted.merge(sum)
        }
    }
}
