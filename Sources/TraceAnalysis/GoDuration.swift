/// Reads a duration in Go's `time.ParseDuration` syntax (`1000ns`, `100us`, `1.5ms`, `2.5s`,
/// `1m30s`, `1h`) as nanoseconds; nil when the text is not one.
public func parseGoDuration(_ text: String) -> Int64? {
    var rest = Substring(text)
    var negative = false
    if let sign = rest.first, sign == "-" || sign == "+" {
        negative = sign == "-"
        rest = rest.dropFirst()
    }
    if rest == "0" { return 0 }
    if rest.isEmpty { return nil }
    let units: [(String, Int64)] = [("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
                                    ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000)]
    var total: Int64 = 0
    while !rest.isEmpty {
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction = Substring("")
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
        }
        if whole.isEmpty && fraction.isEmpty { return nil }
        let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
        guard let unit = units.first(where: { $0.0 == unitText })?.1 else { return nil }
        rest = rest.dropFirst(unitText.count)
        guard let value = whole.isEmpty ? 0 : Int64(whole) else { return nil }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: unit)
        if overflow { return nil }
        var part = scaled
        if !fraction.isEmpty, let digits = Int64(fraction.prefix(18)) {
            var scale = 1.0
            for _ in 0..<min(fraction.count, 18) { scale *= 10 }
            part += Int64(Double(digits) * (Double(unit) / scale))
        }
        let (sum, overflow2) = total.addingReportingOverflow(part)
        if overflow2 { return nil }
        total = sum
    }
    return negative ? -total : total
}
