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

    // Everything below reads the event through its public accessors, so that each comparison
    // with Go's output also checks what a user of the library gets. Only the caches of quoted
    // strings and formatted stacks look behind them, at the table entry a string or stack came
    // from.

    static func write(_ event: ParsedEvent, to sink: ByteSink, texts: TextCache) throws {
        // The header and a state transition's fixed part take at most 200 bytes; every piece of
        // unbounded length checks the room itself, and later fixed pieces ensure theirs.
        var out = try sink.cursor(room: 256)
        out.literal("M=")
        out.decimal(event.thread?.raw ?? -1)
        out.literal(" P=")
        out.decimal(event.proc?.raw ?? -1)
        out.literal(" G=")
        out.decimal(event.goroutine?.raw ?? -1)
        out.byte(UInt8(ascii: " "))
        let kind = event.kind
        writeName(of: kind, &out)
        out.literal(" Time=")
        out.decimal(event.time)
        switch kind {
        case .sync:
            guard let sync = event.sync else { break }
            try out.ensure(128, sink)
            out.literal(" N=")
            out.decimal(Int64(sync.n))
            if let snapshot = sync.clockSnapshot {
                out.literal(" Trace=")
                out.decimal(snapshot.trace)
                out.literal(" Mono=")
                out.decimal(snapshot.mono)
                out.literal(" Wall=")
                try out.text(WallClock.rfc3339(seconds: snapshot.wallSeconds, nanoseconds: snapshot.wallNanoseconds), sink)
            }
        case .metric:
            guard let metric = event.metric else { break }
            out.literal(" Name=\"")
            try out.text(metric.name, sink)
            try out.ensure(64, sink)
            out.literal("\" Value=")
            value(metric.value, &out)
        case .label:
            guard let label = event.label else { break }
            out.literal(" Label=")
            try quoted(label.label, &out, sink, texts)
            try out.ensure(64, sink)
            out.literal(" Resource=")
            resource(label.resource, &out)
        case .rangeBegin, .rangeActive, .rangeEnd:
            guard let range = event.range else { break }
            out.literal(" Name=")
            try out.text(GoQuote.quote(range.name.bytes), sink)
            try out.ensure(64, sink)
            out.literal(" Scope=")
            resource(range.scope, &out)
            if kind == .rangeEnd {
                out.literal(" Attributes=[")
                for (index, attribute) in event.rangeAttributes.enumerated() {
                    try out.ensure(8, sink)
                    if index != 0 { out.byte(UInt8(ascii: " ")) }
                    try out.text(GoQuote.quote(Array(attribute.name.utf8)), sink)
                    try out.ensure(64, sink)
                    out.byte(UInt8(ascii: "="))
                    value(attribute.value, &out)
                }
                try out.ensure(8, sink)
                out.literal("]")
            }
        case .taskBegin, .taskEnd:
            guard let task = event.task else { break }
            out.literal(" ID=")
            out.decimal(task.id.rawValue)
            out.literal(" Parent=")
            out.decimal(task.parent?.rawValue ?? NoResource.task)
            out.literal(" Type=")
            try quoted(task.type, &out, sink, texts)
        case .regionBegin, .regionEnd:
            guard let region = event.region else { break }
            out.literal(" Task=")
            out.decimal(region.task.rawValue)
            out.literal(" Type=")
            try quoted(region.type, &out, sink, texts)
        case .log:
            guard let log = event.log else { break }
            out.literal(" Task=")
            out.decimal(log.task.rawValue)
            out.literal(" Category=")
            try quoted(log.category, &out, sink, texts)
            try out.ensure(16, sink)
            out.literal(" Message=")
            try quoted(log.message, &out, sink, texts)
        case .stateTransition:
            guard let transition = event.stateTransition else { break }
            switch (transition.resource, transition.from, transition.to) {
            case (.proc(let id), .proc(let from), .proc(let to)):
                out.literal(" ProcID=")
                out.decimal(id.raw)
                out.byte(UInt8(ascii: " "))
                writeName(of: from, &out)
                out.literal("->")
                writeName(of: to, &out)
            case (.goroutine(let id), .goroutine(let from), .goroutine(let to)):
                out.literal(" GoID=")
                out.decimal(id.raw)
                out.byte(UInt8(ascii: " "))
                writeName(of: from, &out)
                out.literal("->")
                writeName(of: to, &out)
            default:
                // A transition pairs a resource with states of its own kind.
                break
            }
            out.literal(" Reason=")
            try quoted(transition.reason, &out, sink, texts)
            // Read in place: binding the stack to a constant copies its generation, a retain
            // and a release (callgrind, printing thread of `gotrace parsed` on a 3.9 MB trace
            // of 781k events: 920M instructions bound, 901M in place).
            if transition.stack != nil {
                try out.ensure(32, sink)
                out.literal("\nTransitionStack=\n")
                try frames(transition.stack.unsafelyUnwrapped.id, transition.stack.unsafelyUnwrapped.generation,
                           &out, sink, texts)
            }
        case .experimental:
            guard let experimental = event.experimental else { break }
            out.literal(" Name=")
            try out.text(experimental.name, sink)
            try out.ensure(16, sink)
            out.literal(" Args=[")
            for (index, name) in experimental.argNames.enumerated() {
                try out.ensure(8, sink)
                if index != 0 { out.literal(", ") }
                try out.text(name, sink)
                try out.ensure(64, sink)
                out.literal("=")
                switch experimental.values[index] {
                case .string(let text): try out.bytes(text.bytes, sink)
                case .uint64(let number): value(number, &out)
                }
            }
            try out.ensure(8, sink)
            out.literal("]")
        case .stackSample:
            break
        }
        // The public `stack` is `stackID` with the event's generation: read here as those two,
        // the generation borrowed from the event rather than copied into a `Stack` (a retain
        // and a release per event; callgrind, printing thread of `gotrace parsed` on a 3.9 MB
        // trace of 781k events: 982M instructions before, 957M after).
        if let stackID = event.stackID {
            try out.ensure(16, sink)
            out.literal("\nStack=\n")
            try frames(stackID, event.generation, &out, sink, texts)
        }
        try out.ensure(1, sink)
        out.byte(UInt8(ascii: "\n"))
        sink.commit(out)
    }

    // The names below are the same as the enums' descriptions (the kind names come from the
    // spec; SpecAgreementTests holds them equal), as static text for the hot path.

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

    /// Writes ``name(of:)-swift.type.method`` with one literal per case, so each copy has a
    /// constant length. Needs 16 bytes of room.
    @inline(__always)
    private static func writeName(of kind: EventKind, _ out: inout ByteSink.Cursor) {
        switch kind {
        case .sync: out.literal("Sync")
        case .metric: out.literal("Metric")
        case .label: out.literal("Label")
        case .stackSample: out.literal("StackSample")
        case .rangeBegin: out.literal("RangeBegin")
        case .rangeActive: out.literal("RangeActive")
        case .rangeEnd: out.literal("RangeEnd")
        case .taskBegin: out.literal("TaskBegin")
        case .taskEnd: out.literal("TaskEnd")
        case .regionBegin: out.literal("RegionBegin")
        case .regionEnd: out.literal("RegionEnd")
        case .log: out.literal("Log")
        case .stateTransition: out.literal("StateTransition")
        case .experimental: out.literal("Experimental")
        }
    }

    /// A goroutine state's name, as its description gives it. Needs 16 bytes of room.
    @inline(__always)
    private static func writeName(of state: GoState, _ out: inout ByteSink.Cursor) {
        switch state {
        case .undetermined: out.literal("Undetermined")
        case .notExist: out.literal("NotExist")
        case .runnable: out.literal("Runnable")
        case .running: out.literal("Running")
        case .waiting: out.literal("Waiting")
        case .syscall: out.literal("Syscall")
        }
    }

    /// A P state's name, as its description gives it. Needs 16 bytes of room.
    @inline(__always)
    private static func writeName(of state: ProcState, _ out: inout ByteSink.Cursor) {
        switch state {
        case .undetermined: out.literal("Undetermined")
        case .notExist: out.literal("NotExist")
        case .running: out.literal("Running")
        case .idle: out.literal("Idle")
        }
    }

    /// A resource as Go prints a `ResourceID`: `None`, or `Goroutine(5)`, `Proc(0)`, `Thread(3)`.
    /// Needs 40 bytes of room.
    private static func resource(_ resource: ResourceID, _ out: inout ByteSink.Cursor) {
        switch resource {
        case .none:
            out.literal("None")
            return
        case .goroutine(let id):
            out.literal("Goroutine(")
            out.decimal(id.raw)
        case .proc(let id):
            out.literal("Proc(")
            out.decimal(id.raw)
        case .thread(let id):
            out.literal("Thread(")
            out.decimal(id.raw)
        }
        out.byte(UInt8(ascii: ")"))
    }

    /// A metric or attribute value, as Go prints a `trace.Value` holding an integer. Needs 40
    /// bytes of room.
    private static func value(_ number: UInt64, _ out: inout ByteSink.Cursor) {
        out.literal("Value{Uint64(")
        out.decimal(number)
        out.literal(")}")
    }

    /// A string in `%q` form; one from a generation's table is quoted once per generation.
    /// The common cases (cached, empty) are inlined into `write`, as is the cached case of
    /// `frames`; the rest is a call (callgrind, printing thread of `gotrace parsed` on a 3.9 MB
    /// trace of 781k events: 926M instructions with both as calls, 920M inlined).
    @inline(__always)
    private static func quoted(_ string: TraceString, _ out: inout ByteSink.Cursor, _ sink: ByteSink,
                               _ texts: TextCache) throws {
        // Matching the storage in place borrows the generation; a property handing out the
        // (ID, generation) pair made a copy, a retain and a release per string (with the same
        // change in `frames`:
        // 1,023M instructions before, 982M after; callgrind, printing thread of `gotrace parsed`
        // on a 3.9 MB trace of 781k events).
        switch string.storage {
        case .table(let id, let generation):
            texts.use(for: generation)
            if let cached = texts.text(id, isStack: false) {
                try out.bytes(cached, sink)
                return
            }
        case .empty:
            try out.ensure(2, sink)
            out.literal("\"\"")
            return
        case .bytes(let bytes):
            if bytes.isEmpty {
                try out.ensure(2, sink)
                out.literal("\"\"")
                return
            }
        }
        try quoteAndCache(string, &out, sink, texts)
    }

    /// A string that is not empty and not cached yet, quoted (and cached if it is a table's).
    private static func quoteAndCache(_ string: TraceString, _ out: inout ByteSink.Cursor, _ sink: ByteSink,
                                      _ texts: TextCache) throws {
        guard case .table(let id, let generation) = string.storage else {
            try out.text(GoQuote.quote(string.bytes), sink)
            return
        }
        texts.use(for: generation)
        let made = Array(GoQuote.quote(string.bytes).utf8)
        texts.store(made, for: id, isStack: false)
        try out.bytes(made, sink)
    }

    /// The frame lines of stack `id` of `generation`, formatted once per generation. The cached
    /// case is inlined into `write`; formatting is a call.
    @inline(__always)
    private static func frames(_ id: UInt64, _ generation: GenerationTables?, _ out: inout ByteSink.Cursor,
                               _ sink: ByteSink, _ texts: TextCache) throws {
        // The generation is used in place while the text is cached; binding it to a constant
        // cost a retain and a release per stack (see `quoted` for the figure).
        guard id != 0, generation != nil else { return }
        texts.use(for: generation.unsafelyUnwrapped)
        if let cached = texts.text(id, isStack: true) {
            try out.bytes(cached, sink)
            return
        }
        try formatFrames(id, generation.unsafelyUnwrapped, &out, sink, texts)
    }

    /// Formats, caches and writes the frame lines of a stack not cached yet.
    private static func formatFrames(_ id: UInt64, _ generation: GenerationTables, _ out: inout ByteSink.Cursor,
                                     _ sink: ByteSink, _ texts: TextCache) throws {
        guard generation.definesStack(id) else {
            throw TraceParseError(message: "expected id \(id) in trace.stack table", generation: generation.number)
        }
        var text: [UInt8] = []
        for frame in ParsedEvent.Stack(id: id, generation: generation).frames {
            text.append(UInt8(ascii: "\t"))
            text += frame.function.bytes
            text += Array(" @ 0x\(String(frame.pc, radix: 16))\n\t\t".utf8)
            text += frame.file.bytes
            text += Array(":\(frame.line)\n".utf8)
        }
        texts.store(text, for: id, isStack: true)
        try out.bytes(text, sink)
    }
}
