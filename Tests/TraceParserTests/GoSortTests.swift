import Foundation
import Testing
@testable import TraceParser

/// GoSort leaves equal elements exactly where Go's `slices.SortFunc` leaves them: a Go program
/// (standard library only) sorts the same inputs and prints the resulting order of the tags.
@Suite struct GoSortTests {
    /// Inputs of many sizes (across the insertion-sort, ninther and pattern-breaking thresholds),
    /// with few distinct keys so that ties abound; the keys come from one LCG in both languages.
    static let sizes = [0, 1, 2, 5, 12, 13, 20, 49, 50, 51, 100, 256, 257, 1000, 5000]
    static let keyRanges = [1, 2, 3, 10, 1000]

    static func keys(size: Int, range: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0..<size).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(range))
        }
    }

    static let goProgram = """
        package main

        import (
        \t"cmp"
        \t"fmt"
        \t"slices"
        )

        type item struct{ key, tag int }

        func main() {
        \tsizes := []int{0, 1, 2, 5, 12, 13, 20, 49, 50, 51, 100, 256, 257, 1000, 5000}
        \tranges := []int{1, 2, 3, 10, 1000}
        \tfor _, size := range sizes {
        \t\tfor _, r := range ranges {
        \t\t\tstate := uint64(size*7919 + r)
        \t\t\titems := make([]item, size)
        \t\t\tfor i := range items {
        \t\t\t\tstate = state*6364136223846793005 + 1442695040888963407
        \t\t\t\titems[i] = item{int((state >> 33) % uint64(r)), i}
        \t\t\t}
        \t\t\tslices.SortFunc(items, func(a, b item) int { return cmp.Compare(b.key, a.key) })
        \t\t\tfmt.Print(size, " ", r, ":")
        \t\t\tfor _, it := range items {
        \t\t\t\tfmt.Print(" ", it.tag)
        \t\t\t}
        \t\t\tfmt.Println()
        \t\t}
        \t}
        }
        """

    @Test func tiesComeOutInGosOrder() throws {
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("main.go")
        try Self.goProgram.write(to: source, atomically: true, encoding: .utf8)
        let result = try ParserSupport.run(ParserSupport.go, ["run", source.path],
                                           environment: ["GOCACHE": directory.appendingPathComponent("cache").path])
        try #require(result.status == 0, "go run failed: \(result.errorText)")
        var lines: [String] = []
        for size in Self.sizes {
            for range in Self.keyRanges {
                var items = Self.keys(size: size, range: range, seed: UInt64(size * 7919 + range)).enumerated().map { ($1, $0) }
                // Descending by key, as footprint sorts by bytes.
                GoSort.sort(&items) { $0.0 > $1.0 }
                lines.append("\(size) \(range):" + items.map { " \($0.1)" }.joined())
            }
        }
        expectSameText(lines.joined(separator: "\n") + "\n", result.outputText, "sort orders")
    }
}
