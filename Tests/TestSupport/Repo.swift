import Foundation

/// Paths, executables and the Go environment, shared by every test target.
public enum Repo {
    /// The package root, found from this file's location (Tests/TestSupport/Repo.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The pinned Go toolchain's `go` binary, installed on first use by Scripts/ensure-go.
    public static let go: String = {
        let result = run([path("Scripts/ensure-go"), "1.27.3"])
        precondition(result.status == 0, "Scripts/ensure-go failed: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// The GOROOT of the pinned toolchain.
    public static var goroot: String { URL(fileURLWithPath: go).deletingLastPathComponent().deletingLastPathComponent().path }

    /// The `tracegen` executable built alongside the tests.
    public static let tracegen = executable(named: "tracegen")

    /// The `gotrace` executable built alongside the tests.
    public static let gotrace = executable(named: "gotrace")

    /// Puts an executable at `destination` (a folder another user can reach) without writing it.
    ///
    /// A copied binary is open for writing while it is copied, and a process that another test
    /// forks at that moment inherits the open file; running the copy then fails with "Text file
    /// busy" until that process execs. A hard link writes nothing, so it cannot race. Only where
    /// the two paths are on different file systems does it copy, and that race remains.
    public static func placeExecutable(_ source: String, at destination: String) throws {
        if link(source, destination) == 0 { return }
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }

    /// A product of this package, found in the build folder next to the test bundle.
    public static func executable(named name: String) -> String {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in candidates {
            var url = directory
            // The test binary may sit inside an .xctest bundle a few levels below the products folder.
            for _ in 0..<4 {
                let candidate = url.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate.path
                }
                url.deleteLastPathComponent()
            }
        }
        preconditionFailure("the \(name) executable was not built next to the tests; run `swift build` first")
    }

    /// Environment for Go commands: never download a toolchain, never reach a module proxy.
    public static var goEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GOTOOLCHAIN"] = "local"
        env["GOPROXY"] = "off"
        env["GOFLAGS"] = ""
        env["GOWORK"] = "off"
        env["GO"] = go
        return env
    }

    /// Whether golden files are being re-recorded (`UPDATE=1 Scripts/test`): tests that compare
    /// against a golden file of our own then write it instead, and still fail if it had differed.
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["UPDATE"] == "1" }
}

/// What a finished process left: its status and both output streams.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the process ended by a signal (a crash) rather than by exiting.
    public var crashed: Bool

    public init(status: Int32, stdout: String, stderr: String, crashed: Bool) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.crashed = crashed
    }
}

/// Starts the process `make` sets up, making a new one and trying again for a while if the
/// executable is busy (ETXTBSY). A test that copies a program and then runs it can lose a race
/// with another test's fork: the forked child holds the copy's descriptor open for writing until
/// it execs, and the kernel refuses to run a file open for writing.
public func launch(_ make: () -> Process) throws -> Process {
    var attempts = 0
    while true {
        let process = make()
        do {
            try process.run()
            return process
        } catch where attempts < 100 && isBusyExecutable(error) {
            attempts += 1
            usleep(20_000)
        }
    }
}

/// Whether starting a process failed because its executable was open for writing.
private func isBusyExecutable(_ error: Error) -> Bool {
    let error = error as NSError
    if error.domain == NSPOSIXErrorDomain && error.code == Int(ETXTBSY) { return true }
    guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return false }
    return underlying.domain == NSPOSIXErrorDomain && underlying.code == Int(ETXTBSY)
}

/// Runs a program to completion, feeding `input` on standard input.
@discardableResult
public func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: Data? = nil) -> ProcessResult {
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    let process: Process
    do {
        process = try launch {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            if let environment { process.environment = environment }
            process.standardOutput = out
            process.standardError = err
            process.standardInput = stdin
            return process
        }
    } catch {
        return ProcessResult(status: -1, stdout: "", stderr: "cannot start \(arguments[0]): \(error)", crashed: false)
    }
    // Feed standard input from another thread, so a process that writes before it reads cannot deadlock.
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        group.leave()
    }
    // Drain both pipes concurrently so a chatty process cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self),
        crashed: process.terminationReason == .uncaughtSignal)
}

/// Runs a shell command line with `/bin/sh -c`, for what only a shell can set up: `ulimit`,
/// redirections to devices, pipes. Arguments after the script are `$1`, `$2`, ...
@discardableResult
public func runShell(_ script: String, _ arguments: [String] = [], in directory: String? = nil, environment: [String: String]? = nil) -> ProcessResult {
    run(["/bin/sh", "-c", script, "sh"] + arguments, in: directory, environment: environment)
}

/// What a program wrote and how it ended, kept as bytes: for outputs too large for a pipe's
/// round trip through `String`, or compared byte for byte.
public struct CapturedRun: Sendable {
    public let status: Int32
    public let output: Data
    public let error: Data
    public var outputText: String { String(decoding: output, as: UTF8.self) }
    public var errorText: String { String(decoding: error, as: UTF8.self) }
}

/// Runs a program to completion with standard input empty, its standard output and error
/// written to files and read back whole, so neither can block on a full pipe.
public func runCapturingBytes(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> CapturedRun {
    let scratch = makeTemporaryDirectory("tracegen-capture")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = try launch {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        return process
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return CapturedRun(status: process.terminationStatus, output: try Data(contentsOf: outURL), error: try Data(contentsOf: errURL))
}

/// A fresh temporary directory, removed by the caller with `cleanup`.
public func makeTemporaryDirectory(_ name: String = "tracegen-test") -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Reads every regular file below `directory` into a map from relative path to bytes.
public func snapshotTree(_ directory: URL) -> [String: Data] {
    var result: [String: Data] = [:]
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return result }
    for case let url as URL in enumerator {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
        let relative = String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count + 1))
        result[relative] = try? Data(contentsOf: url)
    }
    return result
}

/// A problem in the test setup itself (a missing fixture folder, a tool that would not start):
/// thrown, so the test that needs it fails with the reason.
public struct SetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The names in `folder` that end in `suffix`, sorted; throws when the folder is missing or holds
/// none, so a test that enumerates fixtures can never pass by finding nothing.
public func fixtureNames(in folder: URL, suffix: String, minimum: Int = 1) throws -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
        throw SetupError("the fixture folder \(folder.path) is missing")
    }
    let matching = names.filter { $0.hasSuffix(suffix) }.sorted()
    guard matching.count >= minimum else {
        throw SetupError("the fixture folder \(folder.path) holds \(matching.count) *\(suffix) files; expected at least \(minimum)")
    }
    return matching
}

/// Measures the CPU time the calling thread spends, which a busy machine does not inflate the way
/// it inflates wall time; for time bounds on work done in the test process itself.
public struct ThreadCPUClock {
    private let start: Double

    public init() {
        start = Self.now()
    }

    /// Seconds of CPU time this thread used since the clock was made.
    public var elapsed: Double { Self.now() - start }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
