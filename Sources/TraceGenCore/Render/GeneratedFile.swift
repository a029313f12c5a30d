/// One rendered output file, by its path relative to the output directory.
public struct GeneratedFile: Hashable, Sendable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What every renderer needs besides the model itself.
public struct RenderContext: Hashable, Sendable {
    /// The spec's path as the user named it, quoted in the DO NOT EDIT headers (after ``Escaping/sourceName(_:)``).
    public var sourceName: String

    public init(sourceName: String) {
        self.sourceName = sourceName
    }
}

/// The generator of one emitted file: it knows the file's path and prints its body from the model.
/// The DO NOT EDIT header is the printer's, written once for every file in ``generate(context:)``.
protocol FileGenerator {
    /// The path relative to the output directory.
    var path: String { get }
    var language: OutputLanguage { get }
    /// Prints everything after the header.
    func body(_ p: inout CodePrinter)
}

extension FileGenerator {
    func generate(context: RenderContext) -> GeneratedFile {
        var printer = CodePrinter(language)
        printer.header(source: context.sourceName)
        body(&printer)
        return GeneratedFile(path: path, contents: printer.finish())
    }
}
