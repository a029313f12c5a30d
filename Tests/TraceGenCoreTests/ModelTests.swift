import Foundation
import Testing
@testable import TraceGenCore

/// The model stage resolves everything once: references become values, lists come in print order,
/// identifiers and paths are decided.
@Suite struct ModelTests {
    static let model = try! TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))

    @Test func referencesAreResolvedToValues() throws {
        let end = try #require(Self.model.events.first { $0.name == "GoSyscallEnd" })
        #expect(end.start == TraceModel.EventReference(id: 22, name: "GoSyscallBegin", goName: "EvGoSyscallBegin", swiftName: "goSyscallBegin"))
        let regionEnd = try #require(Self.model.events.first { $0.name == "UserRegionEnd" })
        #expect(regionEnd.start?.name == "UserRegionBegin" && regionEnd.start?.goName == "EvUserRegionBegin" && regionEnd.start?.swiftName == "userRegionBegin")
        let span = try #require(Self.model.events.first { $0.id == 128 })
        #expect(span.experiment == TraceModel.ExperimentReference(id: 1, name: "AllocFree", goName: "AllocFree", swiftName: "allocFree"))
        #expect(span.since.number == 23 && span.since.goName == "Go123" && span.section == .experimental)
        #expect(Self.model.experiments.first?.events.map(\.id) == Array(128...136))
    }

    @Test func argumentsCarryTheirTypesAndTables() throws {
        let create = try #require(Self.model.events.first { $0.name == "GoCreate" })
        #expect(create.arguments.map(\.name) == ["dt", "new_g", "new_stack", "stack"])
        #expect(create.arguments.map(\.type) == [nil, "g", "stack", "stack"])
        #expect(create.arguments.map(\.table) == [nil, nil, .stack, .stack])
        #expect(create.arguments.map(\.swiftName) == ["dt", "newG", "newStack", "stack"])
    }

    @Test func listsComeInPrintOrder() {
        #expect(Self.model.events.map(\.id) == Self.model.events.map(\.id).sorted())
        #expect(Self.model.versions.map(\.number) == [22, 23, 25, 26])
        #expect(Self.model.statusSets.map(\.name) == ["goStatuses", "procStatuses"])
        #expect(Self.model.statusSet(named: "goStatuses")?.statuses.map(\.value) == [0, 1, 2, 3, 4] && Self.model.statusSets[0].isDense)
        #expect(Self.model.regularSections.flatMap(\.events).map(\.id) == Array(1...52))
        #expect(Self.model.experimentalSections.flatMap(\.events).map(\.id) == Array(128...136))
        #expect(Self.model.versions.last?.eventCount == 61)
        #expect(Self.model.versions.first?.newEvents.count == Self.model.events.filter { $0.since.name == "go1.22" }.count)
    }

    @Test func rolesAndLayoutAreDecided() {
        #expect(Self.model.roles[.batch]?.name == "EventBatch")
        #expect(Self.model.roles[.stringEntry]?.name == "String")
        #expect(Self.model.roles[.stackEntry]?.name == "Stack")
        #expect(Self.model.roles[.experimentalBatch]?.name == "ExperimentalBatch")
        #expect(Self.model.roles[.timedArgsLimit]?.value == 5)
        #expect(Self.model.events.filter { $0.role != nil }.map(\.name) == ["EventBatch", "Stack", "String", "ExperimentalBatch"])
        #expect(Self.model.layout == TraceModel.Layout(goPackage: "tracev2", goDirectory: "Go/tracev2/", swiftModule: "TraceV2",
                                                       swiftDirectory: "Swift/TraceV2/", docsPath: "Docs/TraceV2.md"))
        let paths = TraceGen.render(Self.model, sourceName: "x").map(\.path)
        #expect(paths == ["Go/tracev2/doc.go", "Go/tracev2/events.go", "Go/tracev2/spec.go", "Go/tracev2/versions.go",
                          "Go/trace/eventkinds.go", "Go/trace/ordering.go", "Go/trace/statetransition.go",
                          "Swift/TraceV2/EventType.swift", "Swift/TraceV2/EventSpec.swift", "Swift/TraceV2/Experiment.swift",
                          "Swift/TraceV2/Statuses.swift", "Swift/TraceV2/TraceVersion.swift", "Swift/TraceV2/TraceLimits.swift",
                          "Swift/TraceV2/Event.swift", "Swift/TraceV2/EventKind.swift",
                          "Docs/TraceV2.md"])
    }

    /// Entities keep where the spec wrote them, so `tracegen diff` can point into the file.
    @Test func entitiesKeepWhereTheSpecWroteThem() throws {
        let lines = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8).components(separatedBy: "\n")
        /// The number of the first line after line `after` that reads `text`.
        func line(_ text: String, after: Int = 0) throws -> Int {
            try #require(lines[after...].firstIndex(of: text), "no line \(text)") + 1
        }
        let create = try #require(Self.model.events.first { $0.name == "GoCreate" })
        let createLine = try line("      - id: 14")
        #expect(create.locations.entity.line == createLine)
        #expect(create.locations["name"].line == (try line("        name: GoCreate")) && create.locations["name"].column == 15)
        #expect(create.orderingLocations?["context.thread"].line == (try line("          context: {thread: must, proc: must, goroutine: may}", after: createLine)))
        #expect(create.rangeLocations == nil)
        #expect(Self.model.locations["headerSize"].line == (try line("headerSize: 16")))
        #expect(Self.model.roles.locations.entity.line == (try line("  batch: EventBatch")))
        #expect(Self.model.roles.locations["batch"].line == (try line("  batch: EventBatch")))
        #expect(Self.model.groups.first { $0.name == "Goroutines" }?.locations.entity.line == (try line("  - name: Goroutines")))
        #expect(Self.model.declaredKinds == Self.model.kinds)
    }

    /// Renderers print no location: the same spec further down its file renders the same bytes,
    /// and comparing the two finds no change.
    @Test func locationsDoNotReachTheOutput() throws {
        let text = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8)
        let here = try TraceGen.loadSpec(data: Data(text.utf8), file: "v2.yaml")
        let lower = try TraceGen.loadSpec(data: Data(("# Two lines\n# further down.\n" + text).utf8), file: "v2.yaml")
        #expect(lower.events[0].locations.entity.line == here.events[0].locations.entity.line + 2)
        #expect(here != lower)
        #expect(TraceGen.render(here, sourceName: "v2.yaml") == TraceGen.render(lower, sourceName: "v2.yaml"))
        #expect(SpecDiff.compare(here, lower).changes.isEmpty)
    }

    @Test func gofmtAlignmentSectionsFollowGoPrinter() {
        // Short keys align together; a key past 40 characters and 2.5 times the running mean starts a section.
        #expect(GoAlignment.sections(keySizes: [5, 6, 7]) == [[0, 1, 2]])
        #expect(GoAlignment.sections(keySizes: [5, 47, 6]) == [[0], [1], [2]])
        #expect(GoAlignment.sections(keySizes: [41, 45, 50]) == [[0, 1, 2]])
    }
}
