import Foundation
import Testing
import TraceV2
import TraceWire

/// Broken input: every error names where it is, and nothing crashes or allocates what a
/// length merely claims.
@Suite struct ErrorTests {
    /// A trace of `version` whose events are the given bytes.
    static func trace(_ events: [UInt8], version: TraceVersion = .go1_26) -> [UInt8] {
        version.header + events
    }

    /// Reads every event and returns the error the reader ends with.
    static func error(reading bytes: [UInt8]) throws -> WireError {
        do {
            _ = try WireReader(bytes: bytes).readAll()
        } catch let error as WireError {
            return error
        }
        Issue.record("the reader accepted the input")
        return WireError(location: .none, message: "")
    }

    static func textError(_ text: String) throws -> WireError {
        do {
            _ = try TraceDump.binary(of: text)
        } catch let error as WireError {
            return error
        }
        Issue.record("the text reader accepted the input")
        return WireError(location: .none, message: "")
    }

    @Test func notATrace() throws {
        let error = try Self.error(reading: Array("hello, this is not a trace file".utf8))
        #expect(error.offset == 0)
        #expect(error.message.contains("not a Go execution trace"))
    }

    @Test func headerCutShort() throws {
        let error = try Self.error(reading: Array("go 1.26 tr".utf8))
        #expect(error.offset == 10)
        #expect(error.message.contains("header"))
    }

    @Test func unsupportedVersion() throws {
        let error = try Self.error(reading: Array("go 1.21 trace".utf8) + [0, 0, 0])
        #expect(error == WireError.at(offset: 0, "unknown or unsupported trace version go 1.21"))
    }

    @Test func unknownEventType() throws {
        // ProcStop dt=5 is three... two bytes; then 60, which no version defines.
        let error = try Self.error(reading: Self.trace([11, 5, 60]))
        #expect(error == WireError.at(offset: 18, "invalid event type: 60"))
    }

    @Test func eventTooNewForTheVersion() throws {
        // GoSwitch (45) came with go1.23; AllocFree events (128+) too.
        let goSwitch = try Self.error(reading: Self.trace([11, 5, 45, 1, 2, 3], version: .go1_22))
        #expect(goSwitch.offset == 18)
        #expect(goSwitch.message.hasPrefix("invalid event type: 45"))
        let span = try Self.error(reading: Self.trace([130, 1, 2], version: .go1_22))
        #expect(span.offset == 16)
        // The same AllocFree event is fine from go1.23 on, where Go's newest tool rejects it.
        for version in [TraceVersion.go1_23, .go1_25, .go1_26] {
            let events = try WireReader(bytes: Self.trace([130, 1, 2], version: version)).readAll()
            #expect(events == [WireEvent(type: .spanFree, args: [1, 2])])
        }
    }

    @Test func everyEventByteIsCheckedAgainstTheVersionTable() throws {
        for version in TraceVersion.allCases {
            for byte in 0...255 {
                let type = EventType(rawValue: UInt8(byte))
                // Zero for every argument (a stack gets no frames, data gets length zero).
                let argCount = type.map { $0.spec.args.count + ($0.spec.hasData ? 1 : 0) } ?? 0
                let bytes = Self.trace([UInt8(byte)] + Array(repeating: 0, count: argCount), version: version)
                let accepted = (try? WireReader(bytes: bytes).readAll()) != nil
                #expect(accepted == (type.map(version.contains) ?? false), "byte \(byte) in \(version)")
            }
        }
    }

    @Test func truncatedInsideAnEvent() throws {
        // ProcStart dt=1 p=2, then the trace ends before p_seq.
        let error = try Self.error(reading: Self.trace([10, 1, 2]))
        #expect(error == WireError.at(offset: 19, "unexpected end of trace inside the ProcStart event at offset 16"))
        // Cut inside a varint and inside data as well.
        #expect(try Self.error(reading: Self.trace([10, 1, 0x80])).offset == 19)
        let string = try Self.error(reading: Self.trace([5, 1, 5, 0x61, 0x62]))
        #expect(string == WireError.at(offset: 21, "unexpected end of trace inside the String event at offset 16"))
    }

    @Test func truncatedRealTraceKeepsTheEventsBeforeTheCut() throws {
        let fixture = try #require(Support.recordedFixtures.first { $0.release == "go1.27" && $0.scenario == "annotations" })
        let whole = try Support.bytes(fixture.trace)
        let full = try String(contentsOf: fixture.reference, encoding: .utf8)
        let cut = Array(whole.prefix(whole.count / 2))
        let output = OutputBuffer()
        var thrown: WireError?
        do {
            try TraceDump.printText(WireReader(bytes: cut), to: output)
        } catch let error as WireError {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(error.offset == cut.count)
        #expect(output.text.count > 0)
        #expect(full.hasPrefix(output.text))
    }

    @Test func overlongVarint() throws {
        // ProcStop's dt: eleven bytes with the continuation bit, then a tenth byte too large.
        let tooLong = try Self.error(reading: Self.trace([11] + Array(repeating: 0xff, count: 11) + [0x01]))
        #expect(tooLong == WireError.at(offset: 17, "varint overflows a 64-bit integer"))
        let tooBig = try Self.error(reading: Self.trace([11] + Array(repeating: 0xff, count: 9) + [0x02]))
        #expect(tooBig.offset == 17)
        let largest = try WireReader(bytes: Self.trace([11] + Array(repeating: 0xff, count: 9) + [0x01])).readAll()
        #expect(largest == [WireEvent(type: .procStop, args: [UInt64.max])])
    }

    @Test func hugeLengthsAreRejectedBeforeReading() throws {
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]  // 2^63
        // A String claiming 2^63 bytes of data, at offset 18 after `5 1`.
        let string = try Self.error(reading: Self.trace([5, 1] + huge))
        #expect(string.offset == 18)
        #expect(string.message.contains("longer than the limit of 1024"))
        // One byte over the limit of a string.
        let over = try Self.error(reading: Self.trace([5, 1, 0x81, 0x08]))
        #expect(over.message.contains("1025 bytes"))
        // A stack claiming 2^63 frames.
        let stack = try Self.error(reading: Self.trace([3, 7] + huge))
        #expect(stack == WireError.at(offset: 16, "stack has 9223372036854775808 frames, more than the limit of 128"))
        // A batch larger than the runtime can write.
        let batch = try Self.error(reading: Self.trace([1, 1, 2, 3, 0x81, 0x80, 0x04]))
        #expect(batch == WireError.at(offset: 16, "batch size 65537 is larger than the limit of 65536 bytes"))
    }

    @Test func textErrorsNameTheLine() throws {
        #expect(try Self.textError("Trace Go1.99\n") == WireError.at(line: 1, "unknown or unsupported Go version 1.99"))
        #expect(try Self.textError("# comment\n\nTrace Go1.26 extra\n").line == 3)
        #expect(try Self.textError("Trace Go1.26\nProcStop dt=1\nNoSuchEvent x=1\n").line == 3)
        #expect(try Self.textError("Trace Go1.22\nGoSwitch dt=1 g=2 g_seq=3\n").line == 2)
        #expect(try Self.textError("Trace Go1.26\nProcStart dt=1 p=2\n") == WireError.at(line: 2, "ProcStart: missing argument \"p_seq\""))
        #expect(try Self.textError("Trace Go1.26\nProcStart dt=1 q=2 p_seq=3\n").message.contains("expected argument \"p\""))
        #expect(try Self.textError("Trace Go1.26\nProcStop dt=18446744073709551616\n").line == 2)
        #expect(try Self.textError("Trace Go1.26\nStack id=1 nframes=2\n\tpc=1 func=2 file=3 line=4\n").line == 3)
        #expect(try Self.textError("Trace Go1.26\nString id=1\n\tdata=\"unterminated\n").line == 3)
    }

    @Test func writerRejectsEventsTheSpecDoesNotAllow() throws {
        let writer = try WireWriter(output: OutputBuffer(), version: .go1_22)
        #expect(throws: WireError.self) { try writer.write(WireEvent(type: .procStart, args: [1, 2])) }
        #expect(throws: WireError.self) { try writer.write(WireEvent(type: .goSwitch, args: [1, 2, 3])) }
        #expect(throws: WireError.self) { try writer.write(WireEvent(type: .procStop, args: [1], data: [1])) }
        #expect(throws: WireError.self) {
            try writer.write(WireEvent(type: .string, args: [1], data: Array(repeating: 0x61, count: 1025)))
        }
        #expect(throws: WireError.self) { try writer.write(WireEvent(type: .stack, args: [1, 1, 2, 3, 4])) }
    }

    @Test func writerAndReaderAgreeOnEdgeValues() throws {
        let events = [
            WireEvent(type: .eventBatch, args: [1, UInt64.max, 1 << 40, 65536]),
            WireEvent(type: .stack, args: [9, 2, 1, 2, 3, 4, UInt64.max, 0, 127, 128]),
            WireEvent(type: .string, args: [3], data: Array(0...255).map(UInt8.init)),
            WireEvent(type: .experimentalBatch, args: [1, 2, 3, 4], data: Array(repeating: 0x80, count: 65536)),
            WireEvent(type: .heapObjectAlloc, args: [0, 1, 2]),
        ]
        let output = OutputBuffer()
        let writer = try WireWriter(output: output, version: .go1_26)
        for event in events { try writer.write(event) }
        #expect(try WireReader(bytes: output.bytes).readAll() == events)
        // And through the text format.
        let text = try TraceDump.text(of: output.bytes, includeHeader: true)
        #expect(try TextReader(text: text).readAll() == events)
    }
}
