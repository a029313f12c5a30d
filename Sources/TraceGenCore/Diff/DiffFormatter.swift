/// The three ways `tracegen diff` prints a report. Pure: each returns the whole text, ending in a newline.
public enum DiffFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    public func render(_ report: SpecDiffReport) -> String {
        switch self {
        case .text: DiffFormatter.text(report)
        case .json: DiffFormatter.json(report)
        case .markdown: DiffFormatter.markdown(report)
        }
    }
}

enum DiffFormatter {
    // MARK: Text

    /// One editor-style line per change, then a summary line.
    static func text(_ report: SpecDiffReport) -> String {
        var lines = report.changes.map { "\($0.location): \($0.severity.rawValue): \($0.entity.rawValue) \($0.name): \(summary(of: $0))" }
        lines.append(summaryLine(report))
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(of change: SpecChange) -> String {
        switch change.kind {
        case .added: change.detail.map { "added (\($0))" } ?? "added"
        case .removed: "removed"
        case .renamed: "renamed from \(change.old.map(text) ?? "?")"
        case .changed: "\(change.field ?? "?") \(change.old.map(text) ?? "none") → \(change.new.map(text) ?? "none")"
        }
    }

    static func summaryLine(_ report: SpecDiffReport) -> String {
        guard !report.changes.isEmpty else { return "no changes between \(report.oldName) and \(report.newName)" }
        let counts = SpecChange.Severity.allCases.reversed().map { "\(report.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        return "\(report.changes.count) \(report.changes.count == 1 ? "change" : "changes") between \(report.oldName) and \(report.newName): \(counts)"
    }

    /// A value as a spec would show it; text with spaces (or none at all) is quoted.
    static func text(_ value: DiffValue) -> String {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): String(flag)
        case .none: "none"
        case .ints(let numbers): "[\(numbers.map(String.init).joined(separator: " "))]"
        case .strings(let words): "[\(words.joined(separator: " "))]"
        case .string(let word): word.isEmpty || word.contains(where: { $0 == " " || $0.isNewline || $0 == "\"" }) ? quoted(word) : word
        }
    }

    // MARK: JSON

    /// `{"changes": [...], "summary": {...}}` with keys in a fixed order and two-space indentation.
    static func json(_ report: SpecDiffReport) -> String {
        var out = "{\n  \"changes\": ["
        for (index, change) in report.changes.enumerated() {
            var fields: [(String, String)] = [
                ("kind", quoted(change.kind.rawValue)),
                ("entity", quoted(change.entity.rawValue)),
                ("name", quoted(change.name)),
            ]
            if change.kind == .changed, let field = change.field { fields.append(("field", quoted(field))) }
            if let old = change.old { fields.append(("old", json(old))) }
            if let new = change.new { fields.append(("new", json(new))) }
            fields.append(("severity", quoted(change.severity.rawValue)))
            fields.append(("location", quoted(change.location.description)))
            out += index == 0 ? "\n" : ",\n"
            out += "    {" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        out += report.changes.isEmpty ? "],\n" : "\n  ],\n"
        let counts = [("total", report.changes.count)] + SpecChange.Severity.allCases.reversed().map { ($0.rawValue, report.count($0)) }
        out += "  \"summary\": {" + counts.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}\n}\n"
        return out
    }

    static func json(_ value: DiffValue) -> String {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): String(flag)
        case .none: "null"
        case .string(let word): quoted(word)
        case .ints(let numbers): "[" + numbers.map(String.init).joined(separator: ", ") + "]"
        case .strings(let words): "[" + words.map(quoted).joined(separator: ", ") + "]"
        }
    }

    /// A JSON string literal; also valid as a quoted value in the text format.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: Markdown

    /// A release-notes section: a heading, a count, then one list per severity that has changes.
    static func markdown(_ report: SpecDiffReport) -> String {
        var lines = ["## Trace format changes from `\(report.oldName)` to `\(report.newName)`", ""]
        guard !report.changes.isEmpty else {
            return (lines + ["No changes.", ""]).joined(separator: "\n")
        }
        let counts = SpecChange.Severity.allCases.reversed().map { "\(report.count($0)) \($0.rawValue)" }
        lines.append("\(report.changes.count) \(report.changes.count == 1 ? "change" : "changes"): \(counts.joined(separator: ", ")).")
        for severity in SpecChange.Severity.allCases.reversed() {
            let matching = report.changes.filter { $0.severity == severity }
            guard !matching.isEmpty else { continue }
            lines += ["", "### \(severity.rawValue.prefix(1).uppercased() + severity.rawValue.dropFirst()) changes", ""]
            lines += matching.map { "- " + note(for: $0) }
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    static func note(for change: SpecChange) -> String {
        let what = "\(change.entity.prose) `\(change.name)`"
        switch change.kind {
        case .added:
            var line = "New \(what)"
            if let detail = change.detail { line += " (\(detail))" }
            if let note = change.note { line += ": " + note.split(whereSeparator: \.isNewline).joined(separator: " ") } else { line += "." }
            return line
        case .removed:
            return "Removed \(what)."
        case .renamed:
            return "Renamed \(change.entity.prose) `\(change.old.map(text) ?? "?")` to `\(change.name)`."
        case .changed:
            let field = change.field ?? "?"
            return "\(what.prefix(1).uppercased() + what.dropFirst()): `\(field)` changed from `\(change.old.map(text) ?? "none")` to `\(change.new.map(text) ?? "none")`."
        }
    }
}
