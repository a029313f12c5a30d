import Foundation
import Testing
import TestSupport

// The parser tests' view of the shared TestSupport module: where fixtures live, and Go's own
// test traces.

enum ParserSupport {
    static var root: URL { Repo.root }

    static let fixtures = Repo.root.appendingPathComponent("Tests/Fixtures/traces")

    /// The pinned toolchain whose `go tool trace` is the reference.
    static var go: String { Repo.go }

    static var goRoot: URL { URL(fileURLWithPath: Repo.goroot) }

    static var gotrace: String { Repo.gotrace }

    /// Runs a program to completion with Go kept offline, its output captured byte for byte.
    static func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> CapturedRun {
        try runCapturingBytes([executable] + arguments, environment: Repo.goEnvironment.merging(extra) { $1 })
    }

    static func temporaryDirectory() throws -> URL { makeTemporaryDirectory("traceparser") }

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
