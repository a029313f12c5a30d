import TraceV2

/// Whole-trace operations built on the reader and writers: printing a binary trace as text,
/// decoding it without printing, and encoding text back to binary.
package enum TraceDump {
    /// How often the loops report progress, in events.
    private static let progressInterval = 1 << 16

    /// Prints every event of `reader` into `output`, as `go tool trace -d=wire` does.
    ///
    /// - Parameters:
    ///   - reader: The trace to print, positioned after its header.
    ///   - output: Where the text goes.
    ///   - includeHeader: Starts with the `Trace Go1.N` line, which makes the output Go's raw
    ///     text format.
    ///   - progress: Called now and then with the number of trace bytes read so far.
    ///   - requireCompleteBatches: After the last event, fail if the trace ends inside its last
    ///     batch (see ``checkLastBatch(_:)``). Go's `-d=wire` does not check this; `gotrace wire`
    ///     does.
    /// - Returns: The number of events printed.
    @discardableResult
    package static func printText(
        _ reader: WireReader, to output: OutputBuffer, includeHeader: Bool = false,
        progress: ((Int) -> Void)? = nil, requireCompleteBatches: Bool = true
    ) throws -> Int {
        let writer = TextWriter(output: output)
        if includeHeader { try writer.writeHeader(reader.version) }
        var count = 0
        do {
            while let event = try reader.nextView() {
                try writer.write(event)
                count += 1
                if let progress, count % progressInterval == 0 { progress(reader.offset) }
            }
            if requireCompleteBatches { try checkLastBatch(reader) }
        } catch {
            // Keep what was printed before the problem, as Go's tool does.
            try? output.flush()
            throw error
        }
        try output.flush()
        return count
    }

    /// Reads every event of `reader` without printing anything.
    ///
    /// - Returns: The number of events read.
    @discardableResult
    package static func decode(_ reader: WireReader, progress: ((Int) -> Void)? = nil) throws -> Int {
        var count = 0
        while try reader.nextView() != nil {
            count += 1
            if let progress, count % progressInterval == 0 { progress(reader.offset) }
        }
        try checkLastBatch(reader)
        return count
    }

    /// Fails when the trace ends before its last batch does: every event was readable, but the
    /// batch is cut, and Go's parser rejects such a trace ("failed to read full batch").
    package static func checkLastBatch(_ reader: WireReader) throws {
        guard let cut = reader.truncatedBatch else { return }
        throw WireError.at(
            offset: cut.offset,
            "truncated batch: its header declares \(cut.declaredSize) bytes but the trace ends after \(cut.present)")
    }

    /// Encodes the text trace of `reader` into the binary format.
    ///
    /// Errors carry the line of the text; an event the writer rejects is reported at the line
    /// where it ends.
    /// - Returns: The number of events written.
    @discardableResult
    package static func encode(_ reader: TextReader, to output: OutputBuffer) throws -> Int {
        let writer = try WireWriter(output: output, version: reader.version)
        var count = 0
        while let event = try reader.next() {
            do {
                try writer.write(event)
            } catch let error as WireError where error.location == .none {
                throw WireError.at(line: reader.lineNumber, error.message)
            }
            count += 1
        }
        try output.flush()
        return count
    }

    /// Prints a binary trace held in memory as text, exactly as `go tool trace -d=wire` does (a
    /// trace cut inside its last batch, between two events, is printed without complaint).
    package static func text(of trace: [UInt8], includeHeader: Bool = false) throws -> String {
        let output = OutputBuffer()
        try printText(WireReader(bytes: trace), to: output, includeHeader: includeHeader, requireCompleteBatches: false)
        return output.text
    }

    /// Encodes a text trace held in memory into the binary format.
    package static func binary(of text: String) throws -> [UInt8] {
        let output = OutputBuffer()
        try encode(TextReader(text: text), to: output)
        return output.bytes
    }
}
