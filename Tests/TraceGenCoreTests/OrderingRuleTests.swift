import Foundation
import Testing
@testable import TraceGenCore

/// The meaning spec with an ordering: two resources (a thread without statuses and a goroutine
/// with three), a handler, and every event's `ordering` entry.
let orderingSpec: String = {
    var text = meaningSpec
    func edit(_ old: String, _ new: String) {
        precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in the meaning spec")
        text = text.replacingOccurrences(of: old, with: new)
    }
    // With resources, the range scopes and transition resources default to theirs: none and goroutine.
    edit("rangeScopes: [none, proc, goroutine]\ntransitionResources: [goroutine, proc]\n", "")
    edit("  - name: stack\n    description: a stack ID\n", "  - name: stack\n    description: a stack ID\n  - name: seq\n    description: a sequence number\n  - name: m\n    description: a thread\n")
    edit("prefix: Go}\n    values:\n      - {value: 0, name: Bad, display: Bad, description: Invalid.}\n", """
        prefix: Go}
            values:
              - {value: 0, name: Bad, display: Bad, description: Invalid., state: Undetermined}
              - {value: 1, name: Running, display: Running, description: Runs.}
              - {value: 2, name: Waiting, display: Waiting, description: Waits.}

        """)
    edit("groups:\n", """
        resources:
          - name: thread
            description: A thread.
            argType: m
            go: {context: M, none: NoThread}
          - name: goroutine
            description: A goroutine.
            argType: g
            statuses: goStatuses
            states: [Undetermined, NotExist, Running, Waiting]
            absent: NotExist
            go: {context: G, none: NoGoroutine, id: GoID, table: gStates, state: gState, makeTransition: MakeGoStateTransition, statePrefix: Go}
            messages:
              unknown: "no goroutine {id} for {event}"
              status: "{event}: goroutine not {expected}"
              exists: "goroutine {id} exists"
              sequence: "{event}: sequence {have} then {got}"
        handlers:
          - name: Special
            description: Does something special.
        groups:

        """)
    edit("description: A batch.\n", "description: A batch.\n        ordering: unordered\n")
    edit("description: A string.\n", "description: A string.\n        ordering: unordered\n")
    edit("description: Begins.\n", """
        description: Begins.
                ordering:
                  context: {thread: must, goroutine: must}
                  changes:
                    - {resource: goroutine, of: current, range: begin}

        """)
    edit("description: Ends.\n", """
        description: Ends.
                ordering:
                  context: {thread: must, goroutine: must}
                  changes:
                    - {resource: goroutine, of: current, range: end}

        """)
    edit("description: The number of Ps changed.\n", "description: The number of Ps changed.\n        ordering: {context: {thread: must}}\n")
    edit("args: [dt, g, gstatus]", "args: [dt, g, g_seq]")
    edit("description: A goroutine started.\n", """
        description: A goroutine started.
                ordering:
                  context: {thread: must, goroutine: mustNot}
                  changes:
                    - {resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, from: [Waiting], to: Running, thread: bind}

        """)
    edit("description: A thing.\n", "description: A thing.\n        ordering: {handler: Special}\n")
    return text
}()

@Suite struct OrderingRuleTests {
    @Test func orderingSpecIsValid() throws {
        let model = try TraceGen.loadSpec(data: Data(orderingSpec.utf8), file: "spec.yaml")
        #expect(model.resources.map(\.name) == ["thread", "goroutine"])
        #expect(model.handlers.map(\.name) == ["Special"])
        #expect(model.handlers.first?.events.map(\.name) == ["Thing"])
        let start = try #require(model.events.first { $0.name == "GoStart" }?.ordering)
        #expect(start.mode == .data)
        #expect(start.context == [.must, .mustNot])
        #expect(start.transition?.from == "Waiting" && start.transition?.to == "Running")
        #expect(start.changes.first?.sequence?.mismatch == .wait)
        #expect(model.events.first { $0.name == "Batch" }?.ordering == .unordered)
    }

    /// A spec without resources states no ordering, and none of its events may.
    @Test func orderingNeedsResources() {
        let edit = RuleCase(rule: "ordering needs resources", replace: "description: The number of Ps changed.\n",
                            with: "description: The number of Ps changed.\n        ordering: ‸{context: {thread: must}}\n",
                            message: "event Procs has an ordering but the spec declares no resources")
        let (diagnostics, marker) = diagnose(edit, in: meaningSpec)
        #expect(diagnostics == ["spec.yaml:\(marker.line):\(marker.column): error: \(edit.message)"])
    }

    /// One rule each; the list of diagnostics must be exactly the one message at the marker.
    static let rules: [RuleCase] = [
        RuleCase(rule: "every event of a spec with resources states its ordering",
                 replace: "name: Procs\n        args: [dt, procs]\n        timed: true\n        kind: Metric\n        metric: /sched/procs:threads\n        since: go1.22\n        description: The number of Ps changed.\n        ordering: {context: {thread: must}}\n",
                 with: "name: ‸Procs\n        args: [dt, procs]\n        timed: true\n        kind: Metric\n        metric: /sched/procs:threads\n        since: go1.22\n        description: The number of Ps changed.\n",
                 message: "event Procs states no ordering; in a spec with resources every event says how it is ordered, or 'ordering: unordered'"),
        RuleCase(rule: "ordering is unordered or a mapping", replace: "description: A batch.\n        ordering: unordered", with: "description: A batch.\n        ordering: ‸sometimes",
                 message: "the ordering of event 'Batch' must be 'unordered' or a mapping, found a string 'sometimes'"),
        RuleCase(rule: "untimed events are unordered", replace: "description: A batch.\n        ordering: unordered", with: "description: A batch.\n        ordering: ‸{context: {thread: must}}",
                 message: "event Batch is not timed, so no thread orders it; its ordering must be 'unordered'"),
        RuleCase(rule: "context names resources", replace: "context: {thread: must}}", with: "context: {thred: ‸must}}",
                 message: "context of Procs names unknown resource 'thred'; did you mean 'thread'?"),
        RuleCase(rule: "context requirements are must, may, mustNot or waitForNone", replace: "context: {thread: must}}", with: "context: {thread: ‸always}}",
                 message: "context of Procs says 'always' for thread; it must be one of must, may, mustNot, waitForNone"),
        RuleCase(rule: "checkContext is first or last", replace: "ordering: {context: {thread: must}}", with: "ordering: {context: {thread: must}, checkContext: ‸middle}",
                 message: "checkContext of Procs must be first or last, found 'middle'"),
        RuleCase(rule: "handlers are declared", replace: "ordering: {handler: Special}", with: "ordering: {handler: ‸Specal}",
                 message: "event Thing names unknown handler 'Specal'; did you mean 'Special'?", others: ["spec.yaml:69:11: error: handler Special is used by no event"]),
        RuleCase(rule: "every handler is used", replace: "handlers:\n", with: "handlers:\n  - name: ‸Other\n    description: Unused.\n",
                 message: "handler Other is used by no event"),
        RuleCase(rule: "changes name resources", replace: "- {resource: goroutine, of: current, range: begin}", with: "- {resource: ‸gorutine, of: current, range: begin}",
                 message: "change 1 of Begin names unknown resource 'gorutine'; did you mean 'goroutine'?"),
        RuleCase(rule: "changes need a resource with statuses", replace: "- {resource: goroutine, of: current, range: begin}", with: "- {resource: ‸thread, of: current, range: begin}",
                 message: "change 1 of Begin changes thread, which has no statuses"),
        RuleCase(rule: "of is current or an argument", replace: "of: g, seq:", with: "of: ‸h, seq:",
                 message: "change 1 of GoStart acts on 'h', which is neither 'current' nor an argument of GoStart; did you mean 'g'?"),
        RuleCase(rule: "an argument names a resource of its type", replace: "of: g, seq:", with: "of: ‸g_seq, seq:",
                 message: "change 1 of GoStart names goroutine by argument 'g_seq', which is not of type g"),
        RuleCase(rule: "the current resource is one the context allows", replace: "of: g, seq:", with: "of: ‸current, seq:",
                 message: "change 1 of GoStart acts on the thread's current goroutine, which its context says it must not hold"),
        RuleCase(rule: "from names the resource's statuses", replace: "from: [Waiting]", with: "from: [‸Waitin]",
                 message: "change 1 of GoStart accepts status 'Waitin', which goroutine cannot be in; did you mean 'Waiting'?"),
        RuleCase(rule: "to names the resource's statuses", replace: "to: Running, thread: bind", with: "to: ‸Runing, thread: bind",
                 message: "change 1 of GoStart leaves goroutine in status 'Runing', which it cannot be in; did you mean 'Running'?"),
        RuleCase(rule: "absent stands alone in from", replace: "from: [Waiting]", with: "from: [‸absent, Waiting]",
                 message: "change 1 of GoStart lists 'absent' with other statuses in 'from'; a resource is created from nothing or changed from a status"),
        RuleCase(rule: "a created resource gets a status", replace: "from: [Waiting], to: Running", with: "from: ‸[absent], to: absent",
                 message: "change 1 of GoStart creates goroutine but leaves it in no status"),
        RuleCase(rule: "waitWhile names the resource's statuses", replace: "from: [Waiting]", with: "from: [Waiting], waitWhile: [‸Stuck]",
                 message: "change 1 of GoStart waits while goroutine is 'Stuck', a status it cannot be in"),
        RuleCase(rule: "thread is bind or unbind", replace: "thread: bind", with: "thread: ‸attach",
                 message: "thread of change 1 of GoStart must be bind or unbind, found 'attach'"),
        RuleCase(rule: "the sequence argument is a seq", replace: "seq: {arg: g_seq", with: "seq: {arg: ‸g",
                 message: "sequence argument 'g' of change 1 of GoStart is not a seq"),
        RuleCase(rule: "the sequence argument is an argument", replace: "seq: {arg: g_seq", with: "seq: {arg: ‸p_seq",
                 message: "sequence argument 'p_seq' of change 1 of GoStart is not an argument of GoStart; did you mean 'g_seq'?"),
        RuleCase(rule: "a mismatch means wait or broken", replace: "mismatch: wait}", with: "mismatch: ‸retry}",
                 message: "mismatch of the sequence of change 1 of GoStart must be wait or broken, found 'retry'"),
        RuleCase(rule: "a range action matches the event's kind", replace: "- {resource: goroutine, of: current, range: end}", with: "- {resource: goroutine, of: current, range: ‸begin}",
                 message: "change 1 of End says range begin, but End has kind RangeEnd"),
        RuleCase(rule: "range actions are begin, active or end", replace: "- {resource: goroutine, of: current, range: end}", with: "- {resource: goroutine, of: current, range: ‸stop}",
                 message: "range of change 1 of End must be one of begin, active, end, found 'stop'"),
        RuleCase(rule: "a data-ordered range event says what it does to its range",
                 replace: "description: Ends.\n        ordering:\n          context: {thread: must, goroutine: must}\n          changes:\n            - {resource: goroutine, of: current, range: end}\n",
                 with: "description: Ends.\n        ordering:\n          ‸context: {thread: must, goroutine: must}\n          changes: []\n",
                 message: "range event End is ordered by data but no change says what it does to its range"),
        RuleCase(rule: "a data-ordered state transition changes its resource's status", replace: "ordering:\n          context: {thread: must, goroutine: mustNot}\n          changes:\n            - {resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, from: [Waiting], to: Running, thread: bind}",
                 with: "ordering:\n          ‸context: {thread: must, goroutine: mustNot}\n          changes:\n            - {resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, from: [Waiting], thread: bind}",
                 message: "state transition GoStart is ordered by data but no change leaves its goroutine in a new status"),
        RuleCase(rule: "message placeholders are the message's own", replace: "range: begin}", with: "range: begin, messages: ‸{unknown: \"lost {who}\"}}",
                 message: "message 'unknown' of change 1 of Begin uses '{who}'; it may use {event}, {type}, {id}"),
        RuleCase(rule: "message keys are the checks'", replace: "range: begin}", with: "range: begin, messages: {‸gone: x}}",
                 message: "unknown key 'gone' in messages of change 1 of event 'Begin' (expected one of 'unknown', 'status', 'exists', 'sequence')"),
        RuleCase(rule: "a resource with statuses gives every message", replace: "      unknown: \"no goroutine {id} for {event}\"\n      status: \"{event}: goroutine not {expected}\"\n      exists: \"goroutine {id} exists\"\n",
                 with: "      ‸unknown: \"no goroutine {id} for {event}\"\n      status: \"{event}: goroutine not {expected}\"\n",
                 message: "resource goroutine has statuses, so it must give the message 'exists'"),
        RuleCase(rule: "a resource's argType is an argument type", replace: "argType: m", with: "argType: ‸thread",
                 message: "argType 'thread' of resource thread is not an argument type"),
        RuleCase(rule: "declared range scopes are resources with statuses", replace: "  timedArgsLimit: MaxTimedEventArgs\n",
                 with: "  timedArgsLimit: MaxTimedEventArgs\nrangeScopes: [none, goroutine, ‸thread]\n",
                 message: "range scope 'thread' is not a resource with statuses"),
        RuleCase(rule: "declared transition resources are resources with statuses", replace: "  timedArgsLimit: MaxTimedEventArgs\n",
                 with: "  timedArgsLimit: MaxTimedEventArgs\ntransitionResources: [goroutine, ‸proc]\n",
                 message: "transition resource 'proc' is not a resource with statuses"),
        RuleCase(rule: "a resource's statuses are a status list", replace: "statuses: goStatuses\n    states:", with: "statuses: ‸threadStatuses\n    states:",
                 message: "statuses 'threadStatuses' of resource goroutine is not a status set; did you mean 'procStatuses'?"),
        RuleCase(rule: "the absent state is a state", replace: "absent: NotExist", with: "absent: ‸Gone",
                 message: "absent state 'Gone' of resource goroutine is not one of its states"),
        RuleCase(rule: "a status's state is a state of its resource", replace: "state: Undetermined}", with: "state: ‸Undetermind}",
                 message: "state 'Undetermind' of status Bad is not a state of resource goroutine; did you mean 'Undetermined'?"),
        RuleCase(rule: "a status without a same-named state says its state", replace: "name: Bad, display: Bad, description: Invalid., state: Undetermined}", with: "name: ‸Bad, display: Bad, description: Invalid.}",
                 message: "status Bad of resource goroutine needs a 'state', as no state has its name"),
        RuleCase(rule: "status values of a resource fit a 64-bit mask", replace: "{value: 2, name: Waiting,", with: "{value: ‸64, name: Waiting,",
                 message: "status Waiting of resource goroutine has value 64; ordering tables keep statuses as bits of a 64-bit mask, so values must be below 64"),
        RuleCase(rule: "go names are not Go keywords", replace: "go: {context: M,", with: "go: {context: ‸func,",
                 message: "go context 'func' of resource thread is a Go keyword"),
        RuleCase(rule: "states are type-like names", replace: "states: [Undetermined, NotExist, Running, Waiting]", with: "states: [Undetermined, ‸not-exist, Running, Waiting]",
                 message: "state 'not-exist' of resource goroutine must start with an upper-case letter and contain only letters and digits",
                 others: ["spec.yaml:61:13: error: absent state 'NotExist' of resource goroutine is not one of its states"]),
        RuleCase(rule: "states are listed once", replace: "states: [Undetermined, NotExist, Running, Waiting]", with: "states: [Undetermined, NotExist, Running, Waiting, ‸Running]",
                 message: "resource goroutine lists state 'Running' twice"),
        RuleCase(rule: "one change per resource", replace: "- {resource: goroutine, of: current, range: begin}", with: "- {resource: goroutine, of: current, range: begin}\n            - {resource: goroutine, of: ‸current}",
                 message: "change 2 of Begin acts on the thread's current goroutine again; one change says all an event does to one resource"),
        RuleCase(rule: "go names are identifiers", replace: "go: {context: M,", with: "go: {context: ‸M-1,",
                 message: "go context 'M-1' of resource thread must be a Go identifier"),
        RuleCase(rule: "change keys are known", replace: "range: begin}", with: "range: begin, ‸colour: red}",
                 message: "unknown key 'colour' in change 1 of event 'Begin' (expected one of 'resource', 'of', 'from', 'to', 'thread', 'seq', 'range', 'optional', 'waitWhile', 'messages', 'reason', 'stack')"),
        RuleCase(rule: "a transition's reason is an argument", replace: "to: Running, thread: bind}", with: "to: Running, thread: bind, reason: ‸why}",
                 message: "reason 'why' of change 1 of GoStart is not an argument of GoStart"),
        RuleCase(rule: "a transition's reason is a string argument", replace: "to: Running, thread: bind}", with: "to: Running, thread: bind, reason: ‸g_seq}",
                 message: "reason 'g_seq' of change 1 of GoStart is not one of GoStart's string arguments"),
        RuleCase(rule: "a transition's stack is a stack argument", replace: "to: Running, thread: bind}", with: "to: Running, thread: bind, stack: ‸g}",
                 message: "stack 'g' of change 1 of GoStart is not one of GoStart's stack arguments"),
        RuleCase(rule: "only the reported change has a reason or stack", replace: "- {resource: goroutine, of: current, range: begin}", with: "- {resource: goroutine, of: current, range: begin, stack: ‸stack}",
                 message: "change 1 of Begin gives a stack, but only the change a state transition reports (its resource, with 'to') has one"),
        RuleCase(rule: "a transition's statuses are reported as one state", replace: "from: [Waiting], to: Running", with: "from: ‸[Waiting, Bad], to: Running",
                 message: "state transition GoStart accepts statuses its goroutine reports as different states (Waiting, Undetermined), so a parsed event cannot say which it left; name a handler that reports it"),
        RuleCase(rule: "a transition lists the statuses it leaves", replace: "- {resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, from: [Waiting], to: Running, thread: bind}",
                 with: "- ‸{resource: goroutine, of: g, seq: {arg: g_seq, mismatch: wait}, to: Running, thread: bind}",
                 message: "state transition GoStart accepts its goroutine in any status, so a parsed event cannot say which state it left; list the statuses in 'from' or name a handler"),
        RuleCase(rule: "a resource that parsed events report names its Go transition", replace: "go: {context: G, none: NoGoroutine, id: GoID, table: gStates, state: gState, makeTransition: MakeGoStateTransition, statePrefix: Go}",
                 with: "go: ‸{context: G, none: NoGoroutine, id: GoID, table: gStates, state: gState, statePrefix: Go}",
                 message: "resource goroutine changes state in parsed events such as GoStart, so its go names must include 'makeTransition'"),
    ]

    @Test(arguments: rules)
    func rule(_ edit: RuleCase) {
        let (diagnostics, marker) = diagnose(edit, in: orderingSpec)
        #expect(diagnostics.sorted() == (["spec.yaml:\(marker.line):\(marker.column): error: \(edit.message)"] + edit.others).sorted())
    }

    /// A handler may not take the name of an event ordered by data: both would be `advance<Name>` in Go.
    @Test func handlerNamesDoNotClashWithDataEvents() {
        let text = orderingSpec.replacingOccurrences(of: "  - name: Special\n", with: "  - name: ‸GoStart\n")
            .replacingOccurrences(of: "ordering: {handler: Special}", with: "ordering: {handler: GoStart}")
        let marked = MarkedText(text)
        var diagnostics: [String] = []
        do {
            _ = try TraceGen.loadSpec(data: Data(marked.text.utf8), file: "spec.yaml")
        } catch let error as DiagnosticsError {
            diagnostics = error.diagnostics.map(\.description)
        } catch {}
        #expect(diagnostics == ["spec.yaml:\(marker(marked)): error: handler GoStart has the name of event GoStart, which is ordered by data; their Go functions would clash"])
    }

    /// A change that only requires its resource to exist compiles to a lookup without a local.
    @Test func anExistenceCheckNeedsNoLocal() throws {
        let text = orderingSpec.replacingOccurrences(of: "ordering: {handler: Special}", with: "ordering: {context: {goroutine: may}, changes: [{resource: goroutine, of: g}]}")
            .replacingOccurrences(of: "handlers:\n  - name: Special\n    description: Does something special.\n", with: "")
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "spec.yaml")
        let go = GoOrderingFile(model: spec).generate(context: RenderContext(sourceName: "spec.yaml")).contents
        #expect(go.contains("\tif _, ok := o.gStates[g]; !ok {\n\t\treturn curCtx, false, fmt.Errorf(\"no goroutine %d for %s\", g, o.evName(ev.typ))\n\t}\n"), "\(go)")
    }

    private func marker(_ marked: MarkedText) -> String { "\(marked.line):\(marked.column)" }
}
