import Yams

/// Reads typed values out of a composed YAML tree, reporting every mismatch with its location.
///
/// The loader drives it; it never throws, it records diagnostics and returns nil for what it
/// could not read, so one pass reports all problems.
struct YAMLReader {
    let file: String
    var diagnostics = DiagnosticCollector()

    init(file: String) {
        self.file = file
    }

    func location(of node: Node) -> SourceLocation {
        location(of: node.mark)
    }

    func location(of mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Past this many errors the rest are dropped, so a huge broken file is reported in moments, not minutes.
    static let errorLimit = 100

    var isFull: Bool { diagnostics.diagnostics.count >= Self.errorLimit }

    mutating func error(_ message: String, at node: Node) {
        if !isFull {
            diagnostics.error(message, at: location(of: node))
        } else if diagnostics.diagnostics.count == Self.errorLimit {
            diagnostics.append(contentsOf: [Diagnostic(.note, "too many errors; only the first \(Self.errorLimit) are shown", at: location(of: node))])
        }
    }

    /// A mapping whose keys are checked against the ones an entity allows.
    struct Fields {
        var node: Node
        var values: [String: Node]
        var keyOrder: [String]
        var locations: FieldLocations
    }

    /// Opens a mapping, rejecting keys the entity does not know and noting where each value is.
    /// Messages name the entity by `kind` and its `name` where it has one; `kind` is the first
    /// word of `what` unless given.
    mutating func fields(_ node: Node, of what: String, kind entityKind: String? = nil, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping, found \(kind(of: node))", at: node)
            return nil
        }
        var result = Fields(node: node, values: [:], keyOrder: [], locations: FieldLocations(entity: location(of: node)))
        // Name the entity by its own `name` where it has one: "event 'End'" says more than a position.
        var what = what
        let nameNode = mapping.first { if case .scalar(let key) = $0.key { key.string == "name" } else { false } }?.value
        if let kind = entityKind ?? what.split(separator: " ").first.map(String.init), case .scalar(let name)? = nameNode, name.style != .plain || plainTag(of: name.string) == .str {
            what = "\(kind) '\(name.string)'"
        }
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                error("\(what) keys must be plain names, found \(kind(of: keyNode))", at: keyNode)
                continue
            }
            guard allowed.contains(key.string) else {
                // Finding a suggestion costs an edit distance per allowed key; skip it once nothing more is shown.
                guard !isFull else { error("unknown key", at: keyNode); continue }
                let known = allowed.map { "'\($0)'" }.joined(separator: ", ")
                var message = "unknown key '\(key.string)' in \(what)"
                if let guess = closestMatch(to: key.string, in: allowed) {
                    message += "; did you mean '\(guess)'?"
                } else {
                    message += " (expected one of \(known))"
                }
                error(message, at: keyNode)
                continue
            }
            result.values[key.string] = value
            result.keyOrder.append(key.string)
            result.locations.fields[key.string] = location(of: value)
        }
        return result
    }

    /// A required or optional string field.
    mutating func string(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true) -> String? {
        guard let node = value(fields, key, in: what, required: required) else { return nil }
        guard case .scalar(let scalar) = node, scalarType(node) != .null else {
            error("'\(key)' of \(what) must be a string, found \(describe(node))", at: node)
            return nil
        }
        if scalar.style == .plain, [.int, .float, .bool].contains(scalarType(node)) {
            error("'\(key)' of \(what) must be a string, found \(kind(of: node)) '\(scalar.string)'; quote it if it is meant as text", at: node)
            return nil
        }
        return scalar.string
    }

    /// A required or optional integer field, within `range`.
    mutating func int(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true, range: ClosedRange<Int>? = nil) -> Int? {
        guard let node = value(fields, key, in: what, required: required) else { return nil }
        return integer(node, named: "'\(key)' of \(what)", range: range)
    }

    /// A required or optional boolean field.
    mutating func bool(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true) -> Bool? {
        guard let node = value(fields, key, in: what, required: required) else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, ["true", "false"].contains(scalar.string) else {
            // YAML 1.1 reads yes/no/on/off as booleans too; name the text so the fix is obvious.
            let found = if case .scalar(let scalar) = node, !scalar.string.isEmpty, kind(of: node) == "a boolean" { "'\(scalar.string)'" } else { describe(node) }
            error("'\(key)' of \(what) must be true or false, found \(found)", at: node)
            return nil
        }
        return scalar.string == "true"
    }

    /// A list of strings; element locations are noted as `key[i]`.
    mutating func stringList(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true) -> [String]? {
        guard let items = list(&fields, key, in: what, required: required) else { return nil }
        var result: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item, scalarType(item) != .null, !(scalar.style == .plain && [.int, .float, .bool].contains(scalarType(item))) else {
                error("elements of '\(key)' in \(what) must be strings, found \(describe(item))", at: item)
                return nil
            }
            result.append(scalar.string)
        }
        return result
    }

    /// A list of integers; element locations are noted as `key[i]`.
    mutating func intList(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true) -> [Int]? {
        guard let items = list(&fields, key, in: what, required: required) else { return nil }
        var result: [Int] = []
        for item in items {
            guard let value = integer(item, named: "each element of '\(key)' in \(what)", range: nil) else { return nil }
            result.append(value)
        }
        return result
    }

    /// A list of nodes, noting each element's location.
    mutating func list(_ fields: inout Fields, _ key: String, in what: String, required: Bool = true) -> [Node]? {
        guard let node = value(fields, key, in: what, required: required) else { return nil }
        guard case .sequence(let sequence) = node else {
            error("'\(key)' of \(what) must be a list, found \(describe(node))", at: node)
            return nil
        }
        let items = Array(sequence)
        for (index, item) in items.enumerated() {
            fields.locations.fields["\(key)[\(index)]"] = location(of: item)
        }
        return items
    }

    private mutating func value(_ fields: Fields, _ key: String, in what: String, required: Bool) -> Node? {
        if let node = fields.values[key] { return node }
        if required {
            error("\(what) is missing the required key '\(key)'", at: fields.node)
        }
        return nil
    }

    private mutating func integer(_ node: Node, named name: String, range: ClosedRange<Int>?) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, scalarType(node) == .int, let value = Int(scalar.string) else {
            if case .scalar(let scalar) = node, scalar.style == .plain, scalar.string.wholeMatch(of: /[-+]?[0-9]+/) != nil {
                error("\(name) must be a decimal integer within the signed 64-bit range \(Int.min)...\(Int.max), found '\(scalar.string)'", at: node)
            } else {
                error("\(name) must be a decimal integer, found \(describe(node))", at: node)
            }
            return nil
        }
        if let range, !range.contains(value) {
            error("\(name) must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node)
            return nil
        }
        return value
    }

    private func scalarType(_ node: Node) -> Tag.Name {
        guard case .scalar(let scalar) = node else { return Resolver.default.resolveTag(of: node) }
        return scalar.style == .plain ? plainTag(of: scalar.string) : .str
    }

    /// What a node holds, with a scalar's text (shortened) so the message shows what was written.
    func describe(_ node: Node) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty, kind(of: node) != "nothing" else { return kind(of: node) }
        let text = scalar.string.count > 40 ? scalar.string.prefix(40) + "…" : Substring(scalar.string)
        return "\(kind(of: node)) '\(text.replacing("\n", with: "\\n"))'"
    }

    /// A short description of what a node holds, for error messages.
    func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style != .plain { return "a string" }
            switch plainTag(of: scalar.string) {
            case .null: return "nothing"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "a string"
            }
        }
    }
}

/// The type YAML gives a plain (unquoted) scalar, exactly as Yams's default resolver decides it,
/// without running its regular expressions for the common cases: those cost more than all the
/// rest of loading a large spec. Words starting with a letter can only be booleans or nulls, and
/// plain decimal numbers are integers; anything else goes to the resolver itself.
func plainTag(of text: String) -> Tag.Name {
    guard let first = text.utf8.first else { return .null }
    switch first {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
        if text.utf8.count > 5 { return .str }
        if yamlBooleans.contains(text) { return .bool }
        if yamlNulls.contains(text) { return .null }
        return .str
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
        if isPlainDecimal(text) { return .int }
        return Resolver.default.resolveTag(of: .scalar(.init(text)))
    case UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "="):
        return Resolver.default.resolveTag(of: .scalar(.init(text)))
    default:
        // No rule of the default resolver matches a scalar starting with any other character.
        return .str
    }
}

private let yamlBooleans: Set<String> = ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                                         "on", "On", "ON", "off", "Off", "OFF"]
private let yamlNulls: Set<String> = ["null", "Null", "NULL"]

/// `[-+]?(0|[1-9][0-9]*)`: what the int rule matches first, and what specs write.
private func isPlainDecimal(_ text: String) -> Bool {
    var digits = Substring(text).utf8[...]
    if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { digits = digits.dropFirst() }
    guard let lead = digits.first, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
    return lead != UInt8(ascii: "0") || digits.count == 1
}

/// The allowed word closest to a misspelt one, if any is close enough to be a likely typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    // Nobody misspells a key that long, and the edit distance grows with its square.
    guard word.count <= 100 else { return nil }
    let lowered = word.lowercased()
    let scored = candidates.map { ($0, editDistance(lowered, $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, (word.count + 1) / 3) else { return nil }
    return best.0
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    var beforePrevious = previous
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            // Two swapped neighbours count as one typo.
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], beforePrevious[j - 2] + 1)
            }
        }
        beforePrevious = previous
        previous = current
    }
    return previous[b.count]
}
