import ArgumentParser
import CommandSupport
import TraceAnalysis

extension ProfileKind: ExpressibleByArgument {}

struct PprofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pprof",
        abstract: "Write a gzipped pprof profile with the samples of `go tool trace -pprof=TYPE` (Go 1.27.3).",
        discussion: """
            TYPE is net (blocked on the network), sync (blocked on a channel, select or sync \
            primitive), syscall (in system calls) or sched (runnable, waiting for a proc). Each \
            sample is the stack of the event that began a period in that state, with the count \
            of such periods and their total time (within the goroutine's life from its first \
            start), as Go 1.27.3 counts them; Go 1.26 changed which transitions count \
            (golang/go #74850). Read it with `go tool pprof`. A damaged trace: Go's verdict, \
            exit status 1, and no -o file (standard output gets the profile of the events \
            before the problem).

            Examples:
              gotrace pprof sched -o sched.pb.gz app.trace && go tool pprof -top sched.pb.gz
              gotrace pprof sync app.trace > sync.pb.gz
            """
    )

    @Argument(help: "net, sync, syscall or sched.")
    var type: ProfileKind

    @Argument(help: "The binary trace, or - for standard input.")
    var trace: String

    @Option(name: .shortAndLong, help: "Write to this file (replaced atomically) instead of standard output (-).")
    var output: String = "-"

    @OptionGroup var readAhead: ReadAheadOption

    func run() throws {
        let builder = ProfileBuilder(kind: type)
        try runAnalysis(trace: trace, output: output, readAhead: readAhead, feed: builder.add) {
            do {
                return try encodeProfile(builder.finish())
            } catch {
                throw CommandFailure(.output, "\(output == "-" ? "<stdout>" : output): \(error)")
            }
        }
    }
}
