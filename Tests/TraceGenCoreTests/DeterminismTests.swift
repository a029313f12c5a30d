import Foundation
import Testing

/// The same input gives the same bytes in two processes, whatever their hash seeds.
///
/// Swift seeds its hashing anew in every process, so dictionary and set orders differ from run
/// to run; SWIFT_DETERMINISTIC_HASHING=1 fixes the seed in one of the two runs, so the two runs
/// certainly hash differently and any output that depends on an iteration order shows up.
@Suite("Determinism across processes")
struct DeterminismTests {
    static func environment(deterministic: Bool) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_DETERMINISTIC_HASHING"] = deterministic ? "1" : nil
        return environment
    }

    /// Runs the same command twice, once per hash seeding, into two folders, and returns both results.
    static func twice(_ arguments: (String) -> [String], folder: URL) -> [(ProcessResult, [String: Data])] {
        [true, false].enumerated().map { index, deterministic in
            let output = folder.appendingPathComponent("run-\(index)")
            let result = run([Repo.tracegen] + arguments(output.path), in: Repo.root.path, environment: environment(deterministic: deterministic))
            return (result, snapshotTree(output))
        }
    }

    @Test("generate writes identical bytes", arguments: ["Specs/v2.yaml", "Specs/releases/go1.22.yaml"])
    func generate(spec: String) {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = Self.twice({ [spec, "-o", $0] }, folder: folder)
        #expect(runs.allSatisfy { $0.0.status == 0 })
        #expect(!runs[0].1.isEmpty)
        #expect(runs[0].1 == runs[1].1)
    }

    @Test("emit-swift writes identical bytes")
    func emitSwift() {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = Self.twice({ ["emit-swift", "Specs/v2.yaml", "-o", $0, "--file-prefix", "P_"] }, folder: folder)
        #expect(runs.allSatisfy { $0.0.status == 0 })
        #expect(!runs[0].1.isEmpty)
        #expect(runs[0].1 == runs[1].1)
    }

    @Test("diff prints identical reports", arguments: ["text", "json", "markdown"])
    func diff(format: String) {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = Self.twice({ _ in ["diff", "Specs/releases/go1.22.yaml", "Specs/v2.yaml", "--format", format, "--fail-on", "none"] }, folder: folder)
        #expect(runs.allSatisfy { $0.0.status == 0 })
        #expect(!runs[0].0.stdout.isEmpty)
        #expect(runs[0].0.stdout == runs[1].0.stdout)
    }
}
