import Foundation
import Testing

/// SIGINT, SIGTERM and SIGHUP in the middle of a write: the temporary file goes, the old output
/// stays, and the process ends by the signal as it would without our handler. Also what a closed
/// pipe on standard output does, compared with Go's own tool.
///
/// Each run is held mid-write without timing: its input is a FIFO the test feeds chunk by chunk,
/// only until the temporary file holds bytes, so the process is blocked reading with part of its
/// output written when the signal comes.
@Suite("Interrupted runs")
struct SignalCleanupTests {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// A trace whose parsed text is tens of megabytes, recorded by Tools/tracerecord with the
    /// pinned Go: no fixture prints more than one output buffer (1 MiB) of parsed text.
    static let recordedTrace: Result<URL, SetupError> = {
        let folder = makeTemporaryDirectory("signal-trace")
        let program = folder.appendingPathComponent("tracerecord").path
        let build = run([Repo.go, "build", "-o", program, "."], in: Repo.path("Tools/tracerecord"), environment: Repo.goEnvironment)
        guard build.status == 0 else { return .failure(SetupError("building Tools/tracerecord failed: \(build.stderr)")) }
        let trace = folder.appendingPathComponent("big.trace")
        // A new generation every 10 ms: `parsed` prints a generation once it has read all of it.
        let environment = ProcessInfo.processInfo.environment.merging(["GODEBUG": "traceadvanceperiod=10000000"]) { $1 }
        let record = run([program, "-scenario", "big", "-size", "400000", "-o", trace.path], environment: environment)
        guard record.status == 0 else { return .failure(SetupError("tracerecord failed: \(record.stderr)")) }
        return .success(trace)
    }()

    /// The input for one command: header and body of a real trace (or its text), the body
    /// repeated, so the stream is far longer than one output buffer. `wire` and `encode` read
    /// events one by one and do not mind the repeats; `parsed` gets a recorded trace.
    static func input(for command: String) throws -> (arguments: (String, String) -> [String], bytes: [UInt8]) {
        switch command {
        case "wire":
            let trace = try [UInt8](Data(contentsOf: Tools.sampleTrace()))
            let body = trace[16...]
            return ({ [Repo.gotrace, "wire", $0, "-o", $1] }, Array(trace[..<16]) + Array([ArraySlice](repeating: body, count: 200).joined()))
        case "encode":
            let text = run([Repo.gotrace, "wire", "--header", try Tools.sampleTrace().path]).stdout
            let header = text.prefix { $0 != "\n" } + "\n"
            let body = text.dropFirst(header.count)
            return ({ [Repo.gotrace, "encode", $0, "-o", $1] }, Array((header + String(repeating: String(body), count: 200)).utf8))
        default:
            let trace = try [UInt8](Data(contentsOf: recordedTrace.get()))
            return ({ [Repo.gotrace, "parsed", $0, "-o", $1] }, trace)
        }
    }

    /// The size of the first temporary file of ours in `folder`, nil when there is none.
    static func temporarySize(in folder: URL) -> Int? {
        guard let name = Tools.temporaryLeftovers(in: folder).first else { return nil }
        var info = stat()
        guard stat(folder.appendingPathComponent(name).path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// A child process started with no signal blocked and the default action for the signals
    /// under test. The test runner's threads block signals, and a child started through
    /// Foundation's `Process` inherits that mask, so a signal would only wait, pending.
    final class Child {
        let pid: pid_t
        private(set) var status: Int32?

        init(_ arguments: [String]) throws {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigemptyset(&defaults)
            for signal in SignalCleanupTests.signals + [SIGPIPE] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd in [Int32(0), 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
            let argv = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
            guard code == 0 else { throw SetupError("cannot start \(arguments[0]): \(String(cString: strerror(code)))") }
            self.pid = pid
        }

        /// Whether the child still runs; reaps it when it has ended.
        var isRunning: Bool {
            if status != nil { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = raw
            return false
        }

        /// Waits for the child and returns the signal that ended it, or nil when it exited.
        func waitForSignal() -> (signal: Int32?, exitStatus: Int32?) {
            if status == nil {
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                status = raw
            }
            let raw = status!
            // The wait status: the low seven bits are the signal, zero for a normal exit.
            return raw & 0x7f != 0 ? (raw & 0x7f, nil) : (nil, (raw >> 8) & 0xff)
        }
    }

    /// Starts `arguments`, which read the FIFO `fifo`, and feeds it `bytes` until `midWrite`
    /// holds; returns the running process. The FIFO is held open for reading and writing, so
    /// the process never sees its end and the test never gets SIGPIPE.
    static func startMidWrite(_ arguments: [String], fifo: String, bytes: [UInt8], midWrite: () -> Bool) throws -> (Child, Int32) {
        #expect(mkfifo(fifo, 0o600) == 0)
        let feed = open(fifo, O_RDWR | O_CLOEXEC)
        guard feed >= 0 else { throw SetupError("cannot open the FIFO") }
        let process = try Child(arguments)
        var sent = 0
        // Once everything is sent, the process may still be working through it.
        let deadline = Date(timeIntervalSinceNow: 60)
        while !midWrite() {
            guard process.isRunning, Date() < deadline else {
                kill(process.pid, SIGKILL)
                _ = process.waitForSignal()
                close(feed)
                throw SetupError("\(arguments[1]) never started writing its output (fed \(sent) bytes)")
            }
            if sent < bytes.count {
                let chunk = min(16 << 10, bytes.count - sent)
                let wrote = bytes.withUnsafeBytes { write(feed, $0.baseAddress! + sent, chunk) }
                if wrote > 0 { sent += wrote }
            }
            usleep(2_000)
        }
        return (process, feed)
    }

    @Test("a signal mid-write removes gotrace's temporary file, keeps the old output and ends the process by that signal",
          arguments: ["wire", "encode", "parsed"], signals)
    func gotraceInterrupted(_ command: String, _ signal: Int32) throws {
        let folder = makeTemporaryDirectory("signal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        try Data("old output\n".utf8).write(to: output)
        let (arguments, bytes) = try Self.input(for: command)
        let fifo = folder.appendingPathComponent("input").path
        let (process, feed) = try Self.startMidWrite(arguments(fifo, output.path), fifo: fifo, bytes: bytes) {
            (Self.temporarySize(in: folder) ?? 0) > 0
        }
        defer { close(feed) }
        #expect(process.isRunning)
        kill(process.pid, signal)
        let end = process.waitForSignal()
        #expect(end.signal == signal, "\(command) ended with \(end)")
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
        #expect(try String(contentsOf: output, encoding: .utf8) == "old output\n")
    }

    @Test("a signal the process inherited as ignored stays ignored")
    func ignoredSignalStaysIgnored() throws {
        let folder = makeTemporaryDirectory("signal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out").path
        let (arguments, bytes) = try Self.input(for: "wire")
        let fifo = folder.appendingPathComponent("input").path
        // As nohup does: SIGHUP ignored before exec, which keeps it ignored in the new program.
        let (process, feed) = try Self.startMidWrite(["/bin/sh", "-c", "trap '' HUP; exec \"$@\"", "sh"] + arguments(fifo, output),
                                                     fifo: fifo, bytes: bytes) { (Self.temporarySize(in: folder) ?? 0) > 0 }
        defer { close(feed) }
        kill(process.pid, SIGHUP)
        usleep(300_000)
        #expect(process.isRunning, "SIGHUP ended a process that ignored it")
        kill(process.pid, SIGTERM)
        #expect(process.waitForSignal().signal == SIGTERM)
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("a signal while tracegen stages its files removes every staged file and keeps the old ones", arguments: signals)
    func tracegenInterrupted(_ signal: Int32) throws {
        let folder = makeTemporaryDirectory("signal-tracegen")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let listing = run([Repo.tracegen, Repo.path("Specs/v2.yaml"), "-o", output.path])
        #expect(listing.status == 0, "\(listing.stderr)")
        let written = listing.stdout.split(separator: "\n").map { String($0.split(separator: " ").last ?? "") }
        try #require(written.count >= 3)
        // Every output is stale, so every one is staged again.
        for path in written { try Data("old\n".utf8).write(to: URL(fileURLWithPath: path)) }
        let before = snapshotTree(output)
        // A FIFO in the place of the last file's temporary file holds the run in open(2) with the
        // others staged. The shell's PID is the one tracegen will have after exec.
        let last = URL(fileURLWithPath: written.last!)
        let process = try Child(["/bin/sh", "-c",
            "mkfifo \"$1/.$2.tracegen-$$.tmp\" && exec \"$3\" \"$4\" -o \"$5\"", "sh",
            last.deletingLastPathComponent().path, last.lastPathComponent, Repo.tracegen, Repo.path("Specs/v2.yaml"), output.path])
        let deadline = Date(timeIntervalSinceNow: 30)
        while Tools.temporaryLeftovers(in: output).count < written.count, process.isRunning, Date() < deadline { usleep(5_000) }
        #expect(Tools.temporaryLeftovers(in: output).count == written.count, "\(Tools.temporaryLeftovers(in: output))")
        kill(process.pid, signal)
        let end = process.waitForSignal()
        #expect(end.signal == signal, "ended with \(end)")
        #expect(Tools.temporaryLeftovers(in: output).isEmpty, "\(Tools.temporaryLeftovers(in: output))")
        #expect(snapshotTree(output) == before)
    }

    /// The exit status of `arguments` writing a large text into a pipe whose reader quits after
    /// ten bytes, and what it said on standard error; `ignorePipe` starts it with SIGPIPE ignored.
    static func closedPipe(_ arguments: [String], ignorePipe: Bool, in folder: URL) throws -> (status: String, stderr: String) {
        let status = folder.appendingPathComponent("status"), stderr = folder.appendingPathComponent("stderr")
        let script = (ignorePipe ? "trap '' PIPE; " : "") + "status=$1 err=$2; shift 2; { \"$@\" 2> \"$err\"; echo $? > \"$status\"; } | head -c 10 > /dev/null"
        let shell = try Child(["/bin/sh", "-c", script, "sh", status.path, stderr.path] + arguments)
        _ = shell.waitForSignal()
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return (read(status).trimmingCharacters(in: .whitespacesAndNewlines), read(stderr))
    }

    @Test("a closed pipe on standard output: 141 by SIGPIPE as Go's trace tool, or 1 with a message when SIGPIPE is ignored")
    func closedPipeStatus() throws {
        // Far more than a pipe holds, so the reader is gone before the write ends.
        let trace = Repo.path("Tests/Fixtures/traces/go1.27/generations.trace")
        let folder = makeTemporaryDirectory("closed-pipe")
        defer { try? FileManager.default.removeItem(at: folder) }
        let goTool = folder.appendingPathComponent("trace").path
        let build = run([Repo.go, "build", "-o", goTool, "cmd/trace"], environment: Repo.goEnvironment)
        try #require(build.status == 0, "\(build.stderr)")

        let go = try Self.closedPipe([goTool, "-d=parsed", trace], ignorePipe: false, in: folder)
        #expect(go.status == "141")
        for command in ["parsed", "wire"] {
            let ours = try Self.closedPipe([Repo.gotrace, command, trace], ignorePipe: false, in: folder)
            #expect(ours.status == "141", "\(command): \(ours)")
            #expect(ours.stderr.isEmpty, "\(command): \(ours)")
            let ignored = try Self.closedPipe([Repo.gotrace, command, trace], ignorePipe: true, in: folder)
            #expect(ignored.status == "1", "\(command): \(ignored)")
            #expect(ignored.stderr == "<stdout>: write failed: Broken pipe\n", "\(command): \(ignored)")
        }
        // Go's tool dies by SIGPIPE even when it started with SIGPIPE ignored; we report instead.
        #expect(try Self.closedPipe([goTool, "-d=parsed", trace], ignorePipe: true, in: folder).status == "141")
    }
}
