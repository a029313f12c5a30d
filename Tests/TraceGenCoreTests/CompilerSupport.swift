import Foundation
@testable import TraceGenCore

/// The real compilers, for tests that prove generated code builds: `swiftc` in Swift 6 mode with
/// warnings as errors, and the pinned Go toolchain's gofmt, vet and build.
enum Compilers {
    /// Writes `files` (paths relative to `directory`) to disk.
    static func write(_ files: [GeneratedFile], to directory: URL) throws {
        for file in files {
            let url = directory.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url)
        }
    }

    /// Compiles the Swift files of one folder as a library module and writes its `.swiftmodule`
    /// next to `moduleDirectory`'s parent; returns the compiler's complaint, or nil when it is clean.
    static func compileSwift(module: String, sources directory: URL, into output: URL, packageName: String? = nil) -> String? {
        let sources = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".swift") }.sorted() ?? []
        guard !sources.isEmpty else { return "no Swift sources in \(directory.path)" }
        try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var arguments = ["/usr/bin/env", "swiftc", "-parse-as-library", "-emit-module", "-module-name", module, "-swift-version", "6",
                         "-warnings-as-errors", "-emit-module-path", output.appendingPathComponent("\(module).swiftmodule").path]
        if let packageName { arguments += ["-package-name", packageName] }
        arguments += sources.map { directory.appendingPathComponent($0).path }
        let result = run(arguments, in: output.path)
        return result.status == 0 && result.stderr.isEmpty ? nil : "swiftc \(module): \(result.stdout)\(result.stderr)"
    }

    /// Runs `jobs` two at a time (the machine's cores) and returns their results in order.
    static func parallel<T: Sendable>(_ jobs: [@Sendable () -> T]) -> [T] {
        nonisolated(unsafe) var results = [T?](repeating: nil, count: jobs.count)
        let lock = NSLock()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 2
        for (index, job) in jobs.enumerated() {
            queue.addOperation {
                let value = job()
                lock.lock()
                results[index] = value
                lock.unlock()
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.map { $0! }
    }

    /// A temporary Go module holding each package under its own folder, checked at once:
    /// `gofmt -l` lists nothing, `go vet` and `go build` pass. Returns the problems found.
    static func checkGo(packages: [(folder: String, source: URL)], in module: URL) throws -> [String] {
        try "module corpus\n\ngo 1.22\n".write(to: module.appendingPathComponent("go.mod"), atomically: true, encoding: .utf8)
        for package in packages {
            try FileManager.default.copyItem(at: package.source, to: module.appendingPathComponent(package.folder))
        }
        var problems: [String] = []
        let gofmt = URL(fileURLWithPath: Repo.go).deletingLastPathComponent().appendingPathComponent("gofmt").path
        let format = run([gofmt, "-l", "."], in: module.path)
        if format.status != 0 || !format.stdout.isEmpty { problems.append("gofmt -l: \(format.stdout)\(format.stderr)") }
        let env = Repo.goEnvironment
        let vet = run([Repo.go, "vet", "./..."], in: module.path, environment: env)
        if vet.status != 0 { problems.append("go vet: \(vet.stderr)") }
        let build = run([Repo.go, "build", "./..."], in: module.path, environment: env)
        if build.status != 0 { problems.append("go build: \(build.stderr)") }
        return problems
    }
}
