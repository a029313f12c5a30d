import Foundation
import Testing
import TraceParser
import TraceWire

/// A reader that reads and orders on a second thread (`startReadingAhead()`) hands out exactly
/// what one reading on the caller's thread does: the same events, and the same error after the
/// same events, on whole, cut and damaged traces of every version.
@Suite struct ReadAheadTests {
    /// The text and the error of one reading; with `runLength`, printed by
    /// `printInParallel` in pieces of at most that many events.
    static func read(_ bytes: [UInt8], ahead: Bool, runLength: Int? = nil) -> (text: String, error: TraceParseError?) {
        let output = OutputBuffer()
        do {
            let reader = try TraceReader(bytes: bytes)
            if ahead { reader.startReadingAhead() }
            if let runLength {
                try ParsedPrinter.printInParallel(reader, to: output, runLength: runLength)
            } else {
                try ParsedPrinter.print(reader, to: output)
            }
            return (output.text, nil)
        } catch let error as TraceParseError {
            return (output.text, error)
        } catch {
            Issue.record("unexpected error \(error)")
            return (output.text, nil)
        }
    }

    static let fixtures = ["go1.22/annotations", "go1.22/generations", "go1.23/goroutines", "go1.25/cpuprofile",
                           "go1.26/syscalls", "go1.27/coro", "go1.27/goroutines", "go1.27/generations"]

    @Test(arguments: fixtures)
    func readingAheadReadsTheSame(_ name: String) throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let serial = Self.read(whole, ahead: false)
        let ahead = Self.read(whole, ahead: true)
        #expect(serial.error == nil)
        #expect(ahead.error == nil)
        expectSameText(ahead.text, serial.text, name)
        var failures = 0
        for (index, bytes) in DamagedTraceTests.damaged(whole, seed: UInt64(name.utf8.count), count: 12).enumerated() {
            let serial = Self.read(bytes, ahead: false)
            let ahead = Self.read(bytes, ahead: true)
            #expect(ahead.error == serial.error, "\(name) #\(index)")
            #expect(ahead.text == serial.text, "\(name) #\(index): the events before the failure differ")
            if serial.error != nil { failures += 1 }
        }
        #expect(failures > 0)
    }

    /// Printing with a second formatter gives the same text, and the same error after the same
    /// text, as printing on one thread: with the reader's own runs and with runs cut short, so
    /// that many are in flight at once and the two formatters take turns in every order.
    @Test(arguments: fixtures)
    func formattingOnTwoThreadsPrintsTheSame(_ name: String) throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let serial = Self.read(whole, ahead: false)
        #expect(serial.error == nil)
        for (ahead, runLength) in [(true, Int.max), (false, Int.max), (true, 1), (false, 7), (true, 64)] {
            let parallel = Self.read(whole, ahead: ahead, runLength: runLength)
            #expect(parallel.error == nil)
            expectSameText(parallel.text, serial.text, "\(name), runs of \(runLength)")
        }
        var failures = 0
        for (index, bytes) in DamagedTraceTests.damaged(whole, seed: UInt64(name.utf8.count) &+ 7, count: 12).enumerated() {
            let serial = Self.read(bytes, ahead: false)
            for runLength in [Int.max, 5] {
                let parallel = Self.read(bytes, ahead: true, runLength: runLength)
                #expect(parallel.error == serial.error, "\(name) #\(index), runs of \(runLength)")
                #expect(parallel.text == serial.text, "\(name) #\(index), runs of \(runLength): the text before the failure differs")
            }
            if serial.error != nil { failures += 1 }
        }
        #expect(failures > 0)
    }

    /// An event whose stack or string is missing from its generation's tables ends the text
    /// after the events before it, on one thread or two, wherever the run it falls in is cut.
    @Test func aMissingTableEntryStopsBothPrintersAtTheSameEvent() throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture("go1.27/goroutines", ".trace")))
        var found = 0
        for (index, bytes) in DamagedTraceTests.damaged(whole, seed: 99, count: 200).enumerated() {
            let serial = Self.read(bytes, ahead: false)
            guard let error = serial.error, error.message.contains("invalid stack ID") || error.message.contains("invalid string ID") else {
                continue
            }
            found += 1
            for runLength in [Int.max, 1, 3] {
                let parallel = Self.read(bytes, ahead: true, runLength: runLength)
                #expect(parallel.error == serial.error, "#\(index), runs of \(runLength)")
                #expect(parallel.text == serial.text, "#\(index), runs of \(runLength)")
            }
        }
        #expect(found > 0, "no damage made a missing table entry")
    }

    /// A reader dropped in the middle of a trace lets its thread go, and the next reader of the
    /// same bytes starts over.
    @Test func droppingAReaderMidwayIsFine() throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture("go1.27/goroutines", ".trace")))
        var firstTimes: [Int64] = []
        for _ in 0..<20 {
            let reader = try TraceReader(bytes: whole)
            reader.startReadingAhead()
            var times: [Int64] = []
            for _ in 0..<10 {
                guard let event = try reader.next() else { break }
                times.append(event.time)
            }
            if firstTimes.isEmpty { firstTimes = times }
            #expect(times == firstTimes)
        }
        #expect(firstTimes.count == 10)
    }
}
