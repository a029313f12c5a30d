import Foundation
import Testing

/// `tracegen diff` end to end: the built executable, its exit codes, standard input and formats.
@Suite struct DiffCommandTests {
    static func release(_ minor: Int) -> String { "Specs/releases/go1.\(minor).yaml" }

    func tracegen(_ arguments: [String], input: Data? = nil) -> ProcessResult {
        let result = run([Repo.tracegen, "diff"] + arguments, in: Repo.root.path, input: input)
        #expect(!result.crashed)
        return result
    }

    @Test func breakingChangesExitOneByDefault() {
        let result = tracegen([Self.release(22), Self.release(23)])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("\(Self.release(23)):") && $0.hasSuffix(": breaking: event CPUSample: args [time p g m stack] → [time m p g stack]") })
        #expect(lines.last == "25 changes between \(Self.release(22)) and \(Self.release(23)): 1 breaking, 18 compatible, 6 cosmetic")
        #expect(result.stderr.isEmpty)
    }

    @Test func failOnChoosesTheLevel() {
        #expect(tracegen([Self.release(22), Self.release(23), "--fail-on", "none"]).status == 0)
        #expect(tracegen([Self.release(25), Self.release(26)]).status == 0)
        #expect(tracegen([Self.release(25), Self.release(26), "--fail-on", "any"]).status == 1)
        #expect(tracegen([Self.release(25), Self.release(26), "--fail-on", "breaking"]).status == 0)
    }

    @Test func identicalReleasesExitZero() {
        let result = tracegen([Self.release(23), Self.release(24), "--fail-on", "any"])
        #expect(result.status == 0)
        #expect(result.stdout == "no changes between \(Self.release(23)) and \(Self.release(24))\n")
    }

    @Test func standardInputIsNamedStdin() throws {
        let old = try Data(contentsOf: URL(fileURLWithPath: Repo.path(Self.release(26))))
        let asOld = tracegen(["-", Self.release(27)], input: old)
        #expect(asOld.status == 0)
        #expect(asOld.stdout.hasPrefix("\(Self.release(27)):"))
        #expect(asOld.stdout.contains(": compatible: procStatus SyscallAbandoned: display Bad → SyscallAbandoned\n"))
        #expect(asOld.stdout.contains("between <stdin> and \(Self.release(27))"))

        let new = try Data(contentsOf: URL(fileURLWithPath: Repo.path(Self.release(27))))
        let asNew = tracegen([Self.release(26), "-"], input: new)
        #expect(asNew.stdout.hasPrefix("<stdin>:"))
    }

    @Test func jsonAndMarkdownFormats() throws {
        let json = tracegen([Self.release(24), Self.release(25), "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        let stack = try #require(changes.first { $0["name"] as? String == "CPUSample" && $0["field"] as? String == "stackIDs" })
        #expect(stack["kind"] as? String == "changed")
        #expect(stack["entity"] as? String == "event")
        #expect(stack["old"] as? [Int] == [])
        #expect(stack["new"] as? [Int] == [4])
        #expect((stack["location"] as? String)?.hasPrefix("\(Self.release(25)):") == true)
        #expect((object["summary"] as? [String: Int])?["total"] == changes.count)
        // Stable: the same input gives the same bytes.
        #expect(tracegen([Self.release(24), Self.release(25), "--format", "json"]).stdout == json.stdout)

        let markdown = tracegen([Self.release(22), Self.release(23), "--format", "markdown"])
        #expect(markdown.status == 1)
        #expect(markdown.stdout.hasPrefix("## Trace format changes from `\(Self.release(22))` to `\(Self.release(23))`"))
        #expect(markdown.stdout.contains("- New experiment `AllocFree` (ID 1, since go1.23): "))
    }

    @Test func anInvalidSpecExitsTwoWithDiagnostics() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.yaml")
        let text = try String(contentsOfFile: Repo.path(Self.release(27)), encoding: .utf8)
            .replacingOccurrences(of: "        args: [time, m, p, g, stack]\n        stackIDs: [4]\n", with: "        args: [time, m, p, g, stack]\n")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "        args: [time, m, p, g, stack]" }! + 1

        let result = tracegen([Self.release(26), broken.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "\(broken.path):\(line):31: error: argument 'stack' of CPUSample is a stack ID but position 4 is not in stackIDs\n", "\(result.stderr)")

        let fromStdin = tracegen(["-", Self.release(27)], input: Data(text.utf8))
        #expect(fromStdin.status == 2)
        #expect(fromStdin.stderr.hasPrefix("<stdin>:\(line):"))
    }

    @Test func badInputExitsTwo() {
        let missing = tracegen(["Specs/releases/go1.99.yaml", Self.release(27)])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("Specs/releases/go1.99.yaml:1:1: error: cannot read the spec"))
        let format = tracegen([Self.release(26), Self.release(27), "--format", "yaml"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("--format must be one of text, json, markdown"))
        #expect(tracegen([Self.release(26), Self.release(27), "--fail-on", "sometimes"]).status == 2)
        #expect(tracegen(["-", "-"], input: Data()).status == 2)
    }
}
