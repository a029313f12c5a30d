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
        try sink.ensure(128)
        sink.byte(UInt8(ascii: "M"))
        sink.byte(UInt8(ascii: "="))
        try sink.decimal(event.thread?.raw ?? -1)
        try sink.literal(" P=")
        try sink.decimal(event.proc?.raw ?? -1)
        try sink.literal(" G=")
        try sink.decimal(event.goroutine?.raw ?? -1)
        sink.byte(UInt8(ascii: " "))
        let kind = event.kind
        try sink.literal(name(of: kind))
        try sink.literal(" Time=")
        try sink.decimal(event.time)
        switch kind {
        case .sync:
            guard let sync = event.sync else { break }
            try sink.literal(" N=")
            try sink.decimal(Int64(sync.n))
            if let snapshot = sync.clockSnapshot {
                try sink.literal(" Trace=")
                try sink.decimal(snapshot.trace)
                try sink.literal(" Mono=")
                try sink.decimal(snapshot.mono)
                try sink.literal(" Wall=")
                try sink.text(WallClock.rfc3339(seconds: snapshot.wallSeconds, nanoseconds: snapshot.wallNanoseconds))
            }
        case .metric:
            guard let metric = event.metric else { break }
            try sink.literal(" Name=\"")
            try sink.text(metric.name)
            try sink.literal("\" Value=")
            try value(metric.value, sink)
        case .label:
            guard let label = event.label else { break }
            try sink.literal(" Label=")
            try quoted(label.label, sink, texts)
            try sink.literal(" Resource=")
            try resource(label.resource, sink)
        case .rangeBegin, .rangeActive, .rangeEnd:
            guard let range = event.range else { break }
            try sink.literal(" Name=")
            try sink.text(GoQuote.quote(range.name.bytes))
            try sink.literal(" Scope=")
            try resource(range.scope, sink)
            if kind == .rangeEnd {
                try sink.literal(" Attributes=[")
                for (index, attribute) in event.rangeAttributes.enumerated() {
                    if index != 0 { sink.byte(UInt8(ascii: " ")) }
                    try sink.text(GoQuote.quote(Array(attribute.name.utf8)))
                    sink.byte(UInt8(ascii: "="))
                    try value(attribute.value, sink)
                }
                try sink.literal("]")
            }
        case .taskBegin, .taskEnd:
            guard let task = event.task else { break }
            try sink.literal(" ID=")
            try sink.decimal(task.id.rawValue)
            try sink.literal(" Parent=")
            try sink.decimal(task.parent?.rawValue ?? NoResource.task)
            try sink.literal(" Type=")
            try quoted(task.type, sink, texts)
        case .regionBegin, .regionEnd:
            guard let region = event.region else { break }
            try sink.literal(" Task=")
            try sink.decimal(region.task.rawValue)
            try sink.literal(" Type=")
            try quoted(region.type, sink, texts)
        case .log:
            guard let log = event.log else { break }
            try sink.literal(" Task=")
            try sink.decimal(log.task.rawValue)
            try sink.literal(" Category=")
            try quoted(log.category, sink, texts)
            try sink.literal(" Message=")
            try quoted(log.message, sink, texts)
        case .stateTransition:
            guard let transition = event.stateTransition else { break }
            try sink.ensure(64)
            switch (transition.resource, transition.from, transition.to) {
            case (.proc(let id), .proc(let from), .proc(let to)):
                try sink.literal(" ProcID=")
                try sink.decimal(id.raw)
                sink.byte(UInt8(ascii: " "))
                try sink.literal(name(of: from))
                try sink.literal("->")
                try sink.literal(name(of: to))
            case (.goroutine(let id), .goroutine(let from), .goroutine(let to)):
                try sink.literal(" GoID=")
                try sink.decimal(id.raw)
                sink.byte(UInt8(ascii: " "))
                try sink.literal(name(of: from))
                try sink.literal("->")
                try sink.literal(name(of: to))
            default:
                // A transition pairs a resource with states of its own kind.
                break
            }
            try sink.literal(" Reason=")
            try quoted(transition.reason, sink, texts)
            if let stack = transition.stack {
                try sink.literal("\nTransitionStack=\n")
                try frames(stack, sink, texts)
            }
        case .experimental:
            guard let experimental = event.experimental else { break }
            try sink.literal(" Name=")
            try sink.text(experimental.name)
            try sink.literal(" Args=[")
            for (index, name) in experimental.argNames.enumerated() {
                if index != 0 { try sink.literal(", ") }
                try sink.text(name)
                try sink.literal("=")
                switch experimental.values[index] {
                case .string(let text): try sink.bytes(text.bytes)
                case .uint64(let number): try value(number, sink)
                }
            }
            try sink.literal("]")
        case .stackSample:
            break
        }
        if let stack = event.stack {
            try sink.literal("\nStack=\n")
            try frames(stack, sink, texts)
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
    private static func name(of state: GoState) -> StaticString {
        switch state {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .runnable: "Runnable"
        case .running: "Running"
        case .waiting: "Waiting"
        case .syscall: "Syscall"
        }
    }

    @inline(__always)
    private static func name(of state: ProcState) -> StaticString {
        switch state {
        case .undetermined: "Undetermined"
        case .notExist: "NotExist"
        case .running: "Running"
        case .idle: "Idle"
        }
    }

    /// A resource as Go prints a `ResourceID`: `None`, or `Goroutine(5)`, `Proc(0)`, `Thread(3)`.
    private static func resource(_ resource: ResourceID, _ sink: ByteSink) throws {
        try sink.ensure(40)
        switch resource {
        case .none:
            try sink.literal("None")
            return
        case .goroutine(let id):
            try sink.literal("Goroutine(")
            try sink.decimal(id.raw)
        case .proc(let id):
            try sink.literal("Proc(")
            try sink.decimal(id.raw)
        case .thread(let id):
            try sink.literal("Thread(")
            try sink.decimal(id.raw)
        }
        sink.byte(UInt8(ascii: ")"))
    }

    /// A metric or attribute value, as Go prints a `trace.Value` holding an integer.
    private static func value(_ number: UInt64, _ sink: ByteSink) throws {
        try sink.ensure(40)
        try sink.literal("Value{Uint64(")
        try sink.decimal(number)
        try sink.literal(")}")
    }

    /// A string in `%q` form; one from a generation's table is quoted once per generation.
    private static func quoted(_ string: TraceString, _ sink: ByteSink, _ texts: TextCache) throws {
        guard let (id, generation) = string.tableEntry else {
            let bytes = string.bytes
            if bytes.isEmpty {
                try sink.literal("\"\"")
            } else {
                try sink.text(GoQuote.quote(bytes))
            }
            return
        }
        texts.use(for: generation)
        if let cached = texts.text(id, isStack: false) {
            try sink.bytes(cached)
            return
        }
        let made = Array(GoQuote.quote(string.bytes).utf8)
        texts.store(made, for: id, isStack: false)
        try sink.bytes(made)
    }

    /// The frame lines of a stack, formatted once per generation.
    private static func frames(_ stack: ParsedEvent.Stack, _ sink: ByteSink, _ texts: TextCache) throws {
        guard stack.id != 0, let generation = stack.generation else { return }
        texts.use(for: generation)
        if let cached = texts.text(stack.id, isStack: true) {
            try sink.bytes(cached)
            return
        }
        guard generation.definesStack(stack.id) else {
            throw TraceParseError(message: "expected id \(stack.id) in trace.stack table", generation: generation.number)
        }
        var text: [UInt8] = []
        for frame in stack.frames {
            text.append(UInt8(ascii: "\t"))
            text += frame.function.bytes
            text += Array(" @ 0x\(String(frame.pc, radix: 16))\n\t\t".utf8)
            text += frame.file.bytes
            text += Array(":\(frame.line)\n".utf8)
        }
        texts.store(text, for: stack.id, isStack: true)
        try sink.bytes(text)
    }
}
