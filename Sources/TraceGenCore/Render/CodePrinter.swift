import Foundation

/// The one writer of all emitted text: it owns indentation, so emitters never write leading spaces.
public struct CodePrinter {
    private var lines: [String] = []
    private var depth = 0
    private let unit: String

    /// `unit` is one level of indentation: a tab for Go, four spaces for Swift.
    public init(indentUnit: String) {
        unit = indentUnit
    }

    /// Prints one line at the current indentation; an empty line stays empty.
    public mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: unit, count: depth) + text)
    }

    /// Prints a blank line unless the output is empty or already ends with one.
    public mutating func blank() {
        if let last = lines.last, !last.isEmpty { lines.append("") }
    }

    /// Prints each line of a block of text, keeping its own relative layout.
    public mutating func lines(_ text: String) {
        for part in text.split(separator: "\n", omittingEmptySubsequences: false) { line(String(part)) }
    }

    /// Prints comment lines with `prefix` (`// ` or `/// `), wrapping the text at `width` columns.
    public mutating func comment(_ text: String, prefix: String = "// ", width: Int = 96) {
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if paragraph.trimmingCharacters(in: .whitespaces).isEmpty {
                line(prefix.trimmingCharacters(in: .whitespaces))
                continue
            }
            for wrapped in wrap(String(paragraph), width: width - prefix.count - depth * 4) { line(prefix + wrapped) }
        }
    }

    public mutating func indent() { depth += 1 }

    public mutating func outdent() {
        precondition(depth > 0, "outdent without a matching indent")
        depth -= 1
    }

    /// Prints `open`, the body one level in, and `close`.
    public mutating func block(_ open: String, close: String = "}", _ body: (inout CodePrinter) -> Void) {
        line(open)
        indent()
        body(&self)
        outdent()
        line(close)
    }

    /// Prints rows of cells in aligned columns, the way gofmt's tabwriter does: each column but the
    /// last is padded to its widest cell plus one space. Rows with fewer cells align what they have.
    public mutating func aligned(_ rows: [[String]]) {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < row.count - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        for row in rows {
            var text = ""
            for (index, cell) in row.enumerated() {
                if index < row.count - 1 {
                    text += cell + String(repeating: " ", count: widths[index] - cell.count + 1)
                } else {
                    text += cell
                }
            }
            line(text)
        }
    }

    /// The printed text, ending with exactly one newline.
    public func finish() -> String {
        precondition(depth == 0, "unbalanced indentation in emitted code")
        var result = lines
        while result.last == "" { result.removeLast() }
        return result.joined(separator: "\n") + "\n"
    }
}

/// Splits text into lines of at most `width` characters at spaces; a longer word keeps its own line.
func wrap(_ text: String, width: Int) -> [String] {
    var result: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
        if current.isEmpty {
            current = String(word)
        } else if current.count + 1 + word.count <= max(width, 20) {
            current += " " + word
        } else {
            result.append(current)
            current = String(word)
        }
    }
    if !current.isEmpty { result.append(current) }
    return result
}

