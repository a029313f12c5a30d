// Explains Go execution trace events using the API that TraceGenPlugin generates from
// v2.tracegen.yaml in this folder: EventType, EventSpec, ArgumentType, Experiment and TraceVersion.

import Foundation

let usage = """
    usage: TraceExplain EVENT...        explain events given by name (GoCreate) or wire byte (16, 0x10)
           TraceExplain --list [VERSION] list every event, or those valid in VERSION (such as go1.23)
    """

/// Finds an event by name (any letter case) or by its wire byte in decimal or 0x-hex.
func lookUp(_ text: String) -> Result<EventType, LookupError> {
    if let match = EventType.allCases.first(where: { $0.name.lowercased() == text.lowercased() }) {
        return .success(match)
    }
    let number = text.lowercased().hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
    guard let number else { return .failure(LookupError("no event is named '\(text)'")) }
    guard (0...255).contains(number), let event = EventType(rawValue: UInt8(number)) else {
        return .failure(LookupError("no event has the wire byte \(number)"))
    }
    return .success(event)
}

struct LookupError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The role of argument `index` of `spec`: a table reference, a typed value or a raw one.
func role(ofArgument index: Int, in spec: EventSpec) -> String {
    let name = spec.args[index]
    if let position = spec.stackIDs.firstIndex(of: index) {
        return position == 0 ? "stack ID: the stack of the code that emitted the event" : "stack ID"
    }
    if spec.stringIDs.contains(index) { return "string ID: an entry in the string table" }
    if index == 0 && spec.isTimedEvent && name == "dt" { return "time delta since the previous event in the batch" }
    if let type = ArgumentType(argument: name) { return type.meaning + (type.name == name ? "" : " (typed suffix _\(type.name))") }
    return "untyped value"
}

func hex(_ value: UInt8) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + (digits.count < 2 ? "0" : "") + digits
}

func explain(_ event: EventType) -> String {
    let spec = event.spec
    var lines = ["\(spec.name): wire byte \(event.rawValue) (\(hex(event.rawValue)))", "  \(spec.summary)"]
    lines.append(spec.isTimedEvent
        ? "  kind: timed (readers surface it; its first argument is a time delta)"
        : "  kind: structural (describes the trace itself rather than something the program did)")
    if spec.args.isEmpty {
        lines.append("  arguments: none")
    } else {
        lines.append("  arguments:")
        let width = spec.args.map(\.count).max() ?? 0
        for (index, name) in spec.args.enumerated() {
            let padded = name + String(repeating: " ", count: width - name.count)
            lines.append("    \(index)  \(padded)  \(role(ofArgument: index, in: spec))")
        }
    }
    if spec.hasData { lines.append("  followed by: a varint length and that many bytes of data") }
    if spec.isStack { lines.append("  followed by: a varint frame count, then PC, function, file and line for each frame") }
    if let start = spec.startEvent { lines.append("  start event: \(start.name) (this event closes the range it opens)") }
    let ends = EventType.allCases.filter { $0.spec.startEvent == event }
    if !ends.isEmpty { lines.append("  closed by: \(ends.map(\.name).joined(separator: ", "))") }
    lines.append("  experiment: \(spec.experiment.map { "\($0.name) (since \($0.since.name))" } ?? "none")")
    let versions = TraceVersion.allCases.filter { $0.contains(event) }
    lines.append("  valid in: \(versions.map(\.name).joined(separator: ", "))")
    return lines.joined(separator: "\n")
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("TraceExplain: \(message)\n".utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(arguments.isEmpty ? 1 : 0)
}
if arguments[0] == "--list" {
    guard arguments.count <= 2 else { fail("--list takes at most one version\n\(usage)") }
    var events = EventType.allCases
    if arguments.count == 2 {
        guard let version = TraceVersion(name: arguments[1]) else {
            fail("unknown version '\(arguments[1])'; known: \(TraceVersion.allCases.map(\.name).joined(separator: ", "))")
        }
        events = version.events
    }
    for event in events {
        let number = String(event.rawValue)
        print(String(repeating: " ", count: 3 - number.count) + number + "  " + event.name)
    }
    exit(0)
}
var explanations: [String] = []
for argument in arguments {
    switch lookUp(argument) {
    case .success(let event): explanations.append(explain(event))
    case .failure(let error): fail(error.message)
    }
}
print(explanations.joined(separator: "\n\n"))
