import Foundation
import Testing
import TraceV2
import TraceWire

/// The reader and writer against traces recorded by real Go runtimes and dumped by the real
/// `go tool trace -d=wire` (see Scripts/record-fixtures and MANIFEST.tsv).
@Suite struct FixtureTests {
    @Test func manifestListsFixturesOfEveryRelease() {
        let releases = Set(Support.recordedFixtures.map(\.release))
        #expect(releases == ["go1.22", "go1.23", "go1.24", "go1.25", "go1.26", "go1.27"])
        // Every release from 1.23 on has an AllocFree fixture, the ones Go's newest tool rejects included.
        let allocFree = Set(Support.recordedFixtures.filter { $0.scenario == "allocfree" }.map(\.release))
        #expect(allocFree == ["go1.23", "go1.24", "go1.25", "go1.26", "go1.27"])
    }

    @Test(arguments: Support.recordedFixtures)
    func dumpMatchesGoTool(_ fixture: Support.Fixture) throws {
        let trace = try Support.bytes(fixture.trace)
        let expected = try String(contentsOf: fixture.reference, encoding: .utf8)
        let dumped = try TraceDump.text(of: trace)
        #expect(!expected.isEmpty)
        expectSameLines(dumped, expected)
    }

    @Test(arguments: Support.recordedFixtures)
    func encodedTextReadsTheSameInGoTool(_ fixture: Support.Fixture) throws {
        let text = try TraceDump.text(of: Support.bytes(fixture.trace), includeHeader: true)
        let encoded = try TraceDump.binary(of: text)
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("encoded.trace")
        try Data(encoded).write(to: file)
        let result = try Support.goWireDump(file, pin: fixture.dumpPin)
        #expect(result.status == 0, "go \(fixture.dumpPin) tool trace failed: \(result.errorText)")
        expectSameLines(result.outputText, try String(contentsOf: fixture.reference, encoding: .utf8))
    }

    @Test(arguments: Support.recordedFixtures)
    func smallReadsGiveTheSameEvents(_ fixture: Support.Fixture) throws {
        // A source that hands out a few bytes at a time makes every event cross a buffer refill.
        let trace = try Support.bytes(fixture.trace)
        let whole = try WireReader(bytes: trace).readAll()
        let trickled = try WireReader(source: TrickleSource(trace, chunk: 7), bufferSize: 1).readAll()
        #expect(whole == trickled)
    }

    @Test(arguments: Support.recordedFixtures)
    func writerReproducesTheEvents(_ fixture: Support.Fixture) throws {
        let trace = try Support.bytes(fixture.trace)
        let reader = try WireReader(bytes: trace)
        let output = OutputBuffer()
        let writer = try WireWriter(output: output, version: reader.version)
        while let event = try reader.next() { try writer.write(event) }
        // The runtime pads some varints it patches in place (batch sizes) and the writer does
        // not, so the bytes differ; the events must not.
        #expect(try WireReader(bytes: output.bytes).readAll() == WireReader(bytes: trace).readAll())
    }

    @Test func readerReportsTheHeaderVersion() throws {
        let expected: [String: TraceVersion] = [
            "go1.22": .go1_22, "go1.23": .go1_23, "go1.24": .go1_23, "go1.25": .go1_25, "go1.26": .go1_26, "go1.27": .go1_26,
        ]
        for fixture in Support.recordedFixtures {
            let reader = try WireReader(bytes: Support.bytes(fixture.trace))
            #expect(reader.version == expected[fixture.release], "\(fixture.testDescription)")
        }
    }
}

/// Compares two dumps and, when they differ, reports the first differing line.
func expectSameLines(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(actualLines.count, expectedLines.count)
    let got = first < actualLines.count ? String(actualLines[first]) : "<end>"
    let want = first < expectedLines.count ? String(expectedLines[first]) : "<end>"
    Issue.record("first difference on line \(first + 1):\n  got:  \(got)\n  want: \(want)", sourceLocation: sourceLocation)
}

/// Hands out bytes a few at a time, like a slow pipe.
struct TrickleSource: ByteSource {
    private var bytes: [UInt8]
    private var position = 0
    private let chunk: Int

    init(_ bytes: [UInt8], chunk: Int) {
        self.bytes = bytes
        self.chunk = chunk
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(chunk, buffer.count, bytes.count - position)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}
