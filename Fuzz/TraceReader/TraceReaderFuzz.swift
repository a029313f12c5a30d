// libFuzzer target for WireReader, the binary trace reader.
//
// Scripts/fuzz compiles it into the TraceWire module, with TraceV2 beside it. For any input the
// reader must either read events or throw a WireError with a byte offset inside the input;
// it must never crash, hang or allocate more than its fixed buffers. On top of that every event
// it accepts must survive the writer and the text format unchanged, so a disagreement between
// reader, writer, printer and text reader shows up as a crash here too.
import TraceV2

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

/// Empty data and no data are the same on the wire.
func normalized(_ event: WireEvent) -> WireEvent {
    var event = event
    if event.data?.isEmpty == true { event.data = nil }
    return event
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    // The last byte picks the read size, from one byte at a time to everything at once.
    let chunk = size == 0 ? 1 : [1, 3, 7, 16, 17, 4096, Int.max][Int(input[size - 1]) % 7]
    var events: [WireEvent] = []
    var failure: WireError?
    var version = TraceVersion.latest
    do {
        let reader = try WireReader(source: ChunkedSource(bytes: input, chunk: chunk))
        version = reader.version
        while let view = try reader.nextView() {
            precondition(view.offset >= 16 && view.offset < size, "event offset \(view.offset) outside the input")
            events.append(view.copy())
            precondition(reader.offset <= size, "reader went past the end")
        }
        precondition(reader.offset == size, "reader stopped at \(reader.offset) of \(size)")
    } catch let error as WireError {
        failure = error
    } catch {
        fatalError("not a WireError: \(error)")
    }
    if let failure {
        guard let offset = failure.offset, offset >= 0, offset <= size else {
            fatalError("error without an offset inside the input: \(failure)")
        }
        if events.isEmpty && size < 16 { return 0 }
    }
    if failure != nil && events.isEmpty { return 0 }

    // Every accepted event goes through the writer and back.
    let output = OutputBuffer()
    do {
        let writer = try WireWriter(output: output, version: version)
        for event in events { try writer.write(event) }
    } catch {
        fatalError("the writer rejects an event the reader accepted: \(error)")
    }
    let reread: [WireEvent]
    do {
        reread = try WireReader(bytes: output.bytes).readAll()
    } catch {
        fatalError("the reader rejects what the writer wrote: \(error)")
    }
    precondition(reread.map(normalized) == events.map(normalized), "binary round trip changed the events")

    // And through the text format.
    do {
        let text = try TraceDump.text(of: output.bytes, includeHeader: true)
        let parsed = try TextReader(text: text).readAll()
        precondition(parsed.map(normalized) == events.map(normalized), "text round trip changed the events")
    } catch {
        fatalError("text round trip failed: \(error)")
    }
    return 0
}
