import Foundation
import Yams

/// Reads `tracegen-config.yaml`, the optional file beside a spec that tunes the Swift the build
/// plugin emits for it. Every key is optional; an empty file means the defaults.
///
/// ```yaml
/// accessLevel: internal   # public (default), package or internal
/// typePrefix: Net         # NetEventType, NetEventSpec, ...
/// ```
public enum SwiftConfigLoader {
    /// The name the build plugin looks for in the spec's folder.
    public static let fileName = "tracegen-config.yaml"

    static let keys = ["accessLevel", "typePrefix"]

    /// Reads the config at `path`; `displayName` is what diagnostics call the file.
    public static func load(path: String, displayName: String? = nil) throws -> SwiftRenderOptions {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticsError([Diagnostic(.error, "cannot read the config file", at: SourceLocation(file: name, line: 1, column: 1))])
        }
        return try load(data: data, file: name)
    }

    /// Decodes config bytes, reporting every problem with its location.
    public static func load(data: Data, file: String) throws -> SwiftRenderOptions {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(.error, "the config file is not valid UTF-8", at: start)])
        }
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text)
            root = try parser.singleRoot()
        } catch {
            throw DiagnosticsError([syntaxDiagnostic(error, file: file)])
        }
        defer { withExtendedLifetime(parser) {} }
        guard let root, !isEmpty(root) else { return SwiftRenderOptions() }

        var reader = YAMLReader(file: file)
        var options = SwiftRenderOptions()
        let what = "the Swift config"
        if var fields = reader.fields(root, of: what, allowed: keys) {
            if let level = reader.string(&fields, "accessLevel", in: what, required: false), let node = fields.values["accessLevel"] {
                if SwiftRenderOptions.accessLevels.contains(level) {
                    options.accessLevel = level
                } else {
                    reader.error("'accessLevel' must be one of \(SwiftRenderOptions.accessLevels.joined(separator: ", ")), found '\(level)'", at: node)
                }
            }
            if let prefix = reader.string(&fields, "typePrefix", in: what, required: false), let node = fields.values["typePrefix"] {
                if isTypeNamePrefix(prefix) {
                    options.typePrefix = prefix
                } else {
                    reader.error("'typePrefix' must start with a letter or underscore and hold only letters, digits and underscores, found '\(prefix)'", at: node)
                }
            }
        }
        try reader.diagnostics.throwIfErrors()
        return options
    }

    /// Whether `text` can start a Swift type name; restricted to ASCII so file names stay portable.
    static func isTypeNamePrefix(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil) }
    }

    private static func syntaxDiagnostic(_ error: Error, file: String) -> Diagnostic {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return Diagnostic(.error, "invalid YAML: \(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(.error, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                              at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column))
        default:
            return Diagnostic(.error, "invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func isEmpty(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, Resolver.default.resolveTag(of: node) == .null { return true }
        return false
    }
}
