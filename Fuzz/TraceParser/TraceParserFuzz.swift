// libFuzzer target for TraceReader, the semantic reader (Sources/TraceParser).
//
// Scripts/fuzz compiles it into the TraceParser module, with TraceWire and TraceV2 beside it.
// For any input the reader must either hand out events or throw a TraceParseError; it must never
// crash, hang or grow without bound. Every event it accepts is also printed (to /dev/null) the
// way `gotrace parsed` prints it, so the printer sees every event shape the reader lets through.
import TraceV2
import TraceWire

#if canImport(Glibc)
import Glibc
#endif

/// Hands the input out in small reads, so the reader's refill paths run at every boundary.
struct ChunkedSource: ByteSource {
    let bytes: UnsafeBufferPointer<UInt8>
    let chunk: Int
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, chunk, bytes.count - position)
        guard count > 0 else { return 0 }
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + position, byteCount: count)
        position += count
        return count
    }
}

nonisolated(unsafe) let discard = OutputBuffer(fileDescriptor: open("/dev/null", O_WRONLY))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let chunk = size == 0 ? 1 : [1, 5, 64, 4096, Int.max][Int(input[size - 1]) % 5]
    do {
        let reader = try TraceReader(source: ChunkedSource(bytes: input, chunk: chunk))
        let sink = ByteSink(output: discard)
        let texts = TextCache()
        var last = Int64.min
        var count = 0
        while let event = try reader.next() {
            precondition(event.time > last || count == 0, "time went backwards: \(event.time) after \(last)")
            last = event.time
            count += 1
            // Every event needs at least one byte of input, plus the Sync events around
            // generations and the ones the parser adds for goroutine switches and syscalls.
            precondition(count <= 4 * size + 16, "\(count) events from \(size) bytes")
            try ParsedPrinter.write(event, to: sink, texts: texts)
            _ = event.stateTransition
            _ = event.range
            _ = event.task
            _ = event.experimental
        }
        try sink.flush()
    } catch let error as TraceParseError {
        if let offset = error.offset { precondition(offset >= 0 && offset <= size, "offset \(offset) outside the input") }
    } catch {
        preconditionFailure("not a TraceParseError: \(error)")
    }
    return 0
}
