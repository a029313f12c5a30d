/// The reference page's ordering section: the resources, their state machines as Mermaid
/// `stateDiagram-v2` blocks, the handlers, and every event's ordering in words.
struct DocsOrderingSection {
    let model: TraceModel

    /// One edge of a resource's state machine: `[*]` stands for "does not exist", `any` for a
    /// change that accepts every status.
    struct Edge: Hashable {
        let from: String
        let to: String
    }

    static let absent = "[*]"
    static let any = "any"

    /// Every edge the spec's changes take on one resource, with the events that take it, in the
    /// order first taken (events in ID order, changes in order).
    static func edges(of resource: Int, in model: TraceModel) -> [(edge: Edge, events: [String])] {
        var order: [Edge] = []
        var events: [Edge: [String]] = [:]
        for event in model.events {
            for change in event.ordering?.changes ?? [] where change.resource == resource {
                let target: String
                switch change.to {
                case .status(let status)?: target = status.name
                case .absent?: target = absent
                case nil: continue
                }
                let sources = change.creates ? [absent] : change.from.isEmpty ? [any] : change.from.map(\.name)
                for source in sources {
                    let edge = Edge(from: source, to: target)
                    if events[edge] == nil { order.append(edge) }
                    if events[edge]?.contains(event.name) != true { events[edge, default: []].append(event.name) }
                }
            }
        }
        return order.map { ($0, events[$0] ?? []) }
    }

    func print(_ p: inout CodePrinter) {
        p.line()
        p.line("## Ordering")
        p.line()
        p.line("A parser reads one stream of events per thread and takes an event only when the resources it refers to are in the state it expects; otherwise it waits for other threads, or the trace is invalid. What each event expects and does is stated in the spec.")
        p.line()
        p.line("| Resource | Description | Statuses | States |")
        p.line("|---|---|---|---|")
        for resource in model.resources {
            let statuses = resource.statuses?.statuses.map(\.name).joined(separator: ", ") ?? "—"
            let states = resource.states.isEmpty ? "—" : resource.states.joined(separator: ", ")
            p.line("| \(resource.name) | \(p.cell(resource.description)) | \(statuses) | \(states) |")
        }
        for (index, resource) in model.resources.enumerated() {
            guard let set = resource.statuses else { continue }
            let edges = Self.edges(of: index, in: model)
            p.line()
            p.line("### The \(resource.name) state machine")
            p.line()
            p.line("Each state is a \(resource.name) status, with the state a parsed event reports for it; `[*]` is a \(resource.name) that does not exist, and `any` stands for every status. Each edge names the events that take it.")
            p.line()
            p.line("```mermaid")
            p.line("stateDiagram-v2")
            p.indent()
            for status in set.statuses {
                let state = resource.stateOfStatus[status.value] ?? status.name
                p.line("\(status.name): \(status.name)" + (state == status.name ? "" : " (reads as \(state))"))
            }
            if edges.contains(where: { $0.edge.from == Self.any }) { p.line("\(Self.any): any status") }
            for (edge, events) in edges {
                p.line("\(edge.from) --> \(edge.to): \(events.joined(separator: ", "))")
            }
            p.outdent()
            p.line("```")
        }
        if !model.handlers.isEmpty {
            p.line()
            p.line("### Handlers")
            p.line()
            p.line("These parts of the ordering are code, written once in each parser.")
            p.line()
            p.line("| Handler | Events | What it does |")
            p.line("|---|---|---|")
            for handler in model.handlers {
                p.line("| \(handler.name) | \(handler.events.map(\.name).joined(separator: ", ")) | \(p.cell(handler.description)) |")
            }
        }
        p.line()
        p.line("### Each event's ordering")
        p.line()
        p.line("| ID | Event | Ordering |")
        p.line("|---:|---|---|")
        for event in model.events {
            let sentence = OrderingProse.sentence(for: event, model: model)
            p.line("| \(event.id) | \(event.name) | \(p.cell(sentence.prefix(1).uppercased() + sentence.dropFirst())) |")
        }
    }
}
