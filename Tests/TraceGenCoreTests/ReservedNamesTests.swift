import Foundation
import Testing
@testable import TraceGenCore

/// The names the validator keeps spec names away from are the names the renderers really declare:
/// read back from the generated Go package and the compiled Swift module, not from a hand list.
@Suite(.serialized) struct ReservedNamesTests {
    @Test func goFixedDeclarationsAreExactlyWhatThePackageDeclaresBesidesSpecNames() throws {
        let model = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        let decls = run([Repo.go, "run", Repo.path("Tests/GoHarness/decls/main.go"), Repo.path("Generated/Go/tracev2")],
                        environment: Repo.goEnvironment)
        try #require(decls.status == 0, "\(decls.stderr)")
        let declared = Set(decls.stdout.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, ["const", "var", "type", "func"].contains(parts[0]), parts[1] != "_" else { return nil }
            return String(parts[1])
        })
        let fromSpec = Set(model.events.map(\.goName) + model.statusSets.flatMap { [$0.goType] + $0.statuses.map(\.goName) }
            + model.versions.map(\.goName) + model.experiments.map(\.goName) + model.constants.map(\.goName))
        #expect(declared.subtracting(fromSpec) == Set(GoRenderer.fixedDeclarations))
    }

    @Test func swiftDeclaredMembersCoverEveryMemberTheModuleDeclares() throws {
        let model = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        let scratch = makeTemporaryDirectory("tracegen-symbols")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sources = Repo.root.appendingPathComponent("Generated/Swift/TraceV2")
        try #require(Compilers.compileSwift(module: "TraceV2", sources: sources, into: scratch) == nil)
        let graph = scratch.appendingPathComponent("graph")
        try FileManager.default.createDirectory(at: graph, withIntermediateDirectories: true)
        let extract = run(["/usr/bin/env", "swift-symbolgraph-extract", "-module-name", "TraceV2", "-I", scratch.path,
                           "-target", Self.targetTriple(), "-minimum-access-level", "private", "-output-dir", graph.path])
        try #require(extract.status == 0, "\(extract.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: graph.appendingPathComponent("TraceV2.symbols.json"))) as? [String: Any]
        let paths = (json?["symbols"] as? [[String: Any]] ?? []).compactMap { $0["pathComponents"] as? [String] }
        func members(of type: String) -> Set<String> {
            Set(paths.filter { $0.count == 2 && $0[0] == type }.map { String($0[1].prefix { $0 != "(" }) }.filter { $0.first?.isLetter == true })
        }
        let names = SwiftTypeNames(prefix: "")
        let scopes: [(SwiftRenderer.Scope, [String], [String])] = [
            (.events, [names.eventType, names.eventSpec], model.events.map(\.swiftName)),
            (.experiments, [names.experiment], model.experiments.map(\.swiftName)),
            (.statuses, model.statusSets.map { names.prefix + $0.swiftType }, model.statusSets.flatMap(\.statuses).map(\.swiftName)),
            (.constants, [names.limits], model.constants.map(\.swiftName)),
        ]
        for (scope, types, fromSpec) in scopes {
            let declared = types.reduce(into: Set<String>()) { $0.formUnion(members(of: $1)) }
            #expect(!declared.isEmpty, "\(types)")
            let own = declared.subtracting(fromSpec)
            #expect(own.isSubset(of: Set(scope.declaredMembers)), "\(scope): not reserved: \(own.subtracting(scope.declaredMembers).sorted())")
        }
    }

    static func targetTriple() -> String {
        let info = run(["/usr/bin/env", "swiftc", "-print-target-info"])
        let json = try? JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        return (json?["target"] as? [String: Any])?["triple"] as? String ?? "x86_64-unknown-linux-gnu"
    }
}
