import Foundation
import Testing
@testable import TraceGenCore

/// The spec every severity rule test starts from; each test edits a copy into NEW (or OLD).
let diffBaseSpec = """
title: Test format
output:
  goPackage: tracev2
  swiftModule: TraceV2
headerSize: 16
versions:
  - name: go1.22
    header: go 1.22 trace
    description: First.
  - name: go1.23
    header: go 1.23 trace
    description: Second.
constants:
  - name: MaxStringSize
    value: 1024
    description: The longest string.
argTypes:
  - name: g
    description: a goroutine ID
  - name: p
    description: a P ID
  - name: seq
    description: a sequence number
  - name: string
    description: a string ID
  - name: stack
    description: a stack ID
experiments:
  - id: 1
    name: Alloc
    since: go1.23
    description: Allocations.
statusSets:
  - name: goStatuses
    of: goroutine
    go: {type: GoStatus, prefix: Go}
    values:
      - {value: 0, name: Bad, display: Bad, description: Invalid.}
      - {value: 1, name: Running, display: Running, description: Running.}
  - name: procStatuses
    of: P
    go: {type: ProcStatus, prefix: Proc}
    values:
      - {value: 0, name: Bad, display: Bad, description: Invalid.}
      - {value: 1, name: Idle, display: Idle, description: Idle.}
groups:
  - name: Main
    description: Everything regular.
    events:
      - id: 1
        name: Batch
        args: [gen, m]
        timed: false
        since: go1.22
        description: A batch.
      - id: 2
        name: GoStart
        args: [dt, g, g_seq]
        timed: true
        since: go1.22
        description: A goroutine starts.
      - id: 3
        name: GoStop
        args: [dt, reason_string, stack]
        stringIDs: [1]
        stackIDs: [2]
        start: GoStart
        timed: true
        since: go1.23
        description: A goroutine stops.
      - id: 4
        name: GoCreate
        args: [dt, new_g, new_stack, stack]
        stackIDs: [3, 2]
        timed: true
        since: go1.22
        description: A goroutine is created.
      - id: 5
        name: Sample
        args: [time, p, g, stack]
        unresolved: [3]
        timed: false
        since: go1.22
        description: A CPU sample.
  - name: Experimental
    description: Allocation events.
    events:
      - id: 128
        name: Span
        args: [dt, id]
        timed: true
        experiment: Alloc
        since: go1.23
        description: A span.
rangeScopes: [none, proc, goroutine]
transitionResources: [goroutine, proc]

"""

/// Edits that give the base spec an ordering: one goroutine resource, one handler, and every
/// event's `ordering`. Scenarios of the ordering rules start from it.
let diffOrderingEdits: [(replace: String, with: String)] = [
    ("rangeScopes: [none, proc, goroutine]\ntransitionResources: [goroutine, proc]\n", ""),
    ("prefix: Go}\n    values:\n      - {value: 0, name: Bad, display: Bad, description: Invalid.}\n",
     "prefix: Go}\n    values:\n      - {value: 0, name: Bad, display: Bad, description: Invalid., state: Undetermined}\n"),
    ("groups:\n", """
        resources:
          - name: goroutine
            description: A goroutine.
            argType: g
            statuses: goStatuses
            states: [Undetermined, NotExist, Running]
            absent: NotExist
            go: {context: G, none: NoGoroutine, id: GoID, table: gStates, state: gState, makeTransition: MakeGoStateTransition, statePrefix: Go}
            messages:
              unknown: "no goroutine {id}"
              status: "goroutine {id} not {expected}"
              exists: "goroutine {id} exists"
              sequence: "{event}: {have} then {got}"
        handlers:
          - name: Make
            description: Makes a goroutine.
        groups:

        """),
    ("        description: A batch.\n", "        description: A batch.\n        ordering: unordered\n"),
    ("        description: A goroutine starts.\n", """
                description: A goroutine starts.
                ordering: {context: {goroutine: mustNot}, changes: [{resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, from: [Bad], to: Running, thread: bind}]}

        """),
    ("        description: A goroutine stops.\n", """
                description: A goroutine stops.
                ordering: {context: {goroutine: must}, changes: [{resource: goroutine, of: current, from: [Running], to: Bad, thread: unbind}]}

        """),
    ("        description: A goroutine is created.\n", "        description: A goroutine is created.\n        ordering: {handler: Make}\n"),
    ("        description: A CPU sample.\n", "        description: A CPU sample.\n        ordering: unordered\n"),
    ("        description: A span.\n", "        description: A span.\n        ordering: {context: {goroutine: may}}\n"),
]

/// One severity rule at work: edits that turn the base spec into OLD and NEW, and the change the rule must decide.
struct DiffRuleCase: CustomTestStringConvertible, Sendable {
    var rule: SeverityRule
    /// Replacements applied to the base spec to make OLD; each `replace` must occur exactly once.
    var old: [(replace: String, with: String)] = []
    /// Replacements applied to make NEW. One of OLD and NEW carries a `‸` marking where the change must point.
    var new: [(replace: String, with: String)] = []
    var kind: SpecChange.Kind
    var entity: SpecChange.Entity
    var name: String
    var field: String?
    var oldValue: DiffValue?
    var newValue: DiffValue?
    /// Every change the edit causes, as `kind entity name field`, when the rule's change is not alone.
    var allChanges: [String]?
    var testDescription: String { rule.rawValue }
}

/// Applies replacements, each of which must match exactly once.
func edited(_ text: String, _ edits: [(replace: String, with: String)]) -> String {
    var result = text
    for edit in edits {
        let occurrences = result.components(separatedBy: edit.replace).count - 1
        precondition(occurrences == 1, "'\(edit.replace)' must occur exactly once, found \(occurrences)")
        result = result.replacingOccurrences(of: edit.replace, with: edit.with)
    }
    return result
}

/// Diffs two spec texts, failing the test if either does not load.
func diffTexts(_ old: String, _ new: String) throws -> SpecDiffReport {
    let oldSpec = try TraceGen.loadSpec(data: Data(old.utf8), file: "old.yaml")
    let newSpec = try TraceGen.loadSpec(data: Data(new.utf8), file: "new.yaml")
    return SpecDiff.compare(oldSpec, newSpec)
}

/// The entities of the base spec's two status sets, as `tracegen diff` names them.
extension SpecChange.Entity {
    static let goStatus = SpecChange.Entity(rawValue: "goStatus", prose: "goroutine status")
    static let procStatus = SpecChange.Entity(rawValue: "procStatus", prose: "P status")
}

func signature(_ change: SpecChange) -> String {
    [change.kind.rawValue, change.entity.rawValue, change.name, change.field].compactMap { $0 }.joined(separator: " ")
}

@Suite struct DiffRuleTests {
    static let cases: [DiffRuleCase] = SeverityRule.allCases.map(scenario)

    /// One scenario per rule; the switch is exhaustive, so a new rule cannot go without a test.
    static func scenario(_ rule: SeverityRule) -> DiffRuleCase {
        switch rule {
        case .removed:
            return DiffRuleCase(rule: rule,
                                old: [("      - {value: 1, name: Running", "      - ‸{value: 1, name: Running")],
                                new: [("      - {value: 1, name: Running, display: Running, description: Running.}\n", "")],
                                kind: .removed, entity: .goStatus, name: "Running")
        case .eventAddedSkippable:
            return DiffRuleCase(rule: rule, new: [("        description: A span.\n", """
                        description: A span.
                      - ‸id: 129
                        name: SpanFree
                        args: [dt, id]
                        timed: true
                        experiment: Alloc
                        since: go1.23
                        description: A span is freed.

                """)], kind: .added, entity: .event, name: "SpanFree")
        case .eventAddedToKnownVersion:
            return DiffRuleCase(rule: rule, new: [("        description: A CPU sample.\n", """
                        description: A CPU sample.
                      - ‸id: 6
                        name: GoBlock
                        args: [dt]
                        timed: true
                        since: go1.23
                        description: A goroutine blocks.

                """)], kind: .added, entity: .event, name: "GoBlock")
        case .experimentAdded:
            return DiffRuleCase(rule: rule, new: [("    description: Allocations.\n", """
                    description: Allocations.
                  - ‸id: 2
                    name: Locks
                    since: go1.23
                    description: Lock contention.

                """)], kind: .added, entity: .experiment, name: "Locks")
        case .statusAdded:
            return DiffRuleCase(rule: rule, new: [("      - {value: 1, name: Idle, display: Idle, description: Idle.}\n", """
                      - {value: 1, name: Idle, display: Idle, description: Idle.}
                      - ‸{value: 2, name: Syscall, display: Syscall, description: In a system call.}

                """)], kind: .added, entity: .procStatus, name: "Syscall")
        case .statusSetAdded:
            return DiffRuleCase(rule: rule, new: [("      - {value: 1, name: Idle, display: Idle, description: Idle.}\n", """
                      - {value: 1, name: Idle, display: Idle, description: Idle.}
                  - ‸name: threadStatuses
                    of: thread
                    go: {type: ThreadStatus, prefix: Thread}
                    values: []

                """)], kind: .added, entity: .statusSet, name: "threadStatuses")
        case .constantAdded:
            return DiffRuleCase(rule: rule, new: [("    description: The longest string.\n", """
                    description: The longest string.
                  - ‸name: MaxFramesPerStack
                    value: 128
                    description: The deepest stack.

                """)], kind: .added, entity: .constant, name: "MaxFramesPerStack")
        case .argTypeAdded:
            return DiffRuleCase(rule: rule, new: [("    description: a stack ID\n", """
                    description: a stack ID
                  - ‸name: task
                    description: a user task ID

                """)], kind: .added, entity: .argType, name: "task")
        case .versionAdded:
            return DiffRuleCase(rule: rule, new: [("    description: Second.\n", """
                    description: Second.
                  - ‸name: go1.25
                    header: go 1.25 trace
                    description: Third.

                """)], kind: .added, entity: .version, name: "go1.25")
        case .renamed:
            // The stop event's start reference follows the rename, so only the rename is reported.
            return DiffRuleCase(rule: rule, new: [("        name: GoStart\n", "        name: ‸GoBegin\n"), ("        start: GoStart\n", "        start: GoBegin\n")],
                                kind: .renamed, entity: .event, name: "GoBegin", oldValue: .string("GoStart"), newValue: .string("GoBegin"))
        case .idChanged:
            return DiffRuleCase(rule: rule, new: [("{value: 1, name: Running", "{value: ‸2, name: Running")],
                                kind: .changed, entity: .goStatus, name: "Running", field: "value", oldValue: .int(1), newValue: .int(2))
        case .argsLayoutChanged:
            return DiffRuleCase(rule: rule, new: [("        args: [time, p, g, stack]\n", "        args: ‸[time, g, p, stack]\n")],
                                kind: .changed, entity: .event, name: "Sample", field: "args",
                                oldValue: .strings(["time", "p", "g", "stack"]), newValue: .strings(["time", "g", "p", "stack"]))
        case .argsRenamedInPlace:
            return DiffRuleCase(rule: rule, new: [("        args: [dt, g, g_seq]\n", "        args: ‸[dt, g, start_seq]\n")],
                                kind: .changed, entity: .event, name: "GoStart", field: "args",
                                oldValue: .strings(["dt", "g", "g_seq"]), newValue: .strings(["dt", "g", "start_seq"]))
        case .positionsChanged:
            return DiffRuleCase(rule: rule, new: [("        stackIDs: [3, 2]\n", "        stackIDs: ‸[2, 3]\n")],
                                kind: .changed, entity: .event, name: "GoCreate", field: "stackIDs", oldValue: .ints([3, 2]), newValue: .ints([2, 3]))
        case .positionsResolved:
            return DiffRuleCase(rule: rule, new: [("        unresolved: [3]\n", "        stackIDs: ‸[3]\n")],
                                kind: .changed, entity: .event, name: "Sample", field: "stackIDs", oldValue: .ints([]), newValue: .ints([3]),
                                allChanges: ["changed event Sample stackIDs", "changed event Sample unresolved"])
        case .unresolvedChanged:
            // OLD lists the position; NEW stops listing it and marks it unresolved instead.
            return DiffRuleCase(rule: rule, old: [("        unresolved: [3]\n", "        stackIDs: [3]\n")],
                                new: [("        unresolved: [3]\n", "        unresolved: ‸[3]\n")],
                                kind: .changed, entity: .event, name: "Sample", field: "unresolved", oldValue: .ints([]), newValue: .ints([3]),
                                allChanges: ["changed event Sample stackIDs", "changed event Sample unresolved"])
        case .layoutChanged:
            return DiffRuleCase(rule: rule, new: [("        args: [dt, id]\n        timed: true\n", "        args: [dt, id]\n        timed: ‸false\n")],
                                kind: .changed, entity: .event, name: "Span", field: "timed", oldValue: .bool(true), newValue: .bool(false))
        case .sinceLater:
            return DiffRuleCase(rule: rule, new: [("        args: [gen, m]\n        timed: false\n        since: go1.22\n", "        args: [gen, m]\n        timed: false\n        since: ‸go1.23\n")],
                                kind: .changed, entity: .event, name: "Batch", field: "since", oldValue: .string("go1.22"), newValue: .string("go1.23"))
        case .sinceEarlier:
            return DiffRuleCase(rule: rule, new: [("        start: GoStart\n        timed: true\n        since: go1.23\n", "        start: GoStart\n        timed: true\n        since: ‸go1.22\n")],
                                kind: .changed, entity: .event, name: "GoStop", field: "since", oldValue: .string("go1.23"), newValue: .string("go1.22"))
        case .displayChanged:
            return DiffRuleCase(rule: rule, new: [("name: Idle, display: Idle,", "name: Idle, display: ‸Parked,")],
                                kind: .changed, entity: .procStatus, name: "Idle", field: "display", oldValue: .string("Idle"), newValue: .string("Parked"))
        case .limitRaised:
            return DiffRuleCase(rule: rule, new: [("    value: 1024\n", "    value: ‸2048\n")],
                                kind: .changed, entity: .constant, name: "MaxStringSize", field: "value", oldValue: .int(1024), newValue: .int(2048))
        case .limitLowered:
            return DiffRuleCase(rule: rule, new: [("    value: 1024\n", "    value: ‸512\n")],
                                kind: .changed, entity: .constant, name: "MaxStringSize", field: "value", oldValue: .int(1024), newValue: .int(512))
        case .documentation:
            return DiffRuleCase(rule: rule, new: [("        description: A goroutine stops.\n", "        description: ‸A goroutine stops running.\n")],
                                kind: .changed, entity: .event, name: "GoStop", field: "description",
                                oldValue: .string("A goroutine stops."), newValue: .string("A goroutine stops running."))
        case .headerSizeChanged:
            return DiffRuleCase(rule: rule, new: [("headerSize: 16\n", "headerSize: ‸32\n")],
                                kind: .changed, entity: .format, name: "Test format", field: "headerSize", oldValue: .int(16), newValue: .int(32))
        case .meaningChanged:
            // Kinds of the spec's own, as Go's Log and Label are to the generator, must be listed.
            let kinds = ("groups:\n", "kinds: [Log, Label]\ngroups:\n")
            return DiffRuleCase(rule: rule, old: [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: Log\n"), kinds],
                                new: [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: ‸Label\n"), kinds],
                                kind: .changed, entity: .event, name: "GoStart", field: "kind", oldValue: .string("Log"), newValue: .string("Label"))
        case .meaningRenamed:
            return DiffRuleCase(rule: rule, old: [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: RangeBegin\n        range: {name: GC, scope: proc}\n")],
                                new: [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: RangeBegin\n        range: {name: ‸GC mark, scope: proc}\n")],
                                kind: .changed, entity: .event, name: "GoStart", field: "range.name", oldValue: .string("GC"), newValue: .string("GC mark"))
        case .fullWidthChanged:
            return DiffRuleCase(rule: rule, new: [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        fullWidth: ‸[g_seq]\n")],
                                kind: .changed, entity: .event, name: "GoStart", field: "fullWidth", oldValue: .strings([]), newValue: .strings(["g_seq"]))
        case .statusListChanged:
            // The Swift type follows the status list, so it changes too (and by its own rule).
            return DiffRuleCase(rule: rule, new: [("    description: a sequence number\n", "    description: a sequence number\n    status: ‸goStatuses\n")],
                                kind: .changed, entity: .argType, name: "seq", field: "status", oldValue: DiffValue.none, newValue: .string("goStatuses"),
                                allChanges: ["changed argType seq status", "changed argType seq swiftType"])
        case .generatedNameChanged:
            return DiffRuleCase(rule: rule, new: [("  swiftModule: TraceV2\n", "  swiftModule: ‸TraceV3\n")],
                                kind: .changed, entity: .format, name: "Test format", field: "output.swiftModule", oldValue: .string("TraceV2"), newValue: .string("TraceV3"))
        case .roleAdded:
            return DiffRuleCase(rule: rule, new: [("groups:\n", "roles:\n  batch: ‸Batch\ngroups:\n")],
                                kind: .added, entity: .role, name: "batch")
        case .orderingStated:
            return DiffRuleCase(rule: rule, new: diffOrderingEdits + [("  - name: goroutine\n    description: A goroutine.\n", "  ‸- name: goroutine\n    description: A goroutine.\n")],
                                kind: .changed, entity: .format, name: "Test format", field: "resources", oldValue: .strings([]), newValue: .strings(["goroutine"]),
                                // The ordering edits drop the declared scope lists, which then default to the goroutine resource's.
                                allChanges: ["changed format Test format rangeScopes", "changed format Test format transitionResources", "changed format Test format resources"])
        case .orderingDropped:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits + [("  - name: goroutine\n    description: A goroutine.\n", "  ‸- name: goroutine\n    description: A goroutine.\n")],
                                kind: .changed, entity: .format, name: "Test format", field: "resources", oldValue: .strings(["goroutine"]), newValue: .strings([]),
                                allChanges: ["changed format Test format rangeScopes", "changed format Test format transitionResources", "changed format Test format resources"])
        case .orderingPartAdded:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("resources:\n", "resources:\n  - ‸name: thread\n    description: A thread.\n    argType: p\n    go: {context: M, none: NoThread}\n")],
                                kind: .added, entity: .resource, name: "thread")
        case .resourceChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("states: [Undetermined, NotExist, Running]", "states: ‸[Undetermined, NotExist, Running, Gone]")],
                                kind: .changed, entity: .resource, name: "goroutine", field: "states",
                                oldValue: .strings(["Undetermined", "NotExist", "Running"]), newValue: .strings(["Undetermined", "NotExist", "Running", "Gone"]))
        case .orderingContextChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("ordering: {context: {goroutine: must}", "ordering: {context: ‸{goroutine: may}")],
                                kind: .changed, entity: .event, name: "GoStop", field: "ordering.context", oldValue: .string("{goroutine: must}"), newValue: .string("{}"))
        case .orderingTransitionChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("changes: [{resource: goroutine, of: current, from: [Running], to: Bad,", "changes: ‸[{resource: goroutine, of: current, from: [Running], to: Running,")],
                                kind: .changed, entity: .event, name: "GoStop", field: "ordering.changes",
                                oldValue: .strings(["goroutine current Running -> Bad unbind"]), newValue: .strings(["goroutine current Running -> Running unbind"]))
        case .orderingSequenceChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("changes: [{resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}", "changes: ‸[{resource: goroutine, of: g, seq: {arg: g_seq, mismatch: broken}")],
                                kind: .changed, entity: .event, name: "GoStart", field: "ordering.seq",
                                oldValue: .strings(["goroutine g: g_seq wait"]), newValue: .strings(["goroutine g: g_seq broken"]))
        case .orderingHandlerChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("ordering: {context: {goroutine: may}}", "ordering: ‸unordered")],
                                kind: .changed, entity: .event, name: "Span", field: "ordering.handler", oldValue: .string("data"), newValue: .string("unordered"))
        case .orderingMessageChanged:
            return DiffRuleCase(rule: rule, old: diffOrderingEdits,
                                new: diffOrderingEdits + [("      unknown: \"no goroutine {id}\"\n", "      ‸unknown: \"goroutine {id} is unknown\"\n")],
                                kind: .changed, entity: .resource, name: "goroutine", field: "messages.unknown",
                                oldValue: .string("no goroutine {id}"), newValue: .string("goroutine {id} is unknown"))
        case .roleMoved:
            return DiffRuleCase(rule: rule, old: [("groups:\n", "roles:\n  batch: Batch\ngroups:\n")],
                                new: [("groups:\n", "roles:\n  batch: ‸Sample\ngroups:\n")],
                                kind: .changed, entity: .role, name: "batch", field: "event", oldValue: .string("Batch"), newValue: .string("Sample"))
        }
    }

    @Test(arguments: cases)
    func rule(_ scenario: DiffRuleCase) throws {
        let oldMarked = edited(diffBaseSpec, scenario.old)
        let newMarked = edited(diffBaseSpec, scenario.new)
        let markerInOld = oldMarked.contains("‸")
        let marker = MarkedText(markerInOld ? oldMarked : newMarked)
        let report = try diffTexts(markerInOld ? marker.text : oldMarked, markerInOld ? newMarked : marker.text)

        let expected = scenario.allChanges ?? [[scenario.kind.rawValue, scenario.entity.rawValue, scenario.name, scenario.field].compactMap { $0 }.joined(separator: " ")]
        // The complete report in its order (entities in report order, NEW's order within each),
        // each change with the rule that decided it: nothing extra, nothing missing.
        #expect(report.changes.map(signature) == expected)
        #expect(report.changes.filter { $0.rule == scenario.rule }.count == 1, "exactly one change is decided by \(scenario.rule)")
        let change = try #require(report.changes.first { $0.rule == scenario.rule })
        #expect(change.kind == scenario.kind)
        #expect(change.entity == scenario.entity)
        #expect(change.name == scenario.name)
        #expect(change.field == scenario.field)
        #expect(change.old == scenario.oldValue)
        #expect(change.new == scenario.newValue)
        #expect(change.severity == scenario.rule.severity)
        #expect(change.location == SourceLocation(file: markerInOld ? "old.yaml" : "new.yaml", line: marker.line, column: marker.column))
    }

    /// The severities the README promises, rule by rule.
    @Test func severitiesAreTheDocumentedOnes() {
        let breaking: Set<SeverityRule> = [.removed, .eventAddedToKnownVersion, .statusAdded, .idChanged, .argsLayoutChanged,
                                           .positionsChanged, .layoutChanged, .sinceEarlier, .limitRaised, .headerSizeChanged,
                                           .meaningChanged, .statusListChanged, .roleMoved, .orderingDropped, .resourceChanged,
                                           .orderingContextChanged, .orderingTransitionChanged, .orderingSequenceChanged, .orderingHandlerChanged]
        let cosmetic: Set<SeverityRule> = [.documentation]
        for rule in SeverityRule.allCases {
            let expected: SpecChange.Severity = breaking.contains(rule) ? .breaking : cosmetic.contains(rule) ? .cosmetic : .compatible
            #expect(rule.severity == expected, "\(rule)")
        }
    }
}

@Suite struct DiffPairingTests {
    @Test func identicalSpecsHaveNoChanges() throws {
        let report = try diffTexts(diffBaseSpec, diffBaseSpec)
        #expect(report.changes.isEmpty)
        #expect(!report.fails(at: .any))
    }

    /// The scope names are cases of generated enumerations: a change to the list is a generated-name change.
    @Test func aChangedScopeListIsAGeneratedNameChange() throws {
        let new = edited(diffBaseSpec, [("rangeScopes: [none, proc, goroutine]\n", "rangeScopes: [none, goroutine, proc]\n")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["changed format Test format rangeScopes"])
        #expect(report.changes.first?.rule == .generatedNameChanged)
        #expect(report.changes.first?.new == .strings(["none", "goroutine", "proc"]))
    }

    @Test func swappedIDsAreTwoIDChangesNotRenames() throws {
        let new = edited(diffBaseSpec, [("      - id: 2\n        name: GoStart", "      - id: 3\n        name: GoStart"),
                                        ("      - id: 3\n        name: GoStop", "      - id: 2\n        name: GoStop")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["changed event GoStop id", "changed event GoStart id"])
        #expect(report.changes.allSatisfy { $0.severity == .breaking })
    }

    @Test func aConstantWithTheSameUniqueValueIsARename() throws {
        let new = edited(diffBaseSpec, [("  - name: MaxStringSize\n", "  - name: MaxEventTrailerDataSize\n")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["renamed constant MaxEventTrailerDataSize"])
        #expect(report.changes.first?.old == .string("MaxStringSize"))
    }

    @Test func aRenamedExperimentIsFollowedByItsEvents() throws {
        let new = edited(diffBaseSpec, [("    name: Alloc\n", "    name: Heap\n"), ("        experiment: Alloc\n", "        experiment: Heap\n")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["renamed experiment Heap"])
    }

    @Test func removalsPointIntoOldAndComeAfterTheRestOfTheirEntity() throws {
        let new = edited(diffBaseSpec, [("  - name: p\n    description: a P ID\n", ""), ("  - name: seq\n", "  - name: sequence\n"),
                                        ("args: [dt, g, g_seq]", "args: [dt, g, g_sequence]")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["added argType sequence", "removed argType p", "removed argType seq", "changed event GoStart args"])
        #expect(report.changes[1].location.file == "old.yaml")
        #expect(report.changes[0].location.file == "new.yaml")
    }
}

/// Fields that have no rule of their own, or whose rule depends on more than the field itself.
@Suite struct DiffFieldTests {
    /// The base spec with roles; the constant that becomes the argument limit drops to a value a
    /// limit may have.
    static let withRoles = edited(diffBaseSpec, [("groups:\n", "roles:\n  batch: Batch\n  timedArgsLimit: MaxStringSize\ngroups:\n"),
                                                 ("    value: 1024\n", "    value: 8\n")])

    @Test func theTitleIsDocumentation() throws {
        let marker = MarkedText(edited(diffBaseSpec, [("title: Test format\n", "title: ‸Test trace format\n")]))
        let report = try diffTexts(diffBaseSpec, marker.text)
        #expect(report.changes.map(signature) == ["changed format Test trace format title"])
        #expect(report.changes.map(\.rule) == [.documentation])
        #expect(report.changes.first?.location == SourceLocation(file: "new.yaml", line: marker.line, column: marker.column))
    }

    @Test func goParserDefaultsWrittenOutAreNoChange() throws {
        let new = edited(diffBaseSpec, [("  swiftModule: TraceV2\n", "  swiftModule: TraceV2\n  goParser:\n    package: trace\n    importPath: internal/trace/tracev2\n")])
        #expect(try diffTexts(diffBaseSpec, new).changes.isEmpty)
    }

    @Test func aGoParserFieldPointsAtItsValue() throws {
        let marker = MarkedText(edited(diffBaseSpec, [("  swiftModule: TraceV2\n", "  swiftModule: TraceV2\n  goParser:\n    syncEvent: ‸evSync\n")]))
        let report = try diffTexts(diffBaseSpec, marker.text)
        #expect(report.changes.map(signature) == ["changed format Test format output.goParser.syncEvent"])
        #expect(report.changes.map(\.rule) == [.generatedNameChanged])
        #expect(report.changes.first?.old == DiffValue.none)
        #expect(report.changes.first?.new == .string("evSync"))
        #expect(report.changes.first?.location == SourceLocation(file: "new.yaml", line: marker.line, column: marker.column))
    }

    /// Go's parser imports the tables from a path made of the package name unless the spec says otherwise.
    @Test func theGoPackageMovesTheDefaultImportPath() throws {
        let report = try diffTexts(diffBaseSpec, edited(diffBaseSpec, [("  goPackage: tracev2\n", "  goPackage: tracev3\n")]))
        #expect(report.changes.map(signature) == ["changed format Test format output.goPackage", "changed format Test format output.goParser.importPath"])
        #expect(report.changes.map(\.new) == [.string("tracev3"), .string("internal/trace/tracev3")])
        #expect(report.changes.allSatisfy { $0.rule == .generatedNameChanged })
    }

    @Test func anExplicitSwiftTypeIsAGeneratedName() throws {
        let new = edited(diffBaseSpec, [("    description: a goroutine ID\n", "    description: a goroutine ID\n    swiftType: Goroutine\n")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["changed argType g swiftType"])
        #expect(report.changes.map(\.severity) == [.compatible])
        #expect(report.changes.first?.new == .string("Goroutine"))
    }

    @Test func rolesFollowRenamedEventsAndConstants() throws {
        let new = edited(Self.withRoles, [("        name: Batch\n", "        name: Header\n"), ("  batch: Batch\n", "  batch: Header\n"),
                                          ("  - name: MaxStringSize\n", "  - name: MaxString\n"), ("  timedArgsLimit: MaxStringSize\n", "  timedArgsLimit: MaxString\n")])
        let report = try diffTexts(Self.withRoles, new)
        #expect(report.changes.map(signature) == ["renamed constant MaxString", "renamed event Header"])
    }

    @Test func aDroppedRoleIsARemovalInOld() throws {
        let old = MarkedText(edited(Self.withRoles, [("  timedArgsLimit: MaxStringSize\n", "  timedArgsLimit: ‸MaxStringSize\n")]))
        let report = try diffTexts(old.text, edited(Self.withRoles, [("  timedArgsLimit: MaxStringSize\n", "")]))
        #expect(report.changes.map(signature) == ["removed role timedArgsLimit"])
        #expect(report.changes.map(\.severity) == [.breaking])
        #expect(report.changes.first?.location == SourceLocation(file: "old.yaml", line: old.line, column: old.column))
    }

    /// Groups only shape documentation: a new one, and the event moved into it, are cosmetic.
    @Test func groupsAreDocumentation() throws {
        let marker = MarkedText(edited(diffBaseSpec, [
            ("    description: Everything regular.\n", "    description: ‸All regular events.\n"),
            ("      - id: 5\n        name: Sample\n", "  - name: Samples\n    description: Sampling.\n    events:\n      - id: 5\n        name: Sample\n"),
        ]))
        let report = try diffTexts(diffBaseSpec, marker.text)
        #expect(report.changes.map(signature) == ["changed group Main description", "added group Samples", "changed event Sample group"])
        #expect(report.changes.allSatisfy { $0.rule == .documentation })
        #expect(report.changes.first?.location == SourceLocation(file: "new.yaml", line: marker.line, column: marker.column))
        let removal = try diffTexts(marker.text, diffBaseSpec)
        #expect(removal.changes.map(signature) == ["changed group Main description", "removed group Samples", "changed event Sample group"])
        #expect(removal.changes.allSatisfy { $0.severity == .cosmetic })
    }

    @Test func anotherResourceChangesTheMeaningAnotherMetricNameDoesNot() throws {
        let old = edited(diffBaseSpec, [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: StateTransition\n        resource: goroutine\n"),
                                        ("        args: [time, p, g, stack]\n", "        args: [time, p, g, stack]\n        kind: Metric\n        metric: /gc/heap\n")])
        let new = edited(diffBaseSpec, [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: StateTransition\n        resource: proc\n"),
                                        ("        args: [time, p, g, stack]\n", "        args: [time, p, g, stack]\n        kind: Metric\n        metric: /gc/heap/live\n")])
        let report = try diffTexts(old, new)
        #expect(report.changes.map(signature) == ["changed event GoStart resource", "changed event Sample metric"])
        #expect(report.changes.map(\.rule) == [.meaningChanged, .meaningRenamed])
    }

    /// The words of the ordering are documentation; only its rules are breaking for parsers.
    @Test func orderingDescriptionsAreCosmetic() throws {
        let old = edited(diffBaseSpec, diffOrderingEdits)
        let new = edited(old, [("    description: Makes a goroutine.\n", "    description: Makes a goroutine from nothing.\n"),
                               ("    description: A goroutine.\n", "    description: A goroutine of the program.\n")])
        let report = try diffTexts(old, new)
        #expect(report.changes.map(signature) == ["changed resource goroutine description", "changed handler Make description"])
        #expect(report.changes.allSatisfy { $0.severity == .cosmetic })
        #expect(try diffTexts(old, old).changes.isEmpty)
    }

    /// An ordering change reads the same way in the three formats.
    @Test func anOrderingChangeShowsInEveryFormat() throws {
        let old = edited(diffBaseSpec, diffOrderingEdits)
        let new = edited(old, [("from: [Running], to: Bad, thread: unbind", "from: [Running], to: Running, thread: unbind")])
        let report = try diffTexts(old, new)
        let text = DiffFormat.text.render(report)
        #expect(text.contains(": breaking: event GoStop: ordering.changes [goroutine current Running -> Bad unbind] → [goroutine current Running -> Running unbind]\n"), "\(text)")
        let markdown = DiffFormat.markdown.render(report)
        #expect(markdown.contains("### Breaking changes\n\n- Event `GoStop`: `ordering.changes` changed from `[goroutine current Running -> Bad unbind]` to `[goroutine current Running -> Running unbind]`.\n"), "\(markdown)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(DiffFormat.json.render(report).utf8)) as? [String: Any])
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        #expect(change["field"] as? String == "ordering.changes")
        #expect(change["severity"] as? String == "breaking")
        #expect(change["new"] as? [String] == ["goroutine current Running -> Running unbind"])
    }

    /// Renaming an argument in place keeps the ordering that names it: only the args change shows.
    @Test func anArgumentRenamedInPlaceKeepsItsOrdering() throws {
        let old = edited(diffBaseSpec, diffOrderingEdits)
        let new = edited(old, [("        args: [dt, g, g_seq]\n", "        args: [dt, g, start_seq]\n"), ("seq: {arg: g_seq,", "seq: {arg: start_seq,")])
        let report = try diffTexts(old, new)
        #expect(report.changes.map(signature) == ["changed event GoStart args"])
        #expect(report.changes.map(\.rule) == [.argsRenamedInPlace])
    }

    @Test func anAddedRoleReadsAsASentenceInReleaseNotes() throws {
        let report = try diffTexts(diffBaseSpec, edited(diffBaseSpec, [("groups:\n", "roles:\n  batch: Batch\ngroups:\n")]))
        #expect(DiffFormat.markdown.render(report).contains("\n- New role `batch` (event Batch).\n"))
    }

    @Test func aRangeThatAppearsChangesTheMeaning() throws {
        let new = edited(diffBaseSpec, [("        args: [dt, g, g_seq]\n", "        args: [dt, g, g_seq]\n        kind: RangeBegin\n        range: {name: GC, scope: proc}\n")])
        let report = try diffTexts(diffBaseSpec, new)
        #expect(report.changes.map(signature) == ["changed event GoStart kind", "changed event GoStart range.name", "changed event GoStart range.scope"])
        #expect(report.changes.allSatisfy { $0.rule == .meaningChanged })
        #expect(report.changes.map(\.new) == [.string("RangeBegin"), .string("GC"), .string("proc")])
    }
}

@Suite struct DiffFormatTests {
    static func sampleReport() throws -> SpecDiffReport {
        let new = edited(diffBaseSpec, [("        args: [time, p, g, stack]\n", "        args: [time, g, p, stack]\n"),
                                        ("        description: A goroutine stops.\n", "        description: \"A goroutine \\\"stops\\\".\"\n")])
        return try diffTexts(diffBaseSpec, new)
    }

    @Test func textIsOneEditorLinePerChangeThenASummary() throws {
        let lines = DiffFormat.text.render(try Self.sampleReport()).split(separator: "\n").map(String.init)
        #expect(lines == [
            "new.yaml:70:22: cosmetic: event GoStop: description \"A goroutine stops.\" → \"A goroutine \\\"stops\\\".\"",
            "new.yaml:80:15: breaking: event Sample: args [time p g stack] → [time g p stack]",
            "2 changes between old.yaml and new.yaml: 1 breaking, 0 compatible, 1 cosmetic",
        ])
    }

    @Test func jsonHasTheDocumentedKeysInOrderAndParses() throws {
        let text = DiffFormat.json.render(try Self.sampleReport())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.count == 2)
        #expect(changes[1]["old"] as? [String] == ["time", "p", "g", "stack"])
        #expect(changes[0]["new"] as? String == "A goroutine \"stops\".")
        #expect((object["summary"] as? [String: Int]) == ["total": 2, "breaking": 1, "compatible": 0, "cosmetic": 1])
        let keyOrder = ["\"kind\"", "\"entity\"", "\"name\"", "\"field\"", "\"old\"", "\"new\"", "\"severity\"", "\"location\""]
        let line = try #require(text.split(separator: "\n").first { $0.contains("\"args\"") })
        let positions = keyOrder.map { line.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test func jsonOfAnAdditionHasNoFieldOldOrNew() throws {
        let new = edited(diffBaseSpec, [("    description: a stack ID\n", "    description: a stack ID\n  - name: task\n    description: a task\n")])
        let text = DiffFormat.json.render(try diffTexts(diffBaseSpec, new))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let change = try #require((object["changes"] as? [[String: Any]])?.first)
        #expect(Set(change.keys) == ["kind", "entity", "name", "severity", "location"])
    }

    @Test func markdownGroupsChangesBySeverity() throws {
        let text = DiffFormat.markdown.render(try Self.sampleReport())
        #expect(text == """
            ## Trace format changes from `old.yaml` to `new.yaml`

            2 changes: 1 breaking, 0 compatible, 1 cosmetic.

            ### Breaking changes

            - Event `Sample`: `args` changed from `[time p g stack]` to `[time g p stack]`.

            ### Cosmetic changes

            - Event `GoStop`: `description` changed from `"A goroutine stops."` to `"A goroutine \\"stops\\"."`.

            """)
    }

    @Test func emptyReportsSaySo() throws {
        let report = try diffTexts(diffBaseSpec, diffBaseSpec)
        #expect(DiffFormat.text.render(report) == "no changes between old.yaml and new.yaml\n")
        #expect(DiffFormat.markdown.render(report) == "## Trace format changes from `old.yaml` to `new.yaml`\n\nNo changes.\n")
        #expect(DiffFormat.json.render(report) == """
            {
              "changes": [],
              "summary": {"total": 0, "breaking": 0, "compatible": 0, "cosmetic": 0}
            }

            """)
    }
}
