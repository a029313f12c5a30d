/// `Go/<parser package>/statetransition.go`: the method of Go's parsed `Event` that reports what a
/// state transition changed, written from the same changes the ordering applies.
///
/// An event whose change the spec states as data gets a case built from it: the resource its
/// change acts on, the state its accepted statuses are reported as, the state it leaves, and the
/// reason and stack arguments the change names. An event whose handler decides the change (the
/// statuses it accepts are reported as different states, or it states no change) calls the
/// handler's hand-written method, `<handler>Transition`, which ships beside the generated files.
struct GoStateTransitionFile: GoParserFile {
    let model: TraceModel
    var path: String { Self.path(model) }
    var language: OutputLanguage { .go }

    static func path(_ model: TraceModel) -> String { "Go/\(model.goParser.package)/statetransition.go" }

    /// Whether the spec has state transitions to report.
    static func applies(to model: TraceModel) -> Bool {
        model.statesOrdering && model.events.contains { $0.meaning.known == .stateTransition && $0.ordering != nil }
    }

    /// The hand-written method that reports the transitions of a handler's events.
    static func handlerMethod(_ handler: String) -> String {
        (handler.prefix(1).lowercased() + handler.dropFirst()) + "Transition"
    }

    func body(_ p: inout CodePrinter) {
        opening(&p)
        p.comment("StateTransition reports what a StateTransition event changed: which resource, from which state to which, and the reason and stack where the event gives them. It panics for an event of another kind.")
        p.block("func (e Event) StateTransition() StateTransition {") { p in
            p.block("if e.Kind() != EventStateTransition {") { p in
                p.line("panic(\(p.string("StateTransition called on an event that is not a state transition")))")
            }
            p.line("var s StateTransition")
            p.line("switch e.base.typ {")
            for (types, lines) in cases() {
                p.line("case " + types.map { "\(tables).\($0)" }.joined(separator: ", ") + ":")
                p.indent()
                for line in lines { p.line(line) }
                p.outdent()
            }
            p.line("default:")
            p.indent()
            p.line("panic(fmt.Sprintf(\(p.string("no state transition is known for event type %d")), e.base.typ))")
            p.outdent()
            p.line("}")
            p.line("return s")
        }
    }

    /// One case per distinct body, listing every event type that has it, in ID order.
    private func cases() -> [(types: [String], lines: [String])] {
        var result: [(types: [String], lines: [String])] = []
        for event in model.events where event.meaning.known == .stateTransition {
            guard let ordering = event.ordering, ordering.mode != .unordered else { continue }
            let lines: [String]
            if let transition = ordering.transition {
                lines = self.lines(transition, of: event)
            } else if case .handler(let handler) = ordering.mode {
                lines = ["s = e.\(Self.handlerMethod(handler))()"]
            } else {
                continue
            }
            if let index = result.firstIndex(where: { $0.lines == lines }) {
                result[index].types.append(event.goName)
            } else {
                result.append(([event.goName], lines))
            }
        }
        return result
    }

    private func lines(_ transition: TraceModel.Transition, of event: TraceModel.Event) -> [String] {
        let resource = model.resources[transition.resource]
        let id: String = switch transition.target {
        case .current: "e.ctx.\(resource.go.context)"
        case .argument(let argument): "\(resource.go.id ?? "uint64")(e.base.args[\(argIndex(argument, of: event))])"
        }
        let prefix = resource.go.statePrefix ?? ""
        var lines = ["s = \(resource.go.makeTransition ?? "")(\(id), \(prefix)\(transition.from), \(prefix)\(transition.to))"]
        if let reason = transition.reason {
            lines.append("s.Reason = e.table.strings.mustGet(stringID(e.base.args[\(argIndex(reason, of: event))]))")
        }
        switch transition.stack {
        case .event?: lines.append("s.Stack = e.Stack()")
        case .argument(let argument)?: lines.append("s.Stack = Stack{table: e.table, id: stackID(e.base.args[\(argIndex(argument, of: event))])}")
        case nil: break
        }
        return lines
    }

}
