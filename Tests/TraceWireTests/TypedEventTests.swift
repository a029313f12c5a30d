import Foundation
import Testing
import TraceV2
import TraceWire

/// Typed events against real traces: the recorded fixtures of every release and Go's own test traces.
@Suite struct TypedEventTests {
    /// Every trace we have: the recorded fixtures, and Go's test traces encoded from their text.
    static func traces() throws -> [(name: String, bytes: [UInt8])] {
        var result = try Support.recordedFixtures.map { ($0.testDescription, try Support.bytes($0.trace)) }
        for (name, text) in try GoCorpusTests.corpus() {
            result.append((name, try TraceDump.binary(of: text)))
        }
        return result
    }

    /// The raw arguments of every event in `bytes`, experimental batches opened. An experiment
    /// lays out its batches as it likes; AllocFree's start with an event of the experiment, or
    /// with a small number that marks a table of its own. Batches of events are read here as a
    /// trace of the same version; the tables are left alone.
    static func rawEvents(_ bytes: [UInt8], into sink: (EventType, [UInt64]) -> Void) throws {
        let reader = try WireReader(bytes: bytes)
        while let view = try reader.nextView() {
            let count = view.type.spec.args.count
            sink(view.type, Array(view.args.prefix(count)))
            if view.type == .experimentalBatch, let data = view.data, let first = data.first,
               let type = EventType(rawValue: first), type.spec.experiment?.rawValue == UInt8(truncatingIfNeeded: view.args[0]) {
                let inner = try WireReader(bytes: reader.version.header + Array(data))
                while let event = try inner.nextView() {
                    sink(event.type, Array(event.args.prefix(event.type.spec.args.count)))
                }
            }
        }
    }

    @Test(arguments: Support.recordedFixtures)
    func fixtureRoundTripsByteForByte(_ fixture: Support.Fixture) throws {
        let trace = try Support.bytes(fixture.trace)
        let events = try TypedReader(bytes: trace).readAll()
        let output = OutputBuffer()
        let writer = try TypedWriter(output: output, version: TraceVersion(header: trace.prefix(16))!)
        for event in events { try writer.write(event) }
        #expect(output.bytes == trace, "\(fixture.testDescription): \(output.bytes.count) bytes written, \(trace.count) read")

        // The same through borrowed views, without copying anything out of the reader.
        let reader = try TypedReader(bytes: trace)
        let direct = OutputBuffer()
        let viewWriter = try TypedWriter(output: direct, version: reader.version)
        while let view = try reader.nextView() { try viewWriter.write(view) }
        #expect(direct.bytes == trace)
    }

    @Test func everyEventTypeBuildsFromRealArgumentsAndGivesThemBack() throws {
        var seen: [EventType: Int] = [:]
        for (name, bytes) in try Self.traces() {
            try Self.rawEvents(bytes) { type, args in
                seen[type, default: 0] += 1
                do {
                    let event = try Event(type: type, args: args)
                    #expect(event.type == type, "\(name)")
                    #expect(event.args == args, "\(name): \(type.name)")
                } catch {
                    Issue.record("\(name): \(type.name) \(args): \(error)")
                }
            }
        }
        // GCSweepActive is written only when a generation starts in the middle of a sweep; none of
        // the recorded traces nor Go's own test traces caught one. Any other gap fails the test.
        let missing = EventType.allCases.filter { seen[$0] == nil }
        #expect(missing == [.gcSweepActive], "no trace has \(missing.map(\.name))")
        let sweep = try Event(type: .gcSweepActive, args: [12, 3])
        #expect(sweep == .gcSweepActive(Event.GCSweepActive(dt: 12, p: ProcID(rawValue: 3))) && sweep.args == [12, 3])
    }

    @Test func fieldsAreTypedAndNamedFromTheSpec() throws {
        let event = try Event(type: .goCreate, args: [5, 17, 3, 4])
        guard case .goCreate(let create) = event else { Issue.record("\(event)"); return }
        #expect(create.dt == 5)
        #expect(create.newG == GoroutineID(rawValue: 17))
        #expect(create.newStack == StackID(rawValue: 3))
        #expect(create.stack.rawValue == 4)
        #expect(Event.GoCreate.type == .goCreate)

        let status = try Event(type: .goStatusStack, args: [1, 2, 3, 4, 9])
        guard case .goStatusStack(let goStatus) = status else { Issue.record("\(status)"); return }
        #expect(goStatus.gstatus == .waiting)
        #expect(goStatus.m == ThreadID(rawValue: 3))

        let stop = try Event(type: .goStop, args: [1, 2, 3])
        guard case .goStop(let goStop) = stop else { Issue.record("\(stop)"); return }
        #expect(goStop.reasonString == StringID(rawValue: 2))
        let steal = Event.procSteal(Event.ProcSteal(dt: 1, p: ProcID(rawValue: 2), pSeq: 3, m: ThreadID(rawValue: 4)))
        #expect(steal.args == [1, 2, 3, 4])
        let task = Event.userTaskEnd(Event.UserTaskEnd(dt: 0, task: TaskID(rawValue: 7), stack: StackID(rawValue: 0)))
        #expect(task.args == [0, 7, 0])
    }

    @Test func wrongArgumentCountsAndUndefinedStatusesAreRefused() {
        #expect(throws: EventArgumentError.wrongArgumentCount(.goCreate, expected: 4, found: 3)) {
            try Event(type: .goCreate, args: [1, 2, 3])
        }
        #expect(throws: EventArgumentError.wrongArgumentCount(.stacks, expected: 0, found: 1)) {
            try Event(type: .stacks, args: [1])
        }
        #expect(throws: EventArgumentError.undefinedStatus(.procStatus, argument: "pstatus", value: 5)) {
            try Event(type: .procStatus, args: [1, 2, 5])
        }
        #expect(throws: EventArgumentError.undefinedStatus(.goStatus, argument: "gstatus", value: 256)) {
            try Event(type: .goStatus, args: [1, 2, 3, 256])
        }
        #expect(EventArgumentError.wrongArgumentCount(.goCreate, expected: 4, found: 3).description == "GoCreate takes 4 arguments, not 3")
        #expect(EventArgumentError.undefinedStatus(.procStatus, argument: "pstatus", value: 5).description
            == "ProcStatus argument pstatus is 5, which is not a defined status")
    }

    @Test func eventTypesCarryTheirMeaning() {
        #expect(EventType.procsChange.kind == .metric)
        #expect(EventType.procsChange.metric == "/sched/gomaxprocs:threads")
        #expect(EventType.gcSweepActive.range == EventRange(name: "GC incremental sweep", scope: .proc))
        #expect(EventType.stwEnd.range?.name { $0 == "kind_string" ? "GC" : "?" } == "stop-the-world (GC)")
        #expect(EventType.goSyscallBegin.resource == .goroutine)
        #expect(EventType.procSteal.resource == .proc)
        #expect(EventType.eventBatch.kind == nil)
        #expect(EventType.span.kind == .experimental)
        #expect(EventType.allCases.filter { $0.kind == .stateTransition }.allSatisfy { $0.resource != nil })
    }

    @Test func aStatusOutsideTheSpecIsAReadErrorAtItsEvent() throws {
        // A ProcStatus with status 7 inside an otherwise valid batch.
        let output = OutputBuffer()
        let writer = try WireWriter(output: output, version: .go1_26)
        try writer.write(WireEvent(type: .eventBatch, args: [1, 0, 0, 4]))
        try writer.write(WireEvent(type: .procStatus, args: [1, 0, 7]))
        let reader = try TypedReader(bytes: output.bytes)
        _ = try reader.nextView()
        #expect(throws: WireError.at(offset: 21, "ProcStatus argument pstatus is 7, which is not a defined status")) {
            try reader.nextView()
        }
    }

    @Test func writerChecksFramesAgainstTheFrameCount() throws {
        let writer = try TypedWriter(output: OutputBuffer(), version: .go1_26)
        let stack = Event.stack(Event.Stack(id: 1, nframes: 2))
        #expect(throws: WireError(location: .none, message: "Stack says it has 2 frames but 1 were given")) {
            try writer.write(TypedEvent(stack, frames: [StackFrame(pc: 1, function: StringID(rawValue: 2), file: StringID(rawValue: 3), line: 4)]))
        }
        #expect(throws: WireError(location: .none, message: "GoStop carries no frames")) {
            try writer.write(TypedEvent(try Event(type: .goStop, args: [1, 2, 3]), frames: [StackFrame(pc: 1, function: StringID(rawValue: 2), file: StringID(rawValue: 3), line: 4)]))
        }
    }
}
