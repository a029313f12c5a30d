import Foundation
import Testing
@testable import TraceGenCore

/// One malformed spec under `Tests/Fixtures/bad-specs/` and the diagnostics it must produce.
struct BadSpecCase: CustomTestStringConvertible, Sendable {
    var file: String
    /// Each expected line as the CLI prints it: `NAME.yaml:line:col: error: message`.
    var expected: [String]

    var testDescription: String { file }
}

/// Where the robustness fixtures live, and the helpers the malformed-spec and fuzz tests share.
enum BadSpecs {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bad-specs")

    /// The valid spec every fixture was derived from by a small edit.
    static let baseName = "_base.yaml"

    /// Reads `expected.tsv`: `file <TAB> line:col <TAB> message`, one row per diagnostic, in output order.
    static let cases: [BadSpecCase] = {
        guard let table = try? String(contentsOf: directory.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        var byFile: [String: [String]] = [:]
        var order: [String] = []
        for row in table.split(separator: "\n") where !row.hasPrefix("#") {
            let columns = row.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard columns.count == 3 else { continue }
            let file = String(columns[0])
            if byFile[file] == nil { order.append(file) }
            byFile[file, default: []].append("\(file):\(columns[1]): error: \(columns[2])")
        }
        return order.map { BadSpecCase(file: $0, expected: byFile[$0]!) }
    }()

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }
}

/// The built `tracegen` executable, which SwiftPM puts beside the test bundle.
enum TraceGenBinary {
    static let url: URL? = {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["TRACEGEN_BINARY"] { candidates.append(URL(fileURLWithPath: path)) }
        for base in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()] {
            var folder = base
            // The bundle may be a folder (`.xctest`) nested a level or two inside the build products.
            for _ in 0..<3 {
                folder.deleteLastPathComponent()
                candidates.append(folder.appendingPathComponent("tracegen"))
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) && !isDirectory($0) }
    }()

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    struct Run {
        var status: Int32
        var exitedNormally: Bool
        var stdout: String
        var stderr: String
        var duration: Duration
    }

    /// Runs the binary in `directory` and waits, with output captured through files so no pipe can fill up.
    static func run(_ arguments: [String], in directory: URL) throws -> Run {
        let binary = try #require(url, "tracegen was not built beside the test bundle; set TRACEGEN_BINARY")
        let scratch = try TemporaryFolder()
        let out = scratch.url.appendingPathComponent("stdout"), err = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let duration = clock.now - start
        return Run(status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
                   stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8),
                   duration: duration)
    }
}

/// A fresh folder under the system's temporary directory, removed when the value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracegen-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every file and folder below the root with its bytes (nil for folders), hidden ones included.
    func snapshot() throws -> [String: Data?] {
        try Self.snapshot(of: url)
    }

    static func snapshot(of url: URL) throws -> [String: Data?] {
        var result: [String: Data?] = [:]
        let root = url.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            result[relative] = isDirectory.boolValue ? .some(nil) : try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }

    /// An output folder as a previous run might have left it, plus an unrelated file of the user's.
    static func withSentinels() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let files = [
            "Go/tracemin/events.go": "// Code generated by tracegen from a previous spec. DO NOT EDIT.\npackage tracemin\n",
            "Swift/TraceMin/EventType.swift": "// Code generated by tracegen. DO NOT EDIT.\n// sentinel\n",
            "Docs/TraceMin.md": "sentinel reference page\n",
            "NOTES.txt": "not ours; must survive\n",
        ]
        for (path, text) in files {
            let target = folder.url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
        }
        return folder
    }
}

@Suite("Malformed specs")
struct MalformedSpecTests {
    /// Cases run by the binary must also finish quickly; the alias bombs are the ones this guards.
    static let timeLimit = Duration.seconds(5)

    @Test("the fixture set is complete and every fixture has an expectation")
    func fixtureSetIsComplete() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: BadSpecs.directory.path)
            .filter { $0.hasSuffix(".yaml") && $0 != BadSpecs.baseName }.sorted()
        #expect(names.count >= 40)
        #expect(Set(names) == Set(BadSpecs.cases.map(\.file)), "every fixture needs rows in expected.tsv, and every row a fixture")
    }

    @Test("the base spec the fixtures are derived from is valid")
    func baseSpecIsValid() throws {
        let spec = try TraceGen.loadSpec(data: BadSpecs.data(BadSpecs.baseName), file: BadSpecs.baseName)
        #expect(spec.events.count == 3)
    }

    @Test("the CLI prints the exact diagnostics, exits 1 and leaves the output folder alone", arguments: BadSpecs.cases)
    func binaryRejectsFixture(_ badSpec: BadSpecCase) throws {
        let output = try TemporaryFolder.withSentinels()
        let before = try output.snapshot()
        let run = try TraceGenBinary.run([badSpec.file, "--output", output.url.path], in: BadSpecs.directory)
        #expect(run.exitedNormally, "tracegen was killed by signal \(run.status)")
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").map(String.init) == badSpec.expected)
        #expect(run.stdout.isEmpty)
        #expect(try output.snapshot() == before, "the output folder changed")
        #expect(run.duration < Self.timeLimit)
    }

    @Test("the library throws the same diagnostics", arguments: BadSpecs.cases)
    func libraryRejectsFixture(_ badSpec: BadSpecCase) throws {
        let data = try BadSpecs.data(badSpec.file)
        let error = try #require(throws: DiagnosticsError.self) { try TraceGen.loadSpec(data: data, file: badSpec.file) }
        #expect(error.diagnostics.map(\.description) == badSpec.expected)
        #expect(error.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test("a spec over 16 MiB is refused before it is parsed")
    func oversizedSpecIsRefused() throws {
        let folder = try TemporaryFolder()
        // Valid YAML throughout, so only the size can be the reason for the refusal.
        var text = "# padding\n"
        let line = "#" + String(repeating: "x", count: 1022) + "\n"
        while text.utf8.count <= SpecLoader.maxSpecSize { text += line }
        try Data(text.utf8).write(to: folder.url.appendingPathComponent("huge.yaml"))

        let output = try TemporaryFolder.withSentinels()
        let before = try output.snapshot()
        let run = try TraceGenBinary.run(["huge.yaml", "--output", output.url.path], in: folder.url)
        #expect(run.exitedNormally)
        #expect(run.status == 1)
        #expect(run.stderr == "huge.yaml:1:1: error: the spec is larger than the limit of 16777216 bytes (16 MiB)\n")
        #expect(try output.snapshot() == before)
        #expect(run.duration < Self.timeLimit)

        let error = try #require(throws: DiagnosticsError.self) { try TraceGen.loadSpec(data: Data(text.utf8), file: "huge.yaml") }
        #expect(error.description == "huge.yaml:1:1: error: the spec is larger than the limit of 16777216 bytes (16 MiB)")
    }

    @Test("a spec that is a directory or missing is reported, not crashed on")
    func unreadableSpecPath() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("dir.yaml"), withIntermediateDirectories: false)
        for (name, reason) in [("dir.yaml", "it is a directory"), ("missing.yaml", "no such file")] {
            let run = try TraceGenBinary.run([name, "--output", folder.url.appendingPathComponent("out").path], in: folder.url)
            #expect(run.exitedNormally)
            #expect(run.status == 1)
            #expect(run.stderr == "\(name):1:1: error: cannot read the spec: \(reason)\n")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("out").path))
    }

    /// Twenty levels of ten-fold aliases would be 10^20 nodes if anything expanded them.
    static func aliasBomb(levels: Int, asKey: Bool) -> String {
        var lines = ["bomb:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<levels {
            lines.append("  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        if asKey { lines += ["? *l\(levels - 1)", ": boom", "? *l\(levels - 1)", ": again"] } else { lines.append("top: *l\(levels - 1)") }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("alias bombs are refused in bounded time, as values and as mapping keys", arguments: [false, true])
    func aliasBombIsBounded(asKey: Bool) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: DiagnosticsError.self) {
            try TraceGen.loadSpec(data: Data(Self.aliasBomb(levels: 20, asKey: asKey).utf8), file: "bomb.yaml")
        }
        #expect(clock.now - start < .seconds(2))
        #expect(error.description == "bomb.yaml:2:7: error: YAML anchors and aliases are not allowed in a spec; write the value out")
    }

    @Test("an anchor is refused wherever it appears, with its own position")
    func anchorPositions() throws {
        let cases: [(String, String)] = [
            ("a: &x 1\n", "1:4"),
            ("a:\n  - !!str &x b\n", "2:11"),
            ("a: {k: [1, *y]}\n", "1:12"),
            ("a: 'not & an anchor'\nb: \"nor * an alias\"\nc: x*y&z\nd: *z\n", "4:4"),
        ]
        for (text, position) in cases {
            let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(data: Data(text.utf8), file: "t.yaml") }
            #expect(error.description == "t.yaml:\(position): error: YAML anchors and aliases are not allowed in a spec; write the value out", "\(text)")
        }
    }

    @Test("a file full of errors reports the first hundred and a note, in bounded time")
    func errorsAreCapped() throws {
        let text = (0..<200_000).map { "unknownkey\($0): 1\n" }.joined()
        // CPU time of this thread, not wall time: the machine may be busy with other builds.
        let start = threadCPUSeconds()
        let error = try #require(throws: DiagnosticsError.self) { try SpecLoader.load(data: Data(text.utf8), file: "keys.yaml") }
        #expect(threadCPUSeconds() - start < 10)
        #expect(error.diagnostics.filter { $0.severity == .error }.count == 100)
        #expect(error.diagnostics.last?.description == "keys.yaml:101:1: note: too many errors; only the first 100 are shown")
    }

    /// Inputs the fuzzer (or a review) found to crash or hang, kept once fixed.
    static let fuzzFindings: [String] = {
        let folder = BadSpecs.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/spec")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().map { folder.appendingPathComponent($0).path }
    }()

    @Test("kept fuzz findings load or fail with located diagnostics, quickly", arguments: fuzzFindings)
    func fuzzFindingStaysFixed(_ path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try TraceGen.loadSpec(data: data, file: "finding.yaml")
        } catch let error as DiagnosticsError {
            #expect(!error.diagnostics.isEmpty)
            #expect(error.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        }
        #expect(clock.now - start < .seconds(2))
    }

    @Test("ampersands and asterisks inside text are not mistaken for anchors")
    func sigilsInText() throws {
        let base = try #require(String(data: BadSpecs.data(BadSpecs.baseName), encoding: .utf8))
        let text = base.replacingOccurrences(of: "description: A goroutine stops.", with: "description: Stops *now* & then; a&b, 2*3.")
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "t.yaml")
        #expect(spec.events.contains { $0.description == "Stops *now* & then; a&b, 2*3." })
    }
}

/// The CPU time the calling thread has used, in seconds.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
