/// What the generated files of Go's parser package (`internal/trace`) that import `fmt` and the
/// generated tables share: their opening, the name they refer to the tables by, and where an
/// argument sits in the parser's events.
protocol GoParserFile: FileGenerator {
    var model: TraceModel { get }
}

extension GoParserFile {
    var parser: TraceModel.GoParserLayout { model.goParser }

    /// The name the file refers to the generated tables package by.
    var tables: String { parser.importName ?? model.layout.goPackage }

    /// The package line and the imports of `fmt` and the tables.
    func opening(_ p: inout CodePrinter) {
        p.line("package \(parser.package)")
        p.line()
        p.line("import (")
        p.indent()
        p.line(p.string("fmt"))
        p.line()
        p.line((parser.importName.map { $0 + " " } ?? "") + p.string(parser.importPath))
        p.outdent()
        p.line(")")
        p.line()
    }

    /// The index of an argument in the parser's `args`, which leave out a timed event's time delta.
    func argIndex(_ argument: TraceModel.Argument, of event: TraceModel.Event) -> Int {
        argument.position - (event.timed ? 1 : 0)
    }
}
