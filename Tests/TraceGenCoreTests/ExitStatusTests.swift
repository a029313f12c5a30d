import Foundation
import Testing

/// The exit status follows from the kind of failure, the same in every subcommand of both tools:
/// 0 success, 1 bad input or failed output, 2 usage (diff: 1 means a change reached --fail-on,
/// so its unusable input exits 2, as in diff(1)).
@Suite("Exit statuses")
struct ExitStatusTests {
    static let usageErrors: [[String]] = [
        ["tracegen", "--no-such-option"],
        ["tracegen", "generate"],
        ["tracegen", "generate", "Specs/v2.yaml", "--bogus"],
        ["tracegen", "check"],
        ["tracegen", "check", "Specs/v2.yaml", "-o"],
        ["tracegen", "emit-swift", "Specs/v2.yaml"],
        ["tracegen", "emit-swift", "Specs/v2.yaml", "-o", "/tmp/never", "--file-prefix", "../x"],
        ["tracegen", "diff", "Specs/v2.yaml"],
        ["tracegen", "diff", "Specs/v2.yaml", "Specs/v2.yaml", "--format", "yaml"],
        ["tracegen", "diff", "Specs/v2.yaml", "Specs/v2.yaml", "--fail-on", "sometimes"],
        ["tracegen", "diff", "-", "-"],
        ["gotrace"],
        ["gotrace", "no-such-command"],
        ["gotrace", "wire"],
        ["gotrace", "wire", "x.trace", "--bogus"],
        ["gotrace", "encode"],
        ["gotrace", "encode", "x.txt", "-o"],
    ]

    static func resolve(_ arguments: [String]) -> [String] {
        arguments.map { $0 == "tracegen" ? Repo.tracegen : $0 == "gotrace" ? Repo.gotrace : $0 }
    }

    @Test("usage errors exit 2 with a message on standard error", arguments: usageErrors)
    func usageErrorsExitTwo(arguments: [String]) {
        let result = run(Self.resolve(arguments), in: Repo.root.path, input: Data())
        #expect(!result.crashed)
        #expect(result.status == 2, "\(arguments): status \(result.status): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test("bad input exits 1 in generate, check, emit-swift and both gotrace commands; diff exits 2")
    func badInputStatuses() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.yaml")
        try Data("title: [\n".utf8).write(to: broken)
        let junk = folder.appendingPathComponent("junk.trace")
        try Data("not a trace at all".utf8).write(to: junk)
        let cases: [([String], Int32)] = [
            (["tracegen", broken.path, "-o", folder.appendingPathComponent("o1").path], 1),
            (["tracegen", "check", broken.path, "-o", folder.appendingPathComponent("o2").path], 1),
            (["tracegen", "emit-swift", broken.path, "-o", folder.appendingPathComponent("o3").path], 1),
            (["tracegen", "diff", broken.path, "Specs/v2.yaml"], 2),
            (["gotrace", "wire", junk.path], 1),
            (["gotrace", "encode", junk.path, "-o", folder.appendingPathComponent("o4").path], 1),
        ]
        for (arguments, status) in cases {
            let result = run(Self.resolve(arguments), in: Repo.root.path)
            #expect(!result.crashed)
            #expect(result.status == status, "\(arguments): status \(result.status): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
    }

    @Test("--help exits 0 with the text on standard output")
    func helpExitsZero() {
        for tool in [Repo.tracegen, Repo.gotrace] {
            let result = run([tool, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE:"))
            #expect(result.stdout.contains("Exit status: 0 on success, 1 for bad input or a failed write"))
        }
    }
}
