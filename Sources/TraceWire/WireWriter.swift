import TraceV2

/// Encodes raw events into the binary trace format: the header, then each event as its type
/// byte, varint arguments, stack frames, and a varint length followed by the trailing data.
///
/// The writer checks each event against the spec table and the trace version, so what it writes
/// is what ``WireReader`` accepts.
public struct WireWriter {
    /// The trace version named in the header.
    public let version: TraceVersion
    private let output: OutputBuffer
    private let table = EventTable.shared

    /// Writes the header of a `version` trace into `output`.
    public init(output: OutputBuffer, version: TraceVersion) throws {
        self.output = output
        self.version = version
        try output.write(version.header)
    }

    /// Encodes one event.
    public func write(_ event: WireEvent) throws {
        let row = table[event.type.rawValue]
        guard row.isValid(in: version) else {
            throw WireError(location: .none, message: "\(event.type.name) is not part of \(version.name) traces")
        }
        // The reader refuses a batch larger than the runtime writes; never write one.
        if event.type == .eventBatch, event.args.count == row.argCount, event.args[3] > UInt64(TraceLimits.maxBatchSize) {
            throw WireError(location: .none, message: "batch size \(event.args[3]) is larger than the limit of \(TraceLimits.maxBatchSize) bytes")
        }
        var expected = row.argCount
        if row.isStack {
            guard event.args.count >= 2, event.args[1] <= UInt64(TraceLimits.maxFramesPerStack) else {
                throw WireError(location: .none, message: "a Stack event needs at most \(TraceLimits.maxFramesPerStack) frames")
            }
            expected += 4 * Int(event.args[1])
        }
        guard event.args.count == expected else {
            throw WireError(location: .none, message: "\(event.type.name) needs \(expected) argument values, not \(event.args.count)")
        }
        if let data = event.data {
            guard row.hasData else {
                throw WireError(location: .none, message: "\(event.type.name) carries no data")
            }
            guard data.count <= row.maxDataSize else {
                throw WireError(location: .none, message: "\(event.type.name) data of \(data.count) bytes is longer than the limit of \(row.maxDataSize)")
            }
        }
        try output.reserve(1 + 10 * expected + 10)
        var out = output.cursor
        let start = out
        out.pointee = event.type.rawValue
        out += 1
        for value in event.args {
            out = Self.appendVarint(value, at: out)
        }
        if row.hasData {
            out = Self.appendVarint(UInt64(event.data?.count ?? 0), at: out)
        }
        output.advance(out - start)
        if let data = event.data {
            try output.write(data)
        }
    }

    /// Writes `value` as an unsigned LEB128 varint at `out` and returns the position after it.
    @inline(__always)
    static func appendVarint(_ value: UInt64, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var value = value
        var out = out
        while value >= 0x80 {
            out.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            out += 1
            value >>= 7
        }
        out.pointee = UInt8(truncatingIfNeeded: value)
        return out + 1
    }
}
