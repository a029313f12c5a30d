/// The rules that keep spec text from turning into code: roles that name real entities, names that
/// are identifiers in both languages and collide with nothing, and text free of hidden characters.
enum NameRules {
    static let goKeywords: Set<String> = [
        "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go",
        "goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch", "type", "var",
    ]

    /// Swift keywords and contextual keywords that cannot name a case or property without backticks.
    static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
        "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "as", "false",
        "is", "nil", "self", "Self", "super", "throws", "true", "try", "any", "some", "await", "async", "package",
        "consume", "copy", "borrowing", "consuming", "each", "macro", "Type", "Protocol", "_",
    ]
}

/// A name the generator will declare, and where it comes from.
private struct Declared {
    var name: String
    /// How the message names its source: "event Reading", or nil for the generator's own names.
    var source: String?
    var location: SourceLocation?
    /// The spec name it came from, so a duplicate spec name (reported already) is not reported twice.
    var specName: String
    var kind: String
}

extension Check {
    // MARK: Roles

    mutating func checkRoles() {
        let roles = document.roles
        var roleOfEvent: [String: EventRole] = [:]
        for role in EventRole.allCases {
            guard let name = roles.events[role] else { continue }
            let at = roles.locations[role.rawValue]
            guard let event = firstEventNamed[name] else {
                error("role \(role.rawValue) names unknown event '\(name)'\(suggestion(name, document.events.map(\.name)))", at: at)
                continue
            }
            if let other = roleOfEvent[name] {
                error("event \(name) cannot have both the role \(other.rawValue) and the role \(role.rawValue)", at: at)
            }
            roleOfEvent[name] = role
            switch role {
            case .stringEntry, .experimentalBatch:
                if !event.hasData { error("event \(name) has the role \(role.rawValue), which carries trailing data, but is not marked 'data: true'", at: at) }
            case .stackEntry:
                if !event.isStack { error("event \(name) has the role stackEntry but is not marked 'stack: true'", at: at) }
            case .batch:
                if event.timed { error("event \(name) has the role batch, which opens a batch, so it cannot be timed", at: at) }
            }
        }
        for role in ConstantRole.allCases {
            guard let name = roles.constants[role] else { continue }
            if !document.constants.contains(where: { $0.name == name }) {
                error("role \(role.rawValue) names unknown constant '\(name)'\(suggestion(name, document.constants.map(\.name)))", at: roles.locations[role.rawValue])
            }
        }
    }

    // MARK: Names in the generated code

    /// Every spec name the generator turns into a declaration is checked where it lands: Go's package
    /// scope, and the Swift type whose members it becomes. The generator's own names come from the
    /// renderers, so the two cannot drift apart.
    mutating func checkNames() {
        checkGoNames()
        let events = document.events.map { ($0.name, "event", $0.locations["name"]) }
        checkSwiftMembers(events, scope: .events)
        checkSwiftMembers(document.experiments.map { ($0.name, "experiment", $0.locations["name"]) }, scope: .experiments)
        for set in document.statusSets {
            checkSwiftMembers(set.values.map { ($0.name, set.kind, $0.locations["name"]) }, scope: .statuses)
        }
        checkSwiftMembers(document.constants.map { ($0.name, "constant", $0.locations["name"]) }, scope: .constants)
        if NameRules.swiftKeywords.contains(document.swiftModule) {
            error("output swiftModule '\(document.swiftModule)' is a Swift keyword", at: document.locations["output.swiftModule"])
        } else if SwiftTypeNames(prefix: "").all.contains(document.swiftModule) || document.statusSets.contains(where: { $0.swiftType == document.swiftModule }) {
            error("output swiftModule '\(document.swiftModule)' is also the name of a type the module declares", at: document.locations["output.swiftModule"])
        }
    }

    private mutating func checkGoNames() {
        var declared = GoRenderer.fixedDeclarations.map { Declared(name: $0, source: nil, location: nil, specName: $0, kind: "") }
        for event in document.events {
            declared.append(Declared(name: Naming.goEvent(event.name), source: "event \(event.name)", location: event.locations["name"], specName: event.name, kind: "event"))
        }
        for set in document.statusSets {
            declared.append(Declared(name: set.goType, source: "status set \(set.name)", location: set.locations["go.type"], specName: set.name, kind: "status set"))
            for status in set.values {
                declared.append(Declared(name: set.goPrefix + status.name, source: "\(set.kind) \(status.name)", location: status.locations["name"], specName: status.name, kind: set.kind))
            }
        }
        for version in document.versions where TraceModel.minor(of: version.name) != nil {
            declared.append(Declared(name: Naming.goVersion(version.name), source: "version \(version.name)", location: version.locations["name"], specName: version.name, kind: "version"))
        }
        for experiment in document.experiments {
            declared.append(Declared(name: experiment.name, source: "experiment \(experiment.name)", location: experiment.locations["name"], specName: experiment.name, kind: "experiment"))
        }
        for constant in document.constants {
            declared.append(Declared(name: constant.name, source: "constant \(constant.name)", location: constant.locations["name"], specName: constant.name, kind: "constant"))
        }
        var first: [String: Declared] = [:]
        for item in declared {
            guard let earlier = first[item.name] else {
                first[item.name] = item
                continue
            }
            guard let source = item.source, let location = item.location else { continue }
            // Two entities of one kind with one name are duplicates, reported as such.
            if earlier.kind == item.kind, earlier.specName == item.specName { continue }
            if let earlierSource = earlier.source, let earlierLocation = earlier.location {
                error("\(source) becomes the Go name \(item.name), which \(earlierSource) already takes (\(earlierLocation.line):\(earlierLocation.column))", at: location)
            } else {
                error("\(source) becomes the Go name \(item.name), which the generated package declares itself", at: location)
            }
        }
    }

    private mutating func checkSwiftMembers(_ names: [(name: String, kind: String, location: SourceLocation)], scope: SwiftRenderer.Scope) {
        let reserved = Set(scope.declaredMembers)
        var first: [String: (name: String, kind: String, location: SourceLocation)] = [:]
        for item in names where isIdentifier(item.name, pattern: .exported) {
            let member = Naming.lowerCamel(item.name)
            if NameRules.swiftKeywords.contains(member) {
                error("\(item.kind) \(item.name) becomes the Swift name '\(member)', which is a Swift keyword", at: item.location)
            } else if reserved.contains(member) {
                error("\(item.kind) \(item.name) becomes the Swift name '\(member)', which the generated type declares itself", at: item.location)
            } else if let earlier = first[member] {
                if earlier.name != item.name {
                    error("\(item.kind) \(item.name) becomes the Swift name '\(member)', as \(earlier.kind) \(earlier.name) does (\(earlier.location.line):\(earlier.location.column))", at: item.location)
                }
            } else {
                first[member] = item
            }
        }
    }

    // MARK: Hidden characters

    /// Text that steers how it is displayed (bidirectional overrides, zero-width characters) or
    /// controls a terminal can hide what generated code says, so no spec text may hold them.
    mutating func checkText() {
        scan(document.title, "title", document.locations["title"])
        scan(document.goPackage, "output goPackage", document.locations["output.goPackage"])
        scan(document.swiftModule, "output swiftModule", document.locations["output.swiftModule"])
        for version in document.versions {
            scan(version.name, "version name", version.locations["name"])
            scan(version.header, "header of \(version.name)", version.locations["header"])
            scan(version.description, "description of \(version.name)", version.locations["description"])
        }
        for constant in document.constants {
            scan(constant.name, "constant name", constant.locations["name"])
            scan(constant.description, "description of \(constant.name)", constant.locations["description"])
        }
        for type in document.argTypes {
            scan(type.name, "argument type name", type.locations["name"])
            scan(type.description, "description of argument type \(type.name)", type.locations["description"])
        }
        for experiment in document.experiments {
            scan(experiment.name, "experiment name", experiment.locations["name"])
            scan(experiment.since, "since of \(experiment.name)", experiment.locations["since"])
            scan(experiment.description, "description of \(experiment.name)", experiment.locations["description"])
        }
        for set in document.statusSets {
            scan(set.name, "status set name", set.locations["name"])
            scan(set.of, "'of' of status set \(set.name)", set.locations["of"])
        }
        for status in document.statusSets.flatMap(\.values) {
            scan(status.name, "status name", status.locations["name"])
            scan(status.display, "display of status \(status.name)", status.locations["display"])
            scan(status.description, "description of status \(status.name)", status.locations["description"])
        }
        for group in document.groups {
            scan(group.name, "group name", group.locations["name"])
            scan(group.description, "description of group \(group.name)", group.locations["description"])
            for event in group.events {
                scan(event.name, "event name", event.locations["name"])
                scan(event.since, "since of \(event.name)", event.locations["since"])
                scan(event.description, "description of \(event.name)", event.locations["description"])
                for (index, argument) in event.args.enumerated() {
                    scan(argument, "argument of \(event.name)", event.locations["args", index])
                }
                if let start = event.start { scan(start, "start of \(event.name)", event.locations["start"]) }
                if let experiment = event.experiment { scan(experiment, "experiment of \(event.name)", event.locations["experiment"]) }
            }
        }
        for (role, name) in document.roles.events.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            scan(name, "role \(role.rawValue)", document.roles.locations[role.rawValue])
        }
        for (role, name) in document.roles.constants.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            scan(name, "role \(role.rawValue)", document.roles.locations[role.rawValue])
        }
    }

    /// Reports the first hidden or control character in one text; `what` names the text and is
    /// worked out only when there is something to report, since a spec may hold many texts.
    private mutating func scan(_ text: String, _ what: @autoclosure () -> String, _ location: SourceLocation) {
        guard let scalar = text.unicodeScalars.first(where: Self.isForbidden) else { return }
        let kind = scalar.properties.generalCategory == .format ? "an invisible formatting character" : "a control character"
        error("\(what()) contains \(kind), U+\(Escaping.hex(scalar.value, digits: 4)); remove it or write it out in words", at: location)
    }

    /// Controls other than tab and line breaks, and format characters (category Cf).
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || Escaping.isLineBreak(scalar) { return false }
        return Escaping.isHiddenOrControl(scalar)
    }
}
