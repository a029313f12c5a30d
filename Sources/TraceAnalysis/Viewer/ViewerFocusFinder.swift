import TraceParser
import TraceV2

/// The first pass of a goroutine view: which goroutines are related to the chosen one, and the
/// window of its life, as Go 1.27.3's viewer works them out before it draws.
///
/// Related goroutines are those that unblocked the chosen one, and those that unblocked them
/// (two steps back). The window runs from the goroutine's first start to its end, or to the
/// end of the trace.
public final class ViewerFocusFinder {
    private struct Unblock: Hashable {
        var by: RawGoID
        var goroutine: RawGoID
    }

    private let summarizer = Summarizer()
    /// Each distinct "goroutine A unblocked goroutine B" seen.
    private var unblocks: Set<Unblock> = []
    private var startTime: Int64?
    private var endTime: Int64 = 0

    public init() {}

    public func add(_ event: ParsedEvent) {
        if startTime == nil { startTime = event.time }
        endTime = event.time
        summarizer.add(event)
        guard event.rawGoroutine != NoResource.goroutine, event.kind == .stateTransition,
              let transition = event.stateTransition, let (from, to) = transition.goroutineStates,
              from != to, from == .waiting else { return }
        unblocks.insert(Unblock(by: event.rawGoroutine, goroutine: transition.resource.raw))
    }

    /// The focus for `goroutine`; nil when the trace has no such goroutine.
    public func focus(on goroutine: GoroutineID) -> ViewerFocus? {
        let start = startTime ?? 0
        guard let summary = summarizer.finish().goroutines.first(where: { $0.id == goroutine }) else { return nil }
        var related: Set<RawGoID> = [goroutine.raw]
        for _ in 0..<2 {
            var next = related
            for edge in unblocks where related.contains(edge.goroutine) { next.insert(edge.by) }
            related = next
        }
        return ViewerFocus(goroutine: goroutine, related: Set(related.map { GoroutineID(signed: $0) }),
                           windowStart: summary.startTime != 0 ? summary.startTime - start : 0,
                           windowEnd: (summary.endTime != 0 ? summary.endTime : endTime) - start)
    }
}
