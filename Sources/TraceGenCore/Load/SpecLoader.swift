import CYaml
import Foundation
import Yams

/// The first stage: spec bytes in, a typed ``SpecDocument`` out, or every problem found.
public enum SpecLoader {
    /// Specs larger than this are refused before parsing, so a huge file cannot exhaust memory.
    public static let maxSpecSize = 16 << 20

    /// Reads and decodes the spec at `path`; `displayName` is what diagnostics call the file.
    public static func load(path: String, displayName: String? = nil) throws -> SpecDocument {
        let name = displayName ?? path
        return try load(data: readFile(path: path, displayName: name, what: "the spec"), file: name)
    }

    /// Decodes spec bytes; `file` is the name used in diagnostics (`<stdin>` for standard input).
    public static func load(data: Data, file: String) throws -> SpecDocument {
        let document = try YAMLInput.compose(data, file: file, what: "the spec", article: "a spec")
        guard let root = document.root else {
            throw DiagnosticsError([Diagnostic(.error, "the spec is empty", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        if let (scalar, location) = firstHiddenCharacter(in: data, file: file) {
            // Anywhere in the file, a comment included, it can make the text read differently from what it is.
            throw DiagnosticsError([Diagnostic(.error, "the spec contains an invisible formatting character, U+\(Escaping.hex(scalar.value, digits: 4)); remove it", at: location)])
        }
        var decoder = SpecDecoder(file: file)
        let decoded = withExtendedLifetime(document) { decoder.decode(root) }
        try decoder.reader.diagnostics.throwIfErrors()
        guard let decoded else { throw DiagnosticsError(decoder.reader.diagnostics.diagnostics) }
        return decoded
    }

    /// The first format character (category Cf: bidirectional controls, zero-width characters) in
    /// the raw text, and where it is; a byte order mark at the very start is the encoding's and allowed.
    static func firstHiddenCharacter(in data: Data, file: String) -> (Unicode.Scalar, SourceLocation)? {
        // One pass over the bytes: every format character is outside ASCII, so only a lead byte of
        // a multi-byte sequence is decoded. The bytes are valid UTF-8 by now.
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (Unicode.Scalar, SourceLocation)? in
            var line = 1
            var column = 1
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
                    index += 1
                    continue
                }
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                guard index + length <= bytes.count else { return nil }
                var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                if let scalar = Unicode.Scalar(value), scalar.properties.generalCategory == .format, !(index == 0 && value == 0xFEFF) {
                    return (scalar, SourceLocation(file: file, line: line, column: column))
                }
                column += 1
                index += length
            }
            return nil
        }
    }

    /// Reads at most one byte past ``maxSpecSize`` of a file, so an oversized one is recognised
    /// without reading all of it; failures become a diagnostic naming `what` could not be read.
    static func readFile(path: String, displayName: String, what: String) throws -> Data {
        do {
            return try readBounded(path: path)
        } catch {
            throw DiagnosticsError([Diagnostic(.error, "cannot read \(what): \(describe(error))", at: SourceLocation(file: displayName, line: 1, column: 1))])
        }
    }

    private static func readBounded(path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        // On Linux a directory opens fine and only fails on read, with an unhelpful error.
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(exists ? (isDirectory.boolValue ? .fileReadUnknown : .fileReadNoPermission) : .fileReadNoSuchFile,
                             userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: exists ? (isDirectory.boolValue ? "it is a directory" : "permission denied") : "no such file"])
        }
        defer { try? handle.close() }
        return try handle.read(upToCount: maxSpecSize + 1) ?? Data()
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? CocoaError, let text = error.userInfo[NSLocalizedDescriptionKey] as? String { return text }
        return error.localizedDescription
    }

    /// Where the first anchor (`&a`) or alias (`*a`) token is, found with libyaml's scanner alone,
    /// which runs in linear time; nil if there is none or the scanner stops at a syntax error
    /// (the parser then reports that error).
    static func firstAnchorOrAlias(in text: String) -> (line: Int, column: Int)? {
        // Only the two sigils can start these tokens; most specs have neither, so skip the scan.
        guard text.utf8.contains(UInt8(ascii: "&")) || text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var token = yaml_token_t()
            while yaml_parser_scan(&parser, &token) == 1 {
                defer { yaml_token_delete(&token) }
                switch token.type {
                case YAML_ANCHOR_TOKEN, YAML_ALIAS_TOKEN:
                    return (Int(token.start_mark.line) + 1, Int(token.start_mark.column) + 1)
                case YAML_STREAM_END_TOKEN, YAML_NO_TOKEN:
                    return nil
                default:
                    continue
                }
            }
            return nil
        }
    }

    static func yamlDiagnostic(_ error: Error, file: String, text: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error as? YamlError {
        case .composer(_, let problem, let mark, _) where problem == "but found another document":
            return Diagnostic(.error, "the spec must be a single YAML document; a second one starts here", at: at(mark))
        case .scanner(let context?, let problem, let mark, _) where problem == "found unexpected end of stream":
            // Point at what was left open (a quoted string, usually), not at the end of the file.
            let what = context.text.hasPrefix("while scanning ") ? String(context.text.dropFirst("while scanning ".count)) : "a value"
            return Diagnostic(.error, "invalid YAML: \(what) that starts here is still open at the end of the file (\(mark.line):\(mark.column))", at: at(context.mark))
        case .parser(_, let problem, let mark, _) where problem.hasPrefix("Maximum nesting level reached"):
            return Diagnostic(.error, "invalid YAML: lists and mappings are nested too deeply", at: at(mark))
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            if problem.contains("cannot start any token"), lineHasTab(text, mark.line) {
                message += "; YAML does not allow tabs for indentation"
            }
            return Diagnostic(.error, message, at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            // Yams marks the first occurrence; in a block mapping the repeat is the next line with the key in that column.
            if duplicates.count == 1, let repeatLine = repeatedKeyLine(duplicates[0], after: context.mark, in: text) {
                return Diagnostic(.error, "duplicate key \(keys) in a mapping (first at \(context.mark.line):\(context.mark.column))",
                                  at: SourceLocation(file: file, line: repeatLine, column: context.mark.column))
            }
            return Diagnostic(.error, "duplicate key \(keys) in a mapping", at: at(context.mark))
        case .reader(let problem, let offset, _, _):
            let data = Data(text.utf8)
            return Diagnostic(.error, "invalid YAML: \(problem)", at: location(ofByte: offset ?? 0, in: data, file: file))
        default:
            return Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// The first line after `mark` that starts a block-mapping entry for `key` in the same column,
    /// searched only while the lines stay inside that mapping (indented at least as far).
    private static func repeatedKeyLine(_ key: String, after mark: Mark, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let column = mark.column - 1
        guard mark.line >= 1, column >= 0, mark.line < lines.count else { return nil }
        for number in (mark.line + 1)...lines.count {
            let line = lines[number - 1]
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            let rest = line.dropFirst(indent)
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            if indent < column { return nil }
            if indent == column, rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") { return number }
        }
        return nil
    }

    private static func lineHasTab(_ text: String, _ line: Int) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return false }
        return lines[line - 1].contains("\t")
    }

    static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        var offset = 0
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += String(scalar).utf8.count
                offset = consumed
            case .emptyInput:
                return offset
            case .error:
                return offset
            }
        }
    }

    /// The line and column (counted in characters) of a byte offset.
    static func location(ofByte offset: Int, in data: Data, file: String) -> SourceLocation {
        let prefix = data.prefix(max(0, offset))
        let line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? prefix.startIndex
        let column = String(decoding: data[lineStart..<(prefix.endIndex)], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(file: file, line: line, column: column)
    }
}

extension String {
    /// Decodes UTF-8 strictly: nil where the bytes are not valid UTF-8.
    init?(validatingUTF8Data data: Data) {
        var result = ""
        var iterator = data.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): result.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = result
    }
}
