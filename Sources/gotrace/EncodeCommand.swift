import ArgumentParser
import CommandSupport
import TraceWire

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Turn Go's raw text trace format back into a binary trace.",
        discussion: """
            The text starts with a `Trace Go1.N` line and has one event per line, as \
            `gotrace wire --header` and Go's internal/trace/testdata/tests/*.test files write it. \
            `go tool trace -d=wire` prints the result exactly as the text says. Errors name the \
            line: `FILE: line N: message`, exit status 1.

            Examples:
              gotrace encode app.txt -o app.trace
              gotrace wire --header app.trace | gotrace encode - -o copy.trace
            """
    )

    @Argument(help: "The text trace, or - for standard input.")
    var text: String

    @Option(name: .shortAndLong, help: "The binary trace to write (replaced atomically), or - for standard output.")
    var output: String = "-"

    func run() throws {
        let (source, inputName) = try openInput(text)
        defer { source.close() }
        let destination = try CommandOutput(path: output)
        do {
            try TraceDump.encode(TextReader(source: source), to: destination.buffer)
            try destination.commit()
        } catch let error as WireError {
            destination.discard()
            throw failure(error, input: inputName, output: output)
        } catch {
            destination.discard()
            throw error
        }
    }
}
