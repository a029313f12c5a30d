import Foundation
import Testing
import TraceGenCore

/// `tracegen-config.yaml`, the build plugin's per-folder options, read with locations.
@Suite struct PluginConfigTests {
    func load(_ text: String) throws -> SwiftRenderOptions {
        try SwiftConfigLoader.load(data: Data(text.utf8), file: "tracegen-config.yaml")
    }

    func errors(_ text: String) -> [String] {
        do {
            _ = try load(text)
            return []
        } catch let error as DiagnosticsError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func emptyFileMeansDefaults() throws {
        #expect(try load("") == SwiftRenderOptions(accessLevel: "public", typePrefix: ""))
        #expect(try load("# nothing to change\n") == SwiftRenderOptions())
    }

    @Test func readsAccessLevelAndPrefix() throws {
        #expect(try load("accessLevel: package\ntypePrefix: Net\n") == SwiftRenderOptions(accessLevel: "package", typePrefix: "Net"))
        #expect(try load("accessLevel: internal\n") == SwiftRenderOptions(accessLevel: "internal", typePrefix: ""))
    }

    @Test func rejectsUnknownAccessLevelAtItsValue() {
        #expect(errors("typePrefix: Net\naccessLevel: open\n") == [
            "tracegen-config.yaml:2:14: error: 'accessLevel' must be one of public, package, internal, found 'open'",
        ])
    }

    @Test func rejectsPrefixThatCannotStartATypeName() {
        #expect(errors("typePrefix: 2Net\n") == [
            "tracegen-config.yaml:1:13: error: 'typePrefix' must start with a letter or underscore and hold only letters, digits and underscores, found '2Net'",
        ])
        #expect(errors("typePrefix: \"Net-\"\n").count == 1)
    }

    @Test func reportsEveryProblemIncludingUnknownKeys() {
        #expect(errors("acessLevel: public\ntypePrefix: [A]\n") == [
            "tracegen-config.yaml:1:1: error: unknown key 'acessLevel' in the Swift config; did you mean 'accessLevel'?",
            "tracegen-config.yaml:2:13: error: 'typePrefix' of the Swift config must be a string, found a list",
        ])
    }

    @Test func rejectsBrokenYAMLAndNonMappings() {
        #expect(errors("accessLevel: [public\n").first?.hasPrefix("tracegen-config.yaml:2:1: error: invalid YAML") == true)
        #expect(errors("- public\n") == ["tracegen-config.yaml:1:1: error: the Swift config must be a mapping, found a list"])
    }
}
