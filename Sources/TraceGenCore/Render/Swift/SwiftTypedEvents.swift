/// Typed events and what events mean to a reader: the Swift files that the spec's `kind`,
/// `range`, `metric`, `resource`, `fullWidth` and the argument types' `swiftType`/`status` drive.

/// Emits `Event.swift`: the enum `Event` with one case per event type, each carrying a struct of
/// typed fields named after the event, and the conversions from and to raw arguments.
struct SwiftTypedEventFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    /// The module the file is compiled into, for the types an event's name hides inside `Event`.
    let moduleName: String
    var path: String { names.event + ".swift" }
    var language: OutputLanguage { .swift }

    /// Members of `Event` and `EventType` besides their cases, which event names must not take.
    static let members = ["type", "args", "forEachArgument", "fullWidthArguments", "hasFullWidthDataLength"]

    var eventEnum: String { names.event }
    /// Only public and package declarations can be inlined into other modules.
    var inlinable: Bool { access == "public" || access == "package" }
    /// Helpers that inlinable code calls must be visible to it, so they are internal rather than private.
    var helperAccess: String { inlinable ? "" : "private " }
    var eventType: String { qualified(names.eventType) }
    var errorType: String { qualified(names.eventArgumentError) }

    /// A module-level type as code inside `Event` must spell it: qualified by the module where a
    /// payload struct of the same name (`GoStatus`, say) hides it.
    func qualified(_ name: String) -> String {
        model.events.contains { $0.name == name } ? "\(moduleName).\(name)" : name
    }

    /// The Swift spelling of a field type inside `Event`, where event names shadow the standard
    /// library's (`String`, for one), so `UInt64` is spelled in full.
    func swiftType(_ type: TraceModel.FieldType) -> String {
        switch type {
        case .raw: "Swift.UInt64"
        case .identifier(let name): qualified(names.prefix + name)
        case .status(let name): qualified(names.prefix + name)
        }
    }

    func body(_ p: inout CodePrinter) {
        identifierTypes(into: &p)
        eventEnumDeclaration(into: &p)
        p.line()
        payloadStructs(into: &p)
        p.line()
        conversions(into: &p)
        p.line()
        errorDeclaration(into: &p)
        p.line()
        fullWidthDeclaration(into: &p)
    }

    /// Which varints a writer must put down at full width to reproduce what the runtime writes.
    private func fullWidthDeclaration(into p: inout CodePrinter) {
        let arguments = model.events.filter { !$0.fullWidthArguments.isEmpty }.map { ($0.swiftName, $0.fullWidthArguments) }
        let dataLengths = model.events.filter(\.hasFullWidthDataLength).map { "." + $0.swiftName }
        p.block("extension \(names.eventType) {") { p in
            p.docComment("Positions of the arguments that writers put down as ten-byte varints whatever their value, because the runtime reserves room for them and fills them in later.")
            p.block("\(access) var fullWidthArguments: [Int] {") { p in
                if arguments.isEmpty {
                    p.line("[]")
                } else {
                    p.line("switch self {")
                    for (name, positions) in arguments {
                        p.line("case .\(name): [\(positions.map(String.init).joined(separator: ", "))]")
                    }
                    p.line("default: []")
                    p.line("}")
                }
            }
            p.line()
            p.docComment("Whether writers put down the length of the trailing data as a ten-byte varint, for the same reason.")
            p.block("\(access) var hasFullWidthDataLength: Bool {") { p in
                if dataLengths.isEmpty {
                    p.line("false")
                } else {
                    p.line("switch self {")
                    p.line("case \(dataLengths.joined(separator: ", ")): true")
                    p.line("default: false")
                    p.line("}")
                }
            }
        }
    }

    private func identifierTypes(into p: inout CodePrinter) {
        for type in model.identifierTypes {
            p.docComment("What arguments of type `\(type.argumentType)` hold: \(type.meaning). A type of its own, so that IDs of different kinds cannot be mixed up.")
            p.block("\(access) struct \(names.prefix + type.swiftName): RawRepresentable, Hashable, Sendable {") { p in
                p.docComment("The ID as written on the wire.")
                p.line("\(access) let rawValue: UInt64")
                p.line()
                p.docComment("Wraps a raw ID.")
                p.block("\(access) init(rawValue: UInt64) {") { p in
                    p.line("self.rawValue = rawValue")
                }
            }
            p.line()
        }
    }

    private func eventEnumDeclaration(into p: inout CodePrinter) {
        p.docComment("A trace event with typed arguments: one case per event type, each carrying a struct named after the event whose fields are the arguments in wire order.")
        p.line("///")
        p.docComment("Only the arguments are here. Trailing data (of a String event, say) and the frames of a Stack event travel beside the event, so every event type round-trips through `init(type:args:)` and ``args``.")
        p.block("\(access) enum \(eventEnum): Hashable, Sendable {") { p in
            var previousGroup: String?
            for event in model.events {
                if event.group != previousGroup {
                    if previousGroup != nil { p.line() }
                    p.mark(event.group)
                    p.line()
                    previousGroup = event.group
                }
                p.docComment(event.description)
                p.line("case \(event.swiftName)(\(event.name))")
            }
        }
    }

    private func payloadStructs(into p: inout CodePrinter) {
        p.block("extension \(eventEnum) {") { p in
            for (index, event) in model.events.enumerated() {
                if index > 0 { p.line() }
                p.docComment("The arguments of a \(event.name) event. \(event.description)")
                p.block("\(access) struct \(event.name): Hashable, Sendable {") { p in
                    p.docComment("The event type these arguments belong to.")
                    p.line("\(access) static let type: \(eventType) = .\(event.swiftName)")
                    for field in event.arguments {
                        p.line()
                        p.docComment("The `\(field.name)` argument\(field.meaning.map { ": \($0)." } ?? ".")")
                        p.line("\(access) var \(field.swiftName): \(swiftType(field.fieldType))")
                    }
                    p.line()
                    p.docComment("Makes the arguments from their typed values.")
                    let parameters = event.arguments.map { "\($0.swiftName.trimmingCharacters(in: ["`"])): \(swiftType($0.fieldType))" }
                    p.block("\(access) init(\(parameters.joined(separator: ", "))) {") { p in
                        for field in event.arguments {
                            p.line("self.\(field.swiftName.trimmingCharacters(in: ["`"])) = \(field.swiftName)")
                        }
                    }
                }
            }
        }
    }

    private func conversions(into p: inout CodePrinter) {
        p.block("extension \(eventEnum) {") { p in
            p.docComment("Types raw arguments, as a reader finds them after the type byte.")
            p.line("///")
            p.docComment("Throws when `args` does not hold exactly the event's arguments, or when a status argument holds a value the spec does not define.")
            p.block("\(access) init(type: \(eventType), args: [Swift.UInt64]) throws(\(errorType)) {") { p in
                p.line("self = try args.withUnsafeBufferPointer { buffer throws(\(errorType)) in try Self(type: type, args: buffer) }")
            }
            p.line()
            p.docComment("Types raw arguments in place, without copying them; for readers that decode into a buffer of their own.")
            // Readers call this once per event; inlinable, it compiles into their loop.
            if inlinable { p.line("@inlinable") }
            p.block("\(access) init(type: \(eventType), args: Swift.UnsafeBufferPointer<Swift.UInt64>) throws(\(errorType)) {") { p in
                p.line("switch type {")
                for event in model.events {
                    p.line("case .\(event.swiftName):")
                    p.indent()
                    p.line("try Self.expect(\(event.arguments.count), arguments: args, of: type)")
                    let values = event.arguments.enumerated().map { index, field -> String in
                        let label = field.swiftName.trimmingCharacters(in: ["`"])
                        switch field.fieldType {
                        case .raw: return "\(label): args[\(index)]"
                        case .identifier: return "\(label): \(swiftType(field.fieldType))(rawValue: args[\(index)])"
                        case .status: return "\(label): try Self.status(args[\(index)], \(p.string(field.name)), of: type, as: \(swiftType(field.fieldType)).self)"
                        }
                    }
                    let single = "self = .\(event.swiftName)(\(event.name)(\(values.joined(separator: ", "))))"
                    if single.count <= 100 {
                        p.line(single)
                    } else {
                        p.block("self = .\(event.swiftName)(\(event.name)(", close: "))") { p in
                            for (index, value) in values.enumerated() {
                                p.line(value + (index < values.count - 1 ? "," : ""))
                            }
                        }
                    }
                    p.outdent()
                }
                p.line("}")
            }
            p.line()
            p.docComment("The event's type.")
            p.block("\(access) var type: \(eventType) {") { p in
                p.line("switch self {")
                for event in model.events {
                    p.line("case .\(event.swiftName): .\(event.swiftName)")
                }
                p.line("}")
            }
            p.line()
            p.docComment("The raw arguments in wire order, exactly as `init(type:args:)` took them.")
            p.block("\(access) var args: [Swift.UInt64] {") { p in
                p.line("var result: [Swift.UInt64] = []")
                p.line("result.reserveCapacity(type.spec.args.count)")
                p.line("forEachArgument { result.append($0) }")
                p.line("return result")
            }
            p.line()
            p.docComment("Calls `body` with each raw argument in wire order, without allocating; for writers.")
            p.block("\(access) func forEachArgument<Failure: Swift.Error>(_ body: (Swift.UInt64) throws(Failure) -> Void) throws(Failure) {") { p in
                p.line("switch self {")
                for event in model.events {
                    let binding = event.arguments.isEmpty ? "" : "(let event)"
                    let calls = event.arguments.map { field -> String in
                        switch field.fieldType {
                        case .raw: return "try body(event.\(field.swiftName))"
                        case .identifier: return "try body(event.\(field.swiftName).rawValue)"
                        case .status: return "try body(Swift.UInt64(event.\(field.swiftName).rawValue))"
                        }
                    }
                    if calls.isEmpty {
                        p.line("case .\(event.swiftName): break")
                    } else {
                        p.line("case .\(event.swiftName)\(binding):")
                        p.indent()
                        for call in calls { p.line(call) }
                        p.outdent()
                    }
                }
                p.line("}")
            }
            p.line()
            p.line(inlinable ? "@inlinable @inline(__always)" : "@inline(__always)")
            p.block("\(helperAccess)static func expect(_ count: Swift.Int, arguments args: Swift.UnsafeBufferPointer<Swift.UInt64>, of type: \(eventType)) throws(\(errorType)) {") { p in
                p.line("guard args.count == count else { throw .wrongArgumentCount(type, expected: count, found: args.count) }")
            }
            if model.events.contains(where: { $0.arguments.contains { $0.fieldType.isStatus } }) {
                p.line()
                if inlinable { p.line("@inlinable") }
                p.block("\(helperAccess)static func status<Status: Swift.RawRepresentable<Swift.UInt8>>(_ raw: Swift.UInt64, _ argument: Swift.String, of type: \(eventType), as _: Status.Type) throws(\(errorType)) -> Status {") { p in
                    p.line("guard raw <= Swift.UInt64(Swift.UInt8.max), let status = Status(rawValue: Swift.UInt8(truncatingIfNeeded: raw)) else {")
                    p.line("    throw .undefinedStatus(type, argument: argument, value: raw)")
                    p.line("}")
                    p.line("return status")
                }
            }
        }
    }

    private func errorDeclaration(into p: inout CodePrinter) {
        p.docComment("Why raw arguments do not make a typed event.")
        p.block("\(access) enum \(names.eventArgumentError): Error, Hashable, Sendable, CustomStringConvertible {") { p in
            p.docComment("The event type takes `expected` arguments, but `found` were given.")
            p.line("case wrongArgumentCount(\(names.eventType), expected: Int, found: Int)")
            p.docComment("A status argument holds a value that names no status.")
            p.line("case undefinedStatus(\(names.eventType), argument: String, value: UInt64)")
            p.line()
            p.docComment("The problem in a sentence, such as `GoCreate takes 4 arguments, not 3`.")
            p.block("\(access) var description: String {") { p in
                p.line("switch self {")
                p.line("case .wrongArgumentCount(let type, let expected, let found):")
                p.line("    \"\\(type.name) takes \\(expected) argument\\(expected == 1 ? \"\" : \"s\"), not \\(found)\"")
                p.line("case .undefinedStatus(let type, let argument, let value):")
                p.line("    \"\\(type.name) argument \\(argument) is \\(value), which is not a defined status\"")
                p.line("}")
            }
        }
    }
}

/// Emits `EventKind.swift`: what each event type means to a reader, as the spec states it.
struct SwiftEventKindFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.eventKind + ".swift" }
    var language: OutputLanguage { .swift }

    /// Members this file adds to `EventType`, which event names must not take.
    static let members = ["kind", "range", "metric", "resource"] + SwiftOrderingSection.members

    var eventType: String { names.eventType }
    var kindType: String { names.eventKind }
    var rangeType: String { names.eventRange }
    var scopeType: String { names.rangeScope }
    var resourceType: String { names.transitionResource }

    func body(_ p: inout CodePrinter) {
        p.docComment("What an event means to a reader, in the kinds the spec lists. Structural events (batches, tables) have no kind.")
        // Swift gives an enumeration without cases no raw type.
        let rawType = model.kinds.isEmpty ? "" : "String, "
        p.block("\(access) enum \(kindType): \(rawType)CaseIterable, Hashable, Sendable {") { p in
            for kind in model.kinds {
                p.line("case \(Naming.swiftMember(kind)) = \(p.string(kind))")
            }
        }
        p.line()
        p.docComment("What a range is attached to.")
        nameEnum(scopeType, cases: model.rangeScopes, &p)
        p.line()
        p.docComment("The resource whose state a state transition changes.")
        nameEnum(resourceType, cases: model.transitionResources, &p)
        p.line()
        p.docComment("The range a range event begins, continues or ends.")
        p.block("\(access) struct \(rangeType): Hashable, Sendable {") { p in
            p.docComment("The range's name. A `{name}` in it stands for the string that argument of the event (or of its start event) refers to, as in `stop-the-world ({kind_string})`.")
            p.line("\(access) let name: String")
            p.line()
            p.docComment("What the range is attached to.")
            p.line("\(access) let scope: \(scopeType)")
            p.line()
            p.docComment("Makes a range description.")
            p.block("\(access) init(name: String, scope: \(scopeType)) {") { p in
                p.line("self.name = name")
                p.line("self.scope = scope")
            }
            p.line()
            p.docComment("The name with each `{argument}` replaced by `string(argument)`.")
            p.block("\(access) func name(filling string: (String) -> String) -> String {") { p in
                p.line("var result = \"\"")
                p.line("var rest = Substring(name)")
                p.line("while let open = rest.firstIndex(of: \"{\"), let close = rest[open...].firstIndex(of: \"}\") {")
                p.line("    result += rest[..<open]")
                p.line("    result += string(String(rest[rest.index(after: open)..<close]))")
                p.line("    rest = rest[rest.index(after: close)...]")
                p.line("}")
                p.line("return result + rest")
            }
        }
        p.line()
        p.block("extension \(eventType) {") { p in
            p.docComment("What the event means to a reader; nil for structural events.")
            switchProperty("kind", type: "\(kindType)?", into: &p) { $0.meaning.kind.map { ".\(Naming.swiftMember($0))" } }
            p.line()
            p.docComment("For range events, the range they belong to.")
            let printer = p
            switchProperty("range", type: "\(rangeType)?", into: &p) { event in
                event.meaning.range.map { "\(rangeType)(name: \(printer.string($0.name)), scope: .\(Naming.escapeSwiftKeyword($0.scope)))" }
            }
            p.line()
            p.docComment("For metric events, the name of the metric they sample.")
            switchProperty("metric", type: "String?", into: &p) { $0.meaning.metric.map(printer.string) }
            p.line()
            p.docComment("For state transitions, the resource whose state changes.")
            switchProperty("resource", type: "\(resourceType)?", into: &p) { $0.meaning.resource.map { ".\(Naming.escapeSwiftKeyword($0))" } }
        }
        if model.statesOrdering {
            SwiftOrderingSection(model: model, eventType: eventType, access: access).print(&p)
        }
    }

    /// A computed property that switches over every event type, grouping the types that share a value.
    /// An enumeration of the spec's names, raw values as written; with no names it has no raw
    /// type, which Swift does not allow a case-less enumeration.
    private func nameEnum(_ type: String, cases: [String], _ p: inout CodePrinter) {
        p.block("\(access) enum \(type): \(cases.isEmpty ? "" : "String, ")CaseIterable, Hashable, Sendable {") { p in
            for name in cases { p.line("case \(Naming.escapeSwiftKeyword(name))") }
        }
    }

    private func switchProperty(_ name: String, type: String, into p: inout CodePrinter, value: (TraceModel.Event) -> String?) {
        var order: [String] = []
        var casesByValue: [String: [String]] = [:]
        for event in model.events {
            let text = value(event) ?? "nil"
            if casesByValue[text] == nil { order.append(text) }
            casesByValue[text, default: []].append(".\(event.swiftName)")
        }
        p.block("\(access) var \(name): \(type) {") { p in
            p.line("switch self {")
            // Events without a value share the default, after all the others.
            for text in order where text != "nil" {
                // Long case lists continue under the first pattern.
                var lines: [String] = []
                for pattern in casesByValue[text]! {
                    if let last = lines.last, last.count + pattern.count + 2 <= 88 {
                        lines[lines.count - 1] = last + ", " + pattern
                    } else if lines.isEmpty {
                        lines.append(pattern)
                    } else {
                        lines[lines.count - 1] += ","
                        lines.append(pattern)
                    }
                }
                for (index, line) in lines.enumerated() {
                    p.line((index == 0 ? "case " : "     ") + line + (index == lines.count - 1 ? ": \(text)" : ""))
                }
            }
            if casesByValue["nil"] != nil { p.line("default: nil") }
            p.line("}")
        }
    }
}
