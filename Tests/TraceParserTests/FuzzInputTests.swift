import Foundation
import Testing
import TraceParser
import TraceWire

/// The fuzz target's seeds (Go's 22 test traces in binary form) and any kept findings
/// (Fuzz/corpus/TraceParser) read to the end or fail with a located error, quickly.
@Suite struct FuzzInputTests {
    static let inputs: [String] = {
        var paths: [String] = []
        for folder in ["Fuzz/TraceParser/seeds", "Fuzz/corpus/TraceParser"] {
            let directory = ParserSupport.root.appendingPathComponent(folder)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            paths += files.sorted().map { "\(folder)/\($0)" }
        }
        return paths
    }()

    @Test func seedsAreThere() {
        #expect(Self.inputs.filter { $0.hasPrefix("Fuzz/TraceParser/seeds/go-") }.count == 22)
    }

    @Test(arguments: inputs)
    func inputReadsOrFailsCleanly(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: ParserSupport.root.appendingPathComponent(path)))
        let started = ContinuousClock.now
        do {
            let output = OutputBuffer()
            try ParsedPrinter.print(TraceReader(bytes: bytes), to: output)
            #expect(output.text.hasPrefix("M=-1 P=-1 G=-1 Sync Time="))
        } catch let error as TraceParseError {
            if let offset = error.offset { #expect(offset >= 0 && offset <= bytes.count) }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
