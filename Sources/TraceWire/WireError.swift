/// A problem found while reading or writing a trace, with where it was found.
///
/// Binary traces report the byte offset from the start of the file (the header counts); the
/// text format reports a 1-based line number.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where in the input the problem lies.
    public enum Location: Hashable, Sendable {
        /// A byte offset into a binary trace.
        case offset(Int)
        /// A 1-based line of a text trace.
        case line(Int)
        /// The problem is not tied to a place in the input, such as a file that cannot be opened.
        case none
        /// Writing the output failed (a full disk, a capped file size, a closed pipe): the
        /// problem lies with the output, not with the input.
        case output
    }

    /// Where the problem lies.
    public var location: Location

    /// What went wrong, in lower case and without a location.
    public var message: String

    /// Makes an error from its parts.
    public init(location: Location, message: String) {
        self.location = location
        self.message = message
    }

    /// Makes an error at a byte offset of a binary trace.
    public static func at(offset: Int, _ message: String) -> WireError {
        WireError(location: .offset(offset), message: message)
    }

    /// Makes an error on a line of a text trace.
    public static func at(line: Int, _ message: String) -> WireError {
        WireError(location: .line(line), message: message)
    }

    /// The byte offset, for errors located in a binary trace.
    public var offset: Int? {
        if case .offset(let offset) = location { return offset }
        return nil
    }

    /// Whether the error is about the output rather than the input.
    public var isOutputFailure: Bool { location == .output }

    /// The line number, for errors located in a text trace.
    public var line: Int? {
        if case .line(let line) = location { return line }
        return nil
    }

    /// The error as `offset N: message` or `line N: message`, ready to follow a file name.
    public var description: String {
        switch location {
        case .offset(let offset): "offset \(offset): \(message)"
        case .line(let line): "line \(line): \(message)"
        case .none, .output: message
        }
    }
}
