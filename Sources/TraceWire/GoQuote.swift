/// Go's `strconv.Quote`, byte for byte: the `%q` form that `go tool trace -d=wire` prints
/// trailing data in.
///
/// The rules: the input is decoded as UTF-8 the way Go decodes it; a byte that does not start a
/// valid sequence prints as `\xHH`; `"` and `\` get a backslash; scalars that Go calls printable
/// stay as they are; the usual control letters print as `\a \b \f \n \r \t \v`; other scalars
/// print as `\xHH` below space and for DEL, `\uHHHH` below U+10000 and `\UHHHHHHHH` above, with
/// lower-case hex.
package enum GoQuote {
    /// The most bytes quoting can produce per input byte (`\xHH` for one byte).
    static let maxExpansion = 4

    /// Quotes `bytes` as Go's `strconv.Quote` would.
    package static func quote(_ bytes: [UInt8]) -> String {
        // One call to `append` reserves four bytes per input byte, more than an OutputBuffer
        // holds for long inputs, so quote those in pieces and join the pieces' insides.
        let pieceSize = (OutputBuffer.maxReservation - 2) / maxExpansion - 4
        guard bytes.count > pieceSize else {
            let output = OutputBuffer()
            bytes.withUnsafeBytes { try! append($0, to: output) }
            return output.text
        }
        var result = "\""
        var start = 0
        while start < bytes.count {
            var end = min(start + pieceSize, bytes.count)
            // Cut before a byte that cannot continue a UTF-8 sequence, so no scalar is split. A
            // sequence is at most four bytes: if none of the last four bytes can start one,
            // cutting anywhere among them splits nothing.
            if end < bytes.count, let cut = (end - 3...end).reversed().first(where: { bytes[$0] & 0xc0 != 0x80 }) {
                end = cut
            }
            let output = OutputBuffer()
            bytes[start..<end].withUnsafeBytes { try! append($0, to: output) }
            result += output.text.dropFirst().dropLast()
            start = end
        }
        return result + "\""
    }

    /// Appends the quoted form of `bytes`, quotes included.
    static func append(_ bytes: UnsafeRawBufferPointer, to output: OutputBuffer) throws {
        try output.reserve(bytes.count * maxExpansion + 2)
        let start = output.cursor
        var out = start
        out.pointee = UInt8(ascii: "\"")
        out += 1
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte >= 0x20, byte < 0x7f, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                out.pointee = byte
                out += 1
                index += 1
                continue
            }
            if byte < 0x80 {
                out = escapeASCII(byte, at: out)
                index += 1
                continue
            }
            let (scalar, width) = decodeScalar(bytes, at: index)
            if width == 0 {
                out = hexEscape(UInt32(byte), letter: UInt8(ascii: "x"), digits: 2, at: out)
                index += 1
            } else if isPrintable(scalar) {
                for offset in 0..<width { out[offset] = bytes[index + offset] }
                out += width
                index += width
            } else if scalar < 0x10000 {
                out = hexEscape(scalar, letter: UInt8(ascii: "u"), digits: 4, at: out)
                index += width
            } else {
                out = hexEscape(scalar, letter: UInt8(ascii: "U"), digits: 8, at: out)
                index += width
            }
        }
        out.pointee = UInt8(ascii: "\"")
        out += 1
        output.advance(out - start)
    }

    /// Whether Go's `strconv.IsPrint` accepts the scalar.
    package static func isPrintable(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x20 && scalar < 0x7f }
        // Find the last range that starts at or before the scalar.
        let ranges = goPrintableRanges
        var low = 0
        var high = ranges.count / 2
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle * 2] <= scalar { low = middle + 1 } else { high = middle }
        }
        return low > 0 && scalar <= ranges[(low - 1) * 2 + 1]
    }

    /// Decodes one UTF-8 sequence the way Go's `utf8.DecodeRune` does. Returns a width of 0 for
    /// a byte that does not start a complete, valid sequence (overlong forms, surrogates and
    /// values above U+10FFFF included).
    static func decodeScalar(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (UInt32, Int) {
        let first = bytes[index]
        let remaining = bytes.count - index
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xbf) -> UInt32? {
            guard offset < remaining else { return nil }
            let byte = bytes[index + offset]
            return byte >= low && byte <= high ? UInt32(byte & 0x3f) : nil
        }
        switch first {
        case 0xc2...0xdf:
            guard let second = continuation(1) else { return (0, 0) }
            return (UInt32(first & 0x1f) << 6 | second, 2)
        case 0xe0...0xef:
            let low: UInt8 = first == 0xe0 ? 0xa0 : 0x80
            let high: UInt8 = first == 0xed ? 0x9f : 0xbf
            guard let second = continuation(1, low, high), let third = continuation(2) else { return (0, 0) }
            return (UInt32(first & 0x0f) << 12 | second << 6 | third, 3)
        case 0xf0...0xf4:
            let low: UInt8 = first == 0xf0 ? 0x90 : 0x80
            let high: UInt8 = first == 0xf4 ? 0x8f : 0xbf
            guard let second = continuation(1, low, high), let third = continuation(2), let fourth = continuation(3) else {
                return (0, 0)
            }
            return (UInt32(first & 0x07) << 18 | second << 12 | third << 6 | fourth, 4)
        default:
            return (0, 0)
        }
    }

    private static func escapeASCII(_ byte: UInt8, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let letter: UInt8
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): letter = byte
        case 0x07: letter = UInt8(ascii: "a")
        case 0x08: letter = UInt8(ascii: "b")
        case 0x0c: letter = UInt8(ascii: "f")
        case 0x0a: letter = UInt8(ascii: "n")
        case 0x0d: letter = UInt8(ascii: "r")
        case 0x09: letter = UInt8(ascii: "t")
        case 0x0b: letter = UInt8(ascii: "v")
        default: return hexEscape(UInt32(byte), letter: UInt8(ascii: "x"), digits: 2, at: out)
        }
        out[0] = UInt8(ascii: "\\")
        out[1] = letter
        return out + 2
    }

    private static func hexEscape(_ value: UInt32, letter: UInt8, digits: Int, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        out[0] = UInt8(ascii: "\\")
        out[1] = letter
        for position in 0..<digits {
            let nibble = UInt8((value >> UInt32(4 * (digits - 1 - position))) & 0xf)
            out[2 + position] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
        }
        return out + 2 + digits
    }
}
