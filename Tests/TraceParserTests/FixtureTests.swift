import Foundation
import Testing
import TraceParser
import TraceV2
import TraceWire

#if canImport(Glibc)
import Glibc
#endif

/// The semantic reader against traces recorded by every Go release 1.22–1.27, compared with what
/// Go 1.27.3's `go tool trace -d=parsed` and `-d=footprint` printed for them (recorded by
/// Scripts/record-parsed).
@Suite struct FixtureTests {
    init() {
        // The references were recorded with TZ=UTC; Sync events print the wall clock locally.
        setenv("TZ", "UTC", 1)
        tzset()
    }

    @Test func everyReleaseHasFixtures() {
        let releases = Set(ParserSupport.fixtureNames.map { $0.prefix(6) })
        #expect(releases == ["go1.22", "go1.23", "go1.24", "go1.25", "go1.26", "go1.27"])
        #expect(ParserSupport.fixtureNames.count >= 34)
    }

    @Test(arguments: ParserSupport.fixtureNames)
    func parsedMatchesGoTool(_ name: String) throws {
        let reference = ParserSupport.fixture(name, ".parsed")
        let expected = try String(contentsOf: reference, encoding: .utf8)
        #expect(!expected.isEmpty)
        let trace = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let printed = try ParsedPrinter.text(of: trace)
        expectSameText(printed, expected, name)
    }

    @Test(arguments: ParserSupport.fixtureNames)
    func footprintMatchesGoTool(_ name: String) throws {
        let trace = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let reference = ParserSupport.fixture(name, ".footprint")
        if FileManager.default.fileExists(atPath: reference.path) {
            let table = try Footprint.table(WireReader(bytes: trace))
            expectSameText(table, try String(contentsOf: reference, encoding: .utf8), name)
        } else {
            // Go rejected it (AllocFree traces of 1.23-1.25): so must we, with Go's message.
            let failed = try String(contentsOf: ParserSupport.fixture(name, ".footprint.failed"), encoding: .utf8)
            let goMessage = failed.split(separator: "\n").last.map(String.init) ?? ""
            #expect(throws: WireError.self) { try Footprint.table(WireReader(bytes: trace)) }
            do {
                _ = try Footprint.table(WireReader(bytes: trace))
            } catch let error as WireError {
                #expect(error.message == goMessage)
            }
        }
    }

    /// Typed access agrees with the printed form on a trace with every kind of annotation.
    @Test func typedEventsOfAnAnnotatedTrace() throws {
        let trace = try [UInt8](Data(contentsOf: ParserSupport.fixture("go1.27/annotations", ".trace")))
        let reader = try TraceReader(bytes: trace)
        var kinds: Set<EventKind> = []
        var lastTime = Int64.min
        var sawTaskName = false
        while let event = try reader.next() {
            kinds.insert(event.kind)
            #expect(event.time > lastTime)
            lastTime = event.time
            if let task = event.task, event.kind == .taskEnd, !task.type.isEmpty { sawTaskName = true }
            if event.kind == .sync { #expect(event.sync != nil) }
            if event.kind == .stateTransition { #expect(event.stateTransition != nil) }
        }
        #expect(kinds.isSuperset(of: [.sync, .metric, .stateTransition, .taskBegin, .taskEnd, .regionBegin, .regionEnd, .log]))
        #expect(sawTaskName)
    }
}
