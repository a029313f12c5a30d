import Foundation
import Testing
@testable import TraceGenCore

/// Go's parser with its hand-written ordering replaced by the generated one.
///
/// One GOROOT copy of Go 1.27.3 gets the generated tracev2 package, then
/// `Tests/GoHarness/replace` cuts from `internal/trace` every declaration that the generated
/// `eventkinds.go` and `ordering.go` make (`tracev2Type2Kind`, `orderingDispatch`, the handlers
/// of the same names) and the hand-written handlers nothing refers to any more, and copies the
/// generated files in. Go's own vet and tests must pass there; then, in the same copy, the
/// ordering made from a spec with one word changed must make Go's tests fail.
@Suite(.serialized) struct GoOrderingTests {
    /// The hand-written declarations the generated files replace, as the harness reports them.
    static let replaced = """
        Event.StateTransition
        ordering.advanceAllocFree
        ordering.advanceAnnotation
        ordering.advanceGCSweepActive
        ordering.advanceGCSweepBegin
        ordering.advanceGCSweepEnd
        ordering.advanceGoCreate
        ordering.advanceGoCreateSyscall
        ordering.advanceGoRangeActive
        ordering.advanceGoRangeBegin
        ordering.advanceGoRangeEnd
        ordering.advanceGoStart
        ordering.advanceGoStopExec
        ordering.advanceGoSyscallBegin
        ordering.advanceGoSyscallEnd
        ordering.advanceGoSyscallEndBlocked
        ordering.advanceGoUnblock
        ordering.advanceHeapMetric
        ordering.advanceProcStart
        ordering.advanceProcStop
        orderingDispatch
        tracev2Type2Kind

        """

    @Test func generatedOrderingPassesGoOwnTestsAndOneChangedWordFailsThem() throws {
        let gofmt = URL(fileURLWithPath: Repo.go).deletingLastPathComponent().appendingPathComponent("gofmt").path
        let format = run([gofmt, "-l", Repo.path("Generated/Go/trace"), Repo.path("Handlers/Go/trace")])
        #expect(format.status == 0 && format.stdout.isEmpty, "gofmt would change: \(format.stdout)\(format.stderr)")

        let kinds = try String(contentsOfFile: Repo.path("Generated/Go/trace/eventkinds.go"), encoding: .utf8)
        let goroot = try GoParserKindTableTests.PatchedGoroot(kindTable: kinds, replacingDeclarations: true)
        let generated = ["eventkinds.go", "ordering.go", "statetransition.go"].map { Repo.path("Generated/Go/trace/\($0)") }
        let replace = run([Repo.go, "run", Repo.path("Tests/GoHarness/replace/main.go"), goroot.src + "/internal/trace"] + generated + (try Self.handwrittenGo()),
                          environment: Repo.goEnvironment)
        try #require(replace.status == 0, "replace: \(replace.stderr)")
        #expect(replace.stdout == Self.replaced)
        let order = try String(contentsOfFile: goroot.src + "/internal/trace/order.go", encoding: .utf8)
        #expect(!order.contains("orderingDispatch =") && !order.contains("advanceGoStopExec") && order.contains("func (o *ordering) advanceGoStatus("))

        let vet = goroot.goCommand(["vet", "internal/trace"])
        #expect(vet.status == 0, "go vet: \(vet.stdout)\(vet.stderr)")
        let test = goroot.goCommand(["test", "-short", "internal/trace/...", "runtime/trace"])
        #expect(test.status == 0, "go test: \(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("ok  \tinternal/trace\t") && test.stdout.contains("ok  \truntime/trace\t"), "\(test.stdout)")

        // One word of one rule: GoBlock leaves its goroutine Runnable instead of Waiting. No
        // GoUnblock can follow, so Go's parser gets stuck on every real trace.
        var text = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8)
        let right = "{resource: goroutine, of: current, from: [Running], to: Waiting, thread: unbind, reason: reason_string, stack: stack}"
        try #require(text.components(separatedBy: right).count == 2, "GoBlock's change in Specs/v2.yaml changed shape")
        text = text.replacingOccurrences(of: right, with: right.replacingOccurrences(of: "to: Waiting", with: "to: Runnable"))
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "wrong.yaml")
        let wrong = GoOrderingFile(model: spec).generate(context: RenderContext(sourceName: "wrong.yaml")).contents
        #expect(wrong.contains("func (o *ordering) advanceGoBlock(") && wrong.contains("curG.status = tracev2.GoRunnable"))
        try wrong.write(toFile: goroot.src + "/internal/trace/ordering.go", atomically: true, encoding: .utf8)
        let failing = goroot.goCommand(["test", "-short", "-run", "^TestReaderGolden$", "internal/trace"])
        #expect(failing.status != 0)
        #expect(failing.stdout.contains("--- FAIL: TestReaderGolden"), "\(failing.stdout)\(failing.stderr)")
    }

    /// The hand-written Go that goes in with the generated files: the state transitions of the
    /// events whose handler decides them.
    static func handwrittenGo() throws -> [String] {
        let folder = Repo.path("Handlers/Go/trace")
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".go") }.sorted().map { folder + "/" + $0 }
    }

    /// The harness cuts what it is told to, with doc comments, and the handlers left unused.
    @Test func replaceCutsDeclarationsAndUnusedHandlers() throws {
        let scratch = makeTemporaryDirectory("tracegen-replace")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let package = scratch.appendingPathComponent("pkg")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        try """
            package trace

            type ordering struct{}

            // table is replaced.
            var table = [2]func(*ordering){(*ordering).advanceA, (*ordering).advanceB}

            func (o *ordering) advanceA() { o.helper() }

            // advanceB goes once table does.
            func (o *ordering) advanceB() {}

            func (o *ordering) helper() {}

            """.write(to: package.appendingPathComponent("order.go"), atomically: true, encoding: .utf8)
        let generated = scratch.appendingPathComponent("gen.go")
        try "package trace\n\nvar table = [1]func(*ordering){(*ordering).advanceA}\n".write(to: generated, atomically: true, encoding: .utf8)
        let result = run([Repo.go, "run", Repo.path("Tests/GoHarness/replace/main.go"), package.path, generated.path], environment: Repo.goEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ordering.advanceB\ntable\n")
        let left = try String(contentsOf: package.appendingPathComponent("order.go"), encoding: .utf8)
        #expect(left == "package trace\n\ntype ordering struct{}\n\n\nfunc (o *ordering) advanceA() { o.helper() }\n\n\nfunc (o *ordering) helper() {}\n")
    }
}
