import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory generate-trace-definitions`
///
/// Regenerates a package's checked-in outputs by running the CLI exactly as a person would,
/// `tracegen generate SPEC --output DIR` from the package folder, so the files match byte for byte.
@main
struct GenerateTraceDefinitions: CommandPlugin {
    static let usage = """
        usage: swift package --allow-writing-to-package-directory generate-trace-definitions [--spec PATH ...] [--output DIR] [--check]
          --spec PATH   a spec to generate from, relative to the package (repeatable; default: every Specs/*.yaml)
          --output DIR  the folder to generate into, relative to the package (default: Generated)
          --check       only report whether the outputs are up to date (exit 1 with a diff if not)
        """

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        if extractor.extractFlag(named: "help") > 0 {
            print(Self.usage)
            return
        }
        let specOptions = extractor.extractOption(named: "spec")
        let output = extractor.extractOption(named: "output").last ?? "Generated"
        let check = extractor.extractFlag(named: "check") > 0
        guard extractor.remainingArguments.isEmpty else {
            throw PluginError("unexpected arguments: \(extractor.remainingArguments.joined(separator: " "))\n\(Self.usage)")
        }

        let packageDirectory = context.package.directoryURL
        let specs = try specOptions.isEmpty ? defaultSpecs(in: packageDirectory) : specOptions
        guard !specs.isEmpty else {
            throw PluginError("no specs found in Specs/*.yaml; name them with --spec PATH\n\(Self.usage)")
        }
        let tool = try context.tool(named: "tracegen").url
        for spec in specs {
            // Relative paths, from the package folder, so the DO NOT EDIT headers name the spec as the CLI does.
            let process = Process()
            process.executableURL = tool
            process.arguments = [check ? "check" : "generate", spec, "--output", output]
            process.currentDirectoryURL = packageDirectory
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw PluginError(check
                    ? "\(output) is stale for \(spec); run `swift package --allow-writing-to-package-directory generate-trace-definitions`"
                    : "tracegen failed for \(spec) (exit status \(process.terminationStatus)); see the errors above")
            }
        }
    }

    /// Every `Specs/*.yaml`, as paths relative to the package, in name order.
    private func defaultSpecs(in packageDirectory: URL) throws -> [String] {
        let folder = packageDirectory.appendingPathComponent("Specs")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map { "Specs/" + $0 }
    }
}

struct PluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
