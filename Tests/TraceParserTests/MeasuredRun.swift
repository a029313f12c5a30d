import Foundation

/// What GNU time counted for one finished program: its exit status, the CPU time it used (user
/// and system) and its peak resident memory.
///
/// The program is started by `/usr/bin/time`, not by the test process: a process started
/// straight from the test would report the test's own peak memory (the kernel carries a
/// process's high-water mark over an exec, and a spawned child begins as the test process).
struct MeasuredRun {
    var status: Int32
    var cpuSeconds: Double
    var peakBytes: Int
    var errorText: String

    var peakMiB: Double { Double(peakBytes) / Double(1 << 20) }

    static let time = "/usr/bin/time"

    /// Runs a program with its standard output thrown away; a `memoryLimit` (bytes of address
    /// space) is set with the shell's `ulimit -v` before the program starts.
    static func run(_ arguments: [String], memoryLimit: Int? = nil, environment: [String: String] = [:]) throws -> MeasuredRun {
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw MeasuredRunError(text: "GNU time is needed at \(time) to measure peak memory")
        }
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stats = directory.appendingPathComponent("stats").path
        let limit = memoryLimit.map { "ulimit -v \($0 / 1024) && " } ?? ""
        let result = try ParserSupport.run(time, ["-f", "%U %S %M", "-o", stats, "/bin/sh", "-c", "\(limit)exec \"$@\" > /dev/null", "sh"] + arguments,
                                           environment: environment)
        // GNU time writes a "Command exited with non-zero status" line first when it fails.
        let fields = try String(contentsOfFile: stats, encoding: .utf8).split(separator: "\n").last?.split(separator: " ") ?? []
        guard fields.count == 3, let user = Double(fields[0]), let system = Double(fields[1]), let kilobytes = Int(fields[2]) else {
            throw MeasuredRunError(text: "unexpected output of \(time): \(fields)")
        }
        return MeasuredRun(status: result.status, cpuSeconds: user + system, peakBytes: kilobytes * 1024, errorText: result.errorText)
    }
}

struct MeasuredRunError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
