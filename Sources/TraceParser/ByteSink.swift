import TraceWire

/// A byte buffer the printers format into by hand, handed on in large pieces (to an
/// ``OutputBuffer``, or to another thread): no allocation and no string building per event.
final class ByteSink {
    private let storage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    /// Takes each full buffer, and inputs too large to buffer; the bytes are valid only during the call.
    private let deliver: (UnsafeRawBufferPointer) throws -> Void

    /// "00" to "99", for writing two digits per division.
    private let digitPairs: UnsafeMutablePointer<UInt8>

    convenience init(output: OutputBuffer) {
        self.init { try output.write($0) }
    }

    /// - Parameter capacity: The bytes held before they are handed on; at least 256 (the most
    ///   one piece of an event line reserves).
    init(capacity: Int = 2 << 20, deliver: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.capacity = max(capacity, 256)
        self.deliver = deliver
        storage = .allocate(capacity: capacity)
        digitPairs = .allocate(capacity: 200)
        for value in 0..<100 {
            digitPairs[2 * value] = UInt8(48 + value / 10)
            digitPairs[2 * value + 1] = UInt8(48 + value % 10)
        }
    }

    deinit {
        storage.deallocate()
        digitPairs.deallocate()
    }

    /// Hands everything written so far on.
    func flush() throws {
        guard count > 0 else { return }
        try deliver(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Flushes when less than `room` bytes are free.
    @inline(__always)
    func ensure(_ room: Int) throws {
        if capacity - count < room { try flush() }
    }

    @inline(__always)
    func byte(_ value: UInt8) {
        storage[count] = value
        count += 1
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

    func bytes(_ array: [UInt8]) throws {
        try array.withUnsafeBytes { try bytes($0) }
    }

    /// Appends ASCII text known at compile time; short, so copied byte by byte in place.
    @inline(__always)
    func literal(_ string: StaticString) throws {
        let length = string.utf8CodeUnitCount
        if capacity - count < length { try flush() }
        let source = string.utf8Start
        let target = storage + count
        if length > 8 {
            UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: length)
        } else {
            for index in 0..<length { target[index] = source[index] }
        }
        count += length
    }

    func text(_ string: String) throws {
        var string = string
        try string.withUTF8 { try bytes(UnsafeRawBufferPointer($0)) }
    }


    /// Appends a decimal number.
    @inline(__always)
    func decimal(_ value: UInt64) throws {
        if capacity - count < 26 { try flush() }
        if value < 10 {
            storage[count] = UInt8(truncatingIfNeeded: value) &+ 48
            count += 1
            return
        }
        // Write the digits backwards into scratch space past the end, two at a time, then move
        // them down.
        let pairs = digitPairs
        var scratch = value
        let end = count + 24
        var at = end
        while scratch >= 100 {
            let (quotient, pair) = scratch.quotientAndRemainder(dividingBy: 100)
            at -= 2
            storage[at] = pairs[Int(pair) * 2]
            storage[at + 1] = pairs[Int(pair) * 2 + 1]
            scratch = quotient
        }
        if scratch >= 10 {
            at -= 2
            storage[at] = pairs[Int(scratch) * 2]
            storage[at + 1] = pairs[Int(scratch) * 2 + 1]
        } else {
            at -= 1
            storage[at] = UInt8(truncatingIfNeeded: scratch) &+ 48
        }
        let length = end - at
        // The two ranges can overlap for long numbers; raw copies allow that.
        UnsafeMutableRawPointer(storage + count).copyMemory(from: storage + at, byteCount: length)
        count += length
    }

    /// Appends a signed decimal number.
    @inline(__always)
    func decimal(_ value: Int64) throws {
        if value < 0 {
            try ensure(1)
            byte(UInt8(ascii: "-"))
            try decimal(value.magnitude)
        } else {
            try decimal(UInt64(value))
        }
    }

    /// Appends lower-case hex digits without a prefix.
    func hex(_ value: UInt64) throws {
        try ensure(16)
        let length = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
        var scratch = value
        var at = count + length - 1
        for _ in 0..<length {
            let digit = UInt8(truncatingIfNeeded: scratch & 0xf)
            storage[at] = digit < 10 ? digit + 48 : digit + 87
            scratch >>= 4
            at -= 1
        }
        count += length
    }
}
