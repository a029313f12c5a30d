/// A spec that passed validation: the document as written (for `diff`, which points into it) and
/// the resolved ``TraceModel`` (for the renderers).
public struct TraceSpec: Hashable, Sendable {
    public let document: SpecDocument
    /// All events ordered by wire ID.
    public let events: [EventDecl]
    /// Versions ordered from oldest to newest.
    public let versions: [VersionDecl]
    /// The resolved model the renderers print.
    public let model: TraceModel

    /// Regular events have IDs below this value; experimental events start here.
    public static let firstExperimentalID = 128
    /// The smallest value that no event ID may reach.
    public static let idLimit = 256

    init(validated document: SpecDocument) {
        self.document = document
        events = document.events.sorted { $0.id < $1.id }
        versions = document.versions.sorted { (Self.minor(of: $0.name) ?? 0) < (Self.minor(of: $1.name) ?? 0) }
        model = ModelBuilder(document: document).build()
    }

    public var regularEvents: [EventDecl] { events.filter { $0.id < Self.firstExperimentalID } }
    public var experimentalEvents: [EventDecl] { events.filter { $0.id >= Self.firstExperimentalID } }

    public func event(named name: String) -> EventDecl? { events.first { $0.name == name } }
    public func experiment(named name: String) -> ExperimentDecl? { document.experiments.first { $0.name == name } }
    public func constant(named name: String) -> ConstantDecl? { document.constants.first { $0.name == name } }

    /// The events a trace of `version` may contain: those introduced at or before it.
    public func events(validIn version: VersionDecl) -> [EventDecl] {
        guard let minor = Self.minor(of: version.name) else { return [] }
        return events.filter { (Self.minor(of: $0.since) ?? Int.max) <= minor }
    }

    /// The minor release number in a version name such as `go1.23`.
    public static func minor(of versionName: String) -> Int? {
        guard versionName.hasPrefix("go1."), let minor = Int(versionName.dropFirst(4)), minor >= 0,
              String(minor) == versionName.dropFirst(4) else { return nil }
        return minor
    }
}
