import Foundation
import Testing
import TestSupport
@testable import TraceGenCore

/// A runtime author adds an event to the spec, regenerates, and rebuilds: both parsers order
/// it, and report it, with no code written. The new event is a copy of GoBlock under a new name
/// and the next free ID, with three more arguments around its stack: five after the time delta,
/// one more than the format allows, so the spec raises its limit on timed event arguments too.
/// The stack is fourth and an extra argument fifth, so storage that kept only four would lose the
/// stack to the argument after it, and the stack lookup would fail. Real traces whose
/// GoBlock events are rewritten as the new event (through `gotrace wire --header` and `gotrace
/// encode`) must print exactly what Go prints for the originals: once through `gotrace parsed`
/// built in a copy of this package, once through Go's own `cmd/trace`, built from a GOROOT copy
/// with the regenerated Go dropped in.
@Suite(.serialized) struct NewEventTests {
    static let copied = "GoBlock"
    static let added = "GoPark"
    /// The arguments the new event has beyond GoBlock's, with the values the rewritten traces
    /// give them: two before its stack, one after.
    static let extraArguments = [("first_value", 7), ("second_value", 300), ("third_value", 1 << 40)]

    /// The Go 1.27 fixtures with GoBlock events, and Go's own `-d=parsed` output for each.
    static func fixtures() throws -> [(trace: URL, parsed: String)] {
        let folder = Support.fixtures.appendingPathComponent("go1.27")
        let names = try fixtureNames(in: folder, suffix: ".trace", minimum: 5).map { String($0.dropLast(".trace".count)) }
        return try names.compactMap { name in
            let wire = try String(contentsOf: folder.appendingPathComponent("\(name).wire"), encoding: .utf8)
            guard wire.contains("\n\(copied) ") else { return nil }
            return (folder.appendingPathComponent("\(name).trace"),
                    try String(contentsOf: folder.appendingPathComponent("\(name).parsed"), encoding: .utf8))
        }
    }

    /// Specs/v2.yaml with GoBlock's entry copied under the new name and the next free ID, with
    /// the extra arguments around its stack, and the argument limit raised to fit them.
    static func extendedSpec() throws -> (text: String, id: Int) {
        let limit = "  - name: MaxTimedEventArgs\n    value: 5\n"
        let source = try String(contentsOfFile: Repo.path("Specs/v2.yaml"), encoding: .utf8)
        try #require(source.components(separatedBy: limit).count == 2, "MaxTimedEventArgs in Specs/v2.yaml changed shape")
        let text = source.replacingOccurrences(of: limit, with: "  - name: MaxTimedEventArgs\n    value: 6\n")
        let model = try TraceGen.loadSpec(data: Data(text.utf8), file: "v2.yaml")
        let original = try #require(model.events.first { $0.name == copied })
        let id = try #require(model.events.filter { $0.experiment == nil }.map(\.id).max()) + 1
        try #require(!model.events.contains { $0.id == id })
        let opening = "      - id: \(original.id)\n        name: \(copied)\n"
        let parts = text.components(separatedBy: opening)
        try #require(parts.count == 2, "GoBlock's entry in Specs/v2.yaml changed shape")
        let rest = parts[1]
        let end = try #require(rest.range(of: "\n      - id: "), "no entry follows GoBlock's")
        let entry = opening + rest[..<end.lowerBound] + "\n"
        let copy = entry
            .replacingOccurrences(of: "- id: \(original.id)\n", with: "- id: \(id)\n")
            .replacingOccurrences(of: "name: \(copied)\n", with: "name: \(added)\n")
            .replacingOccurrences(of: "description: The running goroutine blocked.", with: "description: The running goroutine parked, as GoBlock does.")
            .replacingOccurrences(of: "args: [dt, reason_string, stack]\n",
                                  with: "args: [dt, reason_string, first_value, second_value, stack, third_value]\n")
            .replacingOccurrences(of: "stackIDs: [2]\n", with: "stackIDs: [4]\n")
        try #require(copy.contains("third_value") && copy.contains("stackIDs: [4]"), "GoBlock's arguments in Specs/v2.yaml changed shape")
        return (parts[0] + entry + copy + rest[end.lowerBound...].dropFirst(), id)
    }

    /// The extended spec loads, and the new event is ordered and reported as GoBlock is.
    @Test func extendedSpecOrdersTheCopyAsTheOriginal() throws {
        let (text, id) = try Self.extendedSpec()
        let model = try TraceGen.loadSpec(data: Data(text.utf8), file: "extended.yaml")
        let original = try #require(model.events.first { $0.name == Self.copied })
        let copy = try #require(model.events.first { $0.name == Self.added })
        #expect(copy.id == id && copy.id != original.id)
        #expect(copy.args == ["dt", "reason_string"] + Self.extraArguments.prefix(2).map(\.0) + ["stack", Self.extraArguments[2].0])
        #expect(copy.ordering?.transition == original.ordering?.transition)
        #expect(copy.ordering?.transition?.reason?.name == "reason_string")
        let files = TraceGen.render(model, sourceName: "extended.yaml")
        let transitions = try #require(files.first { $0.path == "Go/trace/statetransition.go" }).contents
        #expect(transitions.contains("case tracev2.EvGoBlock, tracev2.EvGoPark:"))
        let ordering = try #require(files.first { $0.path == "Go/trace/ordering.go" }).contents
        #expect(ordering.contains("func (o *ordering) advanceGoPark("))
        let limits = try #require(files.first { $0.path.hasSuffix("/TraceLimits.swift") }).contents
        #expect(limits.contains("static let capacity = 5") && limits.contains("case 4: argument4"))
    }

    /// Every GoBlock line of a wire dump, renamed, with the extra arguments around its stack (its
    /// last field), and each batch's `size=` grown by the bytes they add; the count of renamed
    /// lines comes back too.
    static func rename(_ dump: String) -> (String, Int) {
        var count = 0
        let before = extraArguments.prefix(2).map { " \($0.0)=\($0.1)" }.joined()
        let after = " \(extraArguments[2].0)=\(extraArguments[2].1)"
        let added = extraArguments.map { varintSize(UInt64($0.1)) }.reduce(0, +)
        var lines = dump.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var batch: Int?
        var grown: [Int: Int] = [:]
        for index in lines.indices {
            let line = lines[index]
            if line.hasPrefix("EventBatch ") { batch = index }
            guard line.hasPrefix("\(copied) "), let stack = line.range(of: " stack=") else { continue }
            count += 1
            lines[index] = Self.added + line[line.index(line.startIndex, offsetBy: copied.count)..<stack.lowerBound] + before
                + line[stack.lowerBound...] + after
            if let batch { grown[batch, default: 0] += added }
        }
        for (index, bytes) in grown {
            var fields = lines[index].split(separator: " ").map(String.init)
            if let at = fields.firstIndex(where: { $0.hasPrefix("size=") }), let size = Int(fields[at].dropFirst(5)) {
                fields[at] = "size=\(size + bytes)"
            }
            lines[index] = fields.joined(separator: " ")
        }
        return (lines.joined(separator: "\n"), count)
    }

    /// The bytes of an unsigned LEB128 varint.
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    /// Rewrites each fixture's GoBlock events as the new event with `gotrace`, built from the
    /// extended spec; returns the rewritten traces beside Go's output for the originals.
    static func rewrite(with gotrace: String, into folder: URL) throws -> [(trace: URL, parsed: String)] {
        try fixtures().map { fixture in
            let dump = run([gotrace, "wire", "--header", fixture.trace.path])
            try #require(dump.status == 0, "wire: \(dump.stderr)")
            let (renamed, count) = rename(dump.stdout)
            #expect(count > 0)
            let text = folder.appendingPathComponent(fixture.trace.deletingPathExtension().lastPathComponent + ".txt")
            let trace = text.deletingPathExtension().appendingPathExtension("trace")
            try renamed.write(to: text, atomically: true, encoding: .utf8)
            let encode = run([gotrace, "encode", text.path, "-o", trace.path])
            try #require(encode.status == 0, "encode: \(encode.stderr)")
            let redump = run([gotrace, "wire", "--header", trace.path])
            #expect(redump.stdout == renamed, "the rewritten trace does not read back as written")
            return (trace, fixture.parsed)
        }
    }

    /// A copy of this package, regenerated from the extended spec and rebuilt, rewrites the
    /// fixtures and prints them; then Go's `cmd/trace`, built from a GOROOT copy with the
    /// regenerated tables, kind table, ordering and state transitions in place of Go's own, prints
    /// the same rewritten traces. Neither the repository's gotrace nor Go's own tool reads them.
    @Test func bothParsersBuiltFromTheExtendedSpecPrintWhatGoPrintsForTheOriginals() throws {
        let scratch = makeTemporaryDirectory("tracegen-newevent")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (spec, _) = try Self.extendedSpec()

        // Swift: regenerate and rebuild a copy of the package.
        let clone = scratch.appendingPathComponent("package")
        try copyPackage(to: clone)
        try spec.write(to: clone.appendingPathComponent("Specs/v2.yaml"), atomically: true, encoding: .utf8)
        let generate = run([Repo.tracegen, "Specs/v2.yaml", "--output", "Generated"], in: clone.path)
        try #require(generate.status == 0, "tracegen: \(generate.stderr)")
        let build = run(["/usr/bin/env", "swift", "build", "--product", "gotrace", "--package-path", clone.path], in: clone.path)
        try #require(build.status == 0, "swift build: \(build.stdout)\(build.stderr)")
        let gotrace = clone.appendingPathComponent(".build/debug/gotrace").path
        let traces = try Self.rewrite(with: gotrace, into: scratch)
        for (trace, goParsed) in traces {
            let parsed = try runCapturingBytes([gotrace, "parsed", trace.path])
            #expect(parsed.status == 0, "\(trace.lastPathComponent): \(parsed.errorText)")
            #expect(parsed.outputText == goParsed, "\(trace.lastPathComponent) prints differently from Go's output for the original")
            let unknown = run([Repo.gotrace, "parsed", trace.path])
            #expect(unknown.status != 0, "\(trace.lastPathComponent): the repository's own gotrace read the new event")
        }

        // Go: drop the regenerated Go into a GOROOT copy and build cmd/trace there.
        let model = try TraceGen.loadSpec(data: Data(spec.utf8), file: "extended.yaml")
        let files = TraceGen.render(model, sourceName: "extended.yaml")
        let goroot = try GoParserKindTableTests.PatchedGoroot(kindTable: "", replacingDeclarations: true,
                                                              tracev2: files.filter { $0.path.hasPrefix("Go/tracev2/") })
        let parser = scratch.appendingPathComponent("parser")
        try FileManager.default.createDirectory(at: parser, withIntermediateDirectories: true)
        var dropIns: [String] = []
        for file in files where file.path.hasPrefix("Go/trace/") {
            let url = parser.appendingPathComponent(URL(fileURLWithPath: file.path).lastPathComponent)
            try file.contents.write(to: url, atomically: true, encoding: .utf8)
            dropIns.append(url.path)
        }
        dropIns += try GoOrderingTests.handwrittenGo()
        let replace = run([Repo.go, "run", Repo.path("Tests/GoHarness/replace/main.go"), goroot.src + "/internal/trace"] + dropIns,
                          environment: Repo.goEnvironment)
        try #require(replace.status == 0, "replace: \(replace.stderr)")
        let cmdTrace = goroot.scratch.appendingPathComponent("cmdtrace").path
        let goBuild = goroot.goCommand(["build", "-o", cmdTrace, "cmd/trace"])
        try #require(goBuild.status == 0, "go build cmd/trace: \(goBuild.stdout)\(goBuild.stderr)")
        for (trace, goParsed) in traces {
            let parsed = try runCapturingBytes([cmdTrace, "-d=parsed", trace.path], environment: goroot.environment)
            #expect(parsed.status == 0, "\(trace.lastPathComponent): \(parsed.errorText)")
            #expect(parsed.outputText == goParsed, "\(trace.lastPathComponent): the rebuilt cmd/trace prints differently")
            let real = run([Repo.go, "tool", "trace", "-d=parsed", trace.path], environment: Repo.goEnvironment)
            #expect(real.status != 0, "\(trace.lastPathComponent): Go's own cmd/trace read the new event")
        }
    }

    /// The package's sources, specs, generated files, plugins and test sources (not the fixtures),
    /// as they are in the working tree.
    func copyPackage(to clone: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: clone, withIntermediateDirectories: true)
        for item in ["Package.swift", "Sources", "Generated", "Specs", "Plugins"] {
            try manager.copyItem(at: Repo.root.appendingPathComponent(item), to: clone.appendingPathComponent(item))
        }
        let tests = clone.appendingPathComponent("Tests")
        try manager.createDirectory(at: tests, withIntermediateDirectories: true)
        for item in try manager.contentsOfDirectory(atPath: Repo.path("Tests")) where item != "Fixtures" {
            try manager.copyItem(at: Repo.root.appendingPathComponent("Tests/\(item)"), to: tests.appendingPathComponent(item))
        }
    }
}
