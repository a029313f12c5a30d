/// One rendered output file, by its path relative to the output directory.
public struct GeneratedFile: Hashable, Sendable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What every renderer needs besides the spec itself.
public struct RenderContext: Hashable, Sendable {
    /// The spec's path as the user named it, quoted in the DO NOT EDIT headers.
    public var sourceName: String

    public init(sourceName: String) {
        self.sourceName = sourceName
    }
}
