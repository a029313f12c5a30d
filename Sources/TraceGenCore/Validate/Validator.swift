/// The spec's own rules, in one place: Go's table tests plus what a generator needs to be sound.
///
/// Every rule reports at the location of the offending value and all problems are reported together.
public enum Validator {
    /// Checks every rule and, when none fails, resolves the document into the model the renderers
    /// and `tracegen diff` read.
    public static func validate(_ document: SpecDocument) throws -> TraceModel {
        var check = Check(document: document)
        check.run()
        try check.diagnostics.throwIfErrors()
        return ModelBuilder(document: document).build()
    }

    /// Validates and returns only the diagnostics, for tools that show them without stopping.
    public static func diagnostics(for document: SpecDocument) -> [Diagnostic] {
        var check = Check(document: document)
        check.run()
        return check.diagnostics.diagnostics
    }
}

struct Check {
    let document: SpecDocument
    var diagnostics = DiagnosticCollector()

    /// Looked up once per event, so kept as sets: a spec may be large even if it is wrong.
    let versionNames: Set<String>
    let firstEventNamed: [String: EventDecl]
    /// The scopes ranges may have and the resources state transitions may change.
    let rangeScopes: [String]
    /// The kinds events may have (``SpecDocument/resolvedKinds``).
    let kinds: Set<String>
    let transitionResources: [String]

    init(document: SpecDocument) {
        self.document = document
        versionNames = Set(document.versions.map(\.name))
        firstEventNamed = Dictionary(document.events.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        rangeScopes = document.resolvedRangeScopes
        kinds = Set(document.resolvedKinds)
        transitionResources = document.resolvedTransitionResources
    }

    /// The same cap as the decoder's, for the same reason.
    static let errorLimit = YAMLReader.errorLimit

    mutating func error(_ message: String, at location: SourceLocation) {
        if diagnostics.diagnostics.count < Self.errorLimit {
            diagnostics.error(message, at: location)
        } else if diagnostics.diagnostics.count == Self.errorLimit {
            diagnostics.append(contentsOf: [Diagnostic(.note, "too many errors; only the first \(Self.errorLimit) are shown", at: location)])
        }
    }

    /// The largest limit on a timed event's arguments: readers keep that many in every event they
    /// hold (Go's parser in an array, the generated Swift in stored properties).
    static let largestTimedArgsLimit = 32

    mutating func run() {
        checkText()
        checkOutput()
        checkVersions()
        checkUnique(document.constants, "constant", \.name, \.locations)
        for constant in document.constants {
            identifier(constant.name, "constant", at: constant.locations["name"], pattern: .exported)
            if constant.value < 0 { error("constant \(constant.name) must not be negative", at: constant.locations["value"]) }
        }
        checkUnique(document.argTypes, "argument type", \.name, \.locations)
        for type in document.argTypes where !type.name.allSatisfy({ $0.isASCII && $0.isLetter }) || type.name.isEmpty {
            error("argument type '\(type.name)' must be letters only", at: type.locations["name"])
        }
        checkExperiments()
        checkStatusSets()
        checkUnique(document.groups, "group", \.name, \.locations)
        checkEvents()
        checkRoles()
        checkNames()
        checkMeanings()
        checkOrdering()
    }

    // MARK: Output names

    mutating func checkOutput() {
        if !isIdentifier(document.goPackage, pattern: .goPackage) {
            error("output goPackage '\(document.goPackage)' must be a lower-case Go package name", at: document.locations["output.goPackage"])
        } else if NameRules.goKeywords.contains(document.goPackage) {
            error("output goPackage '\(document.goPackage)' is a Go keyword", at: document.locations["output.goPackage"])
        } else if document.goPackage == "main" {
            error("output goPackage 'main' would make a program, not a package that can be imported", at: document.locations["output.goPackage"])
        }
        identifier(document.swiftModule, "output swiftModule", at: document.locations["output.swiftModule"], pattern: .exported)
    }

    // MARK: Versions

    mutating func checkVersions() {
        if document.events.isEmpty {
            error("the spec must declare at least one event", at: document.locations["groups"])
        }
        if document.versions.isEmpty { error("the spec must declare at least one version", at: document.locations["versions"]) }
        checkUnique(document.versions, "version", \.name, \.locations)
        var previous: Int?
        var seen: Set<String> = []
        // A repeated name was reported as a duplicate above; checking its order as well would only repeat that.
        for version in document.versions where seen.insert(version.name).inserted {
            guard let minor = TraceModel.minor(of: version.name) else {
                error("version name '\(version.name)' must have the form go1.N", at: version.locations["name"])
                continue
            }
            if let previous, minor <= previous {
                error("versions must be listed from oldest to newest; \(version.name) comes after go1.\(previous)", at: version.locations["name"])
            }
            previous = minor
            if version.header.utf8.count > document.headerSize {
                error("header '\(version.header)' is \(version.header.utf8.count) bytes, longer than headerSize \(document.headerSize)", at: version.locations["header"])
            }
            if version.header != "go 1.\(minor) trace" {
                error("header '\(version.header)' of \(version.name) must be 'go 1.\(minor) trace'", at: version.locations["header"])
            }
        }
    }

    func versionExists(_ name: String) -> Bool { versionNames.contains(name) }

    mutating func checkSince(_ since: String, of what: String, at location: SourceLocation) {
        if !versionExists(since) {
            error("\(what) names unknown version '\(since)' in 'since'\(suggestion(since, document.versions.map(\.name)))", at: location)
        }
    }

    // MARK: Experiments and statuses

    mutating func checkExperiments() {
        checkUnique(document.experiments, "experiment", \.name, \.locations)
        checkUnique(document.experiments, "experiment", \.id, \.locations, field: "id")
        for experiment in document.experiments {
            identifier(experiment.name, "experiment", at: experiment.locations["name"], pattern: .exported)
            if !(1...255).contains(experiment.id) {
                error("experiment \(experiment.name) has ID \(experiment.id); experiment IDs are 1-255 (0 means none)", at: experiment.locations["id"])
            }
            checkSince(experiment.since, of: "experiment \(experiment.name)", at: experiment.locations["since"])
        }
        // IDs outside 1-255 were reported above and must not show up as gaps too.
        let ids = document.experiments.map(\.id).filter { (1...255).contains($0) }.sorted()
        if ids != Array(1..<(ids.count + 1)), let gap = (1...(ids.count + 1)).first(where: { !ids.contains($0) }),
           let after = document.experiments.first(where: { $0.id > gap && $0.id <= 255 }) {
            error("experiment IDs must be numbered from 1 without gaps; ID \(gap) is missing", at: after.locations["id"])
        }
    }

    /// Each set becomes a Go type with a constant per value and a Swift enumeration, so its names
    /// must be identifiers and no two sets may share one (Go's names are checked with the package's
    /// other names, in NameRules).
    mutating func checkStatusSets() {
        checkUnique(document.statusSets, "status set", \.name, \.locations)
        var swiftTypes: [String: StatusSetDecl] = [:]
        for set in document.statusSets {
            let at = set.locations
            if set.name.isEmpty || !set.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                error("status set name '\(set.name)' must be letters and digits only", at: at["name"])
            }
            if set.of.isEmpty || !set.of.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }) {
                error("'of' of status set \(set.name) must be a noun of letters, digits and spaces, such as 'goroutine'", at: at["of"])
            }
            let names: [(what: String, value: String, key: String)] = [
                ("go type", set.goType, "go.type"), ("go prefix", set.goPrefix, "go.prefix"), ("swift type", set.swiftType, "swift.type"),
            ]
            // A Swift type left out is the Go type, which is reported once, as the Go type.
            for name in names where !isIdentifier(name.value, pattern: .exported) && !(name.key == "swift.type" && set.swiftType == set.goType) {
                error("\(name.what) '\(name.value)' of status set \(set.name) must start with an upper-case letter and contain only letters and digits", at: at[name.key])
            }
            // Two sets with one Go type are reported with the package's other Go names.
            if let earlier = swiftTypes[set.swiftType], earlier.name != set.name, earlier.goType != set.goType {
                error("status sets \(earlier.name) and \(set.name) both name the Swift type \(set.swiftType)", at: at["swift.type"])
            } else {
                swiftTypes[set.swiftType] = set
            }
            if SwiftTypeNames(prefix: "").all.contains(set.swiftType) {
                error("swift type \(set.swiftType) of status set \(set.name) is a type the generated module declares itself", at: at["swift.type"])
            }
            if let type = document.argTypes.first(where: { $0.swiftType == set.swiftType }) {
                error("swift type \(set.swiftType) of status set \(set.name) is already the ID type of argument type \(type.name)", at: at["swift.type"])
            }
            checkStatuses(set.values, set.kind)
        }
    }

    mutating func checkStatuses(_ statuses: [StatusDecl], _ kind: String) {
        checkUnique(statuses, kind, \.name, \.locations)
        checkUnique(statuses, kind, \.value, \.locations, field: "value")
        for status in statuses {
            identifier(status.name, kind, at: status.locations["name"], pattern: .exported)
            if !(0...255).contains(status.value) {
                error("\(kind) \(status.name) has value \(status.value), outside 0-255", at: status.locations["value"])
            }
        }
        if !statuses.isEmpty, !statuses.contains(where: { $0.value == 0 }) {
            error("\(kind)es must declare value 0, the invalid status", at: statuses[0].locations["value"])
        }
    }

    // MARK: Events

    mutating func checkEvents() {
        let events = document.events
        checkUnique(events, "event", \.name, \.locations)
        checkUnique(events, "event", \.id, \.locations, field: "id")
        let timedLimit = document.roles.constants[.timedArgsLimit].flatMap { name in document.constants.first { $0.name == name } }
        if let timedLimit, !(1...Self.largestTimedArgsLimit).contains(timedLimit.value) {
            error("\(timedLimit.name), the limit on a timed event's arguments, is \(timedLimit.value); it must be 1 to \(Self.largestTimedArgsLimit), since readers keep that many arguments in every event",
                  at: timedLimit.locations["value"])
        }
        let dataEventNames = EventRole.allCases.filter(\.carriesData).compactMap { document.roles.events[$0] }
        let dataEvents = Set(dataEventNames)
        let stackEvent = document.roles.events[.stackEntry]
        // A role that names no event is reported as such; judging the flags against it would only repeat that.
        let dataRolesResolve = dataEventNames.allSatisfy { firstEventNamed[$0] != nil }
        let stackRoleResolves = stackEvent.map { firstEventNamed[$0] != nil } ?? true
        let argTypes = Set(document.argTypes.map(\.name))

        for event in events {
            let loc = event.locations
            identifier(event.name, "event", at: loc["name"], pattern: .exported)
            checkSince(event.since, of: "event \(event.name)", at: loc["since"])

            // The ID range says whether an event is experimental; the experiment key must agree.
            if let experimentName = event.experiment {
                if let experiment = document.experiments.first(where: { $0.name == experimentName }) {
                    if let eventMinor = TraceModel.minor(of: event.since), let expMinor = TraceModel.minor(of: experiment.since), eventMinor < expMinor {
                        error("event \(event.name) is valid since \(event.since), before its experiment \(experiment.name) (since \(experiment.since))", at: loc["since"])
                    }
                } else {
                    error("event \(event.name) names unknown experiment '\(experimentName)'\(suggestion(experimentName, document.experiments.map(\.name)))", at: loc["experiment"])
                }
                if !(TraceModel.firstExperimentalID..<TraceModel.idLimit).contains(event.id) {
                    error("experimental event \(event.name) has ID \(event.id); experimental IDs are 128-255", at: loc["id"])
                }
            } else if !(1..<TraceModel.firstExperimentalID).contains(event.id) {
                if (TraceModel.firstExperimentalID..<TraceModel.idLimit).contains(event.id) {
                    error("event \(event.name) has experimental ID \(event.id) but names no experiment", at: loc["id"])
                } else {
                    error("event \(event.name) has ID \(event.id); regular IDs are 1-127", at: loc["id"])
                }
            }

            checkArguments(event, argTypes: argTypes)
            checkPositions(event, key: "stringIDs", kind: "string", positions: event.stringIDs)
            checkPositions(event, key: "stackIDs", kind: "stack", positions: event.stackIDs)
            checkUnresolved(event)

            if event.timed {
                if event.args.first != "dt" {
                    error("timed event \(event.name) must have 'dt' as its first argument", at: event.args.isEmpty ? loc["args"] : loc["args", 0])
                }
                if let timedLimit, event.args.count > timedLimit.value {
                    error("timed event \(event.name) has \(event.args.count) arguments, more than \(timedLimit.name) (\(timedLimit.value))", at: loc["args"])
                }
            }
            // Readers special-case these layouts by role, so no other event may use them.
            if event.hasData, dataRolesResolve, !dataEvents.contains(event.name) {
                let allowed = dataEventNames
                let who = allowed.isEmpty ? "no event has the role stringEntry or experimentalBatch" : "only \(allowed.joined(separator: " and ")) may carry trailing data"
                error("event \(event.name) has data; \(who)", at: loc["data"])
            }
            if event.hasData, event.timed {
                error("event \(event.name) cannot both be timed and carry data", at: loc["data"])
            }
            if event.isStack, stackRoleResolves, event.name != stackEvent {
                let who = stackEvent.map { "only the stackEntry event \($0) may be one" } ?? "no event has the role stackEntry"
                error("event \(event.name) is marked as a stack; \(who)", at: loc["stack"])
            }

            if let start = event.start {
                if let startEvent = firstEventNamed[start] {
                    if startEvent.name == event.name {
                        error("event \(event.name) cannot be its own start event", at: loc["start"])
                    } else if !startEvent.timed {
                        error("start event \(start) of \(event.name) is not a timed event", at: loc["start"])
                    }
                    if !event.timed {
                        error("event \(event.name) has a start event but is not timed", at: loc["start"])
                    }
                } else {
                    error("event \(event.name) names unknown start event '\(start)'\(suggestion(start, events.map(\.name)))", at: loc["start"])
                }
            }
        }
        checkContiguous(events.filter { $0.id >= 1 && $0.id < TraceModel.firstExperimentalID }, from: 1, kind: "regular")
        checkContiguous(events.filter { $0.id >= TraceModel.firstExperimentalID && $0.id < TraceModel.idLimit }, from: TraceModel.firstExperimentalID, kind: "experimental")
    }

    /// Argument names are `type` or `name_type`; a typed suffix must be a declared argument type.
    mutating func checkArguments(_ event: EventDecl, argTypes: Set<String>) {
        var seen: Set<String> = []
        for (index, arg) in event.args.enumerated() {
            let at = event.locations["args", index]
            let parts = arg.split(separator: "_", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLetter } }) else {
                error("argument '\(arg)' of \(event.name) must be letters, optionally 'name_type'", at: at)
                continue
            }
            if parts.count == 2, !argTypes.contains(String(parts[1])) {
                error("argument '\(arg)' of \(event.name) has undeclared type '\(parts[1])'\(suggestion(String(parts[1]), argTypes.sorted()))", at: at)
            }
            if !seen.insert(arg).inserted {
                error("argument '\(arg)' appears twice in \(event.name)", at: at)
            }
        }
    }

    /// String and stack positions point inside the argument list, at arguments of that type, and cover all of them.
    mutating func checkPositions(_ event: EventDecl, key: String, kind: String, positions: [Int]) {
        var seen: Set<Int> = []
        for (index, position) in positions.enumerated() {
            let at = event.locations[key, index]
            guard event.args.indices.contains(position) else {
                error("\(kind) position \(position) of \(event.name) is outside its \(event.args.count) arguments", at: at)
                continue
            }
            if !seen.insert(position).inserted {
                error("\(kind) position \(position) of \(event.name) is listed twice", at: at)
            }
            if !event.args[position].hasSuffix(kind) {
                error("\(kind) position \(position) of \(event.name) is argument '\(event.args[position])', which is not a \(kind) ID", at: at)
            }
        }
        let listed = Set(positions).union(event.unresolved)
        for (index, arg) in event.args.enumerated() where arg.hasSuffix(kind) && !listed.contains(index) {
            error("argument '\(arg)' of \(event.name) is a \(kind) ID but position \(index) is not in \(key)", at: event.locations["args", index])
        }
    }

    /// `unresolved` admits only string or stack arguments that neither position list names, each once.
    mutating func checkUnresolved(_ event: EventDecl) {
        var seen: Set<Int> = []
        for (index, position) in event.unresolved.enumerated() {
            let at = event.locations["unresolved", index]
            guard event.args.indices.contains(position) else {
                error("unresolved position \(position) of \(event.name) is outside its \(event.args.count) arguments", at: at)
                continue
            }
            if !seen.insert(position).inserted {
                error("unresolved position \(position) of \(event.name) is listed twice", at: at)
            }
            let arg = event.args[position]
            if !arg.hasSuffix("string"), !arg.hasSuffix("stack") {
                error("unresolved position \(position) of \(event.name) is argument '\(arg)', which is neither a string nor a stack ID", at: at)
            }
            if event.stringIDs.contains(position) || event.stackIDs.contains(position) {
                error("position \(position) of \(event.name) is listed as unresolved and also in \(event.stringIDs.contains(position) ? "stringIDs" : "stackIDs")", at: at)
            }
        }
    }

    /// Go's tables are arrays indexed by ID, so each range must be gap-free from its first ID.
    mutating func checkContiguous(_ events: [EventDecl], from first: Int, kind: String) {
        let ids = Set(events.map(\.id))
        guard let highest = ids.max() else { return }
        for id in first...highest where !ids.contains(id) {
            let next = events.filter { $0.id > id }.min { $0.id < $1.id }!
            error("\(kind) event IDs must be numbered from \(first) without gaps; ID \(id) is missing before \(next.name) (\(next.id))", at: next.locations["id"])
            return
        }
    }

    // MARK: Helpers

    mutating func checkUnique<T, Key: Hashable>(_ items: [T], _ kind: String, _ key: KeyPath<T, Key>, _ locations: KeyPath<T, FieldLocations>, field: String = "name") {
        var first: [Key: T] = [:]
        for item in items {
            if let earlier = first[item[keyPath: key]] {
                let where_ = earlier[keyPath: locations][field]
                error("duplicate \(kind) \(field) '\(item[keyPath: key])' (first declared at \(where_.line):\(where_.column))", at: item[keyPath: locations][field])
            } else {
                first[item[keyPath: key]] = item
            }
        }
    }

    enum IdentifierPattern { case exported, goPackage }

    func isIdentifier(_ name: String, pattern: IdentifierPattern) -> Bool {
        // ASCII letters and digits only, so the bytes answer it without Unicode tables.
        let bytes = name.utf8
        func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
        func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard let first = bytes.first, bytes.allSatisfy({ isUpper($0) || isLower($0) || isDigit($0) }) else { return false }
        switch pattern {
        case .exported: return isUpper(first)
        case .goPackage: return !bytes.contains(where: isUpper) && isLower(first)
        }
    }

    mutating func identifier(_ name: String, _ kind: String, at location: SourceLocation, pattern: IdentifierPattern) {
        if !isIdentifier(name, pattern: pattern) {
            // The name may hold anything, line breaks included; quote it so the message stays one line.
            error("\(kind) name '\(Escaping.swiftString(name).dropFirst().dropLast())' must start with an upper-case letter and contain only letters and digits", at: location)
        }
    }

    func suggestion(_ word: String, _ candidates: [String]) -> String {
        guard diagnostics.diagnostics.count < Self.errorLimit else { return "" }
        return closestMatch(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
