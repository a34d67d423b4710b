import ATSDomain

/// FIX UTCTimestamp: `YYYYMMDD-HH:MM:SS.sss` (milliseconds when written; on reading, none, or
/// 3, 6 or 9 fraction digits).
public enum FIXTime {
    /// `time` as a UTCTimestamp with milliseconds.
    public static func format(_ time: Timestamp) -> String {
        let iso = time.description  // 2026-11-22T14:30:00.25Z
        let date = String(iso.prefix(10).filter { $0 != "-" })
        let clock = iso.dropFirst(11).prefix(8)
        var fraction = ""
        if let dot = iso.firstIndex(of: ".") { fraction = String(iso[iso.index(after: dot)...].dropLast()) }
        fraction = String((fraction + "000").prefix(3))
        return "\(date)-\(clock).\(fraction)"
    }

    /// A UTCTimestamp read, or nil when it is not one.
    public static func parse(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count == 17 || [21, 24, 27].contains(bytes.count), bytes[8] == UInt8(ascii: "-"),
            bytes[11] == UInt8(ascii: ":"), bytes[14] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            guard bytes[range].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int64(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(12..<14), let second = number(15..<17),
            (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var nanos: Int64 = 0
        if bytes.count > 17 {
            guard bytes[17] == UInt8(ascii: "."), let fraction = number(18..<bytes.count) else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(9 - (bytes.count - 18)) { scale *= 10 }
            nanos = fraction * scale
        }
        let days = daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000 + nanos)
    }

    private static func daysIn(_ month: Int64, _ year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days-from-civil (proleptic Gregorian calendar).
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
