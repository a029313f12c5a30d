import ArgumentParser
import Foundation

@main
struct GoTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gotrace",
        abstract: "Read and write Go execution traces; the subcommands are named after `go tool trace -d=MODE`.",
        subcommands: [WireCommand.self, EncodeCommand.self, ParsedCommand.self, FootprintCommand.self]
    )
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
