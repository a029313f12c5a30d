import Foundation
import Testing
import TraceParser

/// Verdicts that belong to the parser rather than to one command: an undefined stack in a CPU
/// sample, and the state listed when no thread can advance.
@Suite struct ParserVerdictTests {
    /// One thread with a running goroutine on a running P, then `events` on it.
    static func oneThread(_ events: [String], cpuSamples: [String] = []) throws -> TraceText {
        var trace = TraceText()
        try trace.batches(m: 0, time: 10, ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2"] + events)
        try trace.tables()
        if !cpuSamples.isEmpty { try trace.batches(m: .max, opening: "CPUSamples", cpuSamples) }
        return trace
    }

    static func write(_ trace: TraceText, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try trace.write(to: url)
        return url
    }

    /// A sample on an undefined stack fails in the reader, so `parsed`, `parsed --decode-only`
    /// and the library all report it, at the sample's offset and in the words of Go's panic.
    /// Go's tool prints the same events before it (it crashes while formatting the sample, so
    /// the sample itself is not printed either) and exits 2.
    @Test func cpuSampleOnAnUndefinedStackFailsForEveryConsumer() throws {
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try Self.oneThread([], cpuSamples: ["CPUSample time=700 m=0 p=0 g=1 stack=99"])
        let file = try Self.write(trace, "sample.trace", in: directory)
        let message = "expected id 99 in trace.stack table"

        var failure: TraceParseError?
        do {
            _ = try ParsedPrinter.decode(TraceReader(bytes: try trace.binary))
        } catch let error as TraceParseError {
            failure = error
        }
        let size = try trace.binary.count
        #expect(failure?.message == message)
        // The sample is the last event of the file: seven bytes.
        #expect(failure?.offset == size - 7)

        let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": "UTC"])
        #expect(go.status == 2 && go.errorText.contains("panic: \(message)"), "\(go.status) \(go.errorText)")
        let printed = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": "UTC"])
        #expect(printed.status == 1)
        #expect(printed.output == go.output)
        #expect(printed.errorText == "\(file.path): generation 1, offset \(size - 7) (event CPUSample on M 0): \(message)\n")
        let decoded = try ParserSupport.run(ParserSupport.gotrace, ["parsed", "--decode-only", file.path])
        #expect(decoded.status == 1)
        #expect(decoded.errorText == printed.errorText)
    }

    /// When no thread can advance, the message lists the frontier and then every goroutine, P and
    /// thread and the GC, as Go's does; with one of each, Go's own text is deterministic and
    /// ours equals it.
    @Test func failureToAdvanceListsTheStateAsGoDoes() throws {
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try Self.write(try Self.oneThread(["GoUnblock dt=1 g=1 g_seq=5 stack=0"]), "stuck.trace", in: directory)
        let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": "UTC"])
        let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": "UTC"])
        #expect(go.status == 1 && ours.status == 1)
        #expect(ours.output == go.output)
        #expect(go.errorText.contains("\nG 1 [status=Running seq=0 (gen=1)]\n\nP 0 [status=Running seq=0 (gen=1)]\n\nM 0 [g=1 p=0]\n\nGC 0 Undetermined\n"))
        #expect(ours.errorText == "\(file.path): generation 1: \(go.errorText)")
    }

    /// With many of each, Go lists them in map order, which changes from run to run: ours lists
    /// the same lines, sorted by ID within each section.
    @Test func theStateListIsGosSortedByID() throws {
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var trace = TraceText()
        for thread in 1...12 {
            try trace.batches(m: UInt64(thread), time: UInt64(thread), [
                "ProcStatus dt=1 p=\(thread) pstatus=1",
                "GoStatus dt=1 g=\(100 + thread) m=\(thread) gstatus=4",
                // Never unblocked: every thread waits.
                "GoStart dt=1 g=\(100 + thread) g_seq=2",
            ])
        }
        try trace.tables()
        let file = try Self.write(trace, "stuck.trace", in: directory)
        let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": "UTC"])
        let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": "UTC"])
        #expect(go.status == 1 && ours.status == 1)
        let prefix = "\(file.path): generation 1: "
        #expect(ours.errorText.hasPrefix(prefix))
        let oursText = String(ours.errorText.dropFirst(prefix.count))
        // The frontier comes first, in the same order; then the goroutines, Ps, threads and GC.
        let goParts = go.errorText.components(separatedBy: "\n\n")
        let ourParts = oursText.components(separatedBy: "\n\n")
        #expect(goParts.count == ourParts.count)
        #expect(goParts.prefix(2) == ourParts.prefix(2))
        for (goPart, ourPart) in zip(goParts.dropFirst(2), ourParts.dropFirst(2)) {
            let ourLines = ourPart.split(separator: "\n")
            #expect(Set(goPart.split(separator: "\n")) == Set(ourLines))
            let ids = ourLines.compactMap { Int64($0.split(separator: " ").dropFirst().first ?? "") }
            #expect(ids == ids.sorted())
        }
        #expect(oursText.contains("\nG 101 [status=Waiting seq=0 (gen=1)]\nG 102 "))
    }
}
