/// An event's ordering in words, for Go comments and the reference page. It says what the spec
/// says, in the spec's own resource and status names.
enum OrderingProse {
    static func sentence(for event: TraceModel.Event, model: TraceModel) -> String {
        guard let ordering = event.ordering else { return "the spec states no ordering for it." }
        var clauses: [String] = []
        switch ordering.mode {
        case .unordered:
            return "the reader's batch, table and generation code consumes it; it is never ordered."
        case .handler(let name):
            clauses.append("the hand-written handler \(name) orders it")
        case .data:
            break
        }
        var must: [String] = [], mustNot: [String] = [], waits: [String] = []
        for (resource, requirement) in zip(model.resources, ordering.context) {
            switch requirement {
            case .must: must.append(resource.name)
            case .mustNot: mustNot.append(resource.name)
            case .waitForNone: mustNot.append(resource.name); waits.append(resource.name)
            case .may: break
            }
        }
        if !must.isEmpty { clauses.append("it needs \(list(must.map { article($0) }, "and"))") }
        if !mustNot.isEmpty { clauses.append("it must have no \(list(mustNot, "and no"))") }
        for name in waits { clauses.append("it waits while it still has \(article(name))") }
        for change in ordering.changes {
            clauses.append(describe(change, in: event))
        }
        if clauses.isEmpty { clauses.append("it needs nothing of its thread and changes nothing") }
        return clauses.joined(separator: "; ") + "."
    }

    static func describe(_ change: TraceModel.Change, in event: TraceModel.Event) -> String {
        let subject: String = switch change.target {
        case .current: "the thread's \(change.resourceName)"
        case .argument(let argument): "the \(change.resourceName) that \(argument.name) names"
        }
        var parts: [String] = []
        if change.creates {
            parts.append("\(subject) must not exist yet")
        } else if !change.from.isEmpty {
            parts.append("\(subject)\(change.optional ? ", if any," : "") must be \(list(change.from.map(\.name), "or"))")
        } else if change.optional {
            parts.append("\(subject) counts only if there is one")
        } else {
            parts.append("\(subject) must exist")
        }
        if let sequence = change.sequence {
            parts.append("\(sequence.argument.name) must be its next sequence number, or \(sequence.mismatch == .wait ? "the event waits" : "the trace is broken")")
        }
        if !change.waitWhile.isEmpty { parts.append("the event waits while it is \(list(change.waitWhile.map(\.name), "or"))") }
        switch change.to {
        case .status(let status)?: parts.append(change.creates ? "it is created \(status.name)" : "it is left \(status.name)")
        case .absent?: parts.append("it ends")
        case nil: break
        }
        switch change.thread {
        case .bind?: parts.append("it becomes the thread's \(change.resourceName)")
        case .unbind?: parts.append("the thread no longer holds it")
        case nil: break
        }
        switch change.range {
        case .begin?: parts.append("its range \(event.meaning.range.map { "“\($0.name)” " } ?? "")begins")
        case .active?: parts.append("its range \(event.meaning.range.map { "“\($0.name)” " } ?? "")is already under way")
        case .end?: parts.append("its range \(event.meaning.range.map { "“\($0.name)” " } ?? "")ends")
        case nil: break
        }
        return parts.joined(separator: ", ")
    }

    static func article(_ noun: String) -> String {
        (noun.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + noun
    }

    static func list(_ items: [String], _ conjunction: String) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }
}
