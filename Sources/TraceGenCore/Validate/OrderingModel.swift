/// The model builder's part for the ordering: resources, handlers and each event's rule.
extension ModelBuilder {
    static func resource(_ resource: ResourceDecl, in document: SpecDocument, statusSets: [TraceModel.StatusSet]) -> TraceModel.Resource {
        let set = resource.statuses.flatMap { name in statusSets.first { $0.name == name } }
        let declared = resource.statuses.flatMap(document.statusSet(named:))?.values ?? []
        var stateOfStatus: [Int: String] = [:]
        for status in declared {
            stateOfStatus[status.value] = status.state ?? (resource.states.contains(status.name) ? status.name : nil)
        }
        var messages: [OrderingMessage: String] = [:]
        for (key, text) in resource.messages { if let message = OrderingMessage(rawValue: key) { messages[message] = text } }
        return TraceModel.Resource(
            name: resource.name, description: resource.description, argType: resource.argType, statuses: set, states: resource.states,
            absentState: resource.absent, stateOfStatus: stateOfStatus,
            go: TraceModel.GoResourceNames(context: resource.go.context, none: resource.go.none, id: resource.go.id,
                                           table: resource.go.table, state: resource.go.state,
                                           makeTransition: resource.go.makeTransition, statePrefix: resource.go.statePrefix,
                                           locations: resource.go.locations),
            messages: messages, swiftName: Naming.swiftMember(resource.name), locations: resource.locations)
    }

    static func handlers(_ document: SpecDocument, events: [TraceModel.Event]) -> [TraceModel.Handler] {
        document.handlers.map { handler in
            TraceModel.Handler(
                name: handler.name, description: handler.description, goName: "advance" + handler.name,
                swiftName: Naming.swiftMember(handler.name),
                events: events.filter { $0.ordering?.mode == .handler(handler.name) }.map(\.reference), locations: handler.locations)
        }
    }

    static func ordering(of event: EventDecl, arguments: [TraceModel.Argument], resources: [TraceModel.Resource]) -> TraceModel.Ordering? {
        guard let decl = event.ordering, !resources.isEmpty else { return nil }
        if decl.unordered { return .unordered }
        let index = Dictionary(resources.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let context = resources.map { resource in
            decl.context[resource.name].flatMap(TraceModel.Requirement.init(rawValue:)) ?? .may
        }
        let changes: [TraceModel.Change] = decl.changes.compactMap { change in
            guard let position = index[change.resource] else { return nil }
            let resource = resources[position]
            func status(_ name: String) -> TraceModel.Status? { resource.statuses?.statuses.first { $0.name == name } }
            let target: TraceModel.Target = change.of == OrderingVocabulary.current
                ? .current : arguments.first { $0.name == change.of }.map(TraceModel.Target.argument) ?? .current
            let creates = change.from == [OrderingVocabulary.absent]
            let to: TraceModel.Outcome? = change.to.flatMap { name in
                name == OrderingVocabulary.absent ? .absent : status(name).map(TraceModel.Outcome.status)
            }
            var messages = resource.messages
            for (key, text) in change.messages { if let message = OrderingMessage(rawValue: key) { messages[message] = text } }
            return TraceModel.Change(
                resource: position, resourceName: resource.name, target: target,
                from: creates ? [] : change.from.compactMap(status), creates: creates, to: to,
                thread: change.thread.flatMap(TraceModel.ThreadAction.init(rawValue:)),
                sequence: change.sequence.flatMap { sequence in
                    guard let argument = arguments.first(where: { $0.name == sequence.arg }),
                          let mismatch = TraceModel.Mismatch(rawValue: sequence.mismatch) else { return nil }
                    return (argument, mismatch)
                },
                range: change.range.flatMap(TraceModel.RangeAction.init(rawValue:)), optional: change.optional,
                waitWhile: change.waitWhile.compactMap(status), messages: messages)
        }
        let mode: TraceModel.Ordering.Mode = decl.handler.map { .handler($0) } ?? .data
        return TraceModel.Ordering(
            mode: mode, context: context, contextLast: decl.checkContext == "last", changes: changes,
            transition: transition(of: event, decl: decl, changes: changes, arguments: arguments, resources: resources))
    }

    /// The change of the event's transition resource that leaves it in a new status, reported from
    /// the one state every status it accepts is reported as (or the absent state, when it creates
    /// the resource) to the state it leaves. Nil when the accepted statuses are reported as
    /// different states, or any status is accepted: only a handler can tell which it was.
    static func transition(of event: EventDecl, decl: OrderingDecl, changes: [TraceModel.Change], arguments: [TraceModel.Argument],
                           resources: [TraceModel.Resource]) -> TraceModel.Transition? {
        guard let name = event.resource,
              let index = changes.firstIndex(where: { $0.resourceName == name && $0.to != nil }) else { return nil }
        let change = changes[index]
        let resource = resources[change.resource]
        let from: String?
        if change.creates {
            from = resource.absentState
        } else {
            let states = change.from.map { resource.stateOfStatus[$0.value] }
            from = states.allSatisfy { $0 != nil && $0 == states.first } ? states.first ?? nil : nil
        }
        let to: String? = switch change.to {
        case .absent: resource.absentState
        case .status(let status): resource.stateOfStatus[status.value]
        case nil: nil
        }
        guard let from, let to else { return nil }
        // The decl's changes line up with the model's, which drops only changes of unknown resources.
        let written = decl.changes.first { $0.resource == name && $0.to != nil }
        let reason = written?.reason.flatMap { reason in arguments.first { $0.name == reason } }
        let stack: TraceModel.TransitionStack? = written?.stack.flatMap { stack in
            guard let argument = arguments.first(where: { $0.name == stack }) else { return nil }
            return event.stackIDs.first == argument.position ? .event : .argument(argument)
        }
        return TraceModel.Transition(resource: change.resource, resourceName: name, target: change.target, from: from, to: to,
                                     reason: reason, stack: stack)
    }
}
