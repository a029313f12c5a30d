import Foundation
import Testing
import TraceV2

#if canImport(Glibc)
import Glibc
#endif

/// `gotrace wire` and `gotrace encode` on damaged input, run as the real executable: each
/// case ends with one `FILE: offset N: ...` (or `line N`) error, exit status 1, no signal, within
/// a time limit and in little memory, and an output file named with `-o` is never left half
/// written (an earlier file of that name stays as it was).
@Suite struct DumpEncodeCommandTests {
    // MARK: Running the executable under limits

    struct LimitedRun {
        var status: Int32
        var crashed: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String
        /// The child's peak resident memory, in bytes.
        var peakMemory: Int
        var seconds: Double
    }

    /// Runs `gotrace` with `arguments`, standard input from `stdinPath`, killing it after
    /// `timeout` seconds; reports its own peak memory.
    ///
    /// A child started straight from this process would inherit the test runner's memory
    /// high-water mark at `exec` (Linux carries it into `ru_maxrss`), so the measurement goes
    /// through a small Python process that forks and execs `gotrace` and reports the child's
    /// `ru_maxrss` from `wait4`: at most max(~10 MB, gotrace's own peak).
    static func run(_ arguments: [String], stdinPath: String = "/dev/null", timeout: Double = 20) throws -> LimitedRun {
        let scratch = makeTemporaryDirectory("tracegen-run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path
        let rssPath = scratch.appendingPathComponent("maxrss").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Its own process group, so a timeout kills the measuring process and gotrace together.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let measure = """
            import os, signal, sys
            pid = os.fork()
            if pid == 0:
                os.execv(sys.argv[2], sys.argv[2:])
            _, status, usage = os.wait4(pid, 0)
            with open(sys.argv[1], "w") as f:
                f.write(str(usage.ru_maxrss))
            if os.WIFSIGNALED(status):
                signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
                os.kill(os.getpid(), os.WTERMSIG(status))
            os._exit(os.WEXITSTATUS(status))
            """
        let command = ["/usr/bin/env", "python3", "-c", measure, rssPath, Repo.gotrace] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
        try #require(spawned == 0, "cannot start gotrace: \(spawned)")
        var status: Int32 = 0
        var timedOut = false
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { Issue.record("waitpid failed: \(errno)"); break }
            if ContinuousClock.now - started > .seconds(timeout) {
                timedOut = true
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(2000)
        }
        let maxRSSKiB = (try? String(contentsOfFile: rssPath, encoding: .utf8)).flatMap { Int($0) }
        if !timedOut { try #require(maxRSSKiB != nil, "the memory measurement did not report") }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let signal = status & 0x7f
        return LimitedRun(
            status: signal == 0 ? (status >> 8) & 0xff : -1,
            crashed: signal != 0 && !timedOut,
            timedOut: timedOut,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            peakMemory: (maxRSSKiB ?? 0) * 1024,
            seconds: seconds)
    }

    /// Checks the common promises of a failed run and returns its error line.
    @discardableResult
    static func expectFailure(_ result: LimitedRun, prefix: String, _ comment: Comment? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(!result.timedOut, "hung: \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
        #expect(!result.crashed, "crashed: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status == 1, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(comment?.rawValue ?? ""): \(result.stderr)", sourceLocation: sourceLocation)
        let line = lines.first.map(String.init) ?? ""
        #expect(line.hasPrefix(prefix), "\(comment?.rawValue ?? ""): expected \(prefix), got \(line)", sourceLocation: sourceLocation)
        // A bounded message, even for huge input.
        #expect(line.count < 400, sourceLocation: sourceLocation)
        return line
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repo.path("Tests/Fixtures/traces/\(name).trace"))))
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// 2^62 as a varint.
    static let twoToThe62: [UInt8] = Array(repeating: 0x80, count: 8) + [0x40]

    /// Damaged binary traces and the offset each error must name.
    static func damagedTraces() throws -> [(name: String, bytes: [UInt8], offset: Int, message: String)] {
        let real = try fixture("go1.26/coro")
        let header = TraceVersion.go1_26.header
        return [
            ("empty", [], 0, "the trace ends inside its 16-byte header"),
            ("cut header", Array(real.prefix(9)), 9, "the trace ends inside its 16-byte header"),
            ("v1 header go1.19", Array("go 1.19 trace\0\0\0".utf8) + [11, 1], 0, "unknown or unsupported trace version go 1.19"),
            ("header go1.21", Array("go 1.21 trace\0\0\0".utf8), 0, "unknown or unsupported trace version go 1.21"),
            ("not a trace", Array("PK\u{3}\u{4} not a trace at all".utf8), 0, "not a Go execution trace"),
            ("truncated", Array(real.prefix(real.count - 3)), real.count - 3, "unexpected end of trace"),
            ("overlong varint", header + [11] + Array(repeating: 0xff, count: 10) + [1] + Array(repeating: 11, count: 100), 17,
             "varint overflows a 64-bit integer"),
            ("varint out of range", header + [11] + Array(repeating: 0xff, count: 9) + [0x7f], 17, "varint overflows a 64-bit integer"),
            ("string length 2^62", header + [5, 1] + twoToThe62, 18, "longer than the limit of 1024"),
            ("batch data 2^62", header + [49, 1, 1, 2, 3] + twoToThe62, 21, "longer than the limit of 65536"),
            ("batch size 2^62", header + [1, 1, 2, 3] + twoToThe62, 16, "larger than the limit of 65536 bytes"),
            ("stack frames 2^62", header + [3, 7] + twoToThe62, 16, "more than the limit of 128"),
            ("unknown event", real + [200, 1, 2], real.count, "invalid event type: 200"),
            ("event too new", TraceVersion.go1_23.header + [EventType.endOfGeneration.rawValue], 16,
             "invalid event type: 52 (EndOfGeneration is not part of go1.23 traces)"),
        ]
    }

    // MARK: dump

    /// Every class of damage: the error names the file and the exact offset, the run stays
    /// small and quick, and `-o` leaves the earlier output alone and no temporary file behind.
    @Test func dumpRejectsEachClassOfDamage() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.txt")
        try Data("earlier output\n".utf8).write(to: output)
        for (name, bytes, offset, message) in try Self.damagedTraces() {
            let input = directory.appendingPathComponent("damaged.trace")
            try Self.write(bytes, to: input)
            for extra in [[], ["--header"], ["--decode-only"], ["-o", output.path]] {
                let result = try Self.run(["wire"] + extra + [input.path], timeout: 20)
                let line = Self.expectFailure(result, prefix: "\(input.path): offset \(offset): ", "\(name) \(extra)")
                #expect(line.contains(message), "\(name): \(line)")
                #expect(result.peakMemory < 64 << 20, "\(name): peak memory \(result.peakMemory >> 20) MiB")
            }
            // Standard input reports the same offset.
            let piped = try Self.run(["wire", "-"], stdinPath: input.path)
            Self.expectFailure(piped, prefix: "<stdin>: offset \(offset): ", "\(name) on stdin")
        }
        #expect(try String(contentsOf: output, encoding: .utf8) == "earlier output\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["damaged.trace", "out.txt"])
    }

    /// Truncations spread over a whole real trace, and seeded byte flips: never a crash, always
    /// status 0 or 1, every error with an offset inside the file.
    @Test func dumpSurvivesCutsAndFlips() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = try Self.fixture("go1.22/annotations")
        let input = directory.appendingPathComponent("damaged.trace")
        var state: UInt64 = 0x5eed_d0d0
        func random(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var inputs: [[UInt8]] = stride(from: 0, to: real.count, by: real.count / 40).map { Array(real.prefix($0)) }
        for _ in 0..<60 {
            var bytes = real
            for _ in 0...random(3) { bytes[random(bytes.count)] ^= UInt8(1 + random(255)) }
            inputs.append(bytes)
        }
        var failures = 0
        for (index, bytes) in inputs.enumerated() {
            try Self.write(bytes, to: input)
            let result = try Self.run(["wire", input.path])
            #expect(!result.crashed && !result.timedOut, "input \(index): \(result.stderr)")
            #expect(result.status == 0 || result.status == 1, "input \(index)")
            if result.status == 1 {
                failures += 1
                let line = Self.expectFailure(result, prefix: "\(input.path): offset ", "input \(index)")
                let offset = line.dropFirst("\(input.path): offset ".count).prefix { $0.isNumber }
                #expect(Int(offset).map { $0 <= bytes.count } == true, "input \(index): \(line)")
            }
        }
        #expect(failures > inputs.count / 2)
    }

    // MARK: encode

    /// Malformed text: one error naming the file and the line, exit status 1, and `-o` never
    /// leaves a half-written binary (an earlier file stays, no temporary file remains).
    @Test func encodeRejectsMalformedText() throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.trace")
        try Data("earlier trace".utf8).write(to: output)
        // Enough good events before the problem that a streaming writer would have flushed some.
        let good = String(repeating: "ProcStop dt=1\n", count: 150_000)
        let cases: [(String, String, Int, String)] = [
            ("empty", "", 1, "the text ends before its `Trace Go1.N` header line"),
            ("bad first line", "go 1.26 trace\nProcStop dt=1\n", 1, "the first line must be `Trace Go1.N`"),
            ("v1 version", "Trace Go1.19\n", 1, "unknown or unsupported Go version 1.19"),
            ("unknown event", "Trace Go1.26\n" + good + "NoSuchEvent x=1\n", 150_002, "unknown event \"NoSuchEvent\""),
            ("event too new", "Trace Go1.22\nProcStop dt=1\nSync\n", 3, "unknown event \"Sync\" for go1.22 traces"),
            ("too few args", "Trace Go1.26\nProcStart dt=1 p=2\n", 2, "ProcStart: missing argument \"p_seq\""),
            ("too many args", "Trace Go1.26\n" + good + "ProcStop dt=1 p=2\n", 150_002, "ProcStop: unexpected text after the arguments"),
            ("wrong arg name", "Trace Go1.26\nProcStop time=1\n", 2, "ProcStop: expected argument \"dt\", found \"time\""),
            ("value out of range", "Trace Go1.26\nProcStop dt=18446744073709551616\n", 2, "not an unsigned 64-bit number"),
            ("bad quoting", "Trace Go1.26\nString id=1\n\tdata=\"tab\\z\"\n", 3, "the data is not a valid Go string literal"),
            ("unterminated quote", "Trace Go1.26\n" + good + "String id=1\n\tdata=\"open\n", 150_003, "the data is not a valid Go string literal"),
            ("missing frames", "Trace Go1.26\nStack id=1 nframes=2\n\tpc=1 func=2 file=3 line=4\n", 3,
             "the text ends inside the frames of the Stack on line 2"),
            ("data too long", "Trace Go1.26\nString id=1\n\tdata=\"\(String(repeating: "x", count: 2000))\"\n", 3, "longer than the limit of 1024"),
            ("line too long", "Trace Go1.26\nProcStop dt=1 \(String(repeating: "9", count: 1_100_000))\n", 2, "line is longer than 1048576 bytes"),
        ]
        for (name, text, line, message) in cases {
            let input = directory.appendingPathComponent("bad.txt")
            try Data(text.utf8).write(to: input)
            let result = try Self.run(["encode", input.path, "-o", output.path])
            let error = Self.expectFailure(result, prefix: "\(input.path): line \(line): ", "\(name)")
            #expect(error.contains(message), "\(name): \(error)")
            #expect(result.peakMemory < 96 << 20, "\(name): peak memory \(result.peakMemory >> 20) MiB")
            #expect(try Data(contentsOf: output) == Data("earlier trace".utf8), "\(name) touched the output")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bad.txt", "out.trace"], "\(name)")
            let piped = try Self.run(["encode", "-"], stdinPath: input.path)
            Self.expectFailure(piped, prefix: "<stdin>: line \(line): ", "\(name) on stdin")
        }
        // A good text still replaces the output, so the cases above failed for their own reason.
        let input = directory.appendingPathComponent("bad.txt")
        try Data("Trace Go1.26\nProcStop dt=1\n".utf8).write(to: input)
        let result = try Self.run(["encode", input.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try [UInt8](Data(contentsOf: output)) == TraceVersion.go1_26.header + [11, 1])
    }
}
