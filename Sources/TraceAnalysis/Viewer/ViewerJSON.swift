/// The text of the Catapult trace-event JSON, written the way Go's `encoding/json` writes it
/// (Go 1.27.3): the same key order, the same omitted empty fields, the same number and string
/// forms. Events stream out one per line as they are finished; the `stackFrames` table, which
/// holds only frames that written events refer to, closes the document.
final class ViewerJSONWriter: ViewerSink {
    // The text lives in a struct so that one event is one (checked) access to it, rather than
    // one per byte appended: the per-access exclusivity checks took a third of the time.
    private var text = ViewerJSONText(capacity: chunkSize + 4096)
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var eventCount = 0
    /// Bytes collected before they are handed to the sink.
    private static let chunkSize = 1 << 16

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
        text.append("{\"displayTimeUnit\":\"ns\"\n,")
    }

    deinit {
        text.deallocate()
    }

    /// Writes one event of the `traceEvents` array.
    func write(_ event: ViewerEvent) throws {
        text.appendEvent(event, first: eventCount == 0)
        eventCount += 1
        if text.count >= Self.chunkSize { try flush() }
    }

    /// Closes the array, writes the frame table (keys in the order Go sorts a map's string keys)
    /// and the closing brace, and hands everything to the sink.
    func finish(frames: ViewerFrames) throws {
        text.append("], \"stackFrames\":{")
        let sorted = frames.referencedFrames.map { (key: String($0.id), frame: $0) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (index, entry) in sorted.enumerated() {
            text.appendFrame(key: entry.key, name: entry.frame.name, parent: entry.frame.parent, first: index == 0)
            if text.count >= Self.chunkSize { try flush() }
        }
        text.append("}\n}")
        try flush()
    }

    private func flush() throws {
        guard text.count > 0 else { return }
        try sink(text.written)
        text.removeAll()
    }
}

/// The bytes of the document, with Go's way of writing each part. It writes through a pointer
/// into storage its owner frees: appending to an array cost a uniqueness and capacity check and
/// a call per piece, a quarter of the time.
struct ViewerJSONText {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    /// Frees the storage; the owner calls it once, last.
    func deallocate() {
        base.deallocate()
    }

    /// The bytes written since the last ``removeAll()``.
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    mutating func removeAll() {
        count = 0
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        storage.update(from: base, count: count)
        base.deallocate()
        base = storage
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: start, count: bytes.count)
        count += bytes.count
    }

    mutating func appendEvent(_ event: ViewerEvent, first: Bool) {
        append(first ? "\"traceEvents\": [" : ",")
        append("{")
        if !event.name.isEmpty {
            append("\"name\":")
            appendString(event.name)
            append(",")
        }
        append("\"ph\":\"")
        appendByte(event.phase.rawValue)
        append("\"")
        if let scope = event.scope {
            append(",\"s\":")
            appendString(scope)
        }
        append(",\"ts\":")
        appendMicroseconds(event.time)
        if event.duration != 0 {
            append(",\"dur\":")
            appendMicroseconds(event.duration)
        }
        append(",\"pid\":")
        appendInteger(event.section.rawValue)
        append(",\"tid\":")
        appendInteger(event.track)
        if event.id != 0 {
            append(",\"id\":")
            appendInteger(event.id)
        }
        if event.stack != 0 {
            append(",\"sf\":")
            appendInteger(UInt64(event.stack))
        }
        if event.endStack != 0 {
            append(",\"esf\":")
            appendInteger(UInt64(event.endStack))
        }
        if let arguments = event.arguments {
            append(",\"args\":")
            appendArguments(arguments)
        }
        if let category = event.category {
            append(",\"cat\":")
            appendString(category)
        }
        append("}\n")
    }

    mutating func appendFrame(key: String, name: String, parent: Int, first: Bool) {
        if !first { append(",") }
        appendString(key)
        append(":{\"name\":")
        appendString(name)
        if parent != 0 {
            append(",\"parent\":")
            appendInteger(UInt64(parent))
        }
        append("}")
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        (base + count).update(from: text.utf8Start, count: length)
        count += length
    }

    private mutating func appendInteger(_ value: UInt64) {
        if value < 10 {
            appendByte(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var length = 0
        var rest = value
        while rest > 0 {
            length += 1
            rest /= 10
        }
        reserve(length)
        rest = value
        var index = count + length - 1
        while rest > 0 {
            base[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        count += length
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { appendByte(UInt8(ascii: "-")) }
        appendInteger(value.magnitude)
    }

    private mutating func appendArguments(_ arguments: ViewerEvent.Arguments) {
        switch arguments {
        case .name(let name):
            append("{\"name\":")
            appendString(name)
            append("}")
        case .sortIndex(let index):
            append("{\"sort_index\":")
            appendInteger(index)
            append("}")
        case .blocked(let blocked):
            append(blocked ? "{\"blocked\":\"yes\"}" : "{\"blocked\":\"no\"}")
        case .schedulingContext(let thread, let proc):
            // Both fields are left out when zero, as Go's `omitempty` does.
            append("{")
            if thread != 0 {
                append("\"thread\":")
                appendInteger(thread)
            }
            if proc != 0 {
                if thread != 0 { append(",") }
                append("\"proc\":")
                appendInteger(proc)
            }
            append("}")
        case .goroutineCounts(let running, let runnable, let gcWaiting):
            append("{\"Running\":")
            appendInteger(running)
            append(",\"Runnable\":")
            appendInteger(runnable)
            append(",\"GCWaiting\":")
            appendInteger(gcWaiting)
            append("}")
        case .threadCounts(let running, let inSyscall):
            append("{\"Running\":")
            appendInteger(running)
            append(",\"InSyscall\":")
            appendInteger(inSyscall)
            append("}")
        case .heap(let allocated, let nextGC):
            append("{\"Allocated\":")
            appendInteger(allocated)
            append(",\"NextGC\":")
            appendInteger(nextGC)
            append("}")
        }
    }

    /// Nanoseconds as Go prints `float64(ns)/1000`: the shortest decimal that reads back as the
    /// same double, without an exponent in the range traces use.
    private mutating func appendMicroseconds(_ nanoseconds: Int64) {
        // Below about 11 days, doubles are dense enough that the shortest form of ns/1000 is
        // the exact decimal: whole microseconds, then up to three digits without trailing zeros.
        guard nanoseconds.magnitude < Self.exactLimit else {
            var text = Self.microsecondText(nanoseconds)
            text.withUTF8 { appendBytes($0) }
            return
        }
        if nanoseconds < 0 { appendByte(UInt8(ascii: "-")) }
        let magnitude = nanoseconds.magnitude
        appendInteger(magnitude / 1000)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return }
        appendByte(UInt8(ascii: "."))
        var width = 3
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor: UInt64 = width == 3 ? 100 : width == 2 ? 10 : 1
        while divisor > 0 {
            appendByte(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// Where ``appendMicroseconds(_:)`` stops trusting the exact decimal: 1e15 ns.
    private static let exactLimit: UInt64 = 1_000_000_000_000_000

    /// The JSON number Go's encoder writes for `float64(ns) / 1e3`.
    private static func microsecondText(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds) / 1000
        return goFloatText(value)
    }

    /// Go's `encoding/json` form of a float64: `strconv` shortest digits, in plain notation
    /// unless the magnitude is below 1e-6 or at least 1e21.
    private static func goFloatText(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        // Swift's description has the same shortest digits; only the layout differs.
        let (digits, exponent) = shortestDigits(magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude < 1e-6 || magnitude >= 1e21 {
            // d.ddde±XX with the exponent unpadded, as Go's encoder leaves it.
            var text = String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let power = exponent - 1
            text += power < 0 ? "e-" + String(-power) : "e+" + (power < 10 ? "0" : "") + String(power)
            return sign + text
        }
        // The value is 0.digits × 10^exponent.
        if exponent <= 0 {
            return sign + "0." + String(repeating: "0", count: -exponent) + digits
        }
        if exponent >= digits.count {
            return sign + digits + String(repeating: "0", count: exponent - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The shortest round-tripping decimal digits of a positive double and the exponent that
    /// makes the value `0.DIGITS × 10^exponent`.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        // `description` gives the shortest round-trip digits, as plain text or with `e`.
        let text = value.description
        var mantissa = Substring(text)
        var power = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            power = Int(text[text.index(after: e)...]) ?? 0
        }
        var integral = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integral = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integral) + fraction
        var exponent = integral.count + power
        // Strip leading zeros (each moves the point) and trailing zeros.
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, exponent)
    }

    /// A JSON string as Go's encoder writes it with HTML escaping on: `<`, `>` and `&` as
    /// `\u003c` and so on, U+2028 and U+2029 escaped, other control characters as `\uXXXX`.
    private mutating func appendString(_ text: String) {
        appendByte(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                    && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "&") {
                    appendByte(byte)
                } else if byte < 0x80 {
                    switch byte {
                    case UInt8(ascii: "\""): append("\\\"")
                    case UInt8(ascii: "\\"): append("\\\\")
                    case 0x08: append("\\b")
                    case 0x0C: append("\\f")
                    case UInt8(ascii: "\n"): append("\\n")
                    case UInt8(ascii: "\r"): append("\\r")
                    case UInt8(ascii: "\t"): append("\\t")
                    default: appendUnicodeEscape(UInt32(byte))
                    }
                } else if byte == 0xE2 && index + 2 < utf8.count && utf8[index + 1] == 0x80
                            && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9) {
                    // U+2028 and U+2029, which JavaScript does not allow in strings.
                    appendUnicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                    index += 2
                } else {
                    // Other UTF-8 is written as it is; a Swift string is always valid UTF-8.
                    appendByte(byte)
                }
                index += 1
            }
        }
        appendByte(UInt8(ascii: "\""))
    }

    private mutating func appendUnicodeEscape(_ value: UInt32) {
        let hex = Array("0123456789abcdef".utf8)
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            appendByte(hex[Int((value >> UInt32(shift)) & 0xf)])
        }
    }
}

/// One entry of `traceEvents`, with Go's field meanings: times are nanoseconds since the start
/// of the trace (written as microseconds), `track` is Catapult's `tid`.
struct ViewerEvent {
    enum Phase: UInt8 {
        case slice = 0x58 // X
        case instant = 0x49 // I
        case counter = 0x43 // C
        case metadata = 0x4D // M
        case flowStart = 0x73 // s
        case flowStep = 0x74 // t
    }

    /// Catapult's `pid`: the three sections Go's viewer lays out.
    enum Section: UInt64 {
        /// Procs, threads or goroutines, with the GC, network, timer and syscall tracks.
        case timelines = 0
        /// The goroutine, thread and heap counters.
        case statistics = 1
    }

    /// The `args` object of the kinds Go writes.
    enum Arguments {
        case name(String)
        case sortIndex(Int64)
        case blocked(Bool)
        case schedulingContext(thread: UInt64, proc: UInt64)
        case goroutineCounts(running: UInt64, runnable: UInt64, gcWaiting: UInt64)
        case threadCounts(running: Int64, inSyscall: Int64)
        case heap(allocated: UInt64, nextGC: UInt64)
    }

    var name: String
    var phase: Phase
    var scope: String? = nil
    var time: Int64 = 0
    var duration: Int64 = 0
    var section: Section = .timelines
    var track: UInt64 = 0
    var id: UInt64 = 0
    var stack = 0
    var endStack = 0
    var arguments: Arguments? = nil
    var category: String? = nil
}
