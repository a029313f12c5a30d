// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tracegen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tracegen", targets: ["tracegen"]),
        .executable(name: "gotrace", targets: ["gotrace"]),
        .library(name: "TraceV2", targets: ["TraceV2"]),
        .library(name: "TraceGenCore", targets: ["TraceGenCore"]),
        .library(name: "TraceWire", targets: ["TraceWire"]),
        .library(name: "TraceParser", targets: ["TraceParser"]),
        .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
        .plugin(name: "TraceGenPlugin", targets: ["TraceGenPlugin"]),
        .plugin(name: "GenerateTraceDefinitions", targets: ["GenerateTraceDefinitions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Documentation only: `swift package generate-documentation` (Scripts/docs).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The generator pipeline: load → validate → model → render → write.
        .target(
            name: "TraceGenCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // What both command lines share: typed failures and their exit statuses, checked writes to
        // standard output, output files that are replaced atomically or written through. Links no
        // generated module.
        .target(
            name: "CommandSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The generator's command line. It links no generated module, so whatever state Generated/
        // is in, tracegen still builds and can regenerate it.
        .executableTarget(
            name: "tracegen",
            dependencies: [
                "TraceGenCore",
                "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The trace tools, named after `go tool trace -d=MODE`; built on the generated definitions.
        .executableTarget(
            name: "gotrace",
            dependencies: [
                "TraceWire",
                "CommandSupport",
                "TraceParser",
                "TraceAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The definitions generated from Specs/v2.yaml; checked in and kept in sync by the golden test.
        // Sources/TraceV2/Generated links to Generated/Swift/TraceV2.
        .target(name: "TraceV2"),
        // Reads and writes Go execution traces with the generated definitions.
        .target(name: "TraceWire", dependencies: ["TraceV2"]),
        // Orders and validates the events of a trace as Go's internal/trace parser does.
        .target(name: "TraceParser", dependencies: ["TraceWire", "TraceV2"]),
        // Analyses of the ordered events, equal to Go's internal/trace ones: goroutine and task
        // summaries, pprof profiles, minimum mutator utilization. Built on TraceParser's public API.
        // Proto/profile.pb.swift is generated once from Proto/profile.proto and checked in (see the
        // .proto file), so only the SwiftProtobuf runtime is needed here.
        .target(
            name: "TraceAnalysis",
            dependencies: ["TraceV2", "TraceParser", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto/profile.proto", "Proto/perfetto_trace.proto"]
        ),
        // The system zlib (libz), which gzips the pprof profiles.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Build plugin: Swift definitions for every *.tracegen.yaml among a target's sources.
        .plugin(name: "TraceGenPlugin", capability: .buildTool(), dependencies: ["tracegen"]),
        // Command plugin: regenerates checked-in outputs exactly as `tracegen SPEC --output DIR` does.
        .plugin(
            name: "GenerateTraceDefinitions",
            capability: .command(
                intent: .custom(verb: "generate-trace-definitions", description: "Regenerate the checked-in outputs of every Specs/*.yaml"),
                permissions: [.writeToPackageDirectory(reason: "It rewrites the generated files under Generated/ (or --output).")]
            ),
            dependencies: ["tracegen"]
        ),
        // What both test targets share: the process runner, the executable locator, temporary
        // folders and the Go environment.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "TraceGenCoreTests",
            dependencies: ["TraceGenCore", "TraceV2", "TestSupport"]
        ),
        .testTarget(
            name: "TraceWireTests",
            dependencies: ["TraceWire", "TraceV2", "TestSupport"]
        ),
        .testTarget(
            name: "TraceParserTests",
            dependencies: ["TraceParser", "TraceWire", "TraceV2", "TestSupport"]
        ),
        .testTarget(
            name: "TraceAnalysisTests",
            dependencies: ["TraceAnalysis", "TraceParser", "TraceWire", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
