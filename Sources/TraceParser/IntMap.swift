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
    /// One slot: empty when `value` is nil. Key and value sit together, so a probe reads one
    /// cache line rather than one per array.
    private struct Slot {
        var key: Int64
        var value: Value?
    }

    private var slots: [Slot]
    private(set) var count = 0
    private var shift: UInt64
    private let multiplier: UInt64

    init() {
        slots = [Slot](repeating: Slot(key: 0, value: nil), count: 16)
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
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = home(key)
            while true {
                if case .none = slots[index].value { return (index, false) }
                if slots[index].key == key { return (index, true) }
                index = (index + 1) & mask
            }
        }
    }

    subscript(key: Int64) -> Value? {
        get {
            let (index, found) = slot(of: key)
            return found ? slots[index].value : nil
        }
        set {
            if let newValue {
                let (index, found) = slot(of: key)
                if found {
                    slots[index].value = newValue
                    return
                }
                slots[index] = Slot(key: key, value: newValue)
                count += 1
                if count * 2 > slots.count { grow() }
            } else {
                remove(key)
            }
        }
    }

    /// Where the value of `key` sits, for reading and changing it in place with
    /// ``subscript(slot:)``; nil when the key is absent. A slot stays valid until the next
    /// insertion or removal.
    @inline(__always)
    func slot(for key: Int64) -> Int? {
        let (index, found) = slot(of: key)
        return found ? index : nil
    }

    /// The value in a slot that ``slot(for:)`` gave, read or changed where it is, so a value
    /// holding arrays is neither copied nor retained.
    subscript(slot index: Int) -> Value {
        _read { yield slots[index].value! }
        _modify { yield &slots[index].value! }
    }

    private func isOccupied(_ index: Int) -> Bool {
        if case .none = slots[index].value { return false }
        return true
    }

    private mutating func remove(_ key: Int64) {
        let (found, isThere) = slot(of: key)
        guard isThere else { return }
        let mask = slots.count - 1
        var hole = found
        var next = (hole + 1) & mask
        while isOccupied(next) {
            let ideal = home(slots[next].key)
            // Move the entry back if the hole lies on its probe path.
            let distanceToHole = (hole - ideal) & mask
            let distanceToNext = (next - ideal) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = Slot(key: 0, value: nil)
        count -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: nil), count: old.count * 2)
        shift -= 1
        count = 0
        for slot in old {
            if let value = slot.value { self[slot.key] = value }
        }
    }

    /// The entry with the smallest key among those whose value satisfies `predicate`, if any:
    /// the smallest, rather than the first in the table, so the answer does not depend on the
    /// multiplier.
    func first(where predicate: (Value) -> Bool) -> (key: Int64, value: Value)? {
        var best: (key: Int64, value: Value)?
        for slot in slots {
            if let value = slot.value, predicate(value), best.map({ slot.key < $0.key }) ?? true {
                best = (slot.key, value)
            }
        }
        return best
    }

    /// Every entry, in key order.
    func sortedEntries() -> [(key: Int64, value: Value)] {
        var entries: [(key: Int64, value: Value)] = []
        for slot in slots {
            if let value = slot.value { entries.append((slot.key, value)) }
        }
        return entries.sorted { $0.key < $1.key }
    }
}
