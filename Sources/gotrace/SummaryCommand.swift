import ArgumentParser
import CommandSupport
import TraceAnalysis

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarize every goroutine and user task of a Go trace, as Go 1.27.3's internal/trace Summarizer does.",
        discussion: """
            Per goroutine: entry function and PC, creation, start and end times, and where its \
            time went (execution, scheduler wait, blocking by reason, system calls, ranges such \
            as GC mark assist), with its user regions. Per task: name, parent, start and end, \
            logs, goroutines and regions. Times are the trace's nanoseconds. `--format json` \
            gives one object {"goroutines": [...], "tasks": [...]} sorted by ID; text groups \
            the goroutines by entry function, the busiest first. A damaged trace is summarized \
            up to the problem on standard output, then Go's verdict, exit status 1 (no -o file).

            Examples:
              gotrace summary app.trace
              gotrace summary --format json -o app.summary.json app.trace
            """
    )

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(help: "text or json.")
    var format: AnalysisFormat = .text

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @OptionGroup var readAhead: ReadAheadOption

    func run() throws {
        let summarizer = Summarizer()
        try runAnalysis(trace: trace, output: output, readAhead: readAhead, feed: summarizer.add) {
            let summary = summarizer.finish()
            return Array((format == .json ? summary.json() : summary.text()).utf8)
        }
    }
}
