/// Choices a package makes about the Swift it gets, e.g. through the build plugin's config file.
public struct SwiftRenderOptions: Hashable, Sendable {
    /// `public`, `package` or `internal`.
    public var accessLevel: String
    /// Prepended to every generated type name, for packages that hold more than one spec.
    public var typePrefix: String
    /// The module the code is compiled into; nil means the spec's `swiftModule`.
    public var moduleName: String?

    public init(accessLevel: String = "public", typePrefix: String = "", moduleName: String? = nil) {
        self.accessLevel = accessLevel
        self.typePrefix = typePrefix
        self.moduleName = moduleName
    }

    public static let accessLevels = ["public", "package", "internal"]
}

/// Emits the Swift definitions module: event types with their specs, experiments, statuses,
/// limits and versions, all `Sendable` and documented.
public struct SwiftRenderer {
    let model: TraceModel
    let context: RenderContext
    let options: SwiftRenderOptions

    public init(model: TraceModel, context: RenderContext, options: SwiftRenderOptions = SwiftRenderOptions()) {
        self.model = model
        self.context = context
        self.options = options
    }

    /// Where spec names become Swift members, and the members the generator itself declares there.
    public enum Scope: String, CaseIterable, Sendable {
        /// `EventType` cases and `EventSpec` static properties, named after events.
        case events
        /// `Experiment` cases.
        case experiments
        /// `GoStatus` and `ProcStatus` cases.
        case statuses
        /// `TraceLimits` static properties, named after constants.
        case constants

        /// Members every type of the scope declares or inherits, that a spec name must not take.
        public var declaredMembers: [String] {
            let common = ["init", "self", "Type", "Protocol", "none", "some", "rawValue", "allCases", "hashValue", "hash", "description"]
            return switch self {
            case .events: common + SwiftEventTypeFile.members + SwiftEventSpecFile.members + SwiftTypedEventFile.members + SwiftEventKindFile.members
            case .experiments: common + SwiftExperimentFile.members
            case .statuses: common + SwiftStatusesFile.members
            case .constants: common + SwiftLimitsFile.members
            }
        }
    }

    /// The files, by name only; the caller places them (the CLI under `Swift/<module>/`).
    public func renderFiles() -> [GeneratedFile] {
        let names = SwiftTypeNames(prefix: options.typePrefix)
        let generators: [any FileGenerator] = [
            SwiftEventTypeFile(model: model, names: names, access: options.accessLevel),
            SwiftEventSpecFile(model: model, names: names, access: options.accessLevel),
            SwiftExperimentFile(model: model, names: names, access: options.accessLevel),
            SwiftStatusesFile(model: model, names: names, access: options.accessLevel),
            SwiftVersionFile(model: model, names: names, access: options.accessLevel),
            SwiftLimitsFile(model: model, names: names, access: options.accessLevel),
            SwiftTypedEventFile(model: model, names: names, access: options.accessLevel, moduleName: options.moduleName ?? model.layout.swiftModule),
            SwiftEventKindFile(model: model, names: names, access: options.accessLevel),
        ]
        return generators.map { $0.generate(context: context) }
    }

    public func render() -> [GeneratedFile] {
        renderFiles().map { GeneratedFile(path: model.layout.swiftDirectory + $0.path, contents: $0.contents) }
    }
}

extension CodePrinter {
    /// A `switch self` with one line per case; an empty type gets `switch self {}`, which Swift
    /// accepts as exhaustive.
    mutating func switchOverSelf(_ cases: [String]) {
        guard !cases.isEmpty else { return line("switch self {}") }
        line("switch self {")
        for item in cases { line(item) }
        line("}")
    }

    /// Opens a `UInt8`-backed enumeration. Swift refuses a raw type on an enum without cases, so an
    /// empty one gets the same API written out: `init?(rawValue:)` that always fails, and a `rawValue`
    /// that no value can reach.
    mutating func uint8Enum(_ access: String, _ name: String, conformances: [String], cases: [(swiftName: String, value: Int, about: String)], _ body: (inout CodePrinter) -> Void) {
        let protocols = (cases.isEmpty ? ["RawRepresentable"] : ["UInt8"]) + conformances
        block("\(access) enum \(name): \(protocols.joined(separator: ", ")) {") { p in
            for item in cases {
                p.docComment(item.about)
                p.line("case \(item.swiftName) = \(item.value)")
            }
            if cases.isEmpty {
                p.docComment("The spec declares no values, so no raw value makes one.")
                p.line("\(access) init?(rawValue: UInt8) { nil }")
                p.line()
                p.docComment("Never called: the type has no values.")
                p.line("\(access) var rawValue: UInt8 { switch self {} }")
            }
            p.line()
            body(&p)
        }
    }
}
