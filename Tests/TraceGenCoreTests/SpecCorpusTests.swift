import Foundation
import Testing
@testable import TraceGenCore

/// Any valid spec generates Swift that compiles and Go that is gofmt-, vet- and build-clean:
/// the six release snapshots and synthetic specs that each stretch one edge of the format.
@Suite(.serialized) struct SpecCorpusTests {
    /// The synthetic specs of Tests/Fixtures/spec-corpus, by file name.
    static let synthetic = ["no-experiments", "experimental-255", "regular-127", "single-version", "sensor-family", "long-names"]
    static let releases = (22...27).map { "go1.\($0)" }

    static func path(_ name: String) -> String {
        name.hasPrefix("go1.") ? Repo.path("Specs/releases/\(name).yaml") : Repo.path("Tests/Fixtures/spec-corpus/\(name).yaml")
    }

    @Test func theCorpusIsComplete() throws {
        let folder = Repo.path("Tests/Fixtures/spec-corpus")
        let specs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("-config.yaml") }
        #expect(Set(specs) == Set(Self.synthetic.map { "\($0).yaml" }), "every spec in the folder is in the corpus, and no more")
        #expect(Self.synthetic.count >= 6)
    }

    /// The edges the synthetic specs are meant to reach, so a later edit of a spec cannot lose one quietly.
    @Test func theSyntheticSpecsReachTheirEdges() throws {
        func model(_ name: String) throws -> TraceModel { try TraceGen.loadSpec(path: Self.path(name)) }
        #expect(try model("no-experiments").experiments.isEmpty)
        let full = try model("experimental-255")
        #expect(full.experiments.count == 2 && full.events.last?.id == 255 && full.experimentalRangeIsFull)
        #expect(try model("regular-127").regularEvents.last?.id == 127)
        let single = try model("single-version")
        #expect(single.versions.count == 1 && single.constants.isEmpty && single.statusSets.isEmpty && single.roles.events.isEmpty)
        let sensor = try model("sensor-family")
        let goNames = Set(try model("go1.27").events.map(\.name))
        #expect(sensor.events.allSatisfy { !goNames.contains($0.name) }, "the other family shares no event name with Go's")
        #expect(sensor.statusSets.map(\.name) == ["sensorStatuses", "powerStatuses"] && sensor.roles[.timedArgsLimit]?.name == "MaxReadingArgs")
        #expect(sensor.statusSet(named: "sensorStatuses")?.isDense == false)
        // Its own resources get the same generation as Go's: the core knows neither family's names.
        #expect(sensor.resources.map(\.name) == ["bus", "sensor"] && sensor.handlers.map(\.name) == ["Calibration"])
        let ordering = try #require(TraceGen.render(sensor, sourceName: "sensor-family.yaml").first { $0.path == "Go/trace/ordering.go" }).contents
        #expect(ordering.contains("\tsensorbus.EvReading:       (*ordering).advanceReading,"))
        #expect(ordering.contains("\tsensorSt.status = sensorbus.SensorReady\n"), "\(ordering)")
        for goWord in ["goroutine", "Goroutine", "ProcID", "GoID", "tracev2", "GoStatus", "ProcStatus"] {
            #expect(!ordering.contains(goWord), "the sensor format's ordering mentions \(goWord)")
        }
        // Its status sets are its own too: their types, constants and docs name sensors and power switches.
        let files = TraceGen.render(sensor, sourceName: "sensor-family.yaml")
        let events = try #require(files.first { $0.path == "Go/sensorbus/events.go" }).contents
        #expect(events.contains("// SensorStatus is the state of a sensor as a trace records it.\ntype SensorStatus uint8\n"))
        #expect(events.contains("\tPowerActive PowerStatus = 3 // switched on\n"))
        let statuses = try #require(files.first { $0.path.hasSuffix("Statuses.swift") }).contents
        #expect(statuses.contains("/// The state of a power switch, as a trace records it.\npublic enum PowerState: UInt8"), "\(statuses)")
        let docs = try #require(files.first { $0.path.hasSuffix(".md") }).contents
        let packageDoc = try #require(files.first { $0.path == "Go/sensorbus/doc.go" }).contents
        #expect(packageDoc.contains("experiments, sensor and power switch statuses, format limits"), "\(packageDoc)")
        #expect(docs.contains("## Sensor statuses\n") && docs.contains("## Power switch statuses\n"))
        // Its range scopes and transition resources default to its resources with statuses.
        #expect(sensor.rangeScopes == ["none", "sensor"] && sensor.transitionResources == ["sensor"])
        let kinds = try #require(files.first { $0.path.hasSuffix("EventKind.swift") }).contents
        #expect(kinds.contains("public enum RangeScope: String, CaseIterable, Hashable, Sendable {\n    case `none`\n    case sensor\n}\n"), "\(kinds)")
        #expect(kinds.contains("public enum TransitionResource: String, CaseIterable, Hashable, Sendable {\n    case sensor\n}\n"))
        // Its kinds are its own: the generated kind enumeration lists the spec's, and no Go kind.
        #expect(sensor.kinds == ["Sample", "Setup", "Experimental"])
        #expect(kinds.contains("public enum EventKind: String, CaseIterable, Hashable, Sendable {\n    case sample = \"Sample\"\n    case setup = \"Setup\"\n    case experimental = \"Experimental\"\n}\n"), "\(kinds)")
        #expect(kinds.contains("case .reading: .sample"), "\(kinds)")
        // A spec whose events state no kind gets an enumeration without cases, which still compiles.
        #expect(try model("single-version").kinds.isEmpty)
        for file in [events, statuses, docs, packageDoc, kinds] {
            for goWord in ["GoStatus", "ProcStatus", "goroutine", "Goroutine"] {
                #expect(!file.contains(goWord), "the sensor format's status types mention \(goWord)")
            }
        }
        #expect(try model("long-names").events.contains { $0.name.count >= 40 })
    }

    /// Every spec of the corpus, generated by the library and compiled by both real compilers.
    @Test func everySpecCompilesInSwiftAndGo() throws {
        let scratch = makeTemporaryDirectory("tracegen-corpus")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var modules: [(name: String, module: String, sources: URL)] = []
        var packages: [(folder: String, source: URL)] = []
        for name in Self.releases + Self.synthetic {
            let spec = try TraceGen.loadSpec(path: Self.path(name), displayName: name + ".yaml")
            let output = scratch.appendingPathComponent("out/\(name)")
            try Compilers.write(TraceGen.render(spec, sourceName: name + ".yaml"), to: output)
            let layout = spec.layout
            modules.append((name, layout.swiftModule, output.appendingPathComponent(layout.swiftDirectory)))
            packages.append((name.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"), output.appendingPathComponent(layout.goDirectory)))
        }
        let failures = Compilers.parallel(modules.map { item in
            let (name, module, sources) = item
            let out = scratch.appendingPathComponent("swift/\(name)")
            return { @Sendable in Compilers.compileSwift(module: module, sources: sources, into: out) }
        })
        for (module, failure) in zip(modules, failures) {
            #expect(failure == nil, "\(module.name): \(failure ?? "")")
        }
        let goModule = scratch.appendingPathComponent("go")
        try FileManager.default.createDirectory(at: goModule, withIntermediateDirectories: true)
        let problems = try Compilers.checkGo(packages: packages, in: goModule)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The build plugin's path: `tracegen emit-swift` with a config that sets a type prefix and the
    /// `package` access level, compiled as the plugin's target would be.
    @Test func pluginConfigVariantCompiles() throws {
        let scratch = makeTemporaryDirectory("tracegen-corpus-plugin")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sources = scratch.appendingPathComponent("Sources")
        let emit = run([Repo.tracegen, "emit-swift", Self.path("sensor-family"), "--output", sources.path,
                        "--config", Repo.path("Tests/Fixtures/spec-corpus/sensor-config.yaml"), "--file-prefix", "Sensor_"])
        try #require(emit.status == 0, "\(emit.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted()
        #expect(names == ["Sensor_Event.swift", "Sensor_EventKind.swift", "Sensor_EventSpec.swift", "Sensor_EventType.swift",
                          "Sensor_Experiment.swift", "Sensor_Statuses.swift", "Sensor_TraceLimits.swift", "Sensor_TraceVersion.swift"])
        let eventType = try String(contentsOf: sources.appendingPathComponent("Sensor_EventType.swift"), encoding: .utf8)
        #expect(eventType.contains("package enum SbEventType: UInt8"))
        let failure = Compilers.compileSwift(module: "SensorBus", sources: sources, into: scratch.appendingPathComponent("module"), packageName: "corpus")
        #expect(failure == nil, "\(failure ?? "")")
    }

    /// The stringer-style guard in events.go breaks the build when an event constant drifts from its ID.
    @Test func theGoIDGuardCatchesADriftedConstant() throws {
        let scratch = makeTemporaryDirectory("tracegen-corpus-guard")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let spec = try TraceGen.loadSpec(path: Self.path("no-experiments"))
        try Compilers.write(TraceGen.render(spec, sourceName: "no-experiments.yaml"), to: scratch.appendingPathComponent("out"))
        let package = scratch.appendingPathComponent("out/Go/noexp")
        let events = package.appendingPathComponent("events.go")
        let text = try String(contentsOf: events, encoding: .utf8)
        // Two events swap places in the iota block: each constant is now the other's ID.
        let drifted = text.replacingOccurrences(of: "\tEvStack ", with: "\tEvSWAP ").replacingOccurrences(of: "\tEvString ", with: "\tEvStack ")
            .replacingOccurrences(of: "\tEvSWAP ", with: "\tEvString ")
        try #require(drifted != text)
        try drifted.write(to: events, atomically: true, encoding: .utf8)
        let module = scratch.appendingPathComponent("go")
        try FileManager.default.createDirectory(at: module, withIntermediateDirectories: true)
        let problems = try Compilers.checkGo(packages: [("noexp", package)], in: module)
        #expect(problems.contains { $0.hasPrefix("go build:") && $0.contains("invalid argument: index") }, "\(problems)")
    }

    /// gofmt's alignment has rules of its own for long names; the Go output follows them whatever
    /// the lengths. Fifty specs with event and experiment names from 1 to 200 characters, in a
    /// fixed pseudo-random order, all come out gofmt-clean.
    @Test func goIsGofmtCleanWhateverTheNameLengths() throws {
        let scratch = makeTemporaryDirectory("tracegen-lengths")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let lengths = [1, 2, 3, 5, 8, 20, 38, 39, 40, 41, 42, 45, 60, 80, 100, 120, 200]
        func name(_ prefix: String, _ index: Int) -> String {
            let length = lengths[next(lengths.count)]
            let tag = "\(prefix)\(index)"
            return tag + String(repeating: "a", count: max(0, length - tag.count))
        }
        for seed in 0..<50 {
            let experiments = (1...3).map { name("X", $0) }
            var text = "title: Lengths\noutput:\n  goPackage: lengths\n  swiftModule: Lengths\nheaderSize: 16\n"
            text += "versions:\n  - {name: go1.22, header: go 1.22 trace, description: First.}\n"
            text += "constants: []\nargTypes: []\nexperiments:\n"
            for (index, experiment) in experiments.enumerated() {
                text += "  - {id: \(index + 1), name: \(experiment), since: go1.22, description: An experiment.}\n"
            }
            text += "statusSets:\n  - name: goStatuses\n    of: goroutine\n    go: {type: GoStatus, prefix: Go}\n    values:\n"
            text += "      - {value: 0, name: \(name("S", 0)), display: Bad, description: Unknown.}\n"
            text += "      - {value: 1, name: \(name("S", 1)), display: Fine, description: Known.}\n"
            text += "groups:\n  - name: Regular\n    description: Regular events.\n    events:\n"
            for id in 1...(5 + next(20)) {
                text += "      - {id: \(id), name: \(name("E", id)), args: [dt], timed: true, since: go1.22, description: An event.}\n"
            }
            text += "  - name: Experimental\n    description: Experimental events.\n    events:\n"
            for id in 128..<(130 + next(6)) {
                text += "      - {id: \(id), name: \(name("E", id)), args: [dt], timed: true, experiment: \(experiments[next(3)]), since: go1.22, description: An event.}\n"
            }
            let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "lengths-\(seed).yaml")
            let files = GoRenderer(model: spec, context: RenderContext(sourceName: "lengths.yaml")).render()
            try Compilers.write(files.map { GeneratedFile(path: "\(seed)/" + $0.path, contents: $0.contents) }, to: scratch)
        }
        let gofmt = URL(fileURLWithPath: Repo.go).deletingLastPathComponent().appendingPathComponent("gofmt").path
        let format = run([gofmt, "-l", scratch.path])
        let diff = format.stdout.isEmpty ? "" : run([gofmt, "-d", scratch.path]).stdout
        #expect(format.status == 0 && format.stdout.isEmpty, "gofmt would change: \(format.stdout)\(format.stderr)\n\(diff)")
    }
}
