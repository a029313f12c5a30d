import Foundation
import Testing
@testable import TraceGenCore

/// The reference page's state machines against the spec, edge by edge.
///
/// The edges are read back from the Mermaid blocks of the checked-in `Generated/Docs/TraceV2.md`
/// and recomputed here from the spec as written (the document's `from` and `to` names, not the
/// model the page was printed from).
@Suite struct DocsOrderingTests {
    struct Edge: Hashable, CustomStringConvertible {
        let from: String
        let to: String
        let events: [String]
        var description: String { "\(from) --> \(to): \(events.joined(separator: ", "))" }
    }

    /// The edges of one resource as the spec's changes state them.
    static func specEdges(_ document: SpecDocument, resource: String) -> Set<Edge> {
        var events: [String: [String]] = [:]
        for event in document.events.sorted(by: { $0.id < $1.id }) {
            for change in event.ordering?.changes ?? [] where change.resource == resource {
                guard let to = change.to else { continue }
                let target = to == "absent" ? "[*]" : to
                let sources = change.from == ["absent"] ? ["[*]"] : change.from.isEmpty ? ["any"] : change.from
                for source in sources where events["\(source) \(target)"]?.contains(event.name) != true {
                    events["\(source) \(target)", default: []].append(event.name)
                }
            }
        }
        return Set(events.map { key, names in
            let parts = key.split(separator: " ").map(String.init)
            return Edge(from: parts[0], to: parts[1], events: names)
        })
    }

    /// The edges of the Mermaid block that follows a resource's heading.
    static func pageEdges(_ page: String, resource: String) throws -> Set<Edge> {
        let heading = "### The \(resource) state machine\n"
        let section = try #require(page.components(separatedBy: heading).dropFirst().first, "no section for \(resource)")
        let block = try #require(section.components(separatedBy: "```mermaid\n").dropFirst().first?.components(separatedBy: "```").first)
        let lines = block.split(separator: "\n").map(String.init)
        #expect(lines.first == "stateDiagram-v2")
        return Set(lines.compactMap { line in
            guard let arrow = line.range(of: " --> "), let colon = line.range(of: ": ", range: arrow.upperBound..<line.endIndex) else { return nil }
            return Edge(from: String(line[..<arrow.lowerBound]), to: String(line[arrow.upperBound..<colon.lowerBound]),
                        events: line[colon.upperBound...].components(separatedBy: ", "))
        })
    }

    @Test func stateMachinesHaveExactlyTheSpecsEdges() throws {
        let document = try SpecLoader.load(path: Repo.path("Specs/v2.yaml"))
        let page = try String(contentsOfFile: Repo.path("Generated/Docs/TraceV2.md"), encoding: .utf8)
        for resource in ["goroutine", "proc"] {
            let expected = Self.specEdges(document, resource: resource)
            let drawn = try Self.pageEdges(page, resource: resource)
            #expect(!expected.isEmpty)
            #expect(drawn == expected, "missing: \(expected.subtracting(drawn)); extra: \(drawn.subtracting(expected))")
        }
        // A few edges a reader of Go's order.go would look for.
        let goroutine = try Self.pageEdges(page, resource: "goroutine")
        #expect(goroutine.contains(Edge(from: "Running", to: "Waiting", events: ["GoBlock"])))
        #expect(goroutine.contains(Edge(from: "[*]", to: "Runnable", events: ["GoCreate"])))
        #expect(try Self.pageEdges(page, resource: "proc").contains(Edge(from: "Syscall", to: "Idle", events: ["ProcStop", "ProcSteal"])))
        #expect(!page.contains("### The thread state machine"), "a resource without statuses has no state machine")
    }

    /// Every status is a state of the diagram, named by its status name.
    @Test func everyStatusIsAState() throws {
        let document = try SpecLoader.load(path: Repo.path("Specs/v2.yaml"))
        let page = try String(contentsOfFile: Repo.path("Generated/Docs/TraceV2.md"), encoding: .utf8)
        var drawn: [String] = []
        for resource in document.resources {
            guard let statuses = resource.statuses.flatMap(document.statusSet(named:))?.values else { continue }
            drawn.append(resource.name)
            let section = page.components(separatedBy: "### The \(resource.name) state machine\n").dropFirst().first ?? ""
            for status in statuses {
                #expect(section.contains("\n\(status.name): \(status.name)"), "\(resource.name) \(status.name)")
            }
        }
        #expect(drawn == ["proc", "goroutine"])
    }

    /// Each event's row says its ordering in words.
    @Test func everyEventSaysItsOrderingInWords() throws {
        let spec = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        let page = try String(contentsOfFile: Repo.path("Generated/Docs/TraceV2.md"), encoding: .utf8)
        let section = try #require(page.components(separatedBy: "### Each event's ordering\n").dropFirst().first)
        for event in spec.events {
            #expect(section.contains("| \(event.id) | \(event.name) | "), "\(event.name)")
        }
        #expect(section.contains("| 20 | GoBlock | It needs a thread, a proc and a goroutine; the thread's goroutine must be Running, it is left Waiting, the thread no longer holds it. |"))
        #expect(section.contains("| 25 | GoStatus | The hand-written handler GoStatus orders it. |"))
    }
}
