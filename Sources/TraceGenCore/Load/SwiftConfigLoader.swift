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
        return try load(data: SpecLoader.readFile(path: path, displayName: name, what: "the config file"), file: name)
    }

    /// Decodes config bytes, reporting every problem with its location.
    public static func load(data: Data, file: String) throws -> SwiftRenderOptions {
        let document = try YAMLInput.compose(data, file: file, what: "the config file", article: "a config file")
        guard let root = document.root else { return SwiftRenderOptions() }
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
        withExtendedLifetime(document) {}
        try reader.diagnostics.throwIfErrors()
        return options
    }

    /// Whether `text` can start a Swift type name; restricted to ASCII so file names stay portable.
    static func isTypeNamePrefix(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil) }
    }
}
