import TraceParser

extension TraceSummary {
    /// One JSON object, `{"goroutines": [...], "tasks": [...]}`, one goroutine or task per line.
    /// Keys come in a fixed order; zero entries of the by-reason and by-range objects are left out.
    public func json() -> String {
        var out = "{\"goroutines\": [\n"
        for (index, g) in goroutines.enumerated() {
            out += "  {\"id\": \(g.id.raw), \"name\": \(jsonString(g.name)), \"pc\": \(g.pc), \"creationTime\": \(g.creationTime)"
            out += ", \"startTime\": \(g.startTime), \"endTime\": \(g.endTime), "
            out += statsJSON(g.stats)
            out += ", \"regions\": [" + g.regions.map(regionJSON).joined(separator: ", ") + "]}"
            out += index + 1 < goroutines.count ? ",\n" : "\n"
        }
        out += "], \"tasks\": [\n"
        for (index, t) in tasks.enumerated() {
            out += "  {\"id\": \(t.id.rawValue), \"name\": \(jsonString(t.name)), \"parent\": \(t.parent.map { String($0.id.rawValue) } ?? "null")"
            out += ", \"complete\": \(t.isComplete), \"startTime\": \(optional(t.startTime)), \"endTime\": \(optional(t.endTime))"
            out += ", \"logs\": \(t.logCount), \"goroutines\": [" + t.goroutines.keys.map(\.raw).sorted().map(String.init).joined(separator: ", ") + "]"
            out += ", \"regions\": [" + t.regions.map(regionJSON).joined(separator: ", ") + "]}"
            out += index + 1 < tasks.count ? ",\n" : "\n"
        }
        out += "]}\n"
        return out
    }

    private func regionJSON(_ r: RegionSummary) -> String {
        "{\"taskID\": \(r.taskID.rawValue), \"name\": \(jsonString(r.name)), \"startTime\": \(optional(r.startTime)), \"endTime\": \(optional(r.endTime)), "
            + statsJSON(r.stats) + "}"
    }

    private func statsJSON(_ s: ExecStats) -> String {
        "\"execTime\": \(s.execTime), \"schedWaitTime\": \(s.schedWaitTime), \"blockTimeByReason\": \(durationsJSON(s.blockTimeByReason))"
            + ", \"syscallTime\": \(s.syscallTime), \"syscallBlockTime\": \(s.syscallBlockTime), \"totalTime\": \(s.totalTime)"
            + ", \"rangeTime\": \(durationsJSON(s.rangeTime))"
    }

    private func durationsJSON(_ values: [String: Int64]) -> String {
        "{" + values.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }

    private func optional(_ value: Int64?) -> String { value.map(String.init) ?? "null" }

    /// A report for people: goroutines grouped by entry function, the busiest group first, as
    /// `go tool trace`'s goroutine page lists them; then the tasks.
    public func text() -> String {
        struct Group { var name: String; var count = 0; var exec: Int64 = 0; var total: Int64 = 0; var block: Int64 = 0; var syscall: Int64 = 0; var schedWait: Int64 = 0 }
        var groups: [String: Group] = [:]
        for g in goroutines {
            var group = groups[g.name] ?? Group(name: g.name)
            group.count += 1
            group.exec += g.stats.execTime
            group.total += g.stats.totalTime
            group.block += g.stats.blockTimeByReason.values.reduce(0, +)
            group.syscall += g.stats.syscallTime + g.stats.syscallBlockTime
            group.schedWait += g.stats.schedWaitTime
            groups[g.name] = group
        }
        let sorted = groups.values.sorted { $0.exec != $1.exec ? $0.exec > $1.exec : $0.name < $1.name }
        var rows: [[String]] = [["Start location", "Count", "Total execution time", "Blocked", "Syscall", "Sched wait", "Total time"]]
        for group in sorted {
            rows.append([group.name.isEmpty ? "(inactive, no stack)" : group.name, String(group.count), formatDuration(group.exec),
                         formatDuration(group.block), formatDuration(group.syscall), formatDuration(group.schedWait), formatDuration(group.total)])
        }
        var out = "Goroutines: \(goroutines.count) in \(groups.count) groups\n\n" + table(rows) + "\n"
        out += "Tasks: \(tasks.count)\n"
        if !tasks.isEmpty {
            var taskRows: [[String]] = [["ID", "Name", "Parent", "Duration", "Complete", "Goroutines", "Regions", "Logs"]]
            for t in tasks {
                let duration = t.startTime.flatMap { start in t.endTime.map { formatDuration($0 - start) } } ?? "-"
                taskRows.append([String(t.id.rawValue), t.name.isEmpty ? "-" : t.name, t.parent.map { String($0.id.rawValue) } ?? "-", duration,
                                 t.isComplete ? "yes" : "no", String(t.goroutines.count), String(t.regions.count), String(t.logCount)])
            }
            out += "\n" + table(taskRows)
        }
        return out
    }

    private func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                // Names left-aligned, numbers right-aligned.
                return i == 0 || (i == 1 && rows[0][0] == "ID") ? cell + pad : pad + cell
            }.joined(separator: "  ").replacing(/\s+$/, with: "")
        }.joined(separator: "\n") + "\n"
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
func jsonString(_ text: String) -> String {
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

/// A duration the way Go's `time.Duration` prints it: `0s`, `850ns`, `1.5µs`, `12.25ms`, `3m2.5s`.
public func formatDuration(_ nanoseconds: Int64) -> String {
    if nanoseconds == 0 { return "0s" }
    let negative = nanoseconds < 0
    let magnitude = nanoseconds.magnitude
    func fraction(_ value: UInt64, _ unit: UInt64) -> String {
        let whole = value / unit
        var rest = value % unit
        guard rest != 0 else { return String(whole) }
        var digits = ""
        var scale = unit / 10
        while rest != 0 && scale != 0 {
            digits += String(rest / scale)
            rest %= scale
            scale /= 10
        }
        return "\(whole).\(digits)"
    }
    var text: String
    if magnitude < 1_000 {
        text = "\(magnitude)ns"
    } else if magnitude < 1_000_000 {
        text = fraction(magnitude, 1_000) + "µs"
    } else if magnitude < 1_000_000_000 {
        text = fraction(magnitude, 1_000_000) + "ms"
    } else {
        let hours = magnitude / 3_600_000_000_000
        let minutes = magnitude / 60_000_000_000 % 60
        let seconds = fraction(magnitude % 60_000_000_000, 1_000_000_000) + "s"
        text = hours > 0 ? "\(hours)h\(minutes)m\(seconds)" : minutes > 0 ? "\(minutes)m\(seconds)" : seconds
    }
    return negative ? "-" + text : text
}
