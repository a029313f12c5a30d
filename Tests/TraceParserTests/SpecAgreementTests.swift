import Foundation
import Testing
@testable import TraceParser
import TraceV2
import TraceWire

/// The parser's per-type facts against the spec's (the generated TraceV2 tables), and the spec's
/// against what Go 1.27.3's `go tool trace -d=parsed` printed for every fixture. If the spec or
/// the parser drifts, one of these fails before a byte comparison has to explain why.
@Suite struct SpecAgreementTests {
    /// The parser's kinds are the spec's (TraceV2's `EventKind`): each type's row holds the
    /// kind the spec gives it, the parser's own Sync byte is Sync, and the printer's static name
    /// of each kind is the spec's.
    @Test func kindsAreTheSpecs() {
        for kind in EventKind.allCases {
            #expect("\(ParsedPrinter.name(of: kind))" == kind.rawValue, "the printer's static name of \(kind)")
        }
        for type in EventType.allCases {
            let row = KindTable.shared.rows[Int(type.rawValue)]
            #expect(row.kind == type.kind, "\(type.name)")
            // Every type the parser orders has a kind, so every event handed out has one.
            if row.ordering.mode != .unordered { #expect(row.kind != nil, "\(type.name)") }
        }
        #expect(KindTable.shared.rows[Int(syncEventCode)].kind == .sync)
        #expect(EventType(rawValue: syncEventCode) == nil, "the parser's Sync byte must stay free")
    }

    /// The parser orders exactly the events the spec orders, and by the spec's entry: every
    /// event with a kind has an ordering (CPU samples excepted, which the parser merges in by
    /// time without ordering them), no structural event has one, and the compiled plan the
    /// parser runs is the generated entry, step for step.
    @Test func theParserOrdersByTheGeneratedTable() {
        var handlers: Set<EventType.Ordering.Handler> = []
        for type in EventType.allCases {
            let ordering = type.ordering
            let plan = KindTable.shared.rows[Int(type.rawValue)].ordering
            switch type.kind {
            case nil, .stackSample?: #expect(ordering.mode == .unordered, "\(type.name)")
            default: #expect(ordering.mode != .unordered, "\(type.name) has a kind but no ordering")
            }
            switch ordering.mode {
            case .unordered: #expect(plan.mode == .unordered, "\(type.name)")
            case .data: #expect(plan.mode == .data, "\(type.name)")
            case .handler(let handler):
                #expect(plan.mode == .handler(handler), "\(type.name)")
                handlers.insert(handler)
            }
            guard ordering.mode != .unordered else { continue }
            #expect([plan.requirements.0, plan.requirements.1, plan.requirements.2] == ordering.context, "\(type.name)")
            #expect(plan.checksContextLast == ordering.checksContextLast, "\(type.name)")
            #expect(Int(plan.stepCount) == ordering.changes.count, "\(type.name)")
            for (index, change) in ordering.changes.enumerated() {
                let step = KindTable.shared.steps[Int(plan.firstStep) + index]
                #expect(step.resource == change.resource && step.from == change.from && step.creates == change.creates
                        && step.isOptional == change.isOptional && step.waitWhile == change.waitWhile,
                        "\(type.name) change \(index)")
                #expect(step.sequence < 0 ? change.sequence == nil : Int(step.sequence) + 1 == change.sequence,
                        "\(type.name) change \(index): sequence argument")
                #expect(KindTable.shared.stepMessages[Int(plan.firstStep) + index] == change.messages, "\(type.name)")
            }
        }
        #expect(KindTable.shared.rows[Int(syncEventCode)].ordering.mode == .unordered)
        // Every handler the spec names is used, so the parser's switch over them is all live.
        #expect(handlers == Set(EventType.Ordering.Handler.allCases))
    }

    /// The typed events of every fixture carry the spec's kind, metric name, range name and
    /// scope, and the resource of a state transition.
    @Test(arguments: ParserSupport.fixtureNames)
    func typedEventsFollowTheSpec(_ name: String) throws {
        let trace = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let reader = try TraceReader(bytes: trace)
        var ranges = 0
        // Go parses every fixture to its end, so must the reader: an error fails the test.
        while let event = try reader.next() {
            guard let type = event.type else {
                #expect(event.kind == .sync)
                continue
            }
            #expect(event.kind == type.kind, "\(name): \(type.name)")
            if let metric = type.metric {
                #expect(event.metric?.name == metric, "\(name): \(type.name)")
            } else {
                #expect(event.metric == nil)
            }
            if let resource = type.resource {
                let transition = try #require(event.stateTransition, "\(name): \(type.name)")
                #expect(transition.resource.kind == (resource == .proc ? .proc : .goroutine), "\(name): \(type.name)")
            } else {
                #expect(event.stateTransition == nil, "\(name): \(type.name)")
            }
            if let spec = type.range {
                ranges += 1
                let range = try #require(event.range, "\(name): \(type.name)")
                let (prefix, suffix) = Self.literalEnds(of: spec)
                #expect(range.name.string.hasPrefix(prefix) && range.name.string.hasSuffix(suffix), "\(name): \(range.name)")
                #expect(range.scope.kind == ResourceKind(spec.scope), "\(name): \(type.name)")
            } else {
                #expect(event.range == nil)
            }
        }
        if name.hasSuffix("/generations") { #expect(ranges > 0) }
    }

    /// What the real tool printed agrees with the spec: every kind word is a kind of the spec,
    /// every metric name a metric of the spec, every range name and scope those of a range of
    /// the spec.
    @Test(arguments: ParserSupport.fixtureNames)
    func goToolOutputFollowsTheSpec(_ name: String) throws {
        let text = try String(contentsOf: ParserSupport.fixture(name, ".parsed"), encoding: .utf8)
        let kinds = Set(TraceV2.EventKind.allCases.map(\.rawValue))
        let metrics = Set(EventType.allCases.compactMap(\.metric))
        let ranges = Set(EventType.allCases.compactMap(\.range))
        for line in text.split(separator: "\n") where line.hasPrefix("M=") {
            let words = line.split(separator: " ", maxSplits: 4)
            guard words.count >= 4 else { continue }
            let kind = String(words[3])
            #expect(kinds.contains(kind), "\(name): \(line)")
            guard let quoted = Self.quotedName(in: line) else { continue }
            if kind == TraceV2.EventKind.metric.rawValue {
                #expect(metrics.contains { GoQuote.quote(Array($0.utf8)) == quoted }, "\(name): \(line)")
            } else if kind.hasPrefix("Range") {
                let matching = ranges.filter { range in
                    let (prefix, suffix) = Self.literalEnds(of: range)
                    return quoted.dropLast().hasPrefix(GoQuote.quote(Array(prefix.utf8)).dropLast())
                        && quoted.dropFirst().hasSuffix(GoQuote.quote(Array(suffix.utf8)).dropFirst())
                }
                #expect(matching.count == 1, "\(name): \(line)")
                if let range = matching.first {
                    let scope = ResourceKind(range.scope).description
                    #expect(line.contains("\(quoted) Scope=\(scope)"), "\(name): \(line)")
                }
            }
        }
    }

    /// The text of a range name before its first `{argument}` and after its last one (the whole
    /// name twice when it has none).
    static func literalEnds(of range: EventRange) -> (String, String) {
        let marked = range.name(filling: { _ in "\u{0}" })
        let parts = marked.split(separator: "\u{0}", omittingEmptySubsequences: false)
        return (String(parts.first ?? ""), String(parts.last ?? ""))
    }

    /// The Go-quoted string after ` Name=` in a printed event line, quotes included.
    static func quotedName(in line: Substring) -> String? {
        guard let start = line.range(of: " Name=\"")?.upperBound else { return nil }
        var index = start
        var escaped = false
        while index < line.endIndex {
            let character = line[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return "\"" + line[start..<index] + "\""
            }
            index = line.index(after: index)
        }
        return nil
    }
}
