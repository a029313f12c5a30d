// swift-tools-version: 6.0
import PackageDescription

// A consumer of tracegen: TraceGenPlugin turns Sources/TraceExplain/v2.tracegen.yaml into
// Swift at build time, and the program uses that API to explain events.
let package = Package(
    name: "TraceExplain",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "tracegen", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "TraceExplain",
            plugins: [.plugin(name: "TraceGenPlugin", package: "tracegen")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
