import TraceV2

/// What the analyses that look at every event read of it without resolving any string: a
/// goroutine's state change with its IDs as the trace gives them, and the generation's tables
/// looked up by ID only when an ID is new.
extension ParsedEvent {
    /// A goroutine's state change: the reason and the event's own stack are IDs of the event's
    /// generation (0 for none).
    package struct GoroutineChange {
        package var goroutine: RawGoID
        package var from: GoState
        package var to: GoState
        package var reason: UInt64
        package var stack: UInt64
    }

    /// Which generation's tables the event's IDs refer to. Only for telling generations apart
    /// while one is current: the identity of a finished generation may be reused by a later one.
    @inline(__always)
    package var generationIdentity: ObjectIdentifier? { generation.map(ObjectIdentifier.init) }

    /// The bytes of string `id` of the event's generation (empty for 0 and unknown IDs).
    package func stringBytes(_ id: UInt64) -> [UInt8] {
        generation?.string(id) ?? []
    }

    /// The frames of stack `id` of the event's generation as ``Stack/goFrames`` gives them,
    /// innermost first, with their strings as bytes: a PC the generation has no frame for is an
    /// empty frame with PC 0; stack 0 and unknown stacks have none.
    package func goFrameBytes(ofStack id: UInt64) -> [(pc: UInt64, function: [UInt8], file: [UInt8], line: UInt64)] {
        guard id != 0, let generation, let pcs = generation.stacks[id] else { return [] }
        return pcs.map { pc in
            let frame = generation.frames[pc] ?? FrameRecord(pc: 0, function: 0, file: 0, line: 0)
            return (frame.pc, generation.string(frame.function), generation.string(frame.file), frame.line)
        }
    }
}

/// Reads the goroutine state changes of events as ``ParsedEvent/stateTransition`` reports them,
/// with the reason and stack left as IDs, from a table of 256 small rows made once. Going through
/// ``ParsedEvent/rawTransition`` instead (the shared tables' `swift_once` and a copy of the
/// spec's transition per event) cost 150M instructions where this costs 42M, for
/// `gotrace pprof sched` on a 3.9 MB trace of 781,366 events (callgrind).
package struct GoroutineChangeReader {
    private struct Rule {
        enum Mode: UInt8 {
            /// The type reports no goroutine's change.
            case none
            /// The spec states the change.
            case spec
            /// GoStatus: from the state the ordering found, to the status of argument 3.
            case goStatus
        }

        var mode = Mode.none
        /// The argument position (1-based) that names the goroutine; 0 for the current one.
        var target: UInt8 = 0
        var from = GoState.undetermined
        var to = GoState.undetermined
        /// The argument positions of the reason and of the event's own stack; 0 for none.
        var reason: UInt8 = 0
        var stack: UInt8 = 0
    }

    private let rules: UnsafePointer<Rule>

    package init() { rules = Self.table }

    // Filled once, here, and only read after, by any thread.
    nonisolated(unsafe) private static let table: UnsafePointer<Rule> = {
        let kinds = KindTable.shared, stacks = TimedEventTable.shared
        let rules = UnsafeMutablePointer<Rule>.allocate(capacity: 256)
        rules.initialize(repeating: Rule(), count: 256)
        for type in EventType.allCases where type.kind == .stateTransition {
            let code = Int(type.rawValue)
            var rule = Rule()
            rule.stack = UInt8(stacks.firstStackPosition(type.rawValue))
            if let transition = kinds.transitions[code] {
                guard transition.resource == .goroutine else { continue }
                rule.mode = .spec
                if case .argument(let position) = transition.target { rule.target = UInt8(position) }
                rule.from = GoState(transition.from) ?? .undetermined
                rule.to = GoState(transition.to) ?? .undetermined
                rule.reason = UInt8(transition.reason ?? 0)
                // The stack the analyses charge is the event's own, whatever the spec reports
                // with the change (a new goroutine's, for GoCreate).
            } else if case .handler(.goStatus) = kinds.rows[code].ordering.mode {
                rule.mode = .goStatus
            } else {
                continue
            }
            rules[code] = rule
        }
        return UnsafePointer(rules)
    }()

    /// The goroutine state change `event` reports; nil for a P's, and for every other event.
    @inline(__always)
    package func change(_ event: ParsedEvent) -> ParsedEvent.GoroutineChange? {
        let rule = rules[Int(event.code)]
        // A position of 0 (none) reads index -1, which the arguments give as 0.
        let args = event.args
        switch rule.mode {
        case .none:
            return nil
        case .spec:
            let id = rule.target == 0 ? event.context.goroutine : Int64(bitPattern: args[Int(rule.target) - 1])
            return ParsedEvent.GoroutineChange(goroutine: id, from: rule.from, to: rule.to,
                                               reason: args[Int(rule.reason) - 1], stack: args[Int(rule.stack) - 1])
        case .goStatus:
            guard case .previousState(let before) = event.note else { return nil }
            return ParsedEvent.GoroutineChange(goroutine: Int64(bitPattern: args[0]), from: GoState(rawValue: before) ?? .undetermined,
                                               to: GoState(wire: UInt8(truncatingIfNeeded: args[2])), reason: 0,
                                               stack: args[Int(rule.stack) - 1])
        }
    }
}

extension TraceReader {
    /// Hands each event, as ``next()`` returns it, to `body`. In this module the loop destroys
    /// each event with ParsedEvent's own outlined code; the same loop in another module went
    /// through Optional's generic value witnesses, about 110 instructions an event more.
    package func forEachEvent(_ body: (ParsedEvent) throws -> Void) throws {
        while let event = try next() { try body(event) }
    }
}
