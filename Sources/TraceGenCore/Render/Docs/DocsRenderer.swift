/// Emits the reference page a person reads: every table of the format in Markdown.
public struct DocsRenderer {
    let model: TraceModel
    let context: RenderContext

    public init(model: TraceModel, context: RenderContext) {
        self.model = model
        self.context = context
    }

    public func render() -> [GeneratedFile] {
        [DocsPageFile(model: model, sourceName: context.sourceName).generate(context: context)]
    }
}

/// The one Markdown page.
struct DocsPageFile: FileGenerator {
    let model: TraceModel
    let sourceName: String
    var path: String { model.layout.docsPath }
    var language: OutputLanguage { .markdown }

    func body(_ p: inout CodePrinter) {
        let layout = model.layout
        let experimentCount = "\(model.experiments.count) experiment\(model.experiments.count == 1 ? "" : "s")"
        p.line("# \(p.cell(model.title))")
        p.line()
        p.line("Generated from `\(Escaping.sourceName(sourceName).replacingOccurrences(of: "`", with: "'"))`: \(model.regularEvents.count) regular events, \(model.experimentalEvents.count) experimental events, \(experimentCount), \(model.versions.count) trace versions. Go package `\(layout.goPackage)`, Swift module `\(layout.swiftModule)`.")
        p.line()
        p.line("Each event on the wire is its type byte followed by one unsigned LEB128 varint per argument. Timed events start with `dt`, the time since the previous event of the batch. `string` and `stack` positions (0-based) hold IDs in the string and stack tables. Events with data are followed by a varint length and that many bytes; a stack event is followed by a varint frame count and four varints per frame.")
        p.line()
        p.line("## Events")
        for group in model.groups {
            p.line()
            p.line("### \(p.cell(group.name))")
            p.line()
            p.line(p.cell(group.description))
            p.line()
            p.line("| ID | Event | Arguments | Strings | Stacks | Kind | Reads as | Start | Since | Description |")
            p.line("|---:|---|---|---|---|---|---|---|---|---|")
            for event in group.events {
                var kind = event.timed ? "timed" : "structural"
                if event.hasData { kind += ", data" }
                if event.isStack { kind += ", stack" }
                if let experiment = event.experiment { kind += ", \(experiment.name)" }
                for position in event.fullWidthArguments { kind += ", `\(event.args[position])` full width" }
                if event.hasFullWidthDataLength { kind += ", data length full width" }
                let args = event.args.isEmpty ? "—" : event.args.map { "`\($0)`" }.joined(separator: ", ")
                let strings = event.stringIDs.map(String.init).joined(separator: ", ")
                let stacks = event.stackIDs.map(String.init).joined(separator: ", ")
                p.line("| \(event.id) | \(event.name) | \(args) | \(strings) | \(stacks) | \(kind) | \(p.cell(Self.readsAs(event.meaning))) | \(event.start?.name ?? "") | \(event.since.name) | \(p.cell(event.description)) |")
            }
        }
        if model.statesOrdering { DocsOrderingSection(model: model).print(&p) }
        p.line()
        p.line("## Experiments")
        p.line()
        if model.experiments.isEmpty {
            p.line("None.")
        } else {
            p.line("| ID | Experiment | Since | Events | Description |")
            p.line("|---:|---|---|---|---|")
            for experiment in model.experiments {
                let events = experiment.events.map(\.name).joined(separator: ", ")
                p.line("| \(experiment.id) | \(experiment.name) | \(experiment.since.name) | \(events) | \(p.cell(experiment.description)) |")
            }
        }
        for set in model.statusSets { statusTable(upperFirst(set.of) + " statuses", set, &p) }
        p.line()
        p.line("## Argument types")
        p.line()
        p.line("| Type | Meaning | Swift type |")
        p.line("|---|---|---|")
        for type in model.argTypes { p.line("| `\(type.name)` | \(p.cell(type.description)) | \(type.swiftType) |") }
        p.line()
        p.line("## Constants")
        p.line()
        p.line("| Name | Value | Description |")
        p.line("|---|---:|---|")
        for constant in model.constants { p.line("| \(constant.name) | \(constant.value) | \(p.cell(constant.description)) |") }
        p.line()
        p.line("## Versions")
        p.line()
        p.line("The header is \(model.headerSize) bytes: the text below, padded with NUL bytes.")
        p.line()
        p.line("| Version | Header | Events | New events | Description |")
        p.line("|---|---|---:|---|---|")
        for version in model.versions {
            let new = version.newEvents.map(\.name)
            p.line("| \(version.name) | `\(version.header)` | \(version.eventCount) | \(new.isEmpty ? "—" : new.joined(separator: ", ")) | \(p.cell(version.description)) |")
        }
    }

    /// What Go's parser makes of an event, in words: its kind and, where the spec gives them, the
    /// range with its scope, the metric, or the resource that changes state.
    static func readsAs(_ meaning: TraceModel.Meaning) -> String {
        guard let kind = meaning.kind else { return "—" }
        if let range = meaning.range {
            return "\(kind) “\(range.name)” (scope: \(range.scope))"
        }
        if let metric = meaning.metric { return "\(kind) \(metric)" }
        if let resource = meaning.resource { return "\(kind) of a \(resource)" }
        return kind
    }

    private func statusTable(_ title: String, _ set: TraceModel.StatusSet, _ p: inout CodePrinter) {
        p.line()
        p.line("## \(title)")
        p.line()
        p.line("| Value | Name | Prints as | Description |")
        p.line("|---:|---|---|---|")
        for status in set.statuses {
            p.line("| \(status.value) | \(status.name) | \(p.cell(status.display)) | \(p.cell(status.description)) |")
        }
    }
}
