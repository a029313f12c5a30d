import Foundation
import Testing
import TestSupport
import TraceAnalysis

/// `gotrace mmu` against Go 1.27.3's MutatorUtilizationV2 and NewMMUCurve(...).MMU(window).
@Suite struct MMUTests {
    @Test func mmuEqualsGosOnEveryTraceGoAccepts() throws {
        let traces = try GoReference.traces.get()
        var compared = 0, belowOne = 0
        for trace in traces {
            guard let sets = trace.reference["mmu"] as? [[String: Any]] else { continue }
            #expect(sets.count == GoReference.flagSets.count)
            for (flags, set) in zip(GoReference.flagSets, sets) {
                let expected = try #require(set["mmu"] as? [Double])
                let windowArguments = GoReference.windows.flatMap { ["--window", $0] }
                let run = try gotrace(["mmu", "--format", "json"] + flags + windowArguments + [trace.path])
                #expect(run.status == 0, "\(trace.name) \(flags): \(run.errorText)")
                let rows = try #require(try parseJSON(run.output, trace.name) as? [[String: Any]])
                #expect(rows.count == expected.count)
                for (row, want) in zip(rows, expected) {
                    let got = try #require(row["mmu"] as? Double)
                    #expect(abs(got - want) <= 1e-9, "\(trace.name) \(flags) window \(row["windowNs"] ?? "?"): \(got), Go \(want)")
                    if want < 1 { belowOne += 1 }
                }
                compared += 1
            }
        }
        #expect(compared >= 200, "only \(compared) curves compared")
        // The fixtures have garbage collections, so the comparison covers more than all-ones.
        #expect(belowOne > 100, "only \(belowOne) values below 1")
    }

    @Test func windowsTakeGosDurationSyntaxInOrder() throws {
        let file = GoReference.fixtures.appendingPathComponent("go1.27/goroutines.trace").path
        let run = try gotrace(["mmu", "--format", "json", "--window", "2.5ms", "--window", "1000ns", "--window", "100us", "--window", "1s", file])
        #expect(run.status == 0, "\(run.errorText)")
        let rows = try #require(try parseJSON(run.output, "mmu") as? [[String: Any]])
        #expect(rows.map { $0["windowNs"] as? Int } == [2_500_000, 1000, 100_000, 1_000_000_000])
        let bad = try gotrace(["mmu", "--window", "5 parsecs", file])
        #expect(bad.status == 2)
        #expect(parseGoDuration("1h2m3.5s") == 3_723_500_000_000)
        #expect(parseGoDuration("1.5µs") == 1500)
    }

    @Test func defaultWindowsAreLogSpacedToTheTraceLengthAndPlotIsDrawn() throws {
        let directory = makeTemporaryDirectory("mmu-plot")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = GoReference.fixtures.appendingPathComponent("go1.27/goroutines.trace").path
        let svg = directory.appendingPathComponent("mmu.svg")
        let run = try gotrace(["mmu", "--format", "json", "--plot", svg.path, file])
        #expect(run.status == 0, "\(run.errorText)")
        let rows = try #require(try parseJSON(run.output, "mmu") as? [[String: Any]])
        let windows = rows.compactMap { $0["windowNs"] as? Int }
        #expect(windows.first == 1000 && windows.count > 8)
        #expect(windows == windows.sorted())
        let values = rows.compactMap { $0["mmu"] as? Double }
        // A longer window can only raise the minimum.
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 })
        let plot = try String(contentsOf: svg, encoding: .utf8)
        #expect(plot.hasPrefix("<svg ") && plot.contains("Window length") && plot.contains("Minimum mutator utilization") && plot.contains("<polyline"))
    }

    @Test func damagedTraceLeavesNoFiles() throws {
        let directory = makeTemporaryDirectory("mmu-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = try GoReference.cutTrace(in: directory)
        let out = directory.appendingPathComponent("out.json"), svg = directory.appendingPathComponent("out.svg")
        let run = try gotrace(["mmu", "--format", "json", "-o", out.path, "--plot", svg.path, cut.path])
        let parsed = try gotrace(["parsed", cut.path])
        #expect(run.status == 1 && parsed.status == 1)
        #expect(run.errorText == parsed.errorText.replacingOccurrences(of: "gotrace parsed", with: "gotrace mmu"))
        #expect(!FileManager.default.fileExists(atPath: out.path) && !FileManager.default.fileExists(atPath: svg.path))
    }
}
