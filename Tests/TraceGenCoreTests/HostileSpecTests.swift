import Foundation
import Testing
@testable import TraceGenCore

/// Nothing in a spec can become code. Every hostile spec is either refused with located
/// diagnostics, or it generates Go and Swift that compile and declare exactly what its benign
/// twin declares: no `init`, no extra symbol.
@Suite(.serialized) struct HostileSpecTests {
    /// A small spec whose every free-text field is a slot; `names` fills the named slots too.
    static func spec(_ text: [String: String], names: [String: String] = [:], goPackage: String = "hostile") -> String {
        func value(_ key: String) -> String { yamlString(text[key] ?? "Plain \(key) text.") }
        func name(_ key: String, _ fallback: String) -> String { names[key] ?? fallback }
        return """
            title: \(value("title"))
            output:
              goPackage: \(goPackage)
              swiftModule: Hostile
            headerSize: 16
            versions:
              - name: go1.22
                header: go 1.22 trace
                description: \(value("version"))
              - name: go1.23
                header: go 1.23 trace
                description: \(value("version2"))
            constants:
              - name: \(name("constant", "MaxTimedEventArgs"))
                value: 5
                description: \(value("constant"))
            argTypes:
              - name: string
                description: \(value("argType"))
              - name: stack
                description: an ID in the stack table
            experiments:
              - id: 1
                name: \(name("experiment", "Heap"))
                since: go1.23
                description: \(value("experiment"))
            statusSets:
              - name: goStatuses
                of: goroutine
                go: {type: GoStatus, prefix: Go}
                values:
                  - {value: 0, name: Bad, display: \(value("display0")), description: \(value("status0"))}
                  - {value: 1, name: Running, display: \(value("display")), description: \(value("status"))}
              - name: procStatuses
                of: P
                go: {type: ProcStatus, prefix: Proc}
                values:
                  - {value: 0, name: Bad, display: Bad, description: \(value("procStatus"))}
            groups:
              - name: \(value("group"))
                description: \(value("groupDescription"))
                events:
                  - id: 1
                    name: EventBatch
                    args: [gen, m]
                    timed: false
                    since: go1.22
                    description: \(value("batch"))
                  - id: 2
                    name: String
                    args: [id]
                    timed: false
                    data: true
                    since: go1.22
                    description: \(value("string"))
                  - id: 3
                    name: \(name("event", "GoCreate"))
                    args: [dt, name_string, stack]
                    stringIDs: [1]
                    stackIDs: [2]
                    timed: true
                    since: go1.22
                    description: \(value("event"))
                  - id: 4
                    name: \(name("event2", "GoStop"))
                    args: [dt]
                    timed: true
                    since: go1.22
                    description: \(value("event2"))
              - name: \(value("experimentalGroup"))
                description: Experimental.
                events:
                  - id: 128
                    name: Span
                    args: [dt]
                    timed: true
                    experiment: \(name("experiment", "Heap"))
                    since: go1.23
                    description: \(value("experimental"))
            roles:
              batch: EventBatch
              stringEntry: String
              timedArgsLimit: \(name("constant", "MaxTimedEventArgs"))

            """
    }

    /// A YAML double-quoted scalar for any text: JSON's escapes are YAML's, and every non-ASCII
    /// character is written as an escape, so the file itself stays plain ASCII.
    static func yamlString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default:
                if scalar.isASCII, scalar.value >= 0x20, scalar.value != 0x7F {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFFFF {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result += String(format: "\\U%08X", scalar.value)
                }
            }
        }
        return result + "\""
    }

    static let goInjection = "func init() { panic(\"pwned\") }"
    static let swiftInjection = "public static let injected = 1"

    /// Every kind of line break, each followed by code in both languages.
    static let lineBreaks: [String: String] = {
        let breaks = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\n\n", "\r\r\n"]
        let keys = ["title", "version", "version2", "constant", "argType", "experiment", "status0", "status", "procStatus", "group",
                    "groupDescription", "batch", "string", "event", "event2", "experimentalGroup", "experimental"]
        var text: [String: String] = [:]
        for (index, key) in keys.enumerated() {
            let lineBreak = breaks[index % breaks.count]
            text[key] = "Looks harmless.\(lineBreak)\(goInjection)\(lineBreak)\(swiftInjection)\(lineBreak)// MARK: - \(lineBreak)}"
        }
        text["display"] = "Run\nning"
        text["display0"] = "B\r\nad"
        return text
    }()

    /// Quotes, backslashes, comment and literal delimiters, interpolation, Markdown and HTML.
    static let delimiters: [String: String] = [
        "display": "Run\" + func() string { panic(\"pwned\") }() + \"nable",
        "display0": "\\(fatalError(\"pwned\"))\\\"\"\"\"",
        "title": "Trace */ func init() { panic(1) } /* \"\"\" \\",
        "version": "Ends with a backslash \\",
        "version2": "`code` <script>alert(1)</script> | a | b |",
        "constant": "*/ \(goInjection) /*",
        "argType": "\"\"\"\n\(swiftInjection)\n\"\"\"",
        "experiment": "Tab\there, and an emoji \u{1F600} and é.",
        "status": "\\u{41} \\x41 \\n %s %v {{.}} ${x}",
        "group": "Core */ /* -->",
        "groupDescription": "<!-- a comment --> and -->",
        "event": "'single' \"double\" `back` \\ /// ///",
        "experimental": "#if false\n#endif\n#error(\"x\")",
    ]

    struct Generated {
        var goDeclarations: String
        var swiftSymbols: [String]
    }

    /// Generates the spec, compiles both outputs and returns what they declare.
    static func generateAndCompile(_ text: String, sourceName: String, in scratch: URL, label: String) throws -> Generated {
        let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "hostile.yaml")
        let output = scratch.appendingPathComponent(label)
        try Compilers.write(TraceGen.render(spec, sourceName: sourceName), to: output)
        let objects = scratch.appendingPathComponent("\(label)-swift")
        try FileManager.default.createDirectory(at: objects, withIntermediateDirectories: true)
        let sources = output.appendingPathComponent(spec.layout.swiftDirectory)
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }.sorted()
        let object = objects.appendingPathComponent("Hostile.o")
        let compile = run(["/usr/bin/env", "swiftc", "-parse-as-library", "-module-name", "Hostile", "-swift-version", "6", "-warnings-as-errors",
                           "-wmo", "-c", "-o", object.path] + files.map { sources.appendingPathComponent($0).path }, in: objects.path)
        #expect(compile.status == 0 && compile.stderr.isEmpty, "swiftc \(label): \(compile.stderr)")
        let nm = run(["/usr/bin/env", "nm", "-g", "--defined-only", object.path])
        let symbols = nm.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }.sorted()

        let goModule = scratch.appendingPathComponent("\(label)-go")
        try FileManager.default.createDirectory(at: goModule, withIntermediateDirectories: true)
        let problems = try Compilers.checkGo(packages: [("hostile", output.appendingPathComponent(spec.layout.goDirectory))], in: goModule)
        #expect(problems.isEmpty, "\(label): \(problems.joined(separator: "\n"))")
        let decls = run([Repo.go, "run", Repo.path("Tests/GoHarness/decls/main.go"), goModule.appendingPathComponent("hostile").path],
                        in: goModule.path, environment: Repo.goEnvironment)
        #expect(decls.status == 0, "\(decls.stderr)")
        return Generated(goDeclarations: decls.stdout, swiftSymbols: symbols)
    }

    @Test func hostileTextCompilesToTheBenignDeclarations() throws {
        let scratch = makeTemporaryDirectory("tracegen-hostile")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let benign = try Self.generateAndCompile(Self.spec([:]), sourceName: "benign.yaml", in: scratch, label: "benign")
        #expect(benign.goDeclarations.contains("func Specs\n") && !benign.goDeclarations.contains("func init"))
        #expect(benign.swiftSymbols.count > 50, "the symbol list is real: \(benign.swiftSymbols.count)")
        let cases: [(String, String, String)] = [
            ("line-breaks", Self.spec(Self.lineBreaks), "benign.yaml"),
            ("delimiters", Self.spec(Self.delimiters), "benign.yaml"),
            ("source-name", Self.spec([:]), "spec.yaml\n\(Self.goInjection)\r\n\(Self.swiftInjection)\u{2028}*/ -->"),
        ]
        for (label, text, sourceName) in cases {
            let hostile = try Self.generateAndCompile(text, sourceName: sourceName, in: scratch, label: label)
            #expect(hostile.goDeclarations == benign.goDeclarations, "\(label): Go declarations differ")
            #expect(hostile.swiftSymbols == benign.swiftSymbols, "\(label): Swift symbols differ")
        }
    }

    /// Every generated line that holds spec text keeps it inside a comment or a literal.
    @Test func commentLinesStayComments() throws {
        let spec = try TraceGen.loadSpec(data: Data(Self.spec(Self.lineBreaks).utf8), file: "hostile.yaml")
        for file in TraceGen.render(spec, sourceName: "x.yaml\nfunc init() {}") {
            for line in file.contents.split(separator: "\n", omittingEmptySubsequences: false) {
                let code = line.trimmingCharacters(in: .whitespaces)
                #expect(!code.hasPrefix("func init"), "\(file.path): \(line)")
                #expect(!code.hasPrefix(Self.swiftInjection), "\(file.path): \(line)")
                #expect(!line.unicodeScalars.contains { Escaping.isLineBreak($0) && $0 != "\n" }, "\(file.path): a raw line break")
            }
        }
    }

    /// The reference page keeps its shape: the same lines, the same table cells, no raw HTML.
    @Test func markdownKeepsItsShape() throws {
        func page(_ text: String) throws -> String {
            let spec = try TraceGen.loadSpec(data: Data(text.utf8), file: "hostile.yaml")
            return DocsRenderer(model: spec, context: RenderContext(sourceName: "x.yaml")).render()[0].contents
        }
        /// Per line: how many cell separators it has (an escaped `\|` is text).
        func shape(_ page: String) -> [Int] {
            page.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.replacingOccurrences(of: "\\\\", with: "").replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            }
        }
        let benign = try page(Self.spec([:]))
        for hostile in [Self.lineBreaks, Self.delimiters] {
            let text = try page(Self.spec(hostile))
            #expect(shape(text) == shape(benign))
            #expect(!text.contains("<script") && !text.contains("<!-- a comment"), "\(text)")
        }
    }

    /// Specs refused outright, with every diagnostic they produce.
    static let refused: [(label: String, text: String, expected: [String])] = [
        ("NUL in a description", spec(["event": "a\u{0}b"]), [
            "hostile.yaml:63:22: error: description of GoCreate contains a control character, U+0000; remove it or write it out in words"]),
        ("escape character", spec(["status": "\u{1B}[31mred"]), [
            "hostile.yaml:33:80: error: description of status Running contains a control character, U+001B; remove it or write it out in words"]),
        ("right-to-left override", spec(["event2": "admin\u{202E}txt.exe"]), [
            "hostile.yaml:69:22: error: description of GoStop contains an invisible formatting character, U+202E; remove it or write it out in words"]),
        ("zero-width space in a display", spec(["display": "Run\u{200B}ning"]), [
            "hostile.yaml:33:44: error: display of status Running contains an invisible formatting character, U+200B; remove it or write it out in words"]),
        ("isolate in a group name", spec(["group": "Core\u{2066}"]), [
            "hostile.yaml:40:11: error: group name contains an invisible formatting character, U+2066; remove it or write it out in words"]),
        ("right-to-left mark in the title", spec(["title": "\u{200F}Trace"]), [
            "hostile.yaml:1:8: error: title contains an invisible formatting character, U+200F; remove it or write it out in words"]),
        ("events differing only in case", spec([:], names: ["event2": "GOCreate"]), [
            "hostile.yaml:65:15: error: event GOCreate becomes the Swift name 'goCreate', as event GoCreate does (57:15)"]),
        ("an acronym spelt two ways", spec([:], names: ["event": "CpuSample", "event2": "CPUSample"]), [
            "hostile.yaml:65:15: error: event CPUSample becomes the Swift name 'cpuSample', as event CpuSample does (57:15)"]),
        ("an event named None", spec([:], names: ["event2": "None"]), [
            "hostile.yaml:65:15: error: event None becomes the Go name EvNone, which the generated package declares itself",
            "hostile.yaml:65:15: error: event None becomes the Swift name 'none', which the generated type declares itself"]),
        ("a constant named HeaderSize", spec([:], names: ["constant": "HeaderSize"]), [
            "hostile.yaml:14:11: error: constant HeaderSize becomes the Go name HeaderSize, which the generated package declares itself"]),
        ("a constant named CurrentVersion", spec([:], names: ["constant": "CurrentVersion"]), [
            "hostile.yaml:14:11: error: constant CurrentVersion becomes the Go name CurrentVersion, which the generated package declares itself"]),
        ("a constant named Specs", spec([:], names: ["constant": "Specs"]), [
            "hostile.yaml:14:11: error: constant Specs becomes the Go name Specs, which the generated package declares itself"]),
        ("a constant named like an event constant", spec([:], names: ["constant": "EvGoCreate"]), [
            "hostile.yaml:14:11: error: constant EvGoCreate becomes the Go name EvGoCreate, which event GoCreate already takes (57:15)"]),
        ("a constant named like a version constant", spec([:], names: ["constant": "Go122"]), [
            "hostile.yaml:14:11: error: constant Go122 becomes the Go name Go122, which version go1.22 already takes (7:11)"]),
        ("an experiment named Experiment", spec([:], names: ["experiment": "Experiment"]), [
            "hostile.yaml:24:11: error: experiment Experiment becomes the Go name Experiment, which the generated package declares itself"]),
        ("an experiment named Version", spec([:], names: ["experiment": "Version"]), [
            "hostile.yaml:24:11: error: experiment Version becomes the Go name Version, which the generated package declares itself"]),
        ("a Go keyword as package", spec([:], goPackage: "func"), [
            "hostile.yaml:3:14: error: output goPackage 'func' is a Go keyword"]),
        ("a line break in a name", spec([:], names: ["event2": "\"Go\\nStop\""]), [
            "hostile.yaml:65:15: error: event name 'Go\\nStop' must start with an upper-case letter and contain only letters and digits"]),
    ]

    @Test(arguments: 0..<refused.count)
    func hostileSpecIsRefusedWithItsLocation(_ index: Int) throws {
        let item = Self.refused[index]
        let error = try #require(throws: DiagnosticsError.self, "\(item.label)") {
            try TraceGen.loadSpec(data: Data(item.text.utf8), file: "hostile.yaml")
        }
        #expect(error.diagnostics.map(\.description) == item.expected, "\(item.label)")
    }
}
