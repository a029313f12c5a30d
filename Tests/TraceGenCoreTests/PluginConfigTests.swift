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

/// The config file goes through the same guarded YAML stage as specs.
@Suite struct PluginConfigInputTests {
    @Test func aliasesAreRefusedBeforeComposing() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n*c : 1\n"
        #expect(throws: DiagnosticsError.self) { try SwiftConfigLoader.load(data: Data(bomb.utf8), file: "tracegen-config.yaml") }
        do {
            _ = try SwiftConfigLoader.load(data: Data(bomb.utf8), file: "tracegen-config.yaml")
        } catch let error as DiagnosticsError {
            #expect(error.description == "tracegen-config.yaml:1:4: error: YAML anchors and aliases are not allowed in a config file; write the value out")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func nonUTF8AndNULBytesAreRefusedWithTheirPlace() {
        for (bytes, expected) in [
            (Array("accessLevel: public\n".utf8) + [0xFF], "tracegen-config.yaml:2:1: error: the config file is not valid UTF-8 (first bad byte at offset 20)"),
            (Array("typePrefix: A\0\n".utf8), "tracegen-config.yaml:1:14: error: the config file contains a NUL byte"),
        ] {
            do {
                _ = try SwiftConfigLoader.load(data: Data(bytes), file: "tracegen-config.yaml")
                Issue.record("accepted \(bytes)")
            } catch let error as DiagnosticsError {
                #expect(error.description == expected)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
