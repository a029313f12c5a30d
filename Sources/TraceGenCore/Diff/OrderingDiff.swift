/// The ordering part of a spec comparison: resources, handlers and each event's ordering, compared
/// as the model resolves them, so that writing a default out (`goroutine: may`) is no change.
extension Comparison {
    /// Resources and handlers. When only one side states an ordering at all, that is one change
    /// of the format, and the events' orderings are not compared one by one.
    mutating func ordering() {
        let (was, now) = (old.resources, new.resources)
        let formatName = new.title
        if was.isEmpty != now.isEmpty {
            let at = FieldLocations(entity: (now.isEmpty ? old : new).locations["resources"])
            changed(.format, formatName, "resources", .strings(was.map(\.name)), .strings(now.map(\.name)),
                    now.isEmpty ? .orderingDropped : .orderingStated, at: at)
            return
        }
        guard !now.isEmpty else { return }
        for pairing in match(was, now, name: \.name) {
            switch pairing {
            case .added(let resource):
                added(.resource, resource.name, .orderingPartAdded, at: resource.locations, detail: "argument type \(resource.argType)", note: resource.description)
            case .removed(let resource):
                removed(.resource, resource.name, at: resource.locations)
            case .paired(let a, let b):
                let at = b.locations
                changed(.resource, b.name, "argType", a.argType, b.argType, .resourceChanged, at: at)
                changed(.resource, b.name, "statuses", a.statuses?.name, b.statuses?.name, .resourceChanged, at: at)
                if a.states != b.states {
                    changed(.resource, b.name, "states", .strings(a.states), .strings(b.states), .resourceChanged, at: at)
                }
                changed(.resource, b.name, "absent", a.absentState, b.absentState, .resourceChanged, at: at)
                let stateOf: (TraceModel.Resource) -> [String] = { resource in
                    (resource.statuses?.statuses ?? []).map { "\($0.name)=\(resource.stateOfStatus[$0.value] ?? "?")" }
                }
                if stateOf(a) != stateOf(b) {
                    changed(.resource, b.name, "statuses.state", .strings(stateOf(a)), .strings(stateOf(b)), .resourceChanged, at: FieldLocations(entity: at["statuses"]))
                }
                let goAt = Self.prefixed(b.go.locations, "go.")
                for (key, x, y) in [("go.context", a.go.context, b.go.context), ("go.none", a.go.none, b.go.none)] {
                    changed(.resource, b.name, key, x, y, .generatedNameChanged, at: goAt)
                }
                for (key, x, y) in [("go.id", a.go.id, b.go.id), ("go.table", a.go.table, b.go.table), ("go.state", a.go.state, b.go.state)] {
                    changed(.resource, b.name, key, x, y, .generatedNameChanged, at: goAt)
                }
                for message in OrderingMessage.allCases {
                    changed(.resource, b.name, "messages.\(message.rawValue)", a.messages[message], b.messages[message],
                            .orderingMessageChanged, at: FieldLocations(entity: at["messages"]))
                }
                description(.resource, b.name, a.description, b.description, at: at)
            }
        }
        for pairing in match(old.handlers, new.handlers, name: \.name) {
            switch pairing {
            case .added(let handler):
                added(.handler, handler.name, .orderingPartAdded, at: handler.locations, note: handler.description)
            case .removed(let handler):
                removed(.handler, handler.name, at: handler.locations)
            case .paired(let a, let b):
                description(.handler, b.name, a.description, b.description, at: b.locations)
            }
        }
    }

    /// One event's ordering, when both sides state orderings.
    mutating func eventOrdering(_ name: String, _ was: TraceModel.Event, _ now: TraceModel.Event) {
        guard !old.resources.isEmpty, !new.resources.isEmpty, let a = was.ordering, let b = now.ordering else { return }
        let at = now.orderingLocations.map { FieldLocations(entity: $0.entity, fields: Self.prefixed($0, "ordering.").fields) }
            ?? FieldLocations(entity: now.locations["ordering"])
        let (oldSide, newSide) = (OrderingText(model: old), OrderingText(model: new))
        changed(.event, name, "ordering.handler", oldSide.mode(a), newSide.mode(b), .orderingHandlerChanged, at: at)
        changed(.event, name, "ordering.context", oldSide.context(a), newSide.context(b), .orderingContextChanged, at: at)
        // Arguments compare by position, so renaming one in place is no change of the ordering.
        if oldSide.changes(a, byPosition: true) != newSide.changes(b, byPosition: true) {
            changed(.event, name, "ordering.changes", .strings(oldSide.changes(a)), .strings(newSide.changes(b)), .orderingTransitionChanged, at: at)
        }
        // Sequences and messages are written inside the changes, so they point there.
        let changesAt = FieldLocations(entity: at["ordering.changes"])
        if oldSide.sequences(a, byPosition: true) != newSide.sequences(b, byPosition: true) {
            changed(.event, name, "ordering.seq", .strings(oldSide.sequences(a)), .strings(newSide.sequences(b)), .orderingSequenceChanged, at: changesAt)
        }
        if oldSide.messages(a) != newSide.messages(b) {
            changed(.event, name, "ordering.messages", .strings(oldSide.messages(a)), .strings(newSide.messages(b)), .orderingMessageChanged, at: changesAt)
        }
    }
}

/// An ordering as short, comparable text, in the spec's own words.
struct OrderingText {
    let model: TraceModel

    func mode(_ ordering: TraceModel.Ordering) -> String {
        switch ordering.mode {
        case .unordered: "unordered"
        case .data: "data"
        case .handler(let name): name
        }
    }

    /// The requirements by resource name, `may` left out, and when they are checked.
    func context(_ ordering: TraceModel.Ordering) -> String {
        let parts = zip(model.resources, ordering.context).filter { $0.1 != .may }.map { "\($0.0.name): \($0.1.rawValue)" }
        return "{" + parts.joined(separator: ", ") + "}" + (ordering.contextLast ? " checked last" : "")
    }

    func target(_ change: TraceModel.Change, byPosition: Bool = false) -> String {
        switch change.target {
        case .current: "current"
        case .argument(let argument): byPosition ? "argument \(argument.position)" : argument.name
        }
    }

    func changes(_ ordering: TraceModel.Ordering, byPosition: Bool = false) -> [String] {
        ordering.changes.map { change in
            var text = "\(change.resourceName) \(target(change, byPosition: byPosition))"
            if change.optional { text += " if any" }
            if change.creates { text += " absent" } else if !change.from.isEmpty { text += " " + change.from.map(\.name).joined(separator: "|") }
            switch change.to {
            case .status(let status)?: text += " -> \(status.name)"
            case .absent?: text += " -> absent"
            case nil: break
            }
            if !change.waitWhile.isEmpty { text += " waits while " + change.waitWhile.map(\.name).joined(separator: "|") }
            if let thread = change.thread { text += " \(thread.rawValue)" }
            if let range = change.range { text += " range \(range.rawValue)" }
            return text
        }
    }

    func sequences(_ ordering: TraceModel.Ordering, byPosition: Bool = false) -> [String] {
        ordering.changes.compactMap { change in
            change.sequence.map {
                "\(change.resourceName) \(target(change, byPosition: byPosition)): \(byPosition ? "argument \($0.argument.position)" : $0.argument.name) \($0.mismatch.rawValue)"
            }
        }
    }

    /// Only the texts a change sets itself; the resource's own are compared with the resource.
    func messages(_ ordering: TraceModel.Ordering) -> [String] {
        ordering.changes.flatMap { change in
            let own = model.resources[change.resource].messages
            return OrderingMessage.allCases.compactMap { message -> String? in
                guard let text = change.messages[message], text != own[message] else { return nil }
                return "\(change.resourceName) \(target(change)) \(message.rawValue): \(text)"
            }
        }
    }
}
