import Yams

/// Decoding of the ordering parts of a spec: `resources`, `handlers` and each event's `ordering`.
/// Shapes and types only; what the names refer to is the validator's question.
extension SpecDecoder {
    static let resourceKeys = ["name", "description", "argType", "statuses", "states", "absent", "go", "messages"]
    static let goResourceKeys = ["context", "none", "id", "table", "state", "makeTransition", "statePrefix"]
    static let handlerKeys = ["name", "description"]
    static let orderingKeys = ["context", "checkContext", "handler", "changes"]
    static let changeKeys = ["resource", "of", "from", "to", "thread", "seq", "range", "optional", "waitWhile", "messages", "reason", "stack"]
    static let sequenceKeys = ["arg", "mismatch"]

    static func resource(_ reader: inout YAMLReader, _ node: Node, _ index: Int) -> ResourceDecl? {
        guard var f = reader.fields(node, of: "resource \(index + 1)", allowed: resourceKeys) else { return nil }
        let what = label("resource", f, fallback: "resource \(index + 1)")
        let name = reader.string(&f, "name", in: what)
        let description = reader.string(&f, "description", in: what)
        let argType = reader.string(&f, "argType", in: what)
        let statuses = reader.string(&f, "statuses", in: what, required: false)
        let states = reader.stringList(&f, "states", in: what, required: false)
        let absent = reader.string(&f, "absent", in: what, required: false)
        var go: GoResourceDecl?
        if let goNode = f.values["go"] ?? missingKey(&reader, f, "go", in: what),
           var g = reader.fields(goNode, of: "go names of \(what)", allowed: goResourceKeys) {
            let inGo = "the go names of \(what)"
            let context = reader.string(&g, "context", in: inGo)
            let none = reader.string(&g, "none", in: inGo)
            let id = reader.string(&g, "id", in: inGo, required: false)
            let table = reader.string(&g, "table", in: inGo, required: false)
            let state = reader.string(&g, "state", in: inGo, required: false)
            let makeTransition = reader.string(&g, "makeTransition", in: inGo, required: false)
            let statePrefix = reader.string(&g, "statePrefix", in: inGo, required: false)
            if let context, let none,
               optionalsRead(g, ["id": id, "table": table, "state": state, "makeTransition": makeTransition, "statePrefix": statePrefix]) {
                go = GoResourceDecl(context: context, none: none, id: id, table: table, state: state, makeTransition: makeTransition,
                                    statePrefix: statePrefix, locations: g.locations)
            }
        }
        let messages = f.values["messages"].map { messageMap(&reader, $0, of: what) }
        guard let name, let description, let argType, let go,
              optionalsRead(f, ["statuses": statuses, "absent": absent]), f.values["states"] == nil || states != nil,
              messages.map({ $0 != nil }) ?? true else { return nil }
        return ResourceDecl(name: name, description: description, argType: argType, statuses: statuses, states: states ?? [],
                            absent: absent, go: go, messages: (messages ?? [:]) ?? [:], locations: f.locations)
    }

    /// `ordering: unordered`, or a mapping of context, handler and changes.
    static func ordering(_ reader: inout YAMLReader, _ node: Node, of event: String) -> OrderingDecl? {
        let what = "the ordering of \(event)"
        if case .scalar(let scalar) = node {
            guard scalar.string == OrderingVocabulary.unordered else {
                reader.error("\(what) must be '\(OrderingVocabulary.unordered)' or a mapping, found \(reader.describe(node))", at: node)
                return nil
            }
            return OrderingDecl(unordered: true, locations: FieldLocations(entity: reader.location(of: node)))
        }
        guard var f = reader.fields(node, of: "ordering of \(event)", allowed: orderingKeys) else { return nil }
        var ordering = OrderingDecl(locations: f.locations)
        var failed = false
        if let contextNode = f.values["context"] {
            if case .mapping(let mapping) = contextNode {
                var c = reader.fields(contextNode, of: "context of \(event)", allowed: mapping.compactMap { if case .scalar(let key) = $0.key { key.string } else { nil } })!
                for key in c.keyOrder {
                    if let value = reader.string(&c, key, in: "the context of \(event)") {
                        ordering.context[key] = value
                        ordering.contextOrder.append(key)
                        ordering.locations.fields["context.\(key)"] = c.locations[key]
                    } else {
                        failed = true
                    }
                }
            } else {
                reader.error("'context' of \(what) must be a mapping, found \(reader.describe(contextNode))", at: contextNode)
                failed = true
            }
        }
        ordering.checkContext = reader.string(&f, "checkContext", in: what, required: false)
        ordering.handler = reader.string(&f, "handler", in: what, required: false)
        if f.values["checkContext"] != nil && ordering.checkContext == nil || f.values["handler"] != nil && ordering.handler == nil { failed = true }
        if let nodes = reader.list(&f, "changes", in: what, required: false) {
            for (index, changeNode) in nodes.enumerated() {
                if let change = Self.change(&reader, changeNode, index, of: event) { ordering.changes.append(change) } else { failed = true }
            }
        } else if f.values["changes"] != nil {
            failed = true
        }
        ordering.locations.fields.merge(f.locations.fields) { mine, _ in mine }
        return failed ? nil : ordering
    }

    static func change(_ reader: inout YAMLReader, _ node: Node, _ index: Int, of event: String) -> ChangeDecl? {
        let what = "change \(index + 1) of \(event)"
        guard var f = reader.fields(node, of: what, allowed: changeKeys) else { return nil }
        let resource = reader.string(&f, "resource", in: what)
        let of = reader.string(&f, "of", in: what)
        let from = reader.stringList(&f, "from", in: what, required: false)
        let to = reader.string(&f, "to", in: what, required: false)
        let thread = reader.string(&f, "thread", in: what, required: false)
        let range = reader.string(&f, "range", in: what, required: false)
        let optional = reader.bool(&f, "optional", in: what, required: false)
        let waitWhile = reader.stringList(&f, "waitWhile", in: what, required: false)
        let reason = reader.string(&f, "reason", in: what, required: false)
        let stack = reader.string(&f, "stack", in: what, required: false)
        var sequence: SequenceDecl?
        var sequenceFailed = false
        if let seqNode = f.values["seq"] {
            if var s = reader.fields(seqNode, of: "seq of \(what)", allowed: sequenceKeys) {
                let arg = reader.string(&s, "arg", in: "the seq of \(what)")
                let mismatch = reader.string(&s, "mismatch", in: "the seq of \(what)")
                if let arg, let mismatch { sequence = SequenceDecl(arg: arg, mismatch: mismatch, locations: s.locations) }
            }
            sequenceFailed = sequence == nil
        }
        let messages = f.values["messages"].map { messageMap(&reader, $0, of: what) }
        guard let resource, let of, !sequenceFailed, messages.map({ $0 != nil }) ?? true,
              optionalsRead(f, ["to": to, "thread": thread, "range": range, "reason": reason, "stack": stack]),
              f.values["from"] == nil || from != nil, f.values["waitWhile"] == nil || waitWhile != nil,
              f.values["optional"] == nil || optional != nil else { return nil }
        return ChangeDecl(resource: resource, of: of, from: from ?? [], to: to, thread: thread, sequence: sequence, range: range,
                          optional: optional ?? false, waitWhile: waitWhile ?? [], messages: (messages ?? [:]) ?? [:], reason: reason, stack: stack,
                          locations: f.locations)
    }

    /// A mapping from message name to text; the names are checked here, the placeholders by the validator.
    private static func messageMap(_ reader: inout YAMLReader, _ node: Node, of what: String) -> [String: String]? {
        guard var f = reader.fields(node, of: "messages of \(what)", allowed: OrderingMessage.allCases.map(\.rawValue)) else { return nil }
        var result: [String: String] = [:]
        for key in f.keyOrder {
            guard let text = reader.string(&f, key, in: "the messages of \(what)") else { return nil }
            result[key] = text
        }
        return result
    }

    /// Whether every optional key that was written was also read.
    private static func optionalsRead(_ fields: YAMLReader.Fields, _ values: [String: String?]) -> Bool {
        values.allSatisfy { key, value in fields.values[key] == nil || value != nil }
    }

    static func missingKey(_ reader: inout YAMLReader, _ fields: YAMLReader.Fields, _ key: String, in what: String) -> Node? {
        reader.error("\(what) is missing the required key '\(key)'", at: fields.node)
        return nil
    }
}
