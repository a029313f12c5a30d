/// Where each field of one spec entity was written, so later stages can point at it.
public struct FieldLocations: Hashable, Sendable {
    /// The start of the entity itself (for a list item, its first key).
    public var entity: SourceLocation
    /// The value of each key, plus list elements as `key[index]`.
    public var fields: [String: SourceLocation]

    public init(entity: SourceLocation, fields: [String: SourceLocation] = [:]) {
        self.entity = entity
        self.fields = fields
    }

    /// The location of a field's value, or of the entity where the field was left out.
    public subscript(_ key: String) -> SourceLocation { fields[key] ?? entity }

    /// The location of one element of a list field.
    public subscript(_ key: String, _ index: Int) -> SourceLocation { fields["\(key)[\(index)]"] ?? self[key] }
}

/// The spec as written in the YAML file, typed but not yet checked for consistency.
///
/// The loader produces it; the validator checks it and resolves it into a ``TraceModel``.
public struct SpecDocument: Hashable, Sendable {
    public var file: String
    public var title: String
    public var goPackage: String
    public var swiftModule: String
    /// Where Go's parser finds the generated tables, for the parser's own event table.
    public var goParser: GoParserDecl = GoParserDecl()
    public var headerSize: Int
    public var versions: [VersionDecl]
    public var constants: [ConstantDecl]
    public var argTypes: [ArgTypeDecl]
    public var experiments: [ExperimentDecl]
    /// The status enumerations, in file order; argument types and resources name them.
    public var statusSets: [StatusSetDecl] = []
    public var groups: [GroupDecl]
    /// What a parser keeps state for while ordering events; empty for a spec that states no ordering.
    public var resources: [ResourceDecl] = []
    /// The hand-written ordering handlers events may name.
    public var handlers: [HandlerDecl] = []
    /// What ranges may be attached to, as written; nil: `none` and every resource with statuses.
    public var rangeScopes: [String]? = nil
    /// What state transitions may change, as written; nil: every resource with statuses.
    public var transitionResources: [String]? = nil
    /// The kinds events may have, in the order readers list them, as written; nil: those of
    /// ``KnownKind`` that the events state, in the order they first appear.
    public var kinds: [String]? = nil
    /// Which events and constants play the parts a reader of any such format relies on.
    public var roles: RolesDecl = RolesDecl()
    public var locations: FieldLocations

    /// Every event of every group, in file order.
    public var events: [EventDecl] { groups.flatMap(\.events) }

    /// The first status set with this name.
    public func statusSet(named name: String) -> StatusSetDecl? { statusSets.first { $0.name == name } }

    /// The range scopes events may use: as declared, or `none` and the resources with statuses.
    public var resolvedRangeScopes: [String] {
        rangeScopes ?? [RangeDecl.noScope] + resources.filter { $0.statuses != nil }.map(\.name)
    }

    /// The resources state transitions may change: as declared, or the resources with statuses.
    public var resolvedTransitionResources: [String] {
        transitionResources ?? resources.filter { $0.statuses != nil }.map(\.name)
    }

    /// The kinds events may have: as declared, or else the kinds the generator knows
    /// (``KnownKind``) that the events state (Experimental for an experiment's events that state
    /// none), in the order they first appear, after Sync when the Go parser makes up Sync events.
    /// A kind of the spec's own must be declared, so that a misspelt kind is an error.
    public var resolvedKinds: [String] {
        if let kinds { return kinds }
        var used: [String] = goParser.syncEvent == nil ? [] : [KnownKind.sync.rawValue]
        var seen = Set(used)
        for event in events {
            if let kind = event.knownKind, seen.insert(kind.rawValue).inserted { used.append(kind.rawValue) }
        }
        return used
    }
}

/// A trace format version, named after the Go release that introduced it (`go1.23`).
public struct VersionDecl: Hashable, Sendable {
    public var name: String
    /// The text at the start of a trace, before the NUL padding.
    public var header: String
    public var description: String
    public var locations: FieldLocations
}

/// A named numeric limit of the format.
public struct ConstantDecl: Hashable, Sendable {
    public var name: String
    public var value: Int
    public var description: String
    public var locations: FieldLocations
}

/// A typed suffix that argument names may carry, such as `stack` in `new_stack`.
public struct ArgTypeDecl: Hashable, Sendable {
    public var name: String
    public var description: String
    /// The distinct Swift type that typed events give arguments of this type, such as `GoroutineID`.
    public var swiftType: String? = nil
    /// The name of the status set whose values arguments of this type hold.
    public var status: String? = nil
    public var locations: FieldLocations
}

/// An optional runtime experiment whose events live in the experimental ID range.
public struct ExperimentDecl: Hashable, Sendable {
    public var id: Int
    public var name: String
    public var since: String
    public var description: String
    public var locations: FieldLocations
}

/// A status enumeration: the states one kind of thing (a goroutine, a P) can be recorded in.
public struct StatusSetDecl: Hashable, Sendable {
    /// How argument types and resources refer to it (`goStatuses`).
    public var name: String
    /// What its values are the state of, as a noun read after "a" (`goroutine`, `P`).
    public var of: String
    /// The Go type (`GoStatus`).
    public var goType: String
    /// What the Go constants of its values start with (`Go`, as in `GoRunning`).
    public var goPrefix: String
    /// The Swift enumeration, before the module's type prefix; the Go type unless the spec says otherwise.
    public var swiftType: String
    public var values: [StatusDecl]
    /// Besides the set's own keys, `go.type`, `go.prefix` and `swift.type`.
    public var locations: FieldLocations

    /// How messages and reports name one of its values (`goroutine status`).
    public var kind: String { "\(of) status" }
}

/// One value of a status set.
public struct StatusDecl: Hashable, Sendable {
    public var value: Int
    public var name: String
    /// What the status prints as; older releases print some values as `Bad`.
    public var display: String
    public var description: String
    /// The state a parsed event reports for it, when that is not the state of the same name.
    public var state: String? = nil
    public var locations: FieldLocations
}

/// A titled group of related events, kept for documentation and section comments.
public struct GroupDecl: Hashable, Sendable {
    public var name: String
    public var description: String
    public var events: [EventDecl]
    public var locations: FieldLocations
}

/// One event type of the wire format.
public struct EventDecl: Hashable, Sendable {
    public var id: Int
    public var name: String
    public var args: [String]
    public var stringIDs: [Int]
    public var stackIDs: [Int]
    /// Positions whose argument names say string or stack ID but that this release's tables do not
    /// list in ``stringIDs`` or ``stackIDs``; release snapshots record such gaps honestly. Never emitted.
    public var unresolved: [Int] = []
    /// The name of the event that opens the range this event closes.
    public var start: String?
    public var timed: Bool
    public var hasData: Bool
    public var isStack: Bool
    public var experiment: String?
    public var since: String
    public var description: String
    public var group: String
    /// What the event means to a reader, as one of the spec's kinds; nil for structural events.
    public var kind: String? = nil
    /// For range events: which range the event begins, continues or ends.
    public var range: RangeDecl? = nil
    /// For metric events: the name of the metric the event samples.
    public var metric: String? = nil
    /// For state transitions: the resource whose state changes, one of the spec's transition resources.
    public var resource: String? = nil
    /// Varints that writers put down at the full width of ten bytes, because the runtime reserves
    /// them and fills them in later: argument names, or `data` for the trailing data's length.
    public var fullWidth: [String] = []
    /// How a parser orders the event; nil where the spec states no ordering.
    public var ordering: OrderingDecl? = nil
    public var locations: FieldLocations
}

/// The range a range event belongs to.
public struct RangeDecl: Hashable, Sendable {
    /// The range's name; `{arg}` stands for the string an argument names (of the event, or of its
    /// start event for an event that has none of its own).
    public var name: String
    /// What the range is attached to, one of the spec's range scopes.
    public var scope: String
    public var locations: FieldLocations

    /// The scope of a range that belongs to no resource, such as a stop-the-world.
    public static let noScope = "none"
}

/// How Go's parser (the package that reads traces) refers to the generated tables.
public struct GoParserDecl: Hashable, Sendable {
    /// The parser's package name.
    public var package: String = "trace"
    /// The import path of the generated tables as the parser imports them; nil means
    /// `internal/trace/` followed by the Go package name.
    public var importPath: String? = nil
    /// The parser's own event type for the Sync events it makes up between generations; it gets
    /// the Sync kind in the kind table beside the wire events.
    public var syncEvent: String? = nil
    public var locations: FieldLocations? = nil
}

/// The kinds that the generator and its rules give a meaning to, by the name a spec's `kinds`
/// gives them: a range kind carries a range, Metric a metric, StateTransition the resource that
/// changes; an experiment's events are Experimental; Go's parser makes up Sync events. Every other
/// kind is only a name, which goes into the generated kind enumeration as the spec lists it.
public enum KnownKind: String, CaseIterable, Hashable, Sendable {
    case sync = "Sync"
    case metric = "Metric"
    case rangeBegin = "RangeBegin"
    case rangeActive = "RangeActive"
    case rangeEnd = "RangeEnd"
    case stateTransition = "StateTransition"
    case experimental = "Experimental"

    /// True for the three kinds that carry a ``RangeDecl``.
    public var isRange: Bool { self == .rangeBegin || self == .rangeActive || self == .rangeEnd }
}

/// A part that one event plays in the wire format, named by the spec's `roles:` mapping.
///
/// The generator knows no event by name; what it must know about particular events it learns here.
public enum EventRole: String, CaseIterable, Hashable, Sendable {
    /// The event that opens a batch.
    case batch
    /// The event that carries one string table entry, as trailing data.
    case stringEntry
    /// The event that carries one stack table entry, followed by its frames.
    case stackEntry
    /// The event that carries a batch of experimental data, as trailing data.
    case experimentalBatch

    /// Whether the event in this role carries trailing data (a length and that many bytes).
    public var carriesData: Bool { self == .stringEntry || self == .experimentalBatch }
}

/// A part that one constant plays, named by the spec's `roles:` mapping.
public enum ConstantRole: String, CaseIterable, Hashable, Sendable {
    /// The largest number of arguments a timed event may have, its time delta included.
    case timedArgsLimit
}

/// The spec's `roles:` mapping as written: each role names an event or a constant, or is absent.
public struct RolesDecl: Hashable, Sendable {
    public var events: [EventRole: String] = [:]
    public var constants: [ConstantRole: String] = [:]
    /// Where each role's value was written, by role key.
    public var locations: FieldLocations = FieldLocations(entity: SourceLocation(file: "", line: 1, column: 1))

    public init(events: [EventRole: String] = [:], constants: [ConstantRole: String] = [:], locations: FieldLocations? = nil) {
        self.events = events
        self.constants = constants
        if let locations { self.locations = locations }
    }

    /// Every role key the spec may use.
    public static let keys = EventRole.allCases.map(\.rawValue) + ConstantRole.allCases.map(\.rawValue)
}
