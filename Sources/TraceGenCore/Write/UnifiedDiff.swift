/// A small line-based unified diff, enough to show why generated files are stale.
public enum UnifiedDiff {
    /// Renders the differences between two texts with three lines of context; empty when equal.
    public static func render(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        if a == b { return "" }
        let script = editScript(a, b)
        var output = "--- \(oldName)\n+++ \(newName)\n"
        // Group the script into hunks of changes with their surrounding context.
        var index = 0
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { $0.kind != .same }) else { break }
            var start = max(index, firstChange - context)
            if start < index { start = index }
            var end = firstChange
            var lastChange = firstChange
            while end < script.count {
                if script[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            end = min(script.count, lastChange + context + 1)
            let hunk = script[start..<end]
            let oldStart = hunk.first.map { $0.oldLine } ?? 0
            let newStart = hunk.first.map { $0.newLine } ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            output += "@@ -\(oldCount == 0 ? oldStart : oldStart + 1),\(oldCount) +\(newCount == 0 ? newStart : newStart + 1),\(newCount) @@\n"
            for step in hunk {
                switch step.kind {
                case .same: output += " \(step.text)\n"
                case .delete: output += "-\(step.text)\n"
                case .insert: output += "+\(step.text)\n"
                }
            }
            index = end
        }
        return output
    }

    struct Step {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: Substring
        /// Zero-based line numbers of the step's position in each text.
        var oldLine: Int
        var newLine: Int
    }

    static func lines(_ text: String) -> [Substring] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false)
        if result.last == "" { result.removeLast() }
        return result
    }

    /// The shortest edit script, from a longest-common-subsequence table over the lines that differ.
    static func editScript(_ a: [Substring], _ b: [Substring]) -> [Step] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)]), midB = Array(b[prefix..<(b.count - suffix)])
        var steps: [Step] = []
        for i in 0..<prefix { steps.append(Step(kind: .same, text: a[i], oldLine: i, newLine: i)) }
        if midA.count * midB.count > 4_000_000 {
            // Too large to align line by line: show the middle as replaced.
            for (i, line) in midA.enumerated() { steps.append(Step(kind: .delete, text: line, oldLine: prefix + i, newLine: prefix)) }
            for (j, line) in midB.enumerated() { steps.append(Step(kind: .insert, text: line, oldLine: prefix + midA.count, newLine: prefix + j)) }
        } else {
            var table = Array(repeating: Array(repeating: 0, count: midB.count + 1), count: midA.count + 1)
            for i in stride(from: midA.count - 1, through: 0, by: -1) {
                for j in stride(from: midB.count - 1, through: 0, by: -1) {
                    table[i][j] = midA[i] == midB[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
            var i = 0, j = 0
            while i < midA.count || j < midB.count {
                if i < midA.count, j < midB.count, midA[i] == midB[j] {
                    steps.append(Step(kind: .same, text: midA[i], oldLine: prefix + i, newLine: prefix + j)); i += 1; j += 1
                } else if j < midB.count, i == midA.count || table[i][j + 1] > table[i + 1][j] {
                    steps.append(Step(kind: .insert, text: midB[j], oldLine: prefix + i, newLine: prefix + j)); j += 1
                } else {
                    steps.append(Step(kind: .delete, text: midA[i], oldLine: prefix + i, newLine: prefix + j)); i += 1
                }
            }
        }
        for k in 0..<suffix {
            steps.append(Step(kind: .same, text: a[a.count - suffix + k], oldLine: a.count - suffix + k, newLine: b.count - suffix + k))
        }
        return steps
    }
}
