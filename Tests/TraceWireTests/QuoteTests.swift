import Foundation
import Testing
@testable import TraceWire

/// `GoQuote` and `GoUnquote` against the real `strconv` of the newest pinned Go release.
@Suite struct QuoteTests {
    /// Byte strings that exercise every branch of Go's quoting rules.
    static let samples: [[UInt8]] = [
        [],
        Array("plain ascii".utf8),
        Array("quote \" backslash \\ tab \t newline \n".utf8),
        [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x0d, 0x1b, 0x1f, 0x7f],
        Array("héllo wörld ✓ 日本語 😀".utf8),
        [0xc2, 0x80, 0xc2, 0x9f, 0xc2, 0xa0, 0xc2, 0xad],          // C1 controls, no-break space, soft hyphen
        [0xff, 0xfe, 0x80, 0xbf],                                  // bytes that never start a sequence
        [0xc0, 0x80, 0xe0, 0x80, 0x80, 0xf0, 0x80, 0x80, 0x80],    // overlong forms
        [0xed, 0xa0, 0x80, 0xed, 0xbf, 0xbf],                      // surrogates
        [0xf4, 0x90, 0x80, 0x80, 0xf5, 0x80],                      // above U+10FFFF
        [0xe2, 0x82],                                              // cut short
        [0x61, 0xe2, 0x82, 0x61],
        [0xef, 0xbf, 0xbd],                                        // a real U+FFFD
        [0xee, 0x80, 0x80, 0xf3, 0xa0, 0x80, 0x81],                // private use, a tag character
        [0xe2, 0x80, 0xa8, 0xe2, 0x80, 0x8b, 0xef, 0xbb, 0xbf],    // line separator, zero width space, BOM
        [0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x90, 0x80, 0x80, 0xf3, 0xbf, 0xbf, 0xbf],
        Array("a\u{0301}e\u{0308}".utf8),                          // combining marks
    ]

    /// Go's `strconv.Quote` of each sample, one per line, from a tiny Go program.
    static func goQuotes(_ samples: [[UInt8]]) throws -> [String] {
        let hexLines = samples.map { $0.map { String(format: "%02x", $0) }.joined() }
        let output = try runGo("""
            package main

            import (
            \t"encoding/hex"
            \t"fmt"
            \t"strconv"
            )

            func main() {
            \tfor _, h := range []string{\(hexLines.map { "\"\($0)\"" }.joined(separator: ", "))} {
            \t\tb, err := hex.DecodeString(h)
            \t\tif err != nil {
            \t\t\tpanic(err)
            \t\t}
            \t\tfmt.Println(strconv.Quote(string(b)))
            \t}
            }
            """)
        return output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func quoteMatchesGo() throws {
        let expected = try Self.goQuotes(Self.samples)
        try #require(expected.count == Self.samples.count)
        for (sample, want) in zip(Self.samples, expected) {
            #expect(GoQuote.quote(sample) == want, "bytes \(sample)")
        }
    }

    @Test func unquoteInvertsQuote() throws {
        for sample in Self.samples where String(validating: sample, as: UTF8.self) != nil {
            #expect(GoUnquote.unquote(Array(GoQuote.quote(sample).utf8)) == sample)
        }
        // Invalid UTF-8 only survives when escaped, as Go prints it.
        #expect(GoUnquote.unquote(Array(#""\xff\xfe end""#.utf8)) == [0xff, 0xfe, 0x20, 0x65, 0x6e, 0x64])
    }

    /// Literals for every branch of Go's unquoting rules, valid and invalid.
    static let literals: [String] = [
        #""\101\x42\u0043\U00000044""#, "`raw \\n\r`", "'x'", "'\\''", #""\'""#, "'\"'", #""\ud800""#,
        #""\400""#, #""\8""#, #""unterminated"#, "\"a\"b\"", "\"line\nbreak\"", #""\q""#, #""\x4""#,
        "\"\u{00FF}\"", "`back`quote`", "''", "'ab'", #""tab\tand\\ \a\b\f\v""#, "\"é\"",
    ]

    @Test func unquoteMatchesGo() throws {
        var inputs = Self.literals.map { Array($0.utf8) }
        inputs.append([0x22, 0xff, 0x61, 0x22])  // raw invalid UTF-8 inside quotes
        inputs.append([0x22, 0x22])
        let hexLines = inputs.map { $0.map { String(format: "%02x", $0) }.joined() }
        let output = try Self.runGo("""
            package main

            import (
            \t"encoding/hex"
            \t"fmt"
            \t"strconv"
            )

            func main() {
            \tfor _, h := range []string{\(hexLines.map { "\"\($0)\"" }.joined(separator: ", "))} {
            \t\tb, _ := hex.DecodeString(h)
            \t\tif s, err := strconv.Unquote(string(b)); err != nil {
            \t\t\tfmt.Println("error")
            \t\t} else {
            \t\t\tfmt.Println(hex.EncodeToString([]byte(s)))
            \t\t}
            \t}
            }
            """)
        let expected = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        try #require(expected.count == inputs.count)
        for (input, want) in zip(inputs, expected) {
            let got = GoUnquote.unquote(input).map { $0.map { String(format: "%02x", $0) }.joined() } ?? "error"
            #expect(got == want, "literal \(String(decoding: input, as: UTF8.self))")
        }
    }

    /// Runs a Go program with the newest pinned toolchain and returns its output.
    static func runGo(_ program: String) throws -> String {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try program.write(to: directory.appendingPathComponent("main.go"), atomically: true, encoding: .utf8)
        let result = try Support.run(Support.goBinary(), ["run", "main.go"], in: directory)
        try #require(result.status == 0, "go run failed: \(result.errorText)")
        return result.outputText
    }

    @Test func printableTableMatchesGo() throws {
        // Every scalar whose printability changes from its predecessor, per Go; the same list
        // comes out of our table when walked the same way.
        let output = try Self.runGo("""
            package main

            import (
            \t"fmt"
            \t"strconv"
            )

            func main() {
            \tprev := false
            \tfor r := rune(0); r <= 0x10FFFF; r++ {
            \t\tif p := strconv.IsPrint(r); p != prev {
            \t\t\tfmt.Printf("%X\\n", r)
            \t\t\tprev = p
            \t\t}
            \t}
            }
            """)
        var ours: [String] = []
        var previous = false
        for scalar in UInt32(0)...0x10FFFF where GoQuote.isPrintable(scalar) != previous {
            ours.append(String(scalar, radix: 16, uppercase: true))
            previous.toggle()
        }
        #expect(ours == output.split(separator: "\n").map(String.init))
    }
}
