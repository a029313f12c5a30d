import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a command stopped, as a value: the command layer throws it and ``CommandMain`` alone turns
/// it into a message on standard error and an exit status. Nothing below the command layer exits.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    /// What kind of problem stopped the command; the exit status follows from it.
    public enum Kind: Sendable {
        /// The arguments or options are wrong; exit status 2.
        case usage
        /// An input cannot be read or is not valid; exit status 1 (``CommandMain/run(_:inputStatus:)``
        /// may say otherwise for a command whose 1 means something else).
        case input
        /// An output cannot be written, standard output included; exit status 1.
        case output
        /// The command worked and its answer is "no": a stale folder, a breaking change; exit status 1.
        case verdict
    }

    public var kind: Kind
    /// The complete text for standard error, possibly several lines, without a final newline.
    /// Empty when the command already said everything it had to.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// A failure of a file-system call on `path`, worded from the current `errno`:
    /// `PATH: cannot ACTION: REASON`.
    public static func system(_ kind: Kind, path: String, action: String, errorNumber: Int32 = errno) -> CommandFailure {
        CommandFailure(kind, "error: \(path): cannot \(action): \(systemMessage(errorNumber))")
    }
}

/// The C library's words for an `errno` value, such as "No space left on device".
public func systemMessage(_ errorNumber: Int32) -> String {
    String(cString: strerror(errorNumber))
}

/// The one place where a command's outcome becomes an exit status.
///
/// | outcome | status |
/// |---|---|
/// | success, `--help`, `--version` | 0 |
/// | bad input, failed output (standard output included), a negative verdict | 1 |
/// | usage: unknown option, missing or invalid argument | 2 |
///
/// Signals end a run before it gets here: SIGINT, SIGTERM and SIGHUP after removing temporary
/// files (``InterruptCleanup``), SIGPIPE on a closed pipe unless it is ignored, in which case
/// the write fails and the status is 1.
public enum CommandMain {
    /// Parses the arguments for `root`, runs the chosen subcommand and exits.
    ///
    /// `inputStatus` lets a command whose status 1 already means a verdict (`tracegen diff`, in the
    /// manner of diff(1)) report unusable input with another status.
    public static func run(_ root: any ParsableCommand.Type, inputStatus: (any ParsableCommand) -> Int32 = { _ in 1 }) -> Never {
        // A capped file size must turn into a write error (EFBIG), not a silent death by signal.
        signal(SIGXFSZ, SIG_IGN)
        InterruptCleanup.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            command = try root.parseAsRoot(arguments)
        } catch {
            finishWithParserError(error, root)
        }
        // A tool that is only a set of subcommands, run without one: a usage error, not a request for help.
        if type(of: command) == root, !root.configuration.subcommands.isEmpty, root.configuration.defaultSubcommand == nil {
            StandardError.write("error: missing subcommand\n\n" + root.helpMessage())
            finish(2)
        }
        do {
            try command.run()
        } catch let failure as CommandFailure {
            if !failure.message.isEmpty { StandardError.write(failure.message) }
            switch failure.kind {
            case .usage: finish(2)
            case .input: finish(inputStatus(command))
            case .output, .verdict: finish(1)
            }
        } catch let exit as ExitCode {
            finish(exit.rawValue)
        } catch {
            // Help printed by the help subcommand, or a validation error raised while running.
            finishWithParserError(error, root)
        }
        finish(0)
    }

    /// Ends with what the argument parser threw: help and version text on standard output with
    /// status 0, anything else on standard error with status 2 (a usage error).
    private static func finishWithParserError(_ error: any Error, _ root: any ParsableCommand.Type) -> Never {
        let text = root.fullMessage(for: error)
        if root.exitCode(for: error) == .success {
            if !text.isEmpty, (try? StandardOutput.write(text + "\n")) == nil {
                StandardError.write("error: cannot write to standard output: \(systemMessage(errno))")
                finish(1)
            }
            finish(0)
        }
        StandardError.write(text)
        finish(2)
    }

    /// Exits, first making sure that whatever went through C's buffered standard output arrived.
    private static func finish(_ status: Int32) -> Never {
        // Help text and anything else printed with print() went through C's buffer.
        // fflush(NULL) flushes every C stream and reports whether any write failed.
        if fflush(nil) != 0 {
            StandardError.write("error: cannot write to standard output: \(systemMessage(errno))")
            exit(status == 0 ? 1 : status)
        }
        exit(status)
    }
}
