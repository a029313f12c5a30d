import Foundation
import Testing
@testable import TraceGenCore

/// The minimal spec with every meaning field in use: a range pair whose name takes a string
/// argument, a metric, a state transition, an implicitly Experimental event, and ID types.
let meaningSpec: String = {
    var text = minimalSpec
    func edit(_ old: String, _ new: String) {
        precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the minimal spec")
        text = text.replacingOccurrences(of: old, with: new)
    }
    edit("  - name: g\n    description: a goroutine\n", "  - name: g\n    description: a goroutine\n    swiftType: GoroutineID\n  - name: gstatus\n    description: a goroutine status\n    status: goStatuses\n")
    edit("  timedArgsLimit: MaxTimedEventArgs\n", "  timedArgsLimit: MaxTimedEventArgs\nrangeScopes: [none, proc, goroutine]\ntransitionResources: [goroutine, proc]\n")
    edit("  - name: string\n    description: a string ID\n", "  - name: string\n    description: a string ID\n    swiftType: StringID\n")
    edit("        stackIDs: [2]\n        timed: true\n", "        stackIDs: [2]\n        timed: true\n        kind: RangeBegin\n        range: {name: \"pause ({name_string})\", scope: goroutine}\n")
    edit("        start: Begin\n        timed: true\n", "        start: Begin\n        timed: true\n        kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: goroutine}\n")
    edit("        description: Ends.\n", """
            description: Ends.
          - id: 5
            name: Procs
            args: [dt, procs]
            timed: true
            kind: Metric
            metric: /sched/procs:threads
            since: go1.22
            description: The number of Ps changed.
          - id: 6
            name: GoStart
            args: [dt, g, gstatus]
            timed: true
            kind: StateTransition
            resource: goroutine
            since: go1.22
            description: A goroutine started.

    """)
    return text
}()

/// Loads `base` with one edit applied; the complete diagnostics and the marker's position.
func diagnose(_ edit: RuleCase, in base: String) -> (diagnostics: [String], marker: MarkedText) {
    let occurrences = base.components(separatedBy: edit.replace).count - 1
    precondition(occurrences == 1, "'\(edit.replace)' must occur exactly once in the base spec")
    let marked = MarkedText(base.replacingOccurrences(of: edit.replace, with: edit.with))
    do {
        _ = try TraceGen.loadSpec(data: Data(marked.text.utf8), file: "spec.yaml")
        return ([], marked)
    } catch let error as DiagnosticsError {
        return (error.diagnostics.map(\.description), marked)
    } catch {
        return (["unexpected error: \(error)"], marked)
    }
}

@Suite struct MeaningRuleTests {
    @Test func meaningSpecIsValid() throws {
        let spec = try TraceGen.loadSpec(data: Data(meaningSpec.utf8), file: "spec.yaml")
        #expect(spec.events.map { $0.meaning.kind ?? "-" } == ["-", "-", "RangeBegin", "RangeEnd", "Metric", "StateTransition", "Experimental"])
        #expect(spec.event(named: "End")?.meaning.range?.scope == "goroutine")
        #expect(spec.event(named: "GoStart")?.meaning.resource == "goroutine")
        #expect(spec.rangeScopes == ["none", "proc", "goroutine"] && spec.transitionResources == ["goroutine", "proc"])
        #expect(RangeNameTemplate("pause ({name_string})")?.parts == [.text("pause ("), .argument("name_string"), .text(")")])
    }

    @Test func theRealSpecsStateGoParsersFacts() throws {
        for path in ["Specs/v2.yaml", "Specs/releases/go1.22.yaml", "Specs/releases/go1.27.yaml"] {
            let spec = try TraceGen.loadSpec(path: Repo.path(path))
            #expect(spec.event(named: "STWEnd")?.meaning.range?.name == "stop-the-world ({kind_string})")
            #expect(spec.event(named: "HeapGoal")?.meaning.metric == "/gc/heap/goal:bytes")
            #expect(spec.event(named: "GCSweepActive")?.meaning.range?.scope == "proc")
            #expect(spec.event(named: "ProcSteal")?.meaning.resource == "proc")
            #expect(spec.rangeScopes == ["none", "proc", "goroutine"] && spec.transitionResources == ["goroutine", "proc"])
            #expect(spec.event(named: "EventBatch")?.meaning.kind == nil)
        }
    }

    @Test func referencePageShowsWhatEventsMean() throws {
        let spec = try TraceGen.loadSpec(data: Data(meaningSpec.utf8), file: "spec.yaml")
        let page = try #require(TraceGen.render(spec, sourceName: "spec.yaml").first { $0.path.hasSuffix(".md") }).contents
        #expect(page.contains("| Kind | Reads as |"))
        #expect(page.contains("| timed | RangeEnd “pause ({name_string})” (scope: goroutine) | Begin |"))
        #expect(page.contains("| timed | Metric /sched/procs:threads |"))
        #expect(page.contains("| timed | StateTransition of a goroutine |"))
        #expect(page.contains("| timed, AllocFree | Experimental |"))
        #expect(page.contains("| structural | — |"))
        #expect(page.contains("| `g` | a goroutine | GoroutineID |"))
        #expect(page.contains("| `gstatus` | a goroutine status | GoStatus |"))
        #expect(page.contains("| `stack` | a stack ID | UInt64 |"))
    }

    @Test func goKindTableListsEveryEventWithAKind() throws {
        let spec = try TraceGen.loadSpec(data: Data(meaningSpec.utf8), file: "spec.yaml")
        let file = try #require(TraceGen.render(spec, sourceName: "spec.yaml").first { $0.path == "Go/trace/eventkinds.go" })
        #expect(file.contents == """
            // Code generated by tracegen from spec.yaml. DO NOT EDIT.

            package trace

            import "internal/trace/tracev2"

            // tracev2Type2Kind gives each wire event type the kind of event the parser makes of it. Types
            // without an entry are structural: the parser consumes them itself, and they read as EventBad.
            var tracev2Type2Kind = [...]EventKind{
            	tracev2.EvBegin:   EventRangeBegin,
            	tracev2.EvEnd:     EventRangeEnd,
            	tracev2.EvProcs:   EventMetric,
            	tracev2.EvGoStart: EventStateTransition,
            	tracev2.EvThing:   EventExperimental,
            }

            """)
    }

    /// The typed API of a small spec with a type prefix and internal access compiles in Swift 6
    /// mode with warnings as errors, and so does one without ID types or status arguments.
    @Test func typedSwiftCompilesForOtherSpecs() throws {
        let scratch = makeTemporaryDirectory("tracegen-typed")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let spec = try TraceGen.loadSpec(data: Data(meaningSpec.utf8), file: "spec.yaml")
        let prefixed = SwiftRenderer(model: spec, context: RenderContext(sourceName: "spec.yaml"),
                                     options: SwiftRenderOptions(accessLevel: "internal", typePrefix: "My")).renderFiles()
        try Compilers.write(prefixed, to: scratch.appendingPathComponent("a"))
        let plain = try TraceGen.loadSpec(data: Data(minimalSpec.utf8), file: "plain.yaml")
        try Compilers.write(SwiftRenderer(model: plain, context: RenderContext(sourceName: "plain.yaml")).renderFiles(), to: scratch.appendingPathComponent("b"))
        #expect(prefixed.contains { $0.path == "MyEvent.swift" && $0.contents.contains("internal struct MyGoroutineID: RawRepresentable") })
        let failures = [
            Compilers.compileSwift(module: "Prefixed", sources: scratch.appendingPathComponent("a"), into: scratch.appendingPathComponent("out-a")),
            Compilers.compileSwift(module: "TraceV2", sources: scratch.appendingPathComponent("b"), into: scratch.appendingPathComponent("out-b")),
        ]
        #expect(failures == [nil, nil], "\(failures.compactMap { $0 }.joined(separator: "\n"))")
    }

    /// One rule each; the list of diagnostics must be exactly the one message at the marker.
    static let rules: [RuleCase] = [
        RuleCase(rule: "a misspelt kind is caught", replace: "kind: Metric", with: "kind: ‸Metrik",
                 message: "event Procs has unknown kind 'Metrik'; did you mean 'Metric'?"),
        RuleCase(rule: "a kind of the spec's own is listed in kinds", replace: "kind: Metric", with: "kind: ‸Checkpoint",
                 message: "event Procs has unknown kind 'Checkpoint'; a kind of the spec's own must be listed in kinds"),
        RuleCase(rule: "kinds are listed once", replace: "rangeScopes: [none, proc, goroutine]\n", with: "kinds: [RangeBegin, RangeEnd, Metric, StateTransition, Experimental, ‸Metric]\nrangeScopes: [none, proc, goroutine]\n",
                 message: "kinds lists 'Metric' twice"),
        RuleCase(rule: "kinds are names that every language takes", replace: "rangeScopes: [none, proc, goroutine]\n", with: "kinds: [RangeBegin, RangeEnd, Metric, StateTransition, Experimental, ‸Check-point]\nrangeScopes: [none, proc, goroutine]\n",
                 message: "kind 'Check-point' must be an upper-case letter followed by letters and digits"),
        RuleCase(rule: "an experiment's events have kind Experimental", replace: "        experiment: AllocFree\n", with: "        kind: ‸Sync\n        experiment: AllocFree\n",
                 message: "experimental event Thing has kind Sync; events of an experiment have kind Experimental"),
        RuleCase(rule: "kind Experimental only for an experiment's events", replace: "args: [gen]\n        timed: false\n", with: "args: [gen]\n        timed: false\n        kind: ‸Experimental\n",
                 message: "event Batch has kind Experimental but names no experiment"),
        RuleCase(rule: "a range only on range kinds", replace: "kind: Metric\n", with: "kind: Metric\n        range: ‸{name: x, scope: none}\n",
                 message: "event Procs has a range but its kind is not RangeBegin, RangeActive or RangeEnd"),
        RuleCase(rule: "range kinds name their range", replace: "        kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: goroutine}\n", with: "        kind: ‸RangeEnd\n",
                 message: "range event End must name its range in 'range'"),
        RuleCase(rule: "range scopes are none, proc or goroutine", replace: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: goroutine}", with: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: ‸thread}",
                 message: "range scope 'thread' of End must be one of none, proc, goroutine"),
        RuleCase(rule: "a range keeps one scope", replace: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: goroutine}", with: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\", scope: ‸proc}",
                 message: "range 'pause ({name_string})' has scope proc in End but goroutine in Begin"),
        RuleCase(rule: "range names refer to string arguments", replace: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\"", with: "kind: RangeEnd\n        range: {name: ‸\"pause ({reason_string})\"",
                 message: "range name of End refers to '{reason_string}', which is not a string argument of End or its start event Begin"),
        RuleCase(rule: "range name braces match", replace: "kind: RangeEnd\n        range: {name: \"pause ({name_string})\"", with: "kind: RangeEnd\n        range: {name: ‸\"pause ({name_string)\"",
                 message: "range name 'pause ({name_string)' of End has an unmatched '{' or '}'"),
        RuleCase(rule: "a metric only on Metric", replace: "kind: StateTransition\n", with: "kind: StateTransition\n        metric: ‸/x:bytes\n",
                 message: "event GoStart has a metric but its kind is not Metric"),
        RuleCase(rule: "Metric names its metric", replace: "        kind: Metric\n        metric: /sched/procs:threads\n", with: "        kind: ‸Metric\n",
                 message: "metric event Procs must name its metric in 'metric'"),
        RuleCase(rule: "a resource only on StateTransition", replace: "kind: Metric\n", with: "kind: Metric\n        resource: ‸proc\n",
                 message: "event Procs has a resource but its kind is not StateTransition"),
        RuleCase(rule: "StateTransition names its resource", replace: "        kind: StateTransition\n        resource: goroutine\n", with: "        kind: ‸StateTransition\n",
                 message: "state transition GoStart must name the resource that changes in 'resource'"),
        RuleCase(rule: "resources are goroutine or proc", replace: "resource: goroutine", with: "resource: ‸thread",
                 message: "resource 'thread' of GoStart must be one of goroutine, proc"),
        RuleCase(rule: "swift ID types are distinct", replace: "swiftType: StringID", with: "swiftType: ‸GoroutineID",
                 message: "swiftType 'GoroutineID' of argument type string is already the type of g; each ID type must be distinct"),
        RuleCase(rule: "swift ID types are type names", replace: "swiftType: StringID", with: "swiftType: ‸stringID",
                 message: "swiftType 'stringID' of argument type string must start with an upper-case letter and contain only letters and digits"),
        RuleCase(rule: "status types name a status list", replace: "status: goStatuses", with: "status: ‸threadStatuses",
                 message: "status 'threadStatuses' of argument type gstatus is not a status set; did you mean 'procStatuses'?"),
        RuleCase(rule: "declared range scopes are lower-case letters", replace: "rangeScopes: [none, proc, goroutine]", with: "rangeScopes: [none, ‸Proc, goroutine]",
                 message: "range scope 'Proc' must be lower-case letters only"),
        RuleCase(rule: "a range scope is declared once", replace: "rangeScopes: [none, proc, goroutine]", with: "rangeScopes: [none, proc, goroutine, ‸proc]",
                 message: "rangeScopes lists 'proc' twice"),
        RuleCase(rule: "a transition resource is not none", replace: "transitionResources: [goroutine, proc]", with: "transitionResources: [goroutine, ‸none]",
                 message: "transition resource 'none' names nothing that changes; list only resources"),
        RuleCase(rule: "a status set's swift type is not an ID type", replace: "prefix: Proc}\n", with: "prefix: Proc}\n    swift: {type: ‸GoroutineID}\n",
                 message: "swift type GoroutineID of status set procStatuses is already the ID type of argument type g"),
        RuleCase(rule: "an argument type is an ID or a status, not both", replace: "status: goStatuses", with: "status: ‸goStatuses\n    swiftType: GoStatusID",
                 message: "argument type gstatus has both a swiftType and a status; a status argument takes its status type"),
        RuleCase(rule: "the Go parser package is a package name", replace: "  swiftModule: TraceV2\n", with: "  swiftModule: TraceV2\n  goParser:\n    package: ‸Trace\n",
                 message: "output goParser package 'Trace' must be a lower-case Go package name"),
        RuleCase(rule: "the Go parser sync event is an identifier", replace: "  swiftModule: TraceV2\n", with: "  swiftModule: TraceV2\n  goParser:\n    syncEvent: ‸ev-sync\n",
                 message: "output goParser syncEvent 'ev-sync' must be a Go identifier"),
        RuleCase(rule: "the Go parser import path is a path", replace: "  swiftModule: TraceV2\n", with: "  swiftModule: TraceV2\n  goParser:\n    importPath: ‸/abs/tracev2\n",
                 message: "output goParser importPath '/abs/tracev2' must be a Go import path such as internal/trace/tracev2"),
        RuleCase(rule: "fullWidth names arguments or data", replace: "args: [gen]\n        timed: false\n", with: "args: [gen]\n        timed: false\n        fullWidth: [‸size]\n",
                 message: "fullWidth of Batch names 'size', which is neither one of its arguments nor 'data' of an event with data"),
        RuleCase(rule: "fullWidth lists each varint once", replace: "args: [gen]\n        timed: false\n", with: "args: [gen]\n        timed: false\n        fullWidth: [gen, ‸gen]\n",
                 message: "fullWidth of Batch lists 'gen' twice"),
        RuleCase(rule: "range keys are name and scope", replace: "range: {name: \"pause ({name_string})\", scope: goroutine}\n        since: go1.22\n        description: Begins.", with: "range: {name: \"pause ({name_string})\", scope: goroutine, ‸colour: red}\n        since: go1.22\n        description: Begins.",
                 message: "unknown key 'colour' in range 'pause ({name_string})' (expected one of 'name', 'scope')"),
    ]

    /// With `kinds` declared, an event's kind must be one of them, even one the generator knows.
    @Test func declaredKindsAreTheOnlyKinds() {
        let listed = meaningSpec.replacingOccurrences(of: "rangeScopes: [none, proc, goroutine]\n",
                                                      with: "kinds: [RangeBegin, RangeEnd, StateTransition, Experimental, Checkpoint]\nrangeScopes: [none, proc, goroutine]\n")
        let missing = RuleCase(rule: "", replace: "kind: Metric", with: "kind: ‸Metric", message: "event Procs has unknown kind 'Metric' (not in kinds)")
        let (diagnostics, marker) = diagnose(missing, in: listed)
        #expect(diagnostics == ["spec.yaml:\(marker.line):\(marker.column): error: \(missing.message)"])
        // A kind of the spec's own, once listed, is a kind like any other.
        let own = RuleCase(rule: "", replace: "kind: Metric\n        metric: /sched/procs:threads\n", with: "kind: ‸Checkpoint\n", message: "")
        #expect(diagnose(own, in: listed).diagnostics == [])
    }

    @Test(arguments: rules)
    func rule(_ edit: RuleCase) {
        let (diagnostics, marker) = diagnose(edit, in: meaningSpec)
        #expect(diagnostics == ["spec.yaml:\(marker.line):\(marker.column): error: \(edit.message)"])
    }
}
