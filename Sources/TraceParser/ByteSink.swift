import TraceWire

/// A byte buffer the printers format into by hand, handed on in large pieces (to an
/// ``OutputBuffer``, or to another thread): no allocation and no string building per event.
final class ByteSink {
    private let storage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    /// Takes each full buffer, and inputs too large to buffer; the bytes are valid only during the call.
    private let deliver: (UnsafeRawBufferPointer) throws -> Void

    /// "00" to "99" (two bytes each, for writing two digits per division), then 10⁰ to 10¹⁹ as
    /// `UInt64`s from ``powersOffset``, for counting digits.
    private let digits: UnsafeMutableRawPointer
    static var powersOffset: Int { 200 }

    convenience init(output: OutputBuffer) {
        self.init { try output.write($0) }
    }

    /// - Parameter capacity: The bytes held before they are handed on; at least 256 (the most
    ///   one piece of an event line reserves).
    init(capacity: Int = 2 << 20, deliver: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.capacity = max(capacity, 256)
        self.deliver = deliver
        storage = .allocate(capacity: self.capacity)
        digits = .allocate(byteCount: Self.powersOffset + 20 * 8, alignment: 8)
        for value in 0..<100 {
            digits.storeBytes(of: UInt8(48 + value / 10), toByteOffset: 2 * value, as: UInt8.self)
            digits.storeBytes(of: UInt8(48 + value % 10), toByteOffset: 2 * value + 1, as: UInt8.self)
        }
        var power: UInt64 = 1
        for exponent in 0..<20 {
            digits.storeBytes(of: power, toByteOffset: Self.powersOffset + 8 * exponent, as: UInt64.self)
            power = power &* 10
        }
    }

    deinit {
        storage.deallocate()
        digits.deallocate()
    }

    /// The bytes written and not yet handed on.
    var pending: Int { count }

    /// Hands everything written so far on.
    func flush() throws {
        guard count > 0 else { return }
        try deliver(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Appends bytes, flushing first if they do not fit; large inputs go straight through.
    func bytes(_ bytes: UnsafeRawBufferPointer) throws {
        if capacity - count < bytes.count { try flush() }
        if bytes.count > capacity {
            try deliver(bytes)
            return
        }
        if let base = bytes.baseAddress {
            (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }
}

// MARK: Formatting through a cursor

extension ByteSink {
    /// A write position with room known to be free up to `limit`. Formatting through a local
    /// cursor keeps the position in a register; writing through the sink itself loads and stores
    /// `count` around every piece and checks the room for each (callgrind, printing thread of
    /// `gotrace parsed` on a 3.9 MB trace of 781k events: 1,525M instructions through the sink,
    /// 1,030M through a cursor with the faster `decimal` below). Hand it back with
    /// ``commit(_:)`` before using the sink directly.
    struct Cursor {
        var at: UnsafeMutablePointer<UInt8>
        let limit: UnsafeMutablePointer<UInt8>
        /// The sink's ``ByteSink/digits`` table.
        let digits: UnsafeRawPointer

        /// The bytes free past `at`.
        @inline(__always)
        var room: Int { limit - at }

        /// Makes sure `room` bytes are free, flushing the sink if not.
        @inline(__always)
        mutating func ensure(_ room: Int, _ sink: ByteSink) throws {
            if limit - at < room { self = try sink.cursor(after: self, room: room) }
        }

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            at.pointee = value
            at += 1
        }

        /// ASCII text known at compile time; its length is then a constant, so the copy is a few
        /// moves. Needs the room checked before.
        @inline(__always)
        mutating func literal(_ string: StaticString) {
            let length = string.utf8CodeUnitCount
            UnsafeMutableRawPointer(at).copyMemory(from: string.utf8Start, byteCount: length)
            at += length
        }

        /// Appends bytes, flushing first if they do not fit.
        @inline(__always)
        mutating func bytes(_ bytes: UnsafeRawBufferPointer, _ sink: ByteSink) throws {
            if bytes.count <= limit - at {
                if let base = bytes.baseAddress {
                    UnsafeMutableRawPointer(at).copyMemory(from: base, byteCount: bytes.count)
                }
                at += bytes.count
            } else {
                self = try sink.cursor(after: self, writing: bytes)
            }
        }

        mutating func bytes(_ array: [UInt8], _ sink: ByteSink) throws {
            try array.withUnsafeBytes { try bytes($0, sink) }
        }

        mutating func text(_ string: String, _ sink: ByteSink) throws {
            var string = string
            try string.withUTF8 { try bytes(UnsafeRawBufferPointer($0), sink) }
        }

        /// A decimal number; needs 20 bytes of room.
        @inline(__always)
        mutating func decimal(_ value: UInt64) {
            if value < 10 {
                at.pointee = UInt8(truncatingIfNeeded: value) &+ 48
                at += 1
                return
            }
            // The digit count, from the bit count (1233 / 4096 is just above log10(2)) and one
            // comparison with the power of ten it may reach.
            let estimate = ((64 &- value.leadingZeroBitCount) &* 1233) &>> 12
            let power = digits.load(fromByteOffset: ByteSink.powersOffset &+ estimate &* 8, as: UInt64.self)
            let count = value >= power ? estimate &+ 1 : estimate
            var end = at + count
            at = end
            // Eight digits at a time, in 32-bit arithmetic, then two at a time from the back.
            var rest = value
            while rest >= 100_000_000 {
                let (quotient, low) = rest.quotientAndRemainder(dividingBy: 100_000_000)
                end -= 8
                eightDigits(UInt32(truncatingIfNeeded: low), end)
                rest = quotient
            }
            var small = UInt32(truncatingIfNeeded: rest)
            while small >= 100 {
                let (quotient, pair) = small.quotientAndRemainder(dividingBy: 100)
                end -= 2
                twoDigits(pair, end)
                small = quotient
            }
            if small >= 10 {
                twoDigits(small, end - 2)
            } else {
                end[-1] = UInt8(truncatingIfNeeded: small) &+ 48
            }
        }

        /// A signed decimal number; needs 20 bytes of room.
        @inline(__always)
        mutating func decimal(_ value: Int64) {
            if value < 0 {
                byte(UInt8(ascii: "-"))
            }
            decimal(value.magnitude)
        }

        /// Lower-case hex digits without a prefix; needs 16 bytes of room.
        mutating func hex(_ value: UInt64) {
            let length = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
            var scratch = value
            var digit = at + length
            for _ in 0..<length {
                digit -= 1
                let nibble = UInt8(truncatingIfNeeded: scratch & 0xf)
                digit.pointee = nibble < 10 ? nibble &+ 48 : nibble &+ 87
                scratch >>= 4
            }
            at += length
        }

        /// Writes `value` (below 100) as two digits at `target`.
        @inline(__always)
        private func twoDigits(_ value: UInt32, _ target: UnsafeMutablePointer<UInt8>) {
            let pair = digits.loadUnaligned(fromByteOffset: Int(value) &* 2, as: UInt16.self)
            UnsafeMutableRawPointer(target).storeBytes(of: pair, as: UInt16.self)
        }

        /// Writes `value` (below 10⁸) as eight digits at `target`.
        @inline(__always)
        private func eightDigits(_ value: UInt32, _ target: UnsafeMutablePointer<UInt8>) {
            let (high, low) = value.quotientAndRemainder(dividingBy: 10_000)
            let (first, second) = high.quotientAndRemainder(dividingBy: 100)
            let (third, fourth) = low.quotientAndRemainder(dividingBy: 100)
            twoDigits(first, target)
            twoDigits(second, target + 2)
            twoDigits(third, target + 4)
            twoDigits(fourth, target + 6)
        }
    }

    /// A cursor at the end of what is written, with at least `room` bytes free (flushing if
    /// needed; `room` must not pass the capacity).
    @inline(__always)
    func cursor(room: Int) throws -> Cursor {
        if capacity - count < room { try flush() }
        return Cursor(at: storage + count, limit: storage + capacity, digits: UnsafeRawPointer(digits))
    }

    /// Takes back what was written through `cursor`.
    @inline(__always)
    func commit(_ cursor: Cursor) {
        count = cursor.at - storage
    }

    /// Commits `cursor` and flushes, for a cursor that ran out of room.
    @inline(never)
    fileprivate func cursor(after cursor: Cursor, room: Int) throws -> Cursor {
        commit(cursor)
        try flush()
        return self.cursor(unchecked: ())
    }

    /// Commits `cursor` and appends `bytes`, which did not fit in its room.
    @inline(never)
    fileprivate func cursor(after cursor: Cursor, writing bytes: UnsafeRawBufferPointer) throws -> Cursor {
        commit(cursor)
        try self.bytes(bytes)
        return self.cursor(unchecked: ())
    }

    private func cursor(unchecked: Void) -> Cursor {
        Cursor(at: storage + count, limit: storage + capacity, digits: UnsafeRawPointer(digits))
    }
}
