import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A point in time: nanoseconds since 1970-01-01T00:00:00Z.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let nanosecondsSinceEpoch: Int64

    @inlinable public init(nanosecondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = nanosecondsSinceEpoch }
    /// - Precondition: `secondsSinceEpoch` is within the representable range (1677-09-21 to
    ///   2262-04-11); for input, use ``init(checkedSecondsSinceEpoch:)``.
    public init(secondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = secondsSinceEpoch * 1_000_000_000 }

    /// `seconds` since the epoch, or nil when nanoseconds since the epoch would not fit in 64 bits.
    public init?(checkedSecondsSinceEpoch seconds: Int64) {
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        self.nanosecondsSinceEpoch = nanoseconds
    }

    /// The earliest and latest whole days a timestamp can hold (1678-01-01 and 2261-12-31).
    public static let representableYears: ClosedRange<Int> = 1678...2261

    public static let epoch = Timestamp(nanosecondsSinceEpoch: 0)

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public func adding(nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch + nanoseconds)
    }
    public func adding(seconds: Int64) -> Timestamp { adding(nanoseconds: seconds * 1_000_000_000) }

    /// Nanoseconds from `self` to `later`.
    public func nanoseconds(until later: Timestamp) -> Int64 { later.nanosecondsSinceEpoch - nanosecondsSinceEpoch }

    /// ISO 8601 in UTC with nanoseconds trimmed to what is present, e.g. `2026-11-22T14:30:00.25Z`.
    public var description: String {
        let seconds = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000_000)
        var whole = seconds.quotient
        var nanos = seconds.remainder
        if nanos < 0 {
            whole -= 1
            nanos += 1_000_000_000
        }
        let (days, secondOfDay) = floorDivide(whole, 86_400)
        let (year, month, day) = civilDate(fromDaysSinceEpoch: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanos != 0 {
            var fraction = pad(nanos, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r < 0 ? (q - 1, r + b) : (q, r)
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
private func civilDate(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
}

/// The one seam through which components read the time; tests drive a ``ManualClock``.
public protocol TradingClock: Sendable {
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: TradingClock {
    public init() {}
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}

/// A clock that moves only when told to.
public final class ManualClock: TradingClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = .epoch) { current = Mutex(start) }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func set(_ time: Timestamp) { current.withLock { $0 = time } }

    public func advance(nanoseconds: Int64) {
        current.withLock { $0 = $0.adding(nanoseconds: nanoseconds) }
    }

    public func advance(seconds: Int64) { advance(nanoseconds: seconds * 1_000_000_000) }
}

extension Duration {
    /// The whole duration in nanoseconds (sub-nanosecond parts dropped).
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// A clock that starts at a chosen instant and runs at real speed from there: the embedded venue
/// simulations trade in a simulated session (for example the next weekday's core hours) whatever
/// the wall-clock day is.
public struct RunningClock: TradingClock {
    public let start: Timestamp
    private let origin: ContinuousClock.Instant

    public init(startingAt start: Timestamp) {
        self.start = start
        origin = ContinuousClock.now
    }

    public func now() -> Timestamp {
        let elapsed = ContinuousClock.now - origin
        return start.adding(nanoseconds: elapsed.nanoseconds)
    }

    /// 15:00 UTC on the first Monday-to-Friday on or after `time`'s day, if that is still ahead;
    /// 10:00 or 11:00 in New York and 15:00 in London: every venue's session is open.
    public static func nextWeekdaySessionStart(after time: Timestamp) -> Timestamp {
        let day: Int64 = 86_400
        var midnight = time.nanosecondsSinceEpoch / 1_000_000_000 / day * day
        while true {
            let weekday = (midnight / day + 4) % 7  // 1970-01-01 was a Thursday: 0 = Sunday
            let candidate = Timestamp(secondsSinceEpoch: midnight + 15 * 3_600)
            if weekday >= 1 && weekday <= 5 && candidate >= time { return candidate }
            midnight += day
        }
    }
}
