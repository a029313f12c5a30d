/// A hash index from 64-bit IDs to small numbers (an index into an array of the caller's), for
/// the profile builder's look-ups on every state change: a goroutine's state, a stack's sample,
/// a reason's class, a goroutine and sample's tally.
///
/// Open addressing with linear probing, no removal. The IDs come from the trace, so its writer
/// chooses them: each index hashes with a random odd multiplier of its own (the top bits of the
/// product), so that no choice of IDs makes them share slots more often than chance would,
/// at the cost of one multiplication where the standard library's Dictionary runs SipHash.
/// Nothing is ever read back in slot order, so the output does not depend on the draw.
struct IDIndex {
    private struct Slot {
        var key: UInt64
        /// The number stored for `key`; -1 for an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private(set) var count = 0
    private var shift: UInt64
    private let multiplier: UInt64

    init() {
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: 16)
        shift = 64 - 4
        multiplier = UInt64.random(in: .min ... .max) | 1
    }

    /// The number stored for `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count &- 1
            var index = Int(truncatingIfNeeded: (key &* multiplier) >> shift)
            while true {
                let slot = slots[index]
                if slot.value < 0 || slot.key == key { return slot.value }
                index = (index &+ 1) & mask
            }
        }
    }

    /// Stores `value` (not negative) for a `key` that has none.
    mutating func insert(_ key: UInt64, _ value: Int32) {
        precondition(value >= 0)
        if (count + 1) * 2 > slots.count { grow() }
        place(key, value)
        count += 1
    }

    /// Forgets every key, keeping the room.
    mutating func removeAll() {
        guard count > 0 else { return }
        slots.withUnsafeMutableBufferPointer { slots in
            for index in slots.indices { slots[index].value = -1 }
        }
        count = 0
    }

    private mutating func place(_ key: UInt64, _ value: Int32) {
        let multiplier = multiplier, shift = shift
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count &- 1
            var index = Int(truncatingIfNeeded: (key &* multiplier) >> shift)
            while slots[index].value >= 0 { index = (index &+ 1) & mask }
            slots[index] = Slot(key: key, value: value)
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: old.count * 2)
        shift -= 1
        for slot in old where slot.value >= 0 { place(slot.key, slot.value) }
    }
}
