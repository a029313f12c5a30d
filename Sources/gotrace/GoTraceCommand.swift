import ArgumentParser
import CommandSupport

@main
struct GoTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gotrace",
        abstract: "Read and write Go execution traces; the subcommands are named after `go tool trace -d=MODE`.",
        discussion: """
            Exit status: 0 on success, 1 for bad input or a failed write, 2 for a usage error. \
            SIGINT, SIGTERM and SIGHUP remove the unfinished output file and end the process by \
            that signal. A closed pipe on standard output ends it by SIGPIPE (141 in the shell), \
            unless SIGPIPE is ignored; then the write fails with status 1. `-o FILE` over an \
            existing file keeps its mode, owner and group, and refuses another user's file or one \
            with other hard links.
            """,
        subcommands: [WireCommand.self, EncodeCommand.self, ParsedCommand.self, FootprintCommand.self, SummaryCommand.self, MMUCommand.self, PprofCommand.self, ViewCommand.self]
    )

    static func main() {
        CommandMain.run(self)
    }
}
