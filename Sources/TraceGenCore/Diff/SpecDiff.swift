/// Compares the models of two validated specs and gives every difference a severity (see
/// ``SeverityRule``). Locations come from the model's entities, which keep where NEW (or, for a
/// removal, OLD) wrote them.
///
/// Pure: no I/O. Entities are paired by name first; what is left is paired by ID (events and
/// experiments), value (statuses) or a value that only one removed and one added constant share,
/// and such a pair is a rename. Whatever is still unpaired was added or removed.
public enum SpecDiff {
    public static func compare(_ old: TraceModel, _ new: TraceModel) -> SpecDiffReport {
        var comparison = Comparison(old: old, new: new)
        comparison.format()
        comparison.versions()
        comparison.constants()
        comparison.argTypes()
        comparison.experiments()
        comparison.statusSets()
        comparison.ordering()
        comparison.groups()
        comparison.events()
        comparison.roles()
        return SpecDiffReport(oldName: old.specFile, newName: new.specFile, changes: comparison.changes)
    }
}

/// One side-by-side pairing of an entity list.
enum Match<T> {
    case paired(old: T, new: T)
    case added(T)
    case removed(T)
}

/// Pairs by name, then by `key` where exactly one leftover on each side has that key.
/// Paired and added entities come in NEW's order, then removed ones in OLD's order.
///
/// Linear in the number of entities: names and keys are looked up in dictionaries, never by
/// scanning the other side.
func match<T>(_ old: [T], _ new: [T], name: (T) -> String, key: ((T) -> Int)? = nil) -> [Match<T>] {
    // For each name, OLD's indices in order; a repeated name pairs with its occurrences in turn.
    var oldByName: [String: [Int]] = [:]
    for (index, item) in old.enumerated() { oldByName[name(item), default: []].append(index) }
    var nextOfName: [String: Int] = [:]
    var oldFor: [Int: Int] = [:]
    var usedOld = Set<Int>()
    for (newIndex, item) in new.enumerated() {
        let itemName = name(item)
        guard let candidates = oldByName[itemName] else { continue }
        let next = nextOfName[itemName, default: 0]
        guard next < candidates.count else { continue }
        nextOfName[itemName] = next + 1
        oldFor[newIndex] = candidates[next]
        usedOld.insert(candidates[next])
    }
    if let key {
        let leftNew = new.indices.filter { oldFor[$0] == nil }
        var oldWithKey: [Int: [Int]] = [:]
        for index in old.indices where !usedOld.contains(index) { oldWithKey[key(old[index]), default: []].append(index) }
        var newWithKey: [Int: Int] = [:]
        for index in leftNew { newWithKey[key(new[index]), default: 0] += 1 }
        for newIndex in leftNew {
            let value = key(new[newIndex])
            if let olds = oldWithKey[value], olds.count == 1, newWithKey[value] == 1 {
                oldFor[newIndex] = olds[0]
                usedOld.insert(olds[0])
            }
        }
    }
    var result: [Match<T>] = new.enumerated().map { index, item in
        oldFor[index].map { .paired(old: old[$0], new: item) } ?? .added(item)
    }
    result += old.indices.filter { !usedOld.contains($0) }.map { .removed(old[$0]) }
    return result
}

struct Comparison {
    let old: TraceModel
    let new: TraceModel
    var changes: [SpecChange] = []
    /// NEW's name for each paired OLD event and experiment, so references compare by identity.
    var eventPartner: [String: String] = [:]
    var experimentPartner: [String: String] = [:]
    /// NEW's name for each paired OLD constant, so constant roles compare by identity.
    var constantPartner: [String: String] = [:]

    init(old: TraceModel, new: TraceModel) {
        self.old = old
        self.new = new
    }

    // MARK: Recording

    mutating func added(_ entity: SpecChange.Entity, _ name: String, _ rule: SeverityRule, at locations: FieldLocations,
                        detail: String? = nil, note: String) {
        changes.append(SpecChange(kind: .added, entity: entity, name: name, rule: rule, location: locations.entity,
                                  detail: detail, note: note))
    }

    mutating func removed(_ entity: SpecChange.Entity, _ name: String, at locations: FieldLocations) {
        changes.append(SpecChange(kind: .removed, entity: entity, name: name, rule: .removed, location: locations.entity))
    }

    mutating func renamed(_ entity: SpecChange.Entity, from oldName: String, to newName: String, at locations: FieldLocations) {
        guard oldName != newName else { return }
        changes.append(SpecChange(kind: .renamed, entity: entity, name: newName, old: .string(oldName), new: .string(newName),
                                  rule: .renamed, location: locations["name"]))
    }

    mutating func changed(_ entity: SpecChange.Entity, _ name: String, _ field: String, _ oldValue: DiffValue, _ newValue: DiffValue,
                          _ rule: SeverityRule, at locations: FieldLocations) {
        changes.append(SpecChange(kind: .changed, entity: entity, name: name, field: field, old: oldValue, new: newValue,
                                  rule: rule, location: locations[field]))
    }

    /// Records a changed description; descriptions never matter on the wire.
    mutating func description(_ entity: SpecChange.Entity, _ name: String, _ oldText: String, _ newText: String, at locations: FieldLocations) {
        if oldText != newText {
            changed(entity, name, "description", .string(oldText), .string(newText), .documentation, at: locations)
        }
    }

    /// Records a `since` that moved, by how it moved.
    mutating func since(_ entity: SpecChange.Entity, _ name: String, _ oldSince: String, _ newSince: String, at locations: FieldLocations) {
        guard oldSince != newSince else { return }
        let later = (TraceModel.minor(of: newSince) ?? 0) > (TraceModel.minor(of: oldSince) ?? 0)
        changed(entity, name, "since", .string(oldSince), .string(newSince), later ? .sinceLater : .sinceEarlier, at: locations)
    }

    /// Records a change of an optional text field, by `rule`, if the two differ.
    mutating func changed(_ entity: SpecChange.Entity, _ name: String, _ field: String, _ oldText: String?, _ newText: String?,
                          _ rule: SeverityRule, at locations: FieldLocations) {
        if oldText != newText {
            changed(entity, name, field, Self.optional(oldText), Self.optional(newText), rule, at: locations)
        }
    }

    // MARK: Entities

    /// The spec's own fields: title, output names, header size. Optional output names compare as
    /// the model resolves them, so writing out a default is no change.
    mutating func format() {
        let name = new.title
        let at = new.locations
        changed(.format, name, "title", old.title, new.title, .documentation, at: at)
        changed(.format, name, "output.goPackage", old.layout.goPackage, new.layout.goPackage, .generatedNameChanged, at: at)
        changed(.format, name, "output.swiftModule", old.layout.swiftModule, new.layout.swiftModule, .generatedNameChanged, at: at)
        // Where the spec has no goParser block, its fields fall back to the `output` key.
        let parserAt = new.goParser.locations.map { Self.prefixed($0, "output.goParser.") } ?? FieldLocations(entity: at["output"])
        let (was, now) = (old.goParser, new.goParser)
        changed(.format, name, "output.goParser.package", was.package, now.package, .generatedNameChanged, at: parserAt)
        changed(.format, name, "output.goParser.importPath", was.importPath, now.importPath, .generatedNameChanged, at: parserAt)
        changed(.format, name, "output.goParser.syncEvent", was.syncEvent, now.syncEvent, .generatedNameChanged, at: parserAt)
        // The generated Swift enumerations list these names; the events that use them report their own changes.
        // Kinds left to their default follow the events' kinds, and those report their own changes.
        let kindsDeclared = old.declaredKinds != nil || new.declaredKinds != nil
        for (key, was, now) in [("rangeScopes", old.rangeScopes, new.rangeScopes),
                                ("transitionResources", old.transitionResources, new.transitionResources),
                                ("kinds", kindsDeclared ? old.kinds : [], kindsDeclared ? new.kinds : [])] where was != now {
            changed(.format, name, key, .strings(was), .strings(now), .generatedNameChanged, at: at)
        }
        if old.headerSize != new.headerSize {
            changed(.format, name, "headerSize", .int(old.headerSize), .int(new.headerSize), .headerSizeChanged, at: at)
        }
    }

    /// Field locations of a nested mapping, keyed as `prefix` + key, so they answer for dotted field names.
    static func prefixed(_ locations: FieldLocations, _ prefix: String) -> FieldLocations {
        FieldLocations(entity: locations.entity, fields: Dictionary(uniqueKeysWithValues: locations.fields.map { (prefix + $0.key, $0.value) }))
    }

    mutating func versions() {
        for pairing in match(old.versions, new.versions, name: \.name) {
            switch pairing {
            case .added(let version):
                added(.version, version.name, .versionAdded, at: version.locations, detail: "header \"\(version.header)\"", note: version.description)
            case .removed(let version):
                removed(.version, version.name, at: version.locations)
            case .paired(let was, let now):
                // The validator derives the header from the name, so only the description can differ.
                description(.version, now.name, was.description, now.description, at: now.locations)
            }
        }
    }

    mutating func constants() {
        let pairings = match(old.constants, new.constants, name: \.name, key: \.value)
        for case .paired(let was, let now) in pairings { constantPartner[was.name] = now.name }
        for pairing in pairings {
            switch pairing {
            case .added(let constant):
                added(.constant, constant.name, .constantAdded, at: constant.locations, detail: "value \(constant.value)", note: constant.description)
            case .removed(let constant):
                removed(.constant, constant.name, at: constant.locations)
            case .paired(let was, let now):
                renamed(.constant, from: was.name, to: now.name, at: now.locations)
                if was.value != now.value {
                    changed(.constant, now.name, "value", .int(was.value), .int(now.value), now.value > was.value ? .limitRaised : .limitLowered, at: now.locations)
                }
                description(.constant, now.name, was.description, now.description, at: now.locations)
            }
        }
    }

    mutating func argTypes() {
        for pairing in match(old.argTypes, new.argTypes, name: \.name) {
            switch pairing {
            case .added(let type):
                added(.argType, type.name, .argTypeAdded, at: type.locations, note: type.description)
            case .removed(let type):
                removed(.argType, type.name, at: type.locations)
            case .paired(let was, let now):
                description(.argType, now.name, was.description, now.description, at: now.locations)
                changed(.argType, now.name, "status", was.status, now.status, .statusListChanged, at: now.locations)
                // The Swift type as the model resolves it: left out, it follows from `status` or the name.
                changed(.argType, now.name, "swiftType", was.swiftType, now.swiftType, .generatedNameChanged, at: now.locations)
            }
        }
    }

    mutating func experiments() {
        // The model lists experiments by ID.
        let pairings = match(old.experiments, new.experiments, name: \.name, key: \.id)
        for case .paired(let was, let now) in pairings { experimentPartner[was.name] = now.name }
        for pairing in pairings {
            switch pairing {
            case .added(let experiment):
                added(.experiment, experiment.name, .experimentAdded, at: experiment.locations,
                      detail: "ID \(experiment.id), since \(experiment.since.name)", note: experiment.description)
            case .removed(let experiment):
                removed(.experiment, experiment.name, at: experiment.locations)
            case .paired(let was, let now):
                renamed(.experiment, from: was.name, to: now.name, at: now.locations)
                if was.id != now.id {
                    changed(.experiment, now.name, "id", .int(was.id), .int(now.id), .idChanged, at: now.locations)
                }
                since(.experiment, now.name, was.since.name, now.since.name, at: now.locations)
                description(.experiment, now.name, was.description, now.description, at: now.locations)
            }
        }
    }

    /// Sets pair by name; a set added or removed reports each of its values too, since a status
    /// value is what readers and parsers see.
    mutating func statusSets() {
        for pairing in match(old.statusSets, new.statusSets, name: \.name) {
            switch pairing {
            case .added(let set):
                added(.statusSet, set.name, .statusSetAdded, at: set.locations, detail: "type \(set.goType)", note: "The states of a \(set.of).")
                statuses([], set.statuses, entity: .status(of: set))
            case .removed(let set):
                removed(.statusSet, set.name, at: set.locations)
                statuses(set.statuses, [], entity: .status(of: set))
            case .paired(let was, let now):
                changed(.statusSet, now.name, "of", was.of, now.of, .documentation, at: now.locations)
                changed(.statusSet, now.name, "go.type", was.goType, now.goType, .generatedNameChanged, at: now.locations)
                changed(.statusSet, now.name, "go.prefix", was.goPrefix, now.goPrefix, .generatedNameChanged, at: now.locations)
                changed(.statusSet, now.name, "swift.type", was.swiftType, now.swiftType, .generatedNameChanged, at: now.locations)
                statuses(was.statuses, now.statuses, entity: .status(of: now))
            }
        }
    }

    /// Statuses in value order, as the model lists them.
    mutating func statuses(_ oldStatuses: [TraceModel.Status], _ newStatuses: [TraceModel.Status], entity: SpecChange.Entity) {
        for pairing in match(oldStatuses, newStatuses, name: \.name, key: \.value) {
            switch pairing {
            case .added(let status):
                added(entity, status.name, .statusAdded, at: status.locations, detail: "value \(status.value)", note: status.description)
            case .removed(let status):
                removed(entity, status.name, at: status.locations)
            case .paired(let was, let now):
                renamed(entity, from: was.name, to: now.name, at: now.locations)
                if was.value != now.value {
                    changed(entity, now.name, "value", .int(was.value), .int(now.value), .idChanged, at: now.locations)
                }
                if was.display != now.display {
                    changed(entity, now.name, "display", .string(was.display), .string(now.display), .displayChanged, at: now.locations)
                }
                description(entity, now.name, was.description, now.description, at: now.locations)
            }
        }
    }

    /// Groups only title and introduce events in documentation, so every change to them is
    /// cosmetic, their removal included; an event that moves between groups shows as its `group`.
    mutating func groups() {
        for pairing in match(old.groups, new.groups, name: \.name) {
            switch pairing {
            case .added(let group):
                changes.append(SpecChange(kind: .added, entity: .group, name: group.name, rule: .documentation, location: group.locations.entity,
                                          note: group.description))
            case .removed(let group):
                changes.append(SpecChange(kind: .removed, entity: .group, name: group.name, rule: .documentation, location: group.locations.entity))
            case .paired(let was, let now):
                description(.group, now.name, was.description, now.description, at: now.locations)
            }
        }
    }

    mutating func events() {
        let oldVersions = Set(old.versions.map(\.name))
        let pairings = match(old.events, new.events, name: \.name, key: \.id)
        for case .paired(let was, let now) in pairings { eventPartner[was.name] = now.name }
        for pairing in pairings {
            switch pairing {
            case .added(let event):
                let skippable = event.id >= TraceModel.firstExperimentalID || !oldVersions.contains(event.since.name)
                var detail = "ID \(event.id), since \(event.since.name)"
                if let experiment = event.experiment { detail += ", experiment \(experiment.name)" }
                added(.event, event.name, skippable ? .eventAddedSkippable : .eventAddedToKnownVersion, at: event.locations,
                      detail: detail, note: event.description)
            case .removed(let event):
                removed(.event, event.name, at: event.locations)
            case .paired(let was, let now):
                eventFields(was, now)
            }
        }
    }

    mutating func eventFields(_ was: TraceModel.Event, _ now: TraceModel.Event) {
        let name = now.name
        let at = now.locations
        renamed(.event, from: was.name, to: now.name, at: at)
        if was.id != now.id {
            changed(.event, name, "id", .int(was.id), .int(now.id), .idChanged, at: at)
        }
        if was.args != now.args {
            changed(.event, name, "args", .strings(was.args), .strings(now.args),
                    Self.renamedInPlace(was.args, now.args) ? .argsRenamedInPlace : .argsLayoutChanged, at: at)
        }
        for (field, oldPositions, newPositions) in [("stringIDs", was.stringIDs, now.stringIDs), ("stackIDs", was.stackIDs, now.stackIDs)]
        where oldPositions != newPositions {
            let gained = newPositions.filter { !oldPositions.contains($0) }
            let resolved = newPositions.filter { !gained.contains($0) } == oldPositions && gained.allSatisfy(was.unresolved.contains)
            changed(.event, name, field, .ints(oldPositions), .ints(newPositions), resolved ? .positionsResolved : .positionsChanged, at: at)
        }
        if was.unresolved != now.unresolved {
            changed(.event, name, "unresolved", .ints(was.unresolved), .ints(now.unresolved), .unresolvedChanged, at: at)
        }
        // References compare by the entity they point at, so renaming or renumbering it is not a change here.
        if was.start.map({ eventPartner[$0.name] }) != now.start.map({ Optional.some($0.name) }) {
            changed(.event, name, "start", Self.optional(was.start?.name), Self.optional(now.start?.name), .layoutChanged, at: at)
        }
        for (field, oldFlag, newFlag) in [("timed", was.timed, now.timed), ("data", was.hasData, now.hasData), ("stack", was.isStack, now.isStack)]
        where oldFlag != newFlag {
            changed(.event, name, field, .bool(oldFlag), .bool(newFlag), .layoutChanged, at: at)
        }
        if was.experiment.map({ experimentPartner[$0.name] }) != now.experiment.map({ Optional.some($0.name) }) {
            changed(.event, name, "experiment", Self.optional(was.experiment?.name), Self.optional(now.experiment?.name), .layoutChanged, at: at)
        }
        meaning(name, was, now)
        eventOrdering(name, was, now)
        since(.event, name, was.since.name, now.since.name, at: at)
        description(.event, name, was.description, now.description, at: at)
        if was.group != now.group {
            changed(.event, name, "group", .string(was.group), .string(now.group), .documentation, at: at)
        }
    }

    /// What a reader makes of an event (as the model resolves it, so an experiment's events are
    /// Experimental unless they say otherwise), and how writers encode it.
    mutating func meaning(_ name: String, _ was: TraceModel.Event, _ now: TraceModel.Event) {
        let at = now.locations
        let (oldMeaning, newMeaning) = (was.meaning, now.meaning)
        changed(.event, name, "kind", oldMeaning.kind, newMeaning.kind, .meaningChanged, at: at)
        let rangeAt = now.rangeLocations.map { Self.prefixed($0, "range.") } ?? FieldLocations(entity: at["range"])
        // A name that appears or disappears changes what the event is; one that only reads differently does not.
        let (oldRange, newRange) = (oldMeaning.range, newMeaning.range)
        changed(.event, name, "range.name", oldRange?.name, newRange?.name, (oldRange == nil) == (newRange == nil) ? .meaningRenamed : .meaningChanged, at: rangeAt)
        changed(.event, name, "range.scope", oldRange?.scope, newRange?.scope, .meaningChanged, at: rangeAt)
        let (oldMetric, newMetric) = (oldMeaning.metric, newMeaning.metric)
        changed(.event, name, "metric", oldMetric, newMetric, (oldMetric == nil) == (newMetric == nil) ? .meaningRenamed : .meaningChanged, at: at)
        changed(.event, name, "resource", oldMeaning.resource, newMeaning.resource, .meaningChanged, at: at)
        // Compared by position, so renaming an argument in place does not count; shown as written.
        if was.fullWidthArguments != now.fullWidthArguments || was.hasFullWidthDataLength != now.hasFullWidthDataLength {
            changed(.event, name, "fullWidth", .strings(was.fullWidth), .strings(now.fullWidth), .fullWidthChanged, at: at)
        }
    }

    /// Roles compare by the event or constant they name, so renaming that entity is not a change here.
    mutating func roles() {
        let (was, now) = (old.roles, new.roles)
        let (oldAt, newAt) = (was.locations, now.locations)
        let entries: [(key: String, field: String, old: String?, new: String?, partner: [String: String])] =
            EventRole.allCases.map { ($0.rawValue, "event", was[$0]?.name, now[$0]?.name, eventPartner) }
            + ConstantRole.allCases.map { ($0.rawValue, "constant", was[$0]?.name, now[$0]?.name, constantPartner) }
        for entry in entries {
            switch (entry.old, entry.new) {
            case (nil, nil):
                break
            case (nil, let name?):
                changes.append(SpecChange(kind: .added, entity: .role, name: entry.key, rule: .roleAdded, location: newAt[entry.key],
                                          detail: "\(entry.field) \(name)"))
            case (_?, nil):
                changes.append(SpecChange(kind: .removed, entity: .role, name: entry.key, rule: .removed, location: oldAt[entry.key]))
            case (let before?, let after?):
                if entry.partner[before] != after {
                    changed(.role, entry.key, entry.field, .string(before), .string(after), .roleMoved, at: FieldLocations(entity: newAt[entry.key]))
                }
            }
        }
    }

    static func optional(_ text: String?) -> DiffValue { text.map(DiffValue.string) ?? .none }

    /// The type an argument name carries: the part after the last `_`, or the whole name.
    static func argumentType(_ argument: String) -> Substring {
        argument.split(separator: "_", omittingEmptySubsequences: false).last ?? Substring(argument)
    }

    /// Same length, the same type at every position, and no name moved to another position.
    static func renamedInPlace(_ was: [String], _ now: [String]) -> Bool {
        guard was.count == now.count else { return false }
        for (index, (a, b)) in zip(was, now).enumerated() where a != b {
            if argumentType(a) != argumentType(b) { return false }
            if was.indices.contains(where: { $0 != index && was[$0] == b }) { return false }
        }
        return true
    }
}
