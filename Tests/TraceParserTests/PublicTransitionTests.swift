import Foundation
import Testing
import TestSupport
import TraceParser
@testable import TraceWire

/// What a library user gets from ``ParsedEvent/stateTransition`` and ``ParsedEvent/stack``,
/// checked against Go: every state transition of every Go 1.27 fixture, written out from the
/// public accessors alone (thread, P, goroutine, time, the resource, the typed states, the reason
/// and the stack's frames) in Go's `-d=parsed` form, must equal Go's own lines for those events,
/// and so must every event's own stack.
@Suite struct PublicTransitionTests {
    /// Go's lines for the state transitions of a `-d=parsed` output: each event's line and, when
    /// it has one, its `TransitionStack=` block up to and including the empty line that ends it.
    static func goTransitions(_ parsed: String) -> [String] {
        let lines = parsed.split(separator: "\n", omittingEmptySubsequences: false)
        var result: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard line.hasPrefix("M="), line.contains(" StateTransition Time=") else { continue }
            var record = [String(line)]
            if index < lines.count, lines[index] == "TransitionStack=" {
                while index < lines.count {
                    record.append(String(lines[index]))
                    index += 1
                    if record.last == "" { break }
                }
            }
            result.append(record.joined(separator: "\n"))
        }
        return result
    }

    /// An ID as Go's parser prints it: signed, and -1 for none.
    static func signed<ID: RawRepresentable<UInt64>>(_ id: ID?) -> Int64 {
        id.map { Int64(bitPattern: $0.rawValue) } ?? -1
    }

    /// The same text, from the public API.
    static func ourTransitions(_ trace: URL) throws -> [String] {
        let reader = try TraceReader(source: try FileDescriptorSource(path: trace.path))
        var result: [String] = []
        while let event = try reader.next() {
            guard let transition = event.stateTransition else { continue }
            let resource: String
            switch transition.resource {
            case .goroutine(let id): resource = "GoID=\(signed(id))"
            case .proc(let id): resource = "ProcID=\(signed(id))"
            case .thread, .none: Issue.record("a transition of \(transition.resource)"); continue
            }
            var text = "M=\(signed(event.thread)) P=\(signed(event.proc)) G=\(signed(event.goroutine))"
                + " StateTransition Time=\(event.time) \(resource) \(transition.from)->\(transition.to)"
                + " Reason=\(GoQuote.quote(transition.reason.bytes))"
            if let stack = transition.stack {
                text += "\nTransitionStack="
                for frame in stack.frames {
                    text += "\n\t\(frame.function) @ 0x\(String(frame.pc, radix: 16))\n\t\t\(frame.file):\(frame.line)"
                }
                text += "\n"
            }
            result.append(text)
        }
        return result
    }

    @Test(arguments: try fixtureNames(in: Support.fixtures.appendingPathComponent("go1.27"), suffix: ".parsed", minimum: 5))
    func transitionsThroughThePublicAPIAreGos(_ name: String) throws {
        let folder = Support.fixtures.appendingPathComponent("go1.27")
        let go = Self.goTransitions(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        let ours = try Self.ourTransitions(folder.appendingPathComponent(name.replacingOccurrences(of: ".parsed", with: ".trace")))
        try #require(go.count > 10, "too few transitions in \(name) to compare")
        #expect(ours.count == go.count)
        for (index, (mine, theirs)) in zip(ours, go).enumerated() where mine != theirs {
            Issue.record("\(name), transition \(index + 1):\nours: \(mine)\nGo's: \(theirs)")
            break
        }
    }

    /// Each event's `Stack=` block in a `-d=parsed` text: the event's place in the stream and the
    /// frame lines under it.
    static func goStacks(_ parsed: String) -> [String] {
        var result: [String] = []
        var event = -1
        var block: [Substring]?
        for line in parsed.split(separator: "\n", omittingEmptySubsequences: false) {
            if var lines = block {
                if line.isEmpty {
                    result.append("\(event): " + lines.joined(separator: "\n"))
                    block = nil
                } else {
                    lines.append(line)
                    block = lines
                }
            } else if line.hasPrefix("M=") {
                event += 1
            } else if line == "Stack=" {
                block = []
            }
        }
        return result
    }

    /// The same blocks from the public `stack` of each event: `gotrace parsed` prints the stack
    /// from the event's stack ID and generation, which is what this accessor hands out.
    static func ourStacks(_ trace: URL) throws -> [String] {
        let reader = try TraceReader(source: try FileDescriptorSource(path: trace.path))
        var result: [String] = []
        var index = -1
        while let event = try reader.next() {
            index += 1
            guard let stack = event.stack else { continue }
            let lines = stack.frames.map { "\t\($0.function) @ 0x\(String($0.pc, radix: 16))\n\t\t\($0.file):\($0.line)" }
            result.append("\(index): " + lines.joined(separator: "\n"))
        }
        return result
    }

    @Test(arguments: try fixtureNames(in: Support.fixtures.appendingPathComponent("go1.27"), suffix: ".parsed", minimum: 5))
    func stacksThroughThePublicAPIAreGos(_ name: String) throws {
        let folder = Support.fixtures.appendingPathComponent("go1.27")
        let go = Self.goStacks(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        let ours = try Self.ourStacks(folder.appendingPathComponent(name.replacingOccurrences(of: ".parsed", with: ".trace")))
        try #require(go.count > 10, "too few stacks in \(name) to compare")
        #expect(ours.count == go.count)
        for (mine, theirs) in zip(ours, go) where mine != theirs {
            Issue.record("\(name):\nours: \(mine)\nGo's: \(theirs)")
            break
        }
    }

    /// The typed states: a goroutine's transition has goroutine states, a P's has P states.
    @Test func statesAreTypedByResource() throws {
        let trace = Support.fixtures.appendingPathComponent("go1.27/goroutines.trace")
        let reader = try TraceReader(source: try FileDescriptorSource(path: trace.path))
        var goroutines = 0, procs = 0
        while let event = try reader.next() {
            guard let transition = event.stateTransition else { continue }
            switch (transition.resource.kind, transition.from, transition.to) {
            case (.goroutine, .goroutine, .goroutine):
                goroutines += 1
                #expect(transition.goroutineStates != nil && transition.procStates == nil)
            case (.proc, .proc, .proc):
                procs += 1
                #expect(transition.procStates != nil && transition.goroutineStates == nil)
            default:
                Issue.record("a transition of \(transition.resource) reports \(transition.from)->\(transition.to)")
            }
        }
        #expect(goroutines > 100 && procs > 0)
    }
}
