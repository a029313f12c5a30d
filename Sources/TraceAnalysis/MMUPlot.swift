import Foundation

/// The windows used when none are given: four per decade from 1 µs up to the trace's length,
/// and the length itself.
public func defaultMMUWindows(traceLength: Int64, perDecade: Int = 4) -> [Int64] {
    var windows: [Int64] = []
    var step = 0
    while true {
        let window = Int64((1000 * pow(10, Double(step) / Double(perDecade))).rounded())
        if window >= traceLength { break }
        windows.append(window)
        step += 1
    }
    if traceLength > 0 { windows.append(traceLength) }
    return windows
}

/// Draws an MMU curve as an SVG: window length on a logarithmic x axis, utilization from 0% to
/// 100% on the y axis, both axes labelled, each point with its value as a tooltip.
public func mmuSVG(_ points: [(window: Int64, mmu: Double)], title: String) -> String {
    let width = 720.0, height = 420.0, left = 70.0, right = 24.0, top = 40.0, bottom = 60.0
    // The curve keeps this far inside the frame, so points at 0%, 100% or the ends of the range
    // do not vanish into it.
    let inset = 8.0
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let usable = points.filter { $0.window > 0 && $0.mmu.isFinite }
    let lowest = log10(Double(usable.map(\.window).min() ?? 1000))
    var highest = log10(Double(usable.map(\.window).max() ?? 1_000_000))
    if highest <= lowest { highest = lowest + 1 }
    func x(_ window: Double) -> Double {
        left + inset + (log10(window) - lowest) / (highest - lowest) * (plotWidth - 2 * inset)
    }
    func y(_ mmu: Double) -> Double { top + inset + (1 - mmu) * (plotHeight - 2 * inset) }
    func number(_ value: Double) -> String { String(format: "%.1f", value) }
    func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
    // About 7 pixels a character at this size: a longer title is cut at the front.
    let maximumTitle = Int(width / 7.5)
    let shownTitle = title.count > maximumTitle ? "…" + title.suffix(maximumTitle - 1) : title
    var svg = """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
    <rect width="100%" height="100%" fill="white"/>
    <text x="\(number(width / 2))" y="22" text-anchor="middle" font-size="14">\(escapeXML(shownTitle))</text>

    """
    // Grid and tick labels: every tenth of utilization; every decade of window length, with
    // short ticks at 2 and 5 times it, which get labels too when the range holds few decades.
    let bottomEdge = top + plotHeight
    for tick in 0...10 {
        let value = Double(tick) / 10, py = y(value)
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(py))\" x2=\"\(number(left + plotWidth))\" y2=\"\(number(py))\" stroke=\"#ddd\"/>\n"
        svg += "<text x=\"\(number(left - 6))\" y=\"\(number(py + 4))\" text-anchor=\"end\">\(percent(value))</text>\n"
    }
    let decades = Int(highest.rounded(.down)) - Int(lowest.rounded(.up)) + 1
    let tolerance = 1e-9
    for decade in Int(lowest.rounded(.down))...Int(highest.rounded(.up)) {
        for multiple in [1.0, 2.0, 5.0] {
            let window = multiple * pow(10, Double(decade))
            guard log10(window) >= lowest - tolerance && log10(window) <= highest + tolerance else { continue }
            let px = x(window)
            if multiple == 1 {
                svg += "<line x1=\"\(number(px))\" y1=\"\(number(top))\" x2=\"\(number(px))\" y2=\"\(number(bottomEdge))\" stroke=\"#ddd\"/>\n"
            }
            svg += "<line x1=\"\(number(px))\" y1=\"\(number(bottomEdge))\" x2=\"\(number(px))\" y2=\"\(number(bottomEdge + (multiple == 1 ? 6 : 3)))\" stroke=\"black\"/>\n"
            if multiple == 1 || decades < 2 {
                svg += "<text x=\"\(number(px))\" y=\"\(number(bottomEdge + 18))\" text-anchor=\"middle\">\(formatDuration(Int64(window.rounded())))</text>\n"
            }
        }
    }
    svg += "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(plotWidth))\" height=\"\(number(plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
    svg += "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(height - 16))\" text-anchor=\"middle\">Window length (log scale)</text>\n"
    svg += "<text transform=\"translate(18 \(number(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">Minimum mutator utilization</text>\n"
    let path = usable.sorted { $0.window < $1.window }.map { "\(number(x(Double($0.window)))),\(number(y($0.mmu)))" }.joined(separator: " ")
    svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n"
    for point in usable {
        let tip = "\(formatDuration(point.window)): \(String(format: "%.3f%%", point.mmu * 100))"
        svg += "<circle cx=\"\(number(x(Double(point.window))))\" cy=\"\(number(y(point.mmu)))\" r=\"2.5\" fill=\"#1f77b4\"><title>\(tip)</title></circle>\n"
    }
    return svg + "</svg>\n"
}

func escapeXML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
