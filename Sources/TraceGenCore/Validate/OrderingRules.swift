/// Rules for the ordering: the resources, the handlers and every event's `ordering` entry. They
/// belong to the one validator; this file only keeps them together.
extension Check {
    mutating func checkOrdering() {
        checkUnique(document.resources, "resource", \.name, \.locations)
        checkUnique(document.handlers, "handler", \.name, \.locations)
        for resource in document.resources { checkResource(resource) }
        for handler in document.handlers {
            identifier(handler.name, "handler", at: handler.locations["name"], pattern: .exported)
            if !document.events.contains(where: { $0.ordering?.handler == handler.name }) {
                error("handler \(handler.name) is used by no event", at: handler.locations["name"])
            }
            if let event = firstEventNamed[handler.name], let ordering = event.ordering, !ordering.unordered, ordering.handler == nil {
                error("handler \(handler.name) has the name of event \(event.name), which is ordered by data; their Go functions would clash", at: handler.locations["name"])
            }
        }
        for event in document.events { checkOrdering(of: event) }
    }

    private func resource(named name: String) -> ResourceDecl? { document.resources.first { $0.name == name } }

    private func statuses(of resource: ResourceDecl) -> [StatusDecl]? {
        resource.statuses.flatMap(document.statusSet(named:))?.values
    }

    mutating func checkResource(_ resource: ResourceDecl) {
        let at = resource.locations
        if !resource.name.allSatisfy({ $0.isASCII && $0.isLetter && $0.isLowercase }) || resource.name.isEmpty {
            error("resource '\(resource.name)' must be lower-case letters only", at: at["name"])
        }
        if !document.argTypes.contains(where: { $0.name == resource.argType }) {
            error("argType '\(resource.argType)' of resource \(resource.name) is not an argument type\(suggestion(resource.argType, document.argTypes.map(\.name)))", at: at["argType"])
        }
        let goNames = [("context", resource.go.context), ("none", resource.go.none), ("id", resource.go.id), ("table", resource.go.table),
                       ("state", resource.go.state), ("makeTransition", resource.go.makeTransition), ("statePrefix", resource.go.statePrefix)]
        if let event = document.events.first(where: { $0.kind == KnownKind.stateTransition.rawValue && $0.resource == resource.name }) {
            for key in ["makeTransition", "statePrefix"] where goNames.first(where: { $0.0 == key })?.1 == nil {
                error("resource \(resource.name) changes state in parsed events such as \(event.name), so its go names must include '\(key)'", at: resource.go.locations.entity)
            }
        }
        for (key, value) in goNames {
            if let value, !isGoIdentifier(value) {
                error("go \(key) '\(value)' of resource \(resource.name) must be a Go identifier", at: resource.go.locations[key])
            } else if let value, NameRules.goKeywords.contains(value) {
                error("go \(key) '\(value)' of resource \(resource.name) is a Go keyword", at: resource.go.locations[key])
            }
        }
        var seenStates: Set<String> = []
        for (index, state) in resource.states.enumerated() {
            if !isIdentifier(state, pattern: .exported) {
                error("state '\(state)' of resource \(resource.name) must start with an upper-case letter and contain only letters and digits", at: at["states", index])
            } else if !seenStates.insert(state).inserted {
                error("resource \(resource.name) lists state '\(state)' twice", at: at["states", index])
            }
        }
        guard let statusName = resource.statuses else {
            if !resource.states.isEmpty || resource.absent != nil {
                error("resource \(resource.name) has states but no statuses to report them for", at: at[resource.states.isEmpty ? "absent" : "states"])
            }
            return
        }
        guard let statuses = statuses(of: resource) else {
            error("statuses '\(statusName)' of resource \(resource.name) is not a status set\(suggestion(statusName, document.statusSets.map(\.name)))", at: at["statuses"])
            return
        }
        for key in ["id", "table", "state"] where goNames.first(where: { $0.0 == key })?.1 == nil {
            error("resource \(resource.name) has statuses, so its go names must include '\(key)'", at: resource.go.locations.entity)
        }
        if let absent = resource.absent, !resource.states.contains(absent) {
            error("absent state '\(absent)' of resource \(resource.name) is not one of its states", at: at["absent"])
        } else if resource.absent == nil {
            error("resource \(resource.name) has statuses, so it must name its 'absent' state", at: at.entity)
        }
        for status in statuses where status.value >= 64 {
            error("status \(status.name) of resource \(resource.name) has value \(status.value); ordering tables keep statuses as bits of a 64-bit mask, so values must be below 64", at: status.locations["value"])
        }
        for status in statuses {
            if let state = status.state, !resource.states.contains(state) {
                error("state '\(state)' of status \(status.name) is not a state of resource \(resource.name)\(suggestion(state, resource.states))", at: status.locations["state"])
            } else if status.state == nil, !resource.states.contains(status.name) {
                error("status \(status.name) of resource \(resource.name) needs a 'state', as no state has its name", at: status.locations["name"])
            }
        }
        for message in OrderingMessage.allCases where resource.messages[message.rawValue] == nil {
            error("resource \(resource.name) has statuses, so it must give the message '\(message.rawValue)'", at: at["messages"])
        }
        checkMessages(resource.messages, at: at, of: "resource \(resource.name)")
    }

    mutating func checkMessages(_ messages: [String: String], at locations: FieldLocations, of what: String) {
        for (key, text) in messages.sorted(by: { $0.key < $1.key }) {
            guard let message = OrderingMessage(rawValue: key) else { continue }
            guard let template = RangeNameTemplate(text) else {
                error("message '\(key)' of \(what) has an unmatched '{' or '}'", at: locations["messages"])
                continue
            }
            for placeholder in template.arguments where !message.placeholders.contains(placeholder) {
                error("message '\(key)' of \(what) uses '{\(placeholder)}'; it may use \(message.placeholders.map { "{\($0)}" }.joined(separator: ", "))", at: locations["messages"])
            }
        }
    }

    mutating func checkOrdering(of event: EventDecl) {
        guard let ordering = event.ordering else {
            if !document.resources.isEmpty {
                error("event \(event.name) states no ordering; in a spec with resources every event says how it is ordered, or 'ordering: unordered'", at: event.locations["name"])
            }
            return
        }
        let at = ordering.locations
        guard !document.resources.isEmpty else {
            error("event \(event.name) has an ordering but the spec declares no resources", at: event.locations["ordering"])
            return
        }
        if ordering.unordered { return }
        if !event.timed {
            error("event \(event.name) is not timed, so no thread orders it; its ordering must be 'unordered'", at: event.locations["ordering"])
        }
        for key in ordering.contextOrder {
            let value = ordering.context[key] ?? ""
            if resource(named: key) == nil {
                error("context of \(event.name) names unknown resource '\(key)'\(suggestion(key, document.resources.map(\.name)))", at: at["context.\(key)"])
            } else if !OrderingVocabulary.requirements.contains(value) {
                error("context of \(event.name) says '\(value)' for \(key); it must be one of \(OrderingVocabulary.requirements.joined(separator: ", "))", at: at["context.\(key)"])
            }
        }
        if let check = ordering.checkContext, !OrderingVocabulary.checkContext.contains(check) {
            error("checkContext of \(event.name) must be first or last, found '\(check)'", at: at["checkContext"])
        }
        if let handler = ordering.handler, !document.handlers.contains(where: { $0.name == handler }) {
            error("event \(event.name) names unknown handler '\(handler)'\(suggestion(handler, document.handlers.map(\.name)))", at: at["handler"])
        }
        var transitionTargets = 0
        var targets: Set<String> = []
        for (index, change) in ordering.changes.enumerated() {
            checkChange(change, index, of: event, ordering: ordering)
            if !targets.insert("\(change.resource) \(change.of)").inserted {
                error("change \(index + 1) of \(event.name) acts on \(change.of == OrderingVocabulary.current ? "the thread's current" : "'\(change.of)'") \(change.resource) again; one change says all an event does to one resource", at: change.locations["of"])
            }
            if change.resource == event.resource, change.to != nil { transitionTargets += 1 }
        }
        if ordering.handler == nil, event.kind == KnownKind.stateTransition.rawValue, transitionTargets == 0 {
            error("state transition \(event.name) is ordered by data but no change leaves its \(event.resource ?? "resource") in a new status", at: event.locations["ordering"])
        }
        if ordering.handler == nil, event.kind == KnownKind.stateTransition.rawValue,
           let change = ordering.changes.first(where: { $0.resource == event.resource && $0.to != nil }),
           let resource = resource(named: change.resource), let statuses = statuses(of: resource),
           !change.from.contains(OrderingVocabulary.absent) {
            // A parsed event reports the state its resource left, which must follow from the data.
            let states = change.from.map { name in
                statuses.first { $0.name == name }.map { $0.state ?? $0.name } ?? name
            }
            if states.isEmpty {
                error("state transition \(event.name) accepts its \(resource.name) in any status, so a parsed event cannot say which state it left; list the statuses in 'from' or name a handler", at: change.locations.entity)
            } else if Set(states).count > 1 {
                error("state transition \(event.name) accepts statuses its \(resource.name) reports as different states (\(Self.uniqued(states).joined(separator: ", "))), so a parsed event cannot say which it left; name a handler that reports it", at: change.locations["from"])
            }
        }
        if ordering.handler == nil, let kind = event.knownKind, kind.isRange, event.range.map({ $0.scope != RangeDecl.noScope }) ?? false,
           !ordering.changes.contains(where: { $0.range != nil }) {
            error("range event \(event.name) is ordered by data but no change says what it does to its range", at: event.locations["ordering"])
        }
    }

    mutating func checkChange(_ change: ChangeDecl, _ index: Int, of event: EventDecl, ordering: OrderingDecl) {
        let at = change.locations
        let what = "change \(index + 1) of \(event.name)"
        guard let resource = resource(named: change.resource) else {
            error("\(what) names unknown resource '\(change.resource)'\(suggestion(change.resource, document.resources.map(\.name)))", at: at["resource"])
            return
        }
        guard let statuses = statuses(of: resource) else {
            // A status list that is not one has been reported with the resource.
            if resource.statuses == nil { error("\(what) changes \(resource.name), which has no statuses", at: at["resource"]) }
            return
        }
        let statusNames = statuses.map(\.name)

        if change.of == OrderingVocabulary.current {
            let requirement = ordering.context[resource.name] ?? "may"
            if requirement == "mustNot" || requirement == "waitForNone" {
                error("\(what) acts on the thread's current \(resource.name), which its context says it must not hold", at: at["of"])
            }
        } else if let position = event.args.firstIndex(of: change.of) {
            let type = event.args[position].split(separator: "_").last.map(String.init) ?? ""
            if type != resource.argType {
                error("\(what) names \(resource.name) by argument '\(change.of)', which is not of type \(resource.argType)", at: at["of"])
            }
        } else {
            error("\(what) acts on '\(change.of)', which is neither 'current' nor an argument of \(event.name)\(suggestion(change.of, event.args))", at: at["of"])
        }

        let creates = change.from.contains(OrderingVocabulary.absent)
        if creates, change.from.count > 1 {
            error("\(what) lists 'absent' with other statuses in 'from'; a resource is created from nothing or changed from a status", at: at["from", change.from.firstIndex(of: OrderingVocabulary.absent) ?? 0])
        }
        for (position, name) in change.from.enumerated() where name != OrderingVocabulary.absent && !statusNames.contains(name) {
            error("\(what) accepts status '\(name)', which \(resource.name) cannot be in\(suggestion(name, statusNames))", at: at["from", position])
        }
        if let to = change.to, to != OrderingVocabulary.absent, !statusNames.contains(to) {
            error("\(what) leaves \(resource.name) in status '\(to)', which it cannot be in\(suggestion(to, statusNames))", at: at["to"])
        }
        if creates, change.to == nil || change.to == OrderingVocabulary.absent {
            error("\(what) creates \(resource.name) but leaves it in no status", at: at["from"])
        }
        for (position, name) in change.waitWhile.enumerated() where !statusNames.contains(name) {
            error("\(what) waits while \(resource.name) is '\(name)', a status it cannot be in\(suggestion(name, statusNames))", at: at["waitWhile", position])
        }
        if let thread = change.thread, !OrderingVocabulary.thread.contains(thread) {
            error("thread of \(what) must be bind or unbind, found '\(thread)'", at: at["thread"])
        }
        if let sequence = change.sequence {
            if let position = event.args.firstIndex(of: sequence.arg) {
                if event.args[position].split(separator: "_").last != "seq" {
                    error("sequence argument '\(sequence.arg)' of \(what) is not a seq", at: sequence.locations["arg"])
                }
            } else {
                error("sequence argument '\(sequence.arg)' of \(what) is not an argument of \(event.name)\(suggestion(sequence.arg, event.args))", at: sequence.locations["arg"])
            }
            if !OrderingVocabulary.mismatch.contains(sequence.mismatch) {
                error("mismatch of the sequence of \(what) must be wait or broken, found '\(sequence.mismatch)'", at: sequence.locations["mismatch"])
            }
        }
        if let range = change.range {
            let expected: KnownKind? = switch range {
            case "begin": .rangeBegin
            case "active": .rangeActive
            case "end": .rangeEnd
            default: nil
            }
            if let expected {
                if event.knownKind != expected {
                    error("\(what) says range \(range), but \(event.name) has kind \(event.kind ?? "none")", at: at["range"])
                } else if let scope = event.range?.scope, scope != resource.name {
                    error("\(what) acts on the range of \(resource.name), but the range's scope is \(scope)", at: at["range"])
                }
            } else {
                error("range of \(what) must be one of begin, active, end, found '\(range)'", at: at["range"])
            }
        }
        checkMessages(change.messages, at: at, of: what)
        checkTransitionDetails(change, what: what, of: event)
    }

    /// `reason` and `stack` belong to the change a parsed state transition reports, and name a
    /// string and a stack argument of the event.
    private mutating func checkTransitionDetails(_ change: ChangeDecl, what: String, of event: EventDecl) {
        guard change.reason != nil || change.stack != nil else { return }
        let at = change.locations
        let key = change.reason != nil ? "reason" : "stack"
        guard event.kind == KnownKind.stateTransition.rawValue, change.resource == event.resource, change.to != nil else {
            error("\(what) gives a \(key), but only the change a state transition reports (its \(event.resource ?? "resource"), with 'to') has one", at: at[key])
            return
        }
        for (key, name, positions, table) in [("reason", change.reason, event.stringIDs, "string"), ("stack", change.stack, event.stackIDs, "stack")] {
            guard let name else { continue }
            guard let position = event.args.firstIndex(of: name) else {
                error("\(key) '\(name)' of \(what) is not an argument of \(event.name)\(suggestion(name, event.args))", at: at[key])
                continue
            }
            if !positions.contains(position) {
                error("\(key) '\(name)' of \(what) is not one of \(event.name)'s \(table) arguments", at: at[key])
            }
        }
    }

    private static func uniqued(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    private func isGoIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
