import TraceV2
import TraceWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The table `go tool trace -d=footprint` prints: for every event byte, how many bytes and
/// events of that type the trace holds, largest first.
package enum Footprint {
    struct Row {
        var type: Int
        var count = 0
        var bytes = 0
    }

    /// What footprint makes of a trace: the table wherever Go's tool prints one, and the damage
    /// `gotrace wire` would report.
    package struct Outcome: Sendable {
        /// The table as Go prints it; nil when Go prints none.
        package var table: String?
        /// The first problem of the trace, nil for a sound trace.
        package var damage: WireError?
    }

    /// Reads every raw event of `reader` and returns the table as Go prints it; throws the first
    /// problem of a damaged trace, even one Go prints a table for (see ``read(_:)``).
    package static func table(_ reader: WireReader) throws -> String {
        let outcome = try read(reader)
        if let damage = outcome.damage { throw damage }
        return outcome.table ?? ""
    }

    /// Reads every raw event of `reader`; on damage, keeps the table too where Go has one.
    ///
    /// Go's raw reader checks neither batch sizes nor anything else across events, and takes a
    /// trace that ends between two events, or between the fields of one, for a complete trace.
    /// For such cuts Go prints the table of the events before the cut, with percentages of the
    /// whole file; so does this. An unknown event type or a cut inside a varint gives no table,
    /// as in Go.
    ///
    /// Go checks none of the format's length limits either, so neither does this: `reader` is
    /// switched to `WireReader.readsPastLimits`, and a batch header declaring more than
    /// 64 KiB, a stack of more than 128 frames or data longer than its limit is read as Go
    /// reads it (frames and oversized data are counted, not kept, so memory stays fixed). The
    /// first such breach is the damage reported, as `gotrace wire` reports it, since it comes
    /// before anything later in the trace; the table is printed when Go prints one.
    package static func read(_ reader: WireReader) throws -> Outcome {
        var rows = (0..<256).map { Row(type: $0) }
        var events = 0
        let limit = typeLimit(reader.version)
        reader.readsPastLimits = true
        do {
            while let event = try reader.nextView() {
                let type = Int(event.type.rawValue)
                // Go's raw reader knows only the events of the trace's own version table, which for
                // Go 1.23 to 1.25 traces stops before the experimental events.
                if type >= limit { throw WireError.at(offset: event.offset, "invalid event type: \(type)") }
                rows[type].count += 1
                if let past = reader.pastLimit, past.offset == event.offset {
                    rows[type].bytes += encodedSize(event, pastLimit: past)
                } else {
                    rows[type].bytes += encodedSize(event)
                }
                events += 1
            }
        } catch let damage as WireError {
            let reported = reader.limitBreach ?? damage
            guard let size = reader.sizeAtCleanCut else { return Outcome(table: nil, damage: reported) }
            return Outcome(table: format(&rows, events: events, total: size, version: reader.version), damage: reported)
        }
        let table = format(&rows, events: events, total: reader.offset, version: reader.version)
        if let breach = reader.limitBreach { return Outcome(table: table, damage: breach) }
        do {
            // Go does not mind a last batch cut between two of its events; `gotrace wire` does.
            try TraceDump.checkLastBatch(reader)
        } catch let damage as WireError {
            return Outcome(table: table, damage: damage)
        }
        return Outcome(table: table, damage: nil)
    }

    /// Sorts the rows as Go does and lays them out as its `tabwriter` does.
    private static func format(_ rows: inout [Row], events: Int, total: Int, version: TraceVersion) -> String {
        // Go sorts with its unstable sort, so equal byte counts stay where it leaves them.
        GoSort.sort(&rows) { $0.bytes > $1.bytes }
        var cells: [[String]] = [["Event", "Bytes", "%", "Count", "%"], ["-", "-", "-", "-", "-"]]
        for row in rows {
            cells.append([
                name(row.type, in: version), String(row.bytes), percent(row.bytes, of: total),
                String(row.count), percent(row.count, of: events),
            ])
        }
        return align(cells)
    }

    /// One past the last event byte Go's raw reader accepts in a trace of `version`.
    static func typeLimit(_ version: TraceVersion) -> Int {
        KindTable.versionTableLimit(version)
    }

    /// The size Go's tool counts for an event: its type byte and the shortest encoding of each
    /// argument and data length, whatever the bytes on the wire were (the runtime pads some).
    static func encodedSize(_ event: WireEventView) -> Int {
        var size = 1
        for value in event.args { size += varintLength(value) }
        if event.type.spec.hasData {
            let length = event.data?.count ?? 0
            size += varintLength(UInt64(length)) + length
        }
        return size
    }

    /// The size Go's tool counts for an event read past a limit, whose view lacks its frames or
    /// data: those come from what the reader counted for it.
    static func encodedSize(_ event: WireEventView, pastLimit: (offset: Int, frameBytes: Int, dataLength: Int)) -> Int {
        var size = 1 + pastLimit.frameBytes
        for value in event.args { size += varintLength(value) }
        if event.type.spec.hasData {
            size += varintLength(UInt64(pastLimit.dataLength)) + pastLimit.dataLength
        }
        return size
    }

    @inline(__always)
    static func varintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (70 - value.leadingZeroBitCount) / 7
    }

    /// The name Go's tool uses: the spec name when the version's table reaches that far (empty
    /// for unused bytes), else `<unknown (N)>`.
    static func name(_ type: Int, in version: TraceVersion) -> String {
        guard type < typeLimit(version) else { return "<unknown (\(type))>" }
        return EventType(rawValue: UInt8(type))?.name ?? ""
    }

    /// `part / whole * 100` with two decimals and a percent sign, as Go's `%.2f%%` prints it.
    static func percent(_ part: Int, of whole: Int) -> String {
        let value = Double(part) / Double(whole) * 100
        if value.isNaN { return "NaN%" }
        if value.isInfinite { return value > 0 ? "+Inf%" : "-Inf%" }
        return formatFixed(value) + "%"
    }

    /// A value with two decimals, correctly rounded from its exact binary value; the C
    /// library does this the same way Go's strconv does.
    private static func formatFixed(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 400)
        _ = withVaList([value]) { arguments in
            vsnprintf(&buffer, buffer.count, "%.2f", arguments)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Go's `text/tabwriter` with minimum width 3, padding 2 and spaces: every cell but the last
    /// of a line is padded to its column's widest cell plus two.
    static func align(_ lines: [[String]]) -> String {
        let columns = (lines.map(\.count).max() ?? 1) - 1
        var widths = [Int](repeating: 0, count: max(columns, 0))
        for line in lines {
            for (index, cell) in line.dropLast().enumerated() {
                widths[index] = max(widths[index], cell.utf8.count)
            }
        }
        var text = ""
        for line in lines {
            for (index, cell) in line.enumerated() {
                text += cell
                if index < line.count - 1 {
                    let width = max(widths[index] + 2, 3)
                    text += String(repeating: " ", count: width - cell.utf8.count)
                }
            }
            text += "\n"
        }
        return text
    }
}
