import Foundation
import Testing

/// Runs into one output folder take turns on a lock, so the folder never mixes two specs.
@Suite("Concurrent runs")
struct ConcurrencyTests {
    static let specs = ["Specs/releases/go1.22.yaml", "Specs/v2.yaml"]

    @Test("concurrent generate runs of two specs into one folder leave one spec's complete output")
    func concurrentGenerateRuns() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // What each spec alone writes.
        var outputs: [[String: Data]] = []
        for (index, spec) in Self.specs.enumerated() {
            let alone = folder.appendingPathComponent("alone-\(index)")
            let result = run([Repo.tracegen, spec, "-o", alone.path], in: Repo.root.path)
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(snapshotTree(alone))
        }
        try #require(outputs[0] != outputs[1] && !outputs[0].isEmpty)
        let shared = folder.appendingPathComponent("shared")
        for round in 0..<8 {
            let processes = try (0..<6).map { index in
                try Tools.start([Repo.tracegen, Self.specs[index % 2], "-o", shared.path], in: Repo.root.path)
            }
            for process in processes {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "round \(round)")
            }
            let now = snapshotTree(shared)
            // One spec's files are all there with its bytes; anything else is a file only the other
            // spec writes (stale clean-up never deletes another spec's files), never a mix.
            let complete = outputs.indices.filter { index in outputs[index].allSatisfy { now[$0.key] == $0.value } }
            #expect(complete.count == 1, "round \(round): the folder holds a mix of both specs")
            if let winner = complete.first {
                let other = outputs[1 - winner]
                for key in now.keys where outputs[winner][key] == nil {
                    #expect(other[key] == now[key], "round \(round): \(key) belongs to neither spec")
                }
            }
            #expect(Tools.temporaryLeftovers(in: shared).isEmpty)
        }
    }
}
