import Foundation
import Testing

// A small private copy of the helpers the other test targets share (root, Go toolchain, running
// processes, temporary directories), until the shared TestSupport module lands.

enum ParserSupport {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = root.appendingPathComponent("Tests/Fixtures/traces")

    /// The pinned toolchain whose `go tool trace` is the reference.
    static let go: String = {
        let result = try? run(root.appendingPathComponent("Scripts/ensure-go").path, ["1.27.3"])
        let path = result?.outputText.split(separator: "\n").last.map(String.init) ?? ""
        precondition(FileManager.default.isExecutableFile(atPath: path), "Scripts/ensure-go 1.27.3 gave no go binary")
        return path
    }()

    static var goRoot: URL {
        URL(fileURLWithPath: go).deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The `gotrace` executable built next to the tests.
    static let gotrace: String = {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in candidates {
            var url = directory
            for _ in 0..<4 {
                let candidate = url.appendingPathComponent("gotrace")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate.path
                }
                url.deleteLastPathComponent()
            }
        }
        preconditionFailure("gotrace was not built next to the tests; run `swift build` first")
    }()

    struct RunResult {
        let status: Int32
        let output: Data
        let error: Data
        var outputText: String { String(decoding: output, as: UTF8.self) }
        var errorText: String { String(decoding: error, as: UTF8.self) }
    }

    /// Runs a program to completion with Go kept offline; `environment` adds variables.
    static func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GOTOOLCHAIN"] = "local"
        environment["GOPROXY"] = "off"
        environment["GOFLAGS"] = ""
        environment["GOWORK"] = "off"
        environment.merge(extra) { $1 }
        process.environment = environment
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return RunResult(status: process.terminationStatus, output: try Data(contentsOf: outURL),
                         error: try Data(contentsOf: errURL))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("traceparser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every recorded fixture trace, as `go1.NN/name`.
    static let fixtureNames: [String] = {
        let releases = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        var names: [String] = []
        for release in releases.sorted() where release.hasPrefix("go1.") {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(release).path)) ?? []
            for file in files.sorted() where file.hasSuffix(".trace") {
                names.append("\(release)/\(file.dropLast(6))")
            }
        }
        return names
    }()

    static func fixture(_ name: String, _ suffix: String) -> URL {
        fixtures.appendingPathComponent(name + suffix)
    }

    /// Go's own test traces: name, expectation line, and the raw text of the trace.
    static func goTestCases() throws -> [(name: String, expectation: String, text: String)] {
        let directory = goRoot.appendingPathComponent("src/internal/trace/testdata/tests")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".test") }.sorted()
        return try files.map { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var sections: [String: [Substring]] = [:]
            var current = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("-- "), line.hasSuffix(" --") {
                    current = String(line.dropFirst(3).dropLast(3))
                    continue
                }
                sections[current, default: []].append(line)
            }
            let expectation = sections["expect"]?.first.map(String.init) ?? ""
            let trace = (sections["trace"] ?? []).joined(separator: "\n")
            return (file, expectation, trace)
        }
    }
}

/// Compares two texts line by line and reports the first difference only.
func expectSameText(_ actual: String, _ expected: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if actual == expected { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let index = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
    Issue.record("\(what): first difference at line \(index + 1): got \(index < a.count ? String(a[index]) : "<end>"), want \(index < e.count ? String(e[index]) : "<end>")", sourceLocation: sourceLocation)
}
