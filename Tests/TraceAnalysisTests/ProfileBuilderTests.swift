import Foundation
import Testing
import TestSupport
@testable import TraceAnalysis
import TraceParser

/// The profile builder adds each period up when it ends instead of keeping it to the end of the
/// trace (PprofTests shows the samples are still Go's): on every fixture and profile type, no
/// period is held, so its memory does not grow with the number of periods.
@Suite struct ProfileBuilderTests {
    @Test(arguments: GoReference.fixtureTraceNames)
    func keepsNoPeriods(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: GoReference.fixtures.appendingPathComponent(name + ".trace")))
        var ended: Int64 = 0
        for kind in ProfileKind.allCases {
            let builder = ProfileBuilder(kind: kind)
            let reader = try TraceReader(bytes: bytes)
            while let event = try reader.next() { builder.add(event) }
            let counts = builder.periodCounts
            #expect(counts.kept == 0, "\(name) \(kind): \(counts.kept) of \(counts.ended) periods kept")
            ended += counts.ended
        }
        if !name.hasSuffix("/coro") { #expect(ended > 0, "\(name): no periods at all") }
    }
}
