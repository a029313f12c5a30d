import TraceV2
import TraceWire

/// Prints the ordered events of a trace exactly as `go tool trace -d=parsed` does: one
/// `M=… P=… G=… Kind Time=…` line per event with its details, and the event's stack (or a state
/// transition's stack) as tab-indented frame lines followed by an empty line.
///
/// Strings are quoted with Go's `%q` rules and stacks formatted once per generation; the rest is
/// written by hand into a byte buffer.
package enum ParsedPrinter {
    /// Prints every event of `reader` into `output`; on a failure, what was printed before it
    /// stays in `output` (flushed), as Go's tool leaves it.
    ///
    /// - Returns: The number of events printed.
    @discardableResult
    package static func print(_ reader: TraceReader, to output: OutputBuffer, progress: ((Int) -> Void)? = nil) throws -> Int {
        let sink = ByteSink(output: output)
        let texts = TextCache()
        var count = 0
        do {
            while let event = try reader.next() {
                try write(event, to: sink, texts: texts)
                count += 1
                if let progress, count & 0xffff == 0 { progress(count) }
            }
        } catch {
            try? sink.flush()
            try? output.flush()
            throw error
        }
        try sink.flush()
        try output.flush()
        return count
    }

    /// Reads every event without printing.
    ///
    /// - Returns: The number of events read.
    @discardableResult
    package static func decode(_ reader: TraceReader) throws -> Int {
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }

    /// The text of a trace held in memory.
    package static func text(of trace: [UInt8]) throws -> String {
        let output = OutputBuffer()
        try print(TraceReader(bytes: trace), to: output)
        return output.text
    }

    // MARK: One event

    static func write(_ event: ParsedEvent, to sink: ByteSink, texts: TextCache) throws {
        try sink.ensure(128)
        sink.byte(UInt8(ascii: "M"))
        sink.byte(UInt8(ascii: "="))
        try sink.decimal(event.context.thread)
        try sink.literal(" P=")
        try sink.decimal(event.context.proc)
        try sink.literal(" G=")
        try sink.decimal(event.context.goroutine)
        sink.byte(UInt8(ascii: " "))
        let kind = event.kind
        try sink.literal(name(of: kind))
        try sink.literal(" Time=")
        try sink.decimal(event.time)
        let generation = event.generation
        switch kind {
        case .sync:
            try sink.literal(" N=")
            try sink.decimal(event.args[0])
            if let generation, let taken = generation.snapshot {
                try sink.literal(" Trace=")
                try sink.decimal(generation.nanoseconds(taken.time))
                try sink.literal(" Mono=")
                try sink.decimal(taken.mono)
                try sink.literal(" Wall=")
                try sink.text(WallClock.rfc3339(seconds: Int64(bitPattern: taken.seconds),
                                                nanoseconds: Int64(bitPattern: taken.nanoseconds)))
            }
        case .metric:
            try sink.literal(" Name=\"")
            try sink.text(KindTable.shared.metricNames[Int(event.code)])
            try sink.literal("\" Value=")
            try value(event.args[0], sink)
        case .label:
            try sink.literal(" Label=")
            try quoted(event.args[0], generation, sink, texts)
            try sink.literal(" Resource=Goroutine(")
            try sink.decimal(event.context.goroutine)
            sink.byte(UInt8(ascii: ")"))
        case .rangeBegin, .rangeActive, .rangeEnd:
            try writeRange(event, generation, sink)
        case .taskBegin, .taskEnd:
            try sink.literal(" ID=")
            try sink.decimal(event.args[0])
            try sink.literal(" Parent=")
            if kind == .taskBegin {
                try sink.decimal(event.args[1])
                try sink.literal(" Type=")
                try quoted(event.args[2], generation, sink, texts)
            } else if case .endedTask(let parent, let name) = event.note {
                try sink.decimal(parent)
                try sink.literal(" Type=")
                try sink.text(GoQuote.quote(name))
            } else {
                try sink.decimal(NoResource.task)
                try sink.literal(" Type=\"\"")
            }
        case .regionBegin, .regionEnd:
            try sink.literal(" Task=")
            try sink.decimal(event.args[0])
            try sink.literal(" Type=")
            try quoted(event.args[1], generation, sink, texts)
        case .log:
            try sink.literal(" Task=")
            try sink.decimal(event.args[0])
            try sink.literal(" Category=")
            try quoted(event.args[1], generation, sink, texts)
            try sink.literal(" Message=")
            try quoted(event.args[2], generation, sink, texts)
        case .stateTransition:
            guard let transition = event.rawTransition else { break }
            try sink.ensure(64)
            if transition.isProc {
                try sink.literal(" ProcID=")
                try sink.decimal(transition.id)
                sink.byte(UInt8(ascii: " "))
                try sink.literal(procStateName(transition.from))
                try sink.literal("->")
                try sink.literal(procStateName(transition.to))
            } else {
                try sink.literal(" GoID=")
                try sink.decimal(transition.id)
                sink.byte(UInt8(ascii: " "))
                try sink.literal(goStateName(transition.from))
                try sink.literal("->")
                try sink.literal(goStateName(transition.to))
            }
            try sink.literal(" Reason=")
            if let reason = transition.reason {
                try quoted(reason, generation, sink, texts)
            } else {
                try sink.literal("\"\"")
            }
            if let stack = transition.stack {
                try sink.literal("\nTransitionStack=\n")
                try frames(stack, generation, sink, texts)
            }
        case .experimental:
            try writeExperimental(event, generation, sink)
        case .stackSample:
            break
        }
        if let stack = event.stackID {
            try sink.literal("\nStack=\n")
            try frames(stack, generation, sink, texts)
        }
        try sink.ensure(1)
        sink.byte(UInt8(ascii: "\n"))
    }

    // The names below are the same as the enums' descriptions (the kind names come from the
    // spec; SpecAgreementTests holds them equal), as static text for the hot path.

    @inline(__always)
    static func name(of kind: EventKind) -> StaticString {
        switch kind {
        case .sync: "Sync"
        case .metric: "Metric"
        case .label: "Label"
        case .stackSample: "StackSample"
        case .rangeBegin: "RangeBegin"
        case .rangeActive: "RangeActive"
        case .rangeEnd: "RangeEnd"
        case .taskBegin: "TaskBegin"
        case .taskEnd: "TaskEnd"
        case .regionBegin: "RegionBegin"
        case .regionEnd: "RegionEnd"
        case .log: "Log"
        case .stateTransition: "StateTransition"
        case .experimental: "Experimental"
        }
    }

    @inline(__always)
    private static func goStateName(_ raw: UInt8) -> StaticString {
        switch GoState(rawValue: raw) {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .runnable: "Runnable"
        case .running: "Running"
        case .waiting: "Waiting"
        case .syscall: "Syscall"
        case nil: "Bad"
        }
    }

    @inline(__always)
    private static func procStateName(_ raw: UInt8) -> StaticString {
        switch ProcState(rawValue: raw) {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .running: "Running"
        case .idle: "Idle"
        case nil: "Bad"
        }
    }

    /// A metric or attribute value, as Go prints a `trace.Value` holding an integer.
    private static func value(_ number: UInt64, _ sink: ByteSink) throws {
        try sink.ensure(40)
        try sink.literal("Value{Uint64(")
        try sink.decimal(number)
        try sink.literal(")}")
    }

    private static func writeRange(_ event: ParsedEvent, _ generation: GenerationTables?, _ sink: ByteSink) throws {
        guard let range = KindTable.shared.ranges[Int(event.code)] else { return }
        try sink.literal(" Name=")
        if let quoted = range.quotedName {
            try sink.text(quoted)
        } else {
            // The strings go inside the quoted name, so quote the whole name.
            try sink.text(GoQuote.quote(range.bytes { generation?.string(event.args[$0]) ?? [] }))
        }
        try sink.ensure(40)
        switch range.spec.scope {
        case .none:
            try sink.literal(" Scope=None")
        case .proc:
            try sink.literal(" Scope=Proc(")
            try sink.decimal(range.scopeArgument.map { Int64(bitPattern: event.args[$0]) } ?? event.context.proc)
            sink.byte(UInt8(ascii: ")"))
        case .goroutine:
            try sink.literal(" Scope=Goroutine(")
            try sink.decimal(range.scopeArgument.map { Int64(bitPattern: event.args[$0]) } ?? event.context.goroutine)
            sink.byte(UInt8(ascii: ")"))
        }
        if event.kind == .rangeEnd {
            try sink.literal(" Attributes=[")
            if event.code == EventType.gcSweepEnd.rawValue {
                try sink.literal("\"bytes swept\"=")
                try value(event.args[0], sink)
                try sink.literal(" \"bytes reclaimed\"=")
                try value(event.args[1], sink)
            }
            try sink.literal("]")
        }
    }

    private static func writeExperimental(_ event: ParsedEvent, _ generation: GenerationTables?, _ sink: ByteSink) throws {
        guard let spec = EventType(rawValue: event.code)?.spec else { return }
        try sink.literal(" Name=")
        try sink.text(spec.name)
        try sink.literal(" Args=[")
        for (index, name) in spec.args.dropFirst().enumerated() {
            if index != 0 { try sink.literal(", ") }
            try sink.text(name)
            try sink.literal("=")
            if name.hasSuffix("string") {
                try sink.bytes(generation?.string(event.args[index]) ?? [])
            } else {
                try value(event.args[index], sink)
            }
        }
        try sink.literal("]")
    }

    /// A string of the generation's table in `%q` form, quoted once per generation.
    private static func quoted(_ id: UInt64, _ generation: GenerationTables?, _ sink: ByteSink, _ texts: TextCache) throws {
        guard let generation else {
            try sink.literal("\"\"")
            return
        }
        texts.use(for: generation)
        if let cached = texts.text(id, isStack: false) {
            try sink.bytes(cached)
            return
        }
        let made = Array(GoQuote.quote(generation.string(id)).utf8)
        texts.store(made, for: id, isStack: false)
        try sink.bytes(made)
    }

    /// The frame lines of a stack, formatted once per generation.
    private static func frames(_ id: UInt64, _ generation: GenerationTables?, _ sink: ByteSink, _ texts: TextCache) throws {
        guard id != 0, let generation else { return }
        texts.use(for: generation)
        if let cached = texts.text(id, isStack: true) {
            try sink.bytes(cached)
            return
        }
        guard let pcs = generation.stacks[id] else {
            throw TraceParseError(message: "expected id \(id) in trace.stack table", generation: generation.number)
        }
        var text: [UInt8] = []
        for pc in pcs {
            let frame = generation.frames[pc] ?? FrameRecord(pc: pc, function: 0, file: 0, line: 0)
            text.append(UInt8(ascii: "\t"))
            text += generation.string(frame.function)
            text += Array(" @ 0x\(String(pc, radix: 16))\n\t\t".utf8)
            text += generation.string(frame.file)
            text += Array(":\(frame.line)\n".utf8)
        }
        texts.store(text, for: id, isStack: true)
        try sink.bytes(text)
    }
}

