import Foundation

/// Paths, toolchains and fixtures shared by the tests.
public enum Support {
    /// The root of the package.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures = root.appendingPathComponent("Tests/Fixtures/traces")

    /// The newest pinned toolchain; its tool and its source tree are the references.
    public static let newestPin = "1.27.3"

    /// The `go` binary of a pinned release, from `Scripts/ensure-go` (which installs it if
    /// missing).
    public static func goBinary(_ pin: String = newestPin) throws -> String {
        let result = try run(root.appendingPathComponent("Scripts/ensure-go").path, [pin])
        guard result.status == 0 else { throw SetupError("Scripts/ensure-go \(pin) failed: \(result.errorText)") }
        let path = result.outputText.split(separator: "\n").last.map(String.init) ?? ""
        guard FileManager.default.isExecutableFile(atPath: path) else { throw SetupError("no go binary at \(path)") }
        return path
    }

    /// The GOROOT of a pinned release, which holds its full source.
    public static func goRoot(_ pin: String = newestPin) throws -> URL {
        URL(fileURLWithPath: try goBinary(pin)).deletingLastPathComponent().deletingLastPathComponent()
    }

    public typealias RunResult = CapturedRun

    /// Runs a program to completion, with Go kept offline and on its own toolchain.
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> RunResult {
        var environment = ProcessInfo.processInfo.environment
        environment["GOTOOLCHAIN"] = "local"
        environment["GOFLAGS"] = ""
        environment["GOWORK"] = "off"
        return try runCapturingBytes([executable] + arguments, in: directory, environment: environment)
    }

    /// `go tool trace -d=wire FILE` with the given pinned release.
    public static func goWireDump(_ trace: URL, pin: String = newestPin) throws -> RunResult {
        try run(goBinary(pin), ["tool", "trace", "-d=wire", trace.path])
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tracewire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// One recorded fixture with a reference dump, from `MANIFEST.tsv`.
    public struct Fixture: CustomStringConvertible, Sendable {
        public let release: String
        public let scenario: String
        /// The toolchain whose `go tool trace -d=wire` wrote the reference, such as `1.27.3`.
        public let dumpPin: String

        public var trace: URL { fixtures.appendingPathComponent("\(release)/\(scenario).trace") }
        public var reference: URL { fixtures.appendingPathComponent("\(release)/\(scenario).wire") }
        public var description: String { "\(release)/\(scenario)" }
    }

    /// Every fixture the manifest lists with a reference dump.
    public static let recordedFixtures: [Fixture] = {
        guard let manifest = try? String(contentsOf: fixtures.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else {
            return []
        }
        return manifest.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, fields[4].hasPrefix("go") else { return nil }
            return Fixture(release: fields[0], scenario: fields[1], dumpPin: String(fields[4].dropFirst(2)))
        }
    }()
}
