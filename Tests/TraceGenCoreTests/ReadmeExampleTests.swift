import Foundation
import Testing
import TraceGenCore

/// The spec the README shows a newcomer is a valid spec, so copying it is a working start.
@Suite struct ReadmeExampleTests {
    @Test func readmeSpecExampleValidatesAndRenders() throws {
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let example = try #require(blocks.first, "README.md has no yaml example")
        let spec = try TraceGen.loadSpec(data: Data(example.utf8), file: "README.md")
        #expect(spec.events.map(\.name) == ["GoCreate"])
        let files = TraceGen.render(spec, sourceName: "README.md")
        #expect(files.contains { $0.path.hasSuffix("events.go") } && files.contains { $0.path.hasSuffix("EventType.swift") })
    }
}
