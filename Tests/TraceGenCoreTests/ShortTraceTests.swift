import Foundation
import Testing

/// A file too short to be a trace gets the same words from every command that reads one: the
/// byte offset where it ends and "the trace ends inside its 16-byte header". A text too short
/// for `encode` says the same of its header line.
@Suite("Short traces")
struct ShortTraceTests {
    @Test("wire, parsed and footprint word an empty or cut header the same way", arguments: [0, 1, 9, 15])
    func shortBinaryTrace(_ size: Int) throws {
        let folder = makeTemporaryDirectory("short-trace")
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = Array("go 1.26 trace\0\0\0".utf8)
        let file = folder.appendingPathComponent("short.trace")
        try Data(header.prefix(size)).write(to: file)
        for command in ["wire", "parsed", "footprint"] {
            let result = run([Repo.gotrace, command, file.path])
            #expect(result.status == 1, "\(command)")
            #expect(result.stdout.isEmpty, "\(command)")
            #expect(result.stderr == "\(file.path): offset \(size): bad file format: the trace ends inside its 16-byte header\n",
                    "\(command): \(result.stderr)")
            // From standard input the same, under the name <stdin>.
            let piped = run([Repo.gotrace, command, "-"], input: Data(header.prefix(size)))
            #expect(piped.stderr == "<stdin>: offset \(size): bad file format: the trace ends inside its 16-byte header\n",
                    "\(command): \(piped.stderr)")
        }
    }

    @Test("encode words an empty text, or one of comments only, as a text that ends before its header line",
          arguments: ["", "\n", "# a comment\n"])
    func shortText(_ text: String) throws {
        let folder = makeTemporaryDirectory("short-text")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("short.txt")
        try Data(text.utf8).write(to: file)
        let output = folder.appendingPathComponent("out.trace").path
        let result = run([Repo.gotrace, "encode", file.path, "-o", output])
        #expect(result.status == 1)
        let line = max(1, text.filter { $0 == "\n" }.count)
        #expect(result.stderr == "\(file.path): line \(line): the text ends before its `Trace Go1.N` header line\n", "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(Tools.temporaryLeftovers(in: folder).isEmpty)
    }
}
