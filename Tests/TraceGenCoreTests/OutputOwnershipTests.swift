import Foundation
import Testing

/// A replaced output keeps what its user gave it: its mode, owner and group. Another user's file
/// that cannot be given back to its owner, and a file with other hard links, are refused and left
/// exactly as they were. Checked on every gotrace command that writes a file and on tracegen.
@Suite("Output ownership")
struct OutputOwnershipTests {
    /// What a path's own inode says (links not followed).
    struct Attributes: Equatable, CustomStringConvertible {
        var mode: mode_t
        var owner: uid_t
        var group: gid_t
        var inode: UInt64
        var links: UInt64

        init(_ path: String) throws {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw SetupError("cannot stat \(path)") }
            mode = info.st_mode & 0o7777
            owner = info.st_uid
            group = info.st_gid
            inode = UInt64(info.st_ino)
            links = UInt64(info.st_nlink)
        }

        var description: String { "mode \(String(mode, radix: 8)) owner \(owner):\(group) inode \(inode) links \(links)" }
    }

    /// The user and group `nobody` runs as in ``ResourceFailureTests/asUnprivileged(_:)``.
    static let nobody: uid_t = 65534

    /// A scratch folder that `nobody` may enter, holding copies of gotrace, a trace and its text,
    /// so every command can also run unprivileged.
    struct Scratch {
        let folder: URL
        let gotrace: String
        let trace: String
        let text: String

        init() throws {
            folder = makeTemporaryDirectory("ownership")
            chmod(folder.path, 0o777)
            gotrace = folder.appendingPathComponent("gotrace").path
            try Repo.placeExecutable(Repo.gotrace, at: gotrace)
            trace = folder.appendingPathComponent("in.trace").path
            try FileManager.default.copyItem(atPath: try Tools.sampleTrace().path, toPath: trace)
            text = folder.appendingPathComponent("in.txt").path
            let dump = run([gotrace, "wire", "--header", trace, "-o", text])
            guard dump.status == 0 else { throw SetupError("gotrace wire --header failed: \(dump.stderr)") }
            for path in [gotrace, trace, text] { chmod(path, 0o755) }
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        /// Every command that writes a file, with its output set to `output`.
        func commands(writingTo output: String) -> [(name: String, arguments: [String])] {
            [
                ("wire", [gotrace, "wire", trace, "-o", output]),
                ("parsed", [gotrace, "parsed", trace, "-o", output]),
                ("footprint", [gotrace, "footprint", trace, "-o", output]),
                ("encode", [gotrace, "encode", text, "-o", output]),
            ]
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func write(_ text: String, to path: String, mode: mode_t) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, mode)
    }

    static func contents(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    @Test("gotrace -o over an existing file keeps its mode", arguments: [0o600, 0o640, 0o444, 0o751] as [mode_t])
    func keepsMode(_ mode: mode_t) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.path("out")
        for command in scratch.commands(writingTo: output) {
            try Self.write("old\n", to: output, mode: mode)
            let result = run(command.arguments)
            #expect(result.status == 0, "\(command.name): \(result.stderr)")
            #expect(try Attributes(output).mode == mode, "\(command.name)")
            #expect(Self.contents(output) != "old\n", "\(command.name) did not write")
        }
        #expect(Tools.temporaryLeftovers(in: scratch.folder).isEmpty)
    }

    @Test("gotrace -o over another user's file, run as root, gives the new file the same owner and group",
          .enabled(if: getuid() == 0, "only root may create a file owned by another user"))
    func keepsOwnerAndGroup() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.path("out")
        for command in scratch.commands(writingTo: output) {
            try Self.write("old\n", to: output, mode: 0o640)
            #expect(chown(output, Self.nobody, Self.nobody) == 0)
            let result = run(command.arguments)
            #expect(result.status == 0, "\(command.name): \(result.stderr)")
            let after = try Attributes(output)
            #expect(after.owner == Self.nobody && after.group == Self.nobody && after.mode == 0o640, "\(command.name): \(after)")
            #expect(Self.contents(output) != "old\n")
        }
    }

    @Test("gotrace -o over another user's file, in a folder anyone may write to, is refused and leaves the file alone",
          .enabled(if: getuid() == 0, "needs root to run as nobody"))
    func refusesToTakeOverAnotherUsersFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.path("roots")
        // Writable by everyone: only the owner is what nobody cannot keep.
        try Self.write("old\n", to: output, mode: 0o666)
        let before = try Attributes(output)
        for command in scratch.commands(writingTo: output) {
            let result = try ResourceFailureTests.asUnprivileged(command.arguments)
            #expect(result.status == 1, "\(command.name): \(result.stderr)")
            #expect(result.stderr == "error: \(output): will not replace it: it belongs to uid 0, gid 0, and the new file cannot be given that owner (Operation not permitted)\n",
                    "\(command.name): \(result.stderr)")
            #expect(try Attributes(output) == before, "\(command.name)")
            #expect(Self.contents(output) == "old\n", "\(command.name)")
            #expect(Tools.temporaryLeftovers(in: scratch.folder).isEmpty, "\(command.name)")
        }
        // The same user's own file in that folder is replaced as usual.
        let own = scratch.path("own")
        for command in scratch.commands(writingTo: own) {
            try Self.write("old\n", to: own, mode: 0o600)
            #expect(chown(own, Self.nobody, Self.nobody) == 0)
            let result = try ResourceFailureTests.asUnprivileged(command.arguments)
            #expect(result.status == 0, "\(command.name): \(result.stderr)")
            #expect(try Attributes(own).mode == 0o600)
            #expect(try Attributes(own).owner == Self.nobody)
        }
    }

    @Test("gotrace -o over a file with another hard link is refused, and both names keep the old file")
    func refusesHardLinkedFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let output = scratch.path("out"), other = scratch.path("other-name")
        try Self.write("old\n", to: output, mode: 0o644)
        #expect(link(output, other) == 0)
        let before = try Attributes(output)
        #expect(before.links == 2)
        for command in scratch.commands(writingTo: output) {
            let result = run(command.arguments)
            #expect(result.status == 1, "\(command.name)")
            #expect(result.stderr == "error: \(output): will not replace it: it has 2 hard links, which a new file would cut off\n", "\(command.name): \(result.stderr)")
            #expect(try Attributes(output) == before)
            #expect(try Attributes(other) == before)
            #expect(Self.contents(other) == "old\n")
        }
        // Through a symbolic link too: the file it points at is what counts.
        let symbolic = scratch.path("symbolic")
        #expect(symlink(output, symbolic) == 0)
        let result = run([scratch.gotrace, "wire", scratch.trace, "-o", symbolic])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("will not replace it: it has 2 hard links, which a new file would cut off\n"), "\(result.stderr)")
        #expect(Self.contents(output) == "old\n")
        #expect(Tools.temporaryLeftovers(in: scratch.folder).isEmpty)
    }

    @Test("a new output file gets mode 0644 less the umask, as before", arguments: ["022", "027", "077"])
    func newFileFollowsUmask(_ umask: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let expected = mode_t(0o644) & ~mode_t(umask, radix: 8)!
        for command in scratch.commands(writingTo: scratch.path("new")) {
            unlink(scratch.path("new"))
            let result = runShell("umask \(umask); exec \"$@\"", command.arguments)
            #expect(result.status == 0, "\(command.name): \(result.stderr)")
            #expect(try Attributes(scratch.path("new")).mode == expected, "\(command.name)")
        }
    }

    // MARK: tracegen

    /// A generated folder, with the first Go file's text changed so the next run rewrites it.
    static func generatedFolder(in scratch: URL) throws -> (folder: URL, spec: String, edited: String) {
        let spec = scratch.appendingPathComponent("spec.yaml").path
        try FileManager.default.copyItem(atPath: Repo.path("Specs/v2.yaml"), toPath: spec)
        chmod(spec, 0o644)
        let folder = scratch.appendingPathComponent("out")
        let first = run([Repo.tracegen, spec, "-o", folder.path])
        guard first.status == 0 else { throw SetupError("tracegen failed: \(first.stderr)") }
        let goFile = try #require(first.stdout.split(separator: "\n").map { String($0.split(separator: " ").last ?? "") }
            .first { $0.hasSuffix(".go") })
        try Data("// edited by hand\n".utf8).write(to: URL(fileURLWithPath: goFile))
        return (folder, spec, goFile)
    }

    @Test("tracegen rewrites a generated file with the mode, owner and group it had",
          .enabled(if: getuid() == 0, "only root may create a file owned by another user"))
    func tracegenKeepsModeAndOwner() throws {
        let scratch = makeTemporaryDirectory("ownership-tracegen")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (folder, spec, edited) = try Self.generatedFolder(in: scratch)
        chmod(edited, 0o600)
        #expect(chown(edited, Self.nobody, Self.nobody) == 0)
        let result = run([Repo.tracegen, spec, "-o", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("written   \(edited)\n"), "\(result.stdout)")
        let after = try Attributes(edited)
        #expect(after.mode == 0o600 && after.owner == Self.nobody && after.group == Self.nobody, "\(after)")
        #expect(!Self.contents(edited).hasPrefix("// edited"))
    }

    @Test("tracegen refuses to take over another user's generated file, or one with other hard links, and changes nothing",
          .enabled(if: getuid() == 0, "needs root to run as nobody"))
    func tracegenRefuses() throws {
        let scratch = makeTemporaryDirectory("ownership-tracegen")
        defer { try? FileManager.default.removeItem(at: scratch) }
        chmod(scratch.path, 0o777)
        let (folder, spec, edited) = try Self.generatedFolder(in: scratch)
        let binary = scratch.appendingPathComponent("tracegen").path
        try Repo.placeExecutable(Repo.tracegen, at: binary)
        // Every folder writable by nobody, so only the file's owner stands in the way.
        for case let relative as String in FileManager.default.enumerator(atPath: folder.path)! {
            let path = folder.appendingPathComponent(relative).path
            chmod(path, Tools.kind(path) == "dir" ? 0o777 : 0o666)
        }
        chmod(folder.path, 0o777)
        let before = snapshotTree(folder)
        let owner = try ResourceFailureTests.asUnprivileged([binary, spec, "-o", folder.path])
        #expect(owner.status == 1)
        #expect(owner.stderr == "error: cannot write to \(folder.path): \(edited): cannot replace it: it belongs to uid 0, gid 0, and the new file cannot be given that owner (Operation not permitted)\n",
                "\(owner.stderr)")
        #expect(snapshotTree(folder) == before)
        #expect(try Attributes(edited).owner == 0)

        let other = scratch.appendingPathComponent("other-name").path
        #expect(link(edited, other) == 0)
        let linked = run([Repo.tracegen, spec, "-o", folder.path])
        #expect(linked.status == 1)
        #expect(linked.stderr == "error: cannot write to \(folder.path): \(edited): cannot replace it: it has 2 hard links, which a new file would cut off\n",
                "\(linked.stderr)")
        #expect(snapshotTree(folder) == before)
        #expect(try Attributes(edited).links == 2)
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }
}
