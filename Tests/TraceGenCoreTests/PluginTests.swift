import Foundation
import Testing
import TraceGenCore

/// TraceGenPlugin as a consumer uses it: nested `swift build`s of Examples/TraceExplain and of a
/// throwaway package in the temp folder.
///
/// These builds are slow, so the suite runs them one after another, and each package keeps its
/// scratch folder between runs (the example its own `.build`, the consumer a fixed folder in the
/// temp directory), so only the first run compiles tracegen and its dependencies from scratch.
/// One scratch folder cannot serve both: SwiftPM then mistakes one root package's build plan for the other's.
@Suite(.serialized) struct PluginTests {
    static let example = Repo.root.appendingPathComponent("Examples/TraceExplain")
    static let consumer = FileManager.default.temporaryDirectory.appendingPathComponent("tracegen-plugin-consumer")

    struct Build {
        var status: Int32
        var output: String
        var seconds: Double
    }

    /// `swift build` of the package at `directory`; the output is stdout and stderr together.
    func swiftBuild(_ directory: URL) -> Build {
        let start = Date()
        let result = run(["/usr/bin/env", "swift", "build", "--package-path", directory.path], in: directory.path)
        return Build(status: result.status, output: result.stdout + result.stderr, seconds: Date().timeIntervalSince(start))
    }

    func product(_ name: String, of package: URL) -> String {
        package.appendingPathComponent(".build/debug").appendingPathComponent(name).path
    }

    /// Standard output split into the blocks the example prints, one per event.
    func blocks(_ output: String) -> [String] {
        output.trimmingCharacters(in: .newlines).components(separatedBy: "\n\n")
    }

    @Test func exampleSpecIsACopyOfTheRepositorySpec() throws {
        let copy = try Data(contentsOf: Self.example.appendingPathComponent("Sources/TraceExplain/v2.tracegen.yaml"))
        let original = try Data(contentsOf: Repo.root.appendingPathComponent("Specs/v2.yaml"))
        #expect(copy == original, "refresh it: cp Specs/v2.yaml Examples/TraceExplain/Sources/TraceExplain/v2.tracegen.yaml")
    }

    @Test func exampleExplainsEveryEventAsTheSpecSays() throws {
        let build = swiftBuild(Self.example)
        try #require(build.status == 0, "\(build.output)")
        let spec = try TraceGen.loadSpec(path: Self.example.appendingPathComponent("Sources/TraceExplain/v2.tracegen.yaml").path)

        // By name, one block per event, in the order asked.
        let byName = run([product("TraceExplain", of: Self.example)] + spec.events.map(\.name))
        #expect(byName.status == 0, "\(byName.stderr)")
        let explained = blocks(byName.stdout)
        try #require(explained.count == spec.events.count)
        for (event, block) in zip(spec.events, explained) {
            let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(lines.first?.hasPrefix("\(event.name): wire byte \(event.id) (") == true, "\(block)")
            #expect(lines.contains(event.description))
            #expect(lines.contains { $0.hasPrefix(event.timed ? "kind: timed" : "kind: structural") }, "\(block)")
            let argumentLines = lines.filter { $0.first?.isNumber == true }
            #expect(argumentLines.map { $0.split(separator: " ")[1] } == event.args.map { Substring($0) }, "\(block)")
            for (index, line) in argumentLines.enumerated() {
                #expect(line.contains("string ID") == event.stringIDs.contains(index), "\(event.name): \(line)")
                #expect(line.contains("stack ID") == event.stackIDs.contains(index), "\(event.name): \(line)")
                #expect(line.contains("the code that emitted the event") == (event.stackIDs.first == index), "\(event.name): \(line)")
            }
            #expect(lines.contains { $0.hasPrefix("start event:") } == (event.start != nil))
            if let start = event.start { #expect(lines.contains { $0.hasPrefix("start event: \(start.name) ") }) }
            #expect(lines.contains("experiment: " + (event.experiment.map { experiment in
                "\(experiment.name) (since \(spec.experiments.first { $0.id == experiment.id }!.since.name))"
            } ?? "none")), "\(block)")
            let versions = spec.versions.filter { $0.number >= event.since.number }.map(\.name)
            #expect(lines.contains("valid in: " + versions.joined(separator: ", ")), "\(block)")
        }

        // By wire byte, in decimal and hex, and the failures.
        let goCreate = try #require(spec.event(named: "GoCreate"))
        let byByte = run([product("TraceExplain", of: Self.example), String(goCreate.id), "0x" + String(goCreate.id, radix: 16)])
        #expect(blocks(byByte.stdout) == Array(repeating: explained[spec.events.firstIndex(of: goCreate)!], count: 2))
        let unknown = run([product("TraceExplain", of: Self.example), "NoSuchEvent"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "TraceExplain: no event is named 'NoSuchEvent'\n")
        let oldest = try #require(spec.versions.first)
        let list = run([product("TraceExplain", of: Self.example), "--list", oldest.name])
        #expect(list.stdout.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
            == spec.events.filter { $0.since.number <= oldest.number }.map(\.name))
    }

    @Test func consumerPackageFollowsItsSpecsAndReportsTheirErrors() throws {
        // A fixed folder whose files are rewritten on every run; only its .build survives between runs.
        let package = Self.consumer
        try? FileManager.default.removeItem(at: package.appendingPathComponent("Sources"))
        let sources = package.appendingPathComponent("Sources/Consumer")
        let mainSpec = sources.appendingPathComponent("Main/trace.tracegen.yaml")
        let altSpec = sources.appendingPathComponent("Alt/alt.tracegen.yaml")
        let altConfig = sources.appendingPathComponent("Alt/tracegen-config.yaml")
        let original = try String(contentsOf: Repo.root.appendingPathComponent("Specs/v2.yaml"), encoding: .utf8)
        let eventCount = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml")).events.count
        try write("""
            // swift-tools-version: 6.0
            import PackageDescription

            let package = Package(
                name: "Consumer",
                dependencies: [.package(name: "tracegen", path: \(swiftLiteral(Repo.root.path)))],
                targets: [
                    .executableTarget(name: "Consumer", plugins: [.plugin(name: "TraceGenPlugin", package: "tracegen")]),
                ]
            )
            """, to: package.appendingPathComponent("Package.swift"))
        // Two specs in one target: the second gets its own folder, prefix and access level.
        try write(original, to: mainSpec)
        try write(original, to: altSpec)
        try write("accessLevel: internal\ntypePrefix: Alt\n", to: altConfig)
        try write("""
            print(EventType.goCreate.spec.args.joined(separator: ","))
            print(AltEventType.allCases.count, AltEventType.goCreate.spec.name)
            print(try Event(type: .goStatus, args: [1, 2, 3, 4]).args, try AltEvent(type: .goStatus, args: [1, 2, 3, 4]) == .goStatus(AltEvent.GoStatus(dt: 1, g: AltGoroutineID(rawValue: 2), m: AltThreadID(rawValue: 3), gstatus: .waiting)))
            """, to: sources.appendingPathComponent("main.swift"))

        let first = swiftBuild(package)
        try #require(first.status == 0, "\(first.output)")
        // The typed API too, in both spellings: the unprefixed one qualifies GoStatus by the target's module.
        #expect(run([product("Consumer", of: package)]).stdout == "dt,new_g,new_stack,stack\n\(eventCount) GoCreate\n[1, 2, 3, 4] true\n")

        // A build with nothing changed neither regenerates nor compiles. On Linux, SwiftPM 6.3 links
        // a plugin's tool once more on the build after a clean one, so the check starts after that.
        let settle = swiftBuild(package)
        try #require(settle.status == 0, "\(settle.output)")
        let noOp = swiftBuild(package)
        #expect(noOp.status == 0)
        // ("Compiling plugin" lines are SwiftPM checking its cached plugin builds.)
        let work = noOp.output.split(separator: "\n").filter {
            ($0.contains("Compiling") && !$0.contains("Compiling plugin")) || $0.contains("Linking") || $0.contains("Generating")
        }
        #expect(work.isEmpty, "\(noOp.output)")
        print("PluginTests: consumer build \(String(format: "%.1f", first.seconds)) s, no-op rebuild \(String(format: "%.2f", noOp.seconds)) s")

        // Editing the spec changes what the next build sees.
        let goCreateArgs = "- id: 14\n        name: GoCreate\n        args: [dt, new_g, new_stack, stack]"
        try #require(original.contains(goCreateArgs))
        // The ordering names the argument too, so it follows.
        let goCreateChange = "{resource: goroutine, of: new_g, from: [absent], to: Runnable, stack: new_stack}"
        try #require(original.components(separatedBy: goCreateChange).count == 2)
        try write(original.replacingOccurrences(of: goCreateArgs, with: goCreateArgs.replacingOccurrences(of: "new_g,", with: "child_g,"))
            .replacingOccurrences(of: goCreateChange, with: goCreateChange.replacingOccurrences(of: "new_g", with: "child_g")), to: mainSpec)
        let edited = swiftBuild(package)
        try #require(edited.status == 0, "\(edited.output)")
        #expect(run([product("Consumer", of: package)]).stdout.hasPrefix("dt,child_g,new_stack,stack\n"))

        // A spec error fails the build and points into the spec.
        let badLine = original.split(separator: "\n", omittingEmptySubsequences: false).count
        try write(original + "colour: blue\n", to: mainSpec)
        let broken = swiftBuild(package)
        #expect(broken.status != 0)
        #expect(broken.output.contains("trace.tracegen.yaml:\(badLine):1: error: unknown key 'colour'"), "\(broken.output)")

        // So does an invalid config, pointing into the config.
        try write(original, to: mainSpec)
        try write("accessLevel: open\ntypePrefix: Alt\n", to: altConfig)
        let badConfig = swiftBuild(package)
        #expect(badConfig.status != 0)
        #expect(badConfig.output.contains("tracegen-config.yaml:1:14: error: 'accessLevel' must be one of public, package, internal, found 'open'"), "\(badConfig.output)")

        // And two specs that would declare the same types.
        try write("accessLevel: internal\n", to: altConfig)
        let clash = swiftBuild(package)
        #expect(clash.status != 0)
        // Either spec's command may be the one that fails first and stops the build.
        #expect(clash.output.contains(".tracegen.yaml:1:1: error: ")
            && clash.output.contains(".tracegen.yaml is compiled into the same module with no type prefix, so both would declare EventType"), "\(clash.output)")
    }

    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    private func swiftLiteral(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
