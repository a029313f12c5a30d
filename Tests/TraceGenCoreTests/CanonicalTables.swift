import Foundation
import TraceV2

/// The one comparable form of a set of trace tables, shared with the Go dumper in Tests/GoHarness.
struct CanonicalTables: Codable, Equatable {
    struct Event: Codable, Equatable {
        var id: Int
        var name: String
        var args: [String]
        var stringIDs: [Int]
        var stackIDs: [Int]
        var startEvent: String
        var timed: Bool
        var hasData: Bool
        var isStack: Bool
        var experiment: String
    }

    struct Experiment: Codable, Equatable {
        var id: Int
        var name: String
    }

    struct Status: Codable, Equatable {
        var name: String
        var value: Int
        var display: String
    }

    var events: [Event]
    var experiments: [Experiment]
    var goStatuses: [Status]
    var procStatuses: [Status]
    var constants: [String: Int]
    var argTypes: [String]
    var versions: [String: [Int]]

    static func decode(_ json: String) throws -> CanonicalTables {
        try JSONDecoder().decode(CanonicalTables.self, from: Data(json.utf8))
    }

    /// The tables as the compiled Swift `TraceV2` module describes them.
    ///
    /// Swift has no Go constant names for statuses, so callers compare statuses by value and
    /// display string.
    static func fromSwiftModule() -> CanonicalTables {
        let events = EventType.allCases.map { type in
            let spec = type.spec
            return Event(
                id: Int(type.rawValue), name: spec.name, args: spec.args, stringIDs: spec.stringIDs, stackIDs: spec.stackIDs,
                startEvent: spec.startEvent?.name ?? "", timed: spec.isTimedEvent, hasData: spec.hasData,
                isStack: spec.isStack, experiment: spec.experiment?.name ?? "")
        }
        let regular = EventType.allCases.filter { !$0.isExperimental }
        let experimental = EventType.allCases.filter(\.isExperimental)
        let maxEvent = 127
        let maxExperimental = Int(experimental.map(\.rawValue).max() ?? UInt8(maxEvent)) + 1
        return CanonicalTables(
            events: events,
            experiments: TraceV2.Experiment.allCases.map { Experiment(id: Int($0.rawValue), name: $0.name) },
            goStatuses: GoStatus.allCases.map { Status(name: "", value: Int($0.rawValue), display: $0.description) },
            procStatuses: ProcStatus.allCases.map { Status(name: "", value: Int($0.rawValue), display: $0.description) },
            constants: [
                "MaxBatchSize": TraceLimits.maxBatchSize,
                "MaxFramesPerStack": TraceLimits.maxFramesPerStack,
                "MaxEventTrailerDataSize": TraceLimits.maxEventTrailerDataSize,
                "MaxTimedEventArgs": TraceLimits.maxTimedEventArgs,
                "NumEvents": Int(regular.map(\.rawValue).max() ?? 0) + 1,
                "MaxEvent": maxEvent,
                "MaxExperimentalEvent": maxExperimental,
                "NumExperimentalEvents": maxExperimental - maxEvent,
                "NumExperiments": TraceV2.Experiment.allCases.count + 1,
            ],
            argTypes: ArgumentType.all.map(\.name),
            versions: Dictionary(uniqueKeysWithValues: TraceVersion.allCases.map { ($0.name, $0.events.map { Int($0.rawValue) }) }))
    }

    /// The same tables with the Go constant names of statuses left out, for comparing with Swift.
    var withoutGoOnlyFields: CanonicalTables {
        var copy = self
        copy.goStatuses = goStatuses.map { Status(name: "", value: $0.value, display: $0.display) }
        copy.procStatuses = procStatuses.map { Status(name: "", value: $0.value, display: $0.display) }
        return copy
    }
}

/// Dumps a generated Go package (a folder of .go files) with the Go harness, as canonical tables.
func dumpGoTables(_ directory: String) throws -> CanonicalTables {
    let result = run([Repo.path("Scripts/dump-go-tables"), directory], environment: Repo.goEnvironment)
    guard result.status == 0 else { throw HarnessError(message: "dump-go-tables failed: \(result.stderr)") }
    return try CanonicalTables.decode(result.stdout)
}

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
