import Foundation

/// Minimum mutator utilization over windows of a given length, computed the way Go 1.27.3's
/// `NewMMUCurve(...).MMU(window)` computes it (internal/trace/gc.go): each series is cut into
/// at most 1000 bands; a lower bound per band decides which bands need an exact sweep, taken
/// in order of their bounds from a binary heap.
public struct MMUCurve {
    fileprivate final class Series {
        let util: [MutatorUtil]
        /// The integral of utilization from the first point up to each point.
        var sums: [Double]
        var bands: [Band] = []
        let bandDuration: Int64

        init(_ util: [MutatorUtil]) {
            self.util = util
            sums = []
            sums.reserveCapacity(util.count)
            var previous = MutatorUtil(time: 0, util: 0)
            var sum = 0.0
            for point in util {
                sum += previous.util * Double(point.time - previous.time)
                sums.append(sum)
                previous = point
            }
            let bandCount = min(1000, util.count)
            let duration = util[util.count - 1].time - util[0].time
            bandDuration = max(1, (duration + Int64(bandCount) - 1) / Int64(bandCount))
            var left = Integrator(position: 0)
            for index in 0...bandCount {
                let (start, end) = bandTime(index)
                let cumulative = left.advance(self, to: start)
                var minimum = 1.0
                var i = left.position
                while i < util.count && util[i].time < end {
                    minimum = Swift.min(minimum, util[i].util)
                    i += 1
                }
                bands.append(Band(minUtil: minimum, cumulative: cumulative, integrator: left))
            }
        }

        func bandTime(_ index: Int) -> (Int64, Int64) {
            let start = Int64(index) * bandDuration + util[0].time
            return (start, start + bandDuration)
        }

        /// A lower bound of the mean utilization of any window starting in each band.
        func bandBounds(series: Int, window: Int64) -> [BandBound] {
            let minBands = Int((window + bandDuration - 1) / bandDuration)
            let maxBands = Int((window + 2 * (bandDuration - 1)) / bandDuration)
            let tail = window % bandDuration
            let count = Swift.max(0, bands.count - maxBands + 1)
            var result: [BandBound] = []
            result.reserveCapacity(count)
            for i in 0..<count {
                var total = 0.0
                let l = bands[i].minUtil
                let r1 = bands[i + minBands - 1].minUtil
                let r2 = bands[i + maxBands - 1].minUtil
                let lowest = Swift.min(l, Swift.min(r1, r2))
                if minBands == 1 {
                    total += lowest * Double(window)
                } else {
                    total += lowest * Double(bandDuration)
                    var middle = 0.0
                    if lowest == l {
                        middle = Swift.min(r1, r2)
                    } else if lowest == r1 {
                        middle = Swift.min(l, r2)
                    } else if lowest == r2 {
                        middle = Swift.min(l, r1)
                    }
                    total += middle * Double(tail)
                }
                if minBands > 2 {
                    total += bands[i + minBands - 1].cumulative - bands[i + 1].cumulative
                }
                result.append(BandBound(series: series, band: i, bound: total / Double(window)))
            }
            return result
        }

        /// The exact minimum over windows starting in one band.
        func sweep(band index: Int, window: Int64, into acc: inout Accumulator) {
            var left = bands[index].integrator
            var right = left
            var (time, end) = bandTime(index)
            let lastStart = util[util.count - 1].time - window
            if lastStart < end { end = lastStart }
            while true {
                let mu = (right.advance(self, to: time + window) - left.advance(self, to: time)) / Double(window)
                if acc.add(mu) { break }
                if time == end { break }
                let earliest = time + Int64((mu - acc.bound) * Double(window))
                let t1 = left.next(self, after: time), t2 = right.next(self, after: time + window) - window
                time = t1 < t2 ? t1 : t2
                if time < earliest { time = earliest }
                if time >= end { time = end }
            }
        }
    }

    fileprivate struct Band {
        var minUtil: Double
        var cumulative: Double
        var integrator: Integrator
    }

    fileprivate struct BandBound {
        var series: Int
        var band: Int
        var bound: Double
    }

    /// Walks a series forwards, giving the integral of utilization up to a time.
    fileprivate struct Integrator {
        var position: Int

        mutating func advance(_ s: Series, to time: Int64) -> Double {
            let util = s.util
            var pos = position
            if pos + 8 < util.count && util[pos + 8].time > time {
                while pos + 1 < util.count && util[pos + 1].time <= time { pos += 1 }
            } else {
                var l = pos, r = util.count
                while l < r {
                    let h = Int(UInt(l + r) >> 1)
                    if util[h].time <= time { l = h + 1 } else { r = h }
                }
                pos = l - 1
            }
            position = pos
            let partial = time != util[pos].time ? util[pos].util * Double(time - util[pos].time) : 0
            return s.sums[pos] + partial
        }

        func next(_ s: Series, after time: Int64) -> Int64 {
            var i = position
            while i < s.util.count {
                if s.util[i].time > time { return s.util[i].time }
                i += 1
            }
            return .max
        }
    }

    fileprivate struct Accumulator {
        var mmu = 1.0
        var bound = 1.0

        mutating func add(_ mu: Double) -> Bool {
            if mu < mmu { mmu = mu }
            bound = mmu
            return mu == 0
        }
    }

    private let series: [Series]

    /// One curve over all the series (one for the program, or one per proc).
    public init(_ utils: [[MutatorUtil]]) {
        series = utils.map(Series.init)
    }

    /// The lowest mean utilization over any window of this many nanoseconds.
    public func mmu(window: Int64) -> Double {
        var acc = Accumulator()
        if window <= 0 { return 0 }
        var heap: [BandBound] = []
        var windows: [Int64] = []
        for (index, s) in series.enumerated() {
            let longest = s.util[s.util.count - 1].time - s.util[0].time
            let w = Swift.min(window, longest)
            windows.append(w)
            heap += s.bandBounds(series: index, window: w)
        }
        // The same binary heap as Go's container/heap, so bands are visited in the same order.
        func down(_ start: Int, _ n: Int) {
            var i = start
            while true {
                let j1 = 2 * i + 1
                if j1 >= n { break }
                var j = j1
                if j1 + 1 < n && heap[j1 + 1].bound < heap[j1].bound { j = j1 + 1 }
                if !(heap[j].bound < heap[i].bound) { break }
                heap.swapAt(i, j)
                i = j
            }
        }
        if heap.count > 1 {
            for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(i, heap.count) }
        }
        while let top = heap.first, top.bound < acc.bound {
            series[top.series].sweep(band: top.band, window: windows[top.series], into: &acc)
            let n = heap.count - 1
            heap.swapAt(0, n)
            down(0, n)
            heap.removeLast()
        }
        return acc.mmu
    }
}
