import TraceParser

/// A point of a mutator utilization function: from `time` on, the fraction `util` of the
/// program's procs runs user code (until the next point).
public struct MutatorUtil: Equatable, Sendable {
    public var time: Int64
    public var util: Double
}

/// Which garbage collector work counts against the mutator: Go's `UtilFlags`.
public struct UtilizationFlags: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Stop-the-world pauses for the GC.
    public static let stw = UtilizationFlags(rawValue: 1)
    /// Background mark workers.
    public static let background = UtilizationFlags(rawValue: 2)
    /// Mark assists by user goroutines.
    public static let assist = UtilizationFlags(rawValue: 4)
    /// Incremental sweeping.
    public static let sweep = UtilizationFlags(rawValue: 8)
    /// One series per proc instead of one for the whole program.
    public static let perProc = UtilizationFlags(rawValue: 16)
    public static let allGC: UtilizationFlags = [.stw, .background, .assist, .sweep]
}

/// Builds the mutator utilization series from the ordered events, one event at a time, with
/// the rules of Go 1.27.3's `MutatorUtilizationV2` (internal/trace/gc.go).
public final class UtilizationBuilder {
    private struct Proc { var gc = 0; var series = 0 }
    private let flags: UtilizationFlags
    private var out: [[MutatorUtil]] = []
    private var stw = 0
    private var procs: [Proc] = []
    private var inGC: Set<RawGoID> = []
    private var states: [RawGoID: GoState] = [:]
    private var backgroundMark: Set<RawGoID> = []
    private var procCounts: [(time: Int64, n: Int)] = []
    private var syncCount = 0
    private var lastTime: Int64?

    public init(flags: UtilizationFlags) { self.flags = flags }

    private var perProc: Bool { flags.contains(.perProc) }
    private func isSTW(_ r: ParsedEvent.Range) -> Bool { flags.contains(.stw) && r.name.string.hasPrefix("stop-the-world") && r.name.string.contains("GC") }
    private func isAssist(_ r: ParsedEvent.Range) -> Bool { flags.contains(.assist) && r.name == "GC mark assist" }
    private func isSweep(_ r: ParsedEvent.Range) -> Bool { flags.contains(.sweep) && r.name == "GC incremental sweep" }
    private static func executing(_ state: GoState?) -> Bool { state == .running || state == .syscall }

    /// Adds to (or takes from) the GC count of the event's proc; an event without a valid proc
    /// changes nothing.
    private func changeGC(_ event: ParsedEvent, by delta: Int) {
        let p = Int(event.rawProc)
        if p >= 0 && p < procs.count { procs[p].gc += delta }
    }

    public func add(_ event: ParsedEvent) {
        let now = event.time
        lastTime = now
        switch event.kind {
        case .sync:
            syncCount = event.sync?.n ?? syncCount
        case .metric:
            guard let metric = event.metric, metric.name == "/sched/gomaxprocs:threads" else { break }
            let count = Int(truncatingIfNeeded: metric.value)
            if procs.count > count {
                if perProc {
                    for p in procs[count...] { Self.append(&out[p.series], MutatorUtil(time: now, util: 0)) }
                }
                procs.removeLast(procs.count - count)
            }
            while procs.count < count {
                var series = 0
                if perProc || out.isEmpty {
                    series = out.count
                    out.append([MutatorUtil(time: now, util: 1)])
                }
                procs.append(Proc(series: series))
            }
            if procCounts.isEmpty || count != procCounts.last!.n { procCounts.append((now, count)) }
        default:
            break
        }
        if procs.isEmpty { return }

        switch event.kind {
        case .rangeActive, .rangeBegin:
            guard let r = event.range else { break }
            if event.kind == .rangeActive {
                // Ranges already running when the trace began: only in the first generation.
                if syncCount > 1 { break }
                var lowerWholeSeries = false
                if isAssist(r) {
                    lowerWholeSeries = Self.executing(states[event.rawGoroutine]) && !perProc
                } else if isSweep(r) {
                    lowerWholeSeries = !perProc
                }
                if lowerWholeSeries { lowerFirstSeries() }
            }
            if isSTW(r) {
                stw += 1
            } else if isSweep(r) {
                changeGC(event, by: 1)
            } else if isAssist(r) {
                changeGC(event, by: 1)
                if r.scope.kind == .goroutine, r.scope.raw != NoResource.goroutine { inGC.insert(r.scope.raw) }
            }
        case .rangeEnd:
            guard let r = event.range else { break }
            if isSTW(r) {
                stw -= 1
            } else if isSweep(r) {
                changeGC(event, by: -1)
            } else if isAssist(r) {
                changeGC(event, by: -1)
                if r.scope.kind == .goroutine, r.scope.raw != NoResource.goroutine { inGC.remove(r.scope.raw) }
            }
        case .stateTransition:
            guard let transition = event.stateTransition, let (from, to) = transition.goroutineStates else { break }
            let g = transition.resource.raw
            if inGC.contains(g) || backgroundMark.contains(g) {
                if !Self.executing(from) && Self.executing(to) {
                    changeGC(event, by: 1)
                } else if Self.executing(from) && !Self.executing(to) {
                    changeGC(event, by: -1)
                }
            }
            states[g] = to
        case .label:
            guard flags.contains(.background), let label = event.label?.label.string else { break }
            if label.hasPrefix("GC ") && label != "GC (idle)" && !(perProc && label == "GC (dedicated)") {
                backgroundMark.insert(event.rawGoroutine)
                changeGC(event, by: 1)
            }
        default:
            break
        }

        if !perProc {
            let busy = stw > 0 ? procs.count : procs.reduce(0) { $0 + ($1.gc > 0 ? 1 : 0) }
            Self.append(&out[0], MutatorUtil(time: now, util: 1 - Double(busy) / Double(procs.count)))
        } else {
            for p in procs {
                Self.append(&out[p.series], MutatorUtil(time: now, util: stw > 0 || p.gc > 0 ? 0 : 1))
            }
        }
    }

    /// A sweep or assist already in progress at the start: Go takes one proc's share off every
    /// point recorded so far, by the proc count in force at each point.
    private func lowerFirstSeries() {
        var point = 0, count = 0
        while point < out[0].count {
            if count < procCounts.count - 1 && procCounts[count + 1].time < out[0][point].time {
                count += 1
                continue
            }
            out[0][point].util -= 1 / Double(procCounts[count].n)
            if out[0][point].util < 0 { out[0][point].util = 0 }
            point += 1
        }
    }

    /// Adds a point unless it repeats the last value; at the same time the lower value stays.
    private static func append(_ series: inout [MutatorUtil], _ point: MutatorUtil) {
        if let last = series.last {
            if point.util == last.util { return }
            if point.time == last.time {
                if point.util < last.util { series[series.count - 1] = point }
                return
            }
        }
        series.append(point)
    }

    /// Ends every series at the last event with utilization 0, as Go does.
    public func finish() -> [[MutatorUtil]] {
        guard let lastTime else { return [] }
        for p in procs { Self.append(&out[p.series], MutatorUtil(time: lastTime, util: 0)) }
        return out
    }
}
