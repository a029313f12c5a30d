import Foundation
import Testing
import TestSupport
@testable import TraceAnalysis

/// `gotrace view --format perfetto` against `gotrace view --format json` of the same trace and
/// view, which ViewerTests holds equal to Go's own server. `Scripts/check-perfetto` decodes the
/// Perfetto side with Perfetto's own schema (the PyPI package `perfetto`), replays every track's
/// slices to check that they nest, and compares slices, instants, counter samples and flows with
/// the JSON's as multisets.
@Suite struct PerfettoTests {
    static let checker = Repo.path("Scripts/check-perfetto")

    /// The checker's verdict on one Perfetto file and its JSON counterpart; nil when they agree.
    static func check(perfetto: String, json: String) -> String? {
        let run = TestSupport.run([checker, perfetto, json])
        if run.status == 0 && run.stdout.hasPrefix("check-perfetto: equal:") { return nil }
        return "check-perfetto exited \(run.status): \(run.stderr.prefix(1500))"
    }

    typealias Outcome = ViewerTests.Outcome

    static func compare(name: String, trace: String, scratch: URL) -> Outcome {
        var outcome = Outcome(name: name)
        let parsed = TestSupport.run([Repo.gotrace, "parsed", "-o", "/dev/null", trace], environment: Repo.goEnvironment)
        if parsed.status != 0 {
            outcome.damaged = true
            let out = scratch.appendingPathComponent("damaged.pftrace").path
            let view = TestSupport.run([Repo.gotrace, "view", "--format", "perfetto", "-o", out, trace], environment: Repo.goEnvironment)
            let expected = parsed.stderr.replacingOccurrences(of: "gotrace parsed", with: "gotrace view")
            if view.status != 1 || view.stderr != expected || FileManager.default.fileExists(atPath: out) {
                outcome.problems.append("damaged: exit \(view.status), stderr \(view.stderr), Go's parser says \(parsed.stderr)")
            }
            return outcome
        }
        let ids: [Int]
        do { ids = try ViewerTests.goroutines(of: trace) } catch { return Outcome(name: name, problems: ["\(error)"]) }
        var views: [(label: String, arguments: [String])] = [("proc", []), ("thread", ["--view", "thread"])]
        for id in ids { views.append(("goroutine \(id)", ["--goroutine", String(id)])) }
        for (index, view) in views.enumerated() {
            let json = scratch.appendingPathComponent("\(index).json").path
            let perfetto = scratch.appendingPathComponent("\(index).pftrace").path
            var failed = false
            for (format, file) in [("json", json), ("perfetto", perfetto)] {
                let run = TestSupport.run([Repo.gotrace, "view", "--format", format] + view.arguments + ["-o", file, trace],
                                          environment: Repo.goEnvironment)
                if run.status != 0 {
                    outcome.problems.append("\(view.label) \(format): exit \(run.status): \(run.stderr)")
                    failed = true
                }
            }
            if failed { continue }
            if let problem = check(perfetto: perfetto, json: json) {
                outcome.problems.append("\(view.label): \(problem)")
            } else {
                outcome.matchedViews.append(view.label)
            }
        }
        return outcome
    }

    /// Every fixture and Go case that ViewerTests compares with Go's server, in every view it
    /// compares: the Perfetto trace holds the JSON view's tracks, slices, instants, counters and
    /// flows, and every slice nests on its track.
    @Test(.timeLimit(.minutes(10)))
    func everyViewEqualsTheJSONView() throws {
        try ViewerTests.compareEveryView("PerfettoTests: views equal to the JSON view", compare: Self.compare)
    }

    /// A damaged trace: Go's verdict, exit 1 and no -o file, as for JSON. Standard output still
    /// gets a whole Perfetto trace of the events before the problem, equal to the JSON's.
    @Test func damagedTraceGetsParsedsVerdictAndNoFile() throws {
        let directory = makeTemporaryDirectory("perfetto-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = try GoReference.cutTrace(in: directory)
        let parsed = try gotrace(["parsed", cut.path])
        let out = directory.appendingPathComponent("out.pftrace")
        let run = try gotrace(["view", "--format", "perfetto", "-o", out.path, cut.path])
        #expect(parsed.status == 1 && run.status == 1)
        #expect(run.errorText == parsed.errorText.replacingOccurrences(of: "gotrace parsed", with: "gotrace view"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let perfetto = try gotrace(["view", "--format", "perfetto", cut.path])
        let json = try gotrace(["view", cut.path])
        #expect(perfetto.status == 1 && json.status == 1)
        #expect(!perfetto.output.isEmpty)
        let perfettoFile = directory.appendingPathComponent("partial.pftrace")
        let jsonFile = directory.appendingPathComponent("partial.json")
        try perfetto.output.write(to: perfettoFile)
        try json.output.write(to: jsonFile)
        #expect(Self.check(perfetto: perfettoFile.path, json: jsonFile.path) == nil)
    }

    /// The checker fails on a Perfetto trace that is not the JSON's: here the view of another
    /// fixture, and a file cut inside a packet.
    @Test func checkerRejectsAnotherTraceAndACutFile() throws {
        let directory = makeTemporaryDirectory("perfetto-checker")
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = GoReference.fixtures.appendingPathComponent("go1.27/annotations.trace").path
        let other = GoReference.fixtures.appendingPathComponent("go1.27/cpuprofile.trace").path
        let json = directory.appendingPathComponent("one.json").path
        let perfetto = directory.appendingPathComponent("other.pftrace").path
        #expect(try gotrace(["view", "-o", json, one]).status == 0)
        #expect(try gotrace(["view", "--format", "perfetto", "-o", perfetto, other]).status == 0)
        let wrong = try #require(Self.check(perfetto: perfetto, json: json))
        #expect(wrong.contains("only JSON") && wrong.contains("only Perfetto"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: perfetto))
        let cut = directory.appendingPathComponent("cut.pftrace")
        try bytes.prefix(bytes.count - 3).write(to: cut)
        let otherJSON = directory.appendingPathComponent("other.json").path
        #expect(try gotrace(["view", "-o", otherJSON, other]).status == 0)
        #expect(Self.check(perfetto: perfetto, json: otherJSON) == nil)
        #expect(Self.check(perfetto: cut.path, json: otherJSON)?.contains("runs past the end") == true)
    }

    /// With room for only a few interned strings, the writer clears the sequence's state again
    /// and again, bringing the strings it needs along each time; the checker, which honours the
    /// sequence flags, still resolves every name and finds the same events as the JSON writer's.
    @Test func internedStringsSurviveClearedState() throws {
        let directory = makeTemporaryDirectory("perfetto-interning")
        defer { try? FileManager.default.removeItem(at: directory) }
        var perfettoBytes = Data(), jsonBytes = Data()
        let frames = ViewerFrames()
        let perfetto = ViewerPerfettoWriter(frames: frames, internLimit: 3) { perfettoBytes.append(contentsOf: $0) }
        let json = ViewerJSONWriter { jsonBytes.append(contentsOf: $0) }
        var events: [ViewerEvent] = []
        for index in 0..<40 {
            let time = Int64(index) * 1_000
            events.append(ViewerEvent(name: "G\(index % 7) main.work", phase: .slice, time: time, duration: 500, track: UInt64(index % 3),
                                      arguments: index % 2 == 0 ? .blocked(index % 4 == 0) : nil))
            events.append(ViewerEvent(name: "proc start", phase: .instant, scope: "t", time: time + 600, track: UInt64(index % 3),
                                      arguments: .schedulingContext(thread: UInt64(index), proc: 0), category: index % 5 == 0 ? "user event" : nil))
            events.append(ViewerEvent(name: "Heap", phase: .counter, time: time, section: .statistics,
                                      arguments: .heap(allocated: UInt64(index) << 20, nextGC: 4 << 20)))
        }
        for (track, name) in [(0, "Proc 0"), (1, "Proc 1"), (2, "Proc 2")] {
            events.append(ViewerEvent(name: "thread_name", phase: .metadata, track: UInt64(track), arguments: .name(name)))
        }
        events.append(ViewerEvent(name: "process_name", phase: .metadata, section: .timelines, arguments: .name("PROCS")))
        events.append(ViewerEvent(name: "process_name", phase: .metadata, section: .statistics, arguments: .name("STATS")))
        for event in events {
            try perfetto.write(event)
            try json.write(event)
        }
        try perfetto.finish(frames: frames)
        try json.finish(frames: frames)
        let perfettoFile = directory.appendingPathComponent("small.pftrace")
        let jsonFile = directory.appendingPathComponent("small.json")
        try perfettoBytes.write(to: perfettoFile)
        try jsonBytes.write(to: jsonFile)
        #expect(Self.check(perfetto: perfettoFile.path, json: jsonFile.path) == nil)
        let clears = try Self.packets(perfettoBytes).filter { $0.sequenceFlags & 1 != 0 }.count
        #expect(clears >= 10, "the state was cleared \(clears) times")
    }

    /// Slice ends and counter samples are framed by hand, for speed: their bytes must be the
    /// ones SwiftProtobuf writes for the same packet.
    @Test func barePacketsAreSwiftProtobufsBytes() throws {
        let cases: [(type: Gotrace_Perfetto_TrackEvent.TypeEnum, track: UInt64, counter: Int64?, time: UInt64)] = [
            (.sliceEnd, 16, nil, 0), (.sliceEnd, 127, nil, 128), (.sliceEnd, 1 << 40, nil, .max),
            (.counter, 3, 0, 1), (.counter, 9, -1, 1_000_000_007), (.counter, 5, .max, 300), (.counter, 4, .min, 1 << 63),
        ]
        for entry in cases {
            var packet = Gotrace_Perfetto_TracePacket()
            packet.timestamp = entry.time
            packet.trustedPacketSequenceID = 1
            var event = Gotrace_Perfetto_TrackEvent()
            event.type = entry.type
            event.trackUuid = entry.track
            if let counter = entry.counter { event.counterValue = counter }
            packet.trackEvent = event
            let body: [UInt8] = try packet.serializedBytes()
            var framed: [UInt8] = []
            ViewerPerfettoWriter.appendBarePacket(to: &framed, type: entry.type, track: entry.track, counter: entry.counter,
                                                  time: entry.time, sequence: 1)
            #expect(try Self.packets(Data(framed)) == [packet], "\(entry)")
            #expect(Array(framed.suffix(body.count)) == body && framed.count == body.count + 2, "\(entry)")
        }
    }

    /// The packets of a file, read with our own schema: each is field 1, length-delimited.
    static func packets(_ data: Data) throws -> [Gotrace_Perfetto_TracePacket] {
        let bytes = [UInt8](data)
        var packets: [Gotrace_Perfetto_TracePacket] = []
        var offset = 0
        func varint() throws -> Int {
            var value = 0, shift = 0
            while true {
                let byte = try #require(offset < bytes.count ? bytes[offset] : nil, "cut inside a varint")
                offset += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while offset < bytes.count {
            #expect(try varint() == 0x0A)
            let length = try varint()
            try #require(offset + length <= bytes.count, "a packet runs past the end")
            packets.append(try Gotrace_Perfetto_TracePacket(serializedBytes: Array(bytes[offset..<offset + length])))
            offset += length
        }
        return packets
    }

    /// Which slices share a lane: Perfetto pairs a track's begins and ends by time, file order
    /// breaking ties, and a slice is written when it ends.
    @Test func slicesThatCannotNestGetAnotherLane() {
        typealias Slice = (start: Int64, end: Int64)
        let cases: [(earlier: Slice, later: Slice, conflict: Bool)] = [
            ((0, 10), (10, 20), false), // one after the other
            ((0, 10), (20, 30), false),
            ((5, 10), (0, 20), false), // the later one around the earlier
            ((5, 10), (0, 10), false), // around it, ending together
            ((0, 10), (5, 10), false), // inside, ending together
            ((0, 10), (0, 10), false), // the same times
            ((0, 10), (0, 5), false), // inside, starting together
            ((0, 10), (0, 20), true), // starting together, the later one longer: its begin sorts second
            ((0, 10), (5, 20), true), // overlapping
            ((10, 20), (0, 10), true), // the later one ends where the earlier begins
            ((10, 20), (10, 10), false), // an empty one there nests
        ]
        for entry in cases {
            #expect(ViewerSliceLanes.conflict(earlier: entry.earlier, later: entry.later) == entry.conflict, "\(entry)")
        }
        var lanes = ViewerSliceLanes()
        #expect(lanes.place(start: 0, end: 10) == 0)
        #expect(lanes.place(start: 5, end: 20) == 1)
        #expect(lanes.place(start: 15, end: 30) == 0)
        #expect(lanes.place(start: 0, end: 40) == 1) // begins with lane 0's first, and is longer
        #expect(lanes.place(start: 5, end: 50) == 2)
        #expect(lanes.count == 3)
        // A slice that starts inside one written long ago, after many others were written on
        // the track, and ends after it.
        var track = ViewerSliceLanes()
        #expect(track.place(start: 0, end: 100) == 0)
        for index in Int64(0)..<1000 { #expect(track.place(start: 200 + index * 10, end: 205 + index * 10) == 0) }
        #expect(track.place(start: 50, end: 20_000) == 1)
        #expect(track.place(start: 150, end: 30_000) == 0) // around everything after 150
        #expect(track.place(start: 0, end: 40_000) == 1) // starts with lane 0's first, is longer; around lane 1's
    }
}
