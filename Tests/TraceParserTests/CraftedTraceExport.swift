import Foundation
import Testing

/// Writes the crafted traces to a folder for the benchmark scripts (Scripts/bench-crafted), so
/// that the scripts measure exactly what the tests check: to the folder CRAFTED_TRACES names,
/// and otherwise to a temporary one, removed after each file is checked to be a trace. CRAFTED_SIZES
/// (a comma-separated list) picks the frontier sizes.
@Suite struct CraftedTraceExport {
    static let folder = ProcessInfo.processInfo.environment["CRAFTED_TRACES"]

    @Test func writeCraftedTraces() throws {
        let folder = try Self.folder.map { URL(fileURLWithPath: $0) } ?? ParserSupport.temporaryDirectory()
        defer { if Self.folder == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(to: folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".trace") }
        #expect(names.count >= 10, "\(names)")
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            #expect(bytes.count > 1000 && String(decoding: bytes.prefix(5), as: UTF8.self) == "go 1.", "\(name)")
        }
    }

    private func write(to folder: URL) throws {
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
