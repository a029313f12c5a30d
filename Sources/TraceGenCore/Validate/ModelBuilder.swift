/// Turns a document that passed every rule into the resolved ``TraceModel``.
///
/// It runs only after validation, so every reference it follows exists; it still never traps on a
/// missing one, so a rule that is missing shows up as odd output rather than as a crash.
struct ModelBuilder {
    let document: SpecDocument

    func build() -> TraceModel {
        let versionsByName = Dictionary(document.versions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let orderedVersions = document.versions.sorted { (TraceModel.minor(of: $0.name) ?? 0) < (TraceModel.minor(of: $1.name) ?? 0) }
        func versionReference(_ name: String) -> TraceModel.VersionReference {
            let number = versionsByName[name].flatMap { TraceModel.minor(of: $0.name) } ?? 0
            return TraceModel.VersionReference(name: name, number: number, goName: Naming.goVersion(name), swiftName: Naming.swiftVersion(name))
        }

        let experimentsByName = Dictionary(document.experiments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let eventRoles = Dictionary(document.roles.events.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let constantRoles = Dictionary(document.roles.constants.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })

        let typing = ArgumentTyping(document: document)
        let statusSets = document.statusSets.map(Self.statusSet)
        let resources = document.resources.map { Self.resource($0, in: document, statusSets: statusSets) }
        let declared = document.events.sorted { $0.id < $1.id }
        let references = Dictionary(declared.map { ($0.name, Self.reference($0)) }, uniquingKeysWith: { first, _ in first })
        let events = declared.map { event in
            TraceModel.Event(
                id: event.id, name: event.name, goName: Naming.goEvent(event.name), swiftName: Naming.swiftMember(event.name),
                args: event.args, arguments: typing.arguments(of: event), stringIDs: event.stringIDs, stackIDs: event.stackIDs,
                start: event.start.flatMap { references[$0] },
                timed: event.timed, hasData: event.hasData, isStack: event.isStack,
                experiment: event.experiment.flatMap { name in
                    experimentsByName[name].map { TraceModel.ExperimentReference(id: $0.id, name: $0.name, goName: $0.name, swiftName: Naming.swiftMember($0.name)) }
                },
                since: versionReference(event.since), description: event.description, summary: Self.summary(event.description),
                group: event.group, section: event.id < TraceModel.firstExperimentalID ? .regular : .experimental,
                role: eventRoles[event.name], meaning: Self.meaning(of: event),
                fullWidthArguments: event.args.indices.filter { event.fullWidth.contains(event.args[$0]) },
                hasFullWidthDataLength: event.fullWidth.contains("data"), fullWidth: event.fullWidth, unresolved: event.unresolved,
                ordering: Self.ordering(of: event, arguments: typing.arguments(of: event), resources: resources),
                locations: event.locations, rangeLocations: event.range?.locations, orderingLocations: event.ordering?.locations)
        }

        let versions = orderedVersions.map { version in
            let number = TraceModel.minor(of: version.name) ?? 0
            return TraceModel.Version(
                name: version.name, number: number, header: version.header,
                headerPadding: max(0, document.headerSize - version.header.utf8.count), description: version.description,
                goName: Naming.goVersion(version.name), swiftName: Naming.swiftVersion(version.name),
                newEvents: events.filter { $0.since.name == version.name }.map(\.reference),
                eventCount: events.filter { $0.since.number <= number }.count, locations: version.locations)
        }

        let constants = document.constants.map { constant in
            TraceModel.Constant(name: constant.name, value: constant.value, description: constant.description,
                                goName: constant.name, swiftName: Naming.swiftMember(constant.name), role: constantRoles[constant.name],
                                locations: constant.locations)
        }

        let experiments = document.experiments.sorted { $0.id < $1.id }.map { experiment in
            TraceModel.Experiment(
                id: experiment.id, name: experiment.name, description: experiment.description, since: versionReference(experiment.since),
                goName: experiment.name, swiftName: Naming.swiftMember(experiment.name),
                events: events.filter { $0.experiment?.name == experiment.name }.map(\.reference), locations: experiment.locations)
        }

        let groupsByName = Dictionary(document.groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let groups = document.groups.map { group in
            TraceModel.Section(name: group.name, description: group.description,
                               events: events.filter { $0.group == group.name }.sorted { $0.id < $1.id }, locations: group.locations)
        }

        var roleEvents: [EventRole: TraceModel.EventReference] = [:]
        for (role, name) in document.roles.events { roleEvents[role] = references[name] }
        var roleConstants: [ConstantRole: TraceModel.Constant] = [:]
        for (role, name) in document.roles.constants { roleConstants[role] = constants.first { $0.name == name } }

        return TraceModel(
            title: document.title, specFile: document.file, headerSize: document.headerSize, versions: versions,
            constants: constants,
            argTypes: document.argTypes.map {
                TraceModel.ArgType(name: $0.name, description: $0.description, swiftType: typing.swiftTypeName(of: $0.name),
                                   status: $0.status, locations: $0.locations)
            },
            experiments: experiments,
            statusSets: statusSets,
            events: events,
            regularSections: Self.sections(events.filter { $0.section == .regular }, groups: groupsByName, fallback: document.locations),
            experimentalSections: Self.sections(events.filter { $0.section == .experimental }, groups: groupsByName, fallback: document.locations),
            groups: groups,
            roles: TraceModel.Roles(events: roleEvents, constants: roleConstants,
                                    locations: FieldLocations(entity: document.locations["roles"], fields: document.roles.locations.fields)),
            layout: TraceModel.Layout(
                goPackage: document.goPackage, goDirectory: "Go/\(document.goPackage)/", swiftModule: document.swiftModule,
                swiftDirectory: "Swift/\(document.swiftModule)/", docsPath: "Docs/\(document.swiftModule).md"),
            identifierTypes: typing.identifierTypes, goParser: Self.goParser(document),
            resources: resources, handlers: Self.handlers(document, events: events),
            rangeScopes: document.resolvedRangeScopes, transitionResources: document.resolvedTransitionResources,
            kinds: document.resolvedKinds, declaredKinds: document.kinds, locations: document.locations)
    }

    static func reference(_ event: EventDecl) -> TraceModel.EventReference {
        TraceModel.EventReference(id: event.id, name: event.name, goName: Naming.goEvent(event.name), swiftName: Naming.swiftMember(event.name))
    }

    static func statusSet(_ set: StatusSetDecl) -> TraceModel.StatusSet {
        let sorted = set.values.sorted { $0.value < $1.value }
        let statuses = sorted.map {
            TraceModel.Status(value: $0.value, name: $0.name, display: $0.display, description: $0.description, summary: summary($0.description),
                              goName: set.goPrefix + $0.name, swiftName: Naming.swiftMember($0.name), locations: $0.locations)
        }
        return TraceModel.StatusSet(
            name: set.name, of: set.of, goType: set.goType, goPrefix: set.goPrefix, swiftType: set.swiftType, statuses: statuses,
            fallbackDisplay: sorted.first { $0.value == 0 }?.display ?? "Bad",
            isDense: sorted.enumerated().allSatisfy { $0.offset == $0.element.value }, locations: set.locations)
    }

    /// Runs of consecutive events (by ID) that share a group, in ID order. A run points at its
    /// group; `fallback` stands in for a group that is missing, which validation already refused.
    static func sections(_ events: [TraceModel.Event], groups: [String: GroupDecl], fallback: FieldLocations) -> [TraceModel.Section] {
        var result: [(name: String, events: [TraceModel.Event])] = []
        for event in events {
            if result.last?.name == event.group {
                result[result.count - 1].events.append(event)
            } else {
                result.append((event.group, [event]))
            }
        }
        return result.map {
            TraceModel.Section(name: $0.name, description: groups[$0.name]?.description ?? "", events: $0.events,
                               locations: groups[$0.name]?.locations ?? fallback)
        }
    }

    /// The first sentence of a description, without its final period, for one-line comments.
    static func summary(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let sentence: String
        if let range = flat.range(of: ". ") {
            sentence = String(flat[..<range.lowerBound])
        } else {
            sentence = flat.hasSuffix(".") ? String(flat.dropLast()) : flat
        }
        return lowerFirst(sentence)
    }
}
