// libFuzzer target for TextReader, the reader of Go's raw text trace format.
//
// Scripts/fuzz compiles it into the TraceWire module, with TraceV2 beside it. For any input the
// reader must either read events or throw a WireError with a line number inside the input; it
// must never crash, hang or allocate without bound. Every text it accepts must encode, and the
// binary it encodes to must read back as the same events.
import TraceV2

/// Empty data and no data are the same on the wire.
func normalized(_ event: WireEvent) -> WireEvent {
    var event = event
    if event.data?.isEmpty == true { event.data = nil }
    return event
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = input.reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) }
    var events: [WireEvent] = []
    var version = TraceVersion.latest
    do {
        let reader = try TextReader(source: MemorySource(input))
        version = reader.version
        while let event = try reader.next() { events.append(event) }
    } catch let error as WireError {
        guard let line = error.line, line >= 1, line <= lineCount else {
            fatalError("error without a line inside the input (\(lineCount) lines): \(error)")
        }
    } catch {
        fatalError("not a WireError: \(error)")
    }
    guard !events.isEmpty else { return 0 }

    // What the text reader accepts, the writer must accept and the binary reader read back.
    let output = OutputBuffer()
    do {
        let writer = try WireWriter(output: output, version: version)
        for event in events { try writer.write(event) }
    } catch {
        fatalError("the writer rejects an event the text reader accepted: \(error)")
    }
    do {
        let reread = try WireReader(bytes: output.bytes).readAll()
        precondition(reread.map(normalized) == events.map(normalized), "binary round trip changed the events")
        // Printing and reading the text again gives the same events once more.
        let text = try TraceDump.text(of: output.bytes, includeHeader: true)
        let again = try TextReader(text: text).readAll()
        precondition(again.map(normalized) == events.map(normalized), "text round trip changed the events")
    } catch {
        fatalError("round trip failed: \(error)")
    }
    return 0
}
