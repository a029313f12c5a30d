import Foundation
import Testing
import TraceParser
import TraceWire

/// Go's own parser test cases (internal/trace/testdata/tests/*.test from the pinned GOROOT):
/// each must get Go's verdict, and the real tool's output must be ours byte for byte.
@Suite struct GoCaseTests {
    @Test func thereAreTwentyTwoCases() throws {
        #expect(try ParserSupport.goTestCases().count == 22)
    }

    @Test func everyCaseGetsGosVerdict() throws {
        for testCase in try ParserSupport.goTestCases() {
            let binary = try TraceDump.binary(of: testCase.text)
            var failure: TraceParseError?
            do {
                _ = try ParsedPrinter.decode(TraceReader(bytes: binary))
            } catch let error as TraceParseError {
                failure = error
            }
            if testCase.expectation == "SUCCESS" {
                #expect(failure == nil, "\(testCase.name): \(failure.map(String.init(describing:)) ?? "")")
            } else {
                #expect(testCase.expectation.hasPrefix("FAILURE \""), "\(testCase.name)")
                let pattern = String(testCase.expectation.dropFirst("FAILURE \"".count).dropLast())
                let regex = try Regex(pattern)
                let message = try #require(failure, "\(testCase.name) should fail").message
                #expect(message.contains(regex), "\(testCase.name): \(message) does not match \(pattern)")
            }
        }
    }

    @Test func outputMatchesGoToolOnEveryCase() throws {
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for testCase in try ParserSupport.goTestCases() {
            let file = directory.appendingPathComponent(testCase.name + ".trace")
            try Data(TraceDump.binary(of: testCase.text)).write(to: file)
            let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": "UTC"])
            let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": "UTC"])
            #expect(ours.status == go.status, "\(testCase.name): exit \(ours.status), Go \(go.status): \(go.errorText)")
            expectSameText(ours.outputText, go.outputText, testCase.name)
        }
    }

    /// Reading on a second thread (the default on this two-core machine) and reading on one
    /// print the same bytes as Go, and fail the same way.
    @Test func parallelPrintingIsTheSame() throws {
        for name in ["go1.27/goroutines", "go1.22/generations"] {
            let file = ParserSupport.fixture(name, ".trace").path
            let expected = try String(contentsOf: ParserSupport.fixture(name, ".parsed"), encoding: .utf8)
            for flag in ["--parallel", "--no-parallel"] {
                let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", flag, file], environment: ["TZ": "UTC"])
                #expect(ours.status == 0, "\(name) \(flag)")
                expectSameText(ours.outputText, expected, "\(name) \(flag)")
            }
        }
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: ParserSupport.fixture("go1.27/syscalls", ".trace"))
        let cut = directory.appendingPathComponent("cut.trace")
        try whole.prefix(whole.count * 2 / 3).write(to: cut)
        let serial = try ParserSupport.run(ParserSupport.gotrace, ["parsed", "--no-parallel", cut.path], environment: ["TZ": "UTC"])
        let parallel = try ParserSupport.run(ParserSupport.gotrace, ["parsed", "--parallel", cut.path], environment: ["TZ": "UTC"])
        #expect(serial.status == 1 && parallel.status == 1)
        #expect(serial.output == parallel.output)
        #expect(serial.errorText == parallel.errorText)
    }

    /// Clock snapshots far from today (year 1, year 11476, the ends of the 64-bit range, with
    /// nanoseconds past a second) print as Go prints them, in zones with and without history.
    @Test func extremeWallClocksPrintAsGoDoes() throws {
        let source = try #require(try ParserSupport.goTestCases().first { $0.name == "go125-sync.test" })
        func varintLength(_ value: UInt64) -> Int {
            var value = value, length = 1
            while value >= 0x80 { value >>= 7; length += 1 }
            return length
        }
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let readings: [(Int64, UInt64)] = [(.max, 999_999_999), (.min, 0), (-62_135_596_801, 0), (300_000_000_000, 5), (1_740_755_049, .max)]
        for (seconds, nanoseconds) in readings {
            // Replace each snapshot's reading and fix the size of the batch that holds it.
            var lines = source.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var lastBatch = 0
            for index in lines.indices {
                if lines[index].hasPrefix("EventBatch ") { lastBatch = index }
                guard lines[index].hasPrefix("ClockSnapshot ") else { continue }
                let fields = lines[index].split(separator: " ")
                let oldSeconds = UInt64(fields[3].dropFirst(4))!, oldNanoseconds = UInt64(fields[4].dropFirst(5))!
                let newSeconds = UInt64(bitPattern: seconds)
                lines[index] = "\(fields[0]) \(fields[1]) \(fields[2]) sec=\(newSeconds) nsec=\(nanoseconds)"
                let growth = varintLength(newSeconds) + varintLength(nanoseconds) - varintLength(oldSeconds) - varintLength(oldNanoseconds)
                var batch = lines[lastBatch].split(separator: " ").map(String.init)
                batch[4] = "size=\(Int(batch[4].dropFirst(5))! + growth)"
                lines[lastBatch] = batch.joined(separator: " ")
            }
            let file = directory.appendingPathComponent("clock.trace")
            try Data(TraceDump.binary(of: lines.joined(separator: "\n"))).write(to: file)
            for zone in ["UTC", "Asia/Kolkata", "America/New_York"] {
                let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": zone])
                let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": zone])
                #expect(go.status == 0 && ours.status == 0, "\(seconds) \(zone): \(go.errorText) \(ours.errorText)")
                expectSameText(ours.outputText, go.outputText, "sec=\(seconds) nsec=\(nanoseconds) TZ=\(zone)")
            }
        }
    }

    /// The wall clock follows the local zone as Go's tool prints it.
    @Test(arguments: ["UTC", "Asia/Kolkata", "America/New_York"])
    func wallClockInZone(_ zone: String) throws {
        let file = ParserSupport.fixture("go1.27/annotations", ".trace").path
        let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file], environment: ["TZ": zone])
        let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file], environment: ["TZ": zone])
        #expect(go.status == 0 && ours.status == 0)
        expectSameText(ours.outputText, go.outputText, zone)
        if zone == "Asia/Kolkata" { #expect(ours.outputText.contains("+05:30\n")) }
    }
}
