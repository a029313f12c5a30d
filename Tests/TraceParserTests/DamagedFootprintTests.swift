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

    // MARK: Traces past the format's length limits

    /// An unsigned LEB128 varint, written by hand: the writer refuses what these traces need.
    static func uvarint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// The bytes of one event with no checks at all, so that it may break a limit.
    static func raw(_ type: EventType, _ args: [UInt64], data: [UInt8]? = nil) -> [UInt8] {
        var bytes = [type.rawValue] + args.flatMap(uvarint)
        if let data { bytes += uvarint(UInt64(data.count)) + data }
        return bytes
    }

    /// A batch of thread-less events around `body`, declaring its size (kept within the limit
    /// unless `declared` says otherwise, so only the breach under test happens).
    static func batch(_ body: [UInt8], declared: UInt64? = nil) -> [UInt8] {
        raw(.eventBatch, [1, UInt64.max, 0, declared ?? UInt64(min(body.count, TraceLimits.maxBatchSize))]) + body
    }

    /// The header and a sound frequency batch, from the project's own writer.
    static func opening(_ version: TraceVersion) throws -> [UInt8] {
        let output = OutputBuffer()
        let writer = try WireWriter(output: output, version: version)
        let frequency = WireEvent(type: .frequency, args: [15_625_000])
        try writer.write(WireEvent(type: .eventBatch, args: [1, UInt64.max, 0, UInt64(raw(.frequency, [15_625_000]).count)]))
        try writer.write(frequency)
        return output.bytes
    }

    /// A stack event of `count` frames, each four small values.
    static func stack(frames count: UInt64, written: Int) -> [UInt8] {
        var bytes = raw(.stack, [1, count])
        for index in 0..<written {
            bytes += [0x400000 + UInt64(index), 1, 2, UInt64(index)].flatMap(uvarint)
        }
        return bytes
    }

    /// Each crafted trace, and whether Go 1.27.3's `-d=footprint` prints a table for it (as
    /// measured; the test checks it still does). Go's raw reader checks no length limit: it reads
    /// every announced frame and data byte, takes a count of 2^63 or more as negative (reading
    /// none), and stops cleanly where the input ends before a varint or among data bytes.
    static func limitCase(_ name: String) throws -> (bytes: [UInt8], goPrintsTable: Bool, breach: String) {
        let v122 = try opening(.go1_22)
        switch name {
        case "batch over 64 KiB":
            return (v122 + batch(raw(.frequency, [15_625_000]), declared: 70_000), true, "batch size 70000 is larger")
        case "stack of 200 frames":
            return (v122 + batch(raw(.stacks, []) + stack(frames: 200, written: 200)), true, "stack has 200 frames")
        case "stack of 2^63 frames":
            // Go reads no frame and carries on with the next stack.
            return (v122 + batch(raw(.stacks, []) + stack(frames: 1 << 63, written: 0) + stack(frames: 1, written: 1)),
                    true, "stack has 9223372036854775808 frames")
        case "stack cut inside a frame":
            // The frames announced run into the end of the file inside a varint: Go fails too.
            return (v122 + batch(raw(.stacks, []) + stack(frames: 300, written: 2) + [0x80]), false, "stack has 300 frames")
        case "string of 2000 bytes":
            return (v122 + batch(raw(.strings, []) + raw(.string, [1], data: Array(repeating: 0x78, count: 2000))),
                    true, "String data of 2000 bytes")
        case "string larger than the read buffer":
            return (v122 + batch(raw(.strings, []) + raw(.string, [1], data: Array(repeating: 0x78, count: 600_000))),
                    true, "String data of 600000 bytes")
        case "string cut among its data":
            return (v122 + batch(raw(.strings, [])) + [EventType.string.rawValue] + uvarint(1) + uvarint(5000)
                    + Array(repeating: 0x7a, count: 100), true, "String data of 5000 bytes")
        case "string of 2^63+5 bytes":
            // Go reads no data byte and carries on with the next string.
            return (v122 + batch(raw(.strings, []) + [EventType.string.rawValue] + uvarint(1) + uvarint((1 << 63) + 5)
                    + raw(.string, [2], data: Array("ok".utf8))), true, "String data of 9223372036854775813 bytes")
        case "experimental batch of 70000 bytes":
            return (try opening(.go1_23) + batch(raw(.experimentalBatch, [1, 1, 5, 0], data: Array(repeating: 0x79, count: 70_000))),
                    true, "ExperimentalBatch data of 70000 bytes")
        case "batch over 64 KiB, then an unknown event":
            return (v122 + batch(raw(.frequency, [15_625_000]), declared: 70_000) + [0xff], false, "batch size 70000 is larger")
        default:
            throw SetupError("no case \(name)")
        }
    }

    /// `footprint` reads past the length limits as Go does: Go's table byte for byte where Go
    /// prints one, none where it prints none, then the breach as `wire` reports it (exit 1);
    /// `wire` and `parsed` still refuse the trace.
    @Test(arguments: [
        "batch over 64 KiB", "stack of 200 frames", "stack of 2^63 frames", "stack cut inside a frame",
        "string of 2000 bytes", "string larger than the read buffer", "string cut among its data",
        "string of 2^63+5 bytes", "experimental batch of 70000 bytes", "batch over 64 KiB, then an unknown event",
    ])
    func tracesPastTheLimits(_ name: String) throws {
        let (bytes, goPrintsTable, breach) = try Self.limitCase(name)
        let folder = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("limit.trace")
        try Data(bytes).write(to: file)

        let go = try ParserSupport.run(try Self.goTraceTool.get(), ["-d=footprint", file.path])
        #expect(go.output.isEmpty == !goPrintsTable, "\(name): Go printed \(go.output.count) bytes: \(go.errorText)")
        #expect(go.status == (goPrintsTable ? 0 : 1), "\(name): Go exit \(go.status)")

        let ours = try ParserSupport.run(ParserSupport.gotrace, ["footprint", file.path])
        let wire = try ParserSupport.run(ParserSupport.gotrace, ["wire", file.path])
        let parsed = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path])
        #expect(ours.outputText == go.outputText, "\(name): Go printed \(go.output.count) bytes, we \(ours.output.count)")
        #expect(ours.status == 1 && wire.status == 1 && parsed.status == 1, "\(name): \(ours.status) \(wire.status) \(parsed.status)")
        #expect(ours.errorText == wire.errorText, "\(name)")
        #expect(wire.errorText.hasPrefix("\(file.path): offset "), "\(name): \(wire.errorText)")
        #expect(wire.errorText.contains(breach), "\(name): \(wire.errorText)")
        #expect(Self.wireVerdict(bytes, name: file.path) == wire.errorText, "\(name)")
    }
}
