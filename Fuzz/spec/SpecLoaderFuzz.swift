import Foundation

/// libFuzzer entry point for the spec side: any bytes must come back as a spec or as diagnostics.
///
/// Built by `Scripts/fuzz spec` into the same module as TraceGenCore's sources, so it sees the
/// loader exactly as the CLI does. A crash, a sanitizer report, a hang or a diagnostic without a
/// usable location is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpecLoader(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let document = try SpecLoader.load(data: data, file: "fuzz.yaml")
        for diagnostic in Validator.diagnostics(for: document) { checkLocation(diagnostic) }
        // A document the validator accepts must also render, as it would in the CLI.
        if let spec = try? Validator.validate(document) {
            _ = TraceGen.render(spec, sourceName: "fuzz.yaml")
        }
    } catch let error as DiagnosticsError {
        precondition(!error.diagnostics.isEmpty, "the loader threw no diagnostics")
        error.diagnostics.forEach(checkLocation)
    } catch {
        preconditionFailure("the loader threw something other than diagnostics: \(error)")
    }
    return 0
}

/// Every diagnostic must point inside the file: lines and columns count from 1.
private func checkLocation(_ diagnostic: Diagnostic) {
    precondition(diagnostic.severity == .error || diagnostic.severity == .warning || diagnostic.severity == .note)
    precondition(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "bad location in \(diagnostic)")
    precondition(!diagnostic.message.isEmpty)
}
