/// How spec text becomes part of generated files without ever becoming code.
///
/// This is the one place that knows the escaping rules of each target. The ``CodePrinter`` applies
/// them to every comment, string literal and Markdown cell, so a renderer cannot forget to.
public enum Escaping {
    /// Whether a scalar ends a line in some editor or language: LF, VT, FF, CR, NEL, U+2028 and U+2029.
    /// (CRLF is a CR followed by an LF and ends one line.)
    public static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Whether a scalar is invisible or steers the display of text: controls and format characters
    /// (category Cf: bidirectional overrides, zero-width spaces, the BOM).
    public static func isHiddenOrControl(_ scalar: Unicode.Scalar) -> Bool {
        // Below U+00A0 the answer needs no Unicode tables: C0 and C1 controls and DEL only.
        if scalar.value < 0xA0 { return scalar.value < 0x20 || scalar.value >= 0x7F }
        return scalar.properties.generalCategory == .format
    }

    /// Splits text into its lines at every kind of line break; CRLF counts as one.
    public static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if isLineBreak(scalar) {
                result.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        result.append(String(current))
        return result
    }

    /// Text for one line of a comment of any language: tabs become spaces, and controls or hidden
    /// characters are spelled out as `U+XXXX`, so what a reader sees is what is there.
    public static func commentText(_ line: String) -> String {
        var result = ""
        for scalar in line.unicodeScalars {
            if scalar == "\t" {
                result += " "
            } else if isHiddenOrControl(scalar) || isLineBreak(scalar) {
                result += "U+" + hex(scalar.value, digits: 4)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// One line of text with no line breaks, for a comment that must stay on its line (a header, a MARK).
    public static func singleLine(_ text: String) -> String {
        lines(text).map(commentText).joined(separator: " ")
    }

    /// A Go interpreted string literal that reads back as exactly `text`.
    public static func goString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + hex(scalar.value, digits: 2)
                } else if isHiddenOrControl(scalar) || isLineBreak(scalar) {
                    result += scalar.value > 0xFFFF ? "\\U" + hex(scalar.value, digits: 8) : "\\u" + hex(scalar.value, digits: 4)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A Swift string literal that reads back as exactly `text`.
    public static func swiftString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if isHiddenOrControl(scalar) || isLineBreak(scalar) {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Text for one Markdown table cell or heading: one line, with the characters that would end the
    /// cell or start HTML escaped; Markdown emphasis is left alone, as it cannot run.
    public static func markdown(_ text: String) -> String {
        var result = ""
        for scalar in singleLine(text).unicodeScalars {
            switch scalar {
            case "|": result += "\\|"
            case "\\": result += "\\\\"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A file or spec name for a DO NOT EDIT header: one line, no controls, nothing that closes the
    /// comment it sits in.
    public static func sourceName(_ name: String) -> String {
        singleLine(name).replacingOccurrences(of: "-->", with: "--&gt;").replacingOccurrences(of: "*/", with: "*&#47;")
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
