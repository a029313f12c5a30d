import ArgumentParser
import CommandSupport
import Foundation
import TraceGenCore

/// The build plugin's entry point: the Swift definitions of one spec, as flat files in one folder.
///
/// It runs the same loader, validator and ``SwiftRenderer`` as the main command. The differences
/// are what a build needs: the output names can be prefixed so several specs can share a target,
/// and the access level and type-name prefix come from the `tracegen-config.yaml` beside the spec.
struct EmitSwiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit-swift",
        abstract: "Generate only the Swift definitions of a spec, as flat files in one folder (used by TraceGenPlugin).",
        discussion: """
            Options come from --config, or else from a \(SwiftConfigLoader.fileName) beside the spec: \
            accessLevel (public, package or internal) and typePrefix. Only files whose bytes changed are written.
            """
    )

    @Argument(help: "The spec file.")
    var spec: String

    @Option(name: .shortAndLong, help: "The folder to generate into.")
    var output: String

    @Option(help: "The config file; defaults to \(SwiftConfigLoader.fileName) beside the spec, if there is one.")
    var config: String?

    @Option(help: "Prepended to every file name, so the files of several specs never share a name; no '/' and no '..'.")
    var filePrefix: String = ""

    @Option(help: "How the generated headers name the spec; defaults to the path as given.")
    var sourceName: String?

    @Option(help: "The module the files are compiled into, for the few names generated code must qualify; defaults to the spec's swiftModule.")
    var moduleName: String?

    @Option(name: .customLong("sibling"), help: "Another spec compiled into the same module; it is an error if both would declare the same type names.")
    var siblings: [String] = []

    func validate() throws {
        // The prefix names files inside the output folder; it must not reach out of it.
        if filePrefix.contains("/") || filePrefix.contains("..") || filePrefix.contains("\0") {
            throw ValidationError("--file-prefix must not contain '/' or '..'; got '\(filePrefix)'")
        }
    }

    func run() throws {
        let files: [GeneratedFile]
        do {
            var options = try SwiftConfigLoader.load(path: configPath(forSpec: spec, explicit: config))
            options.moduleName = moduleName
            let model = try TraceGen.loadSpec(path: spec)
            try checkSiblings(typePrefix: options.typePrefix)
            let renderer = SwiftRenderer(model: model, context: RenderContext(sourceName: sourceName ?? spec), options: options)
            // File names drop the type prefix so the build plugin can declare them before the config is read.
            files = renderer.renderFiles().map { file in
                let role = file.path.hasPrefix(options.typePrefix) ? String(file.path.dropFirst(options.typePrefix.count)) : file.path
                return GeneratedFile(path: filePrefix + role, contents: file.contents)
            }
        } catch let error as DiagnosticsError {
            throw CommandFailure(.input, error.description)
        }
        try writeOutput(files, to: output)
    }

    /// Two specs with the same type prefix in one module would declare `EventType` twice; say so at the spec.
    private func checkSiblings(typePrefix: String) throws {
        var diagnostics = DiagnosticCollector()
        for sibling in siblings {
            // A sibling's own config errors are reported by its own build command.
            guard let other = try? SwiftConfigLoader.load(path: configPath(forSpec: sibling, explicit: nil)),
                  other.typePrefix == typePrefix else { continue }
            let shown = typePrefix.isEmpty ? "no type prefix" : "the type prefix '\(typePrefix)'"
            diagnostics.error(
                "\(sibling) is compiled into the same module with \(shown), so both would declare \(typePrefix)EventType; "
                    + "set a different typePrefix in a \(SwiftConfigLoader.fileName) beside one of them "
                    + "(specs in one folder share that file, so give each spec its own folder)",
                at: SourceLocation(file: spec, line: 1, column: 1))
        }
        try diagnostics.throwIfErrors()
    }
}

/// The config that applies to a spec: the explicit one, or the conventional file beside the spec.
/// Returns nil when there is none, which means the defaults.
private func configPath(forSpec spec: String, explicit: String?) -> String? {
    if let explicit { return explicit }
    let beside = (((spec as NSString).deletingLastPathComponent) as NSString).appendingPathComponent(SwiftConfigLoader.fileName)
    return FileManager.default.fileExists(atPath: beside) ? beside : nil
}

extension SwiftConfigLoader {
    /// The options in the config at `path`, or the defaults when there is no config.
    static func load(path: String?) throws -> SwiftRenderOptions {
        guard let path else { return SwiftRenderOptions() }
        return try load(path: path, displayName: nil)
    }
}
