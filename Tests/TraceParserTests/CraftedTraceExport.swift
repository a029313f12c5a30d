import Foundation
import Testing

/// Writes the crafted traces to a folder for the benchmark scripts (Scripts/bench-crafted), so
/// that the scripts measure exactly what the tests check. Runs only when CRAFTED_TRACES names the
/// folder; CRAFTED_SIZES (a comma-separated list) picks the frontier sizes.
@Suite struct CraftedTraceExport {
    static let folder = ProcessInfo.processInfo.environment["CRAFTED_TRACES"]

    @Test(.enabled(if: folder != nil)) func writeCraftedTraces() throws {
        let folder = URL(fileURLWithPath: try #require(Self.folder))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let sizes = (ProcessInfo.processInfo.environment["CRAFTED_SIZES"] ?? "2000,6000,18000").split(separator: ",").compactMap { Int($0) }
        for threads in sizes {
            try CraftedTraces.waitingThreads(threads).write(to: folder.appendingPathComponent("waiting-\(threads).trace"))
        }
        let count = 38_000
        try CraftedTraces.goroutineFlood(CraftedTraces.collidingIDs(count)).write(to: folder.appendingPathComponent("goroutines-old-colliding.trace"))
        try CraftedTraces.goroutineFlood(CraftedTraces.randomIDs(count)).write(to: folder.appendingPathComponent("goroutines-random.trace"))
        try CraftedTraces.goroutineFlood(CraftedTraces.highBitIDs(count)).write(to: folder.appendingPathComponent("goroutines-high-bits.trace"))
        try CraftedTraces.goroutineFlood((2...UInt64(count + 1)).map { $0 }).write(to: folder.appendingPathComponent("goroutines-sequential.trace"))
        try CraftedTraces.threadFlood(CraftedTraces.highBitIDs(count)).write(to: folder.appendingPathComponent("threads-high-bits.trace"))
        try CraftedTraces.threadFlood(CraftedTraces.collidingIDs(count)).write(to: folder.appendingPathComponent("threads-old-colliding.trace"))
        try CraftedTraces.threadFlood(CraftedTraces.randomIDs(count)).write(to: folder.appendingPathComponent("threads-random.trace"))
        try CraftedTraces.bigStacks(CraftedTraces.stacksForOneMegabyte).write(to: folder.appendingPathComponent("stacks-1mb.trace"))
        try CraftedTraces.bigStacks(CraftedTraces.stacksForOneMegabyte * 4).write(to: folder.appendingPathComponent("stacks-4mb.trace"))
    }
}
