import Foundation
import Testing
import TestSupport

/// The libraries' documentation: the DocC catalogs build with every warning an error, and every
/// Swift snippet of the articles and of the README compiles and runs against the libraries, in a
/// package of its own that depends on this one as a user's package would.
@Suite(.serialized) struct DocumentationTests {
    /// Where snippets live: the README and every article of the libraries' catalogs.
    static func documents() throws -> [URL] {
        var result = [Repo.root.appendingPathComponent("README.md")]
        for library in ["TraceV2", "TraceWire", "TraceParser"] {
            let catalog = Repo.root.appendingPathComponent("Sources/\(library)/\(library).docc")
            let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path).filter { $0.hasSuffix(".md") }.sorted()
            result += articles.map { catalog.appendingPathComponent($0) }
        }
        return result
    }

    /// The ```swift blocks of a Markdown text, in order.
    static func snippets(in text: String) -> [String] {
        var result: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                result.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return result
    }

    @Test func snippetsAreFoundWhereTheyAre() {
        let text = "intro\n```swift\nlet a = 1\n```\n```sh\nls\n```\n  ```swift\nprint(a)\n  ```\n"
        #expect(Self.snippets(in: text) == ["let a = 1\n", "print(a)\n"])
    }

    @Test func catalogsBuildWithoutWarnings() throws {
        let output = makeTemporaryDirectory("tracegen-docs")
        defer { try? FileManager.default.removeItem(at: output) }
        let build = run([Repo.path("Scripts/docs"), output.path], in: Repo.root.path)
        #expect(build.status == 0, "Scripts/docs: \(build.stdout.suffix(4000))\(build.stderr.suffix(4000))")
        for library in ["TraceV2", "TraceWire", "TraceParser"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("\(library)/data/documentation").path),
                    "no documentation was written for \(library)")
        }
    }

    /// The file that imports TraceV2, TraceWire and TraceParser together.
    static let vocabularyFile = Repo.root.appendingPathComponent("Tests/Fixtures/vocabulary/main.swift")
    /// The names it must be able to use unqualified.
    static let sharedNames = ["Event", "EventType", "EventKind", "GoroutineID", "ThreadID", "ProcID", "TaskID",
                              "GoStatus", "ProcStatus", "Range", "Task", "Result"]

    @Test func everySnippetCompilesAndRuns() throws {
        var found: [(name: String, source: String, document: String)] = []
        for document in try Self.documents() {
            let text = try String(contentsOf: document, encoding: .utf8)
            for (index, snippet) in Self.snippets(in: text).enumerated() {
                let base = document.deletingPathExtension().lastPathComponent.filter { $0.isLetter || $0.isNumber }
                found.append(("\(base)Snippet\(index + 1)", snippet, document.lastPathComponent))
            }
        }
        // The README has one; each catalog has at least one article with several.
        try #require(found.count >= 8, "found only \(found.count) snippets")
        // Beside them, a user's file that names the three libraries' types and Swift's own
        // without a module prefix (issue 16's vocabulary).
        let vocabulary = try String(contentsOf: Self.vocabularyFile, encoding: .utf8)
        for name in Self.sharedNames {
            try #require(vocabulary.contains(" \(name)") || vocabulary.contains("<\(name)") || vocabulary.contains("[\(name)"),
                         "the vocabulary file does not use \(name)")
            #expect(!vocabulary.contains(".\(name)"), "the vocabulary file qualifies \(name)")
        }
        found.append(("Vocabulary", vocabulary, Self.vocabularyFile.lastPathComponent))

        let scratch = makeTemporaryDirectory("tracegen-snippets")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let package = scratch.appendingPathComponent("Snippets")
        // The dependency is named by its folder, so the link gives it the package's own name.
        try FileManager.default.createSymbolicLink(at: scratch.appendingPathComponent("tracegen"), withDestinationURL: Repo.root)
        var targets: [String] = []
        for snippet in found {
            let folder = package.appendingPathComponent("Sources/\(snippet.name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try snippet.source.write(to: folder.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
            targets.append("""
                        .executableTarget(name: "\(snippet.name)", dependencies: [
                            .product(name: "TraceV2", package: "tracegen"),
                            .product(name: "TraceWire", package: "tracegen"),
                            .product(name: "TraceParser", package: "tracegen"),
                        ]),
                """)
        }
        try """
            // swift-tools-version: 6.0
            import PackageDescription

            let package = Package(
                name: "Snippets",
                platforms: [.macOS(.v13)],
                dependencies: [.package(path: "../tracegen")],
                targets: [
            \(targets.joined(separator: "\n"))
                ]
            )

            """.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let build = run(["/usr/bin/env", "swift", "build", "--package-path", package.path], in: package.path)
        try #require(build.status == 0, "the snippets do not build:\n\(build.stdout.suffix(6000))\(build.stderr.suffix(3000))")

        // They read `app.trace` from the folder they run in.
        let work = scratch.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("go1.27/goroutines.trace"),
                                         to: work.appendingPathComponent("app.trace"))
        for snippet in found {
            let result = run([package.appendingPathComponent(".build/debug/\(snippet.name)").path], in: work.path)
            #expect(result.status == 0 && !result.crashed, "snippet \(snippet.name) of \(snippet.document): \(result.stderr)")
            #expect(!result.stdout.isEmpty, "snippet \(snippet.name) of \(snippet.document) printed nothing")
        }
    }
}
