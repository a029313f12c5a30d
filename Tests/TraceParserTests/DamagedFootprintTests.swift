import Foundation
import Testing
import TestSupport
import TraceV2
import TraceWire

/// Real traces cut short at many kinds of places: `gotrace footprint` prints Go's table byte for
/// byte wherever Go 1.27.3's `go tool trace -d=footprint` prints one, prints none where Go prints
/// none, and reports the damage exactly as `gotrace wire` does, with the same exit status.
@Suite struct DamagedFootprintTests {
    /// Go's trace tool built once from the pinned GOROOT: `go tool trace` would start the go
    /// command for every one of the hundreds of cuts.
    static let goTraceTool: Result<String, SetupError> = {
        let folder = makeTemporaryDirectory("go-trace-tool")
        let binary = folder.appendingPathComponent("trace").path
        let build = run([Repo.go, "build", "-o", binary, "cmd/trace"], environment: Repo.goEnvironment)
        return build.status == 0 ? .success(binary) : .failure(SetupError("building cmd/trace failed: \(build.stderr)"))
    }()

    /// Where to cut a trace: every kind of place the format has, each named for the report.
    static func cuts(of trace: [UInt8]) throws -> [(offset: Int, place: String)] {
        var cuts: [(Int, String)] = [(0, "empty file"), (1, "inside the header"), (9, "inside the header"),
                                     (15, "inside the header"), (16, "the header alone")]
        var events: [(type: EventType, start: Int, end: Int)] = []
        let reader = try WireReader(bytes: trace)
        while let event = try reader.nextView() {
            events.append((event.type, event.offset, reader.offset))
        }
        // Sampled events: the first batch header, the events right after it, the first stack and
        // string (frames, data), one in the middle and the last.
        var chosen = [0, 1, 2]
        for type in [EventType.stack, .string] {
            if let index = events.firstIndex(where: { $0.type == type }) { chosen.append(index) }
        }
        if let batch = events.indices.dropFirst(events.count / 2).first(where: { events[$0].type == .eventBatch }) {
            chosen += [batch, batch + 1]
        }
        chosen += [events.count / 2, events.count - 1]
        for index in Set(chosen).sorted() where events.indices.contains(index) {
            let event = events[index]
            // Every byte of the event's first few, then the middle of a long one and its last byte.
            var offsets = Array(event.start..<min(event.end, event.start + 8))
            if event.end - event.start > 8 { offsets += [(event.start + event.end) / 2, event.end - 1] }
            for offset in offsets {
                cuts.append((offset, offset == event.start ? "before \(event.type.name)" : "inside \(event.type.name) (+\(offset - event.start))"))
            }
        }
        return cuts
    }

    /// What `gotrace wire` says about a trace: nil when it reads cleanly, else its error line.
    static func wireVerdict(_ bytes: [UInt8], name: String) -> String? {
        do {
            try TraceDump.decode(WireReader(bytes: bytes))
            return nil
        } catch {
            return "\(name): \(error)\n"
        }
    }

    @Test(arguments: ["go1.22/annotations", "go1.25/cpuprofile", "go1.27/generations"])
    func cutTracesGetGosTableAndWiresVerdict(_ name: String) throws {
        let goTool = try Self.goTraceTool.get()
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let folder = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cut.trace")
        var tables = 0, tablesThenError = 0, errorsOnly = 0
        for (offset, place) in try Self.cuts(of: whole) {
            let bytes = Array(whole.prefix(offset))
            try Data(bytes).write(to: file)
            let what = "\(name) cut at \(offset) (\(place))"
            let go = try ParserSupport.run(goTool, ["-d=footprint", file.path])
            let ours = try ParserSupport.run(ParserSupport.gotrace, ["footprint", file.path])
            let wire = Self.wireVerdict(bytes, name: file.path)

            #expect(ours.outputText == go.outputText, "\(what): Go printed \(go.output.count) bytes, we \(ours.output.count)")
            #expect(ours.status == (wire == nil ? 0 : 1), "\(what): status \(ours.status), wire says \(wire ?? "fine")")
            #expect(ours.errorText == (wire ?? ""), "\(what)")
            if let wire { #expect(wire.contains(": offset "), "\(what): \(wire)") }
            switch (go.output.isEmpty, wire == nil) {
            case (false, true): tables += 1
            case (false, false): tablesThenError += 1
            default: errorsOnly += 1
            }
        }
        // Each kind of outcome happens, or the cuts missed what this test is about.
        #expect(tables >= 2, "\(name): \(tables) cuts with a table and no damage")
        #expect(tablesThenError >= 10, "\(name): \(tablesThenError) cuts with a table, then the damage")
        #expect(errorsOnly >= 5, "\(name): \(errorsOnly) cuts with no table")
    }

    /// A cut between two events inside the last batch: Go prints the table; `wire` and
    /// `footprint` both print what they read and then fail at the batch's offset.
    @Test func cutBetweenEventsOfABatch() throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture("go1.26/syscalls", ".trace")))
        let reader = try WireReader(bytes: whole)
        var starts: [(type: EventType, offset: Int)] = []
        while let event = try reader.nextView() { starts.append((event.type, event.offset)) }
        let batch = try #require(starts.lastIndex { $0.type == .eventBatch })
        let cut = try #require(starts.dropFirst(batch + 2).first).offset
        let folder = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cut.trace")
        try Data(whole.prefix(cut)).write(to: file)

        let go = try ParserSupport.run(try Self.goTraceTool.get(), ["-d=footprint", file.path])
        #expect(go.status == 0 && !go.output.isEmpty)
        let footprint = try ParserSupport.run(ParserSupport.gotrace, ["footprint", file.path])
        let wire = try ParserSupport.run(ParserSupport.gotrace, ["wire", file.path])
        #expect(footprint.output == go.output)
        #expect(footprint.status == 1 && wire.status == 1)
        let message = "\(file.path): offset \(starts[batch].offset): truncated batch: its header declares "
        #expect(footprint.errorText.hasPrefix(message), "\(footprint.errorText)")
        #expect(footprint.errorText == wire.errorText)

        // With -o, the file only appears for a sound trace, as with wire.
        let output = folder.appendingPathComponent("table").path
        let written = try ParserSupport.run(ParserSupport.gotrace, ["footprint", file.path, "-o", output])
        #expect(written.status == 1 && written.errorText == wire.errorText)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
