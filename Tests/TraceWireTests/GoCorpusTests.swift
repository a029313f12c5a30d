import Foundation
import Testing
import TraceWire

/// Go's own test traces (`internal/trace/testdata/tests/*.test` of the newest pinned release),
/// written in the raw text format by Go's tools.
@Suite struct GoCorpusTests {
    /// The `-- trace --` section of each txtar file, by file name.
    static func corpus() throws -> [(name: String, text: String)] {
        let directory = try Support.goRoot().appendingPathComponent("src/internal/trace/testdata/tests")
        // A missing or empty folder throws, so the corpus tests cannot pass by finding nothing.
        let names = try fixtureNames(in: directory, suffix: ".test", minimum: 10)
        return try names.map { name in
            let archive = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return (name, try #require(traceSection(of: archive), "\(name) has no -- trace -- section"))
        }
    }

    /// The text between the `-- trace --` marker and the next txtar marker.
    static func traceSection(of archive: String) -> String? {
        var lines: [Substring] = []
        var inside = false
        for line in archive.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- "), line.hasSuffix(" --") {
                if inside { break }
                inside = line == "-- trace --"
                continue
            }
            if inside { lines.append(line) }
        }
        return inside || !lines.isEmpty ? lines.joined(separator: "\n") : nil
    }

    @Test func corpusIsThere() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 20)
        #expect(Set(corpus.map { $0.text.prefix(12) }).isSuperset(of: ["Trace Go1.22", "Trace Go1.23", "Trace Go1.25"]))
    }

    @Test func everyTestTraceRoundTrips() throws {
        for (name, text) in try Self.corpus() {
            let binary = try TraceDump.binary(of: text)
            let dumped = try TraceDump.text(of: binary, includeHeader: true)
            // Each section ends with the newline before the next marker.
            expectSameLines(dumped, text)
            #expect(dumped == text, "\(name) does not round-trip")
        }
    }
}
