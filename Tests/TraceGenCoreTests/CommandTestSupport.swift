import Foundation
import Testing

/// Small helpers for the suites that run both command-line tools against unusual files.
enum Tools {
    /// A recorded trace whose wire dump is tens of kilobytes: large enough that `ulimit -f 1`
    /// or `/dev/full` stops the write part-way.
    static func sampleTrace() throws -> URL {
        let fixtures = Support.recordedFixtures
        try #require(!fixtures.isEmpty, "no recorded fixtures in \(Support.fixtures.path)/MANIFEST.tsv")
        let large = fixtures.first { fixture in
            ((try? FileManager.default.attributesOfItem(atPath: fixture.trace.path)[.size] as? Int) ?? 0) > 16 << 10
        }
        return try #require(large, "no recorded trace larger than 16 KiB").trace
    }

    /// Every path below `folder` (not following links) whose name looks like a temporary file of ours.
    static func temporaryLeftovers(in folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.contains(".tracegen-") || name.contains(".tmp-") { found.append(relative) }
        }
        return found.sorted()
    }

    /// The file type of a path itself, links not followed: "link", "fifo", "char", "file", "dir" or "missing".
    static func kind(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return "link"
        case S_IFIFO: return "fifo"
        case S_IFCHR: return "char"
        case S_IFREG: return "file"
        case S_IFDIR: return "dir"
        default: return "other"
        }
    }

    /// Starts a process without waiting; standard output and error go to /dev/null.
    static func start(_ arguments: [String], in directory: String? = nil) throws -> Process {
        try launch {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            return process
        }
    }

    /// Runs a process with a deadline; a process still running then is killed and reported as hung.
    static func runBounded(_ arguments: [String], in directory: String? = nil, seconds: Double = 30) -> (result: ProcessResult, hung: Bool) {
        let scratch = makeTemporaryDirectory("tracegen-bounded")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let stdout = try? FileHandle(forWritingTo: out), stderr = try? FileHandle(forWritingTo: err)
        let started = try? launch {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            return process
        }
        guard let process = started else {
            return (ProcessResult(status: -1, stdout: "", stderr: "cannot start", crashed: false), false)
        }
        let deadline = Date(timeIntervalSinceNow: seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        let hung = process.isRunning
        if hung {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let text = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return (ProcessResult(status: process.terminationStatus, stdout: text(out), stderr: text(err),
                              crashed: process.terminationReason == .uncaughtSignal), hung)
    }

    /// The ID of a process that has certainly ended: a child that ran and was waited for.
    static func deadProcessID() -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try? process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
