import Foundation
import Testing

/// Capped and full disks, killed runs, unreadable inputs: each failure exits 1 with its real
/// cause in words, and leaves no temporary file behind.
@Suite("Resource failures")
struct ResourceFailureTests {
    /// `ulimit -f 1` caps every file the command writes at one block; SIGXFSZ would kill it
    /// (status 153) unless the tool ignores the signal and reports EFBIG.
    static func capped(_ arguments: [String], in directory: String? = nil) -> ProcessResult {
        runShell("ulimit -f 1; exec \"$@\"", arguments, in: directory)
    }

    @Test("a capped file size: generate exits 1 with 'File too large' and keeps no temporary file")
    func generateUnderFileSizeLimit() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let result = Self.capped([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path)
        #expect(!result.crashed && result.status == 1, "status \(result.status): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: cannot write to \(output.path): "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix(": cannot write: File too large\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
        #expect(snapshotTree(output).isEmpty, "a partial output was left")
    }

    @Test("a capped file size: gotrace wire -o and encode -o exit 1 with 'File too large', keeping the old file")
    func traceToolsUnderFileSizeLimit() throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.bin")
        try Data("previous\n".utf8).write(to: output)
        let wire = Self.capped([Repo.gotrace, "wire", trace.path, "-o", output.path])
        #expect(!wire.crashed && wire.status == 1, "status \(wire.status): \(wire.stderr)")
        #expect(wire.stderr == "\(output.path): write failed: File too large\n", "\(wire.stderr)")

        let text = folder.appendingPathComponent("trace.txt")
        #expect(run(["/bin/sh", "-c", "\"$1\" wire --header \"$2\" > \"$3\"", "sh", Repo.gotrace, trace.path, text.path]).status == 0)
        let encode = Self.capped([Repo.gotrace, "encode", text.path, "-o", output.path])
        #expect(!encode.crashed && encode.status == 1, "status \(encode.status): \(encode.stderr)")
        #expect(encode.stderr == "\(output.path): write failed: File too large\n", "\(encode.stderr)")

        #expect(try String(contentsOf: output, encoding: .utf8) == "previous\n")
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("a full standard output exits 1 in every command", arguments: [
        ["tracegen", "Specs/v2.yaml", "-o", "OUT"],
        ["tracegen", "check", "Specs/v2.yaml", "-o", "Generated"],
        ["tracegen", "diff", "Specs/releases/go1.22.yaml", "Specs/v2.yaml", "--fail-on", "none"],
        ["tracegen", "diff", "Specs/releases/go1.22.yaml", "Specs/v2.yaml", "--format", "json", "--fail-on", "none"],
        ["tracegen", "--help"],
        ["gotrace", "wire", "TRACE"],
        ["gotrace", "wire", "--decode-only", "TRACE"],
        ["gotrace", "encode", "TEXT"],
    ])
    func fullStandardOutput(arguments: [String]) throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("trace.txt")
        #expect(run(["/bin/sh", "-c", "\"$1\" wire --header \"$2\" > \"$3\"", "sh", Repo.gotrace, trace.path, text.path]).status == 0)
        let resolved = arguments.map { argument -> String in
            switch argument {
            case "tracegen": Repo.tracegen
            case "gotrace": Repo.gotrace
            case "OUT": folder.appendingPathComponent("out").path
            case "TRACE": trace.path
            case "TEXT": text.path
            default: argument
            }
        }
        let result = runShell("exec \"$@\" > /dev/full", resolved, in: Repo.root.path)
        #expect(!result.crashed && result.status == 1, "status \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
    }

    @Test("leftovers of a killed run are removed by the next run; live or foreign files stay")
    func leftoversAreRemoved() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        #expect(run([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path).status == 0)
        let dead = Tools.deadProcessID(), alive = getpid()
        let go = output.appendingPathComponent("Go/tracev2")
        let killed = go.appendingPathComponent(".events.go.tracegen-\(dead).tmp")
        let running = go.appendingPathComponent(".events.go.tracegen-\(alive).tmp")
        let foreign = go.appendingPathComponent(".events.go.tracegen-12x.tmp")
        for file in [killed, running, foreign] { try Data("partial".utf8).write(to: file) }
        #expect(run([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: killed.path))
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: foreign.path))

        // The same for gotrace's OUT.tmp-PID files.
        let trace = try Tools.sampleTrace()
        let wire = folder.appendingPathComponent("dump.wire")
        let killedWire = folder.appendingPathComponent("dump.wire.tmp-\(dead)")
        let runningWire = folder.appendingPathComponent("dump.wire.tmp-\(alive)")
        let otherWire = folder.appendingPathComponent("other.wire.tmp-\(dead)")
        for file in [killedWire, runningWire, otherWire] { try Data("partial".utf8).write(to: file) }
        #expect(run([Repo.gotrace, "wire", trace.path, "-o", wire.path]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: killedWire.path))
        #expect(FileManager.default.fileExists(atPath: runningWire.path))
        #expect(FileManager.default.fileExists(atPath: otherWire.path))
    }

    @Test("errors name their cause in words: not a directory, is a directory, no such file")
    func causesInWords() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        let spec = run([Repo.tracegen, file.path + "/spec.yaml", "-o", folder.appendingPathComponent("out").path])
        #expect(spec.status == 1)
        #expect(spec.stderr == "\(file.path)/spec.yaml:1:1: error: cannot read the spec: Not a directory\n", "\(spec.stderr)")

        let output = run([Repo.tracegen, "Specs/v2.yaml", "-o", file.path + "/out"], in: Repo.root.path)
        #expect(output.status == 1)
        #expect(output.stderr == "error: cannot write to \(file.path)/out: \(file.path)/out: cannot create the folder: Not a directory\n", "\(output.stderr)")

        let trace = run([Repo.gotrace, "wire", folder.path])
        #expect(trace.status == 1)
        #expect(trace.stderr.contains("Is a directory"), "\(trace.stderr)")

        let missing = run([Repo.gotrace, "encode", folder.appendingPathComponent("none.txt").path, "-o", folder.appendingPathComponent("x").path])
        #expect(missing.status == 1)
        #expect(missing.stderr == "\(folder.path)/none.txt: cannot open: No such file or directory\n", "\(missing.stderr)")
        for result in [spec, output, trace, missing] { #expect(!result.stderr.contains("NSCocoaErrorDomain")) }
    }

    /// Root reads every file whatever its mode, so the permission tests run the tools as the
    /// unprivileged user `nobody` through util-linux's setpriv when the tests run as root.
    static func asUnprivileged(_ arguments: [String]) throws -> ProcessResult {
        if getuid() != 0 { return run(arguments) }
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "running as root needs util-linux's setpriv for permission tests")
        return run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + arguments)
    }

    @Test("a spec in an unreadable folder, or an unwritable output, says permission denied")
    func permissionDenied() throws {
        // Under /tmp so that `nobody` can reach the folder at all; the binary must be reachable too.
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let locked = folder.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repo.path("Specs/v2.yaml"), toPath: locked.appendingPathComponent("spec.yaml").path)
        let binary = folder.appendingPathComponent("tracegen")
        try Repo.placeExecutable(Repo.tracegen, at: binary.path)
        chmod(folder.path, 0o755)
        chmod(locked.path, 0o000)
        defer { chmod(locked.path, 0o755) }
        let spec = try Self.asUnprivileged([binary.path, locked.appendingPathComponent("spec.yaml").path, "-o", folder.appendingPathComponent("out").path])
        #expect(spec.status == 1)
        #expect(spec.stderr == "\(locked.path)/spec.yaml:1:1: error: cannot read the spec: Permission denied\n", "\(spec.stderr)")

        chmod(locked.path, 0o755)
        let output = try Self.asUnprivileged([binary.path, locked.appendingPathComponent("spec.yaml").path, "-o", locked.appendingPathComponent("out").path])
        #expect(output.status == 1)
        #expect(output.stderr.hasSuffix("cannot create the folder: Permission denied\n"), "\(output.stderr)")
    }
}
