/// `Experiment.swift`: one case per experiment.
struct SwiftExperimentFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.experiment + ".swift" }
    var language: OutputLanguage { .swift }

    static let members = ["names", "name", "since", "events"]

    func body(_ p: inout CodePrinter) {
        let type = names.experiment
        p.docComment("An optional runtime experiment. Its events use the experimental ID range, so readers can tell them apart from regular events and skip the ones they do not know.")
        let cases = model.experiments.map { (swiftName: $0.swiftName, value: $0.id, about: $0.description) }
        p.uint8Enum(access, type, conformances: ["CaseIterable", "Hashable", "Sendable", "CustomStringConvertible"], cases: cases) { p in
            p.docComment("Names indexed by experiment ID; index 0, `None`, stands for no experiment.")
            p.line("\(access) static let names: [String] = [\((["None"] + model.experiments.map(\.name)).map { p.string($0) }.joined(separator: ", "))]")
            p.line()
            p.docComment("The experiment's name as the spec writes it.")
            p.line("\(access) var name: String { Self.names[Int(rawValue)] }")
            p.line()
            p.docComment("The same as ``name``.")
            p.line("\(access) var description: String { name }")
            p.line()
            p.docComment("The first trace version that can carry the experiment's events.")
            p.block("\(access) var since: \(names.version) {") { p in
                p.switchOverSelf(model.experiments.map { "case .\($0.swiftName): .\($0.since.swiftName)" })
            }
            p.line()
            p.docComment("The experiment's event types, in ID order.")
            p.line("\(access) var events: [\(names.eventType)] { \(names.eventType).allCases.filter { $0.spec.experiment == self } }")
        }
    }
}

/// `Statuses.swift`: one enumeration per status set.
struct SwiftStatusesFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.prefix + "Statuses.swift" }
    var language: OutputLanguage { .swift }

    static let members = ["displayName"]

    func body(_ p: inout CodePrinter) {
        for (index, set) in model.statusSets.enumerated() {
            if index > 0 { p.line() }
            statusEnum(names.prefix + set.swiftType, about: "The state of a \(set.of), as a trace records it.", set, &p)
        }
    }

    private func statusEnum(_ name: String, about: String, _ set: TraceModel.StatusSet, _ p: inout CodePrinter) {
        p.docComment(about)
        let cases = set.statuses.map { (swiftName: $0.swiftName, value: $0.value, about: $0.description) }
        p.uint8Enum(access, name, conformances: ["CaseIterable", "Hashable", "Sendable", "CustomStringConvertible"], cases: cases) { p in
            p.docComment("The display string trace tools print for this status.")
            p.block("\(access) var description: String {") { p in
                p.switchOverSelf(set.statuses.map { "case .\($0.swiftName): \(p.string($0.display))" })
            }
            p.line()
            p.docComment("The display string for any raw value; values without a status of their own print as \(set.fallbackDisplay).")
            p.block("\(access) static func displayName(forRawValue raw: UInt64) -> String {") { p in
                p.line("guard raw <= UInt64(UInt8.max), let status = Self(rawValue: UInt8(raw)) else { return \(p.string(set.fallbackDisplay)) }")
                p.line("return status.description")
            }
        }
    }
}

/// `TraceVersion.swift`: one case per trace version, with its header.
struct SwiftVersionFile: FileGenerator {
    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.version + ".swift" }
    var language: OutputLanguage { .swift }

    func body(_ p: inout CodePrinter) {
        let headerSize = model.headerSize
        let type = names.version
        p.docComment("A version of the trace format, numbered after the Go minor release that introduced it.")
        p.line("///")
        p.docComment("A trace starts with a \(headerSize)-byte header naming its version: `go 1.N trace` padded with NUL bytes.")
        p.block("\(access) enum \(type): UInt8, CaseIterable, Comparable, Hashable, Sendable, CustomStringConvertible {") { p in
            for version in model.versions {
                p.docComment(version.description)
                p.line("case \(version.swiftName) = \(version.number)")
            }
            p.line()
            p.docComment("The newest version.")
            p.line("\(access) static let latest: \(type) = .\(model.latestVersion.swiftName)")
            p.line()
            p.docComment("The size of a trace header in bytes.")
            p.line("\(access) static let headerSize = \(headerSize)")
            p.line()
            p.docComment("The version's name, such as `\(model.versions[0].name)`.")
            p.line("\(access) var name: String { \"go1.\\(rawValue)\" }")
            p.line()
            p.docComment("The same as ``name``.")
            p.line("\(access) var description: String { name }")
            p.line()
            p.docComment("The header text before its NUL padding, such as `\(model.versions[0].header)`.")
            p.line("\(access) var headerText: String { \"go 1.\\(rawValue) trace\" }")
            p.line()
            p.docComment("The \(headerSize) header bytes that start a trace of this version.")
            p.block("\(access) var header: [UInt8] {") { p in
                p.line("let text = Array(headerText.utf8)")
                p.line("return text + Array(repeating: 0, count: Self.headerSize - text.count)")
            }
            p.line()
            p.docComment("Reads a version from the first \(headerSize) bytes of a trace; nil unless they are exactly the header of a known version.")
            p.block("\(access) init?(header bytes: some Collection<UInt8>) {") { p in
                p.line("let header = Array(bytes.prefix(Self.headerSize))")
                p.line("guard let version = Self.allCases.first(where: { $0.header == header }) else { return nil }")
                p.line("self = version")
            }
            p.line()
            p.docComment("Looks a version up by its name, such as `\(model.latestVersion.name)`.")
            p.block("\(access) init?(name: String) {") { p in
                p.line("guard let version = Self.allCases.first(where: { $0.name == name }) else { return nil }")
                p.line("self = version")
            }
            p.line()
            p.docComment("Whether a trace of this version may contain events of type `event`. Experimental events count from the version that introduced them, like any other.")
            p.line("\(access) func contains(_ event: \(names.eventType)) -> Bool { event.spec.since <= self }")
            p.line()
            p.docComment("The event types a trace of this version may contain, in ID order.")
            p.line("\(access) var events: [\(names.eventType)] { \(names.eventType).allCases.filter(contains) }")
            p.line()
            p.docComment("Orders versions from oldest to newest.")
            p.line("\(access) static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }")
        }
    }
}

/// `TraceLimits.swift`: the spec's constants.
struct SwiftLimitsFile: FileGenerator {
    /// The members it declares besides the constants, which a constant's name must not take.
    static let members = ["TimedEventArguments"]

    let model: TraceModel
    let names: SwiftTypeNames
    let access: String
    var path: String { names.limits + ".swift" }
    var language: OutputLanguage { .swift }

    func body(_ p: inout CodePrinter) {
        p.docComment("Limits of the trace format. Readers use them to bound what they accept.")
        p.block("\(access) enum \(names.limits): Sendable {") { p in
            for (index, constant) in model.constants.enumerated() {
                if index > 0 { p.line() }
                p.docComment(constant.description)
                p.line("\(access) static let \(constant.swiftName) = \(constant.value)")
            }
            if let limit = model.constants.first(where: { $0.role == .timedArgsLimit }) {
                p.line()
                timedArguments(&p, limit)
            }
        }
    }

    /// Inline storage for a timed event's arguments after its time delta, as many as the spec's
    /// limit allows: one stored property each, so a reader keeps them without allocating.
    private func timedArguments(_ p: inout CodePrinter, _ limit: TraceModel.Constant) {
        let capacity = max(limit.value - 1, 0)
        p.docComment("""
            The arguments of one timed event after its time delta, held inline: as many as \
            `\(limit.swiftName)` allows, less the time delta.
            """)
        p.block("\(access) struct TimedEventArguments: Hashable, Sendable {") { p in
            p.docComment("How many arguments fit.")
            p.line("\(access) static let capacity = \(capacity)")
            p.line()
            for index in 0..<capacity {
                p.line("private var argument\(index): UInt64 = 0")
            }
            if capacity > 0 { p.line() }
            p.docComment("No arguments: every one reads as zero.")
            p.line("\(access) init() {}")
            p.line()
            p.docComment("The argument at `index`, zero beyond ``capacity``. Setting one beyond it is a programming error.")
            p.block("\(access) subscript(index: Int) -> UInt64 {") { p in
                // Cases sit at the switch's own indentation, as Swift code is written.
                p.block("@inline(__always) get {") { p in
                    p.line("switch index {")
                    for index in 0..<capacity { p.line("case \(index): argument\(index)") }
                    p.line("default: 0")
                    p.line("}")
                }
                p.block("@inline(__always) set {") { p in
                    p.line("switch index {")
                    for index in 0..<capacity { p.line("case \(index): argument\(index) = newValue") }
                    p.line("default: preconditionFailure(\"argument \\(index) is beyond the format's limit of \\(Self.capacity)\")")
                    p.line("}")
                }
            }
        }
    }
}
