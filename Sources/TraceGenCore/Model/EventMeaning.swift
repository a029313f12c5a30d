/// The parts of the resolved model that say what events mean to a reader and how typed events
/// type their arguments.
extension TraceModel {
    /// What an event means to a reader, as the spec states it.
    public struct Meaning: Hashable, Sendable {
        /// One of the spec's kinds; nil for structural events, Experimental for an experiment's
        /// events that state no kind.
        public let kind: String?
        public let range: Range?
        public let metric: String?
        /// The resource a state transition changes, one of the spec's transition resources.
        public let resource: String?

        public static let none = Meaning(kind: nil, range: nil, metric: nil, resource: nil)

        /// The kind, where it is one the generator gives a meaning to.
        public var known: KnownKind? { kind.flatMap(KnownKind.init(rawValue:)) }
    }

    /// The range a range event belongs to.
    public struct Range: Hashable, Sendable {
        /// The name as written, `{argument}` placeholders included.
        public let name: String
        public let template: RangeNameTemplate
        /// One of the spec's range scopes.
        public let scope: String
    }

    /// The Swift type of an argument as a field of a typed event.
    public enum FieldType: Hashable, Sendable {
        /// A plain `UInt64`.
        case raw
        /// A distinct ID type; the name before any type prefix, such as `GoroutineID`.
        case identifier(String)
        /// A status enumeration; the Swift name before any type prefix, such as `GoStatus`.
        case status(String)

        /// Whether the field holds a status.
        public var isStatus: Bool { if case .status = self { true } else { false } }
    }

    /// An argument type that typed events give a distinct ID type.
    public struct IdentifierType: Hashable, Sendable {
        /// The Swift name before any type prefix, such as `GoroutineID`.
        public let swiftName: String
        /// The argument type, such as `g`.
        public let argumentType: String
        public let meaning: String
    }

    /// Where the kind table of Go's parser goes and how it refers to the generated tables.
    public struct GoParserLayout: Hashable, Sendable {
        /// The parser's package name, such as `trace`.
        public let package: String
        /// The file, relative to the output folder.
        public let path: String
        /// How the parser imports the generated tables.
        public let importPath: String
        /// The import's explicit name, when the path's last element is not the package name.
        public let importName: String?
        /// The table's name, after the tables package, as Go's parser has always named it.
        public let tableName: String
        /// The parser's own event type for the Sync events it makes up, if the spec names one.
        public let syncEvent: String?
        /// Where the spec wrote its `goParser` mapping; nil when it has none.
        public let locations: FieldLocations?
    }
}
