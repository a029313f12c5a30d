/// Go's `slices.SortFunc`, step for step.
///
/// Go sorts with pattern-defeating quicksort, which is not stable: elements that compare equal
/// end up in an order that depends on the algorithm's exact moves. Go's parser sorts its batch
/// cursors and CPU samples with it, and `go tool trace -d=footprint` sorts its table with it, so
/// reproducing Go's output byte for byte means making the very same moves: the same insertion
/// sort below 13 elements, the same pivot choice (median of three, or of three medians from 50
/// elements on), the same pattern breaking with the same xorshift sequence, and the same heap
/// sort fallback once the recursion budget runs out.
package enum GoSort {
    /// Sorts `elements` in place into the order Go's `slices.SortFunc` leaves them in, given a
    /// comparison that says whether the first argument sorts strictly before the second.
    package static func sort<T>(_ elements: inout [T], by less: (T, T) -> Bool) {
        withoutActuallyEscaping(less) { less in
            sort(&elements, order: ClosureOrder(body: less))
        }
    }

    /// Sorts like ``sort(_:by:)`` with the comparison given as a type, which the compiler
    /// inlines into the sort: the frontier sorts thousands of entries per event when many
    /// threads wait, and a call through a closure per comparison doubles that cost.
    static func sort<Order: GoSortOrder>(_ elements: inout [Order.Element], order: Order) {
        let count = elements.count
        elements.withUnsafeMutableBufferPointer { buffer in
            var sorter = Sorter(data: buffer, order: order)
            sorter.quicksort(0, count, budget: bitLength(count))
        }
    }

    /// The number of bits needed to write `n`: Go's `bits.Len`.
    static func bitLength(_ n: Int) -> Int {
        n == 0 ? 0 : UInt.bitWidth - UInt(n).leadingZeroBitCount
    }

    private enum Trend { case unknown, ascending, descending }

    private struct ClosureOrder<Element>: GoSortOrder {
        let body: (Element, Element) -> Bool
        func less(_ first: Element, _ second: Element) -> Bool { body(first, second) }
    }

    private struct Sorter<Order: GoSortOrder> {
        let data: UnsafeMutableBufferPointer<Order.Element>
        let order: Order

        @inline(__always) func before(_ i: Int, _ j: Int) -> Bool { order.less(data[i], data[j]) }
        @inline(__always) func swap(_ i: Int, _ j: Int) { data.swapAt(i, j) }

        /// Plain insertion sort of `lo..<hi`; stable, used for short ranges.
        func insertionSort(_ lo: Int, _ hi: Int) {
            guard hi - lo > 1 else { return }
            for i in (lo + 1)..<hi {
                var j = i
                while j > lo && before(j, j - 1) {
                    swap(j, j - 1)
                    j -= 1
                }
            }
        }

        /// Restores the max-heap property below `root` in the heap stored at `offset`.
        func siftDown(_ root: Int, _ end: Int, offset: Int) {
            var parent = root
            while true {
                var child = 2 * parent + 1
                if child >= end { return }
                if child + 1 < end && before(offset + child, offset + child + 1) { child += 1 }
                if !before(offset + parent, offset + child) { return }
                swap(offset + parent, offset + child)
                parent = child
            }
        }

        func heapSort(_ lo: Int, _ hi: Int) {
            let size = hi - lo
            var i = (size - 1) / 2
            while i >= 0 {
                siftDown(i, size, offset: lo)
                i -= 1
            }
            i = size - 1
            while i >= 0 {
                swap(lo, lo + i)
                siftDown(0, i, offset: lo)
                i -= 1
            }
        }

        mutating func quicksort(_ start: Int, _ end: Int, budget: Int) {
            var lo = start, hi = end, budget = budget
            var balanced = true, partitioned = true
            while true {
                let size = hi - lo
                if size <= 12 {
                    insertionSort(lo, hi)
                    return
                }
                if budget == 0 {
                    heapSort(lo, hi)
                    return
                }
                if !balanced {
                    scramble(lo, hi)
                    budget -= 1
                }
                var (pivot, trend) = choosePivot(lo, hi)
                if trend == .descending {
                    reverse(lo, hi)
                    pivot = (hi - 1) - (pivot - lo)
                    trend = .ascending
                }
                if balanced && partitioned && trend == .ascending && nearlySorted(lo, hi) {
                    return
                }
                // Elements equal to the one just before the range go left in one sweep.
                if lo > 0 && !before(lo - 1, pivot) {
                    lo = partitionEqual(lo, hi, pivot)
                    continue
                }
                let (middle, wasPartitioned) = partition(lo, hi, pivot)
                partitioned = wasPartitioned
                let left = middle - lo, right = hi - middle
                let threshold = size / 8
                if left < right {
                    balanced = left >= threshold
                    quicksort(lo, middle, budget: budget)
                    lo = middle + 1
                } else {
                    balanced = right >= threshold
                    quicksort(middle + 1, hi, budget: budget)
                    hi = middle
                }
            }
        }

        /// Splits around the pivot (moved to `lo` first); returns where the pivot lands and
        /// whether no element had to move.
        func partition(_ lo: Int, _ hi: Int, _ pivot: Int) -> (Int, Bool) {
            swap(lo, pivot)
            var i = lo + 1, j = hi - 1
            while i <= j && before(i, lo) { i += 1 }
            while i <= j && !before(j, lo) { j -= 1 }
            if i > j {
                swap(j, lo)
                return (j, true)
            }
            swap(i, j)
            i += 1
            j -= 1
            while true {
                while i <= j && before(i, lo) { i += 1 }
                while i <= j && !before(j, lo) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            swap(j, lo)
            return (j, false)
        }

        /// Moves the elements not greater than the pivot to the front; returns where the rest
        /// starts.
        func partitionEqual(_ lo: Int, _ hi: Int, _ pivot: Int) -> Int {
            swap(lo, pivot)
            var i = lo + 1, j = hi - 1
            while true {
                while i <= j && !before(lo, i) { i += 1 }
                while i <= j && before(lo, j) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            return i
        }

        /// Finishes a range with few misplaced elements by shifting them; false if it gave up.
        func nearlySorted(_ lo: Int, _ hi: Int) -> Bool {
            var i = lo + 1
            for _ in 0..<5 {
                while i < hi && !before(i, i - 1) { i += 1 }
                if i == hi { return true }
                if hi - lo < 50 { return false }
                swap(i, i - 1)
                if i - lo >= 2 {
                    var j = i - 1
                    while j >= 1 {
                        if !before(j, j - 1) { break }
                        swap(j, j - 1)
                        j -= 1
                    }
                }
                if hi - i >= 2 {
                    var j = i + 1
                    while j < hi {
                        if !before(j, j - 1) { break }
                        swap(j, j - 1)
                        j += 1
                    }
                }
            }
            return false
        }

        /// Swaps three elements near the middle with pseudo-random ones to break up patterns.
        func scramble(_ lo: Int, _ hi: Int) {
            let size = hi - lo
            guard size >= 8 else { return }
            var state = UInt64(size)
            let mask = (UInt(1) << UInt(bitLength(size))) - 1
            let middle = lo + (size / 4) * 2
            for index in (middle - 1)...(middle + 1) {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                var other = Int(UInt(truncatingIfNeeded: state) & mask)
                if other >= size { other -= size }
                swap(index, lo + other)
            }
        }

        func choosePivot(_ lo: Int, _ hi: Int) -> (Int, Trend) {
            let size = hi - lo
            var swaps = 0
            var a = lo + size / 4, b = lo + size / 4 * 2, c = lo + size / 4 * 3
            if size >= 8 {
                if size >= 50 {
                    a = medianAround(a, &swaps)
                    b = medianAround(b, &swaps)
                    c = medianAround(c, &swaps)
                }
                b = median(a, b, c, &swaps)
            }
            switch swaps {
            case 0: return (b, .ascending)
            case 12: return (b, .descending)
            default: return (b, .unknown)
            }
        }

        func ordered(_ a: Int, _ b: Int, _ swaps: inout Int) -> (Int, Int) {
            if before(b, a) {
                swaps += 1
                return (b, a)
            }
            return (a, b)
        }

        /// The index of the median of three, counting the swaps a sorting network would make.
        func median(_ a: Int, _ b: Int, _ c: Int, _ swaps: inout Int) -> Int {
            let (low, middle) = ordered(a, b, &swaps)
            let (middle2, _) = ordered(middle, c, &swaps)
            let (_, median) = ordered(low, middle2, &swaps)
            return median
        }

        func medianAround(_ index: Int, _ swaps: inout Int) -> Int {
            median(index - 1, index, index + 1, &swaps)
        }

        func reverse(_ lo: Int, _ hi: Int) {
            var i = lo, j = hi - 1
            while i < j {
                swap(i, j)
                i += 1
                j -= 1
            }
        }
    }
}

/// A strict ordering for ``GoSort``: whether the first element sorts before the second.
protocol GoSortOrder {
    associatedtype Element
    func less(_ first: Element, _ second: Element) -> Bool
}
