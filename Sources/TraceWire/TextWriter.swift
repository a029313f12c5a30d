import TraceV2

/// Prints raw events in Go's text format, exactly as `go tool trace -d=wire` prints them.
///
/// Each event is its name and `name=value` arguments on one line. Stack frames follow on lines
/// of their own, indented by a tab, as `pc= func= file= line=`; trailing data follows on an
/// indented `data=` line quoted as Go quotes strings. With the `Trace Go1.N` first line from
/// ``writeHeader(_:)``, the output is the text format that ``TextReader`` reads back.
public struct TextWriter {
    private let output: OutputBuffer
    private let table = EventTable.shared
    /// `\n\tpc=`, ` func=`, ` file=`, ` line=` back to back, with where each one starts.
    private static let frameLabels: [UInt8] = Array("\n\tpc= func= file= line=".utf8)
    private static let frameLabelStarts = [0, 5, 11, 17, 23]
    private static let dataLabel: [UInt8] = Array("\n\tdata=".utf8)

    /// The longest name and argument labels of one event line, with room for their values.
    private static let lineReservation = 512

    /// Prints into `output`.
    public init(output: OutputBuffer) {
        self.output = output
    }

    /// Prints the `Trace Go1.N` line that starts a text trace.
    public func writeHeader(_ version: TraceVersion) throws {
        try output.write("Trace Go1.\(version.rawValue)\n")
    }

    /// Prints one event and its line break.
    public func write(_ event: WireEventView) throws {
        try write(type: event.type, args: event.args, data: event.data)
    }

    /// Prints one event and its line break.
    public func write(_ event: WireEvent) throws {
        try event.args.withUnsafeBufferPointer { args in
            if let data = event.data {
                try data.withUnsafeBytes { try write(type: event.type, args: args, data: $0) }
            } else {
                try write(type: event.type, args: args, data: nil)
            }
        }
    }

    private func write(type: EventType, args: UnsafeBufferPointer<UInt64>, data: UnsafeRawBufferPointer?) throws {
        let row = table[type.rawValue]
        try output.reserve(Self.lineReservation)
        var out = output.cursor
        let start = out
        out.update(from: table.pool + row.nameStart, count: row.nameLength)
        out += row.nameLength
        var labelIndex = row.labelIndex
        let fixed = min(row.argCount, args.count)
        for index in 0..<fixed {
            let labelStart = table.labelStarts[labelIndex]
            let labelLength = table.labelStarts[labelIndex + 1] - labelStart
            out.update(from: table.pool + labelStart, count: labelLength)
            out += labelLength
            out = Self.appendDecimal(args[index], at: out)
            labelIndex += 1
        }
        output.advance(out - start)
        if row.isStack, args.count > fixed {
            try writeFrames(UnsafeBufferPointer(rebasing: args[fixed...]))
        }
        if let data {
            try Self.dataLabel.withUnsafeBytes { try output.write($0) }
            try GoQuote.append(data, to: output)
        }
        try output.reserve(1)
        output.cursor.pointee = 0x0a
        output.advance(1)
    }

    private func writeFrames(_ values: UnsafeBufferPointer<UInt64>) throws {
        try Self.frameLabels.withUnsafeBufferPointer { labels in
            for (index, value) in values.enumerated() {
                let field = index & 3
                if field == 0 { try output.reserve(4 * 32) }
                var out = output.cursor
                let start = out
                let labelStart = Self.frameLabelStarts[field]
                let labelLength = Self.frameLabelStarts[field + 1] - labelStart
                out.update(from: labels.baseAddress! + labelStart, count: labelLength)
                out += labelLength
                out = Self.appendDecimal(value, at: out)
                output.advance(out - start)
            }
        }
    }

    /// Two decimal digits for every value below 100, for printing numbers two digits at a time.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for value in 0..<100 {
            pairs.append(UInt8(0x30 + value / 10))
            pairs.append(UInt8(0x30 + value % 10))
        }
        return pairs
    }()

    /// Writes `value` in decimal at `out` and returns the position after it (at most 20 bytes).
    @inline(__always)
    static func appendDecimal(_ value: UInt64, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if value < 10 {
            out.pointee = 0x30 &+ UInt8(truncatingIfNeeded: value)
            return out + 1
        }
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length += 1
        }
        var rest = value
        var at = length
        digitPairs.withUnsafeBufferPointer { pairs in
            while rest >= 100 {
                let pair = Int(rest % 100) * 2
                rest /= 100
                at -= 2
                out[at] = pairs[pair]
                out[at + 1] = pairs[pair + 1]
            }
            if rest >= 10 {
                let pair = Int(rest) * 2
                out[0] = pairs[pair]
                out[1] = pairs[pair + 1]
            } else {
                out[0] = 0x30 &+ UInt8(truncatingIfNeeded: rest)
            }
        }
        return out + length
    }
}
