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
///
/// A class over memory it owns, changed in place through pointers: as a struct over an array,
/// every change in place checked that the array was unique (761K calls of
/// `swift_isUniquelyReferenced` for 781K events). Values lie apart from the keys, each
/// initialized only where its slot is full, so a value is read where it is, never copied
/// out of an optional (which retained its arrays). Thread 2 of `gotrace parsed --decode-only`
/// (callgrind, small.trace, 781,366 events): 529.6M instructions before, 429.8M after, with
/// the thread records, the frontier's heap and the cursor's decoding changed in the same step.
final class IntMap<Value> {
    /// One slot's key, and whether the slot holds an entry. The keys lie apart from the values,
    /// so a probe reads keys only.
    private struct Key {
        var key: Int64
        var full: Bool
    }

    private var keys: UnsafeMutablePointer<Key>
    /// The values, by slot: initialized exactly where the slot is full.
    private var values: UnsafeMutablePointer<Value>
    /// The number of slots less one (a power of two less one).
    private var mask: Int
    private(set) var count = 0
    private var shift: UInt64
    private let multiplier: UInt64

    init() {
        keys = Self.emptyKeys(16)
        values = .allocate(capacity: 16)
        mask = 15
        shift = 64 - 4
        multiplier = UInt64.random(in: .min ... .max) | 1
    }

    deinit {
        for index in 0...mask where keys[index].full { (values + index).deinitialize(count: 1) }
        keys.deallocate()
        values.deallocate()
    }

    private static func emptyKeys(_ count: Int) -> UnsafeMutablePointer<Key> {
        let keys = UnsafeMutablePointer<Key>.allocate(capacity: count)
        keys.initialize(repeating: Key(key: 0, full: false), count: count)
        return keys
    }

    /// The home slot of a key: the top bits of its product with the map's multiplier.
    @inline(__always)
    private func home(_ key: Int64) -> Int {
        // The shift lies between 1 and 60, so the masking shift is the same.
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* multiplier) &>> shift)
    }

    @inline(__always)
    private func slot(of key: Int64) -> (index: Int, found: Bool) {
        var index = home(key)
        while true {
            if !keys[index].full { return (index, false) }
            if keys[index].key == key { return (index, true) }
            index = (index + 1) & mask
        }
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
                keys[index] = Key(key: key, full: true)
                (values + index).initialize(to: newValue)
                count += 1
                if count * 2 > mask + 1 { grow() }
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
        unsafeAddress {
            precondition(index >= 0 && index <= mask && keys[index].full)
            return UnsafePointer(values + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index <= mask && keys[index].full)
            return values + index
        }
    }

    /// Where the value of `key` is in memory, nil when the key is absent: valid until the next
    /// insertion or removal.
    @inline(__always)
    func pointer(for key: Int64) -> UnsafeMutablePointer<Value>? {
        let (index, found) = slot(of: key)
        return found ? values + index : nil
    }

    /// Where the value in a slot that ``slot(for:)`` gave is in memory: valid, like the slot,
    /// until the next insertion or removal.
    @inline(__always)
    func pointer(slot index: Int) -> UnsafeMutablePointer<Value> {
        precondition(index >= 0 && index <= mask && keys[index].full)
        return values + index
    }

    private func remove(_ key: Int64) {
        let (found, isThere) = slot(of: key)
        guard isThere else { return }
        (values + found).deinitialize(count: 1)
        var hole = found
        var next = (hole + 1) & mask
        while keys[next].full {
            let ideal = home(keys[next].key)
            // Move the entry back if the hole lies on its probe path.
            let distanceToHole = (hole - ideal) & mask
            let distanceToNext = (next - ideal) & mask
            if distanceToHole < distanceToNext {
                keys[hole] = keys[next]
                (values + hole).moveInitialize(from: values + next, count: 1)
                hole = next
            }
            next = (next + 1) & mask
        }
        keys[hole] = Key(key: 0, full: false)
        count -= 1
    }

    private func grow() {
        let oldKeys = keys, oldValues = values, oldCount = mask + 1
        keys = Self.emptyKeys(oldCount * 2)
        values = .allocate(capacity: oldCount * 2)
        mask = oldCount * 2 - 1
        shift -= 1
        count = 0
        for index in 0..<oldCount where oldKeys[index].full {
            let (slot, _) = slot(of: oldKeys[index].key)
            keys[slot] = Key(key: oldKeys[index].key, full: true)
            (values + slot).moveInitialize(from: oldValues + index, count: 1)
            count += 1
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }

    /// The entry with the smallest key among those whose value satisfies `predicate`, if any:
    /// the smallest, rather than the first in the table, so the answer does not depend on the
    /// multiplier.
    func first(where predicate: (Value) -> Bool) -> (key: Int64, value: Value)? {
        var best: (key: Int64, value: Value)?
        for index in 0...mask where keys[index].full {
            let key = keys[index].key
            if predicate(values[index]), best.map({ key < $0.key }) ?? true { best = (key, values[index]) }
        }
        return best
    }

    /// Every entry, in key order.
    func sortedEntries() -> [(key: Int64, value: Value)] {
        var entries: [(key: Int64, value: Value)] = []
        for index in 0...mask where keys[index].full { entries.append((keys[index].key, values[index])) }
        return entries.sorted { $0.key < $1.key }
    }
}
