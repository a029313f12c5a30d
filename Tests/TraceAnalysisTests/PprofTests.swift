import Foundation
import Testing
import TestSupport

/// `gotrace pprof TYPE` against `go tool trace -pprof=TYPE` (Go 1.27.3), both read back with
/// `go tool pprof -traces` for each sample type and compared as sorted sets of samples: Go's own
/// bytes, sample order and location IDs change from run to run.
@Suite struct PprofTests {
    /// Every go1.27 fixture, and the syscalls and goroutines fixtures of Go 1.22 and 1.25 (the
    /// two older layouts of the tables); each costs about 13 Go tool runs.
    static let cases: [String] = {
        GoReference.fixtureTraceNames.filter {
            $0.hasPrefix("go1.27/") || (($0.hasPrefix("go1.22/") || $0.hasPrefix("go1.25/")) && ($0.hasSuffix("/syscalls") || $0.hasSuffix("/goroutines")))
        }
    }()

    @Test func thereAreCases() {
        #expect(Self.cases.count == 11)
    }

    @Test(arguments: cases)
    func samplesEqualGos(_ name: String) throws {
        let directory = makeTemporaryDirectory("pprof")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = GoReference.fixtures.appendingPathComponent(name + ".trace").path
        var samplesSeen = 0
        for type in ["net", "sync", "syscall", "sched"] {
            samplesSeen += try compare(name, trace, type, in: directory, traces: true)
        }
        if !name.hasSuffix("/coro") { #expect(samplesSeen > 0, "\(name): no samples in any profile") }
    }

    /// Go's own `.test` cases that its parser accepts: small made-up traces with goroutines
    /// created in system calls, procs taken from them, and generation boundaries.
    @Test func samplesEqualGosOnGoCases() throws {
        let directory = makeTemporaryDirectory("pprof-cases")
        defer { try? FileManager.default.removeItem(at: directory) }
        let accepted = try GoReference.traces.get().filter { $0.name.hasPrefix("go-case/") && $0.reference["error"] == nil }
        #expect(accepted.count >= 15)
        var samplesSeen = 0
        for trace in accepted {
            for type in ["net", "sync", "syscall", "sched"] {
                samplesSeen += try compare(trace.name, trace.path, type, in: directory, traces: false)
            }
        }
        #expect(samplesSeen > 0)
    }

    /// Compares one profile type of one trace with Go's, by `-raw` and, when `traces` is set, by
    /// `-traces` for both sample types; returns the number of samples.
    func compare(_ name: String, _ trace: String, _ type: String, in directory: URL, traces: Bool) throws -> Int {
        let theirs = directory.appendingPathComponent("go-\(type).pb.gz")
        let go = try runCapturingBytes([Repo.go, "tool", "trace", "-pprof=" + type, trace], environment: Repo.goEnvironment)
        let ours = directory.appendingPathComponent("ours-\(type).pb.gz")
        let run = try gotrace(["pprof", type, "-o", ours.path, trace])
        try #require(run.status == 0, "\(name) \(type): \(run.errorText)")
        if go.status != 0 && go.errorText.contains("failed to find matching goroutines") {
            // A trace without goroutines: Go refuses to write a profile; ours is empty.
            #expect(try rawSamples(ours) == [], "\(name) -pprof=\(type): Go found no goroutines")
            return 0
        }
        try #require(go.status == 0, "\(name) \(type): Go failed: \(go.errorText)")
        try go.output.write(to: theirs)
        if traces {
            for index in ["contentions", "delay"] {
                let want = try samples(theirs, index)
                let got = try samples(ours, index)
                #expect(got == want, "\(name) -pprof=\(type) \(index): ours \(got.count) samples, Go \(want.count); first difference: \(Array(Set(got).symmetricDifference(want)).sorted().first ?? "-")")
            }
        }
        // -traces leaves out samples without a stack and rounds the delays; -raw has both
        // exactly, with stacks as PC lists.
        let want = try rawSamples(theirs), got = try rawSamples(ours)
        #expect(got == want, "\(name) -pprof=\(type) raw: ours \(got), Go \(want)")
        return want.count
    }

    /// The samples of `go tool pprof -raw`, as "count delay: PC PC ...", sorted.
    func rawSamples(_ file: URL) throws -> [String] {
        let run = try runCapturingBytes([Repo.go, "tool", "pprof", "-raw", file.path], environment: Repo.goEnvironment)
        guard run.status == 0 else { throw SetupError("go tool pprof -raw \(file.lastPathComponent): \(run.errorText)") }
        let lines = run.outputText.split(separator: "\n", omittingEmptySubsequences: false)
        guard let samplesAt = lines.firstIndex(of: "Samples:"), let locationsAt = lines.firstIndex(of: "Locations") else {
            throw SetupError("go tool pprof -raw: unexpected output \(run.outputText.prefix(200))")
        }
        var addresses: [Substring: Substring] = [:]
        for line in lines[(locationsAt + 1)...] {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0].hasSuffix(":"), fields[1].hasPrefix("0x") else { break }
            addresses[fields[0].dropLast()] = fields[1]
        }
        return lines[(samplesAt + 2)..<locationsAt].map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            let values = parts[0].split(separator: " ").joined(separator: " ")
            let stack = parts.count > 1 ? parts[1].split(separator: " ").map { addresses[$0].map(String.init) ?? "?\($0)" } : []
            return values + ": " + stack.joined(separator: " ")
        }.sorted()
    }

    /// The samples of a profile as `go tool pprof -traces` prints them, one string each, sorted.
    func samples(_ file: URL, _ index: String) throws -> [String] {
        let run = try runCapturingBytes([Repo.go, "tool", "pprof", "-traces", "-sample_index=" + index, file.path], environment: Repo.goEnvironment)
        guard run.status == 0 else { throw SetupError("go tool pprof \(file.lastPathComponent): \(run.errorText)") }
        let separator = "-----------+-------------------------------------------------------"
        var blocks = run.outputText.components(separatedBy: separator + "\n")
        blocks.removeFirst()  // the header: file, type
        return blocks.map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }.sorted()
    }

    @Test func outputIsGzippedAndDamagedTracesLeaveNoFile() throws {
        let directory = makeTemporaryDirectory("pprof-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = GoReference.fixtures.appendingPathComponent("go1.27/goroutines.trace")
        let ok = try gotrace(["pprof", "sched", file.path])
        #expect(ok.status == 0 && ok.output.prefix(2) == Data([0x1f, 0x8b]))
        let cut = try GoReference.cutTrace(in: directory)
        let out = directory.appendingPathComponent("out.pb.gz")
        let run = try gotrace(["pprof", "syscall", "-o", out.path, cut.path])
        let parsed = try gotrace(["parsed", cut.path])
        #expect(run.status == 1 && parsed.status == 1)
        #expect(run.errorText == parsed.errorText.replacingOccurrences(of: "gotrace parsed", with: "gotrace pprof"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let bad = try gotrace(["pprof", "heap", file.path])
        #expect(bad.status == 2)
    }
}
