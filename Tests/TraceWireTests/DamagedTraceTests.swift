import Foundation
import Testing
import TraceV2
import TraceWire

/// Damaged input for the library readers, beyond the single cases of `ErrorTests`: real
/// fixtures cut at every byte and mutated at random, malformed varints and lengths in every
/// position the reader decodes them, and text broken in each way `encode` can meet. Whatever
/// the damage, the reader stops with a `WireError` that points into the input, it never reads
/// more than a bounded amount past the point of failure, and what it did accept survives the
/// writer unchanged.
@Suite struct DamagedTraceTests {
    // MARK: Helpers

    /// The smallest recorded fixture of each trace version.
    static let smallFixtures = ["go1.22/annotations", "go1.23/coro", "go1.25/coro", "go1.26/coro", "go1.26/annotations"]

    static func fixture(_ name: String) throws -> [UInt8] {
        try Support.bytes(Support.fixtures.appendingPathComponent("\(name).trace"))
    }

    /// Reads all events; returns those read and the error it stopped with, if any.
    static func read(_ bytes: [UInt8]) -> (events: [WireEvent], error: WireError?) {
        var events: [WireEvent] = []
        do {
            let reader = try WireReader(bytes: bytes)
            while let event = try reader.next() { events.append(event) }
            return (events, nil)
        } catch let error as WireError {
            return (events, error)
        } catch {
            Issue.record("not a WireError: \(error)")
            return (events, nil)
        }
    }

    /// The batches of an intact trace: the offset of each EventBatch, where its data starts, and
    /// its declared size.
    static func batches(_ bytes: [UInt8]) throws -> [(offset: Int, dataStart: Int, size: Int)] {
        let reader = try WireReader(bytes: bytes)
        var batches: [(offset: Int, dataStart: Int, size: Int)] = []
        while let view = try reader.nextView() {
            if view.type == .eventBatch { batches.append((view.offset, reader.offset, Int(view.args[3]))) }
        }
        return batches
    }

    /// What `gotrace wire` reports for a trace whose events all read: the cut batch, if any.
    static func cutBatchError(_ bytes: [UInt8]) -> WireError? {
        do {
            try TraceDump.decode(WireReader(bytes: bytes))
            return nil
        } catch let error as WireError {
            return error
        } catch {
            Issue.record("not a WireError: \(error)")
            return nil
        }
    }

    /// The start offset of every event of an intact trace, and its size at the end.
    static func boundaries(_ bytes: [UInt8]) throws -> [Int] {
        let reader = try WireReader(bytes: bytes)
        var offsets: [Int] = []
        while let view = try reader.nextView() { offsets.append(view.offset) }
        return offsets + [reader.offset]
    }

    /// Reads text; returns the error it stops with.
    static func textError(_ text: String) -> WireError? {
        do {
            _ = try TraceDump.binary(of: text)
            return nil
        } catch let error as WireError {
            return error
        } catch {
            Issue.record("not a WireError: \(error)")
            return nil
        }
    }

    /// A deterministic generator (SplitMix64), so every run mutates the same way.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// A source that hands out `prefix` and then `filler` for ever, counting what it gave.
    final class EndlessSource: ByteSource {
        let prefix: [UInt8]
        let filler: UInt8
        private(set) var handedOut = 0

        init(prefix: [UInt8], filler: UInt8) {
            self.prefix = prefix
            self.filler = filler
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            for index in 0..<buffer.count {
                buffer[index] = handedOut + index < prefix.count ? prefix[handedOut + index] : filler
            }
            handedOut += buffer.count
            return buffer.count
        }
    }

    struct EndlessBox: ByteSource {
        let source: EndlessSource
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try source.read(into: buffer) }
    }

    /// 2^62 as a varint: eight continuation bytes and a final 0x40.
    static let twoToThe62: [UInt8] = Array(repeating: 0x80, count: 8) + [0x40]

    /// Ten continuation bytes then 1: eleven bytes, one more than any 64-bit varint.
    static let elevenByteVarint: [UInt8] = Array(repeating: 0xff, count: 10) + [0x01]

    /// Enough harmless ProcStop events that the reader takes its fast, unchecked decoding path.
    static let padding: [UInt8] = Array([UInt8]([11, 1]).repeated(200))

    // MARK: Truncation

    /// Cutting a real trace at any byte either ends it on an event boundary (and every event
    /// before is read) or fails at exactly the cut with an end-of-trace error. A cut on an event
    /// boundary inside a batch reads every event, but the whole-trace check reports the cut
    /// batch: its offset, declared size and the bytes present.
    @Test(arguments: smallFixtures)
    func truncationAtEveryOffset(_ name: String) throws {
        let whole = try Self.fixture(name)
        let starts = try Self.boundaries(whole)
        let batches = try Self.batches(whole)
        let full = try WireReader(bytes: whole).readAll()
        let clock = ContinuousClock()
        let started = clock.now
        var failures = 0
        for cut in 0..<whole.count {
            let (events, error) = Self.read(Array(whole.prefix(cut)))
            if cut < TraceVersion.headerSize {
                #expect(error == WireError.at(offset: cut, "bad file format: the trace ends inside its 16-byte header"), "cut \(cut)")
                continue
            }
            // The events read are always the leading events of the intact trace.
            #expect(events == Array(full.prefix(events.count)), "cut \(cut)")
            if let index = starts.firstIndex(of: cut) {
                #expect(error == nil, "cut \(cut) is on an event boundary")
                #expect(events.count == index, "cut \(cut)")
                let reported = Self.cutBatchError(Array(whole.prefix(cut)))
                if let batch = batches.last(where: { $0.dataStart <= cut }), cut < batch.dataStart + batch.size {
                    #expect(reported == WireError.at(offset: batch.offset, "truncated batch: its header declares \(batch.size) bytes but the trace ends after \(cut - batch.dataStart)"), "cut \(cut)")
                } else {
                    #expect(reported == nil, "cut \(cut) is on a batch boundary")
                }
            } else {
                failures += 1
                let error = try #require(error, "cut \(cut) inside an event was accepted")
                #expect(error.offset == cut, "cut \(cut): \(error)")
                #expect(error.message.hasPrefix("unexpected end of trace inside the "), "cut \(cut): \(error)")
                // The event named is the one the cut falls in.
                let eventStart = starts.last { $0 < cut }!
                #expect(error.message.hasSuffix("event at offset \(eventStart)"), "cut \(cut): \(error)")
            }
        }
        #expect(failures > whole.count / 2)
        #expect(clock.now - started < .seconds(60))
    }

    // MARK: Random damage

    /// Thousands of seeded mutations of real traces: each read ends, either cleanly or with an
    /// error that points at or after the event the first changed byte belongs to; accepted
    /// events survive the writer.
    @Test func seededByteFlips() throws {
        var random = SplitMix(state: 0x7ace_6e17)
        let clock = ContinuousClock()
        let started = clock.now
        var rejected = 0
        var tried = 0
        for name in Self.smallFixtures {
            let whole = try Self.fixture(name)
            let starts = try Self.boundaries(whole)
            for _ in 0..<600 {
                var bytes = whole
                let flips = Int.random(in: 1...4, using: &random)
                var first = bytes.count
                for _ in 0..<flips {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[at] ^= UInt8.random(in: 1...255, using: &random)
                    first = min(first, at)
                }
                // Sometimes also cut the trace after the damage.
                if Bool.random(using: &random) { bytes.removeLast(Int.random(in: 0..<(bytes.count - first), using: &random)) }
                tried += 1
                let one = clock.now
                let (events, error) = Self.read(bytes)
                #expect(clock.now - one < .seconds(2), "mutation \(tried) took too long")
                if let error {
                    rejected += 1
                    let offset = try #require(error.offset, "mutation \(tried): \(error)")
                    #expect(offset >= 0 && offset <= bytes.count, "mutation \(tried): \(error)")
                    if first >= TraceVersion.headerSize {
                        let eventStart = starts.last { $0 <= first }!
                        #expect(offset >= eventStart, "mutation \(tried): error at \(offset), damage at \(first)")
                    }
                }
                if !events.isEmpty {
                    let output = OutputBuffer()
                    let writer = try WireWriter(output: output, version: try WireReader(bytes: bytes).version)
                    for event in events { try writer.write(event) }
                    let again = try WireReader(bytes: output.bytes).readAll()
                    #expect(again.map(\.args) == events.map(\.args), "mutation \(tried)")
                }
            }
        }
        #expect(tried == 3000)
        #expect(rejected > tried / 2)
        #expect(clock.now - started < .seconds(120))
    }

    // MARK: Varints

    /// An over-long varint is reported at its first byte wherever the reader meets it: an
    /// argument read on the fast path, a frame of a stack, a data length, a batch header.
    @Test func overlongVarintsInEveryPosition() throws {
        let header = TraceVersion.go1_26.header
        // ProcStop's dt, with plenty after it (fast path).
        let fast = Self.read(header + [11] + Self.elevenByteVarint + Self.padding).error
        #expect(fast == WireError.at(offset: 17, "varint overflows a 64-bit integer"))
        // The third argument of ProcStart, after two good ones.
        let third = Self.read(header + [10, 1, 2] + Self.elevenByteVarint + Self.padding).error
        #expect(third == WireError.at(offset: 19, "varint overflows a 64-bit integer"))
        // Ten bytes whose last holds more than the top bit (a value of 2^64 or more).
        let tooBig = Self.read(header + [10, 1, 2] + Array(repeating: 0xff, count: 9) + [0x02] + Self.padding).error
        #expect(tooBig == WireError.at(offset: 19, "varint overflows a 64-bit integer"))
        // The line of the first frame of a stack: id, nframes=1, pc, func, file, then line.
        let frame = Self.read(header + [3, 7, 1, 1, 2, 3] + Self.elevenByteVarint + Self.padding).error
        #expect(frame == WireError.at(offset: 22, "varint overflows a 64-bit integer"))
        // The data length of a String.
        let length = Self.read(header + [5, 1] + Self.elevenByteVarint + Self.padding).error
        #expect(length == WireError.at(offset: 18, "varint overflows a 64-bit integer"))
        // The same near the end of the input (the careful path), in the batch header.
        let batch = Self.read(header + [1, 1] + Self.elevenByteVarint).error
        #expect(batch == WireError.at(offset: 18, "varint overflows a 64-bit integer"))
        // After a long run of good events, so the varint straddles a buffer refill.
        let late = Self.read(header + Array([UInt8]([11, 1]).repeated(200_000)) + [11] + Self.elevenByteVarint).error
        #expect(late == WireError.at(offset: 16 + 400_000 + 1, "varint overflows a 64-bit integer"))
    }

    // MARK: Declared lengths

    /// Lengths over each limit are refused where they are declared, with the limit named; the
    /// largest allowed length still reads.
    @Test func lengthsBeyondEachLimit() throws {
        let header = TraceVersion.go1_26.header
        // MaxEventTrailerDataSize: a String of 1024 bytes reads, 1025 and 2^62 do not.
        let ok = Self.read(header + [5, 1, 0x80, 0x08] + Array(repeating: 0x61, count: 1024))
        #expect(ok.error == nil && ok.events.first?.data?.count == 1024)
        let over = Self.read(header + [5, 1, 0x81, 0x08] + Array(repeating: 0x61, count: 1025)).error
        #expect(over == WireError.at(offset: 18, "String data of 1025 bytes is longer than the limit of 1024"))
        let huge = Self.read(header + [5, 1] + Self.twoToThe62).error
        #expect(huge == WireError.at(offset: 18, "String data of 4611686018427387904 bytes is longer than the limit of 1024"))
        // MaxBatchSize, for the data of an experimental batch (ExperimentalBatch exp=1 gen p time).
        let experimental: [UInt8] = [49, 1, 1, 2, 3]
        let full = Self.read(header + experimental + [0x80, 0x80, 0x04] + Array(repeating: 0, count: 65536))
        #expect(full.error == nil && full.events.first?.data?.count == 65536)
        let bigBatch = Self.read(header + experimental + [0x81, 0x80, 0x04]).error
        #expect(bigBatch == WireError.at(offset: 21, "ExperimentalBatch data of 65537 bytes is longer than the limit of 65536"))
        let hugeBatch = Self.read(header + experimental + Self.twoToThe62).error
        #expect(hugeBatch?.offset == 21)
        // MaxBatchSize, as the size an EventBatch declares.
        let eventBatch = Self.read(header + [1, 1, 2, 3] + Self.twoToThe62).error
        #expect(eventBatch == WireError.at(offset: 16, "batch size 4611686018427387904 is larger than the limit of 65536 bytes"))
        // MaxFramesPerStack: 128 frames read, 129 do not.
        let frames128 = Self.read(header + [3, 7, 0x80, 0x01] + Array(repeating: 1, count: 4 * 128))
        #expect(frames128.error == nil && frames128.events.first?.frames.count == 128)
        let frames129 = Self.read(header + [3, 7, 0x81, 0x01] + Array(repeating: 1, count: 4 * 129)).error
        #expect(frames129 == WireError.at(offset: 16, "stack has 129 frames, more than the limit of 128"))
        let frames62 = Self.read(header + [3, 7] + Self.twoToThe62).error
        #expect(frames62?.offset == 16)
    }

    /// A huge declared length is refused without reading towards it: from a source that never
    /// ends, the reader takes no more than its one buffer before it stops.
    @Test(arguments: [
        ("String", [5, 1] + twoToThe62),
        ("ExperimentalBatch", [49, 1, 1, 2, 3] + twoToThe62),
        ("Stack", [3, 7] + twoToThe62),
        ("EventBatch", [1, 1, 2, 3] + twoToThe62),
    ] as [(String, [UInt8])])
    func hugeLengthIsNeverFollowed(_ kind: String, _ event: [UInt8]) throws {
        let source = EndlessSource(prefix: TraceVersion.go1_26.header + event, filler: 0x61)
        let reader = try WireReader(source: EndlessBox(source: source))
        #expect(throws: WireError.self, "\(kind)") { while try reader.nextView() != nil {} }
        // One fill of the reader's 256 KiB buffer, and not a byte more.
        #expect(source.handedOut <= 256 << 10, "\(kind): read \(source.handedOut) bytes")
    }

    // MARK: Event types and headers

    /// An unknown or too-new event after the real events of a fixture is reported at its own
    /// offset, the events before it still read.
    @Test(arguments: smallFixtures)
    func badEventAfterRealEvents(_ name: String) throws {
        let whole = try Self.fixture(name)
        let count = try WireReader(bytes: whole).readAll().count
        let version = try WireReader(bytes: whole).version
        for byte: UInt8 in [0, 53, 99, 127, 137, 255] {
            let (events, error) = Self.read(whole + [byte, 1, 2, 3])
            #expect(events.count == count)
            #expect(error == WireError.at(offset: whole.count, "invalid event type: \(byte)"), "\(name) + \(byte)")
        }
        // The newest event of all, EndOfGeneration, is refused before go1.26.
        let (_, error) = Self.read(whole + [EventType.endOfGeneration.rawValue])
        if version < .go1_26 {
            #expect(error == WireError.at(offset: whole.count, "invalid event type: 52 (EndOfGeneration is not part of \(version.name) traces)"))
        } else {
            #expect(error == nil)
        }
    }

    /// Events that arrived with a later version are refused in the versions before it.
    @Test func eventsNewerThanTheHeader() throws {
        let cases: [(TraceVersion, EventType)] = [
            (.go1_22, .goCreateBlocked), (.go1_22, .experimentalBatch), (.go1_22, .heapObjectAlloc),
            (.go1_23, .sync), (.go1_23, .clockSnapshot), (.go1_25, .endOfGeneration),
        ]
        for (version, type) in cases {
            let error = Self.read(version.header + [type.rawValue] + Array(repeating: 0, count: 8)).error
            #expect(error == WireError.at(offset: 16, "invalid event type: \(type.rawValue) (\(type.name) is not part of \(version.name) traces)"))
        }
    }

    /// Old (v1) headers, headers with the wrong padding and empty input.
    @Test func badHeaders() throws {
        func header(_ text: String, pad: [UInt8] = []) -> [UInt8] {
            let bytes = Array(text.utf8) + pad
            return bytes + Array(repeating: 0, count: max(0, 16 - bytes.count)) + [11, 1]
        }
        #expect(Self.read([]).error == WireError.at(offset: 0, "bad file format: the trace ends inside its 16-byte header"))
        #expect(Self.read(header("go 1.19 trace")).error == WireError.at(offset: 0, "unknown or unsupported trace version go 1.19"))
        #expect(Self.read(header("go 1.21 trace")).error == WireError.at(offset: 0, "unknown or unsupported trace version go 1.21"))
        #expect(Self.read(header("go 1.5 trace")).error == WireError.at(offset: 0, "unknown or unsupported trace version go 1.5"))
        #expect(Self.read(header("go 1.24 trace")).error == WireError.at(offset: 0, "unknown or unsupported trace version go 1.24"))
        let notPadded = Array("go 1.26 trace\0\0x".utf8) + [11, 1]
        #expect(Self.read(notPadded).error == WireError.at(offset: 0, "bad file format: not a Go execution trace"))
        #expect(Self.read(header("GO 1.26 TRACE")).error == WireError.at(offset: 0, "bad file format: not a Go execution trace"))
        #expect(Self.read(Array(repeating: 0, count: 64)).error == WireError.at(offset: 0, "bad file format: not a Go execution trace"))
        // A header and nothing else is an empty trace, not an error.
        let empty = Self.read(TraceVersion.go1_22.header)
        #expect(empty.error == nil && empty.events.isEmpty)
    }

    // MARK: Text

    /// Malformed text: each error names the line where the problem is.
    @Test func malformedText() {
        let cases: [(String, WireError)] = [
            ("", .at(line: 1, "the text ends before its `Trace Go1.N` header line")),
            ("\n# only a comment\n", .at(line: 2, "the text ends before its `Trace Go1.N` header line")),
            ("Trace\n", .at(line: 1, "the header does not name a Go version as Go1.N")),
            ("Trace Go1.x\n", .at(line: 1, "the header's Go version \"Go1.x\" is not a number")),
            ("Trace Go1.21\n", .at(line: 1, "unknown or unsupported Go version 1.21")),
            ("go 1.26 trace\n", .at(line: 1, "the first line must be `Trace Go1.N`")),
            ("Trace Go1.26\nProcStop dt=1 extra=2\n", .at(line: 2, "ProcStop: unexpected text after the arguments: \" extra=2\"")),
            ("Trace Go1.26\n\nProcStop dt\n", .at(line: 3, "ProcStop: malformed argument \"dt\", expected \"dt\"=N")),
            ("Trace Go1.26\nProcStop dt=-1\n", .at(line: 2, "ProcStop: argument \"dt\" has value \"-1\", not an unsigned 64-bit number")),
            ("Trace Go1.26\nProcStop\n", .at(line: 2, "ProcStop: missing argument \"dt\"")),
            ("Trace Go1.26\nprocstop dt=1\n", .at(line: 2, "unknown event \"procstop\" for go1.26 traces")),
            ("Trace Go1.23\nEndOfGeneration\n", .at(line: 2, "unknown event \"EndOfGeneration\" for go1.23 traces")),
            ("Trace Go1.26\nString id=1\n\tdata=abc\n", .at(line: 3, "the data is not a valid Go string literal: \"abc\"")),
            ("Trace Go1.26\nString id=1\n\tdata=\"\\q\"\n", .at(line: 3, "the data is not a valid Go string literal: \"\\\"\\\\q\\\"\"")),
            ("Trace Go1.26\nString id=1\n\tdata=\"\\xZZ\"\n", .at(line: 3, "the data is not a valid Go string literal: \"\\\"\\\\xZZ\\\"\"")),
            ("Trace Go1.26\nString id=1\n\tdata='ab'\n", .at(line: 3, "the data is not a valid Go string literal: \"'ab'\"")),
            ("Trace Go1.26\nStack id=1 nframes=1\n", .at(line: 2, "the text ends inside the frames of the Stack on line 2")),
            ("Trace Go1.26\nStack id=1 nframes=1\n\tpc=1 fn=2 file=3 line=4\n", .at(line: 3, "stack frame: expected argument \"func\", found \"fn\"")),
            ("Trace Go1.26\nStack id=1 nframes=129\n", .at(line: 2, "stack has 129 frames, more than the limit of 128")),
            ("Trace Go1.26\nString id=1\n\tdata=\"\(String(repeating: "a", count: 1025))\"\n",
             .at(line: 3, "String data of 1025 bytes is longer than the limit of 1024")),
        ]
        for (text, expected) in cases {
            #expect(Self.textError(text) == expected, "\(text.debugDescription)")
        }
        // Missing data is allowed: Go prints no data line for empty data.
        #expect(Self.textError("Trace Go1.26\nString id=1\nProcStop dt=1\n") == nil)
    }

    /// A line without end is refused after a megabyte, and its message quotes only the start of
    /// it; a very long bad token is quoted the same way.
    @Test func overlongTextLines() throws {
        let source = EndlessSource(prefix: Array("Trace Go1.26\nProcStop dt=1 ".utf8), filler: 0x61)
        let reader = try TextReader(source: EndlessBox(source: source))
        #expect(throws: WireError.at(line: 2, "line is longer than 1048576 bytes")) { _ = try reader.readAll() }
        #expect(source.handedOut < 4 << 20)
        let longHeader = "Trace Go1.26 " + String(repeating: "x", count: 300_000) + "\n"
        let error = try #require(Self.textError(longHeader))
        #expect(error.line == 1)
        #expect(error.message.count < 200)
        #expect(error.message.hasSuffix("... (300001 bytes)"))
    }

    // MARK: Fuzzing findings

    /// Inputs the fuzz targets found, kept so they stay fixed (the raw inputs are in
    /// Fuzz/corpus/TARGET, which `Scripts/fuzz TARGET --replay` runs).
    @Test func fuzzFindings() throws {
        // TextReader: text accepted an EventBatch whose size is over MaxBatchSize, so `encode`
        // wrote a trace that `dump` then refused.
        let kept = try Support.bytes(Support.root.appendingPathComponent("Fuzz/corpus/TextReader/batch-size-over-limit"))
        #expect(throws: WireError.at(line: 2, "batch size 5625000 is larger than the limit of 65536 bytes")) {
            _ = try TextReader(source: MemorySource(kept)).readAll()
        }
        #expect(Self.textError("Trace Go1.26\nEventBatch gen=1 m=0 time=0 size=65537\n") ==
                WireError.at(line: 2, "batch size 65537 is larger than the limit of 65536 bytes"))
        #expect(Self.textError("Trace Go1.26\nEventBatch gen=1 m=0 time=0 size=65536\n") == nil)
        // The writer refuses such a batch as well, whoever builds the event.
        let writer = try WireWriter(output: OutputBuffer(), version: .go1_26)
        #expect(throws: WireError(location: .none, message: "batch size 65537 is larger than the limit of 65536 bytes")) {
            try writer.write(WireEvent(type: .eventBatch, args: [1, 0, 0, 65537]))
        }
    }

    /// Quoting input longer than one output buffer holds gives the same text as quoting it in
    /// one piece would, multi-byte characters at the cut included.
    @Test func quotingLongInput() {
        let piece: [UInt8] = Array("a\u{e9}\u{20ac}\u{1F600}\"\n".utf8) + [0xff, 0xc3]
        let long = Array(piece.repeated(20_000))
        let quoted = GoQuote.quote(long)
        let expectedPiece = GoQuote.quote(piece).dropFirst().dropLast()
        #expect(quoted == "\"" + String(repeating: String(expectedPiece), count: 20_000) + "\"")
    }
}

fileprivate extension Array {
    /// The array repeated `count` times.
    func repeated(_ count: Int) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(self.count * count)
        for _ in 0..<count { result += self }
        return result
    }
}
