import Foundation
import Testing
import TraceParser
import TraceWire

/// The fuzz target's seeds (Go's 22 test traces in binary form) and any kept findings
/// (Fuzz/corpus/TraceParser), each given Go's verdict, quickly: a seed Go accepts must read to the
/// end, one Go rejects must fail with a located error whose message matches Go's expectation, and a
/// kept finding must be accepted or rejected as `go tool trace -d=parsed` does.
@Suite struct FuzzInputTests {
    static let seedFolder = "Fuzz/TraceParser/seeds"
    static let findingFolder = "Fuzz/corpus/TraceParser"

    static let inputs: [String] = {
        var paths: [String] = []
        for folder in [seedFolder, findingFolder] {
            let directory = ParserSupport.root.appendingPathComponent(folder)
            // A missing seed folder is caught by seedsAreGosTestCases; the findings folder may be empty.
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            paths += files.sorted().map { "\(folder)/\($0)" }
        }
        return paths
    }()

    /// The Go test case a seed was made from: `go-NAME.trace` comes from `NAME.test`.
    static func caseName(ofSeed path: String) -> String? {
        let file = URL(fileURLWithPath: path).lastPathComponent
        guard path.hasPrefix(seedFolder + "/"), file.hasPrefix("go-"), file.hasSuffix(".trace") else { return nil }
        return String(file.dropFirst(3).dropLast(6)) + ".test"
    }

    /// Every seed is the binary form of one of Go's test cases, and every case has its seed.
    @Test func seedsAreGosTestCases() throws {
        let cases = try ParserSupport.goTestCases()
        let seeds = Self.inputs.filter { $0.hasPrefix(Self.seedFolder + "/") }
        #expect(seeds.count == 22)
        #expect(Set(seeds.compactMap(Self.caseName(ofSeed:))) == Set(cases.map(\.name)))
        for testCase in cases {
            let seed = ParserSupport.root.appendingPathComponent("\(Self.seedFolder)/go-\(testCase.name.dropLast(5)).trace")
            let bytes = try [UInt8](Data(contentsOf: seed))
            #expect(bytes == (try TraceDump.binary(of: testCase.text)), "\(seed.lastPathComponent) is not \(testCase.name)")
        }
    }

    @Test(arguments: inputs)
    func inputGetsGosVerdict(_ path: String) throws {
        let url = ParserSupport.root.appendingPathComponent(path)
        let bytes = try [UInt8](Data(contentsOf: url))
        let started = ContinuousClock.now
        let output = OutputBuffer()
        var failure: TraceParseError?
        do {
            try ParsedPrinter.print(TraceReader(bytes: bytes), to: output)
        } catch let error as TraceParseError {
            failure = error
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        if let offset = failure?.offset { #expect(offset >= 0 && offset <= bytes.count, "\(path)") }

        // Go's verdict: the expectation of the test case for a seed, the real tool for a finding.
        let pattern: String?
        if let name = Self.caseName(ofSeed: path) {
            let testCase = try #require(try ParserSupport.goTestCases().first { $0.name == name }, "no Go test case \(name)")
            if testCase.expectation == "SUCCESS" {
                pattern = nil
            } else {
                #expect(testCase.expectation.hasPrefix("FAILURE \""), "\(name): \(testCase.expectation)")
                pattern = String(testCase.expectation.dropFirst("FAILURE \"".count).dropLast())
            }
        } else {
            let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", url.path], environment: ["TZ": "UTC"])
            pattern = go.status == 0 ? nil : ""
        }
        guard let pattern else {
            #expect(failure == nil, "\(path): Go accepts it, we fail: \(failure.map(String.init(describing:)) ?? "")")
            if failure == nil { #expect(output.text.hasPrefix("M=-1 P=-1 G=-1 Sync Time="), "\(path)") }
            return
        }
        let message = try #require(failure, "\(path): Go rejects it, we accept it").message
        #expect(message.contains(try Regex(pattern)), "\(path): \(message) does not match \(pattern)")
    }
}
