import Foundation
import PackagePlugin

/// Generates Swift definitions for every `*.tracegen.yaml` among a target's sources.
///
/// The plugin only plans: one build command per spec, running `tracegen emit-swift`, the same
/// emitter as the CLI. Inputs and outputs are declared up front, so the build system re-runs a
/// command only when its spec, its `tracegen-config.yaml` or the generator itself changes.
@main
struct TraceGenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        return try commands(
            specs: target.sourceFiles.map(\.url).filter(isSpec),
            allFiles: Set(target.sourceFiles.map { $0.url.standardizedFileURL.path }),
            tool: context.tool(named: "tracegen").url,
            workDirectory: context.pluginWorkDirectoryURL,
            packageDirectory: context.package.directoryURL,
            targetName: target.name,
            moduleName: target.moduleName
        )
    }
}

/// The file names the emitter writes for one spec, after the spec's own prefix.
private let generatedFileNames = [
    "EventType.swift", "EventSpec.swift", "Experiment.swift", "Statuses.swift", "TraceVersion.swift", "TraceLimits.swift",
    "Event.swift", "EventKind.swift",
]

private let specSuffix = ".tracegen.yaml"
private let configName = "tracegen-config.yaml"

private func isSpec(_ url: URL) -> Bool {
    url.lastPathComponent.hasSuffix(specSuffix) && url.lastPathComponent.count > specSuffix.count
}

private func commands(specs: [URL], allFiles: Set<String>, tool: URL, workDirectory: URL, packageDirectory: URL, targetName: String, moduleName: String) -> [Command] {
    let specs = specs.sorted { $0.path < $1.path }
    let stems = uniqueStems(for: specs)
    return zip(specs, stems).map { spec, stem in
        let folder = spec.deletingLastPathComponent()
        let config = folder.appendingPathComponent(configName)
        let siblings = specs.filter { $0 != spec }
        // A config beside a sibling decides the sibling's type names, so it is an input here too.
        let configs = ([folder] + siblings.map { $0.deletingLastPathComponent() })
            .map { $0.appendingPathComponent(configName) }
            .filter { allFiles.contains($0.standardizedFileURL.path) }
        let output = workDirectory.appendingPathComponent(stem)
        var arguments = [
            "emit-swift", spec.path,
            "--output", output.path,
            "--file-prefix", stem + ".",
            "--source-name", relativePath(of: spec, in: packageDirectory),
            "--module-name", moduleName,
        ]
        if allFiles.contains(config.standardizedFileURL.path) { arguments += ["--config", config.path] }
        for sibling in siblings { arguments += ["--sibling", sibling.path] }
        return .buildCommand(
            displayName: "Generating trace definitions from \(spec.lastPathComponent) for \(targetName)",
            executable: tool,
            arguments: arguments,
            inputFiles: [spec] + Array(Set(configs)).sorted { $0.path < $1.path },
            outputFiles: generatedFileNames.map { output.appendingPathComponent(stem + "." + $0) }
        )
    }
}

/// `net.tracegen.yaml` → `net`; specs with the same file name in different folders get their
/// folder path in front, because Swift rejects two source files with the same name in one module.
private func uniqueStems(for specs: [URL]) -> [String] {
    let bases = specs.map { String($0.lastPathComponent.dropLast(specSuffix.count)) }
    return zip(specs, bases).map { spec, base in
        guard bases.filter({ $0 == base }).count > 1 else { return base }
        return spec.deletingLastPathComponent().lastPathComponent + "_" + base
    }
}

private func relativePath(of file: URL, in directory: URL) -> String {
    let base = directory.standardizedFileURL.path
    let path = file.standardizedFileURL.path
    return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
}

#if canImport(XcodeProjectPlugin)
import XcodeProjectPlugin

extension TraceGenPlugin: XcodeBuildToolPlugin {
    func createBuildCommands(context: XcodePluginContext, target: XcodeTarget) throws -> [Command] {
        let files = target.inputFiles.map(\.url)
        return try commands(
            specs: files.filter(isSpec),
            allFiles: Set(files.map { $0.standardizedFileURL.path }),
            tool: context.tool(named: "tracegen").url,
            workDirectory: context.pluginWorkDirectoryURL,
            packageDirectory: context.xcodeProject.directoryURL,
            targetName: target.displayName
        )
    }
}
#endif
