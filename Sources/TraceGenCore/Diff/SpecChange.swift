/// One difference between two specs, as `tracegen diff` reports it.
public struct SpecChange: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case added, removed, changed, renamed
    }

    /// The kind of spec entity a change is about. A status is named after its set's type, so a
    /// report reads `goStatus Running` for a value of the set whose type is `GoStatus`.
    public struct Entity: Hashable, Sendable {
        /// The key text and JSON reports use, such as `event`.
        public let rawValue: String
        /// How release notes name the entity.
        public let prose: String

        public init(rawValue: String, prose: String) {
            self.rawValue = rawValue
            self.prose = prose
        }

        /// The spec as a whole: its title, output names and header size. Named by NEW's title.
        public static let format = Entity(rawValue: "format", prose: "format")
        public static let version = Entity(rawValue: "version", prose: "version")
        public static let constant = Entity(rawValue: "constant", prose: "constant")
        public static let argType = Entity(rawValue: "argType", prose: "argument type")
        public static let experiment = Entity(rawValue: "experiment", prose: "experiment")
        /// A status set as a whole: its names in the generated code.
        public static let statusSet = Entity(rawValue: "statusSet", prose: "status set")
        /// Something the ordering keeps state for.
        public static let resource = Entity(rawValue: "resource", prose: "resource")
        /// A hand-written ordering handler.
        public static let handler = Entity(rawValue: "handler", prose: "ordering handler")
        /// A titled group of events; it only shapes documentation.
        public static let group = Entity(rawValue: "group", prose: "group")
        public static let event = Entity(rawValue: "event", prose: "event")
        /// One of the `roles:` keys, such as `batch`.
        public static let role = Entity(rawValue: "role", prose: "role")

        /// A value of a status set: keyed by the set's Swift type with a lower-case first letter
        /// (`goStatus`), and named in prose by what the set is the state of (`goroutine status`).
        public static func status(of set: TraceModel.StatusSet) -> Entity {
            Entity(rawValue: (set.swiftType.first.map { $0.lowercased() } ?? "") + set.swiftType.dropFirst(), prose: set.kind)
        }
    }

    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case cosmetic, compatible, breaking

        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var kind: Kind
    public var entity: Entity
    /// The entity's name in NEW (in OLD for a removal).
    public var name: String
    /// The spec key that changed; set for `changed` only.
    public var field: String?
    /// The value in OLD: the changed field's value, or the former name of a renamed entity.
    public var old: DiffValue?
    /// The value in NEW: the changed field's value, or the new name of a renamed entity.
    public var new: DiffValue?
    public var severity: Severity
    /// The rule that decided ``severity``; every change has exactly one.
    public var rule: SeverityRule
    /// NEW's location of the changed field or entity; OLD's location for a removal.
    public var location: SourceLocation
    /// A short identification of an added entity (`ID 45, since go1.23`), for text and notes.
    public var detail: String?
    /// The description of an added entity, for release notes.
    public var note: String?

    public init(kind: Kind, entity: Entity, name: String, field: String? = nil, old: DiffValue? = nil, new: DiffValue? = nil,
                rule: SeverityRule, location: SourceLocation, detail: String? = nil, note: String? = nil) {
        self.kind = kind
        self.entity = entity
        self.name = name
        self.field = field
        self.old = old
        self.new = new
        self.severity = rule.severity
        self.rule = rule
        self.location = location
        self.detail = detail
        self.note = note
    }
}

/// A field value as a diff shows it: in text as written in a spec, in JSON as the matching JSON value.
public enum DiffValue: Hashable, Sendable {
    case int(Int)
    case string(String)
    case bool(Bool)
    case ints([Int])
    case strings([String])
    /// An optional field that is not set (no start event, no experiment).
    case none
}

/// Every rule that gives a change its severity. The README lists them; each has its own test.
///
/// The question behind each rule: would a reader built for OLD misread or reject a trace written
/// for NEW? Removals also break the other way round, so they count as breaking too.
public enum SeverityRule: String, Sendable, CaseIterable {
    /// Any entity removed: tools built for NEW lose it, and its ID or value is free to be reused.
    case removed
    /// An event added in the experimental range, or first valid in a version OLD does not have.
    case eventAddedSkippable
    /// A regular event added to a version OLD already has: OLD's readers of that version reject it.
    case eventAddedToKnownVersion
    /// An experiment added: readers skip the batches of experiments they do not know.
    case experimentAdded
    /// A status value added: OLD's readers cannot interpret the new value.
    case statusAdded
    /// A status set added: only argument types and resources that name it, reported on their own, give it meaning.
    case statusSetAdded
    /// A limit added: it only constrains what NEW's writers produce.
    case constantAdded
    /// An argument type added: it only names arguments, whose own changes are reported separately.
    case argTypeAdded
    /// A version added: OLD's readers refuse its header outright instead of misreading it.
    case versionAdded
    /// The same event or experiment ID, status value or unique constant value under a new name.
    case renamed
    /// An event's or experiment's ID, or a status's value, changed.
    case idChanged
    /// Arguments added, removed or reordered, or one of a different type at some position.
    case argsLayoutChanged
    /// Arguments renamed where they stand, each keeping its type.
    case argsRenamedInPlace
    /// String or stack positions changed.
    case positionsChanged
    /// String or stack positions gained only positions that OLD listed as unresolved.
    case positionsResolved
    /// The `unresolved` list changed; the position lists carry the wire meaning.
    case unresolvedChanged
    /// The start event, timed, data, stack or experiment of an event changed.
    case layoutChanged
    /// An event or experiment became valid in a later version than before.
    case sinceLater
    /// An event or experiment became valid in an earlier version than before.
    case sinceEarlier
    /// A status prints differently; nothing on the wire changes.
    case displayChanged
    /// A limit went up: NEW's writers may exceed what OLD's readers accept.
    case limitRaised
    /// A limit went down: NEW's traces still fit OLD's limits.
    case limitLowered
    /// A description, an event's group, a group added or removed, or the spec's title changed: documentation only.
    case documentation
    /// The header size changed: OLD's readers look for the first batch at the wrong offset.
    case headerSizeChanged
    /// What a reader makes of an event changed: its kind, the scope of its range, the resource
    /// of its transition, or whether it names a range or a metric at all.
    case meaningChanged
    /// The name of the range or metric an event reports changed; it is classified as before.
    case meaningRenamed
    /// The varints that writers put down at full width changed; readers decode both widths alike.
    case fullWidthChanged
    /// The status list an argument type's values come from changed: the same number now means another status.
    case statusListChanged
    /// A name the generated code declares or imports changed (`output`, an argument type's
    /// `swiftType`): code built on the generated files must follow, traces read as before.
    case generatedNameChanged
    /// A role given to an event or constant where OLD gave it to none.
    case roleAdded
    /// A role given to another event or constant than in OLD.
    case roleMoved
    /// NEW states how events are ordered where OLD stated nothing: parsers can now be generated from it.
    case orderingStated
    /// NEW no longer states how events are ordered: parsers generated from OLD lose their source.
    case orderingDropped
    /// A resource or an ordering handler added: events only use it through changes reported on their own.
    case orderingPartAdded
    /// A resource's argument type, statuses, states or the state a status reads as changed: a parser
    /// built for OLD tracks it differently.
    case resourceChanged
    /// What an event requires of its thread's context, or when that is checked, changed.
    case orderingContextChanged
    /// What an event checks and changes (its from and to statuses, which resource, binding, range)
    /// changed: a parser built for OLD accepts or rejects other traces, or reports other transitions.
    case orderingTransitionChanged
    /// Which argument carries an event's sequence number, or what a mismatch means, changed.
    case orderingSequenceChanged
    /// Whether an event is ordered, by data or by which handler, changed: parsers need other code.
    case orderingHandlerChanged
    /// An error text of the ordering changed: the same traces fail, with other words.
    case orderingMessageChanged

    public var severity: SpecChange.Severity {
        switch self {
        case .removed, .eventAddedToKnownVersion, .statusAdded, .idChanged, .argsLayoutChanged, .positionsChanged,
             .layoutChanged, .sinceEarlier, .limitRaised, .headerSizeChanged, .meaningChanged, .statusListChanged, .roleMoved,
             .orderingDropped, .resourceChanged, .orderingContextChanged, .orderingTransitionChanged, .orderingSequenceChanged,
             .orderingHandlerChanged:
            .breaking
        case .eventAddedSkippable, .experimentAdded, .statusSetAdded, .constantAdded, .argTypeAdded, .versionAdded, .renamed,
             .argsRenamedInPlace, .positionsResolved, .unresolvedChanged, .sinceLater, .displayChanged, .limitLowered,
             .meaningRenamed, .fullWidthChanged, .generatedNameChanged, .roleAdded, .orderingStated, .orderingPartAdded,
             .orderingMessageChanged:
            .compatible
        case .documentation:
            .cosmetic
        }
    }
}

/// How much change makes `tracegen diff` exit with status 1.
public enum DiffFailLevel: String, Sendable, CaseIterable {
    /// Fail on breaking changes only.
    case breaking
    /// Fail on any change, cosmetic ones included.
    case any
    /// Never fail because of changes.
    case none
}

/// All changes between two specs, in a stable order.
public struct SpecDiffReport: Hashable, Sendable {
    /// The names OLD and NEW go by in locations and titles.
    public var oldName: String
    public var newName: String
    public var changes: [SpecChange]

    public init(oldName: String, newName: String, changes: [SpecChange]) {
        self.oldName = oldName
        self.newName = newName
        self.changes = changes
    }

    public func count(_ severity: SpecChange.Severity) -> Int { changes.filter { $0.severity == severity }.count }

    /// True when a change reaches the level that should fail the command.
    public func fails(at level: DiffFailLevel) -> Bool {
        switch level {
        case .breaking: changes.contains { $0.severity == .breaking }
        case .any: !changes.isEmpty
        case .none: false
        }
    }
}
