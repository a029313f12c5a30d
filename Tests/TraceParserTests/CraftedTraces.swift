import Foundation
import TestSupport
import TraceV2
import TraceWire

/// Builds small Go 1.22 traces from event lines in the raw text format that `gotrace encode`
/// reads (Go's own test-trace format: `Name key=value ...`, frame lines after a Stack, `data=`
/// after a String), one batch at a time, working out each batch's size; the bytes come from the
/// project's own ``WireWriter``. Long event lists are split into batches under the size limit.
///
/// Only the plain subset of the format is understood (values in order, data without escapes),
/// which keeps generating megabytes of events fast in a debug build.
struct TraceText {
    private var events: [WireEvent] = []
    private static let generation: UInt64 = 1
    private static let types: [String: EventType] = Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0.name, $0) })

    /// The event of one line (with its frame or data lines).
    private static func event(_ line: String) throws -> WireEvent {
        var values: [UInt64] = []
        var data: [UInt8]?
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard let name = words.first, let type = types[String(name)] else { throw SetupError("unknown event in \(line)") }
        for word in words.dropFirst() {
            if word.hasPrefix("data=\"") {
                data = Array(word.dropFirst(6).dropLast().utf8)
            } else if let equals = word.firstIndex(of: "="), let value = UInt64(word[word.index(after: equals)...]) {
                values.append(value)
            } else {
                throw SetupError("cannot read \(word) in \(line)")
            }
        }
        return WireEvent(type: type, args: values, data: data)
    }

    /// The encoded size of some events.
    private static func size(_ events: [WireEvent]) throws -> Int {
        let output = OutputBuffer()
        let writer = try WireWriter(output: output, version: .go1_22)
        for event in events { try writer.write(event) }
        return output.bytes.count - 16
    }

    /// Adds the events of thread `m` in batches that start at `time` and carry on from the last
    /// event's time; each batch opens with `opening` if given (a table batch's Stacks or Strings
    /// event), which is written even when there are no events.
    mutating func batches(m: UInt64, time: UInt64 = 0, opening: String? = nil, _ lines: [String]) throws {
        let limit = TraceLimits.maxBatchSize - 2048
        let first = try opening.map(Self.event)
        var start = time
        var pending: [WireEvent] = first.map { [$0] } ?? []
        var pendingSize = 0
        var elapsed: UInt64 = 0
        var wrote = false
        func flush() throws {
            let size = try Self.size(pending)
            events.append(WireEvent(type: .eventBatch, args: [Self.generation, m, start, UInt64(size)]))
            events += pending
            start += elapsed
            pending = first.map { [$0] } ?? []
            pendingSize = 0
            elapsed = 0
            wrote = true
        }
        for line in lines {
            let event = try Self.event(line)
            // An event's encoding is at most ten bytes per value plus its data.
            let estimate = 1 + 10 * event.args.count + 10 + (event.data?.count ?? 0)
            if pendingSize + estimate > limit { try flush() }
            pending.append(event)
            pendingSize += estimate
            if event.type.spec.isTimedEvent { elapsed += event.args[0] }
        }
        if pendingSize > 0 || (!wrote && first != nil) { try flush() }
    }

    /// The batches every generation needs besides the threads': the frequency, and the stack
    /// and string tables (which may be empty).
    mutating func tables(stacks: [String] = [], strings: [String] = []) throws {
        let other = UInt64.max
        try batches(m: other, ["Frequency freq=15625000"])
        try batches(m: other, opening: "Stacks", stacks)
        try batches(m: other, opening: "Strings", strings)
    }

    var binary: [UInt8] {
        get throws {
            let output = OutputBuffer()
            let writer = try WireWriter(output: output, version: .go1_22)
            for event in events { try writer.write(event) }
            return output.bytes
        }
    }

    func write(to url: URL) throws {
        try Data(binary).write(to: url)
    }
}

/// The crafted traces of issue 17: inputs chosen to make a naive reader slow or greedy, each with
/// a harmless twin of the same shape.
enum CraftedTraces {
    /// The fixed multiplier the ordering's tables hashed with before: keys `k` with
    /// `k * multiplier` below 2^40 all had their home in slot 0 of any table smaller than 2^24
    /// slots.
    static let oldMultiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The inverse of ``oldMultiplier`` modulo 2^64 (Newton's iteration).
    static let oldMultiplierInverse: UInt64 = {
        var inverse = oldMultiplier
        for _ in 0..<6 { inverse = inverse &* (2 &- oldMultiplier &* inverse) }
        return inverse
    }()

    /// IDs that all shared slot 0 under the old fixed hash, as signed IDs the runtime could
    /// write (positive, so both tools print them alike).
    static func collidingIDs(_ count: Int) -> [UInt64] {
        var ids: [UInt64] = []
        var step: UInt64 = 1
        while ids.count < count {
            let id = step &* oldMultiplierInverse
            if id < 1 << 63 { ids.append(id) }
            step += 1
        }
        return ids
    }

    /// IDs that differ only in their high bits (`i << 40`): the keys a multiplicative hash that
    /// keeps the low bits of the product would put in one slot, and the hardest pattern we know
    /// for multiply-shift hashing with a multiplier it cannot see (an arithmetic progression).
    static func highBitIDs(_ count: Int) -> [UInt64] {
        (1...count).map { UInt64($0) << 40 }
    }

    /// As many positive IDs from a fixed pseudo-random sequence.
    static func randomIDs(_ count: Int) -> [UInt64] {
        var state: UInt64 = 0x1234_5678
        var ids: Set<UInt64> = []
        var ordered: [UInt64] = []
        while ordered.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let id = (state >> 1) | 1
            if ids.insert(id).inserted { ordered.append(id) }
        }
        return ordered
    }

    /// One thread whose running goroutine creates a goroutine for each ID, then starts and stops
    /// each, so every ID goes into the goroutine table and is looked up again.
    static func goroutineFlood(_ ids: [UInt64]) throws -> TraceText {
        var trace = TraceText()
        var events = ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2"]
        for id in ids { events.append("GoCreate dt=1 new_g=\(id) new_stack=0 stack=0") }
        events.append("GoStop dt=1 reason_string=0 stack=0")
        for id in ids {
            events.append("GoStart dt=1 g=\(id) g_seq=1")
            events.append("GoDestroy dt=1")
        }
        try trace.batches(m: 0, events)
        try trace.tables()
        return trace
    }

    /// One batch per thread ID, each thread with its own P (whose ID is the thread's), idle:
    /// every ID goes into the thread and P tables.
    static func threadFlood(_ ids: [UInt64]) throws -> TraceText {
        var trace = TraceText()
        for (index, id) in ids.enumerated() {
            try trace.batches(m: id, time: UInt64(index + 1), ["ProcStatus dt=1 p=\(id) pstatus=2"])
        }
        try trace.tables()
        return trace
    }

    /// `threads` threads, each with a P and a waiting goroutine whose GoStart comes early, and one
    /// more thread that unblocks them all later, in reverse order: every start has to wait, and
    /// a reader that retries every waiting thread for each event does quadratic work.
    static func waitingThreads(_ threads: Int) throws -> TraceText {
        var trace = TraceText()
        for index in 1...threads {
            try trace.batches(m: UInt64(index), time: UInt64(index), [
                "ProcStatus dt=1 p=\(index) pstatus=1",
                "GoStatus dt=1 g=\(index + 1) m=\(index) gstatus=4",
                "GoStart dt=1 g=\(index + 1) g_seq=2",
                "GoStop dt=1 reason_string=0 stack=0",
            ])
        }
        var unblocks = ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2"]
        for index in stride(from: threads, through: 1, by: -1) {
            unblocks.append("GoUnblock dt=1 g=\(index + 1) g_seq=1 stack=0")
        }
        try trace.batches(m: 0, time: UInt64(threads + 10), unblocks)
        try trace.tables()
        return trace
    }

    /// The number of stacks that makes ``bigStacks(_:)`` a trace of about 1 MB.
    static let stacksForOneMegabyte = 800

    /// `stacks` stacks of 128 frames whose function and file names are 1 KB each, and one
    /// goroutine creation on each stack: the printed text of one stack is 256 KB, so a printer
    /// that keeps every stack's text holds far more than the input.
    static func bigStacks(_ stacks: Int) throws -> TraceText {
        var trace = TraceText()
        var events = ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2"]
        for index in 1...stacks {
            events.append("GoCreate dt=1 new_g=\(index + 1) new_stack=0 stack=\(index)")
        }
        try trace.batches(m: 0, events)
        var strings: [String] = []
        for index in 1...256 {
            let name = String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: 1000) + "\(index)"
            strings.append("String id=\(index)\n\tdata=\"\(name)\"")
        }
        var stackEvents: [String] = []
        for index in 1...stacks {
            var lines = ["Stack id=\(index) nframes=128"]
            for frame in 0..<128 {
                // The frames rotate, so no two stacks are alike.
                let pc = 0x1000 + (frame + index) % 128
                lines.append("\tpc=\(pc) func=\(1 + (pc & 127)) file=\(129 + (pc & 127)) line=\(frame + 1)")
            }
            stackEvents.append(lines.joined(separator: "\n"))
        }
        try trace.tables(stacks: stackEvents, strings: strings)
        return trace
    }
}
