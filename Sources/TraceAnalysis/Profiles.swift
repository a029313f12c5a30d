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

    /// Whether a period in the profile's state that began with this block reason counts.
    func counts(reason: [UInt8]) -> Bool {
        func contains(_ word: String) -> Bool {
            let word = Array(word.utf8)
            guard reason.count >= word.count else { return false }
            return (0...(reason.count - word.count)).contains { reason[$0..<($0 + word.count)].elementsEqual(word) }
        }
        switch self {
        case .net: return reason.elementsEqual("network".utf8)
        case .sync: return contains("chan") || contains("sync") || contains("select")
        case .syscall, .sched: return true
        }
    }
}

/// One sample of a profile: a stack (innermost frame first), how many periods ended there and
/// their total time in nanoseconds.
public struct ProfileRecord: Sendable {
    public var frames: [ProfileFrame]
    public var count: UInt64
    public var nanoseconds: Int64
}

/// One frame of a sample's stack, as Go's `Event.Stack().Frames` gives it: the program counter,
/// and the function, file and line of the generation's frame table (PC 0 and nothing else for a
/// PC the table lacks). The names are kept as the trace's bytes.
public struct ProfileFrame: Hashable, Sendable {
    public var pc: UInt64
    public var function: TraceString
    public var file: TraceString
    public var line: UInt64
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
    public let kind: ProfileKind
    // Exclusivity unchecked: every event makes one access to it, which checked costs two runtime
    // calls; `gotrace pprof sched` on a 3.9 MB trace of 781,366 events ran 1,283M instructions
    // checked against 1,188M (callgrind).
    @exclusivity(unchecked) private var periods: PeriodCollector

    public init(kind: ProfileKind) {
        self.kind = kind
        periods = PeriodCollector(kind: kind)
    }

    /// How many periods have ended, and how many of them are kept until the end of the trace.
    var periodCounts: (ended: Int64, kept: Int) { (periods.periodsEnded, periods.doubtful.count) }

    public func add(_ event: ParsedEvent) {
        periods.add(event)
    }

    /// The samples: one per distinct stack with a period that overlaps its goroutine's life,
    /// shown with the frames of the last period counted into it, as Go shows them.
    public func finish() -> [ProfileRecord] {
        periods.finish()
    }
}

/// The builder's state. It reads each state change by raw IDs: a goroutine's state is found by
/// its ID, a stack's sample by its stack ID and a reason's class by its string ID, all through
/// ``IDIndex``; the generation's strings and frames are read once per new ID of a generation.
private struct PeriodCollector {
    /// Go keeps at most this many frames of a stack.
    static let maximumDepth = 128

    let state: GoState
    let kind: ProfileKind
    let changes = GoroutineChangeReader()

    /// The sample variant of each stack ID of the current generation, and the class of each
    /// reason ID (``ReasonClass``); emptied when a generation begins, as its IDs mean other
    /// strings and stacks.
    var stackVariants = IDIndex()
    var reasonClasses = IDIndex()
    var generation: ObjectIdentifier?
    /// The variant of an event without a stack.
    var noStackVariant: Int32 = -1
    /// Go merges stacks whose first 128 PCs agree; a "variant" is a stack as it will be printed.
    var keyIndex: [[UInt64]: Int32] = [:]
    var variantIndex: [[ProfileFrame]: Int32] = [:]
    var variants: [SampleVariant] = []

    /// Each goroutine ID's place in ``goroutines``.
    var goroutineIndex = IDIndex()
    var goroutines: [GoroutineState] = []
    /// Each goroutine's and sample key's place in ``tallies``, which holds each goroutine's sums
    /// but for those still pending in its ``GoroutineState``.
    var tallyIndex = IDIndex()
    var tallies: [Tally] = []
    var doubtful: [Period] = []
    var periodsEnded: Int64 = 0
    var lastTime: Int64 = 0

    init(kind: ProfileKind) {
        self.kind = kind
        state = kind.state
    }

    /// What a reason ID of the current generation means to the profile.
    struct ReasonClass: OptionSet {
        let rawValue: Int32
        /// A period in the profiled state that begins with it counts.
        static let counts = ReasonClass(rawValue: 1)
        /// Go's summary ends the goroutine's life when it waits for this reason.
        static let forever = ReasonClass(rawValue: 2)
    }

    mutating func add(_ event: ParsedEvent) {
        lastTime = event.time
        guard let change = changes.change(event) else {
            if event.kind == .sync { beginGeneration(nil) }
            return
        }
        let identity = event.generationIdentity
        if identity != generation { beginGeneration(identity) }
        let (from, to) = (change.from, change.to)
        // The reason matters only to a goroutine that starts waiting, or for a profile of a
        // state whose periods are chosen by it.
        let reason = to == .waiting ? reasonClass(change.reason, of: event) : []
        var begins: Int32 = -1
        if to == state && (kind == .sched || kind == .syscall || reason.contains(.counts)) {
            // The stack is looked up before it is known whether a period begins here; a period
            // already open in the state (a Sync's status event) makes that rare.
            begins = variant(ofStack: change.stack, of: event)
        }
        var index = goroutineIndex.find(UInt64(bitPattern: change.goroutine))
        if index < 0 {
            index = Int32(goroutines.count)
            goroutineIndex.insert(UInt64(bitPattern: change.goroutine), index)
            goroutines.append(GoroutineState())
        }
        let ended = goroutines[Int(index)].step(from: from, to: to, forever: reason.contains(.forever), time: event.time,
                                                 state: state, begins: begins)
        if let (start, variant, life) = ended {
            settle(Period(goroutine: index, start: start, end: event.time, variant: variant, order: periodsEnded), life)
            periodsEnded += 1
        }
    }

    /// Forgets the IDs of the generation that ended.
    mutating func beginGeneration(_ identity: ObjectIdentifier?) {
        generation = identity
        stackVariants.removeAll()
        reasonClasses.removeAll()
    }

    mutating func reasonClass(_ id: UInt64, of event: ParsedEvent) -> ReasonClass {
        let known = reasonClasses.find(id)
        if known >= 0 { return ReasonClass(rawValue: known) }
        let bytes = event.stringBytes(id)
        var reason: ReasonClass = []
        if kind.counts(reason: bytes) { reason.insert(.counts) }
        if bytes.elementsEqual("forever".utf8) { reason.insert(.forever) }
        reasonClasses.insert(id, reason.rawValue)
        return reason
    }

    /// Adds up a period that just ended, or keeps it when its share is not yet certain.
    mutating func settle(_ period: Period, _ g: Life) {
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
        let sample = variants[Int(period.variant)].key
        let goroutine = Int(period.goroutine)
        if goroutines[goroutine].pending.sample != sample {
            flushPending(of: goroutine)
            goroutines[goroutine].pending = Tally(goroutine: period.goroutine, sample: sample, creation: g.creations)
        }
        goroutines[goroutine].pending.add(part, duration, period, creation: g.creations)
    }

    /// Moves a goroutine's pending sums into ``tallies``.
    mutating func flushPending(of goroutine: Int) {
        let pending = goroutines[goroutine].pending
        guard pending.sample >= 0 else { return }
        goroutines[goroutine].pending.sample = -1
        let key = UInt64(UInt32(bitPattern: pending.goroutine)) << 32 | UInt64(UInt32(bitPattern: pending.sample))
        let index = tallyIndex.find(key)
        if index >= 0 {
            tallies[Int(index)].merge(pending)
        } else {
            tallyIndex.insert(key, Int32(tallies.count))
            tallies.append(pending)
        }
    }

    /// The sample variant of a stack of the event's generation, resolved to frames once per
    /// stack and generation.
    mutating func variant(ofStack id: UInt64, of event: ParsedEvent) -> Int32 {
        guard id != 0 else {
            if noStackVariant < 0 { noStackVariant = intern([]) }
            return noStackVariant
        }
        let known = stackVariants.find(id)
        if known >= 0 { return known }
        let frames = event.goFrameBytes(ofStack: id).prefix(Self.maximumDepth).map {
            ProfileFrame(pc: $0.pc, function: TraceString(bytes: $0.function), file: TraceString(bytes: $0.file), line: $0.line)
        }
        let variant = intern(frames)
        stackVariants.insert(id, variant)
        return variant
    }

    mutating func intern(_ frames: [ProfileFrame]) -> Int32 {
        if let variant = variantIndex[frames] { return variant }
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
        variants.append(SampleVariant(frames: frames, key: key))
        return variant
    }

    mutating func finish() -> [ProfileRecord] {
        for goroutine in goroutines.indices { flushPending(of: goroutine) }
        var samples = [Tally.Sum](repeating: Tally.Sum(), count: keyIndex.count)
        for tally in tallies {
            let g = goroutines[Int(tally.goroutine)].life
            var tally = tally
            tally.moveOn(to: g.creations)
            samples[Int(tally.sample)].merge(tally.ifStarted)
            if g.start == 0 { samples[Int(tally.sample)].merge(tally.ifNeverStarted) }
        }
        for period in doubtful {
            let g = goroutines[Int(period.goroutine)].life
            guard g.creations > 0 else { continue }
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

/// A stack as it will be printed, and the sample it counts into: stacks whose PCs agree are one
/// sample (``PeriodCollector/keyIndex``).
private struct SampleVariant {
    var frames: [ProfileFrame]
    var key: Int32
}

/// A period in the profiled state: its goroutine, start and end, the printed stack it is charged
/// to, and its place in the order periods end.
private struct Period {
    /// The goroutine's place in the builder's table.
    var goroutine: Int32
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

/// What the profile needs of one goroutine: its open period, its life, and the sums of its
/// latest sample.
private struct GoroutineState {
    var openSince: Int64 = 0
    /// The variant of the open period's stack, or -1 when none is open.
    var openSample: Int32 = -1
    var life = Life()
    /// The periods that ended since the goroutine's sample last changed, added up here and moved
    /// into the builder's tallies when it changes again, or at the end. On a 135 MB trace
    /// (131,226 goroutines, 328,705 tallies, 8.5M periods) looking the tally up at every
    /// period's end missed the cache most of the time: 5.8% of `perf` samples, against 3.7%
    /// with this.
    var pending = Tally(goroutine: -1, sample: -1, creation: 0)

    /// Takes one transition: `state` is the profiled state, `begins` the variant of a period in
    /// it that the transition would begin, or -1. Returns the period it ends, with the life as it stood before.
    mutating func step(from: GoState, to: GoState, forever: Bool, time: Int64, state: GoState, begins: Int32)
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
            if forever { life.end = time }
        default:
            break
        }
        return ended
    }
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

    /// The goroutine's place in the builder's table, and the sample key.
    var goroutine: Int32
    var sample: Int32
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

    /// Adds the sums of the same goroutine and sample, whose periods all ended later.
    mutating func merge(_ later: Tally) {
        moveOn(to: later.creation)
        ifStarted.merge(later.ifStarted)
        ifNeverStarted.merge(later.ifNeverStarted)
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
