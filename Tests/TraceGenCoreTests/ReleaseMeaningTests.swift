import Foundation
import Testing
@testable import TraceGenCore

/// Each release snapshot says what events mean exactly as that release's trace parser does:
/// its kind table, metric names, range names and scopes, and state-transition resources, as
/// `Scripts/extract-real-kinds` read them from the release's `internal/trace/event.go` into
/// `Tests/Fixtures/real-kinds/go1.NN.tsv`.
@Suite struct ReleaseMeaningTests {
    static let releases = [22, 23, 24, 25, 26, 27]

    /// The fact lines of a real-kinds file, tab-separated, comments dropped.
    static func realFacts(_ minor: Int) throws -> Set<String> {
        let url = Repo.root.appendingPathComponent("Tests/Fixtures/real-kinds/go1.\(minor).tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
    }

    /// The same facts as a snapshot states them.
    static func specFacts(_ model: TraceModel) -> Set<String> {
        var lines: Set<String> = ["kinds\t" + model.kinds.joined(separator: " ")]
        for event in model.events {
            let meaning = event.meaning
            if let kind = meaning.kind { lines.insert("kind\t\(event.name)\t\(kind)") }
            if let metric = meaning.metric { lines.insert("metric\t\(event.name)\t\(metric)") }
            if let range = meaning.range {
                let name = range.template.parts.map { part -> String in
                    switch part {
                    case .text(let text): text
                    case .argument: "{}"
                    }
                }.joined()
                lines.insert("range\t\(event.name)\t\(name)\t\(range.scope)")
            }
            if let resource = meaning.resource { lines.insert("resource\t\(event.name)\t\(resource)") }
        }
        if let sync = model.goParser.syncEvent { lines.insert("sync\t\(sync)\tSync") }
        return lines
    }

    @Test(arguments: releases)
    func snapshotStatesItsReleasesParser(_ minor: Int) throws {
        let spec = try TraceGen.loadSpec(path: Repo.path("Specs/releases/go1.\(minor).yaml"))
        var real = try Self.realFacts(minor)
        #expect(real.contains("sync\tevSync\tSync"), "every release's parser keys its own Sync event into the table")
        // Snapshots before 1.25 do not describe the parser's package (it lived elsewhere then).
        if spec.goParser.syncEvent == nil { real.remove("sync\tevSync\tSync") }
        let ours = Self.specFacts(spec)
        #expect(real.subtracting(ours).sorted() == [], "go1.\(minor): only Go says")
        #expect(ours.subtracting(real).sorted() == [], "go1.\(minor): only the snapshot says")
    }

    @Test func theSpecStatesGo127sParser() throws {
        let spec = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        #expect(Self.specFacts(spec) == (try Self.realFacts(27)))
    }
}
