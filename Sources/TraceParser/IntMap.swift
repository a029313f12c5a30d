/// A hash map from 64-bit IDs to values, for the ordering state's goroutines, procs and threads.
///
/// Open addressing with linear probing and a multiplicative hash: IDs in traces are small and
/// dense, and this avoids the cost of the standard library's seeded hasher on every event.
/// Removal shifts later entries of the probe run back, so lookups never need tombstones.
struct IntMap<Value> {
    private var keys: [Int64]
    private var values: [Value?]
    private var occupied: [Bool]
    private(set) var count = 0
    private var shift: UInt64

    init() {
        keys = [Int64](repeating: 0, count: 16)
        values = [Value?](repeating: nil, count: 16)
        occupied = [Bool](repeating: false, count: 16)
        shift = 64 - 4
    }

    @inline(__always)
    private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
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

    /// Some entry whose value satisfies `predicate`, if any.
    func first(where predicate: (Value) -> Bool) -> (key: Int64, value: Value)? {
        for index in keys.indices where occupied[index] {
            if let value = values[index], predicate(value) { return (keys[index], value) }
        }
        return nil
    }
}
