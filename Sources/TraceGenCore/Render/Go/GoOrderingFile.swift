/// `Go/<parser package>/ordering.go`: the dispatch table of Go's ordering state machine and one
/// method per event whose ordering the spec states as data.
///
/// The methods work on the parser's own machinery (`ordering`, `schedCtx`, `validateCtx`,
/// `makeSeq`, the resources' state maps and range state), whose names the spec's resources give
/// or that every version of the parser has had. Events that name a handler are dispatched to the
/// parser's hand-written `advance<Handler>` method.
struct GoOrderingFile: GoParserFile {
    let model: TraceModel
    var path: String { "Go/\(parser.package)/ordering.go" }
    var language: OutputLanguage { .go }

    /// The names a method's parameters and fixed locals use, which an argument's local must not take.
    static let taken: Set<String> = ["o", "ev", "evt", "m", "gen", "curCtx", "newCtx", "ok", "err", "desc", "fmt"]

    /// The Go method that orders an event ordered by data.
    static func methodName(_ event: TraceModel.Event) -> String { "advance" + event.name }

    func body(_ p: inout CodePrinter) {
        opening(&p)
        dispatch(&p)
        for event in model.events where event.ordering?.mode == .data {
            p.line()
            method(event, &p)
        }
    }

    private func dispatch(_ p: inout CodePrinter) {
        p.comment("orderingDispatch gives each event type the method that orders it. Types without an entry never reach the ordering: the batch, table and generation code consumes them, and any other type is an error.")
        p.block("var orderingDispatch = [\(TraceModel.idLimit)]orderingHandleFunc{") { p in
            var first = true
            for group in model.groups {
                let rows: [(key: String, value: String)] = group.events.compactMap { event in
                    guard let ordering = event.ordering else { return nil }
                    let key = "\(tables).\(event.goName)"
                    switch ordering.mode {
                    case .unordered: return nil
                    case .data: return (key, "(*ordering).\(Self.methodName(event)),")
                    case .handler(let name): return (key, "(*ordering).advance\(name),")
                    }
                }
                guard !rows.isEmpty else { continue }
                if !first { p.line() }
                first = false
                p.comment(group.name + ".")
                p.alignedKeyValues(rows)
            }
        }
    }

    // MARK: One event's method

    /// Names of the locals for one change: the ID, its state, its sequence number.
    private struct Locals {
        let id: String
        let state: String
        let sequence: String?
    }

    private func locals(_ change: TraceModel.Change, _ index: Int, in event: TraceModel.Event) -> Locals {
        let resource = model.resources[change.resource]
        let typeNames = Set(model.resources.compactMap(\.go.state))
        switch change.target {
        case .current:
            return Locals(id: "curCtx.\(resource.go.context)", state: "cur\(resource.go.context)", sequence: change.sequence.map { camel($0.argument.name) })
        case .argument(let argument):
            var name = camel(argument.name)
            if Self.taken.contains(name) { name += "ID" }
            let state = typeNames.contains(name + "State") ? name + "St" : name + "State"
            return Locals(id: name, state: state, sequence: change.sequence.map { camel($0.argument.name) })
        }
    }

    private func camel(_ name: String) -> String {
        let parts = name.split(separator: "_").map(String.init)
        return (parts.first ?? name) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }


    private func status(_ status: TraceModel.Status) -> String { "\(tables).\(status.goName)" }

    private func method(_ event: TraceModel.Event, _ p: inout CodePrinter) {
        guard let ordering = event.ordering else { return }
        let changes = ordering.changes
        let names = changes.enumerated().map { locals($0.element, $0.offset, in: event) }
        p.comment("\(Self.methodName(event)) orders \(event.name) events: \(OrderingProse.sentence(for: event, model: model))")
        p.block("func (o *ordering) \(Self.methodName(event))(ev *baseEvent, evt *evTable, m ThreadID, gen uint64, curCtx schedCtx) (schedCtx, bool, error) {") { p in
            // The IDs and sequence numbers the arguments carry.
            var declared: Set<String> = []
            for (change, local) in zip(changes, names) {
                let resource = model.resources[change.resource]
                if case .argument(let argument) = change.target, declared.insert(local.id).inserted {
                    p.line("\(local.id) := \(resource.go.id ?? "uint64")(ev.args[\(argIndex(argument, of: event))])")
                }
                if let sequence = change.sequence, let name = local.sequence, declared.insert(name).inserted {
                    p.line("\(name) := makeSeq(gen, ev.args[\(argIndex(sequence.argument, of: event))])")
                }
            }

            // Whether the event can be ordered yet, or waits for other threads.
            var looked: Set<Int> = []
            for (index, resource) in model.resources.enumerated() where ordering.context[index] == .waitForNone {
                p.block("if curCtx.\(resource.go.context) != \(resource.go.none) {") { p in p.line("return curCtx, false, nil") }
            }
            for (index, (change, local)) in zip(changes, names).enumerated() {
                let resource = model.resources[change.resource]
                if let sequence = change.sequence, sequence.mismatch == .wait, let seq = local.sequence {
                    looked.insert(index)
                    p.line("\(local.state), ok := o.\(resource.go.table ?? "")[\(local.id)]")
                    var conditions = ["!ok"]
                    if !change.from.isEmpty { conditions.append(notIn(change.from, "\(local.state).status")) }
                    conditions.append("!\(seq).succeeds(\(local.state).seq)")
                    p.block("if \(conditions.joined(separator: " || ")) {") { p in p.line("return curCtx, false, nil") }
                } else if !change.waitWhile.isEmpty {
                    looked.insert(index)
                    let body: (inout CodePrinter) -> Void = { p in
                        p.line("\(local.state), ok := o.\(resource.go.table ?? "")[\(local.id)]")
                        p.block("if !ok {") { p in p.line("return curCtx, false, \(error(.unknown, change, local, event, p))") }
                        p.block("if \(isIn(change.waitWhile, "\(local.state).status")) {") { p in p.line("return curCtx, false, nil") }
                    }
                    if change.optional {
                        p.block("if \(local.id) != \(resource.go.none) {", body)
                    } else {
                        body(&p)
                    }
                }
            }

            if !ordering.contextLast { context(ordering, &p) }

            // Look up and check what the event changes.
            for (index, (change, local)) in zip(changes, names).enumerated() where !looked.contains(index) {
                let resource = model.resources[change.resource]
                let table = "o.\(resource.go.table ?? "")"
                if change.creates {
                    p.block("if _, ok := \(table)[\(local.id)]; ok {") { p in p.line("return curCtx, false, \(error(.exists, change, local, event, p))") }
                    continue
                }
                if change.optional {
                    if !change.from.isEmpty {
                        p.block("if \(local.state), ok := \(table)[\(local.id)]; ok && \(notIn(change.from, "\(local.state).status")) {") { p in
                            p.line("return curCtx, false, \(error(.status, change, local, event, p))")
                        }
                    }
                    continue
                }
                // A change that only requires the resource to exist needs no local for it.
                let usesState = !change.from.isEmpty || change.sequence != nil || change.to != nil || change.range != nil
                guard usesState else {
                    p.block("if _, ok := \(table)[\(local.id)]; !ok {") { p in p.line("return curCtx, false, \(error(.unknown, change, local, event, p))") }
                    continue
                }
                p.line("\(local.state), ok := \(table)[\(local.id)]")
                p.block("if !ok {") { p in p.line("return curCtx, false, \(error(.unknown, change, local, event, p))") }
                if !change.from.isEmpty {
                    p.block("if \(notIn(change.from, "\(local.state).status")) {") { p in
                        p.line("return curCtx, false, \(error(.status, change, local, event, p))")
                    }
                }
                if let sequence = change.sequence, sequence.mismatch == .broken, let seq = local.sequence {
                    p.block("if !\(seq).succeeds(\(local.state).seq) {") { p in
                        p.line("return curCtx, false, \(error(.sequence, change, local, event, p))")
                    }
                }
            }

            if ordering.contextLast { context(ordering, &p) }

            // Apply the changes.
            let binds = changes.contains { $0.thread != nil }
            if binds { p.line("newCtx := curCtx") }
            for (change, local) in zip(changes, names) where !change.optional {
                apply(change, local, event, &p)
            }
            p.line("o.queue.push(Event{table: evt, ctx: curCtx, base: *ev})")
            p.line("return \(binds ? "newCtx" : "curCtx"), true, nil")
        }
    }

    private func context(_ ordering: TraceModel.Ordering, _ p: inout CodePrinter) {
        guard ordering.checksContext else { return }
        let fields = zip(model.resources, ordering.context).map { resource, requirement in
            let value = switch requirement {
            case .must: "mustHave"
            case .may: "mayHave"
            case .mustNot, .waitForNone: "mustNotHave"
            }
            return "\(resource.go.context): \(value)"
        }
        p.block("if err := validateCtx(curCtx, schedReqs{\(fields.joined(separator: ", "))}); err != nil {") { p in
            p.line("return curCtx, false, err")
        }
    }

    private func apply(_ change: TraceModel.Change, _ local: Locals, _ event: TraceModel.Event, _ p: inout CodePrinter) {
        let resource = model.resources[change.resource]
        let table = "o.\(resource.go.table ?? "")"
        if change.creates, case .status(let to)? = change.to {
            p.line("\(table)[\(local.id)] = &\(resource.go.state ?? "")\u{7B}id: \(local.id), status: \(status(to)), seq: makeSeq(gen, 0)}")
        } else {
            switch change.to {
            case .status(let to)?: p.line("\(local.state).status = \(status(to))")
            case .absent?: p.line("delete(\(table), \(local.id))")
            case nil: break
            }
            if let seq = local.sequence, change.to != .absent { p.line("\(local.state).seq = \(seq)") }
        }
        if let range = change.range { applyRange(range, change, local, event, &p) }
        switch change.thread {
        case .bind?: p.line("newCtx.\(resource.go.context) = \(local.id)")
        case .unbind?: p.line("newCtx.\(resource.go.context) = \(resource.go.none)")
        case nil: break
        }
    }

    private func applyRange(_ action: TraceModel.RangeAction, _ change: TraceModel.Change, _ local: Locals, _ event: TraceModel.Event, _ p: inout CodePrinter) {
        let template = event.meaning.range?.template.arguments ?? []
        switch action {
        case .begin:
            let own = event.arguments.first { template.contains($0.name) && $0.table == .string }
            let desc = own.map { "stringID(ev.args[\(argIndex($0, of: event))])" } ?? "0"
            p.block("if err := \(local.state).beginRange(makeRangeType(ev.typ, \(desc))); err != nil {") { p in p.line("return curCtx, false, err") }
        case .active:
            p.block("if err := \(local.state).activeRange(makeRangeType(ev.typ, 0), gen == o.initialGen); err != nil {") { p in p.line("return curCtx, false, err") }
        case .end:
            // A name the start event's argument gave is handed on in the same argument slot.
            let start = event.start.flatMap { reference in model.events.first { $0.id == reference.id } }
            let inherited = start?.arguments.first { argument in
                template.contains(argument.name) && argument.table == .string && !event.args.contains(argument.name)
            }
            if let inherited, let start {
                p.line("desc, err := \(local.state).endRange(ev.typ)")
                p.block("if err != nil {") { p in p.line("return curCtx, false, err") }
                p.line("ev.args[\(argIndex(inherited, of: start))] = uint64(desc)")
            } else {
                p.block("if _, err := \(local.state).endRange(ev.typ); err != nil {") { p in p.line("return curCtx, false, err") }
            }
        }
    }

    private func notIn(_ statuses: [TraceModel.Status], _ value: String) -> String {
        statuses.map { "\(value) != \(status($0))" }.joined(separator: " && ")
    }

    private func isIn(_ statuses: [TraceModel.Status], _ value: String) -> String {
        statuses.map { "\(value) == \(status($0))" }.joined(separator: " || ")
    }

    /// The `fmt.Errorf` call for a failed check, from the message's template.
    private func error(_ message: OrderingMessage, _ change: TraceModel.Change, _ local: Locals, _ event: TraceModel.Event, _ p: CodePrinter) -> String {
        let text = change.messages[message] ?? message.rawValue
        var format = ""
        var args: [String] = []
        for part in RangeNameTemplate(text)?.parts ?? [.text(text)] {
            switch part {
            case .text(let literal): format += literal.replacingOccurrences(of: "%", with: "%%")
            case .argument(let name):
                switch name {
                case "event": format += "%s"; args.append("o.evName(ev.typ)")
                case "type": format += "%d"; args.append("ev.typ")
                case "id": format += "%d"; args.append(local.id)
                case "expected": format += change.from.map(\.display).joined(separator: " or ").replacingOccurrences(of: "%", with: "%%")
                case "actual": format += "%v"; args.append("\(local.state).status")
                case "have": format += "%s"; args.append("\(local.state).seq")
                case "got": format += "%s"; args.append(local.sequence ?? "0")
                default: format += "{\(name)}"
                }
            }
        }
        return "fmt.Errorf(" + ([p.string(format)] + args).joined(separator: ", ") + ")"
    }
}
