/// The resolved model: what the validator makes of a spec that passed, and all that renderers
/// and `tracegen diff` see.
///
/// Every reference is resolved to a value, every list is in the order it is printed in, every
/// identifier of both languages and every output path is decided here, once. A renderer that
/// needs to sort, parse or look something up by name has found a field this model is missing.
///
/// Entities keep where the spec wrote them (`locations`), and the few things a comparison of two
/// specs needs as written rather than as resolved (``declaredKinds``, an event's ``Event/fullWidth``
/// and ``Event/unresolved``), so that a diff can point into the file; renderers never read them.
public struct TraceModel: Hashable, Sendable {
    /// The format's title, as the spec's `title` says.
    public let title: String
    /// The spec file as diagnostics named it.
    public let specFile: String
    /// The size in bytes of the header that starts every trace.
    public let headerSize: Int
    /// Versions, oldest first; never empty.
    public let versions: [Version]
    /// Constants in spec order.
    public let constants: [Constant]
    /// The argument types in spec order.
    public let argTypes: [ArgType]
    /// Experiments in ID order (IDs 1, 2, ...).
    public let experiments: [Experiment]
    /// The status sets in spec order, each sorted by value.
    public let statusSets: [StatusSet]
    /// Every event in ID order.
    public let events: [Event]
    /// The regular events (IDs below ``firstExperimentalID``), as runs of consecutive events that share a group.
    public let regularSections: [Section]
    /// The experimental events, as runs of consecutive events that share a group.
    public let experimentalSections: [Section]
    /// The spec's groups in file order, each with its events in ID order, for reference pages.
    public let groups: [Section]
    /// The events and constants that play a role, resolved.
    public let roles: Roles
    /// Where every output goes and what every generated top-level declaration is called.
    public let layout: Layout
    /// The argument types that typed events give an ID type of their own, in spec order.
    public let identifierTypes: [IdentifierType]
    /// Where the kind table of Go's parser goes.
    public let goParser: GoParserLayout
    /// What the ordering keeps state for, in spec order; empty when the spec states no ordering.
    public let resources: [Resource]
    /// The hand-written ordering handlers, in spec order.
    public let handlers: [Handler]
    /// What ranges may be attached to, in the order the generated enumeration lists them.
    public let rangeScopes: [String]
    /// What state transitions may change, in the order the generated enumeration lists them.
    public let transitionResources: [String]
    /// The kinds events may have, in the order the generated enumeration lists them.
    public let kinds: [String]
    /// The kinds as the spec's `kinds` lists them; nil when the spec leaves them to follow the events.
    public let declaredKinds: [String]?
    /// Where the spec wrote its top-level keys (`title`, `output`, `headerSize`, `roles`, ...).
    public let locations: FieldLocations

    /// Whether the spec states how events are ordered.
    public var statesOrdering: Bool { !resources.isEmpty }

    /// Regular events have IDs below this value; experimental events start here.
    public static let firstExperimentalID = 128
    /// The smallest value that no event ID may reach.
    public static let idLimit = 256

    public var regularEvents: ArraySlice<Event> { events.prefix { $0.section == .regular } }
    public var experimentalEvents: ArraySlice<Event> { events.drop { $0.section == .regular } }
    /// Whether an experimental event has the highest ID, 255, so "one past the last" does not fit in a byte.
    public var experimentalRangeIsFull: Bool { events.last.map { $0.id == Self.idLimit - 1 } ?? false }
    /// The newest version.
    public var latestVersion: Version { versions[versions.count - 1] }
    /// The status set with this name, if the spec declares one.
    public func statusSet(named name: String) -> StatusSet? { statusSets.first { $0.name == name } }

    /// The minor release number in a version name such as `go1.23`; versions are ordered by it.
    public static func minor(of versionName: String) -> Int? {
        guard versionName.hasPrefix("go1."), let minor = Int(versionName.dropFirst(4)), minor >= 0,
              String(minor) == versionName.dropFirst(4) else { return nil }
        return minor
    }

    // MARK: Entities

    /// One trace format version.
    public struct Version: Hashable, Sendable {
        /// The spec name, such as `go1.23`.
        public let name: String
        /// The version number a trace's header carries (the Go minor release, 23 for `go1.23`).
        public let number: Int
        /// The header text before its NUL padding.
        public let header: String
        /// How many NUL bytes pad the header to the header size.
        public let headerPadding: Int
        public let description: String
        /// The Go constant, such as `Go123`.
        public let goName: String
        /// The Swift case, such as `go1_23`.
        public let swiftName: String
        /// Events introduced in this version, in ID order.
        public let newEvents: [EventReference]
        /// How many events a trace of this version may contain.
        public let eventCount: Int
        public let locations: FieldLocations
    }

    /// A named limit of the format.
    public struct Constant: Hashable, Sendable {
        public let name: String
        public let value: Int
        public let description: String
        /// The Go constant; the spec name itself.
        public let goName: String
        /// The Swift static property, such as `maxBatchSize`.
        public let swiftName: String
        /// The role the constant plays, if any.
        public let role: ConstantRole?
        public let locations: FieldLocations
    }

    /// A typed suffix of argument names.
    public struct ArgType: Hashable, Sendable {
        public let name: String
        public let description: String
        /// What typed events make of arguments of this type, before any type prefix: an ID type,
        /// `GoStatus`, `ProcStatus`, or `UInt64`.
        public let swiftType: String
        /// The status set whose values arguments of this type hold, by name, as the spec says.
        public let status: String?
        public let locations: FieldLocations
    }

    /// An optional runtime experiment.
    public struct Experiment: Hashable, Sendable {
        public let id: Int
        public let name: String
        public let description: String
        /// The first version that can carry its events.
        public let since: VersionReference
        /// The Go constant; the spec name itself.
        public let goName: String
        /// The Swift case, such as `allocFree`.
        public let swiftName: String
        /// Its events in ID order.
        public let events: [EventReference]
        public let locations: FieldLocations
    }

    /// A status enumeration, sorted by value.
    public struct StatusSet: Hashable, Sendable {
        /// The spec's name for it (`goStatuses`).
        public let name: String
        /// What its values are the state of, read after "a" (`goroutine`).
        public let of: String
        /// The Go type name (`GoStatus`, `ProcStatus`).
        public let goType: String
        /// What the Go constants of its values start with (`Go`, as in `GoRunning`).
        public let goPrefix: String
        /// The Swift enumeration before the type prefix (`GoStatus`).
        public let swiftType: String
        public let statuses: [Status]
        /// What any value without a status of its own prints as: the display of value 0.
        public let fallbackDisplay: String
        /// Whether the values run 0, 1, 2, ... without gaps, so Go can number them with `iota`.
        public let isDense: Bool
        /// Besides the set's own keys, `go.type`, `go.prefix` and `swift.type`.
        public let locations: FieldLocations

        /// How messages and reports name one of its values (`goroutine status`).
        public var kind: String { "\(of) status" }
    }

    /// One status value.
    public struct Status: Hashable, Sendable {
        public let value: Int
        public let name: String
        public let display: String
        public let description: String
        /// Its first sentence without the final period, lower-cased where that reads naturally.
        public let summary: String
        /// The Go constant, such as `GoRunning` or `ProcIdle`.
        public let goName: String
        /// The Swift case, such as `running`.
        public let swiftName: String
        public let locations: FieldLocations
    }

    /// Where an event's ID puts it.
    public enum EventSection: String, Hashable, Sendable {
        case regular
        case experimental
    }

    /// A resolved reference to an event, with the identifiers a renderer prints for it.
    public struct EventReference: Hashable, Sendable {
        public let id: Int
        public let name: String
        public let goName: String
        public let swiftName: String
    }

    /// A resolved reference to a version.
    public struct VersionReference: Hashable, Sendable {
        public let name: String
        public let number: Int
        public let goName: String
        public let swiftName: String
    }

    /// A resolved reference to an experiment.
    public struct ExperimentReference: Hashable, Sendable {
        public let id: Int
        public let name: String
        public let goName: String
        public let swiftName: String
    }

    /// One event type.
    public struct Event: Hashable, Sendable {
        public let id: Int
        public let name: String
        /// The Go constant: `Ev` and the name.
        public let goName: String
        /// The Swift case, such as `goCreate`.
        public let swiftName: String
        public let args: [String]
        /// The arguments resolved: their types and which table each refers to, in wire order.
        public let arguments: [Argument]
        public let stringIDs: [Int]
        public let stackIDs: [Int]
        /// The event that opens the range this one closes.
        public let start: EventReference?
        public let timed: Bool
        public let hasData: Bool
        public let isStack: Bool
        public let experiment: ExperimentReference?
        public let since: VersionReference
        /// The full description.
        public let description: String
        /// Its first sentence without the final period, lower-cased where that reads naturally.
        public let summary: String
        /// The name of its group.
        public let group: String
        public let section: EventSection
        /// The role the event plays, if any.
        public let role: EventRole?
        /// What the event means to a reader.
        public let meaning: Meaning
        /// Positions of arguments written as ten-byte varints whatever their value.
        public let fullWidthArguments: [Int]
        /// Whether the trailing data's length is written as a ten-byte varint.
        public let hasFullWidthDataLength: Bool
        /// The spec's `fullWidth` as written (argument names and `data`), for reports.
        public let fullWidth: [String]
        /// Positions whose names say string or stack ID but that the tables do not list; never emitted.
        public let unresolved: [Int]
        /// How a parser orders it; nil when the spec states no ordering.
        public let ordering: Ordering?
        public let locations: FieldLocations
        /// Where the spec wrote its `range` mapping, if it has one.
        public let rangeLocations: FieldLocations?
        /// Where the spec wrote its `ordering` entry, if it has one.
        public let orderingLocations: FieldLocations?

        public var reference: EventReference { EventReference(id: id, name: name, goName: goName, swiftName: swiftName) }
    }

    /// One argument of an event, resolved.
    public struct Argument: Hashable, Sendable {
        /// The name as the spec writes it, such as `new_stack`.
        public let name: String
        /// The position in the event's arguments.
        public let position: Int
        /// The declared argument type it carries (its suffix after `_`, or the whole name), if any.
        public let type: String?
        /// The table its value indexes, if the event lists it in `stringIDs` or `stackIDs`.
        public let table: Table?
        /// A Swift identifier for it: lowerCamelCase (`newStack`), backquoted if it is a keyword.
        public let swiftName: String
        /// Its type as a field of a typed event, from its argument type.
        public let fieldType: FieldType
        /// What the argument holds, from its argument type; nil for untyped arguments.
        public let meaning: String?
    }

    /// A side table that arguments may refer to.
    public enum Table: String, Hashable, Sendable {
        case string
        case stack
    }

    /// A titled run of events.
    public struct Section: Hashable, Sendable {
        public let name: String
        public let description: String
        public let events: [Event]
        /// Where the spec wrote the group.
        public let locations: FieldLocations
    }

    /// The events and constants named by the spec's `roles:`; nil where the spec names none.
    public struct Roles: Hashable, Sendable {
        public let events: [EventRole: EventReference]
        public let constants: [ConstantRole: Constant]
        /// Where each role's value was written, by role key; the entity is where the `roles` mapping starts.
        public let locations: FieldLocations

        public subscript(_ role: EventRole) -> EventReference? { events[role] }
        public subscript(_ role: ConstantRole) -> Constant? { constants[role] }
    }

    // MARK: Output layout

    /// Paths of every output and the names of the declarations the generator itself makes.
    public struct Layout: Hashable, Sendable {
        /// The Go package name.
        public let goPackage: String
        /// The folder of the Go package, relative to the output folder, with a trailing slash.
        public let goDirectory: String
        /// The Swift module name.
        public let swiftModule: String
        /// The folder of the Swift module, relative to the output folder, with a trailing slash.
        public let swiftDirectory: String
        /// The reference page, relative to the output folder.
        public let docsPath: String
    }
}

/// The names of the Swift types the generator declares, decided by the type prefix alone, so the
/// build plugin can know the file names before it reads a config.
public struct SwiftTypeNames: Hashable, Sendable {
    public let prefix: String
    public var eventType: String { prefix + "EventType" }
    public var eventSpec: String { prefix + "EventSpec" }
    public var experiment: String { prefix + "Experiment" }
    public var version: String { prefix + "TraceVersion" }
    public var limits: String { prefix + "TraceLimits" }
    public var argumentType: String { prefix + "ArgumentType" }
    public var event: String { prefix + "Event" }
    public var eventKind: String { prefix + "EventKind" }
    public var eventRange: String { prefix + "EventRange" }
    public var rangeScope: String { prefix + "RangeScope" }
    public var transitionResource: String { prefix + "TransitionResource" }
    public var eventArgumentError: String { prefix + "EventArgumentError" }

    public init(prefix: String) {
        self.prefix = prefix
    }

    /// Every type name whatever the spec says, for collision checks; status sets and ID types
    /// add the types the spec names.
    public var all: [String] {
        [eventType, eventSpec, experiment, version, limits, argumentType,
         event, eventKind, eventRange, rangeScope, transitionResource, eventArgumentError]
    }
}
