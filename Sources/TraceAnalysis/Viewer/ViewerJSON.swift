/// The text of the Catapult trace-event JSON, written the way Go's `encoding/json` writes it
/// (Go 1.27.3): the same key order, the same omitted empty fields, the same number and string
/// forms. Events stream out one per line as they are finished; the `stackFrames` table, which
/// holds only frames that written events refer to, closes the document.
final class ViewerJSONWriter {
    // The text lives in a struct so that one event is one (checked) access to it, rather than
    // one per byte appended: the per-access exclusivity checks took a third of the time.
    private var text = ViewerJSONText()
    private let sink: ([UInt8]) throws -> Void
    private var eventCount = 0
    /// Bytes collected before they are handed to the sink.
    private static let chunkSize = 1 << 16

    init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        text.bytes.reserveCapacity(Self.chunkSize + 4096)
        text.append("{\"displayTimeUnit\":\"ns\"\n,")
    }

    /// Writes one event of the `traceEvents` array.
    func write(_ event: ViewerEvent) throws {
        text.appendEvent(event, first: eventCount == 0)
        eventCount += 1
        if text.bytes.count >= Self.chunkSize { try flush() }
    }

    /// Closes the array, writes the frame table (keys in the order Go sorts a map's string keys)
    /// and the closing brace, and hands everything to the sink.
    func finish(frames: [(id: Int, name: String, parent: Int)]) throws {
        text.append("], \"stackFrames\":{")
        let sorted = frames.map { (key: String($0.id), frame: $0) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (index, entry) in sorted.enumerated() {
            text.appendFrame(key: entry.key, name: entry.frame.name, parent: entry.frame.parent, first: index == 0)
            if text.bytes.count >= Self.chunkSize { try flush() }
        }
        text.append("}\n}")
        try flush()
    }

    private func flush() throws {
        guard !text.bytes.isEmpty else { return }
        try sink(text.bytes)
        text.bytes.removeAll(keepingCapacity: true)
    }

    /// The JSON number Go's encoder writes for `float64(ns) / 1e3`.
    static func microsecondText(_ nanoseconds: Int64) -> String {
        ViewerJSONText.microsecondText(nanoseconds)
    }
}

/// The bytes of the document, with Go's way of writing each part.
struct ViewerJSONText {
    var bytes: [UInt8] = []

    mutating func appendEvent(_ event: ViewerEvent, first: Bool) {
        append(first ? "\"traceEvents\": [" : ",")
        append("{")
        if !event.name.isEmpty {
            append("\"name\":")
            appendString(event.name)
            append(",")
        }
        append("\"ph\":\"")
        bytes.append(event.phase.rawValue)
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

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendInteger(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes: room for 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { scratch in
            while rest > 0 {
                scratch[31 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: scratch[(32 - count)...])
        }
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
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
            bytes.append(contentsOf: Self.microsecondText(nanoseconds).utf8)
            return
        }
        if nanoseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = nanoseconds.magnitude
        appendInteger(magnitude / 1000)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 3
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor: UInt64 = width == 3 ? 100 : width == 2 ? 10 : 1
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// Where ``appendMicroseconds(_:)`` stops trusting the exact decimal: 1e15 ns.
    private static let exactLimit: UInt64 = 1_000_000_000_000_000

    /// The JSON number Go's encoder writes for `float64(ns) / 1e3`.
    static func microsecondText(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds) / 1000
        return goFloatText(value)
    }

    /// Go's `encoding/json` form of a float64: `strconv` shortest digits, in plain notation
    /// unless the magnitude is below 1e-6 or at least 1e21.
    static func goFloatText(_ value: Double) -> String {
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
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                    && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "&") {
                    bytes.append(byte)
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
                    bytes.append(byte)
                }
                index += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendUnicodeEscape(_ value: UInt32) {
        let hex = Array("0123456789abcdef".utf8)
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(hex[Int((value >> UInt32(shift)) & 0xf)])
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
