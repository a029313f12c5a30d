/// `EventType.swift`: one case per event type.
struct SwiftEventTypeFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.eventType + ".swift" }
    var language: OutputLanguage { .swift }

    /// Members of the event type besides its cases.
    static let members = ["name", "isExperimental", "spec"]

    func body(_ p: inout CodePrinter) {
        p.docComment("The type of a trace event: the byte that starts it on the wire.")
        p.line("///")
        p.docComment("`\(names.eventType)(rawValue:)` looks a byte up and returns nil for a value the format does not define. Each case's ``spec`` says how to read the arguments that follow.")
        p.block("\(access) enum \(names.eventType): UInt8, CaseIterable, Hashable, Sendable {") { p in
            for (index, section) in (model.regularSections + model.experimentalSections).enumerated() {
                if index > 0 { p.line() }
                p.mark(section.name)
                p.line()
                for event in section.events {
                    p.docComment("\(event.description) Arguments: \(event.args.isEmpty ? "none" : event.args.map { "`\($0)`" }.joined(separator: ", ")).")
                    p.line("case \(event.swiftName) = \(event.id)")
                }
            }
        }
        p.line()
        p.block("extension \(names.eventType) {") { p in
            p.docComment("The event's name as the spec writes it, which is how trace tools print it.")
            p.line("\(access) var name: String { spec.name }")
            p.line()
            p.docComment("Whether the event lies in the experimental range (IDs \(TraceModel.firstExperimentalID) and up).")
            p.line("\(access) var isExperimental: Bool { rawValue >= \(TraceModel.firstExperimentalID) }")
            p.line()
            p.docComment("Looks an event type up by its name as the spec writes it.")
            p.block("\(access) init?(name: String) {") { p in
                p.line("guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }")
                p.line("self = match")
            }
        }
    }
}

/// `EventSpec.swift`: how to read each event type, and the argument types.
struct SwiftEventSpecFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.eventSpec + ".swift" }
    var language: OutputLanguage { .swift }

    /// The stored properties of an event spec, which share a namespace with the per-event static properties.
    static let members = ["name", "args", "stringIDs", "stackIDs", "startEvent", "isTimedEvent", "hasData", "isStack", "experiment", "since", "summary"]

    func body(_ p: inout CodePrinter) {
        p.docComment("How to read one event type: its arguments and which of them refer to the string and stack tables, how it pairs with other events, and what follows its arguments.")
        p.block("\(access) struct \(names.eventSpec): Hashable, Sendable {") { p in
            let members: [(String, String, String)] = [
                ("name", "String", "The event's name as the spec writes it."),
                ("args", "[String]", "The argument names in wire order; each argument is one varint. A name is a bare word or `name_type`."),
                ("stringIDs", "[Int]", "Positions in ``args`` that hold string table IDs."),
                ("stackIDs", "[Int]", "Positions in ``args`` that hold stack table IDs; the first is the stack of the code that emitted the event."),
                ("startEvent", "\(names.eventType)?", "The event that opens the time range this event closes, if it closes one."),
                ("isTimedEvent", "Bool", "True for events of the per-thread streams that readers surface; their first argument is a time delta. Other events are structural."),
                ("hasData", "Bool", "True when a varint length and that many raw bytes follow the arguments."),
                ("isStack", "Bool", "True when a varint frame count and four varints per frame (PC, function, file, line) follow the arguments."),
                ("experiment", "\(names.experiment)?", "The experiment the event belongs to; nil for regular events."),
                ("since", names.version, "The first trace version in which the event may appear."),
                ("summary", "String", "A short description of the event."),
            ]
            for (index, member) in members.enumerated() {
                if index > 0 { p.line() }
                p.docComment(member.2)
                p.line("\(access) let \(member.0): \(member.1)")
            }
        }
        p.line()
        argumentType(&p)
        p.line()
        p.block("extension \(names.eventType) {") { p in
            p.docComment("How to read this event type.")
            p.block("\(access) var spec: \(names.eventSpec) {") { p in
                p.line("switch self {")
                for event in model.events { p.line("case .\(event.swiftName): \(names.eventSpec).\(event.swiftName)") }
                p.line("}")
            }
        }
        p.line()
        p.block("extension \(names.eventSpec) {") { p in
            for (index, event) in model.events.enumerated() {
                if index > 0 { p.line() }
                p.block("static let \(event.swiftName) = \(names.eventSpec)(", close: ")") { p in
                    let arguments = [
                        "name: \(p.string(event.name))",
                        "args: [\(event.args.map { p.string($0) }.joined(separator: ", "))]",
                        "stringIDs: [\(event.stringIDs.map(String.init).joined(separator: ", "))]",
                        "stackIDs: [\(event.stackIDs.map(String.init).joined(separator: ", "))]",
                        "startEvent: \(event.start.map { ".\($0.swiftName)" } ?? "nil")",
                        "isTimedEvent: \(event.timed)",
                        "hasData: \(event.hasData)",
                        "isStack: \(event.isStack)",
                        "experiment: \(event.experiment.map { ".\($0.swiftName)" } ?? "nil")",
                        "since: .\(event.since.swiftName)",
                        "summary: \(p.string(event.description))",
                    ]
                    for (index, argument) in arguments.enumerated() { p.line(argument + (index < arguments.count - 1 ? "," : "")) }
                }
            }
        }
    }

    /// The typed suffixes of argument names, so readers can say what an argument holds.
    private func argumentType(_ p: inout CodePrinter) {
        let type = names.argumentType
        p.docComment("A type an argument name may carry, as its suffix (`stack` in `new_stack`) or as the whole name (`g`). Arguments without one are plain integers.")
        p.block("\(access) struct \(type): Hashable, Sendable {") { p in
            p.docComment("The type's name, such as `stack`.")
            p.line("\(access) let name: String")
            p.line()
            p.docComment("What an argument of this type holds.")
            p.line("\(access) let meaning: String")
            p.line()
            p.docComment("Every argument type, in the spec's order.")
            p.block("\(access) static let all: [\(type)] = [", close: "]") { p in
                for argType in model.argTypes {
                    p.line("\(type)(name: \(p.string(argType.name)), meaning: \(p.string(argType.description))),")
                }
            }
            p.line()
            p.block("private init(name: String, meaning: String) {") { p in
                p.line("self.name = name")
                p.line("self.meaning = meaning")
            }
            p.line()
            p.docComment("The type of an argument name: its suffix after the last `_`, or the whole name; nil for untyped arguments such as `dt`.")
            p.block("\(access) init?(argument: String) {") { p in
                p.line("let suffix = argument.split(separator: \"_\").last.map(String.init) ?? argument")
                p.line("guard let match = Self.all.first(where: { $0.name == suffix }) else { return nil }")
                p.line("self = match")
            }
        }
    }
}
