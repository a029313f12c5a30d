import Foundation
import Testing
@testable import TraceGenCore

/// Go's parser with its hand-written kind table removed and ours in its place.
///
/// Each test copies Go 1.27.3's GOROOT, puts the generated tracev2 package in place of the
/// real one, deletes `tracev2Type2Kind` from `internal/trace/event.go` and adds the generated
/// `Generated/Go/trace/eventkinds.go`, then runs Go's own tests there.
@Suite(.serialized) struct GoParserKindTableTests {
    /// A GOROOT copy with the generated tables in place; removed when the value is dropped.
    final class PatchedGoroot {
        let scratch = makeTemporaryDirectory("tracegen-kinds")
        var goroot: URL { scratch.appendingPathComponent("go") }
        var src: String { goroot.appendingPathComponent("src").path }
        var go: String { goroot.appendingPathComponent("bin/go").path }

        var environment: [String: String] {
            var env = Repo.goEnvironment
            env["GOROOT"] = goroot.path
            env["GOCACHE"] = scratch.appendingPathComponent("cache").path
            return env
        }

        /// `kindTable` is the text of the generated kind table file. With `replacingDeclarations`,
        /// only the generated tracev2 package goes in, and the caller puts the parser's files in place.
        /// `tracev2` replaces the repository's generated tables package, for a spec of the test's own.
        init(kindTable: String, replacingDeclarations: Bool = false, tracev2 files: [GeneratedFile]? = nil) throws {
            let copy = run(["/bin/cp", "-a", Repo.goroot, goroot.path])
            try #require(copy.status == 0, "copying GOROOT failed: \(copy.stderr)")
            let tracev2 = goroot.appendingPathComponent("src/internal/trace/tracev2")
            for name in ["events.go", "spec.go", "doc.go"] {
                try FileManager.default.removeItem(at: tracev2.appendingPathComponent(name))
            }
            if let files {
                for file in files {
                    let name = URL(fileURLWithPath: file.path).lastPathComponent
                    try file.contents.write(to: tracev2.appendingPathComponent(name), atomically: true, encoding: .utf8)
                }
            } else {
                for name in try FileManager.default.contentsOfDirectory(atPath: Repo.path("Generated/Go/tracev2")) {
                    try FileManager.default.copyItem(atPath: Repo.path("Generated/Go/tracev2/\(name)"), toPath: tracev2.appendingPathComponent(name).path)
                }
            }
            if replacingDeclarations { return }
            let parser = goroot.appendingPathComponent("src/internal/trace")
            let eventFile = parser.appendingPathComponent("event.go")
            let original = try String(contentsOf: eventFile, encoding: .utf8)
            try removeKindTable(from: original).write(to: eventFile, atomically: true, encoding: .utf8)
            try kindTable.write(to: parser.appendingPathComponent("eventkinds.go"), atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: scratch) }

        func goCommand(_ arguments: [String]) -> ProcessResult {
            run([go] + arguments, in: src, environment: environment)
        }
    }

    /// Cuts the declaration `var tracev2Type2Kind = [...]EventKind{ … }` out of event.go, exactly
    /// once; anything else means Go's source changed shape, and the test must say so.
    static func removeKindTable(from source: String) throws -> String {
        let opening = "\nvar tracev2Type2Kind = [...]EventKind{\n"
        let parts = source.components(separatedBy: opening)
        try #require(parts.count == 2, "event.go must declare tracev2Type2Kind exactly once, found \(parts.count - 1)")
        let rest = parts[1]
        let closing = try #require(rest.range(of: "\n}\n"), "the tracev2Type2Kind literal has no closing brace")
        let body = rest[..<closing.lowerBound]
        try #require(body.split(separator: "\n").allSatisfy { $0.hasPrefix("\t") && $0.hasSuffix(",") }, "unexpected line inside tracev2Type2Kind:\n\(body)")
        return parts[0] + "\n" + rest[closing.upperBound...]
    }

    @Test func removalIsPrecise() throws {
        let source = "package trace\n\nconst a = 1\n\nvar tracev2Type2Kind = [...]EventKind{\n\tx: EventLog,\n}\n\nvar b = 2\n"
        #expect(try Self.removeKindTable(from: source) == "package trace\n\nconst a = 1\n\n\nvar b = 2\n")
    }

    /// The generated table in Go's parser: vet-clean, gofmt-clean, and Go's parser and runtime tests pass.
    @Test func generatedKindTablePassesGoOwnTests() throws {
        let table = try String(contentsOfFile: Repo.path("Generated/Go/trace/eventkinds.go"), encoding: .utf8)
        let gofmt = URL(fileURLWithPath: Repo.go).deletingLastPathComponent().appendingPathComponent("gofmt").path
        let format = run([gofmt, "-l", Repo.path("Generated/Go/trace")])
        #expect(format.status == 0 && format.stdout.isEmpty, "gofmt would change: \(format.stdout)\(format.stderr)")

        let goroot = try PatchedGoroot(kindTable: table)
        let original = try String(contentsOfFile: Repo.goroot + "/src/internal/trace/event.go", encoding: .utf8)
        let patched = try String(contentsOfFile: goroot.src + "/internal/trace/event.go", encoding: .utf8)
        #expect(original.contains("var tracev2Type2Kind") && !patched.contains("var tracev2Type2Kind"))

        let vet = goroot.goCommand(["vet", "internal/trace"])
        #expect(vet.status == 0, "go vet: \(vet.stdout)\(vet.stderr)")
        let test = goroot.goCommand(["test", "-short", "internal/trace/...", "runtime/trace"])
        #expect(test.status == 0, "go test: \(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("ok  \tinternal/trace\t") && test.stdout.contains("ok  \truntime/trace\t"), "\(test.stdout)")
    }

    /// The check can fail: one wrong kind in the spec (GCBegin as RangeActive) makes Go's TestMakeEvent fail.
    @Test func oneWrongKindFailsTestMakeEvent() throws {
        var text = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8)
        let right = "name: GCBegin\n        args: [dt, gc_seq, stack]\n        stackIDs: [2]\n        timed: true\n        kind: RangeBegin\n"
        try #require(text.components(separatedBy: right).count == 2, "the GCBegin entry of Specs/v2.yaml changed shape")
        text = text.replacingOccurrences(of: right, with: right.replacingOccurrences(of: "kind: RangeBegin", with: "kind: RangeActive"))
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "wrong.yaml")
        let table = GoKindTableFile(model: spec).generate(context: RenderContext(sourceName: "wrong.yaml")).contents
        #expect(table.contains("tracev2.EvGCBegin:             EventRangeActive,"))

        let goroot = try PatchedGoroot(kindTable: table)
        let test = goroot.goCommand(["test", "-short", "-run", "^TestMakeEvent$", "internal/trace"])
        #expect(test.status != 0)
        #expect(test.stdout.contains("--- FAIL: TestMakeEvent"), "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("expected kind to be RangeBegin, got RangeActive"), "\(test.stdout)")
    }
}
