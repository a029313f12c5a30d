/// `events.go`: the event type constants, experiments, the spec table, statuses and limits.
struct GoEventsFile: FileGenerator {
    let model: TraceModel
    var path: String { model.layout.goDirectory + "events.go" }
    var language: OutputLanguage { .go }

    /// The package-level names this file declares whatever the spec says; each status set adds its type.
    static let declarations = [
        "EvNone", "NumEvents", "NumExperiments", "Experiments", "experiments", "MaxEvent", "MaxExperimentalEvent",
        "NumExperimentalEvents", "Specs", "specs",
    ]

    func body(_ p: inout CodePrinter) {
        p.line("package \(model.layout.goPackage)")
        p.line()
        regularEvents(&p)
        p.line()
        experiments(&p)
        p.line()
        experimentalEvents(&p)
        p.line()
        idGuard(&p)
        p.line()
        for constant in model.constants where constant.role == .timedArgsLimit {
            p.comment("\(constant.goName) is \(lowerFirst(constant.description))")
            p.line("const \(constant.goName) = \(goLiteral(constant.value))")
            p.line()
        }
        specTable(&p)
        for set in model.statusSets {
            p.line()
            statusType(set, about: "\(set.goType) is the state of a \(set.of) as a trace records it.", &p)
        }
        limits(&p)
    }

    // MARK: Event types

    private func regularEvents(_ p: inout CodePrinter) {
        p.comment("Event types, in runs of related events. Each comment ends with the event's arguments in brackets.")
        p.line("const (")
        p.indent()
        p.aligned([["EvNone", "EventType = iota", p.trailingComment("no event; ID 0 is never written")]])
        for section in model.regularSections { eventSection(section, &p) }
        p.line()
        p.aligned([["NumEvents", p.trailingComment("one past the last regular event type")]])
        p.outdent()
        p.line(")")
        p.line()
        p.comment("Experimental reports whether ev lies in the range reserved for experimental events.")
        p.block("func (ev EventType) Experimental() bool {") { p in
            p.line(model.experimentalRangeIsFull ? "return ev > MaxEvent && int(ev) < MaxExperimentalEvent" : "return ev > MaxEvent && ev < MaxExperimentalEvent")
        }
    }

    private func experimentalEvents(_ p: inout CodePrinter) {
        p.comment("Experimental event types. Each belongs to an experiment; their IDs lie above MaxEvent so that readers can tell them apart from regular events.")
        p.line("const (")
        p.indent()
        p.aligned([["MaxEvent", "EventType = \(TraceModel.firstExperimentalID - 1) + iota", p.trailingComment("the last ID available to regular events")]])
        for section in model.experimentalSections { eventSection(section, &p) }
        if model.experimentalRangeIsFull {
            // One past 255 is no EventType, so the sentinel leaves the iota block and loses its type.
            p.outdent()
            p.line(")")
            p.line()
            p.comment("MaxExperimentalEvent is one past the last experimental event type. Every experimental ID is in use, so it does not fit in an EventType and is an untyped constant.")
            p.line("const MaxExperimentalEvent = \(TraceModel.idLimit)")
            p.line()
            p.comment("NumExperimentalEvents is the size of the experimental ID range in use, MaxEvent excluded.")
            p.line("const NumExperimentalEvents = MaxExperimentalEvent - int(MaxEvent)")
            return
        }
        p.line()
        p.aligned([["MaxExperimentalEvent", p.trailingComment("one past the last experimental event type")]])
        p.outdent()
        p.line(")")
        p.line()
        p.comment("NumExperimentalEvents is the size of the experimental ID range in use, MaxEvent excluded.")
        p.line("const NumExperimentalEvents = MaxExperimentalEvent - MaxEvent")
    }

    /// One run of events: the group's description, then one `iota` line per event.
    private func eventSection(_ section: TraceModel.Section, _ p: inout CodePrinter) {
        p.line()
        p.comment(section.description.isEmpty ? section.name : section.description)
        let width = section.events.map(\.goName.count).max() ?? 0
        let room = GoTrailing.available(afterNameWidth: width)
        p.aligned(section.events.map { [$0.goName, p.trailingComment(GoTrailing.text(summary: $0.summary, args: $0.args, available: room))] })
    }

    /// Breaks the build, as stringer's guard does, if an event's constant drifts from its spec ID.
    private func idGuard(_ p: inout CodePrinter) {
        p.comment("An \"invalid array index\" compiler error here means an event type's value no longer matches its ID in the spec; regenerate the package.")
        p.block("func _() {") { p in
            p.line("var x [1]struct{}")
            for event in model.events { p.line("_ = x[\(event.goName)-\(event.id)]") }
        }
    }

    // MARK: Experiments

    private func experiments(_ p: inout CodePrinter) {
        p.comment("Experiments.")
        p.line("const (")
        p.indent()
        for (index, experiment) in model.experiments.enumerated() {
            p.comment("\(experiment.goName) is an experiment: \(lowerFirst(experiment.description))")
            p.line(index == 0 ? "\(experiment.goName) Experiment = 1 + iota" : experiment.goName)
        }
        if !model.experiments.isEmpty { p.line() }
        p.comment("NumExperiments is one past the last experiment ID.")
        p.line(model.experiments.isEmpty ? "NumExperiments Experiment = 1" : "NumExperiments")
        p.outdent()
        p.line(")")
        p.line()
        p.comment("Experiments returns the names of all experiments, indexed by ID; index 0 is NoExperiment.")
        p.block("func Experiments() []string {") { p in
            p.line("return experiments[:]")
        }
        p.line()
        p.line("var experiments = [...]string{")
        p.indent()
        let names = [(key: "NoExperiment", value: p.string("None") + ",")]
            + model.experiments.map { (key: $0.goName, value: p.string($0.name) + ",") }
        p.alignedKeyValues(names)
        p.outdent()
        p.line("}")
    }

    // MARK: Spec table

    private func specTable(_ p: inout CodePrinter) {
        p.comment("Specs returns the spec of every event type, indexed by EventType. Unused IDs have an empty spec.")
        p.block("func Specs() []EventSpec {") { p in
            p.line("return specs[:]")
        }
        p.line()
        p.line("var specs = [...]EventSpec{")
        p.indent()
        for (index, section) in (model.regularSections + model.experimentalSections).enumerated() {
            if index > 0 { p.line() }
            p.comment(section.name.hasSuffix(".") ? section.name : section.name + ".")
            for event in section.events { specEntry(event, &p) }
        }
        p.outdent()
        p.line("}")
    }

    private func specEntry(_ event: TraceModel.Event, _ p: inout CodePrinter) {
        var fields: [[String]] = [["Name:", p.string(event.name) + ","]]
        if !event.args.isEmpty { fields.append(["Args:", "[]string{\(event.args.map { p.string($0) }.joined(separator: ", "))},"]) }
        if !event.stringIDs.isEmpty { fields.append(["StringIDs:", "[]int{\(event.stringIDs.map(String.init).joined(separator: ", "))},"]) }
        if !event.stackIDs.isEmpty { fields.append(["StackIDs:", "[]int{\(event.stackIDs.map(String.init).joined(separator: ", "))},"]) }
        if let start = event.start { fields.append(["StartEv:", "\(start.goName),"]) }
        if event.timed { fields.append(["IsTimedEvent:", "true,"]) }
        if event.hasData { fields.append(["HasData:", "true,"]) }
        if event.isStack { fields.append(["IsStack:", "true,"]) }
        if let experiment = event.experiment { fields.append(["Experiment:", "\(experiment.goName),"]) }
        p.block("\(event.goName): {", close: "},") { p in
            p.aligned(fields)
        }
    }

    // MARK: Statuses and limits

    /// A status type: its values, and a String method.
    private func statusType(_ set: TraceModel.StatusSet, about: String, _ p: inout CodePrinter) {
        p.comment(about)
        p.line("type \(set.goType) uint8")
        p.line()
        if !set.statuses.isEmpty { statusConstants(set, &p) }
        p.comment("String returns the status's display name; values without one of their own print as \(set.fallbackDisplay).")
        p.block("func (s \(set.goType)) String() string {") { p in
            let own = set.statuses.filter { $0.display != set.fallbackDisplay }
            if !own.isEmpty {
                p.line("switch s {")
                for status in own {
                    p.line("case \(status.goName):")
                    p.indent()
                    p.line("return \(p.string(status.display))")
                    p.outdent()
                }
                p.line("}")
            }
            p.line("return \(p.string(set.fallbackDisplay))")
        }
    }

    /// The status values as constants: an `iota` block where they run from 0 without gaps.
    private func statusConstants(_ set: TraceModel.StatusSet, _ p: inout CodePrinter) {
        p.line("const (")
        p.indent()
        let width = set.statuses.map(\.goName.count).max() ?? 0
        let values = set.isDense ? "= iota".count : set.statuses.map { "= \($0.value)".count }.max() ?? 0
        let room = GoTrailing.available(afterNameWidth: width, extra: set.goType.count + 1 + values + 1)
        p.aligned(set.statuses.enumerated().map { index, status in
            let comment = p.trailingComment(GoTrailing.text(summary: status.summary, args: nil, available: room))
            if !set.isDense { return [status.goName, set.goType, "= \(status.value)", comment] }
            // gofmt keeps the type and value columns of the first line, so the comments align after them.
            return index == 0 ? [status.goName, set.goType, "= iota", comment] : [status.goName, "", "", comment]
        })
        p.outdent()
        p.line(")")
        p.line()
    }

    private func limits(_ p: inout CodePrinter) {
        let limits = model.constants.filter { $0.role != .timedArgsLimit }
        guard !limits.isEmpty else { return }
        p.line()
        p.comment("Format limits. Readers rely on them to bound what they accept, so lowering one needs a new trace version.")
        p.line("const (")
        p.indent()
        for (index, constant) in limits.enumerated() {
            if index > 0 { p.line() }
            p.comment("\(constant.goName) is \(lowerFirst(constant.description))")
            p.line("\(constant.goName) = \(goLiteral(constant.value))")
        }
        p.outdent()
        p.line(")")
    }
}
