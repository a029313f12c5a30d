/// A hash map from 64-bit IDs to values, for the ordering state's goroutines, procs and threads.
///
/// Open addressing with linear probing. The IDs come from the trace, so whoever writes the trace
/// chooses them: with a fixed hash, IDs picked to share one slot turn every lookup into a walk
/// over all of them. Each map therefore hashes with a multiplier of its own, drawn at random
/// (odd): the top bits of the product, multiply-shift hashing, for which any two distinct keys
/// share a slot with probability at most 2 / slots over the draw, whatever keys a trace picks.
/// One multiplication, much cheaper than the standard library's SipHash on the ordering's hot
/// path.
/// Removal shifts later entries of the probe run back, so lookups never need tombstones.
struct IntMap<Value> {
    private var keys: [Int64]
    private var values: [Value?]
    private var occupied: [Bool]
    private(set) var count = 0
    private var shift: UInt64
    private let multiplier: UInt64

    init() {
        keys = [Int64](repeating: 0, count: 16)
        values = [Value?](repeating: nil, count: 16)
        occupied = [Bool](repeating: false, count: 16)
        shift = 64 - 4
        multiplier = UInt64.random(in: .min ... .max) | 1
    }

    /// The home slot of a key: the top bits of its product with the map's multiplier.
    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* multiplier) >> shift)
    }

    @inline(__always)
    private func slot(of key: Int64) -> (index: Int, found: Bool) {
        let mask = keys.count - 1
        var index = home(key)
        while occupied[index] {
            if keys[index] == key { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    subscript(key: Int64) -> Value? {
        get {
            let (index, found) = slot(of: key)
            return found ? values[index] : nil
        }
        set {
            if let newValue {
                let (index, found) = slot(of: key)
                if found {
                    values[index] = newValue
                    return
                }
                keys[index] = key
                values[index] = newValue
                occupied[index] = true
                count += 1
                if count * 2 > keys.count { grow() }
            } else {
                remove(key)
            }
        }
    }

    private mutating func remove(_ key: Int64) {
        let (found, isThere) = slot(of: key)
        guard isThere else { return }
        let mask = keys.count - 1
        var hole = found
        var next = (hole + 1) & mask
        while occupied[next] {
            let ideal = home(keys[next])
            // Move the entry back if the hole lies on its probe path.
            let distanceToHole = (hole - ideal) & mask
            let distanceToNext = (next - ideal) & mask
            if distanceToHole < distanceToNext {
                keys[hole] = keys[next]
                values[hole] = values[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        occupied[hole] = false
        values[hole] = nil
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldOccupied = occupied
        let size = keys.count * 2
        keys = [Int64](repeating: 0, count: size)
        values = [Value?](repeating: nil, count: size)
        occupied = [Bool](repeating: false, count: size)
        shift -= 1
        count = 0
        for index in oldKeys.indices where oldOccupied[index] {
            self[oldKeys[index]] = oldValues[index]
        }
    }

    /// The entry with the smallest key among those whose value satisfies `predicate`, if any:
    /// the smallest, rather than the first in the table, so the answer does not depend on the
    /// multiplier.
    func first(where predicate: (Value) -> Bool) -> (key: Int64, value: Value)? {
        var best: (key: Int64, value: Value)?
        for index in keys.indices where occupied[index] {
            if let value = values[index], predicate(value), best.map({ keys[index] < $0.key }) ?? true {
                best = (keys[index], value)
            }
        }
        return best
    }

    /// Every entry, in key order.
    func sortedEntries() -> [(key: Int64, value: Value)] {
        var entries: [(key: Int64, value: Value)] = []
        for index in keys.indices where occupied[index] {
            if let value = values[index] { entries.append((keys[index], value)) }
        }
        return entries.sorted { $0.key < $1.key }
    }
}
