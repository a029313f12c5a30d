import Foundation
import Yams

/// The bytes-to-tree step every YAML input shares (specs and the plugin's config file): a size
/// cap, strict UTF-8, no NUL bytes, no anchors, aliases or tags, exactly one document. Each refusal is a
/// diagnostic with its location.
struct YAMLInput {
    /// The document's root; nil when the document is empty.
    let root: Node?
    /// Nodes hold their anchors weakly, so the parser must outlive any walk over `root`.
    private let parser: Parser

    /// Composes `data`; `what` names the input in messages ("the spec") and `article` in the
    /// anchor rule ("a spec").
    static func compose(_ data: Data, file: String, what: String, article: String) throws -> YAMLInput {
        guard data.count <= SpecLoader.maxSpecSize else {
            // Readers stop one byte past the cap, so the real size is unknown here.
            throw DiagnosticsError([Diagnostic(.error, "\(what) is larger than the limit of \(SpecLoader.maxSpecSize) bytes (16 MiB)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        guard let text = String(validatingUTF8Data: data) else {
            let offset = SpecLoader.firstInvalidUTF8Offset(data)
            throw DiagnosticsError([Diagnostic(.error, "\(what) is not valid UTF-8 (first bad byte at offset \(offset))", at: SpecLoader.location(ofByte: offset, in: data, file: file))])
        }
        if let offset = data.firstIndex(of: 0) {
            throw DiagnosticsError([Diagnostic(.error, "\(what) contains a NUL byte", at: SpecLoader.location(ofByte: offset - data.startIndex, in: data, file: file))])
        }
        // Refuse anchors and aliases before composing: Yams hashes mapping keys to find duplicates,
        // and an aliased key that expands exponentially ("billion laughs") would never finish.
        // Explicit tags are refused too, every one of them: the loader reads each value by where it
        // stands, so a tag (`!!binary`, `!!str`, `!custom`) could only be ignored, never honoured.
        if let refused = SpecLoader.firstRefusedToken(in: text) {
            let location = SourceLocation(file: file, line: refused.line, column: refused.column)
            switch refused.token {
            case .anchorOrAlias:
                throw DiagnosticsError([Diagnostic(.error, "YAML anchors and aliases are not allowed in \(article); write the value out", at: location)])
            case .tag(let tag):
                throw DiagnosticsError([Diagnostic(.error, "YAML tags such as '\(tag)' are not allowed in \(article); write the plain value", at: location)])
            }
        }
        let parser: Parser
        let root: Node?
        do {
            // No resolver rules: the readers type each scalar themselves (``plainTag(of:)``), and
            // Yams's regular expressions would otherwise run on every scalar, several times.
            parser = try Parser(yaml: text, resolver: .basic)
            root = try parser.singleRoot()
        } catch {
            throw DiagnosticsError([SpecLoader.yamlDiagnostic(error, file: file, text: text)])
        }
        return YAMLInput(root: root.flatMap { isNull($0) ? nil : $0 }, parser: parser)
    }

    private static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, plainTag(of: scalar.string) == .null { return true }
        return false
    }
}
