import TraceV2

/// Reads Go's raw text format: a `Trace Go1.N` line, then one event per line as
/// `Name arg=value ...`, with stack frames and `data="..."` on the lines after their event.
///
/// It accepts what Go's `internal/trace/raw` text reader accepts: any Unicode white space
/// between tokens, blank lines, and lines whose first token starts with `#` (comments). Data is
/// a Go string literal. Each error carries its 1-based line number.
public final class TextReader {
    /// The trace version named on the first line.
    public let version: TraceVersion

    private var lines: LineSource
    private let table = EventTable.shared
    private static let frameFields = EventTable.frameFieldNames.map { Array($0.utf8) }
    private static let maxLineLength = 1 << 20

    /// The number of the last line read.
    public var lineNumber: Int { lines.lineNumber }

    /// Starts reading text from `source` and reads its first line.
    public init(source: some ByteSource) throws {
        lines = LineSource(source: source, maxLineLength: Self.maxLineLength)
        guard let (line, number) = try lines.nextContentLine() else {
            // An empty text has no line 0: the header is missing from line 1. Worded as a binary
            // trace's short header is ("the trace ends inside its 16-byte header").
            throw WireError.at(line: max(lines.lineNumber, 1), "the text ends before its `Trace Go1.N` header line")
        }
        var cursor = Tokenizer(line)
        guard cursor.token() == Array("Trace".utf8) else {
            throw WireError.at(line: number, "the first line must be `Trace Go1.N`")
        }
        let versionToken = cursor.token()
        let prefix = Array("Go1.".utf8)
        guard versionToken.starts(with: prefix) else {
            throw WireError.at(line: number, "the header does not name a Go version as Go1.N")
        }
        let digits = versionToken.dropFirst(prefix.count)
        guard let minor = parseDecimal(digits) else {
            throw WireError.at(line: number, "the header's Go version \(quoted(versionToken)) is not a number")
        }
        guard minor <= UInt64(UInt8.max), let version = TraceVersion(rawValue: UInt8(minor)) else {
            throw WireError.at(line: number, "unknown or unsupported Go version 1.\(minor)")
        }
        guard cursor.restIsSpace() else {
            throw WireError.at(line: number, "unexpected text after the header: \(quoted(cursor.rest))")
        }
        self.version = version
    }

    /// Reads text from memory.
    public convenience init(text: String) throws {
        try self.init(source: MemorySource(Array(text.utf8)))
    }

    /// Reads the next event, or returns nil at the end of the text.
    public func next() throws -> WireEvent? {
        guard let (line, number) = try lines.nextContentLine() else { return nil }
        var cursor = Tokenizer(line)
        let nameToken = cursor.token()
        let name = String(decoding: nameToken, as: UTF8.self)
        guard let type = table.type(named: name), table[type.rawValue].isValid(in: version) else {
            throw WireError.at(line: number, "unknown event \(quoted(nameToken)) for \(version.name) traces")
        }
        let spec = type.spec
        var args: [UInt64] = []
        args.reserveCapacity(spec.args.count)
        do {
            for arg in spec.args {
                args.append(try cursor.argument(named: Array(arg.utf8)))
            }
            try cursor.expectEnd()
        } catch let problem as TextProblem {
            throw WireError.at(line: number, "\(name): \(problem.message)")
        }
        // The binary reader refuses a batch larger than the runtime writes, so refuse it here too.
        if type == .eventBatch, args[3] > UInt64(TraceLimits.maxBatchSize) {
            throw WireError.at(line: number, "batch size \(args[3]) is larger than the limit of \(TraceLimits.maxBatchSize) bytes")
        }
        if spec.isStack {
            let frames = args[1]
            guard frames <= UInt64(TraceLimits.maxFramesPerStack) else {
                throw WireError.at(line: number, "stack has \(frames) frames, more than the limit of \(TraceLimits.maxFramesPerStack)")
            }
            for _ in 0..<frames {
                guard let (frameLine, frameNumber) = try lines.nextContentLine() else {
                    throw WireError.at(line: lines.lineNumber, "the text ends inside the frames of the Stack on line \(number)")
                }
                var frameCursor = Tokenizer(frameLine)
                do {
                    for field in Self.frameFields {
                        args.append(try frameCursor.argument(named: field))
                    }
                    try frameCursor.expectEnd()
                } catch let problem as TextProblem {
                    throw WireError.at(line: frameNumber, "stack frame: \(problem.message)")
                }
            }
        }
        var data: [UInt8]?
        // Go prints no data line when the data is empty, so an event line may follow directly;
        // the event then gets empty data, which encodes as length zero again.
        if spec.hasData, let (dataLine, dataNumber) = try lines.nextContentLine() {
            guard Self.isDataLine(dataLine) else {
                lines.pushBack(dataLine, number: dataNumber)
                return WireEvent(type: type, args: args, data: nil)
            }
            do {
                data = try Self.parseDataLine(dataLine)
            } catch let problem as TextProblem {
                throw WireError.at(line: dataNumber, problem.message)
            }
            let limit = table[type.rawValue].maxDataSize
            if let data, data.count > limit {
                throw WireError.at(line: dataNumber, "\(name) data of \(data.count) bytes is longer than the limit of \(limit)")
            }
        }
        return WireEvent(type: type, args: args, data: data)
    }

    /// Reads every remaining event.
    public func readAll() throws -> [WireEvent] {
        var events: [WireEvent] = []
        while let event = try next() { events.append(event) }
        return events
    }

    /// Whether the line's text before its first `=` is `data`, give or take white space.
    private static func isDataLine(_ line: [UInt8]) -> Bool {
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return trimSpace(line[..<equals]).elementsEqual("data".utf8)
    }

    /// The data line is `data=` and a Go string literal, with space allowed around both.
    private static func parseDataLine(_ line: [UInt8]) throws -> [UInt8] {
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            throw TextProblem("expected a data=\"...\" line, found \(quoted(line))")
        }
        let key = trimSpace(line[..<equals])
        guard key.elementsEqual("data".utf8) else {
            throw TextProblem("expected a data=\"...\" line, found \(quoted(line))")
        }
        let literal = trimSpace(line[(equals + 1)...])
        guard let bytes = GoUnquote.unquote(Array(literal)) else {
            throw TextProblem("the data is not a valid Go string literal: \(quoted(Array(literal)))")
        }
        return bytes
    }
}

/// A parse problem on the current line; the reader adds the line number.
struct TextProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Splits one line into tokens the way Go's text reader does: tokens end at white space or `#`.
struct Tokenizer {
    private let line: [UInt8]
    private var position = 0

    init(_ line: [UInt8]) {
        self.line = line
    }

    /// What is left of the line.
    var rest: [UInt8] { Array(line[position...]) }

    /// The next token; empty at the end of the line or at a `#`.
    mutating func token() -> [UInt8] {
        while position < line.count {
            if line[position] == UInt8(ascii: "#") {
                return []
            }
            let width = spaceWidth(line, at: position)
            if width == 0 { break }
            position += width
        }
        let start = position
        while position < line.count, line[position] != UInt8(ascii: "#"), spaceWidth(line, at: position) == 0 {
            position += 1
        }
        return Array(line[start..<position])
    }

    /// Reads a `name=value` argument whose name must be `expected`.
    mutating func argument(named expected: [UInt8]) throws -> UInt64 {
        let token = token()
        guard !token.isEmpty else {
            throw TextProblem("missing argument \(quoted(expected))")
        }
        guard let equals = token.firstIndex(of: UInt8(ascii: "=")) else {
            throw TextProblem("malformed argument \(quoted(token)), expected \(quoted(expected))=N")
        }
        let name = token[..<equals]
        guard name.elementsEqual(expected) else {
            throw TextProblem("expected argument \(quoted(expected)), found \(quoted(Array(name)))")
        }
        let digits = token[(equals + 1)...]
        guard let value = parseDecimal(digits) else {
            throw TextProblem("argument \(quoted(expected)) has value \(quoted(Array(digits))), not an unsigned 64-bit number")
        }
        return value
    }

    /// Whether only white space is left.
    func restIsSpace() -> Bool {
        var at = position
        while at < line.count {
            let width = spaceWidth(line, at: at)
            if width == 0 { return false }
            at += width
        }
        return true
    }

    /// Throws unless only white space is left.
    func expectEnd() throws {
        guard restIsSpace() else {
            throw TextProblem("unexpected text after the arguments: \(quoted(rest))")
        }
    }
}

/// The length of the white-space character at `index`, or 0. The set is Go's `unicode.IsSpace`.
func spaceWidth(_ bytes: [UInt8], at index: Int) -> Int {
    let byte = bytes[index]
    if byte < 0x80 {
        return byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) ? 1 : 0
    }
    let scalar = bytes.withUnsafeBytes { GoQuote.decodeScalar($0, at: index) }
    guard scalar.1 > 0 else { return 0 }
    switch scalar.0 {
    case 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000: return scalar.1
    default: return 0
    }
}

/// The bytes without white space at either end.
func trimSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let all = Array(bytes)
    var start = 0
    var end = all.count
    while start < end {
        let width = spaceWidth(all, at: start)
        if width == 0 { break }
        start += width
    }
    // Trailing space: step back over whole characters by scanning forward from `start`.
    var lastContentEnd = start
    var at = start
    while at < end {
        let width = spaceWidth(all, at: at)
        if width == 0 {
            at += 1
            lastContentEnd = at
        } else {
            at += width
        }
    }
    end = lastContentEnd
    return all[start..<end]
}

/// Parses a plain decimal number, as Go's `strconv.ParseUint(s, 10, 64)` does; nil when empty,
/// not all digits, or too large.
func parseDecimal(_ digits: some Collection<UInt8>) -> UInt64? {
    guard !digits.isEmpty else { return nil }
    var value: UInt64 = 0
    for digit in digits {
        guard digit >= 0x30, digit <= 0x39 else { return nil }
        let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflowB) = times.addingReportingOverflow(UInt64(digit - 0x30))
        if overflowA || overflowB { return nil }
        value = sum
    }
    return value
}

/// Bytes quoted for an error message; long input is cut after 64 bytes, so a message never
/// repeats a whole megabyte line.
func quoted(_ bytes: [UInt8]) -> String {
    let limit = 64
    guard bytes.count > limit else { return GoQuote.quote(bytes) }
    return GoQuote.quote(Array(bytes.prefix(limit))) + "... (\(bytes.count) bytes)"
}

/// Hands out the lines of a byte source one at a time, with their 1-based numbers.
struct LineSource {
    private var source: any ByteSource
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    private var chunkStart = 0
    private var chunkEnd = 0
    private var ended = false
    private let maxLineLength: Int
    /// The number of the last line handed out.
    private(set) var lineNumber = 0
    /// A line given back with ``pushBack(_:number:)``, handed out again next.
    private var pending: ([UInt8], Int)?

    init(source: some ByteSource, maxLineLength: Int) {
        self.source = source
        self.maxLineLength = maxLineLength
    }

    /// The next line that holds a token, skipping blank and comment lines; nil at the end.
    mutating func nextContentLine() throws -> ([UInt8], Int)? {
        if let line = pending {
            pending = nil
            lineNumber = line.1
            return line
        }
        while let line = try nextLine() {
            var cursor = Tokenizer(line)
            if !cursor.token().isEmpty { return (line, lineNumber) }
        }
        return nil
    }

    /// Gives back the content line just read, so the next call returns it again.
    mutating func pushBack(_ line: [UInt8], number: Int) {
        pending = (line, number)
        lineNumber = number - 1
    }

    /// The next line without its line break (and without a carriage return before it).
    mutating func nextLine() throws -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if chunkStart == chunkEnd {
                if ended { break }
                let got = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                chunkStart = 0
                chunkEnd = got
                if got == 0 {
                    ended = true
                    break
                }
            }
            if let newline = chunk[chunkStart..<chunkEnd].firstIndex(of: 0x0a) {
                line += chunk[chunkStart..<newline]
                // The limit holds for lines that end in this chunk too, not only for longer ones.
                if line.count > maxLineLength {
                    throw WireError.at(line: lineNumber + 1, "line is longer than \(maxLineLength) bytes")
                }
                chunkStart = newline + 1
                lineNumber += 1
                if line.last == 0x0d { line.removeLast() }
                return line
            }
            line += chunk[chunkStart..<chunkEnd]
            chunkStart = chunkEnd
            if line.count > maxLineLength {
                throw WireError.at(line: lineNumber + 1, "line is longer than \(maxLineLength) bytes")
            }
        }
        guard !line.isEmpty else { return nil }
        lineNumber += 1
        if line.last == 0x0d { line.removeLast() }
        return line
    }
}
