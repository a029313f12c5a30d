import Foundation
import Testing
@testable import TraceGenCore

/// `tracegen diff` over the real release history: each consecutive pair of snapshots, and the
/// newest snapshot against Specs/v2.yaml.
///
/// What the tables changed is worked out from the committed real tables of both releases (the
/// JSON the Go toolchains produced), so the test does not restate it. Only facts the tables do not
/// carry are listed by hand below, each with where it comes from.
@Suite struct DiffHistoryTests {
    static let releases = [22, 23, 24, 25, 26, 27]

    static func snapshot(_ minor: Int) throws -> TraceModel {
        try TraceGen.loadSpec(path: Repo.path("Specs/releases/go1.\(minor).yaml"), displayName: "go1.\(minor).yaml")
    }

    static func realTables(_ minor: Int) throws -> CanonicalTables {
        try CanonicalTables.decode(String(contentsOfFile: Repo.path("Tests/Fixtures/real-tables/go1.\(minor).json"), encoding: .utf8))
    }

    /// Changes the real tables cannot show, as `kind entity name [field]: severity`.
    /// Sources: GO-TRACE-FACTS.md ("How the tables changed between releases") and the snapshots' own notes.
    static let beyondTheTables: [Int: [String]] = [
        // 1.22 → 1.23: the experimental batch event arrived, and with it the role naming it.
        // The snapshots file the new events under groups of their own (documentation only).
        23: [
            "added role experimentalBatch: compatible",
            "added group Experimental batches: cosmetic",
            "added group Coroutines: cosmetic",
            "added group Goroutine status with stack: cosmetic",
            "added group AllocFree heap spans: cosmetic",
            "added group AllocFree heap objects: cosmetic",
            "added group AllocFree goroutine stacks: cosmetic",
        ],
        // 1.24 → 1.25: the limit was renamed (same value) and MaxTimedEventArgs appeared; the
        // CPUSample stack position that 1.24 left out of its table is listed from 1.25 on.
        25: [
            "renamed constant MaxEventTrailerDataSize: compatible",
            "changed constant MaxEventTrailerDataSize description: cosmetic",
            "added constant MaxTimedEventArgs: compatible",
            "changed event CPUSample unresolved: compatible",
            // MaxTimedEventArgs is the limit on timed events' arguments from the release that introduced it.
            "added role timedArgsLimit: compatible",
            // The snapshots before 1.25 carry no goParser block: their parser lived in
            // internal/trace/v2, whose own Sync event type the snapshots do not describe, though
            // it had one. The import path they fall back to is the one 1.25 writes out, so only
            // the sync event shows.
            "changed format Go execution trace v2 output.goParser.syncEvent: compatible",
            // The sync batch events get a group of their own.
            "added group Synchronisation: cosmetic",
        ],
        // 1.25 → 1.26: version 1.25 stops accepting EndOfGeneration; it counts from 1.26.
        26: [
            "changed event EndOfGeneration since: compatible",
            "changed event EndOfGeneration description: cosmetic",
        ],
        // 1.26 → 1.27: only the 1.27 snapshot states the ordering (docs/spec-format.md says why).
        27: [
            "changed format Go execution trace v2 resources: compatible",
        ],
    ]

    /// What the real tables say changed from `old` to `new`, in the diff's terms.
    static func tableChanges(_ old: CanonicalTables, _ new: CanonicalTables) -> Set<String> {
        var result: Set<String> = []
        let oldEvents = Dictionary(uniqueKeysWithValues: old.events.map { ($0.id, $0) })
        let newEvents = Dictionary(uniqueKeysWithValues: new.events.map { ($0.id, $0) })
        for (id, event) in newEvents {
            guard let was = oldEvents[id] else { result.insert("added event \(event.name)"); continue }
            if was.name != event.name { result.insert("renamed event \(event.name)") }
            let fields: [(String, Bool)] = [
                ("args", was.args != event.args), ("stringIDs", was.stringIDs != event.stringIDs),
                ("stackIDs", was.stackIDs != event.stackIDs), ("start", was.startEvent != event.startEvent),
                ("timed", was.timed != event.timed), ("data", was.hasData != event.hasData),
                ("stack", was.isStack != event.isStack), ("experiment", was.experiment != event.experiment),
            ]
            for (field, differs) in fields where differs { result.insert("changed event \(event.name) \(field)") }
        }
        for (id, event) in oldEvents where newEvents[id] == nil { result.insert("removed event \(event.name)") }
        for experiment in new.experiments where !old.experiments.contains(where: { $0.id == experiment.id }) {
            result.insert("added experiment \(experiment.name)")
        }
        for experiment in old.experiments where !new.experiments.contains(where: { $0.id == experiment.id }) {
            result.insert("removed experiment \(experiment.name)")
        }
        for (entity, prefix, was, now) in [("goStatus", "Go", old.goStatuses, new.goStatuses), ("procStatus", "Proc", old.procStatuses, new.procStatuses)] {
            for status in now {
                let name = String(status.name.dropFirst(prefix.count))
                if let before = was.first(where: { $0.value == status.value }) {
                    if before.display != status.display { result.insert("changed \(entity) \(name) display") }
                } else {
                    result.insert("added \(entity) \(name)")
                }
            }
        }
        for type in new.argTypes where !old.argTypes.contains(type) { result.insert("added argType \(type)") }
        for type in old.argTypes where !new.argTypes.contains(type) { result.insert("removed argType \(type)") }
        for version in new.versions.keys where old.versions[version] == nil { result.insert("added version \(version)") }
        for version in old.versions.keys where new.versions[version] == nil { result.insert("removed version \(version)") }
        return result
    }

    @Test(arguments: zip(releases.dropLast(), releases.dropFirst()).map { [$0, $1] })
    func consecutiveReleases(_ pair: [Int]) throws {
        let report = SpecDiff.compare(try Self.snapshot(pair[0]), try Self.snapshot(pair[1]))
        var fromTables = Self.tableChanges(try Self.realTables(pair[0]), try Self.realTables(pair[1]))
        // The parser's list of kinds, as its source declares it (Tests/Fixtures/real-kinds).
        let kinds = try pair.map { minor in try ReleaseMeaningTests.realFacts(minor).first { $0.hasPrefix("kinds\t") } }
        if kinds[0] != kinds[1] { fromTables.insert("changed format Go execution trace v2 kinds") }
        let byHand = Self.beyondTheTables[pair[1]] ?? []

        // Every change is explained, by the tables or by the list; nothing is missing.
        let reported = report.changes.map(signature)
        #expect(Set(reported).count == reported.count, "a change is reported twice")
        let explained = fromTables.union(byHand.map { String($0.split(separator: ":")[0]) })
        #expect(Set(reported) == explained)
        for line in byHand {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(report.changes.first { signature($0) == parts[0] }?.severity.rawValue == parts[1], "\(line)")
        }
        // Locations point into NEW, except for removals.
        for change in report.changes {
            #expect(change.location.file == (change.kind == .removed ? "go1.\(pair[0]).yaml" : "go1.\(pair[1]).yaml"))
        }
    }

    @Test func go122To123() throws {
        let report = SpecDiff.compare(try Self.snapshot(22), try Self.snapshot(23))
        let addedEvents = report.changes.filter { $0.kind == .added && $0.entity == .event }
        #expect(addedEvents.count == 14)
        #expect(addedEvents.allSatisfy { $0.severity == .compatible })
        #expect(report.changes.contains { $0.kind == .added && $0.entity == .experiment && $0.name == "AllocFree" && $0.severity == .compatible })
        let cpuSample = try #require(report.changes.first { $0.name == "CPUSample" && $0.field == "args" })
        let real = (try Self.realTables(22).events.first { $0.name == "CPUSample" }!.args, try Self.realTables(23).events.first { $0.name == "CPUSample" }!.args)
        #expect(cpuSample.old == .strings(real.0))
        #expect(cpuSample.new == .strings(real.1))
        #expect(cpuSample.severity == .breaking)
        #expect(report.changes.filter { $0.severity == .breaking }.map(signature) == ["changed event CPUSample args"])
        #expect(report.fails(at: .breaking))
    }

    @Test func go123To124IsNoChange() throws {
        let report = SpecDiff.compare(try Self.snapshot(23), try Self.snapshot(24))
        #expect(report.changes.isEmpty)
        #expect(!report.fails(at: .any))
    }

    @Test func go124To125() throws {
        let report = SpecDiff.compare(try Self.snapshot(24), try Self.snapshot(25))
        let added = Set(report.changes.filter { $0.kind == .added && $0.entity == .event }.map(\.name))
        #expect(added == ["Sync", "ClockSnapshot", "EndOfGeneration"])
        let stack = try #require(report.changes.first { $0.name == "CPUSample" && $0.field == "stackIDs" })
        #expect(stack.old == .ints([]))
        #expect(stack.new == .ints(try Self.realTables(25).events.first { $0.name == "CPUSample" }!.stackIDs))
        // 1.24 already read that argument as a stack; only its table lacked the entry.
        #expect(stack.rule == .positionsResolved)
        #expect(!report.fails(at: .breaking))
    }

    @Test func go126To127ChangesOneDisplayString() throws {
        let report = SpecDiff.compare(try Self.snapshot(26), try Self.snapshot(27))
        // 1.27's snapshot also states the ordering, as Go 1.27.3's parser has it; 1.26's states none.
        #expect(report.changes.map(signature) == ["changed procStatus SyscallAbandoned display", "changed format Go execution trace v2 resources"])
        #expect(report.changes.first?.old == .string("Bad"))
        #expect(report.changes.first?.new == .string("SyscallAbandoned"))
        #expect(report.changes.last?.rule == .orderingStated)
    }

    @Test func newestSnapshotEqualsTheSpec() throws {
        let spec = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        #expect(SpecDiff.compare(try Self.snapshot(27), spec).changes.isEmpty)
    }
}
