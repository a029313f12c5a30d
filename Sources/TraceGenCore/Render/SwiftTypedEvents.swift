/// The names and per-argument decisions that the typed-event files share, worked out once from the spec.
///
/// Typed events give every argument a Swift type taken from its argument type: a distinct ID
/// type where the spec gives the argument type a `swiftType`, the status enumeration where it
/// names a status list, and `UInt64` otherwise.
struct SwiftTypedEventModel {
    /// One argument of one event as a typed field.
    struct Field {
        /// The argument's name in the spec, such as `new_g`.
        var argument: String
        /// The Swift property name, such as `newG`.
        var name: String
        var type: FieldType
        /// What the argument holds, from its argument type; nil for untyped arguments.
        var meaning: String?
    }

    enum FieldType: Equatable {
        case raw
        /// A distinct `RawRepresentable` type of UInt64, by its Swift name.
        case identifier(String)
        /// A status enumeration of UInt8, by its Swift name, and what a value of it is called in messages.
        case status(String, noun: String)
    }

    /// One ID type to declare.
    struct IdentifierType {
        var name: String
        var argumentType: String
        var meaning: String
    }

    struct Event {
        var decl: EventDecl
        /// The enum case, such as `goCreate`.
        var caseName: String
        /// The nested payload struct, such as `GoCreate`.
        var structName: String
        var fields: [Field]
    }

    let identifierTypes: [IdentifierType]
    let events: [Event]
    /// The generated module's name, for spelling its own types inside `Event`.
    let moduleName: String
    /// The names of the payload structs, which shadow module-level types of the same name inside `Event`.
    let shadowingNames: Set<String>

    init(spec: TraceSpec, options: SwiftRenderOptions) {
        let prefix = options.typePrefix
        moduleName = options.moduleName ?? spec.document.swiftModule
        shadowingNames = Set(spec.events.map(\.name))
        var typeOfArgType: [String: FieldType] = [:]
        let meanings = Dictionary(spec.document.argTypes.map { ($0.name, $0.description) }, uniquingKeysWith: { first, _ in first })
        var identifiers: [IdentifierType] = []
        for argType in spec.document.argTypes {
            if let swiftType = argType.swiftType {
                typeOfArgType[argType.name] = .identifier(prefix + swiftType)
                identifiers.append(IdentifierType(name: prefix + swiftType, argumentType: argType.name, meaning: argType.description))
            } else if argType.status == "goStatuses" {
                typeOfArgType[argType.name] = .status(prefix + "GoStatus", noun: "goroutine status")
            } else if argType.status == "procStatuses" {
                typeOfArgType[argType.name] = .status(prefix + "ProcStatus", noun: "P status")
            }
        }
        identifierTypes = identifiers
        events = spec.events.map { event in
            let fields = event.args.map { argument in
                let type = argument.split(separator: "_").last.map(String.init) ?? argument
                return Field(argument: argument, name: Self.fieldName(argument), type: typeOfArgType[type] ?? .raw, meaning: meanings[type])
            }
            return Event(decl: event, caseName: Naming.swiftMember(event.name), structName: event.name, fields: fields)
        }
    }

    /// `new_g` → `newG`, `reason_string` → `reasonString`, `p_seq` → `pSeq`, `dt` → `dt`.
    static func fieldName(_ argument: String) -> String {
        let parts = argument.split(separator: "_").map(String.init)
        guard let first = parts.first else { return argument }
        let head = Naming.swiftMember(first).trimmingCharacters(in: ["`"])
        let tail = parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return Naming.escapeSwiftKeyword(head + tail.joined())
    }

    /// The Swift spelling of a field type; inside `Event`, where event names shadow the standard
    /// library's (`String`, for one), `UInt64` is spelled in full.
    func swiftType(_ type: FieldType) -> String {
        switch type {
        case .raw: "Swift.UInt64"
        case .identifier(let name), .status(let name, _): qualified(name)
        }
    }

    /// A module-level type as code inside `Event` must spell it: qualified by the module where
    /// an event of the same name (`GoStatus`, say) hides it.
    func qualified(_ name: String) -> String {
        shadowingNames.contains(name) ? "\(moduleName).\(name)" : name
    }
}

/// Emits `Event.swift`: the enum `Event` with one case per event type, each carrying a struct of
/// typed fields named after the event, and the conversions from and to raw arguments.
struct SwiftTypedEventGenerator {
    let spec: TraceSpec
    let context: RenderContext
    let options: SwiftRenderOptions
    let model: SwiftTypedEventModel

    init(spec: TraceSpec, context: RenderContext, options: SwiftRenderOptions) {
        self.spec = spec
        self.context = context
        self.options = options
        model = SwiftTypedEventModel(spec: spec, options: options)
    }

    var access: String { options.accessLevel }
    var eventEnum: String { options.typePrefix + "Event" }
    var eventType: String { options.typePrefix + "EventType" }
    var errorType: String { options.typePrefix + "EventArgumentError" }

    func render() -> GeneratedFile {
        GeneratedFile(path: "\(eventEnum).swift", contents: contents())
    }

    func contents() -> String {
        var p = CodePrinter(indentUnit: "    ")
        p.line("// Code generated by tracegen from \(context.sourceName). DO NOT EDIT.")
        p.line()
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
        return p.finish()
    }

    /// Which varints a writer must put down at full width to reproduce what the runtime writes.
    private func fullWidthDeclaration(into p: inout CodePrinter) {
        let arguments = spec.events.compactMap { event -> (String, [Int])? in
            let positions = event.args.indices.filter { event.fullWidth.contains(event.args[$0]) }
            return positions.isEmpty ? nil : (Naming.swiftMember(event.name), positions)
        }
        let dataLengths = spec.events.filter { $0.fullWidth.contains("data") }.map { "." + Naming.swiftMember($0.name) }
        p.block("extension \(eventType) {") { p in
            p.comment("Positions of the arguments that writers put down as ten-byte varints whatever their value, because the runtime reserves room for them and fills them in later.", prefix: "/// ")
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
            p.comment("Whether writers put down the length of the trailing data as a ten-byte varint, for the same reason.", prefix: "/// ")
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
            p.comment("What arguments of type `\(type.argumentType)` hold: \(type.meaning). A type of its own, so that IDs of different kinds cannot be mixed up.", prefix: "/// ")
            p.block("\(access) struct \(type.name): RawRepresentable, Hashable, Sendable {") { p in
                p.comment("The ID as written on the wire.", prefix: "/// ")
                p.line("\(access) let rawValue: UInt64")
                p.line()
                p.comment("Wraps a raw ID.", prefix: "/// ")
                p.block("\(access) init(rawValue: UInt64) {") { p in
                    p.line("self.rawValue = rawValue")
                }
            }
            p.line()
        }
    }

    private func eventEnumDeclaration(into p: inout CodePrinter) {
        p.comment("A trace event with typed arguments: one case per event type, each carrying a struct named after the event whose fields are the arguments in wire order.", prefix: "/// ")
        p.line("///")
        p.comment("Only the arguments are here. Trailing data (of a String event, say) and the frames of a Stack event travel beside the event, so every event type round-trips through ``init(type:args:)`` and ``args``.", prefix: "/// ")
        p.block("\(access) enum \(eventEnum): Hashable, Sendable {") { p in
            var previousGroup: String?
            for event in model.events {
                if event.decl.group != previousGroup {
                    if previousGroup != nil { p.line() }
                    p.line("// MARK: \(event.decl.group)")
                    p.line()
                    previousGroup = event.decl.group
                }
                p.comment(event.decl.description, prefix: "/// ")
                p.line("case \(event.caseName)(\(event.structName))")
            }
        }
    }

    private func payloadStructs(into p: inout CodePrinter) {
        p.block("extension \(eventEnum) {") { p in
            for (index, event) in model.events.enumerated() {
                if index > 0 { p.line() }
                p.comment("The arguments of a \(event.decl.name) event. \(event.decl.description)", prefix: "/// ")
                p.block("\(access) struct \(event.structName): Hashable, Sendable {") { p in
                    p.comment("The event type these arguments belong to.", prefix: "/// ")
                    p.line("\(access) static let type: \(model.qualified(eventType)) = .\(event.caseName)")
                    for field in event.fields {
                        p.line()
                        p.comment("The `\(field.argument)` argument\(field.meaning.map { ": \($0)." } ?? ".")", prefix: "/// ")
                        p.line("\(access) var \(field.name): \(model.swiftType(field.type))")
                    }
                    p.line()
                    p.comment("Makes the arguments from their typed values.", prefix: "/// ")
                    let parameters = event.fields.map { "\($0.name.trimmingCharacters(in: ["`"])): \(model.swiftType($0.type))" }
                    p.block("\(access) init(\(parameters.joined(separator: ", "))) {") { p in
                        for field in event.fields {
                            p.line("self.\(field.name.trimmingCharacters(in: ["`"])) = \(field.name)")
                        }
                    }
                }
            }
        }
    }

    private func conversions(into p: inout CodePrinter) {
        let eventType = model.qualified(self.eventType)
        let errorType = model.qualified(self.errorType)
        p.block("extension \(eventEnum) {") { p in
            p.comment("Types raw arguments, as a reader finds them after the type byte.", prefix: "/// ")
            p.line("///")
            p.comment("Throws when `args` does not hold exactly the event's arguments, or when a status argument holds a value the spec does not define.", prefix: "/// ")
            p.block("\(access) init(type: \(eventType), args: [Swift.UInt64]) throws(\(errorType)) {") { p in
                p.line("self = try args.withUnsafeBufferPointer { buffer throws(\(errorType)) in try Self(type: type, args: buffer) }")
            }
            p.line()
            p.comment("Types raw arguments in place, without copying them; for readers that decode into a buffer of their own.", prefix: "/// ")
            p.block("\(access) init(type: \(eventType), args: Swift.UnsafeBufferPointer<Swift.UInt64>) throws(\(errorType)) {") { p in
                p.line("switch type {")
                for event in model.events {
                    p.line("case .\(event.caseName):")
                    p.indent()
                    p.line("try Self.expect(\(event.fields.count), arguments: args, of: type)")
                    let values = event.fields.enumerated().map { index, field -> String in
                        let label = field.name.trimmingCharacters(in: ["`"])
                        switch field.type {
                        case .raw: return "\(label): args[\(index)]"
                        case .identifier(let name): return "\(label): \(model.qualified(name))(rawValue: args[\(index)])"
                        case .status(let name, _): return "\(label): try Self.status(args[\(index)], \(swiftString(field.argument)), of: type, as: \(model.qualified(name)).self)"
                        }
                    }
                    let single = "self = .\(event.caseName)(\(event.structName)(\(values.joined(separator: ", "))))"
                    if single.count <= 100 {
                        p.line(single)
                    } else {
                        p.block("self = .\(event.caseName)(\(event.structName)(", close: "))") { p in
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
            p.comment("The event's type.", prefix: "/// ")
            p.block("\(access) var type: \(eventType) {") { p in
                p.line("switch self {")
                for event in model.events {
                    p.line("case .\(event.caseName): .\(event.caseName)")
                }
                p.line("}")
            }
            p.line()
            p.comment("The raw arguments in wire order, exactly as ``init(type:args:)`` took them.", prefix: "/// ")
            p.block("\(access) var args: [Swift.UInt64] {") { p in
                p.line("var result: [Swift.UInt64] = []")
                p.line("result.reserveCapacity(type.spec.args.count)")
                p.line("forEachArgument { result.append($0) }")
                p.line("return result")
            }
            p.line()
            p.comment("Calls `body` with each raw argument in wire order, without allocating; for writers.", prefix: "/// ")
            p.block("\(access) func forEachArgument<Failure: Swift.Error>(_ body: (Swift.UInt64) throws(Failure) -> Void) throws(Failure) {") { p in
                p.line("switch self {")
                for event in model.events {
                    let binding = event.fields.isEmpty ? "" : "(let event)"
                    let calls = event.fields.map { field -> String in
                        switch field.type {
                        case .raw: return "try body(event.\(field.name))"
                        case .identifier: return "try body(event.\(field.name).rawValue)"
                        case .status: return "try body(Swift.UInt64(event.\(field.name).rawValue))"
                        }
                    }
                    if calls.isEmpty {
                        p.line("case .\(event.caseName): break")
                    } else {
                        p.line("case .\(event.caseName)\(binding):")
                        p.indent()
                        for call in calls { p.line(call) }
                        p.outdent()
                    }
                }
                p.line("}")
            }
            p.line()
            p.line("@inline(__always)")
            p.block("private static func expect(_ count: Swift.Int, arguments args: Swift.UnsafeBufferPointer<Swift.UInt64>, of type: \(eventType)) throws(\(errorType)) {") { p in
                p.line("guard args.count == count else { throw .wrongArgumentCount(type, expected: count, found: args.count) }")
            }
            if model.events.contains(where: { $0.fields.contains { if case .status = $0.type { true } else { false } } }) {
                p.line()
                p.block("private static func status<Status: Swift.RawRepresentable<Swift.UInt8>>(_ raw: Swift.UInt64, _ argument: Swift.String, of type: \(eventType), as _: Status.Type) throws(\(errorType)) -> Status {") { p in
                    p.line("guard raw <= Swift.UInt64(Swift.UInt8.max), let status = Status(rawValue: Swift.UInt8(truncatingIfNeeded: raw)) else {")
                    p.line("    throw .undefinedStatus(type, argument: argument, value: raw)")
                    p.line("}")
                    p.line("return status")
                }
            }
        }
    }

    private func errorDeclaration(into p: inout CodePrinter) {
        p.comment("Why raw arguments do not make a typed event.", prefix: "/// ")
        p.block("\(access) enum \(errorType): Error, Hashable, Sendable, CustomStringConvertible {") { p in
            p.comment("The event type takes `expected` arguments, but `found` were given.", prefix: "/// ")
            p.line("case wrongArgumentCount(\(eventType), expected: Int, found: Int)")
            p.comment("A status argument holds a value that names no status.", prefix: "/// ")
            p.line("case undefinedStatus(\(eventType), argument: String, value: UInt64)")
            p.line()
            p.comment("The problem in a sentence, such as `GoCreate takes 4 arguments, not 3`.", prefix: "/// ")
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
struct SwiftEventMeaningGenerator {
    let spec: TraceSpec
    let context: RenderContext
    let options: SwiftRenderOptions

    var access: String { options.accessLevel }
    var eventType: String { options.typePrefix + "EventType" }
    var kindType: String { options.typePrefix + "EventKind" }
    var rangeType: String { options.typePrefix + "EventRange" }
    var scopeType: String { options.typePrefix + "RangeScope" }
    var resourceType: String { options.typePrefix + "TransitionResource" }

    func render() -> GeneratedFile {
        GeneratedFile(path: "\(kindType).swift", contents: contents())
    }

    func contents() -> String {
        var p = CodePrinter(indentUnit: "    ")
        p.line("// Code generated by tracegen from \(context.sourceName). DO NOT EDIT.")
        p.line()
        p.comment("What an event means to a reader, in the kinds Go's trace parser hands its users. Structural events (batches, tables) have no kind.", prefix: "/// ")
        p.block("\(access) enum \(kindType): String, CaseIterable, Hashable, Sendable {") { p in
            for kind in EventKind.allCases {
                p.line("case \(Naming.swiftMember(kind.rawValue)) = \(swiftString(kind.rawValue))")
            }
        }
        p.line()
        p.comment("What a range is attached to.", prefix: "/// ")
        p.block("\(access) enum \(scopeType): String, CaseIterable, Hashable, Sendable {") { p in
            for scope in RangeScope.allCases {
                p.line("case \(Naming.escapeSwiftKeyword(scope.rawValue))")
            }
        }
        p.line()
        p.comment("The resource whose state a state transition changes.", prefix: "/// ")
        p.block("\(access) enum \(resourceType): String, CaseIterable, Hashable, Sendable {") { p in
            for resource in TransitionResource.allCases {
                p.line("case \(resource.rawValue)")
            }
        }
        p.line()
        p.comment("The range a range event begins, continues or ends.", prefix: "/// ")
        p.block("\(access) struct \(rangeType): Hashable, Sendable {") { p in
            p.comment("The range's name. A `{name}` in it stands for the string that argument of the event (or of its start event) refers to, as in `stop-the-world ({kind_string})`.", prefix: "/// ")
            p.line("\(access) let name: String")
            p.line()
            p.comment("What the range is attached to.", prefix: "/// ")
            p.line("\(access) let scope: \(scopeType)")
            p.line()
            p.comment("The name with each `{argument}` replaced by `string(argument)`.", prefix: "/// ")
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
            p.comment("What the event means to a reader; nil for structural events.", prefix: "/// ")
            switchProperty("kind", type: "\(kindType)?", into: &p) { $0.eventKind.map { ".\(Naming.swiftMember($0.rawValue))" } }
            p.line()
            p.comment("For range events, the range they belong to.", prefix: "/// ")
            switchProperty("range", type: "\(rangeType)?", into: &p) { event in
                event.range.map { "\(rangeType)(name: \(swiftString($0.name)), scope: .\(Naming.escapeSwiftKeyword($0.scope)))" }
            }
            p.line()
            p.comment("For metric events, the name of the metric they sample.", prefix: "/// ")
            switchProperty("metric", type: "String?", into: &p) { $0.metric.map(swiftString) }
            p.line()
            p.comment("For state transitions, the resource whose state changes.", prefix: "/// ")
            switchProperty("resource", type: "\(resourceType)?", into: &p) { $0.resource.map { ".\($0)" } }
        }
        return p.finish()
    }

    /// A computed property that switches over every event type, grouping the types that share a value.
    private func switchProperty(_ name: String, type: String, into p: inout CodePrinter, value: (EventDecl) -> String?) {
        var order: [String] = []
        var casesByValue: [String: [String]] = [:]
        for event in spec.events {
            let text = value(event) ?? "nil"
            if casesByValue[text] == nil { order.append(text) }
            casesByValue[text, default: []].append(".\(Naming.swiftMember(event.name))")
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
