/// The ordering part of `EventKind.swift`, for specs with resources: `EventType.Ordering` and its
/// nested types, and one static table indexed by the wire byte that a parser reads instead of
/// writing its own switch.
///
/// Every type is nested under the event type, so no name of the module lands beside the standard
/// library's or a parser's own.
struct SwiftOrderingSection {
    let model: TraceModel
    let eventType: String
    let access: String

    /// Members this section adds to the event type.
    static let members = ["ordering", "Ordering", "orderingTable"]

    /// The states of every resource, each name once, in the order they are first declared.
    var states: [String] {
        var seen: Set<String> = []
        return model.resources.flatMap(\.states).filter { seen.insert($0).inserted }
    }

    func print(_ p: inout CodePrinter) {
        p.line()
        p.block("extension \(eventType) {") { p in
            p.docComment("How a parser puts events of one type in order among the threads' streams: what the thread must hold, which resources the event checks and changes, or which hand-written handler orders it.")
            p.block("\(access) struct Ordering: Hashable, Sendable {") { p in
                types(&p)
                p.line()
                p.docComment("Whether the event is ordered at all, by this data, or by a handler.")
                p.line("\(access) let mode: Mode")
                p.docComment("What the thread must hold, one requirement per resource in `Resource` order.")
                p.line("\(access) let context: [Requirement]")
                p.docComment("Whether the context is checked after the changes looked their resources up, rather than before.")
                p.line("\(access) let checksContextLast: Bool")
                p.docComment("The resources the event checks and changes, in order.")
                p.line("\(access) let changes: [Change]")
                p.docComment("The state change a parsed event of this type reports, when the spec states it.")
                p.line("\(access) let transition: Transition?")
                p.line()
                p.docComment("An event that the batch, table and generation code consumes; the ordering never sees it.")
                p.line("\(access) static let unordered = Ordering(mode: .unordered, context: [], checksContextLast: false, changes: [], transition: nil)")
            }
            p.line()
            p.docComment("How a parser orders events of this type.")
            p.block("\(access) var ordering: Ordering {") { p in
                p.line("Self.orderingTable[Int(rawValue)]")
            }
            p.line()
            p.docComment("Every type's ordering, indexed by its wire byte.")
            p.block("private static let orderingTable: [Ordering] = {", close: "}()") { p in
                p.line("var table = [Ordering](repeating: .unordered, count: \(TraceModel.idLimit))")
                for event in model.events {
                    guard let ordering = event.ordering, ordering.mode != .unordered else { continue }
                    p.line("// \(event.name)")
                    value(ordering, into: &p, assigning: "table[\(event.id)]")
                }
                p.line("return table")
            }
        }
    }

    private func types(_ p: inout CodePrinter) {
        p.docComment("What the ordering keeps state for, in the order contexts are checked.")
        p.block("\(access) enum Resource: UInt8, CaseIterable, Hashable, Sendable {") { p in
            for resource in model.resources {
                p.docComment(resource.description)
                p.line("case \(resource.swiftName)")
            }
        }
        p.line()
        p.docComment("The states parsed events report, of every resource.")
        p.block("\(access) enum State: \(states.isEmpty ? "" : "UInt8, ")CaseIterable, Hashable, Sendable {") { p in
            if !states.isEmpty { p.line("case " + states.map(Naming.swiftMember).joined(separator: ", ")) }
        }
        p.line()
        p.docComment("What the thread must hold of one resource.")
        p.block("\(access) enum Requirement: UInt8, Hashable, Sendable {") { p in
            p.line("case must, may, mustNot")
            p.docComment("Must not hold one, and the event waits while it does.")
            p.line("case waitForNone")
        }
        p.line()
        p.docComment("Ordering logic that is code, written once in each parser.")
        p.block("\(access) enum Handler: \(model.handlers.isEmpty ? "" : "UInt8, ")CaseIterable, Hashable, Sendable {") { p in
            for handler in model.handlers {
                p.docComment(handler.description)
                p.line("case \(handler.swiftName)")
            }
        }
        p.line()
        p.docComment("Whether and how events of a type are ordered.")
        p.block("\(access) enum Mode: Hashable, Sendable {") { p in
            p.docComment("The batch, table and generation code consumes the event.")
            p.line("case unordered")
            p.docComment("Ordered by the context and changes alone.")
            p.line("case data")
            p.docComment("Ordered by a hand-written handler; the context and changes say what it does.")
            p.line("case handler(Handler)")
        }
        p.line()
        p.docComment("Which resource of its kind a change acts on.")
        p.block("\(access) enum Target: Hashable, Sendable {") { p in
            p.docComment("The thread's current one.")
            p.line("case current")
            p.docComment("The one the argument at this position (the time delta included) names.")
            p.line("case argument(Int)")
        }
        p.line()
        p.docComment("What a change leaves its resource as.")
        p.block("\(access) enum Outcome: Hashable, Sendable {") { p in
            p.docComment("The status with this raw value.")
            p.line("case status(UInt8)")
            p.docComment("The resource no longer exists.")
            p.line("case absent")
        }
        p.line()
        p.docComment("What a sequence number that is not the next one means.")
        p.block("\(access) enum Mismatch: UInt8, Hashable, Sendable {") { p in
            p.docComment("Other threads have events to order first.")
            p.line("case wait")
            p.docComment("The trace is invalid.")
            p.line("case broken")
        }
        p.line()
        p.docComment("One resource an event looks up, checks and changes.")
        p.block("\(access) struct Change: Hashable, Sendable {") { p in
            p.line("\(access) let resource: Resource")
            p.line("\(access) let target: Target")
            p.docComment("The statuses it must be in, bit n for raw value n; 0 for any.")
            p.line("\(access) let from: UInt64")
            p.docComment("Whether it must not exist yet, and is created.")
            p.line("\(access) let creates: Bool")
            p.line("\(access) let to: Outcome?")
            p.docComment("True: it becomes the thread's current one; false: the thread no longer holds it.")
            p.line("\(access) let binds: Bool?")
            p.docComment("The position of the argument that carries its sequence number, and what a mismatch means.")
            p.line("\(access) let sequence: Int?")
            p.line("\(access) let mismatch: Mismatch?")
            p.docComment("Its part in the event's range.")
            p.line("\(access) let range: \(eventTypeRangeAction)?")
            p.docComment("Whether nothing happens when the thread or argument names none.")
            p.line("\(access) let isOptional: Bool")
            p.docComment("The statuses in which the event waits, bit n for raw value n.")
            p.line("\(access) let waitWhile: UInt64")
            p.docComment("The error text of each failed check, with placeholders such as `{event}` and `{id}` left to fill in.")
            p.line("\(access) let messages: [Message: String]")
        }
        p.line()
        p.docComment("A check of a change that can fail, naming the text its error reports.")
        p.block("\(access) enum Message: UInt8, Hashable, Sendable {") { p in
            p.line("case " + OrderingMessage.allCases.map(\.rawValue).joined(separator: ", "))
        }
        p.line()
        p.docComment("A change's part in the event's range.")
        p.block("\(access) enum RangeAction: UInt8, Hashable, Sendable {") { p in
            p.line("case begin, active, end")
        }
        p.line()
        p.docComment("The state change a parsed event reports.")
        p.block("\(access) struct Transition: Hashable, Sendable {") { p in
            p.line("\(access) let resource: Resource")
            p.line("\(access) let target: Target")
            p.line("\(access) let from: State")
            p.line("\(access) let to: State")
            p.docComment("The position of the string argument that gives the reason (the time delta included).")
            p.line("\(access) let reason: Int?")
            p.docComment("Where the stack reported with the change comes from.")
            p.line("\(access) let stack: StackSource?")
        }
        p.line()
        p.docComment("Where a state transition's stack comes from.")
        p.block("\(access) enum StackSource: Hashable, Sendable {") { p in
            p.docComment("The event's own stack; none when the trace gives the empty stack.")
            p.line("case event")
            p.docComment("The stack argument at this position (the time delta included), even when it is the empty stack.")
            p.line("case argument(Int)")
        }
    }

    private var eventTypeRangeAction: String { "RangeAction" }

    private func mask(_ statuses: [TraceModel.Status]) -> String {
        guard !statuses.isEmpty else { return "0" }
        return statuses.map { "1 << \($0.value)" }.joined(separator: " | ")
    }

    private func target(_ target: TraceModel.Target) -> String {
        switch target {
        case .current: ".current"
        case .argument(let argument): ".argument(\(argument.position))"
        }
    }

    private func value(_ ordering: TraceModel.Ordering, into p: inout CodePrinter, assigning lhs: String) {
        let mode: String = switch ordering.mode {
        case .unordered: ".unordered"
        case .data: ".data"
        case .handler(let name): ".handler(.\(Naming.swiftMember(name)))"
        }
        let context = "[" + ordering.context.map { ".\($0.rawValue)" }.joined(separator: ", ") + "]"
        let transition = ordering.transition.map { t in
            let stack: String = switch t.stack {
            case .event?: ".event"
            case .argument(let argument)?: ".argument(\(argument.position))"
            case nil: "nil"
            }
            return "resource: .\(model.resources[t.resource].swiftName), target: \(target(t.target)), from: .\(Naming.swiftMember(t.from)), to: .\(Naming.swiftMember(t.to)), reason: \(t.reason.map { String($0.position) } ?? "nil"), stack: \(stack)))"
        }
        p.line("\(lhs) = Ordering(")
        p.indent()
        p.line("mode: \(mode), context: \(context), checksContextLast: \(ordering.contextLast),")
        if ordering.changes.isEmpty {
            p.line("changes: [],")
        } else {
            p.line("changes: [")
            p.indent()
            for change in ordering.changes {
                let to: String = switch change.to {
                case .status(let status)?: ".status(\(status.value))"
                case .absent?: ".absent"
                case nil: "nil"
                }
                let binds: String = switch change.thread {
                case .bind?: "true"
                case .unbind?: "false"
                case nil: "nil"
                }
                p.line("Ordering.Change(")
                p.indent()
                p.line("resource: .\(model.resources[change.resource].swiftName), target: \(target(change.target)), from: \(mask(change.from)), creates: \(change.creates),")
                p.line("to: \(to), binds: \(binds), sequence: \(change.sequence.map { String($0.argument.position) } ?? "nil"), mismatch: \(change.sequence.map { ".\($0.mismatch.rawValue)" } ?? "nil"),")
                p.line("range: \(change.range.map { ".\($0.rawValue)" } ?? "nil"), isOptional: \(change.optional), waitWhile: \(mask(change.waitWhile)),")
                let messages = OrderingMessage.allCases.compactMap { message in
                    change.messages[message].map { ".\(message.rawValue): \(p.string($0))" }
                }
                if messages.isEmpty {
                    p.line("messages: [:]),")
                } else {
                    p.line("messages: [")
                    p.indent()
                    for message in messages { p.line(message + ",") }
                    p.outdent()
                    p.line("]),")
                }
                p.outdent()
            }
            p.outdent()
            p.line("],")
        }
        if let transition {
            p.line("transition: Ordering.Transition(")
            p.indent()
            p.line(transition)
            p.outdent()
        } else {
            p.line("transition: nil)")
        }
        p.outdent()
    }
}
