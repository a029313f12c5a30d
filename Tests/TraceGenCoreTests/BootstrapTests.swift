import Foundation
import Testing

/// The generator never depends on its own output: in a fresh clone whose Generated/ is damaged
/// or gone, `swift run tracegen Specs/v2.yaml` still builds and writes Generated/ back exactly.
@Suite(.serialized) struct BootstrapTests {
    @Test func tracegenRestoresADamagedOrMissingGeneratedFolder() throws {
        let scratch = makeTemporaryDirectory("tracegen-bootstrap")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let clone = scratch.appendingPathComponent("clone").path
        let cloned = run(["/usr/bin/env", "git", "clone", "--quiet", Repo.root.path, clone])
        try #require(cloned.status == 0, "git clone failed: \(cloned.stderr)")

        // Damage every generated file: Swift and Go that cannot compile, and one file missing.
        let generated = URL(fileURLWithPath: clone).appendingPathComponent("Generated")
        let files = snapshotTree(generated).keys.sorted()
        try #require(files.contains { $0.hasSuffix(".swift") } && files.contains { $0.hasSuffix(".go") })
        for file in files {
            try Data("this is not code }{\n".utf8).write(to: generated.appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: generated.appendingPathComponent(files[0]))

        let swift = ["/usr/bin/env", "swift", "run", "--quiet", "tracegen", "Specs/v2.yaml"]
        let repaired = run(swift, in: clone)
        #expect(repaired.status == 0, "tracegen did not build or run on damaged output:\n\(repaired.stderr)")
        #expect(gitStatus(clone) == "", "Generated/ was not restored exactly")

        // Without any Generated/ folder at all, the package must still load and regenerate it.
        try FileManager.default.removeItem(at: generated)
        let restored = run(swift, in: clone)
        #expect(restored.status == 0, "tracegen did not build or run without Generated/:\n\(restored.stderr)")
        #expect(gitStatus(clone) == "", "Generated/ was not recreated exactly")
    }

    private func gitStatus(_ clone: String) -> String {
        run(["/usr/bin/env", "git", "status", "--porcelain", "--", "Generated"], in: clone).stdout
    }
}
