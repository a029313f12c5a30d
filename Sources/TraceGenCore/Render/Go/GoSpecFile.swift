/// `spec.go`: the types the tables are made of. It depends on the spec only for its argument types.
struct GoSpecFile: FileGenerator {
    let model: TraceModel
    var path: String { model.layout.goDirectory + "spec.go" }
    var language: OutputLanguage { .go }

    /// The package-level names this file declares whatever the spec says.
    static let declarations = ["EventType", "EventSpec", "EventArgTypes", "EventNames", "Experiment", "NoExperiment"]

    func body(_ p: inout CodePrinter) {
        p.line("package \(model.layout.goPackage)")
        p.line()
        p.comment("EventType is the byte that starts every event on the wire and says how to read the rest.")
        p.line("type EventType uint8")
        p.line()
        p.comment("EventSpec says how to read one event type, for every trace version that has it.")
        p.block("type EventSpec struct {") { p in
            let fields: [(name: String, type: String, about: String)] = [
                ("Name", "string", "Name is the event type's name, as trace tools print it."),
                ("Args", "[]string", "Args names the event's arguments in wire order; their count is how many varints follow the type byte. A name is either a bare word or name_type, where type is one of EventArgTypes; untyped arguments are plain integers."),
                ("StringIDs", "[]int", "StringIDs lists the positions in Args that hold string table IDs."),
                ("StackIDs", "[]int", "StackIDs lists the positions in Args that hold stack table IDs. The first entry is the stack of the code that emitted the event; the order is not sorted."),
                ("StartEv", "EventType", "StartEv is the event that opens the time range this event closes, or EvNone."),
                ("IsTimedEvent", "bool", "IsTimedEvent is true for events in the per-thread streams that trace readers surface, whose first argument is a time delta. Other events are structural: batch headers and table entries."),
                ("HasData", "bool", "HasData is true when the arguments are followed by a varint length and that many raw bytes."),
                ("IsStack", "bool", "IsStack is true when the arguments are followed by a varint frame count and four varints per frame: PC, function string ID, file string ID and line."),
                ("Experiment", "Experiment", "Experiment is the experiment the event belongs to, or NoExperiment for regular events."),
            ]
            for (index, field) in fields.enumerated() {
                if index > 0 { p.line() }
                p.comment(field.about)
                p.line("\(field.name) \(field.type)")
            }
        }
        p.line()
        p.comment("EventArgTypes lists the types an argument name may end with.")
        if model.argTypes.isEmpty {
            p.line("var EventArgTypes = [...]string{}")
        } else {
            p.line("var EventArgTypes = [...]string{")
            p.indent()
            p.aligned(model.argTypes.map { [p.string($0.name) + ",", p.trailingComment($0.description)] })
            p.outdent()
            p.line("}")
        }
        p.line()
        p.comment("EventNames maps each name in specs to its event type.")
        p.block("func EventNames(specs []EventSpec) map[string]EventType {") { p in
            p.line("names := make(map[string]EventType, len(specs))")
            p.block("for i, spec := range specs {") { p in
                p.line("names[spec.Name] = EventType(byte(i))")
            }
            p.line("return names")
        }
        p.line()
        p.comment("Experiment identifies an experiment that events may belong to.")
        p.line("type Experiment uint")
        p.line()
        p.comment("NoExperiment is the experiment ID of regular events.")
        p.line("const NoExperiment Experiment = 0")
    }
}
