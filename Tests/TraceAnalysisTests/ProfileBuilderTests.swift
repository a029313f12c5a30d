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

/// The builder reads goroutine state changes through TraceParser's package-level
/// `GoroutineChangeReader`, by IDs: on every fixture, it reports the change of every event whose
/// `stateTransition` is a goroutine's, with the same goroutine, states, reason and stack, and
/// nothing for any other event.
@Suite struct GoroutineChangeTests {
    @Test(arguments: GoReference.fixtureTraceNames)
    func agreesWithStateTransitions(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: GoReference.fixtures.appendingPathComponent(name + ".trace")))
        let reader = try TraceReader(bytes: bytes)
        let changes = GoroutineChangeReader()
        var seen = 0, withReason = 0, withStack = 0
        while let event = try reader.next() {
            let change = changes.change(event)
            guard let transition = event.stateTransition, let (from, to) = transition.goroutineStates else {
                #expect(change == nil, "\(name): a change for \(event.kind) at \(event.time)")
                continue
            }
            guard let change else {
                Issue.record("\(name): no change for the transition at \(event.time)")
                continue
            }
            seen += 1
            #expect(change.goroutine == transition.resource.raw && change.from == from && change.to == to,
                    "\(name) at \(event.time)")
            let reason = String(decoding: event.stringBytes(change.reason), as: UTF8.self)
            #expect(reason == "\(transition.reason)", "\(name) at \(event.time)")
            let frames = event.goFrameBytes(ofStack: change.stack).map(\.pc)
            #expect(frames == (event.stack?.goFrames.map(\.pc) ?? []), "\(name) at \(event.time)")
            if !reason.isEmpty { withReason += 1 }
            if !frames.isEmpty { withStack += 1 }
        }
        if !name.hasSuffix("/coro") { #expect(seen > 0 && withReason > 0 && withStack > 0, "\(name): \(seen) changes") }
    }
}

/// `Stack` is `Hashable` by generation and ID: two stacks that compare equal have the same
/// frames, across all generations of a trace.
@Suite struct StackIdentityTests {
    @Test func equalStacksHaveEqualFrames() throws {
        let bytes = try [UInt8](Data(contentsOf: GoReference.fixtures.appendingPathComponent("go1.27/generations.trace")))
        let reader = try TraceReader(bytes: bytes)
        var seen: [ParsedEvent.Stack: [ParsedEvent.Stack.Frame]] = [:]
        var generations = 0, lookups = 0
        while let event = try reader.next() {
            if event.kind == .sync { generations += 1 }
            guard let stack = event.stack else { continue }
            let frames = stack.goFrames
            lookups += 1
            if let earlier = seen[stack] {
                #expect(earlier == frames)
            } else {
                seen[stack] = frames
            }
            // Go's frames are TraceParser's, but for a PC without a frame, which is 0.
            #expect(frames.count == stack.frames.count)
            for (go, ours) in zip(frames, stack.frames) where go.pc != 0 { #expect(go == ours) }
        }
        #expect(generations > 2 && seen.count > 10 && lookups > seen.count)
    }
}
