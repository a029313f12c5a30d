import TraceV2

/// Encodes typed events into the binary trace format, byte for byte as the runtime lays them out.
///
/// Arguments are minimal varints except those the spec marks as written at full width (a batch's
/// size, an experimental batch's data length), which the runtime reserves and fills in later; so
/// a trace read with ``TypedReader`` and written back is identical to the original. Each event is
/// checked against the trace version and the limits, as ``WireWriter`` checks raw events.
public struct TypedWriter {
    /// The trace version named in the header.
    public let version: TraceVersion
    private let output: OutputBuffer
    private let table = EventTable.shared
    private static let fullWidth = 10

    /// Writes the header of a `version` trace into `output`.
    public init(output: OutputBuffer, version: TraceVersion) throws {
        self.output = output
        self.version = version
        try output.write(version.header)
    }

    /// Encodes an owned typed event.
    public func write(_ event: TypedEvent) throws {
        var values: [UInt64] = []
        values.reserveCapacity(event.frames.count * 4)
        for frame in event.frames {
            values += [frame.pc, frame.function.rawValue, frame.file.rawValue, frame.line]
        }
        try values.withUnsafeBufferPointer { frames in
            if let data = event.data {
                try data.withUnsafeBytes { try write(event.event, data: $0, frameValues: frames) }
            } else {
                try write(event.event, data: nil, frameValues: frames)
            }
        }
    }

    /// Encodes the event a ``TypedReader`` has just read, without copying it.
    public func write(_ view: TypedEventView) throws {
        try write(view.event, data: view.data, frameValues: view.frames.values)
    }

    /// Encodes an event, its trailing data and its frames (four values each: PC, function, file, line).
    private func write(_ event: Event, data: UnsafeRawBufferPointer?, frameValues: UnsafeBufferPointer<UInt64>) throws {
        let type = event.type
        let row = table[type.rawValue]
        guard row.isValid(in: version) else {
            throw WireError(location: .none, message: "\(type.name) is not part of \(version.name) traces")
        }
        var frameCount = 0
        if row.isStack {
            // The frame count is an argument of its own; it must agree with the frames given.
            var declared: UInt64 = 0
            var index = 0
            event.forEachArgument { value in
                if index == 1 { declared = value }
                index += 1
            }
            frameCount = frameValues.count / 4
            guard declared == UInt64(frameCount) else {
                throw WireError(location: .none, message: "\(type.name) says it has \(declared) frames but \(frameCount) were given")
            }
            guard frameCount <= TraceLimits.maxFramesPerStack else {
                throw WireError(location: .none, message: "a Stack event needs at most \(TraceLimits.maxFramesPerStack) frames")
            }
        } else if !frameValues.isEmpty {
            throw WireError(location: .none, message: "\(type.name) carries no frames")
        }
        if let data {
            guard row.hasData else { throw WireError(location: .none, message: "\(type.name) carries no data") }
            guard data.count <= row.maxDataSize else {
                throw WireError(location: .none, message: "\(type.name) data of \(data.count) bytes is longer than the limit of \(row.maxDataSize)")
            }
        }
        if case .eventBatch(let batch) = event, batch.size > UInt64(TraceLimits.maxBatchSize) {
            throw WireError(location: .none, message: "batch size \(batch.size) is larger than the limit of \(TraceLimits.maxBatchSize) bytes")
        }

        try output.reserve(1 + Self.fullWidth * (row.argCount + frameValues.count + 1))
        var out = output.cursor
        let start = out
        out.pointee = type.rawValue
        out += 1
        let padded = type.fullWidthArguments
        var index = 0
        event.forEachArgument { value in
            out = padded.contains(index) ? Self.appendFullWidth(value, at: out) : WireWriter.appendVarint(value, at: out)
            index += 1
        }
        for value in frameValues {
            out = WireWriter.appendVarint(value, at: out)
        }
        if row.hasData {
            let length = UInt64(data?.count ?? 0)
            out = type.hasFullWidthDataLength ? Self.appendFullWidth(length, at: out) : WireWriter.appendVarint(length, at: out)
        }
        output.advance(out - start)
        if let data, !data.isEmpty {
            try output.write(data)
        }
    }

    /// Writes `value` as a ten-byte varint, the way the runtime fills in a reserved one.
    static func appendFullWidth(_ value: UInt64, at out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var value = value
        for index in 0..<fullWidth {
            out[index] = index < fullWidth - 1 ? UInt8(truncatingIfNeeded: value) | 0x80 : UInt8(truncatingIfNeeded: value)
            value >>= 7
        }
        return out + fullWidth
    }
}
