import Foundation

/// The built `tracegen` executable, run with its output captured through files.
public enum TraceGenBinary {
    /// TRACEGEN_BINARY when set, otherwise the product built beside the tests.
    public static let url: URL? = {
        if let path = ProcessInfo.processInfo.environment["TRACEGEN_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: Repo.tracegen)
    }()

    public struct Run {
        public var status: Int32
        public var exitedNormally: Bool
        public var stdout: String
        public var stderr: String
        public var duration: Duration
    }

    /// Runs the binary in `directory` and waits, with output captured through files so no pipe can fill up.
    public static func run(_ arguments: [String], in directory: URL) throws -> Run {
        guard let binary = url else { throw SetupError("tracegen was not built beside the test bundle; set TRACEGEN_BINARY") }
        let scratch = try TemporaryFolder()
        let out = scratch.url.appendingPathComponent("stdout"), err = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: out), stderr = try FileHandle(forWritingTo: err)
        let clock = ContinuousClock()
        let start = clock.now
        let process = try launch {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardOutput = stdout
            process.standardError = stderr
            return process
        }
        process.waitUntilExit()
        let duration = clock.now - start
        return Run(status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
                   stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8),
                   duration: duration)
    }
}

/// A fresh folder under the system's temporary directory, removed when the value goes away.
public final class TemporaryFolder {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tracegen-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Every file and folder below the root with its bytes (nil for folders), hidden ones included.
    public func snapshot() throws -> [String: Data?] {
        try Self.snapshot(of: url)
    }

    public static func snapshot(of url: URL) throws -> [String: Data?] {
        var result: [String: Data?] = [:]
        let root = url.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            result[relative] = isDirectory.boolValue ? .some(nil) : try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }
}
