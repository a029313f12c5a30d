import Testing
@testable import TraceParser

/// The frontier skips Go's sort when its entries are already in order; these tests hold up the
/// two facts that rests on.
@Suite struct FrontierTests {
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Go's sort moves nothing in an array already in order, however many times are equal, so
    /// skipping it there leaves the order of ties as Go leaves it.
    @Test func goSortLeavesAnOrderedArrayAsItIs() {
        var random = Random(state: 7)
        for length in Array(0...130) + [500, 4096] {
            for spread in [1, 3, length + 1] {
                // Times in order with many ties; the second field tells equal times apart.
                var times = (0..<length).map { _ in random.next(spread) }
                times.sort()
                let entries = times.enumerated().map { (time: $0.element, tag: $0.offset) }
                var sorted = entries
                GoSort.sort(&sorted) { $0.time < $1.time }
                #expect(sorted.map(\.tag) == entries.map(\.tag), "length \(length), spread \(spread)")
            }
        }
    }

    /// The frontier never takes an array out of order for one in order (and so never skips a sort
    /// that would have moved something), through inserts, updates and removals.
    @Test func theFrontierKnowsWhenItIsInOrder() {
        var random = Random(state: 11)
        var frontier = Frontier()
        var cursorCount = 0
        func add() {
            var cursor = BatchCursor(thread: Int64(cursorCount), list: cursorCount)
            cursor.event.time = Int64(random.next(50))
            cursorCount += 1
            frontier.insert(cursor)
        }
        for _ in 0..<40 { add() }
        var sawOrdered = 0, sawUnordered = 0
        for step in 0..<4000 {
            switch random.next(10) {
            case 0: add()
            case 1 where frontier.count > 1: frontier.remove(random.next(frontier.count))
            case 2: frontier.sort()
            default:
                guard !frontier.isEmpty else { add(); continue }
                let index = random.next(frontier.count)
                frontier[cursor: frontier.slot(at: index)].event.time += Int64(random.next(20))
                frontier.update(index)
            }
            let times = frontier.heap.map(\.time)
            let ordered = zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }
            ordered ? (sawOrdered += 1) : (sawUnordered += 1)
            // Sorting must change nothing exactly when the count says the array is in order.
            let before = frontier.heap.map(\.slot)
            frontier.sort()
            #expect(frontier.heap.map(\.time) == times.sorted(), "step \(step)")
            if ordered { #expect(frontier.heap.map(\.slot) == before, "step \(step)") }
        }
        #expect(sawOrdered > 100 && sawUnordered > 100)
    }
}
