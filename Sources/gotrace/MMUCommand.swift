import ArgumentParser
import CommandSupport
import Foundation
import TraceAnalysis
import TraceParser

struct MMUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmu",
        abstract: "Print the minimum mutator utilization of a Go trace, as Go 1.27.3's internal/trace computes it.",
        discussion: """
            For each window length: the lowest fraction of the program's procs left to user code \
            over any window of that length (Go's MutatorUtilizationV2, then \
            NewMMUCurve(...).MMU(window)). All four kinds of GC work count unless --exclude \
            leaves some out. Without --window, four windows per decade from 1us to the trace's \
            length. --format json prints [{"windowNs": N, "mmu": X}, ...] in the order given. \
            A damaged trace: the events before the problem are used on standard output, then \
            Go's verdict, exit status 1, and no -o or --plot file.

            Examples:
              gotrace mmu app.trace
              gotrace mmu --window 1ms --window 10ms --format json app.trace
              gotrace mmu --per-proc --exclude sweep --plot mmu.svg app.trace
            """
    )

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(name: .customLong("window"), help: "A window length in Go's duration syntax (100us, 1ms, 2.5s, 1000ns); repeatable.")
    var windows: [String] = []

    @Flag(help: "One utilization series per proc instead of one for the program.")
    var perProc = false

    @Option(help: "GC work not to count against the mutator: a comma-separated list of stw, background, assist, sweep.")
    var exclude: String = ""

    @Option(help: "text or json.")
    var format: AnalysisFormat = .text

    @Option(help: "Also draw the curve (four windows per decade) as an SVG into this file.")
    var plot: String?

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @OptionGroup var readAhead: ReadAheadOption

    func validate() throws {
        for window in windows {
            guard let value = parseGoDuration(window), value > 0 else {
                throw ValidationError("--window \(window): not a positive duration such as 100us, 1ms or 2.5s")
            }
        }
        _ = try flags()
    }

    func flags() throws -> UtilizationFlags {
        var flags = UtilizationFlags.allGC
        for name in exclude.split(separator: ",", omittingEmptySubsequences: true) {
            switch name.trimmingCharacters(in: .whitespaces) {
            case "stw": flags.remove(.stw)
            case "background": flags.remove(.background)
            case "assist": flags.remove(.assist)
            case "sweep": flags.remove(.sweep)
            default: throw ValidationError("--exclude: unknown kind \(name); use stw, background, assist, sweep")
            }
        }
        if perProc { flags.insert(.perProc) }
        return flags
    }

    func run() throws {
        let builder = UtilizationBuilder(flags: try flags())
        var first: Int64?
        var last: Int64 = 0
        var curvePoints: [(window: Int64, mmu: Double)] = []
        try runAnalysis(trace: trace, output: output, readAhead: readAhead, feed: { event in
            if first == nil { first = event.time }
            last = event.time
            builder.add(event)
        }, result: {
            let utils = builder.finish()
            let length = last - (first ?? last)
            let chosen = windows.isEmpty ? defaultMMUWindows(traceLength: length) : windows.compactMap(parseGoDuration)
            let curve = utils.isEmpty ? nil : MMUCurve(utils)
            func value(_ window: Int64) -> Double { curve?.mmu(window: window) ?? 1 }
            let results = chosen.map { ($0, value($0)) }
            if plot != nil {
                curvePoints = defaultMMUWindows(traceLength: length, perDecade: 8).map { ($0, value($0)) }
            }
            if format == .json {
                return Array(("[" + results.map { "{\"windowNs\": \($0.0), \"mmu\": \($0.1)}" }.joined(separator: ", ") + "]\n").utf8)
            }
            var text = "Window        MMU\n"
            for (window, mmu) in results {
                let label = formatDuration(window)
                text += label + String(repeating: " ", count: max(1, 12 - label.count)) + String(format: "%7.3f%%", mmu * 100) + "\n"
            }
            return Array(text.utf8)
        })
        if let plot {
            let destination = try CommandOutput(path: plot)
            do {
                let name = trace == "-" ? "standard input" : URL(fileURLWithPath: trace).lastPathComponent
                try destination.buffer.write(mmuSVG(curvePoints, title: "Minimum mutator utilization: \(name)"))
                try destination.commit()
            } catch {
                destination.discard()
                throw CommandFailure(.output, "\(plot): \(error)")
            }
        }
    }
}
