import Foundation
import Testing

/// The CLI as a user runs it: files written, exit codes, and nothing written on errors.
@Suite struct CommandLineTests {
    @Test func generateWritesOnlyChangedFilesAndCheckSeesThem() throws {
        let output = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: output) }
        let first = run([Repo.tracegen, "Specs/v2.yaml", "--output", output.path], in: Repo.root.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count == 11)
        #expect(first.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("written ") })
        #expect(snapshotTree(output) == snapshotTree(Repo.root.appendingPathComponent("Generated")))

        let second = run([Repo.tracegen, "Specs/v2.yaml", "--output", output.path], in: Repo.root.path)
        #expect(second.status == 0)
        #expect(second.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("unchanged ") }, "\(second.stdout)")

        let upToDate = run([Repo.tracegen, "check", "Specs/v2.yaml", "--output", output.path], in: Repo.root.path)
        #expect(upToDate.status == 0, "\(upToDate.stdout)\(upToDate.stderr)")

        let events = output.appendingPathComponent("Go/tracev2/events.go")
        let original = try String(contentsOf: events, encoding: .utf8)
        try original.replacingOccurrences(of: "EvGoCreate ", with: "EvGoMake ").write(to: events, atomically: true, encoding: .utf8)
        let stale = run([Repo.tracegen, "check", "Specs/v2.yaml", "--output", output.path], in: Repo.root.path)
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("--- a/Go/tracev2/events.go\n+++ b/Go/tracev2/events.go\n"))
        #expect(stale.stdout.contains("\n-\tEvGoMake "))
        #expect(stale.stdout.contains("\n+\tEvGoCreate "))
        #expect(stale.stderr.contains("is stale"))

        let repaired = run([Repo.tracegen, "generate", "Specs/v2.yaml", "--output", output.path], in: Repo.root.path)
        #expect(repaired.stdout.contains("written   \(output.path)/Go/tracev2/events.go"))
        #expect(repaired.stdout.split(separator: "\n").filter { $0.hasPrefix("written") }.count == 1)
    }

    @Test func aBrokenSpecWritesNothingAndExitsOne() throws {
        let scratch = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let spec = scratch.appendingPathComponent("broken.yaml")
        try minimalSpec.replacingOccurrences(of: "start: Begin", with: "start: Nowhere").write(to: spec, atomically: true, encoding: .utf8)
        let output = scratch.appendingPathComponent("out")
        let result = run([Repo.tracegen, spec.path, "--output", output.path])
        #expect(result.status == 1)
        #expect(!result.crashed)
        #expect(result.stderr.contains("\(spec.path):61:16: error: event End names unknown start event 'Nowhere'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aMissingSpecIsAnErrorWithItsName() {
        let result = run([Repo.tracegen, "/nonexistent/spec.yaml", "--output", "/tmp/never"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("/nonexistent/spec.yaml:1:1: error: cannot read the spec: no such file"), "\(result.stderr)")
    }
}
