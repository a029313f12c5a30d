import Foundation
import Testing

/// `tracegen diff` stays roughly linear in the size of the specs (Scripts/bench-diff prints the
/// curve with a release build). The bound is on the CPU time the process used, which a busy
/// machine does not inflate the way it does wall time; a debug build measured 6.3 s, and the
/// quadratic pairing this guards against took minutes at this size.
@Suite("Diff scaling")
struct DiffScalingTests {
    /// Specs/v2.yaml with `count` extra constants, the newer side renaming every 10th (paired by
    /// value), changing the value of every 7th and the description of every 13th.
    static func spec(constants count: Int, newer: Bool) throws -> String {
        let base = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8)
        var extra = ""
        extra.reserveCapacity(count * 90)
        for index in 0..<count {
            var name = "BenchConstant\(index)", value = 1_000_000 + index, text = "Constant number \(index)."
            if newer {
                if index % 10 == 0 { name = "RenamedConstant\(index)" } else if index % 7 == 0 { value = 5_000_000 + index }
                if index % 13 == 0 { text = "Constant number \(index), described again." }
            }
            extra += "  - name: \(name)\n    value: \(value)\n    description: \(text)\n"
        }
        let marker = "\nconstants:\n"
        let range = try #require(base.range(of: marker))
        return base.replacingCharacters(in: range, with: marker + extra)
    }

    @Test("40,000 constants diff in under 15 s of CPU time, with every change reported")
    func fortyThousandConstants() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = 40_000
        let old = folder.appendingPathComponent("old.yaml"), new = folder.appendingPathComponent("new.yaml")
        try Data(Self.spec(constants: count, newer: false).utf8).write(to: old)
        try Data(Self.spec(constants: count, newer: true).utf8).write(to: new)
        // GNU time's -f is not needed: the shell's `times` prints the children's user and system time.
        let report = folder.appendingPathComponent("report.json")
        let result = runShell("\"$@\" > \"$REPORT\"; status=$?; times >&2; exit $status",
                              [Repo.tracegen, "diff", old.path, new.path, "--format", "json", "--fail-on", "none"],
                              environment: ProcessInfo.processInfo.environment.merging(["REPORT": report.path]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        let seconds = try Self.childCPUSeconds(fromTimes: result.stderr)
        #expect(seconds < 15, "used \(seconds) s of CPU time")
        let output = try String(contentsOf: report, encoding: .utf8)
        // Renamed: every 10th; value changed: every 7th not renamed; description: every 13th.
        let renamed = (0..<count).filter { $0 % 10 == 0 }.count
        let revalued = (0..<count).filter { $0 % 10 != 0 && $0 % 7 == 0 }.count
        let described = (0..<count).filter { $0 % 13 == 0 }.count
        let summary = try #require(output.split(separator: "\n").first { $0.contains("\"summary\"") })
        #expect(summary.contains("\"total\": \(renamed + revalued + described)"), "\(summary)")
    }

    /// The second line of the shell's `times` output is the children's `USERmS.SSSs SYSmS.SSSs`.
    static func childCPUSeconds(fromTimes text: String) throws -> Double {
        let lines = text.split(separator: "\n")
        let children = try #require(lines.count >= 2 ? lines[lines.count - 1] : nil, "no `times` output: \(text)")
        let total = children.split(separator: " ").map { field -> Double in
            let parts = field.dropLast().split(separator: "m")
            return parts.count == 2 ? (Double(parts[0]) ?? 0) * 60 + (Double(parts[1]) ?? 0) : 0
        }.reduce(0, +)
        try #require(total > 0, "cannot read `times` output: \(text)")
        return total
    }
}
