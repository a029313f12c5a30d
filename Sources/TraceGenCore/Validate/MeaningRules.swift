/// Rules for what events mean to a reader (kind, range, metric, resource) and for the types
/// that typed events give their arguments. They belong to the one validator; this file only
/// keeps them together.
extension Check {
    mutating func checkMeanings() {
        checkArgTypeMappings()
        checkGoParser()
        checkScopeLists()
        checkKinds()
        var scopeOfRange: [String: (scope: String, event: String)] = [:]
        for event in document.events {
            checkMeaning(of: event, scopes: &scopeOfRange)
            checkFullWidth(event)
        }
    }

    mutating func checkMeaning(of event: EventDecl, scopes: inout [String: (scope: String, event: String)]) {
        let loc = event.locations
        var kind: KnownKind?
        if let name = event.kind {
            kind = KnownKind(rawValue: name)
            if !kinds.contains(name) {
                let candidates = (document.kinds == nil ? kinds.union(KnownKind.allCases.map(\.rawValue)) : kinds).sorted()
                let hint = suggestion(name, candidates)
                let listed = document.kinds == nil ? (hint.isEmpty ? "; a kind of the spec's own must be listed in kinds" : "") : " (not in kinds)"
                error("event \(event.name) has unknown kind '\(name)'\(listed)\(hint)", at: loc["kind"])
            }
        }
        // A kind that is not one of the spec's was reported above; the rules below judge only
        // stated kinds that exist, and events that state none.
        let judged = event.kind.map(kinds.contains) ?? true

        // Readers skip what they do not know of an experiment, so its events form a kind of their
        // own; an experimental event that states no kind has that one.
        if event.experiment != nil, let name = event.kind, kind != .experimental {
            error("experimental event \(event.name) has kind \(name); events of an experiment have kind Experimental", at: loc["kind"])
        } else if event.experiment == nil, kind == .experimental {
            error("event \(event.name) has kind Experimental but names no experiment", at: loc["kind"])
        }

        if let range = event.range {
            if kind?.isRange != true, judged {
                error("event \(event.name) has a range but its kind is not RangeBegin, RangeActive or RangeEnd", at: loc["range"])
            }
            if !rangeScopes.contains(range.scope) {
                error("range scope '\(range.scope)' of \(event.name) must be one of \(rangeScopes.joined(separator: ", "))", at: range.locations["scope"])
            } else if let earlier = scopes[range.name], earlier.scope != range.scope {
                error("range '\(range.name)' has scope \(range.scope) in \(event.name) but \(earlier.scope) in \(earlier.event)", at: range.locations["scope"])
            } else {
                scopes[range.name] = (range.scope, event.name)
            }
            checkRangeName(range, of: event)
        } else if let kind, kind.isRange {
            error("range event \(event.name) must name its range in 'range'", at: loc["kind"])
        }

        if event.metric != nil, kind != .metric, judged {
            error("event \(event.name) has a metric but its kind is not Metric", at: loc["metric"])
        } else if kind == .metric, event.metric == nil {
            error("metric event \(event.name) must name its metric in 'metric'", at: loc["kind"])
        }

        if let resource = event.resource {
            if kind != .stateTransition, judged {
                error("event \(event.name) has a resource but its kind is not StateTransition", at: loc["resource"])
            }
            if !transitionResources.contains(resource) {
                let names = transitionResources.isEmpty ? "a transition resource, and the spec declares none" : "one of " + transitionResources.joined(separator: ", ")
                error("resource '\(resource)' of \(event.name) must be \(names)", at: loc["resource"])
            }
        } else if kind == .stateTransition {
            error("state transition \(event.name) must name the resource that changes in 'resource'", at: loc["kind"])
        }
    }

    /// The declared range scopes and transition resources become enumeration cases: each is
    /// lower-case letters, listed once, and where the spec has resources, one of those with
    /// statuses (a range scope may also be `none`).
    mutating func checkScopeLists() {
        let withStatuses = document.resources.filter { $0.statuses != nil }.map(\.name)
        let lists: [(key: String, what: String, names: [String]?, allowsNone: Bool)] = [
            ("rangeScopes", "range scope", document.rangeScopes, true),
            ("transitionResources", "transition resource", document.transitionResources, false),
        ]
        for list in lists {
            guard let names = list.names else { continue }
            var seen: Set<String> = []
            for (index, name) in names.enumerated() {
                let at = document.locations[list.key, index]
                if name.isEmpty || !name.allSatisfy({ $0.isASCII && $0.isLetter && $0.isLowercase }) {
                    error("\(list.what) '\(name)' must be lower-case letters only", at: at)
                } else if !seen.insert(name).inserted {
                    error("\(list.key) lists '\(name)' twice", at: at)
                } else if name == RangeDecl.noScope, !list.allowsNone {
                    error("\(list.what) '\(name)' names nothing that changes; list only resources", at: at)
                } else if name != RangeDecl.noScope || !list.allowsNone, !document.resources.isEmpty, !withStatuses.contains(name) {
                    error("\(list.what) '\(name)' is not a resource with statuses\(suggestion(name, withStatuses))", at: at)
                }
            }
        }
    }

    /// The declared kinds become enumeration cases in Swift and `Event<Kind>` names in Go: each is
    /// an upper-case letter followed by letters and digits, listed once; and where Go's parser
    /// makes up Sync events, Sync is one of them.
    mutating func checkKinds() {
        guard let names = document.kinds else { return }
        var seen: Set<String> = []
        for (index, name) in names.enumerated() {
            let at = document.locations["kinds", index]
            let scalars = name.unicodeScalars
            if scalars.first.map({ !("A"..."Z").contains($0) }) ?? true
                || !scalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }) {
                error("kind '\(name)' must be an upper-case letter followed by letters and digits", at: at)
            } else if !seen.insert(name).inserted {
                error("kinds lists '\(name)' twice", at: at)
            }
        }
        if document.goParser.syncEvent != nil, !seen.contains(KnownKind.sync.rawValue) {
            error("kinds must list Sync: Go's parser makes up Sync events (output.goParser.syncEvent)", at: document.locations["kinds"])
        }
    }

    /// Full-width varints are the event's arguments, or `data` for an event with trailing data.
    mutating func checkFullWidth(_ event: EventDecl) {
        var seen: Set<String> = []
        for (index, name) in event.fullWidth.enumerated() {
            let at = event.locations["fullWidth", index]
            if !seen.insert(name).inserted {
                error("fullWidth of \(event.name) lists '\(name)' twice", at: at)
            } else if name == "data" ? !event.hasData : !event.args.contains(name) {
                error("fullWidth of \(event.name) names '\(name)', which is neither one of its arguments nor 'data' of an event with data", at: at)
            }
        }
    }

    /// A `{name}` in a range name stands for a string argument of the event, or of its start event.
    mutating func checkRangeName(_ range: RangeDecl, of event: EventDecl) {
        let at = range.locations["name"]
        guard let placeholders = RangeNameTemplate(range.name) else {
            error("range name '\(range.name)' of \(event.name) has an unmatched '{' or '}'", at: at)
            return
        }
        let start = event.start.flatMap { firstEventNamed[$0] }
        for argument in placeholders.arguments {
            let own = event.args.firstIndex(of: argument).map { event.stringIDs.contains($0) } ?? false
            let inherited = start.map { start in start.args.firstIndex(of: argument).map { start.stringIDs.contains($0) } ?? false } ?? false
            if !own, !inherited {
                let whose = start.map { "\(event.name) or its start event \($0.name)" } ?? event.name
                error("range name of \(event.name) refers to '{\(argument)}', which is not a string argument of \(whose)", at: at)
            }
        }
    }

    /// Argument types that typed events give a type of their own: a distinct ID type or a status enumeration.
    mutating func checkArgTypeMappings() {
        var firstWithSwiftType: [String: String] = [:]
        for type in document.argTypes {
            if let swiftType = type.swiftType {
                if !isIdentifier(swiftType, pattern: .exported) {
                    error("swiftType '\(swiftType)' of argument type \(type.name) must start with an upper-case letter and contain only letters and digits", at: type.locations["swiftType"])
                } else if let other = firstWithSwiftType[swiftType] {
                    error("swiftType '\(swiftType)' of argument type \(type.name) is already the type of \(other); each ID type must be distinct", at: type.locations["swiftType"])
                } else {
                    firstWithSwiftType[swiftType] = type.name
                }
                if type.status != nil {
                    error("argument type \(type.name) has both a swiftType and a status; a status argument takes its status type", at: type.locations["status"])
                }
            }
            if let status = type.status, document.statusSet(named: status) == nil {
                error("status '\(status)' of argument type \(type.name) is not a status set\(suggestion(status, document.statusSets.map(\.name)))", at: type.locations["status"])
            }
        }
    }

    mutating func checkGoParser() {
        let parser = document.goParser
        guard let locations = parser.locations else { return }
        if !isIdentifier(parser.package, pattern: .goPackage) {
            error("output goParser package '\(parser.package)' must be a lower-case Go package name", at: locations["package"])
        }
        if let path = parser.importPath, path.isEmpty || path.hasPrefix("/") || path.hasSuffix("/") || path.contains(" ") {
            error("output goParser importPath '\(path)' must be a Go import path such as internal/trace/tracev2", at: locations["importPath"])
        }
        if let sync = parser.syncEvent, sync.first.map({ !$0.isLetter }) ?? true || !sync.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            error("output goParser syncEvent '\(sync)' must be a Go identifier", at: locations["syncEvent"])
        }
    }
}

extension EventDecl {
    /// The event's kind: the one it states, Experimental for an experiment's events that state
    /// none, and nil for structural events.
    public var eventKind: String? {
        kind ?? (experiment == nil ? nil : KnownKind.experimental.rawValue)
    }

    /// The event's kind, where it is one the generator gives a meaning to.
    public var knownKind: KnownKind? { eventKind.flatMap(KnownKind.init(rawValue:)) }
}

/// A range name such as `stop-the-world ({kind_string})`, split into text and argument references.
public struct RangeNameTemplate: Hashable, Sendable {
    public enum Part: Hashable, Sendable {
        case text(String)
        case argument(String)
    }

    public let parts: [Part]

    /// Nil when a brace is unmatched.
    public init?(_ name: String) {
        var parts: [Part] = []
        var rest = Substring(name)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else { return nil }
            let argument = rest[rest.index(after: open)..<close]
            guard !argument.contains("{") else { return nil }
            if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
            parts.append(.argument(String(argument)))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The arguments the name refers to, in order.
    public var arguments: [String] {
        parts.compactMap { if case .argument(let name) = $0 { name } else { nil } }
    }
}
