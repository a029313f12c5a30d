import Foundation
import Yams

/// The first stage: spec bytes in, a typed ``SpecDocument`` out, or every problem found.
public enum SpecLoader {
    /// Specs larger than this are refused before parsing, so a huge file cannot exhaust memory.
    public static let maxSpecSize = 16 << 20

    /// Reads and decodes the spec at `path`; `displayName` is what diagnostics call the file.
    public static func load(path: String, displayName: String? = nil) throws -> SpecDocument {
        let name = displayName ?? path
        let data: Data
        do {
            data = try readBounded(path: path)
        } catch let error as DiagnosticsError {
            throw error
        } catch {
            throw DiagnosticsError([Diagnostic(.error, "cannot read the spec: \(describe(error))", at: SourceLocation(file: name, line: 1, column: 1))])
        }
        return try load(data: data, file: name)
    }

    /// Decodes spec bytes; `file` is the name used in diagnostics (`<stdin>` for standard input).
    public static func load(data: Data, file: String) throws -> SpecDocument {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard data.count <= maxSpecSize else {
            throw DiagnosticsError([Diagnostic(.error, "the spec is \(data.count) bytes, over the limit of \(maxSpecSize) bytes", at: start)])
        }
        guard let text = String(validatingUTF8Data: data) else {
            throw DiagnosticsError([Diagnostic(.error, "the spec is not valid UTF-8 (first bad byte at offset \(firstInvalidUTF8Offset(data)))", at: location(ofByte: firstInvalidUTF8Offset(data), in: data, file: file))])
        }
        if text.utf8.contains(0) {
            let offset = Array(data).firstIndex(of: 0) ?? 0
            throw DiagnosticsError([Diagnostic(.error, "the spec contains a NUL byte", at: location(ofByte: offset, in: data, file: file))])
        }
        // Keep the parser alive while walking: anchors are held weakly by the nodes.
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text)
            root = try parser.singleRoot()
        } catch {
            throw DiagnosticsError([yamlDiagnostic(error, file: file, text: text)])
        }
        guard let root, !isNull(root) else {
            throw DiagnosticsError([Diagnostic(.error, "the spec is empty", at: start)])
        }
        if let anchored = firstAnchoredNode(root) {
            let reader = YAMLReader(file: file)
            throw DiagnosticsError([Diagnostic(.error, "YAML anchors and aliases are not allowed in a spec; write the value out", at: reader.location(of: anchored))])
        }
        var decoder = SpecDecoder(file: file)
        let document = decoder.decode(root)
        withExtendedLifetime(parser) {}
        try decoder.reader.diagnostics.throwIfErrors()
        guard let document else { throw DiagnosticsError(decoder.reader.diagnostics.diagnostics) }
        return document
    }

    private static func readBounded(path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw CocoaError(exists ? (isDirectory.boolValue ? .fileReadUnknown : .fileReadNoPermission) : .fileReadNoSuchFile,
                             userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: exists ? (isDirectory.boolValue ? "it is a directory" : "permission denied") : "no such file"])
        }
        defer { try? handle.close() }
        // Read one byte past the cap so an oversized file is recognised without reading all of it.
        return try handle.read(upToCount: maxSpecSize + 1) ?? Data()
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? CocoaError, let text = error.userInfo[NSLocalizedDescriptionKey] as? String { return text }
        return error.localizedDescription
    }

    private static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, Resolver.default.resolveTag(of: node) == .null { return true }
        return false
    }

    /// The first node carrying an anchor, found without descending into any anchored subtree.
    private static func firstAnchoredNode(_ node: Node) -> Node? {
        var stack = [node]
        while let next = stack.popLast() {
            if next.anchor != nil { return next }
            switch next {
            case .mapping(let mapping):
                for (key, value) in mapping.reversed() { stack.append(value); stack.append(key) }
            case .sequence(let sequence):
                stack.append(contentsOf: sequence.reversed())
            case .alias:
                return next
            case .scalar:
                break
            }
        }
        return nil
    }

    private static func yamlDiagnostic(_ error: Error, file: String, text: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            if problem.contains("cannot start any token"), lineHasTab(text, mark.line) {
                message += "; YAML does not allow tabs for indentation"
            }
            return Diagnostic(.error, message, at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(.error, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping", at: at(context.mark))
        case .reader(let problem, let offset, _, _):
            let data = Data(text.utf8)
            return Diagnostic(.error, "invalid YAML: \(problem)", at: location(ofByte: offset ?? 0, in: data, file: file))
        default:
            return Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func lineHasTab(_ text: String, _ line: Int) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return false }
        return lines[line - 1].contains("\t")
    }

    private static func firstInvalidUTF8Offset(_ data: Data) -> Int {
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
