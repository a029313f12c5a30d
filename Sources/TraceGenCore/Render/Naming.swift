import Foundation

/// How spec names become identifiers in each output language.
public enum Naming {
    /// The Swift member name for a spec name: lowerCamelCase with a leading acronym lowered whole,
    /// so `TaskBegin` → `taskBegin`, `IOWait` → `ioWait`, `GPUFrame` → `gpuFrame`.
    public static func swiftMember(_ name: String) -> String {
        escapeSwiftKeyword(lowerCamel(name))
    }

    /// The lowerCamelCase form of a spec name, before any keyword escaping.
    static func lowerCamel(_ name: String) -> String {
        if let ascii = lowerCamelASCII(name) { return ascii }
        let characters = Array(name)
        let leadingUpper = characters.prefix { $0.isUppercase }.count
        let lowered: Int
        switch leadingUpper {
        case 0: return name
        case characters.count: lowered = leadingUpper
        case 1: lowered = 1
        default:
            // The last capital of a run starts the next word unless a digit or the end follows.
            lowered = characters[leadingUpper].isLetter ? leadingUpper - 1 : leadingUpper
        }
        return String(characters[..<lowered]).lowercased() + String(characters[lowered...])
    }

    /// ``lowerCamel(_:)`` for ASCII names, by the same rule on bytes: most names are ASCII, and
    /// large specs convert tens of thousands of them. Nil for names with other characters.
    private static func lowerCamelASCII(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) }
        let leadingUpper = bytes.prefix(while: isUpper).count
        let lowered: Int
        switch leadingUpper {
        case 0: return name
        case bytes.count: lowered = leadingUpper
        case 1: lowered = 1
        default: lowered = isLetter(bytes[leadingUpper]) ? leadingUpper - 1 : leadingUpper
        }
        let result = bytes.enumerated().map { index, byte in index < lowered ? byte | 0x20 : byte }
        return String(decoding: result, as: UTF8.self)
    }

    /// The Swift case name for a version such as `go1.23`.
    public static func swiftVersion(_ name: String) -> String {
        name.replacingOccurrences(of: ".", with: "_")
    }

    /// The Go constant name for a version such as `go1.23`: `Go123`.
    public static func goVersion(_ name: String) -> String {
        "Go" + name.dropFirst(2).replacingOccurrences(of: ".", with: "")
    }

    /// The Go constant of an event type: `TaskBegin` → `EvTaskBegin`.
    public static func goEvent(_ name: String) -> String { "Ev" + name }



    static let swiftKeywords: Set<String> = [
        "as", "break", "case", "catch", "class", "continue", "default", "defer", "do", "else", "enum", "extension",
        "fallthrough", "false", "for", "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let",
        "nil", "operator", "private", "protocol", "public", "repeat", "return", "self", "static", "struct", "subscript",
        "super", "switch", "throw", "throws", "true", "try", "typealias", "var", "where", "while", "Type", "none",
    ]

    /// Backquotes `name` if it is in `keywords`.
    static func escapeSwiftKeyword(_ name: String, always keywords: Set<String>) -> String {
        keywords.contains(name) || swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    static func escapeSwiftKeyword(_ name: String) -> String {
        swiftKeywords.contains(name) ? "`\(name)`" : name
    }
}

