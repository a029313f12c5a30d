/// `doc.go`: the package comment.
struct GoDocFile: FileGenerator {
    let model: TraceModel
    var path: String { model.layout.goDirectory + "doc.go" }
    var language: OutputLanguage { .go }

    func body(_ p: inout CodePrinter) {
        let package = model.layout.goPackage
        let nouns = model.statusSets.map(\.of)
        let statuses = nouns.isEmpty ? "" : (nouns.count == 1 ? nouns[0] : nouns.dropLast().joined(separator: ", ") + " and " + nouns[nouns.count - 1]) + " statuses, "
        p.comment("Package \(package) defines the wire format of the \(model.title): its event types and their arguments, experiments, \(statuses)format limits and versions.")
        p.line("//")
        p.comment("The runtime writes traces with these definitions and the trace parser reads them, so the package imports nothing that depends on the runtime.")
        p.line("package \(package)")
    }
}
