import Foundation
import Testing
@testable import TraceGenCore

/// The ordering tables of the generated TraceV2 module say what the spec says, event by event.
///
/// The checked-in `Generated/Swift/TraceV2` is compiled with a small program that prints every
/// event type's `ordering` in one line each; the same lines are made here from the spec's
/// resolved model, and the two must be equal.
@Suite struct SwiftOrderingTableTests {
    /// One line per wire byte 0–255 that names an event, as the model describes its ordering.
    static func expectedLines(_ model: TraceModel) -> [String] {
        func target(_ target: TraceModel.Target) -> String {
            switch target {
            case .current: "current"
            case .argument(let argument): "arg\(argument.position)"
            }
        }
        func mask(_ statuses: [TraceModel.Status]) -> String { String(statuses.reduce(UInt64(0)) { $0 | 1 << UInt64($1.value) }) }
        return model.events.map { event in
            let ordering = event.ordering ?? .unordered
            let mode: String = switch ordering.mode {
            case .unordered: "unordered"
            case .data: "data"
            case .handler(let name): "handler:\(Naming.swiftMember(name))"
            }
            let changes = ordering.changes.map { change in
                let to: String = switch change.to {
                case .status(let status)?: "s\(status.value)"
                case .absent?: "absent"
                case nil: "-"
                }
                let bind: String = switch change.thread {
                case .bind?: "true"
                case .unbind?: "false"
                case nil: "-"
                }
                let sequence = change.sequence.map { "\($0.argument.position)/\($0.mismatch.rawValue)" } ?? "-"
                return "\(model.resources[change.resource].swiftName)@\(target(change.target)) from=\(mask(change.from)) creates=\(change.creates) "
                    + "to=\(to) bind=\(bind) seq=\(sequence) range=\(change.range?.rawValue ?? "-") opt=\(change.optional) wait=\(mask(change.waitWhile))"
            }
            let transition = ordering.transition.map {
                "\(model.resources[$0.resource].swiftName)@\(target($0.target)):\(Naming.swiftMember($0.from))->\(Naming.swiftMember($0.to))"
            } ?? "-"
            return "\(event.id) \(mode) ctx=\(ordering.context.map(\.rawValue).joined(separator: ",")) last=\(ordering.contextLast) "
                + "changes=[\(changes.joined(separator: "; "))] tr=\(transition)"
        }
    }

    /// The program that prints the same lines from the compiled module.
    static let printer = #"""
        func target(_ target: EventType.Ordering.Target) -> String {
            switch target {
            case .current: "current"
            case .argument(let position): "arg\(position)"
            }
        }
        for type in EventType.allCases {
            let ordering = type.ordering
            let mode: String = switch ordering.mode {
            case .unordered: "unordered"
            case .data: "data"
            case .handler(let handler): "handler:\(handler)"
            }
            let changes = ordering.changes.map { change in
                let to: String = switch change.to {
                case .status(let value)?: "s\(value)"
                case .absent?: "absent"
                case nil: "-"
                }
                let sequence = change.sequence.map { "\($0)/\(change.mismatch.map { "\($0)" } ?? "?")" } ?? "-"
                return "\(change.resource)@\(target(change.target)) from=\(change.from) creates=\(change.creates) "
                    + "to=\(to) bind=\(change.binds.map { "\($0)" } ?? "-") seq=\(sequence) range=\(change.range.map { "\($0)" } ?? "-") "
                    + "opt=\(change.isOptional) wait=\(change.waitWhile)"
            }
            let transition = ordering.transition.map { "\($0.resource)@\(target($0.target)):\($0.from)->\($0.to)" } ?? "-"
            print("\(type.rawValue) \(mode) ctx=\(ordering.context.map { "\($0)" }.joined(separator: ",")) last=\(ordering.checksContextLast) "
                + "changes=[\(changes.joined(separator: "; "))] tr=\(transition)")
        }
        """#

    @Test func everyEventsGeneratedOrderingEqualsTheSpecs() throws {
        let model = try TraceGen.loadSpec(path: Repo.path("Specs/v2.yaml"))
        let expected = Self.expectedLines(model)
        #expect(expected.count == 61 && expected.filter { $0.contains(" data ") }.count == 35)

        let scratch = makeTemporaryDirectory("tracegen-ordering-table")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let main = scratch.appendingPathComponent("main.swift")
        try Self.printer.write(to: main, atomically: true, encoding: .utf8)
        let folder = Repo.path("Generated/Swift/TraceV2")
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }.sorted().map { "\(folder)/\($0)" }
        let binary = scratch.appendingPathComponent("print-ordering").path
        let compile = run(["/usr/bin/env", "swiftc", "-swift-version", "6", "-module-name", "TraceV2", "-o", binary] + sources + [main.path], in: scratch.path)
        try #require(compile.status == 0, "swiftc: \(compile.stdout)\(compile.stderr)")
        let printed = run([binary])
        try #require(printed.status == 0, "\(printed.stderr)")
        let lines = printed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        for (got, want) in zip(lines, expected) {
            #expect(got == want)
        }
    }
}
