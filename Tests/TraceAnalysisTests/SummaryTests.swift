import Foundation
import Testing
import TestSupport

/// `gotrace summary --format json` against Go 1.27.3's Summarizer on the same trace.
@Suite struct SummaryTests {
    @Test func summaryEqualsGosOnEveryTraceGoAccepts() throws {
        let traces = try GoReference.traces.get()
        var compared = 0
        for trace in traces {
            let run = try gotrace(["summary", "--format", "json", trace.path])
            if let error = trace.reference["error"] as? String {
                // Go rejects it: so do we, with exit status 1.
                #expect(run.status == 1, "\(trace.name): Go says \(error), we exited \(run.status)")
                continue
            }
            #expect(run.status == 0, "\(trace.name): \(run.errorText)")
            let ours = try #require(try parseJSON(run.output, trace.name) as? [String: Any])
            let theirs = try #require(trace.reference["summary"] as? [String: Any])
            expectSameSummary(ours, theirs, trace.name)
            compared += 1
        }
        // 40 fixtures and most of Go's 22 cases are sound traces.
        #expect(compared >= 50, "only \(compared) traces compared")
    }

    /// Tasks, regions, logs and GC ranges are present where the fixtures were made to have them,
    /// so the comparison above covers more than empty objects.
    @Test func fixturesExerciseTasksRegionsAndRanges() throws {
        let traces = try GoReference.traces.get()
        let annotations = try #require(traces.first { $0.name == "go1.27/annotations" })
        let summary = try #require(annotations.reference["summary"] as? [String: Any])
        let tasks = try #require(summary["tasks"] as? [[String: Any]])
        #expect(tasks.contains { ($0["regions"] as? [Any])?.isEmpty == false })
        #expect(tasks.contains { ($0["logs"] as? Int ?? 0) > 0 })
        let goroutines = try #require(summary["goroutines"] as? [[String: Any]])
        #expect(goroutines.contains { ($0["regions"] as? [Any])?.isEmpty == false })
        let anyRange = traces.contains { trace in
            ((trace.reference["summary"] as? [String: Any])?["goroutines"] as? [[String: Any]])?.contains {
                ($0["rangeTime"] as? [String: Any])?.isEmpty == false
            } ?? false
        }
        #expect(anyRange)
    }

    @Test func textGroupsGoroutinesByEntryFunction() throws {
        let file = GoReference.fixtures.appendingPathComponent("go1.27/annotations.trace").path
        let text = try gotrace(["summary", file])
        #expect(text.status == 0)
        let json = try gotrace(["summary", "--format", "json", file])
        let summary = try #require(try parseJSON(json.output, "json") as? [String: Any])
        let goroutines = try #require(summary["goroutines"] as? [[String: Any]])
        let names = Set(goroutines.compactMap { $0["name"] as? String })
        let lines = text.outputText.split(separator: "\n")
        #expect(lines.first == "Goroutines: \(goroutines.count) in \(names.count) groups")
        for name in names where !name.isEmpty {
            #expect(lines.contains { $0.hasPrefix(name + " ") }, "no row for \(name)")
        }
        #expect(text.outputText.contains("\nTasks: "))
    }

    /// A damaged trace: Go's verdict on standard error, exit 1, and no output file.
    @Test func damagedTraceGetsParsedsVerdictAndNoFile() throws {
        let directory = makeTemporaryDirectory("summary-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = try GoReference.cutTrace(in: directory)
        let parsed = try gotrace(["parsed", cut.path])
        let out = directory.appendingPathComponent("out.json")
        let run = try gotrace(["summary", "--format", "json", "-o", out.path, cut.path])
        #expect(parsed.status == 1 && run.status == 1)
        #expect(run.errorText == parsed.errorText.replacingOccurrences(of: "gotrace parsed", with: "gotrace summary"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // On standard output, the events before the problem are summarized.
        let partial = try gotrace(["summary", "--format", "json", cut.path])
        #expect(partial.status == 1)
        let summary = try #require(try parseJSON(partial.output, "partial") as? [String: Any])
        #expect((summary["goroutines"] as? [Any])?.isEmpty == false)
    }
}

/// Compares two summaries as JSON values; on a difference, names the goroutine or task.
func expectSameSummary(_ ours: [String: Any], _ theirs: [String: Any], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if NSDictionary(dictionary: ours).isEqual(to: theirs) { return }
    for key in ["goroutines", "tasks"] {
        let a = ours[key] as? [[String: Any]] ?? [], b = theirs[key] as? [[String: Any]] ?? []
        if a.count != b.count {
            Issue.record("\(what): \(a.count) \(key), Go has \(b.count)", sourceLocation: sourceLocation)
            return
        }
        for (x, y) in zip(a, b) where !NSDictionary(dictionary: x).isEqual(to: y) {
            let differing = Set(x.keys).union(y.keys).sorted().filter { k in
                !(NSArray(array: [x[k] ?? NSNull()]).isEqual(to: [y[k] ?? NSNull()]))
            }
            Issue.record("\(what): \(key) id \(y["id"] ?? "?") differs in \(differing): ours \(differing.map { "\(x[$0] ?? "nil")" }) Go \(differing.map { "\(y[$0] ?? "nil")" })", sourceLocation: sourceLocation)
            return
        }
    }
    Issue.record("\(what): summaries differ", sourceLocation: sourceLocation)
}
