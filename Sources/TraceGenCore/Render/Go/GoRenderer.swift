/// Emits the Go package: a drop-in for Go's `internal/trace/tracev2` plus per-version tables.
///
/// The generated code imports nothing, like the package it replaces: the runtime depends on it.
public struct GoRenderer {
    let model: TraceModel
    let context: RenderContext

    public init(model: TraceModel, context: RenderContext) {
        self.model = model
        self.context = context
    }

    /// The declarations every generated package makes whatever the spec says, so the validator can
    /// refuse spec names that would collide with them.
    public static let fixedDeclarations: [String] =
        GoSpecFile.declarations + GoEventsFile.declarations + GoVersionsFile.declarations

    public func render() -> [GeneratedFile] {
        let generators: [any FileGenerator] = [
            GoDocFile(model: model), GoEventsFile(model: model), GoSpecFile(model: model), GoVersionsFile(model: model),
        ]
        return generators.map { $0.generate(context: context) }
    }
}

/// How one line's trailing comment is made to fit: Go's tables keep one line per constant, so a
/// long description is cut to its first clause, and then to the argument list alone.
enum GoTrailing {
    /// The widest line a trailing comment may make, with tabs counted as gofmt's readers show them (8).
    static let lineWidth = 120

    static func text(summary: String, args: [String]?, available: Int) -> String {
        let bracket = args.map { $0.isEmpty ? "" : " [\($0.joined(separator: ", "))]" } ?? ""
        var candidates = [summary + bracket]
        if let clause = firstClause(summary) { candidates.append(clause + bracket) }
        if !bracket.isEmpty { candidates.append(String(bracket.dropFirst())) }
        return candidates.first { $0.count + 3 <= available } ?? candidates[candidates.count - 1]
    }

    /// The text before the first `; ` or `, ` that is outside parentheses, if there is one.
    static func firstClause(_ text: String) -> String? {
        var depth = 0
        var previous: Character?
        for (offset, character) in text.enumerated() {
            switch character {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case " " where depth == 0 && (previous == ";" || previous == ","):
                return String(text.prefix(offset - 1))
            default: break
            }
            previous = character
        }
        return nil
    }

    /// The room left for a comment after aligned names of `width` characters at indentation depth 1.
    static func available(afterNameWidth width: Int, extra: Int = 0) -> Int {
        lineWidth - 8 - (width + 1) - extra
    }
}

/// Go spelling of a limit: whole powers of two KiB read as shifts, as Go's own source writes them.
func goLiteral(_ value: Int) -> String {
    let kib = value / 1024
    guard value >= 1024, value % 1024 == 0, kib & (kib - 1) == 0 else { return String(value) }
    return "\(kib) << 10"
}

/// Lower-cases a leading capital, except in names and acronyms (Go, P, GOMAXPROCS, CPU).
func lowerFirst(_ text: String) -> String {
    let word = text.prefix { $0.isLetter }
    guard let first = word.first, first.isUppercase else { return text }
    if word == "Go" || word == "P" || word.dropFirst().contains(where: \.isUppercase) { return text }
    return first.lowercased() + text.dropFirst()
}

/// Upper-cases the first letter, for a noun that starts a title (`goroutine` → `Goroutine`).
func upperFirst(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
}
