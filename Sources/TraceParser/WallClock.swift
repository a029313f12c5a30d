#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats a wall-clock reading the way Go's `time.Time.Format(time.RFC3339Nano)` does for a
/// time in the local zone: `2026-11-21T09:29:09.862841392Z`, or with `+05:30` style offsets.
///
/// The zone comes from the C library (the `TZ` variable, else /etc/localtime), which reads the
/// same zone database Go does.
enum WallClock {
    static func rfc3339(seconds: Int64, nanoseconds: Int64) -> String {
        // Bring the nanoseconds into 0..<1e9 as Go's time.Unix does.
        var seconds = seconds
        var nanoseconds = nanoseconds
        if nanoseconds < 0 || nanoseconds >= 1_000_000_000 {
            let carry = nanoseconds / 1_000_000_000
            seconds = seconds &+ carry
            nanoseconds -= carry * 1_000_000_000
            if nanoseconds < 0 {
                nanoseconds += 1_000_000_000
                seconds = seconds &- 1
            }
        }
        let offset = zoneOffset(seconds)
        // Go counts in unsigned seconds from an epoch 292277022400 years back, with wrapping
        // additions; doing the same keeps even absurd clock readings printed as Go prints them.
        let absolute = UInt64(bitPattern: seconds &+ Int64(offset) &+ unixToAbsoluteDays * 86_400)
        let days = Int64(absolute / 86_400) - unixToAbsoluteDays
        let secondOfDay = Int64(absolute % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = ""
        if year < 0 {
            text += "-" + pad(-year, 4)
        } else {
            text += pad(year, 4)
        }
        text += "-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanoseconds != 0 {
            var fraction = pad(nanoseconds, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if offset == 0 {
            text += "Z"
        } else {
            var minutes = offset / 60
            if minutes < 0 {
                text += "-"
                minutes = -minutes
            } else {
                text += "+"
            }
            text += "\(pad(Int64(minutes / 60), 2)):\(pad(Int64(minutes % 60), 2))"
        }
        return text
    }

    /// Days from Go's absolute epoch (March 1 of year -292277022400) to 1970-01-01.
    private static let unixToAbsoluteDays: Int64 = 106_751_991_073_400

    /// The local zone's offset from UTC, in seconds, at a Unix time; 0 if the C library cannot
    /// say.
    private static func zoneOffset(_ seconds: Int64) -> Int {
        var time = time_t(truncatingIfNeeded: seconds)
        var parts = tm()
        if localtime_r(&time, &parts) != nil { return Int(parts.tm_gmtoff) }
        // Beyond the C library's years. Far back, the zone's first offset holds; far ahead, its
        // yearly rules, and the Gregorian calendar (weekdays included) repeats every 400 years.
        let cycle: Int64 = 12_622_780_800
        if seconds < 0 {
            time = -(1 << 55)
        } else {
            time = time_t(seconds % cycle)
        }
        guard localtime_r(&time, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
