import Foundation
import Testing
import TestSupport
import TraceWire

/// `gotrace view` against the JSON that Go 1.27.3's own `go tool trace` server answers at
/// /jsontrace, on every fixture trace and every one of Go's `.test` cases: the proc view, the
/// thread view, and the goroutine view of up to two goroutines per trace. Both sides go through
/// `Scripts/go-viewer-json`'s canonical form (one event per line, sorted, frame IDs resolved to
/// frame names, numbers as written), since Go's event order and frame IDs follow its map order.
@Suite struct ViewerTests {
    static let script = Repo.path("Scripts/go-viewer-json")

    /// One trace's comparison: what differed, per view.
    struct Outcome: Sendable {
        var name: String
        var problems: [String] = []
        var matchedViews: [String] = []
        /// Go's parser rejects the trace; Go's viewer may still show a part of it, we do not.
        var damaged = false
    }

    /// Every input: the recorded fixtures and Go's `.test` cases turned into binary traces.
    static func inputs(in directory: URL) throws -> [(name: String, path: String)] {
        var inputs: [(String, String)] = GoReference.fixtureTraceNames.map {
            ($0, GoReference.fixtures.appendingPathComponent($0 + ".trace").path)
        }
        let cases = URL(fileURLWithPath: Repo.goroot).appendingPathComponent("src/internal/trace/testdata/tests")
        let files = try FileManager.default.contentsOfDirectory(atPath: cases.path).filter { $0.hasSuffix(".test") }.sorted()
        for file in files {
            let text = try String(contentsOf: cases.appendingPathComponent(file), encoding: .utf8)
            let range = try #require(text.range(of: "-- trace --\n"), "\(file) has no trace section")
            let body = String(text[range.upperBound...])
            let trace = body.range(of: "\n-- ").map { String(body[..<$0.lowerBound]) + "\n" } ?? body
            let path = directory.appendingPathComponent(file + ".trace").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(try TraceDump.binary(of: trace)))
            inputs.append(("go-case/" + file, path))
        }
        return inputs
    }

    /// G1 when the trace has it, and the goroutine that ran longest otherwise: the goroutines
    /// whose views are compared.
    static func goroutines(of trace: String) throws -> [Int] {
        let run = try gotrace(["summary", "--format", "json", trace])
        guard run.status == 0, let summary = try parseJSON(run.output, trace) as? [String: Any],
              let goroutines = summary["goroutines"] as? [[String: Any]] else { return [] }
        let ids = goroutines.compactMap { $0["id"] as? Int }
        let busiest = goroutines.filter { ($0["id"] as? Int) != 1 }
            .max { (($0["execTime"] as? Int) ?? 0, ($1["id"] as? Int) ?? 0) < (($1["execTime"] as? Int) ?? 0, ($0["id"] as? Int) ?? 0) }
        var chosen = ids.contains(1) ? [1] : []
        if let id = busiest?["id"] as? Int { chosen.append(id) }
        return chosen
    }

    /// Our view, canonical; nil with the reason when gotrace failed.
    static func ours(_ arguments: [String], trace: String, output: String) -> Result<String, SetupError> {
        let run = TestSupport.run([Repo.gotrace, "view"] + arguments + ["-o", output, trace], environment: Repo.goEnvironment)
        guard run.status == 0 else { return .failure(SetupError("gotrace view \(arguments) exited \(run.status): \(run.stderr)")) }
        let canonical = TestSupport.run([script, "--ours", output])
        guard canonical.status == 0 else { return .failure(SetupError("not canonical: \(canonical.stderr)")) }
        return .success(canonical.stdout)
    }

    /// The first lines only one side has, or nil when the two are the same lines.
    static func difference(go: String, ours: String) -> String? {
        let theirs = go.split(separator: "\n").sorted(), mine = ours.split(separator: "\n").sorted()
        if theirs == mine { return nil }
        let onlyGo = Set(theirs).subtracting(mine).sorted().prefix(3)
        let onlyOurs = Set(mine).subtracting(theirs).sorted().prefix(3)
        var text = "Go has \(theirs.count) events, we have \(mine.count)"
        for line in onlyGo { text += "\n  only Go:  \(line.prefix(400))" }
        for line in onlyOurs { text += "\n  only ours: \(line.prefix(400))" }
        if onlyGo.isEmpty && onlyOurs.isEmpty { text += "\n  (the same events, repeated a different number of times)" }
        return text
    }

    static func compare(name: String, trace: String, scratch: URL) -> Outcome {
        var outcome = Outcome(name: name)
        let parsed = TestSupport.run([Repo.gotrace, "parsed", "-o", "/dev/null", trace], environment: Repo.goEnvironment)
        if parsed.status != 0 {
            outcome.damaged = true
            let out = scratch.appendingPathComponent("damaged.json").path
            let view = TestSupport.run([Repo.gotrace, "view", "-o", out, trace], environment: Repo.goEnvironment)
            let expected = parsed.stderr.replacingOccurrences(of: "gotrace parsed", with: "gotrace view")
            if view.status != 1 || view.stderr != expected || FileManager.default.fileExists(atPath: out) {
                outcome.problems.append("damaged: exit \(view.status), stderr \(view.stderr), Go's parser says \(parsed.stderr)")
            }
            return outcome
        }
        let ids: [Int]
        do { ids = try goroutines(of: trace) } catch { return Outcome(name: name, problems: ["\(error)"]) }
        // A goroutine the trace does not have: Go answers nothing, we refuse.
        let missing = 987_654_321
        let reference = scratch.appendingPathComponent("go")
        var arguments = [script, trace, "--batch", reference.path]
        for id in ids + [missing] { arguments += ["--goroutine", String(id)] }
        let go = TestSupport.run(arguments)
        guard go.status == 0 else {
            outcome.problems.append("Go's viewer failed: \(go.stderr.suffix(500))")
            return outcome
        }
        var views: [(label: String, arguments: [String], file: String)] = [
            ("proc", [], "proc"), ("thread", ["--view", "thread"], "thread"),
        ]
        for id in ids { views.append(("goroutine \(id)", ["--goroutine", String(id)], "goroutine-\(id)")) }
        for view in views {
            guard let theirs = try? String(contentsOf: reference.appendingPathComponent(view.file + ".txt"), encoding: .utf8),
                  !theirs.isEmpty else {
                outcome.problems.append("\(view.label): Go gave no answer")
                continue
            }
            switch ours(view.arguments, trace: trace, output: scratch.appendingPathComponent(view.file + ".json").path) {
            case .failure(let error):
                outcome.problems.append("\(view.label): \(error)")
            case .success(let mine):
                if let difference = difference(go: theirs, ours: mine) {
                    outcome.problems.append("\(view.label): \(difference)")
                } else {
                    outcome.matchedViews.append(view.label)
                }
            }
        }
        let goMissing = (try? String(contentsOf: reference.appendingPathComponent("goroutine-\(missing).txt"), encoding: .utf8)) ?? "?"
        let ourMissing = TestSupport.run([Repo.gotrace, "view", "--goroutine", String(missing), trace], environment: Repo.goEnvironment)
        if !goMissing.isEmpty || ourMissing.status != 1 || !ourMissing.stderr.contains("no goroutine \(missing)") {
            outcome.problems.append("missing goroutine: Go answered \(goMissing.count) bytes, we exited \(ourMissing.status): \(ourMissing.stderr)")
        }
        return outcome
    }

    @Test(.timeLimit(.minutes(10)))
    func viewsEqualGosOnEveryTraceGoAccepts() throws {
        try Self.compareEveryView("ViewerTests: views equal to Go's", compare: Self.compare)
    }

    /// Runs `compare` on every input, two at a time (Go's server spends most of its time
    /// starting and parsing, so two fill two cores), each in a scratch folder of its own. Records
    /// every problem, prints what matched under `title`, and checks that the proc, thread and
    /// goroutine views matched on every sound trace and that the two damaged ones were found.
    static func compareEveryView(_ title: String,
                                 compare: @escaping @Sendable (_ name: String, _ trace: String, _ scratch: URL) -> Outcome) throws {
        let directory = makeTemporaryDirectory("viewer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = try Self.inputs(in: directory)
        #expect(inputs.count >= 60, "only \(inputs.count) traces found")
        let outcomes = ConcurrentResults<Outcome>(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let scratch = directory.appendingPathComponent("\(index)")
            try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            outcomes.set(index, compare(inputs[index].name, inputs[index].path, scratch))
        }
        var matched: [String: Int] = [:]
        var damaged = 0
        for outcome in outcomes.values {
            for problem in outcome.problems { Issue.record("\(outcome.name): \(problem)") }
            for view in outcome.matchedViews {
                matched[view.hasPrefix("goroutine") ? "goroutine" : view, default: 0] += 1
            }
            if outcome.damaged { damaged += 1 }
        }
        print("\(title): \(matched.sorted { $0.key < $1.key }); damaged traces: \(damaged)")
        // The 40 fixtures and 20 of Go's 22 cases are sound; the other two are damaged.
        #expect(matched["proc", default: 0] >= 60 && matched["thread", default: 0] >= 60, "\(matched)")
        #expect(matched["goroutine", default: 0] >= 80, "\(matched)")
        #expect(damaged == 2)
    }

    /// A damaged trace: Go's verdict on standard error, exit 1, no output file; standard output
    /// still gets one complete document for the events before the problem.
    @Test func damagedTraceGetsParsedsVerdictAndNoFile() throws {
        let directory = makeTemporaryDirectory("viewer-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = try GoReference.cutTrace(in: directory)
        let parsed = try gotrace(["parsed", cut.path])
        let out = directory.appendingPathComponent("out.json")
        let run = try gotrace(["view", "-o", out.path, cut.path])
        #expect(parsed.status == 1 && run.status == 1)
        #expect(run.errorText == parsed.errorText.replacingOccurrences(of: "gotrace parsed", with: "gotrace view"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let partial = try gotrace(["view", "--view", "thread", cut.path])
        #expect(partial.status == 1)
        let document = try #require(try parseJSON(partial.output, "partial") as? [String: Any])
        #expect((document["traceEvents"] as? [Any])?.isEmpty == false)
        // The first pass of a goroutine view meets the damage first: nothing is written at all.
        let focused = try gotrace(["view", "--goroutine", "1", "-o", out.path, cut.path])
        #expect(focused.status == 1 && focused.errorText.contains("cut.trace"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Not a trace at all, a missing file, and a bad option: a clean message, never a crash.
    @Test func badInputAndUsage() throws {
        let directory = makeTemporaryDirectory("viewer-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let junk = directory.appendingPathComponent("junk.trace")
        try Data("not a trace at all".utf8).write(to: junk)
        let out = directory.appendingPathComponent("out.json")
        let notTrace = try gotrace(["view", "-o", out.path, junk.path])
        #expect(notTrace.status == 1 && notTrace.errorText.contains("junk.trace"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let absent = try gotrace(["view", directory.appendingPathComponent("absent.trace").path])
        #expect(absent.status == 1 && absent.output.isEmpty)
        let trace = GoReference.fixtures.appendingPathComponent("go1.27/annotations.trace").path
        for arguments in [["--format", "xml"], ["--view", "goroutine"], ["--goroutine", "x"], ["--view", "thread", "--goroutine", "1"]] {
            let usage = try gotrace(["view"] + arguments + [trace])
            #expect(usage.status == 2, "\(arguments): \(usage.errorText)")
        }
        let stdin = try gotrace(["view", "--goroutine", "1", "-"])
        #expect(stdin.status == 2 && stdin.errorText.contains("needs a file"))
    }

    /// `-o` over an existing file replaces it whole and keeps its mode.
    @Test func outputFileKeepsItsMode() throws {
        let directory = makeTemporaryDirectory("viewer-mode")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("view.json")
        try Data("old".utf8).write(to: out)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: out.path)
        let trace = GoReference.fixtures.appendingPathComponent("go1.27/annotations.trace").path
        let run = try gotrace(["view", "-o", out.path, trace])
        #expect(run.status == 0, "\(run.errorText)")
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let written = try #require(try parseJSON(Data(contentsOf: out), "view") as? [String: Any])
        #expect(written["displayTimeUnit"] as? String == "ns")
        #expect((written["stackFrames"] as? [String: Any])?.isEmpty == false)
        let stdout = try gotrace(["view", trace])
        #expect(stdout.output == (try Data(contentsOf: out)))
    }
}

/// Results that concurrent iterations fill in, one slot each.
final class ConcurrentResults<Value>: @unchecked Sendable {
    // Each slot is written by exactly one iteration, under the lock.
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
