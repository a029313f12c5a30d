import Foundation
import TestSupport
import Testing

/// The analyses read ahead on a second thread by default when there is one (this machine has
/// two, so every comparison with Go in the other suites runs that way); `--no-parallel` reads on
/// one. Both give the same bytes, the same verdict on a damaged trace, and the same exit status.
@Suite struct ReadAheadAnalysisTests {
    static let commands: [[String]] = [
        ["pprof", "sched"], ["pprof", "sync"], ["summary", "--format", "json"], ["mmu", "--format", "json"],
        ["view"], ["view", "--format", "perfetto"], ["view", "--goroutine", "1"],
    ]

    @Test(arguments: commands)
    func oneThreadAndTwoGiveTheSameBytes(_ command: [String]) throws {
        let directory = makeTemporaryDirectory("read-ahead")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = try GoReference.cutTrace(in: directory)
        let traces = GoReference.fixtureTraceNames.map { GoReference.fixtures.appendingPathComponent($0 + ".trace").path } + [cut.path]
        var compared = 0
        for trace in traces {
            let one = try gotrace(command + ["--no-parallel", trace])
            let two = try gotrace(command + ["--parallel", trace])
            let label = "\(command.joined(separator: " ")) \(trace)"
            #expect(one.status == two.status, "\(label): exit \(one.status) on one thread, \(two.status) on two")
            #expect(one.output == two.output, "\(label): the outputs differ")
            #expect(one.errorText == two.errorText, "\(label): \(one.errorText) | \(two.errorText)")
            if one.status == 0 && !one.output.isEmpty { compared += 1 }
        }
        // Every fixture gives an answer (a goroutine focus may miss one that has no goroutine 1),
        // and the cut trace fails on both.
        #expect(compared >= traces.count / 2, "\(command): only \(compared) of \(traces.count) traces gave output")
        #expect(try gotrace(command + ["--parallel", cut.path]).status == 1)
    }
}
