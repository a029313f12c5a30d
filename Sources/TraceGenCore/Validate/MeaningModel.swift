/// The model builder's part for event meanings, typed fields and Go's parser table.
extension ModelBuilder {
    static func meaning(of event: EventDecl) -> TraceModel.Meaning {
        TraceModel.Meaning(
            kind: event.eventKind,
            range: event.range.flatMap { range in
                guard let template = RangeNameTemplate(range.name) else { return nil }
                return TraceModel.Range(name: range.name, template: template, scope: range.scope)
            },
            metric: event.metric,
            resource: event.resource)
    }

    static func goParser(_ document: SpecDocument) -> TraceModel.GoParserLayout {
        let parser = document.goParser
        let importPath = parser.importPath ?? "internal/trace/\(document.goPackage)"
        let lastElement = importPath.split(separator: "/").last.map(String.init) ?? importPath
        return TraceModel.GoParserLayout(
            package: parser.package, path: "Go/\(parser.package)/eventkinds.go", importPath: importPath,
            importName: lastElement == document.goPackage ? nil : document.goPackage,
            tableName: "\(document.goPackage)Type2Kind", syncEvent: parser.syncEvent, locations: parser.locations)
    }
}

/// How typed events type arguments: by the argument type, the suffix after the last `_` or the
/// whole name, as the spec's `argTypes` entries say.
struct ArgumentTyping {
    let identifierTypes: [TraceModel.IdentifierType]
    private let typeOfArgType: [String: TraceModel.FieldType]
    private let meanings: [String: String]

    init(document: SpecDocument) {
        var types: [String: TraceModel.FieldType] = [:]
        var identifiers: [TraceModel.IdentifierType] = []
        for argType in document.argTypes where types[argType.name] == nil {
            if let swiftType = argType.swiftType {
                types[argType.name] = .identifier(swiftType)
                identifiers.append(TraceModel.IdentifierType(swiftName: swiftType, argumentType: argType.name, meaning: argType.description))
            } else if let set = argType.status.flatMap(document.statusSet(named:)) {
                types[argType.name] = .status(set.swiftType)
            }
        }
        identifierTypes = identifiers
        typeOfArgType = types
        meanings = Dictionary(document.argTypes.map { ($0.name, $0.description) }, uniquingKeysWith: { first, _ in first })
    }

    /// The Swift type typed events give an argument type, before any type prefix.
    func swiftTypeName(of argType: String) -> String {
        switch typeOfArgType[argType] ?? .raw {
        case .raw: "UInt64"
        case .identifier(let name): name
        case .status(let name): name
        }
    }

    /// An event's arguments resolved: their declared type, the table each indexes, and their
    /// name and type as fields of a typed event (`new_g` → `newG`, `reason_string` →
    /// `reasonString`, `p_seq` → `pSeq`, `dt` → `dt`).
    func arguments(of event: EventDecl) -> [TraceModel.Argument] {
        event.args.enumerated().map { position, name in
            let parts = name.split(separator: "_").map(String.init)
            let suffix = parts.last ?? name
            let type = meanings[suffix] == nil ? nil : suffix
            let camel = (parts.first ?? name) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            let table: TraceModel.Table? = event.stringIDs.contains(position) ? .string : event.stackIDs.contains(position) ? .stack : nil
            return TraceModel.Argument(
                name: name, position: position, type: type, table: table,
                swiftName: Naming.escapeSwiftKeyword(camel, always: NameRules.swiftKeywords),
                fieldType: type.flatMap { typeOfArgType[$0] } ?? .raw, meaning: type.flatMap { meanings[$0] })
        }
    }
}
