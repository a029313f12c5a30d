import Foundation
import Testing

/// Damaged traces (cut short, bytes flipped, an overlong varint spliced in) get Go's verdict from
/// `gotrace parsed`: the same exit status class as `go tool trace -d=parsed` and the same events
/// printed before any failure, never a crash or a hang.
@Suite struct DamagedTraceTests {
    /// A small deterministic generator, so every run tries the same inputs.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func damaged(_ whole: [UInt8], seed: UInt64, count: Int) -> [[UInt8]] {
        var random = Random(state: seed)
        return (0..<count).map { index in
            var bytes = whole
            switch index % 3 {
            case 0:
                bytes = Array(bytes.prefix(16 + random.next(bytes.count - 16)))
            case 1:
                for _ in 0...random.next(3) { bytes[16 + random.next(bytes.count - 16)] ^= UInt8(1 + random.next(255)) }
            default:
                // Nine continuation bytes then a large final byte: a varint past 64 bits.
                bytes.insert(contentsOf: [UInt8](repeating: 0xff, count: 9) + [0x7f], at: 16 + random.next(bytes.count - 16))
            }
            return bytes
        }
    }

    @Test(arguments: ["go1.22/annotations", "go1.25/cpuprofile", "go1.27/coro"])
    func damagedTracesGetGosVerdict(_ name: String) throws {
        let whole = try [UInt8](Data(contentsOf: ParserSupport.fixture(name, ".trace")))
        let directory = try ParserSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("damaged.trace")
        var rejected = 0
        for (index, bytes) in Self.damaged(whole, seed: UInt64(name.utf8.count), count: 18).enumerated() {
            try Data(bytes).write(to: file)
            let go = try ParserSupport.run(ParserSupport.go, ["tool", "trace", "-d=parsed", file.path], environment: ["TZ": "UTC"])
            let ours = try ParserSupport.run(ParserSupport.gotrace, ["parsed", file.path], environment: ["TZ": "UTC"])
            #expect(ours.status == 0 || ours.status == 1, "\(name) #\(index): exit \(ours.status) \(ours.errorText)")
            #expect((ours.status == 0) == (go.status == 0), "\(name) #\(index): Go exit \(go.status) \(go.errorText), ours \(ours.status) \(ours.errorText)")
            #expect(ours.output == go.output, "\(name) #\(index): the events printed differ")
            if ours.status != 0 {
                rejected += 1
                #expect(ours.errorText.hasPrefix("\(file.path): "), "\(name) #\(index): \(ours.errorText)")
            }
        }
        #expect(rejected > 0)
    }
}
