import Foundation
import Testing
import TestSupport
import TraceParser
import TraceWire

/// ``TraceString`` keeps a trace's text as bytes: what the public accessors return for strings
/// that are not valid UTF-8, and how such strings compare.
@Suite struct TraceStringTests {
    /// The messages of every log event of the annotations fixture, which logs control characters
    /// and invalid UTF-8 on purpose.
    static func logMessages() throws -> [TraceString] {
        let trace = Support.fixtures.appendingPathComponent("go1.27/annotations.trace")
        let reader = try TraceReader(source: try FileDescriptorSource(path: trace.path))
        var messages: [TraceString] = []
        while let event = try reader.next() {
            if let log = event.log { messages.append(log.message) }
        }
        return messages
    }

    @Test func invalidUTF8IsKeptByteForByte() throws {
        let messages = try Self.logMessages()
        let expected = Array("invalid utf8 ".utf8) + [0xff, 0xfe] + Array(" end".utf8)
        let invalid = try #require(messages.first { $0.bytes == expected }, "no log message with the fixture's invalid bytes")
        #expect(!invalid.isValidUTF8)
        #expect(invalid.string == "invalid utf8 \u{FFFD}\u{FFFD} end")
        #expect(invalid == TraceString(bytes: expected))
        // The lossy String is not the same text: a string made from it has other bytes.
        #expect(invalid != TraceString(invalid.string))
        #expect(Set([invalid, TraceString(bytes: expected)]).count == 1)

        let control = try #require(messages.first { $0.string.hasPrefix("bell") })
        #expect(control.isValidUTF8)
        #expect(control == "bell\u{07} nul\u{00} del\u{7f} esc\u{1b}")
    }

    @Test func stringsCompareByTheirBytesWhereverTheyComeFrom() throws {
        let messages = try Self.logMessages()
        try #require(messages.count > 2)
        for message in messages {
            let copy = TraceString(bytes: message.bytes)
            #expect(message == copy)
            #expect(message.hashValue == copy.hashValue)
            #expect(message.description == message.string)
            #expect(message.isEmpty == message.bytes.isEmpty)
        }
        #expect(TraceString("") == TraceString(bytes: []))
        #expect(TraceString("a") != TraceString("b"))
    }
}
