/// Go's `strconv.Unquote` for the three literal forms: `"interpreted"`, `` `raw` `` and `'c'`.
///
/// The result is bytes, not a string, because `\xHH` and octal escapes may produce any byte.
enum GoUnquote {
    /// The bytes the literal stands for, or nil if it is not a valid Go literal.
    static func unquote(_ literal: [UInt8]) -> [UInt8]? {
        guard literal.count >= 2, let quote = literal.first, literal.last == quote else { return nil }
        let body = Array(literal[1..<(literal.count - 1)])
        switch quote {
        case UInt8(ascii: "`"):
            // Raw strings hold anything but a backquote; carriage returns are dropped.
            guard !body.contains(UInt8(ascii: "`")) else { return nil }
            return body.filter { $0 != 0x0d }
        case UInt8(ascii: "\""):
            return interpreted(body, quote: quote)
        case UInt8(ascii: "'"):
            // A character literal holds exactly one character; Go also lets `''` through as empty.
            if body.isEmpty { return [] }
            guard let bytes = interpreted(body, quote: quote), !body.isEmpty,
                  let (_, width) = character(body, at: 0, quote: quote), width == body.count else { return nil }
            return bytes
        default:
            return nil
        }
    }

    private static func interpreted(_ body: [UInt8], quote: UInt8) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            guard let (bytes, width) = character(body, at: index, quote: quote) else { return nil }
            result += bytes
            index += width
        }
        return result
    }

    /// Decodes one character or escape of a quoted literal: the bytes it stands for and how many
    /// literal bytes it used.
    private static func character(_ body: [UInt8], at index: Int, quote: UInt8) -> ([UInt8], Int)? {
        let byte = body[index]
        if byte == quote || byte == 0x0a { return nil }
        if byte >= 0x80 {
            // Raw bytes that are not valid UTF-8 turn into U+FFFD, as in Go.
            let (_, width) = body.withUnsafeBytes { GoQuote.decodeScalar($0, at: index) }
            if width == 0 { return ([0xef, 0xbf, 0xbd], 1) }
            return (Array(body[index..<(index + width)]), width)
        }
        if byte != UInt8(ascii: "\\") { return ([byte], 1) }
        guard index + 1 < body.count else { return nil }
        let letter = body[index + 1]
        switch letter {
        case UInt8(ascii: "a"): return ([0x07], 2)
        case UInt8(ascii: "b"): return ([0x08], 2)
        case UInt8(ascii: "f"): return ([0x0c], 2)
        case UInt8(ascii: "n"): return ([0x0a], 2)
        case UInt8(ascii: "r"): return ([0x0d], 2)
        case UInt8(ascii: "t"): return ([0x09], 2)
        case UInt8(ascii: "v"): return ([0x0b], 2)
        case UInt8(ascii: "\\"): return ([0x5c], 2)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            // Each literal form may only escape its own quote.
            return letter == quote ? ([letter], 2) : nil
        case UInt8(ascii: "x"):
            guard let value = hex(body, from: index + 2, digits: 2) else { return nil }
            return ([UInt8(value)], 4)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = letter == UInt8(ascii: "u") ? 4 : 8
            guard let value = hex(body, from: index + 2, digits: digits),
                  let scalar = Unicode.Scalar(value) else { return nil }
            return (Array(String(Character(scalar)).utf8), 2 + digits)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard index + 3 < body.count else { return nil }
            var value = 0
            for digit in body[(index + 1)...(index + 3)] {
                guard digit >= 0x30, digit <= 0x37 else { return nil }
                value = value * 8 + Int(digit - 0x30)
            }
            guard value <= 0xff else { return nil }
            return ([UInt8(value)], 4)
        default:
            return nil
        }
    }

    private static func hex(_ body: [UInt8], from start: Int, digits: Int) -> UInt32? {
        guard start + digits <= body.count else { return nil }
        var value: UInt32 = 0
        for byte in body[start..<(start + digits)] {
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte - 0x30
            case 0x61...0x66: nibble = byte - 0x57
            case 0x41...0x46: nibble = byte - 0x37
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
