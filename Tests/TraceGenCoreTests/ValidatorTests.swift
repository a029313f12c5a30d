import Foundation
import Testing
@testable import TraceGenCore

/// A small valid spec; each rule test edits one spot of it and marks with `‸` where the error must point.
let minimalSpec = """
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
  - name: MaxTimedEventArgs
    value: 5
    description: The limit.
argTypes:
  - name: g
    description: a goroutine
  - name: string
    description: a string ID
  - name: stack
    description: a stack ID
experiments:
  - id: 1
    name: AllocFree
    since: go1.23
    description: An experiment.
statusSets:
  - name: goStatuses
    of: goroutine
    go: {type: GoStatus, prefix: Go}
    values:
      - {value: 0, name: Bad, display: Bad, description: Invalid.}
  - name: procStatuses
    of: P
    go: {type: ProcStatus, prefix: Proc}
    values:
      - {value: 0, name: Bad, display: Bad, description: Invalid.}
groups:
  - name: Main
    description: Events.
    events:
      - id: 1
        name: Batch
        args: [gen]
        timed: false
        since: go1.22
        description: A batch.
      - id: 2
        name: String
        args: [id]
        timed: false
        data: true
        since: go1.22
        description: A string.
      - id: 3
        name: Begin
        args: [dt, name_string, stack]
        stringIDs: [1]
        stackIDs: [2]
        timed: true
        since: go1.22
        description: Begins.
      - id: 4
        name: End
        args: [dt]
        start: Begin
        timed: true
        since: go1.22
        description: Ends.
  - name: Exp
    description: Experimental.
    events:
      - id: 128
        name: Thing
        args: [dt, g]
        timed: true
        experiment: AllocFree
        since: go1.23
        description: A thing.
roles:
  batch: Batch
  stringEntry: String
  timedArgsLimit: MaxTimedEventArgs

"""

/// Text with one `‸` marker: the text without it, and the marker's line and column.
struct MarkedText {
    var text: String
    var line: Int
    var column: Int

    init(_ marked: String) {
        let parts = marked.components(separatedBy: "‸")
        precondition(parts.count == 2, "exactly one ‸ marker expected")
        text = parts[0] + parts[1]
        let before = parts[0].split(separator: "\n", omittingEmptySubsequences: false)
        line = before.count
        column = (before.last?.count ?? 0) + 1
    }
}

struct RuleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var replace: String
    var with: String
    var message: String
    /// Every other diagnostic the edit causes, in full: a rule test compares the complete list.
    var others: [String] = []
    var testDescription: String { rule }
}

/// Applies one edit to the minimal spec and loads it, returning the diagnostics and the marker's position.
func diagnose(_ edit: RuleCase) throws -> (diagnostics: [Diagnostic], marker: MarkedText) {
    let occurrences = minimalSpec.components(separatedBy: edit.replace).count - 1
    precondition(occurrences == 1, "'\(edit.replace)' must occur exactly once in the minimal spec")
    let marked = MarkedText(minimalSpec.replacingOccurrences(of: edit.replace, with: edit.with))
    do {
        _ = try TraceGen.loadSpec(data: Data(marked.text.utf8), file: "spec.yaml")
        return ([], marked)
    } catch let error as DiagnosticsError {
        return (error.diagnostics, marked)
    }
}

@Suite struct ValidatorTests {
    @Test func minimalSpecIsValid() throws {
        let spec = try TraceGen.loadSpec(data: Data(minimalSpec.utf8), file: "spec.yaml")
        #expect(spec.events.map(\.id) == [1, 2, 3, 4, 128])
    }

    @Test func theRealSpecIsValid() throws {
        let spec = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        #expect(spec.regularEvents.count == 52)
        #expect(spec.experimentalEvents.count == 9)
    }

    static let rules: [RuleCase] = [
        // Go's own table rules.
        RuleCase(rule: "timed event starts with dt", replace: "args: [dt, g]", with: "args: [‸g, dt]",
                 message: "timed event Thing must have 'dt' as its first argument"),
        RuleCase(rule: "only the stringEntry and experimentalBatch events carry data", replace: "args: [gen]\n        timed: false", with: "args: [gen]\n        data: ‸true\n        timed: false",
                 message: "event Batch has data; only String may carry trailing data"),
        RuleCase(rule: "only the stackEntry event is a stack", replace: "args: [id]\n        timed: false", with: "args: [id]\n        stack: ‸true\n        timed: false",
                 message: "event String is marked as a stack; no event has the role stackEntry"),
        RuleCase(rule: "timed events have at most the timedArgsLimit constant's arguments", replace: "args: [dt]\n        start: Begin", with: "args: ‸[dt, a, b, c, d, e]\n        start: Begin",
                 message: "timed event End has 6 arguments, more than MaxTimedEventArgs (5)"),
        // Roles.
        RuleCase(rule: "roles name existing events", replace: "stringEntry: String", with: "stringEntry: ‸Strng",
                 message: "role stringEntry names unknown event 'Strng'; did you mean 'String'?"),
        RuleCase(rule: "roles name existing constants", replace: "timedArgsLimit: MaxTimedEventArgs", with: "timedArgsLimit: ‸MaxTimedEventArg",
                 message: "role timedArgsLimit names unknown constant 'MaxTimedEventArg'; did you mean 'MaxTimedEventArgs'?"),
        RuleCase(rule: "the stringEntry event carries data", replace: "stringEntry: String", with: "stringEntry: ‸Batch",
                 message: "event Batch cannot have both the role batch and the role stringEntry",
                 others: ["spec.yaml:54:15: error: event String has data; only Batch may carry trailing data", "spec.yaml:84:16: error: event Batch has the role stringEntry, which carries trailing data, but is not marked 'data: true'"]),
        RuleCase(rule: "the batch event is not timed", replace: "batch: Batch", with: "batch: ‸Begin",
                 message: "event Begin has the role batch, which opens a batch, so it cannot be timed"),
        RuleCase(rule: "the stackEntry event is a stack", replace: "  batch: Batch\n", with: "  batch: Batch\n  stackEntry: ‸End\n",
                 message: "event End has the role stackEntry but is not marked 'stack: true'"),
        RuleCase(rule: "role keys are known", replace: "  batch: Batch\n", with: "  batch: Batch\n  ‸stringEntri: String\n",
                 message: "unknown key 'stringEntri' in roles; did you mean 'stringEntry'?"),
        // Status sets.
        RuleCase(rule: "status set names are unique", replace: "  - name: procStatuses\n", with: "  - name: ‸goStatuses\n",
                 message: "duplicate status set name 'goStatuses' (first declared at 30:11)"),
        RuleCase(rule: "status set names are letters and digits", replace: "  - name: procStatuses\n", with: "  - name: ‸proc-statuses\n",
                 message: "status set name 'proc-statuses' must be letters and digits only"),
        RuleCase(rule: "a status set is the state of a noun", replace: "of: P\n", with: "of: ‸\"P's\"\n",
                 message: "'of' of status set procStatuses must be a noun of letters, digits and spaces, such as 'goroutine'"),
        RuleCase(rule: "a status set names its go type and prefix", replace: "    go: {type: ProcStatus, prefix: Proc}\n", with: "    go: ‸{type: ProcStatus}\n",
                 message: "the go names of status set 'procStatuses' is missing the required key 'prefix'"),
        RuleCase(rule: "a status set has go names", replace: "  - name: procStatuses\n    of: P\n    go: {type: ProcStatus, prefix: Proc}\n", with: "  - ‸name: procStatuses\n    of: P\n",
                 message: "status set 'procStatuses' is missing the required key 'go'"),
        RuleCase(rule: "status set keys are known", replace: "of: P\n", with: "of: P\n    ‸colour: blue\n",
                 message: "unknown key 'colour' in status set 'procStatuses' (expected one of 'name', 'of', 'go', 'swift', 'values')"),
        RuleCase(rule: "a status set's go type is a type name", replace: "type: ProcStatus", with: "type: ‸procStatus",
                 message: "go type 'procStatus' of status set procStatuses must start with an upper-case letter and contain only letters and digits"),
        RuleCase(rule: "a status set's go prefix is exported", replace: "prefix: Proc}", with: "prefix: ‸proc}",
                 message: "go prefix 'proc' of status set procStatuses must start with an upper-case letter and contain only letters and digits"),
        RuleCase(rule: "a status set's swift type is a type name", replace: "prefix: Proc}\n", with: "prefix: Proc}\n    swift: {type: ‸proc_status}\n",
                 message: "swift type 'proc_status' of status set procStatuses must start with an upper-case letter and contain only letters and digits"),
        RuleCase(rule: "status sets have distinct go types", replace: "type: ProcStatus", with: "type: ‸GoStatus",
                 message: "status set procStatuses becomes the Go name GoStatus, which status set goStatuses already takes (32:16)"),
        RuleCase(rule: "status sets have distinct swift types", replace: "prefix: Proc}\n", with: "prefix: Proc}\n    swift: {type: ‸GoStatus}\n",
                 message: "status sets goStatuses and procStatuses both name the Swift type GoStatus"),
        RuleCase(rule: "a status set's swift type is not the module's own", replace: "prefix: Proc}\n", with: "prefix: Proc}\n    swift: {type: ‸EventKind}\n",
                 message: "swift type EventKind of status set procStatuses is a type the generated module declares itself"),
        RuleCase(rule: "status constants of two sets do not collide", replace: "    - {value: 0, name: Bad, display: Bad, description: Invalid.}\n  - name: procStatuses\n    of: P\n    go: {type: ProcStatus, prefix: Proc}\n    values:\n      - {value: 0, name: Bad",
                 with: "    - {value: 0, name: Bad, display: Bad, description: Invalid.}\n  - name: procStatuses\n    of: P\n    go: {type: ProcStatus, prefix: Go}\n    values:\n      - {value: 0, name: ‸Bad",
                 message: "P status Bad becomes the Go name GoBad, which goroutine status Bad already takes (34:26)"),
        RuleCase(rule: "the swift module is not a status type", replace: "  swiftModule: TraceV2\n", with: "  swiftModule: ‸ProcStatus\n",
                 message: "output swiftModule 'ProcStatus' is also the name of a type the module declares"),
        // Names that would collide in the generated code.
        RuleCase(rule: "Swift names of events differ", replace: "name: End", with: "name: ‸BEGIN",
                 message: "event BEGIN becomes the Swift name 'begin', as event Begin does (58:15)"),
        RuleCase(rule: "Go names do not collide across kinds", replace: "  - name: MaxTimedEventArgs", with: "  - name: ‸EvBegin",
                 message: "constant EvBegin becomes the Go name EvBegin, which event Begin already takes (58:15)",
                 others: ["spec.yaml:85:19: error: role timedArgsLimit names unknown constant 'MaxTimedEventArgs'"]),
        RuleCase(rule: "spec names do not take the generator's own names", replace: "name: AllocFree", with: "name: ‸Experiment",
                 message: "experiment Experiment becomes the Go name Experiment, which the generated package declares itself",
                 others: ["spec.yaml:79:21: error: event Thing names unknown experiment 'AllocFree'"]),
        RuleCase(rule: "Swift keywords are refused", replace: "name: End", with: "name: ‸Default",
                 message: "event Default becomes the Swift name 'default', which is a Swift keyword"),
        RuleCase(rule: "Swift members of the generated types are refused", replace: "name: End", with: "name: ‸Spec",
                 message: "event Spec becomes the Swift name 'spec', which the generated type declares itself"),
        RuleCase(rule: "Go keywords are no package name", replace: "goPackage: tracev2", with: "goPackage: ‸func",
                 message: "output goPackage 'func' is a Go keyword"),
        RuleCase(rule: "hidden characters are refused", replace: "description: A thing.", with: "description: ‸\"A \\u202Ething.\"",
                 message: "description of Thing contains an invisible formatting character, U+202E; remove it or write it out in words"),
        RuleCase(rule: "experimental events name an experiment", replace: "      - id: 128\n        name: Thing\n        args: [dt, g]\n        timed: true\n        experiment: AllocFree", with: "      - id: ‸128\n        name: Thing\n        args: [dt, g]\n        timed: true",
                 message: "event Thing has experimental ID 128 but names no experiment"),
        RuleCase(rule: "argument names are name_type", replace: "args: [gen]", with: "args: [‸ge-n]",
                 message: "argument 'ge-n' of Batch must be letters, optionally 'name_type'"),
        RuleCase(rule: "argument types are declared", replace: "args: [gen]", with: "args: [‸gen_widget]",
                 message: "argument 'gen_widget' of Batch has undeclared type 'widget'"),
        RuleCase(rule: "stack arguments are listed in stackIDs", replace: "args: [dt, name_string, stack]\n        stringIDs: [1]\n        stackIDs: [2]\n", with: "args: [dt, name_string, ‸stack]\n        stringIDs: [1]\n",
                 message: "argument 'stack' of Begin is a stack ID but position 2 is not in stackIDs"),
        RuleCase(rule: "stackIDs point at stack arguments", replace: "stackIDs: [2]", with: "stackIDs: [2, ‸1]",
                 message: "stack position 1 of Begin is argument 'name_string', which is not a stack ID"),
        RuleCase(rule: "string arguments are listed in stringIDs", replace: "args: [dt, name_string, stack]\n        stringIDs: [1]\n", with: "args: [dt, ‸name_string, stack]\n",
                 message: "argument 'name_string' of Begin is a string ID but position 1 is not in stringIDs"),
        RuleCase(rule: "stringIDs point at string arguments", replace: "stringIDs: [1]", with: "stringIDs: [1, ‸2]",
                 message: "string position 2 of Begin is argument 'stack', which is not a string ID"),
        // Our own rules.
        RuleCase(rule: "positions lie inside the argument list", replace: "stackIDs: [2]", with: "stackIDs: [2, ‸7]",
                 message: "stack position 7 of Begin is outside its 3 arguments"),
        RuleCase(rule: "event IDs are unique", replace: "      - id: 4\n", with: "      - id: ‸3\n",
                 message: "duplicate event id '3' (first declared at 57:13)"),
        RuleCase(rule: "event names are unique", replace: "name: End", with: "name: ‸Begin",
                 message: "duplicate event name 'Begin' (first declared at 58:15)",
                 others: ["spec.yaml:68:16: error: event Begin cannot be its own start event"]),
        RuleCase(rule: "regular IDs are 1-127", replace: "      - id: 1\n", with: "      - id: ‸300\n",
                 message: "event Batch has ID 300; regular IDs are 1-127",
                 others: ["spec.yaml:50:13: error: regular event IDs must be numbered from 1 without gaps; ID 1 is missing before String (2)"]),
        RuleCase(rule: "experimental IDs are 128-255", replace: "      - id: 128\n", with: "      - id: ‸5\n",
                 message: "experimental event Thing has ID 5; experimental IDs are 128-255"),
        RuleCase(rule: "regular IDs have no gaps", replace: "      - id: 4\n", with: "      - id: ‸6\n",
                 message: "regular event IDs must be numbered from 1 without gaps; ID 4 is missing before End (6)"),
        RuleCase(rule: "start events exist", replace: "start: Begin", with: "start: ‸Begn",
                 message: "event End names unknown start event 'Begn'; did you mean 'Begin'?"),
        RuleCase(rule: "start events are timed", replace: "start: Begin", with: "start: ‸Batch",
                 message: "start event Batch of End is not a timed event"),
        RuleCase(rule: "experiments exist", replace: "experiment: AllocFree", with: "experiment: ‸AllocFre",
                 message: "event Thing names unknown experiment 'AllocFre'; did you mean 'AllocFree'?"),
        RuleCase(rule: "versions exist", replace: "since: go1.23\n        description: A thing.", with: "since: ‸go1.24\n        description: A thing.",
                 message: "event Thing names unknown version 'go1.24' in 'since'; did you mean 'go1.22'?"),
        RuleCase(rule: "events are not older than their experiment", replace: "since: go1.23\n        description: A thing.", with: "since: ‸go1.22\n        description: A thing.",
                 message: "event Thing is valid since go1.22, before its experiment AllocFree (since go1.23)"),
        RuleCase(rule: "headers name their version", replace: "header: go 1.23 trace", with: "header: ‸go 1.24 trace",
                 message: "header 'go 1.24 trace' of go1.23 must be 'go 1.23 trace'"),
        RuleCase(rule: "versions are ordered", replace: "  - name: go1.23\n", with: "  - name: ‸go1.21\n",
                 message: "versions must be listed from oldest to newest; go1.21 comes after go1.22",
                 others: ["spec.yaml:11:13: error: header 'go 1.23 trace' of go1.21 must be 'go 1.21 trace'", "spec.yaml:27:12: error: experiment AllocFree names unknown version 'go1.23' in 'since'; did you mean 'go1.22'?", "spec.yaml:80:16: error: event Thing names unknown version 'go1.23' in 'since'; did you mean 'go1.22'?"]),
        // The loader's shape checks.
        RuleCase(rule: "unknown keys are rejected", replace: "        start: Begin", with: "        start: Begin\n        ‸colour: blue",
                 message: "unknown key 'colour' in event 'End' (expected one of 'id', 'name', 'args', 'stringIDs', 'stackIDs', 'unresolved', 'start', 'timed', 'data', 'stack', 'experiment', 'since', 'description', 'kind', 'range', 'metric', 'resource', 'fullWidth', 'ordering')"),
        RuleCase(rule: "misspelt keys get a suggestion", replace: "        start: Begin", with: "        ‸strat: Begin",
                 message: "unknown key 'strat' in event 'End'; did you mean 'start'?"),
        RuleCase(rule: "required keys are present", replace: "      - id: 4\n        name: End\n        args: [dt]\n", with: "      - ‸id: 4\n        name: End\n",
                 message: "event 'End' is missing the required key 'args'"),
        RuleCase(rule: "integers are integers", replace: "      - id: 4\n", with: "      - id: ‸four\n",
                 message: "'id' of event 'End' must be a decimal integer, found a string 'four'"),
        RuleCase(rule: "booleans are booleans", replace: "args: [dt]\n        start: Begin\n        timed: true", with: "args: [dt]\n        start: Begin\n        timed: ‸yes",
                 message: "'timed' of event 'End' must be true or false, found 'yes'"),
        RuleCase(rule: "strings are strings", replace: "name: Batch", with: "name: ‸42",
                 message: "'name' of event 1 of group 'Main' must be a string, found an integer '42'; quote it if it is meant as text"),
        RuleCase(rule: "lists are lists", replace: "args: [gen]", with: "args: ‸gen",
                 message: "'args' of event 'Batch' must be a list, found a string 'gen'"),
        RuleCase(rule: "YAML syntax errors are located", replace: "args: [gen]\n        timed: false\n        since: go1.22\n        description: A batch.", with: "args: [gen\n        timed‸: false\n        since: go1.22\n        description: A batch.",
                 message: "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 46:15)"),
        RuleCase(rule: "tabs are not indentation", replace: "        timed: false\n        since: go1.22\n        description: A batch.", with: "        timed: false\n‸\tsince: go1.22\n        description: A batch.",
                 message: "invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at 47:16)"),
        RuleCase(rule: "anchors and aliases are refused", replace: "description: Events.", with: "description: ‸&d Events.",
                 message: "YAML anchors and aliases are not allowed in a spec; write the value out"),
    ]

    @Test(arguments: rules)
    func rule(_ edit: RuleCase) throws {
        let (diagnostics, marker) = try diagnose(edit)
        let rendered = diagnostics.map(\.description)
        let expected = "spec.yaml:\(marker.line):\(marker.column): error: \(edit.message)"
        #expect(rendered.sorted() == ([expected] + edit.others).sorted(), "expected:\n  \(expected)\ngot:\n  \(rendered.joined(separator: "\n  "))")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        var text = minimalSpec.replacingOccurrences(of: "start: Begin", with: "start: Nope")
        text = text.replacingOccurrences(of: "experiment: AllocFree", with: "experiment: Nope")
        text = text.replacingOccurrences(of: "args: [gen]", with: "args: [gen_widget]")
        do {
            _ = try TraceGen.loadSpec(data: Data(text.utf8), file: "spec.yaml")
            Issue.record("the spec should not validate")
        } catch let error as DiagnosticsError {
            #expect(error.diagnostics.count == 3, "\(error.diagnostics)")
            #expect(error.diagnostics.map(\.location.line) == error.diagnostics.map(\.location.line).sorted())
        }
    }
}
