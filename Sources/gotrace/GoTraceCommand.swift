import ArgumentParser
import CommandSupport

@main
struct GoTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gotrace",
        abstract: "Read and write Go execution traces; the subcommands are named after `go tool trace -d=MODE`.",
        discussion: "Exit status: 0 on success, 1 for bad input or a failed write, 2 for a usage error.",
        subcommands: [WireCommand.self, EncodeCommand.self, ParsedCommand.self, FootprintCommand.self]
    )

    static func main() {
        CommandMain.run(self)
    }
}
