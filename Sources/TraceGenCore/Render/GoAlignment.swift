import Foundation

/// gofmt's rule for where the alignment of a keyed composite literal breaks.
///
/// gofmt aligns the values of consecutive `key: value` lines, except that a line whose key is more
/// than 40 characters long, next to another key, starts a new alignment section when its length is
/// 2.5 times the running geometric mean of the section's keys or less than 1/2.5 of it (go/printer,
/// `exprList`, as of Go 1.27). Names are the user's, so the generator follows the rule rather
/// than hoping names stay short.
enum GoAlignment {
    /// Groups the row indices of a keyed literal, one element per line, into alignment sections.
    /// `keySizes` are the printed sizes of the keys, in characters, without the colon.
    static func sections(keySizes: [Int]) -> [[Int]] {
        var sections: [[Int]] = []
        var log2sum = 0.0
        var count = 0
        var previous = 0
        for (index, size) in keySizes.enumerated() {
            var newSection = true
            if previous > 0, size > 0 {
                if count == 0 || (previous <= 40 && size <= 40) {
                    newSection = false
                } else {
                    let ratio = Double(size) / exp2ish(log2sum / Double(count))
                    newSection = 2.5 * ratio <= 1 || 2.5 <= ratio
                }
            }
            if index == 0 || newSection {
                sections.append([index])
                log2sum = 0
                count = 0
            } else {
                sections[sections.count - 1].append(index)
            }
            log2sum += log2ish(Double(size))
            count += 1
            previous = size
        }
        return sections
    }

    /// go/printer's `log2ish`: the exponent plus a linear guess at the fraction.
    static func log2ish(_ x: Double) -> Double {
        // frexp: x = f * 2^e with f in [0.5, 1); Swift's significand is 2f.
        let f = x.significand / 2
        let e = Double(x.exponent + 1)
        return e + 2 * (f - 1)
    }

    /// go/printer's `exp2ish`: (1 + fraction) * 2^floor(x).
    static func exp2ish(_ x: Double) -> Double {
        let n = x.rounded(.down)
        return (1 + (x - n)) * pow(2, n)
    }
}
