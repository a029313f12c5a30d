import Yams

/// Turns the composed YAML tree into a ``SpecDocument``: checks shapes, types, required and unknown keys.
///
/// Consistency between entities (references, ranges, Go's table rules) is the validator's job.
struct SpecDecoder {
    var reader: YAMLReader

    init(file: String) {
        reader = YAMLReader(file: file)
    }

    static let topLevelKeys = ["title", "output", "headerSize", "versions", "constants", "argTypes", "experiments", "statusSets", "resources", "handlers", "rangeScopes", "transitionResources", "kinds", "groups", "roles"]
    static let outputKeys = ["goPackage", "swiftModule", "goParser"]
    static let goParserKeys = ["package", "importPath", "syncEvent"]
    static let versionKeys = ["name", "header", "description"]
    static let constantKeys = ["name", "value", "description"]
    static let argTypeKeys = ["name", "description", "swiftType", "status"]
    static let experimentKeys = ["id", "name", "since", "description"]
    static let statusSetKeys = ["name", "of", "go", "swift", "values"]
    static let goStatusSetKeys = ["type", "prefix"]
    static let swiftStatusSetKeys = ["type"]
    static let statusKeys = ["value", "name", "display", "description", "state"]
    static let groupKeys = ["name", "description", "events"]
    static let eventKeys = ["id", "name", "args", "stringIDs", "stackIDs", "unresolved", "start", "timed", "data", "stack", "experiment", "since", "description", "kind", "range", "metric", "resource", "fullWidth", "ordering"]
    static let rangeKeys = ["name", "scope"]

    mutating func decode(_ root: Node) -> SpecDocument? {
        guard var top = reader.fields(root, of: "the spec", allowed: Self.topLevelKeys) else { return nil }
        let title = reader.string(&top, "title", in: "the spec")
        let headerSize = reader.int(&top, "headerSize", in: "the spec", range: 1...64)

        var goPackage: String?
        var swiftModule: String?
        var goParser = GoParserDecl()
        var goParserFailed = false
        if let node = top.values["output"] ?? missing(top, "output"), var output = reader.fields(node, of: "output", allowed: Self.outputKeys) {
            goPackage = reader.string(&output, "goPackage", in: "output")
            swiftModule = reader.string(&output, "swiftModule", in: "output")
            // Kept so the validator can point at the offending name rather than at the whole mapping.
            top.locations.fields["output.goPackage"] = output.locations["goPackage"]
            top.locations.fields["output.swiftModule"] = output.locations["swiftModule"]
            if let node = output.values["goParser"] {
                if let parser = Self.goParser(&reader, node) { goParser = parser } else { goParserFailed = true }
            }
        }

        let versions = items(&top, "versions", required: true, as: VersionDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "version \(index + 1)", allowed: Self.versionKeys) else { return nil }
            let what = Self.label("version", f, fallback: "version \(index + 1)")
            let name = reader.string(&f, "name", in: what)
            let header = reader.string(&f, "header", in: what)
            let description = reader.string(&f, "description", in: what)
            guard let name, let header, let description else { return nil }
            return VersionDecl(name: name, header: header, description: description, locations: f.locations)
        }
        let constants = items(&top, "constants", required: true, as: ConstantDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "constant \(index + 1)", allowed: Self.constantKeys) else { return nil }
            let what = Self.label("constant", f, fallback: "constant \(index + 1)")
            let name = reader.string(&f, "name", in: what)
            let value = reader.int(&f, "value", in: what)
            let description = reader.string(&f, "description", in: what)
            guard let name, let value, let description else { return nil }
            return ConstantDecl(name: name, value: value, description: description, locations: f.locations)
        }
        let argTypes = items(&top, "argTypes", required: true, as: ArgTypeDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "argument type \(index + 1)", allowed: Self.argTypeKeys) else { return nil }
            let what = Self.label("argument type", f, fallback: "argument type \(index + 1)")
            let name = reader.string(&f, "name", in: what)
            let description = reader.string(&f, "description", in: what)
            let swiftType = reader.string(&f, "swiftType", in: what, required: false)
            let status = reader.string(&f, "status", in: what, required: false)
            guard let name, let description, f.values["swiftType"] == nil || swiftType != nil,
                  f.values["status"] == nil || status != nil else { return nil }
            return ArgTypeDecl(name: name, description: description, swiftType: swiftType, status: status, locations: f.locations)
        }
        let experiments = items(&top, "experiments", required: false, as: ExperimentDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "experiment \(index + 1)", allowed: Self.experimentKeys) else { return nil }
            let what = Self.label("experiment", f, fallback: "experiment \(index + 1)")
            let id = reader.int(&f, "id", in: what)
            let name = reader.string(&f, "name", in: what)
            let since = reader.string(&f, "since", in: what)
            let description = reader.string(&f, "description", in: what)
            guard let id, let name, let since, let description else { return nil }
            return ExperimentDecl(id: id, name: name, since: since, description: description, locations: f.locations)
        }
        let statusSets = items(&top, "statusSets", required: false, as: StatusSetDecl.self) { reader, node, index in
            Self.statusSet(&reader, node, index)
        }
        let groups = items(&top, "groups", required: true, as: GroupDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "group \(index + 1)", allowed: Self.groupKeys) else { return nil }
            let what = Self.label("group", f, fallback: "group \(index + 1)")
            let name = reader.string(&f, "name", in: what)
            let description = reader.string(&f, "description", in: what)
            var events: [EventDecl] = []
            var complete = true
            if let nodes = reader.list(&f, "events", in: what) {
                for (position, eventNode) in nodes.enumerated() {
                    if let event = Self.event(&reader, eventNode, group: name ?? "", position: position) {
                        events.append(event)
                    } else {
                        complete = false
                    }
                }
            }
            guard let name, let description, complete else { return nil }
            return GroupDecl(name: name, description: description, events: events, locations: f.locations)
        }

        let resources = items(&top, "resources", required: false, as: ResourceDecl.self) { reader, node, index in
            Self.resource(&reader, node, index)
        }
        let handlers = items(&top, "handlers", required: false, as: HandlerDecl.self) { reader, node, index in
            guard var f = reader.fields(node, of: "handler \(index + 1)", allowed: Self.handlerKeys) else { return nil }
            let what = Self.label("handler", f, fallback: "handler \(index + 1)")
            let name = reader.string(&f, "name", in: what)
            let description = reader.string(&f, "description", in: what)
            guard let name, let description else { return nil }
            return HandlerDecl(name: name, description: description, locations: f.locations)
        }
        let roles = decodeRoles(top.values["roles"])
        let rangeScopes = reader.stringList(&top, "rangeScopes", in: "the spec", required: false)
        let transitionResources = reader.stringList(&top, "transitionResources", in: "the spec", required: false)
        let kinds = reader.stringList(&top, "kinds", in: "the spec", required: false)
        let listsFailed = (top.values["rangeScopes"] != nil && rangeScopes == nil) || (top.values["transitionResources"] != nil && transitionResources == nil)
            || (top.values["kinds"] != nil && kinds == nil)

        guard !goParserFailed, !listsFailed, let title, let headerSize, let goPackage, let swiftModule, let versions, let constants, let argTypes,
              let experiments, let statusSets, let groups, let resources, let handlers else { return nil }
        return SpecDocument(
            file: reader.file, title: title, goPackage: goPackage, swiftModule: swiftModule, goParser: goParser, headerSize: headerSize,
            versions: versions, constants: constants, argTypes: argTypes, experiments: experiments,
            statusSets: statusSets, groups: groups, resources: resources, handlers: handlers,
            rangeScopes: rangeScopes, transitionResources: transitionResources, kinds: kinds, roles: roles, locations: top.locations)
    }

    /// The optional `roles:` mapping: each key names an event or a constant. Whether the names
    /// exist is the validator's question.
    private mutating func decodeRoles(_ node: Node?) -> RolesDecl {
        guard let node, var fields = reader.fields(node, of: "roles", allowed: RolesDecl.keys) else { return RolesDecl() }
        var roles = RolesDecl(locations: fields.locations)
        for role in EventRole.allCases {
            if let name = reader.string(&fields, role.rawValue, in: "roles", required: false) { roles.events[role] = name }
        }
        for role in ConstantRole.allCases {
            if let name = reader.string(&fields, role.rawValue, in: "roles", required: false) { roles.constants[role] = name }
        }
        return roles
    }

    private mutating func missing(_ fields: YAMLReader.Fields, _ key: String) -> Node? {
        reader.error("the spec is missing the required key '\(key)'", at: fields.node)
        return nil
    }

    /// Decodes each element of a list field; nil if the list is missing or any element failed.
    private mutating func items<T>(_ fields: inout YAMLReader.Fields, _ key: String, required: Bool, as type: T.Type,
                                   _ decode: (inout YAMLReader, Node, Int) -> T?) -> [T]? {
        guard fields.values[key] != nil else {
            if required { reader.error("the spec is missing the required key '\(key)'", at: fields.node) }
            return required ? nil : []
        }
        guard let nodes = reader.list(&fields, key, in: "the spec") else { return nil }
        var result: [T] = []
        var complete = true
        for (index, node) in nodes.enumerated() {
            if let value = decode(&reader, node, index) { result.append(value) } else { complete = false }
        }
        return complete ? result : nil
    }

    /// Names an entity by its `name` key when that is text, for clearer messages; otherwise by `fallback`.
    static func label(_ kind: String, _ fields: YAMLReader.Fields, fallback: String) -> String {
        // A plain scalar that YAML reads as a number or boolean is reported as a wrong type, so it is no name.
        if case .scalar(let scalar)? = fields.values["name"], !scalar.string.isEmpty,
           scalar.style != .plain || plainTag(of: scalar.string) == .str {
            return "\(kind) '\(scalar.string)'"
        }
        return fallback
    }

    private static func statusSet(_ reader: inout YAMLReader, _ node: Node, _ index: Int) -> StatusSetDecl? {
        guard var f = reader.fields(node, of: "status set \(index + 1)", kind: "status set", allowed: statusSetKeys) else { return nil }
        let what = label("status set", f, fallback: "status set \(index + 1)")
        let name = reader.string(&f, "name", in: what)
        let of = reader.string(&f, "of", in: what)
        var goType: String?
        var goPrefix: String?
        if let goNode = f.values["go"] ?? missingKey(&reader, f, "go", in: what),
           var g = reader.fields(goNode, of: "go names of \(what)", allowed: goStatusSetKeys) {
            goType = reader.string(&g, "type", in: "the go names of \(what)")
            goPrefix = reader.string(&g, "prefix", in: "the go names of \(what)")
            f.locations.fields["go.type"] = g.locations["type"]
            f.locations.fields["go.prefix"] = g.locations["prefix"]
        }
        var swiftType: String?
        var swiftFailed = false
        if let swiftNode = f.values["swift"] {
            if var s = reader.fields(swiftNode, of: "swift names of \(what)", allowed: swiftStatusSetKeys) {
                swiftType = reader.string(&s, "type", in: "the swift names of \(what)")
                f.locations.fields["swift.type"] = s.locations["type"]
            }
            swiftFailed = swiftType == nil
        }
        var values: [StatusDecl] = []
        var complete = true
        if let nodes = reader.list(&f, "values", in: what) {
            let kind = of.map { "\($0) status" } ?? "status"
            for (position, valueNode) in nodes.enumerated() {
                if let value = status(&reader, valueNode, "\(kind) \(position + 1)") { values.append(value) } else { complete = false }
            }
        } else {
            complete = false
        }
        guard let name, let of, let goType, let goPrefix, !swiftFailed, complete else { return nil }
        if swiftType == nil { f.locations.fields["swift.type"] = f.locations["go.type"] }
        return StatusSetDecl(name: name, of: of, goType: goType, goPrefix: goPrefix, swiftType: swiftType ?? goType, values: values,
                             locations: f.locations)
    }

    private static func status(_ reader: inout YAMLReader, _ node: Node, _ fallback: String) -> StatusDecl? {
        guard var f = reader.fields(node, of: fallback, allowed: statusKeys) else { return nil }
        let what = label(fallback.split(separator: " ").dropLast().joined(separator: " "), f, fallback: fallback)
        let value = reader.int(&f, "value", in: what)
        let name = reader.string(&f, "name", in: what)
        let display = reader.string(&f, "display", in: what)
        let description = reader.string(&f, "description", in: what)
        let state = reader.string(&f, "state", in: what, required: false)
        guard let value, let name, let display, let description, f.values["state"] == nil || state != nil else { return nil }
        return StatusDecl(value: value, name: name, display: display, description: description, state: state, locations: f.locations)
    }

    private static func event(_ reader: inout YAMLReader, _ node: Node, group: String, position: Int) -> EventDecl? {
        guard var f = reader.fields(node, of: "event \(position + 1) of group '\(group)'", allowed: eventKeys) else { return nil }
        let what = label("event", f, fallback: "event \(position + 1) of group '\(group)'")
        let id = reader.int(&f, "id", in: what)
        let name = reader.string(&f, "name", in: what)
        let args = reader.stringList(&f, "args", in: what)
        let stringIDs = reader.intList(&f, "stringIDs", in: what, required: false)
        let stackIDs = reader.intList(&f, "stackIDs", in: what, required: false)
        let unresolved = reader.intList(&f, "unresolved", in: what, required: false)
        let start = reader.string(&f, "start", in: what, required: false)
        let timed = reader.bool(&f, "timed", in: what)
        let data = reader.bool(&f, "data", in: what, required: false)
        let stack = reader.bool(&f, "stack", in: what, required: false)
        let experiment = reader.string(&f, "experiment", in: what, required: false)
        let since = reader.string(&f, "since", in: what)
        let description = reader.string(&f, "description", in: what)
        let kind = reader.string(&f, "kind", in: what, required: false)
        let metric = reader.string(&f, "metric", in: what, required: false)
        let resource = reader.string(&f, "resource", in: what, required: false)
        let fullWidth = reader.stringList(&f, "fullWidth", in: what, required: false)
        var ordering: OrderingDecl?
        var orderingFailed = false
        if let node = f.values["ordering"] {
            ordering = Self.ordering(&reader, node, of: what)
            orderingFailed = ordering == nil
        }
        var range: RangeDecl?
        var rangeFailed = false
        if let node = f.values["range"] {
            range = Self.range(&reader, node, of: what)
            rangeFailed = range == nil
        }
        // Optional keys that were present but unreadable have already been reported.
        let optionalFailed = (f.values["stringIDs"] != nil && stringIDs == nil) || (f.values["stackIDs"] != nil && stackIDs == nil)
            || (f.values["unresolved"] != nil && unresolved == nil)
            || (f.values["start"] != nil && start == nil) || (f.values["data"] != nil && data == nil)
            || (f.values["stack"] != nil && stack == nil) || (f.values["experiment"] != nil && experiment == nil)
            || (f.values["kind"] != nil && kind == nil) || (f.values["metric"] != nil && metric == nil)
            || (f.values["resource"] != nil && resource == nil) || rangeFailed
            || (f.values["fullWidth"] != nil && fullWidth == nil) || orderingFailed
        guard let id, let name, let args, let timed, let since, let description, !optionalFailed else { return nil }
        return EventDecl(
            id: id, name: name, args: args, stringIDs: stringIDs ?? [], stackIDs: stackIDs ?? [], unresolved: unresolved ?? [], start: start,
            timed: timed, hasData: data ?? false, isStack: stack ?? false, experiment: experiment, since: since,
            description: description, group: group, kind: kind, range: range, metric: metric, resource: resource, fullWidth: fullWidth ?? [],
            ordering: ordering, locations: f.locations)
    }

    private static func range(_ reader: inout YAMLReader, _ node: Node, of event: String) -> RangeDecl? {
        let what = "the range of \(event)"
        guard var f = reader.fields(node, of: "range of \(event)", allowed: rangeKeys) else { return nil }
        let name = reader.string(&f, "name", in: what)
        let scope = reader.string(&f, "scope", in: what)
        guard let name, let scope else { return nil }
        return RangeDecl(name: name, scope: scope, locations: f.locations)
    }

    private static func goParser(_ reader: inout YAMLReader, _ node: Node) -> GoParserDecl? {
        guard var f = reader.fields(node, of: "output goParser", allowed: goParserKeys) else { return nil }
        let package = reader.string(&f, "package", in: "output goParser", required: false)
        let importPath = reader.string(&f, "importPath", in: "output goParser", required: false)
        let syncEvent = reader.string(&f, "syncEvent", in: "output goParser", required: false)
        for key in goParserKeys where f.values[key] != nil {
            if (key == "package" && package == nil) || (key == "importPath" && importPath == nil) || (key == "syncEvent" && syncEvent == nil) {
                return nil
            }
        }
        return GoParserDecl(package: package ?? "trace", importPath: importPath, syncEvent: syncEvent, locations: f.locations)
    }
}
