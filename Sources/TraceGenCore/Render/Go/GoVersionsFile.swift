/// `versions.go`: the trace versions, their headers and which events each may contain.
struct GoVersionsFile: FileGenerator {
    let model: TraceModel
    var path: String { model.layout.goDirectory + "versions.go" }
    var language: OutputLanguage { .go }

    /// The package-level names this file declares whatever the spec says.
    static let declarations = ["Version", "CurrentVersion", "HeaderSize", "Versions", "eventSince"]

    func body(_ p: inout CodePrinter) {
        p.line("package \(model.layout.goPackage)")
        p.line()
        p.comment("Version is a trace format version, numbered after the Go minor release that introduced it.")
        p.line("type Version uint32")
        p.line()
        p.comment("Trace format versions.")
        p.line("const (")
        p.indent()
        p.aligned(model.versions.map { [$0.goName, "Version", "= \($0.number)", p.trailingComment($0.description)] })
        p.outdent()
        p.line(")")
        p.line()
        p.comment("CurrentVersion is the newest trace format version.")
        p.line("const CurrentVersion = \(model.latestVersion.goName)")
        p.line()
        p.comment("HeaderSize is the size in bytes of the header that starts every trace.")
        p.line("const HeaderSize = \(model.headerSize)")
        p.line()
        p.comment("Versions returns every trace format version, oldest first.")
        p.block("func Versions() []Version {") { p in
            p.line("return []Version{\(model.versions.map(\.goName).joined(separator: ", "))}")
        }
        p.line()
        p.comment("Valid reports whether v is a known trace format version.")
        p.block("func (v Version) Valid() bool {") { p in
            p.line("return v.Header() != \"\"")
        }
        p.line()
        p.comment("String returns the version's name, such as \(model.versions[0].name).")
        versionSwitch("func (v Version) String() string {", otherwise: "unknown", &p) { $0.name }
        p.line()
        p.comment("Header returns the bytes that start a trace of version v, NUL padding included, or \"\" for an unknown version.")
        versionSwitch("func (v Version) Header() string {", otherwise: "", &p) {
            $0.header + String(repeating: "\0", count: $0.headerPadding)
        }
        p.line()
        p.comment("Has reports whether a trace of version v may contain events of type ev. Experimental events count from the version where they were introduced, like any other.")
        p.block("func (v Version) Has(ev EventType) bool {") { p in
            p.line("return int(ev) < len(eventSince) && eventSince[ev] != 0 && eventSince[ev] <= v")
        }
        p.line()
        p.comment("Events returns the event types a trace of version v may contain, in ID order.")
        p.block("func (v Version) Events() []EventType {") { p in
            p.line("var events []EventType")
            p.block("for ev := range eventSince {") { p in
                p.block("if v.Has(EventType(ev)) {") { p in
                    p.line("events = append(events, EventType(ev))")
                }
            }
            p.line("return events")
        }
        p.line()
        p.comment("Specs returns the spec table as a reader of version v sees it: indexed like Specs(), with the entries of events that v lacks left empty. Unlike a slice of Specs(), it keeps the experimental events that v has.")
        p.block("func (v Version) Specs() []EventSpec {") { p in
            p.line("specs := make([]EventSpec, len(eventSince))")
            p.block("for ev := range specs {") { p in
                p.block("if v.Has(EventType(ev)) {") { p in
                    p.line("specs[ev] = Specs()[ev]")
                }
            }
            p.line("return specs")
        }
        p.line()
        p.comment("eventSince is the first trace version of each event type.")
        p.line("var eventSince = [...]Version{")
        p.indent()
        p.alignedKeyValues(model.events.map { (key: $0.goName, value: $0.since.goName + ",") })
        p.outdent()
        p.line("}")
    }

    /// A method that switches over the versions and returns a string for each.
    private func versionSwitch(_ signature: String, otherwise: String, _ p: inout CodePrinter, _ text: (TraceModel.Version) -> String) {
        p.block(signature) { p in
            p.line("switch v {")
            for version in model.versions {
                p.line("case \(version.goName):")
                p.indent()
                p.line("return \(p.string(text(version)))")
                p.outdent()
            }
            p.line("}")
            p.line("return \(p.string(otherwise))")
        }
    }
}
