/// `Go/<parser package>/eventkinds.go`: the event kind table of Go's trace parser.
///
/// The parser turns wire events into the kinds of event its users see. Its table of which wire
/// type becomes which kind used to be written by hand beside the generated tables, and an event
/// added to one but not the other silently read as a bad event. Here both come from the spec.
struct GoKindTableFile: FileGenerator {
    let model: TraceModel
    var parser: TraceModel.GoParserLayout { model.goParser }
    var path: String { parser.path }
    var language: OutputLanguage { .go }

    func body(_ p: inout CodePrinter) {
        p.line("package \(parser.package)")
        p.line()
        p.line("import " + (parser.importName.map { $0 + " " } ?? "") + p.string(parser.importPath))
        p.line()
        p.comment("\(parser.tableName) gives each wire event type the kind of event the parser makes of it. Types without an entry are structural: the parser consumes them itself, and they read as EventBad.")
        var rows = model.events.compactMap { event in
            event.meaning.kind.map { ["\(model.layout.goPackage).\(event.goName):", "Event\($0),"] }
        }
        if let sync = parser.syncEvent {
            rows.append(["\(sync):", "Event\(KnownKind.sync.rawValue),"])
        }
        p.block("var \(parser.tableName) = [...]EventKind{") { p in
            p.aligned(rows)
        }
    }
}
