import Foundation
import Testing

/// Outputs that are not plain files: FIFOs, devices and links are written through, never
/// replaced; the output folder's FIFOs are never opened; stale files are only deleted inside it.
@Suite("Output targets")
struct OutputTargetTests {
    @Test("gotrace -o to a FIFO writes through it, and the FIFO stays a FIFO")
    func wireIntoFIFO() throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let expected = run([Repo.gotrace, "wire", trace.path])
        #expect(expected.status == 0)
        // The shell reads the FIFO in the background while gotrace writes into it.
        let result = runShell("cat \"$1\" > \"$2\" & reader=$!; \"$3\" wire \"$4\" -o \"$1\"; status=$?; wait $reader; exit $status",
                              [fifo, folder.appendingPathComponent("copy").path, Repo.gotrace, trace.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("copy"), encoding: .utf8) == expected.stdout)
        #expect(Tools.kind(fifo) == "fifo")
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("gotrace -o to /dev/stdout and to a link to /proc/self/fd/1 writes to standard output")
    func wireThroughStandardOutputLinks() throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("out-link").path
        #expect(symlink("/proc/self/fd/1", link) == 0)
        let expected = run([Repo.gotrace, "wire", trace.path])
        for target in ["/dev/stdout", link] {
            let result = run([Repo.gotrace, "wire", trace.path, "-o", target])
            #expect(result.status == 0, "\(target): \(result.stderr)")
            #expect(result.stdout == expected.stdout, "\(target)")
        }
        #expect(Tools.kind(link) == "link")
        #expect(Tools.kind("/dev/stdout") == "link")
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("gotrace -o to a character device, directly or through a link, leaves the device in place")
    func wireIntoDevice() throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("null-link").path
        #expect(symlink("/dev/null", link) == 0)
        for target in ["/dev/null", link] {
            let wire = run([Repo.gotrace, "wire", trace.path, "-o", target])
            #expect(wire.status == 0, "\(target): \(wire.stderr)")
            let text = run([Repo.gotrace, "wire", "--header", trace.path]).stdout
            let encode = run([Repo.gotrace, "encode", "-", "-o", target], input: Data(text.utf8))
            #expect(encode.status == 0, "\(target): \(encode.stderr)")
        }
        #expect(Tools.kind("/dev/null") == "char")
        #expect(Tools.kind(link) == "link")
        // /dev/full is a device too: the write fails with the device's own error and the node survives.
        let full = run([Repo.gotrace, "wire", trace.path, "-o", "/dev/full"])
        #expect(full.status == 1)
        #expect(full.stderr == "/dev/full: write failed: No space left on device\n", "\(full.stderr)")
        #expect(Tools.kind("/dev/full") == "char")
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("gotrace -o to a link to a regular file replaces the file and keeps the link")
    func wireThroughLinkToFile() throws {
        let trace = try Tools.sampleTrace()
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("real.wire"), link = folder.appendingPathComponent("link.wire")
        try Data("old\n".utf8).write(to: file)
        #expect(symlink(file.path, link.path) == 0)
        let result = run([Repo.gotrace, "wire", trace.path, "-o", link.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Tools.kind(link.path) == "link")
        #expect(try String(contentsOf: file, encoding: .utf8) == run([Repo.gotrace, "wire", trace.path]).stdout)
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }

    @Test("a FIFO in the output folder hangs neither generate nor check, and is never opened")
    func fifoInOutputFolder() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        #expect(run([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path).status == 0)
        // One FIFO where the stale-file scan looks, one in place of a generated file.
        let stray = output.appendingPathComponent("Go/tracev2/stray.go").path
        let generated = output.appendingPathComponent("Go/tracev2/events.go").path
        try FileManager.default.removeItem(atPath: generated)
        #expect(mkfifo(stray, 0o600) == 0)
        #expect(mkfifo(generated, 0o600) == 0)

        let check = Tools.runBounded([Repo.tracegen, "check", "Specs/v2.yaml", "-o", output.path], in: Repo.root.path)
        #expect(!check.hung, "check hung on a FIFO")
        #expect(check.result.status == 1)
        #expect(check.result.stdout.contains("--- a/Go/tracev2/events.go (not a regular file)"), "\(check.result.stdout)")

        let generate = Tools.runBounded([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path)
        #expect(!generate.hung, "generate hung on a FIFO")
        #expect(generate.result.status == 0, "\(generate.result.stderr)")
        // The generated path is a regular file again; the stray FIFO is not ours and stays.
        #expect(Tools.kind(generated) == "file")
        #expect(Tools.kind(stray) == "fifo")
        #expect(run([Repo.tracegen, "check", "Specs/v2.yaml", "-o", output.path], in: Repo.root.path).status == 0)
    }

    @Test("stale files are never deleted through a linked folder or a linked file")
    func staleDeletionStaysInTree() throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out"), outside = folder.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let header = "// Code generated by tracegen from Specs/v2.yaml. DO NOT EDIT.\n\npackage tracev2\n"
        // A stale-looking file outside the tree, reached through a linked folder...
        try Data(header.utf8).write(to: outside.appendingPathComponent("old.go"))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("Go"), withIntermediateDirectories: true)
        #expect(symlink(outside.path, output.appendingPathComponent("Go/tracev2").path) == 0)
        // ...and another one reached through a linked file inside a real folder.
        try Data(header.utf8).write(to: outside.appendingPathComponent("target.swift"))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("Swift/TraceV2"), withIntermediateDirectories: true)
        #expect(symlink(outside.appendingPathComponent("target.swift").path, output.appendingPathComponent("Swift/TraceV2/Old.swift").path) == 0)

        let result = run([Repo.tracegen, "Specs/v2.yaml", "-o", output.path], in: Repo.root.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("removed"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("old.go").path))
        #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("target.swift").path))
        #expect(Tools.kind(output.appendingPathComponent("Swift/TraceV2/Old.swift").path) == "link")
    }

    @Test("emit-swift --file-prefix refuses '/' and '..' as a usage error", arguments: ["../../x_", "a/b", "..", "x..y"])
    func filePrefixStaysInFolder(prefix: String) throws {
        let folder = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("a/b/out")
        let result = run([Repo.tracegen, "emit-swift", "Specs/v2.yaml", "-o", output.path, "--file-prefix", prefix], in: Repo.root.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--file-prefix must not contain '/' or '..'"), "\(result.stderr)")
        #expect(snapshotTree(folder).isEmpty)
        // A plain prefix still works.
        #expect(run([Repo.tracegen, "emit-swift", "Specs/v2.yaml", "-o", output.path, "--file-prefix", "V2_"], in: Repo.root.path).status == 0)
        #expect(snapshotTree(output).keys.allSatisfy { $0.hasPrefix("V2_") && !$0.contains("/") })
    }
}
