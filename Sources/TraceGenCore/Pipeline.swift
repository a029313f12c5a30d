import Foundation

/// The whole generator as one call per stage: load → validate (which resolves the model) → render. Writing is separate,
/// so every stage before it can be used and tested without touching the file system.
public enum TraceGen {
    /// Loads and validates the spec at `path`; throws ``DiagnosticsError`` with every problem found.
    public static func loadSpec(path: String, displayName: String? = nil) throws -> TraceModel {
        try Validator.validate(SpecLoader.load(path: path, displayName: displayName))
    }

    /// Loads and validates spec bytes; `file` names them in diagnostics.
    public static func loadSpec(data: Data, file: String) throws -> TraceModel {
        try Validator.validate(SpecLoader.load(data: data, file: file))
    }

    /// Every output file of a resolved model, by path relative to the output directory, in a fixed order.
    public static func render(_ model: TraceModel, sourceName: String) -> [GeneratedFile] {
        let context = RenderContext(sourceName: sourceName)
        return GoRenderer(model: model, context: context).render()
            + [GoKindTableFile(model: model).generate(context: context)]
            + (model.statesOrdering ? [GoOrderingFile(model: model).generate(context: context)] : [])
            + (GoStateTransitionFile.applies(to: model) ? [GoStateTransitionFile(model: model).generate(context: context)] : [])
            + SwiftRenderer(model: model, context: context).render()
            + DocsRenderer(model: model, context: context).render()
    }
}
