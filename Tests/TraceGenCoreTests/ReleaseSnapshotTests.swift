import Foundation
import Testing
@testable import TraceGenCore

/// Each release snapshot, generated to Go and dumped by the Go harness, equals that release's real
/// tables (Tests/Fixtures/real-tables, extracted from each toolchain by Scripts/extract-real-tables).
@Suite(.serialized) struct ReleaseSnapshotTests {
    static let releases = [22, 23, 24, 25, 26, 27]

    /// Where a snapshot's trace versions and Go's own version table must differ, and why.
    /// Every other difference fails, and every entry here must still be needed.
    struct VersionQuirk {
        var release: Int
        var version: String
        /// Event IDs Go's table gives the version that the snapshot's `since` values do not.
        var onlyInGo: [Int]
        /// Event IDs the snapshot gives the version that Go's table does not.
        var onlyInSnapshot: [Int]
    }

    static let allocFreeEvents = Array(128...136)
    static let versionQuirks: [VersionQuirk] = [
        // Go 1.23 and 1.24 hand trace version go1.22 the same table as go1.23, so there go1.22
        // accepts the coroutine events (45-49) and the AllocFree events too. The snapshot keeps each
        // event's real first version, which `since` can express and the runtime actually writes.
        VersionQuirk(release: 23, version: "go1.22", onlyInGo: Array(45...49) + allocFreeEvents, onlyInSnapshot: []),
        VersionQuirk(release: 24, version: "go1.22", onlyInGo: Array(45...49) + allocFreeEvents, onlyInSnapshot: []),
        // From 1.25 on, Go's table gives experimental events only to the newest version, although
        // Go 1.23 already wrote them; `since` says go1.23 and so keeps them in every later version.
        VersionQuirk(release: 25, version: "go1.23", onlyInGo: [], onlyInSnapshot: allocFreeEvents),
        VersionQuirk(release: 26, version: "go1.23", onlyInGo: [], onlyInSnapshot: allocFreeEvents),
        VersionQuirk(release: 26, version: "go1.25", onlyInGo: [], onlyInSnapshot: allocFreeEvents),
        VersionQuirk(release: 27, version: "go1.23", onlyInGo: [], onlyInSnapshot: allocFreeEvents),
        VersionQuirk(release: 27, version: "go1.25", onlyInGo: [], onlyInSnapshot: allocFreeEvents),
    ]

    /// Constants every generated package declares (they follow from the event table), which Go
    /// only declares from 1.25 on. The dump may show them where the release has none.
    static let derivedConstants: Set<String> = ["NumEvents", "MaxEvent", "MaxExperimentalEvent", "NumExperimentalEvents", "NumExperiments"]

    /// The harness's tracev2 adapter reads these two constants by name; a snapshot from before 1.25
    /// has neither, so the test adds them in a separate file and ignores them in the dump.
    static let harnessConstants = ["MaxEventTrailerDataSize": "MaxStringSize", "MaxTimedEventArgs": "0"]

    static func snapshotPath(_ minor: Int) -> String { Repo.path("Specs/releases/go1.\(minor).yaml") }

    @Test(arguments: releases)
    func generatedSnapshotEqualsTheRealTables(_ minor: Int) throws {
        let spec = try TraceGen.loadSpec(path: Self.snapshotPath(minor))
        let real = try CanonicalTables.decode(String(contentsOfFile: Repo.path("Tests/Fixtures/real-tables/go1.\(minor).json"), encoding: .utf8))

        let output = makeTemporaryDirectory("tracegen-release")
        defer { try? FileManager.default.removeItem(at: output) }
        _ = try OutputWriter(directory: output).write(TraceGen.render(spec, sourceName: "Specs/releases/go1.\(minor).yaml"))
        let package = output.appendingPathComponent("Go/\(spec.layout.goPackage)")
        let shimmed = Self.harnessConstants.keys.filter { !spec.constants.map(\.name).contains($0) }.sorted()
        if !shimmed.isEmpty {
            let lines = shimmed.map { "\t\($0) = \(Self.harnessConstants[$0]!)" }.joined(separator: "\n")
            try "package \(spec.layout.goPackage)\n\n// Added by ReleaseSnapshotTests for the dump harness only.\nconst (\n\(lines)\n)\n"
                .write(to: package.appendingPathComponent("zz_harness_constants.go"), atomically: true, encoding: .utf8)
        }
        let generated = try dumpGoTables(package.path)

        #expect(generated.events == real.events)
        #expect(generated.experiments == real.experiments)
        #expect(generated.goStatuses == real.goStatuses)
        #expect(generated.procStatuses == real.procStatuses)
        #expect(generated.argTypes == real.argTypes)

        // Constants: every one the release defines, by its name in that release, and no others.
        for (name, value) in real.constants {
            #expect(generated.constants[name] == value, "constant \(name)")
        }
        for name in generated.constants.keys where real.constants[name] == nil {
            #expect(Self.derivedConstants.contains(name) || shimmed.contains(name), "constant \(name) is not in Go 1.\(minor)")
        }
        for constant in spec.constants {
            #expect(real.constants[constant.name] != nil, "the snapshot declares \(constant.name), which Go 1.\(minor) does not")
        }

        // Versions: the same names; the same events per version apart from the listed quirks.
        #expect(generated.versions.keys.sorted() == real.versions.keys.sorted())
        for (version, realIDs) in real.versions {
            let ours = Set(generated.versions[version] ?? [])
            let theirs = Set(realIDs)
            let quirk = Self.versionQuirks.first { $0.release == minor && $0.version == version }
            #expect(theirs.subtracting(ours) == Set(quirk?.onlyInGo ?? []), "go1.\(minor) \(version): events only Go has")
            #expect(ours.subtracting(theirs) == Set(quirk?.onlyInSnapshot ?? []), "go1.\(minor) \(version): events only the snapshot has")
        }
        for quirk in Self.versionQuirks where quirk.release == minor {
            #expect(real.versions[quirk.version] != nil, "quirk for a version go1.\(minor) does not have: \(quirk.version)")
        }

        // `unresolved` is a snapshot annotation: nothing generated mentions it.
        for file in TraceGen.render(spec, sourceName: "x") {
            #expect(!file.contents.contains("nresolved"), "\(file.path)")
        }
    }

    @Test func go124HasTheSameContentAsGo123() throws {
        let a = try SpecLoader.load(path: Self.snapshotPath(23))
        let b = try SpecLoader.load(path: Self.snapshotPath(24))
        #expect(content(a) == content(b))
    }

    @Test func go127HasTheSameContentAsTheSpec() throws {
        let a = try SpecLoader.load(path: Self.snapshotPath(27))
        let b = try SpecLoader.load(path: Repo.path("Specs/v2.yaml"))
        #expect(content(a) == content(b))
    }

    /// The document with every file name and location blanked, so only what it says is compared.
    func content(_ document: SpecDocument) -> SpecDocument {
        let nowhere = FieldLocations(entity: SourceLocation(file: "", line: 0, column: 0))
        var copy = document
        copy.file = ""
        copy.locations = nowhere
        copy.roles.locations = nowhere
        copy.goParser.locations = nil
        copy.versions = copy.versions.map { var item = $0; item.locations = nowhere; return item }
        copy.constants = copy.constants.map { var item = $0; item.locations = nowhere; return item }
        copy.argTypes = copy.argTypes.map { var item = $0; item.locations = nowhere; return item }
        copy.experiments = copy.experiments.map { var item = $0; item.locations = nowhere; return item }
        copy.statusSets = copy.statusSets.map { set in
            var item = set
            item.locations = nowhere
            item.values = item.values.map { var value = $0; value.locations = nowhere; return value }
            return item
        }
        copy.groups = copy.groups.map { group in
            var item = group
            item.locations = nowhere
            item.events = item.events.map {
                var event = $0
                event.locations = nowhere
                event.range?.locations = nowhere
                if var ordering = event.ordering {
                    ordering.locations = nowhere
                    ordering.changes = ordering.changes.map {
                        var change = $0
                        change.locations = nowhere
                        change.sequence?.locations = nowhere
                        return change
                    }
                    event.ordering = ordering
                }
                return event
            }
            return item
        }
        copy.resources = copy.resources.map { var item = $0; item.locations = nowhere; item.go.locations = nowhere; return item }
        copy.handlers = copy.handlers.map { var item = $0; item.locations = nowhere; return item }
        return copy
    }
}

/// The `unresolved` event key, which lets a snapshot say that its release's table leaves a
/// string or stack argument unlisted.
@Suite struct UnresolvedPositionTests {
    @Test func anUnlistedStackArgumentIsValidWhenUnresolved() throws {
        let text = minimalSpec.replacingOccurrences(of: "        stackIDs: [2]\n", with: "        unresolved: [2]\n")
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "spec.yaml")
        let begin = try #require(spec.event(named: "Begin"))
        #expect(begin.unresolved == [2])
        #expect(begin.stackIDs == [])
    }

    static let cases = [
        RuleCase(rule: "outside the arguments", replace: "        stackIDs: [2]\n", with: "        stackIDs: [2]\n        unresolved: [‸7]\n",
                 message: "unresolved position 7 of Begin is outside its 3 arguments"),
        RuleCase(rule: "not a string or stack argument", replace: "        stackIDs: [2]\n", with: "        stackIDs: [2]\n        unresolved: [‸0]\n",
                 message: "unresolved position 0 of Begin is argument 'dt', which is neither a string nor a stack ID"),
        RuleCase(rule: "also listed", replace: "        stackIDs: [2]\n", with: "        stackIDs: [2]\n        unresolved: [‸2]\n",
                 message: "position 2 of Begin is listed as unresolved and also in stackIDs"),
        RuleCase(rule: "listed twice", replace: "        stackIDs: [2]\n", with: "        unresolved: [2, ‸2]\n",
                 message: "unresolved position 2 of Begin is listed twice"),
        RuleCase(rule: "not a list of integers", replace: "        stackIDs: [2]\n", with: "        unresolved: [‸two]\n",
                 message: "each element of 'unresolved' in event 'Begin' must be a decimal integer, found a string 'two'"),
    ]

    @Test(arguments: cases)
    func rule(_ edit: RuleCase) throws {
        let (diagnostics, marker) = try diagnose(edit)
        #expect(diagnostics.map(\.message) == [edit.message])
        #expect(diagnostics.first?.location == SourceLocation(file: "spec.yaml", line: marker.line, column: marker.column))
    }
}
