import Foundation
import Testing
import TestSupport
import TraceWire

/// Go 1.27.3's own answers, computed once per test run: Tests/GoHarness/analysis is overlaid
/// into the pinned GOROOT's internal/trace and run over every fixture and every one of Go's
/// `.test` cases in one `go test` process.
enum GoReference {
    struct Trace: Sendable {
        var name: String
        var path: String
        /// Go's answer, parsed: "error", or "summary" and "mmu".
        var reference: [String: Any] { answer.value }
        let answer: Box
    }

    final class Box: @unchecked Sendable {
        let value: [String: Any]
        init(_ value: [String: Any]) { self.value = value }
    }

    static let fixtures = Repo.root.appendingPathComponent("Tests/Fixtures/traces")

    static var gotrace: String { Repo.gotrace }

    /// Go 1.27's `generations` fixture cut at two thirds, written into `directory`: a trace that
    /// breaks after some good generations, for the analyses' damaged-input tests.
    static func cutTrace(in directory: URL) throws -> URL {
        let whole = try Data(contentsOf: fixtures.appendingPathComponent("go1.27/generations.trace"))
        let cut = directory.appendingPathComponent("cut.trace")
        try whole.prefix(whole.count * 2 / 3).write(to: cut)
        return cut
    }

    /// Every recorded fixture trace, as `go1.NN/name`.
    static let fixtureTraceNames: [String] = {
        let releases = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        var names: [String] = []
        for release in releases.sorted() where release.hasPrefix("go1.") {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(release).path)) ?? []
            for file in files.sorted() where file.hasSuffix(".trace") { names.append("\(release)/\(file.dropLast(6))") }
        }
        return names
    }()

    /// The flag sets (Go's UtilFlags bits) and windows the harness computes MMU for.
    static let flagSets: [[String]] = [[], ["--per-proc"], ["--exclude", "background,assist,sweep"], ["--exclude", "stw,sweep"]]
    static let windows = ["1us", "10us", "100us", "1ms", "10ms", "100ms", "1s"]

    static let traces: Result<[Trace], SetupError> = {
        let directory = makeTemporaryDirectory("analysis-reference")
        var inputs: [(String, String)] = []
        for name in fixtureTraceNames {
            inputs.append((name, fixtures.appendingPathComponent(name + ".trace").path))
        }
        let cases = URL(fileURLWithPath: Repo.goroot).appendingPathComponent("src/internal/trace/testdata/tests")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: cases.path)) ?? []).filter { $0.hasSuffix(".test") }.sorted()
        for file in files {
            guard let text = try? String(contentsOf: cases.appendingPathComponent(file), encoding: .utf8),
                  let range = text.range(of: "-- trace --\n") else { return .failure(SetupError("cannot read \(file)")) }
            let body = String(text[range.upperBound...])
            let trace = body.range(of: "\n-- ").map { String(body[..<$0.lowerBound]) } ?? body
            guard let bytes = try? TraceDump.binary(of: trace) else { return .failure(SetupError("cannot encode \(file)")) }
            let path = directory.appendingPathComponent(file + ".trace").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            inputs.append(("go-case/" + file, path))
        }
        if inputs.count < 40 { return .failure(SetupError("only \(inputs.count) traces found")) }
        var list = ""
        for (index, input) in inputs.enumerated() { list += "\(input.1)\t\(directory.path)/\(index).json\n" }
        let listFile = directory.appendingPathComponent("list.tsv")
        _ = FileManager.default.createFile(atPath: listFile.path, contents: Data(list.utf8))
        let harness = Repo.root.appendingPathComponent("Tests/GoHarness/analysis/tracegen_analysis_test.go").path
        let target = Repo.goroot + "/src/internal/trace/tracegen_analysis_test.go"
        let overlay = directory.appendingPathComponent("overlay.json")
        let overlayJSON = try! JSONSerialization.data(withJSONObject: ["Replace": [target: harness]])
        _ = FileManager.default.createFile(atPath: overlay.path, contents: overlayJSON)
        var environment = Repo.goEnvironment
        environment["TRACEGEN_ANALYSIS_LIST"] = listFile.path
        let result = run([Repo.go, "test", "-overlay=" + overlay.path, "-count=1", "-run", "^TestTracegenAnalysis$", "internal/trace"], environment: environment)
        guard result.status == 0 else { return .failure(SetupError("go test failed: \(result.stdout)\(result.stderr)")) }
        var traces: [Trace] = []
        for (index, input) in inputs.enumerated() {
            guard let data = FileManager.default.contents(atPath: "\(directory.path)/\(index).json"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return .failure(SetupError("no answer for \(input.0)"))
            }
            traces.append(Trace(name: input.0, path: input.1, answer: Box(object)))
        }
        return .success(traces)
    }()
}

/// Runs gotrace with the given arguments.
func gotrace(_ arguments: [String]) throws -> CapturedRun {
    try runCapturingBytes([Repo.gotrace] + arguments, environment: Repo.goEnvironment)
}

/// Parses JSON text, failing the test when it is not JSON.
func parseJSON(_ data: Data, _ what: String) throws -> Any {
    do {
        return try JSONSerialization.jsonObject(with: data)
    } catch {
        throw SetupError("\(what): not JSON: \(String(decoding: data.prefix(300), as: UTF8.self))")
    }
}
