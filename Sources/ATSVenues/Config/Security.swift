import ATSDomain

/// A tokenized security in the securities master (`config.json`, `securities`).
public struct Security: Sendable, Hashable, Codable {
    public var symbol: Symbol
    public var name: String
    public var issuer: String
    /// The issuer's or token's identifier (a CUSIP-like code or the token contract).
    public var identifier: String
    public var exemption: Exemption
    /// A reporting issuer's Reg D securities may be resold after six months, others after a year.
    public var issuerIsReporting: Bool
    /// Reg S distribution compliance category (1, 2 or 3); nil for other exemptions.
    public var regulationSCategory: Int?
    public var transferRules: TransferRules
    public var tokenStandard: String
    public var chain: String

    /// The exemption the security was offered under, which sets its resale rules.
    public enum Exemption: String, Sendable, Hashable, Codable, CaseIterable {
        case regD506c = "reg_d_506c"
        case regS = "reg_s"
        case regATier2 = "reg_a_tier2"
        case regCF = "reg_cf"
        case fund3c7 = "fund_3c7"
    }

    /// The token's transfer restrictions, checked before a trade and again at settlement.
    public struct TransferRules: Sendable, Hashable, Codable {
        /// ISO alpha-2 countries whose residents may not acquire the token.
        public var restrictedCountries: [String]
        public var accreditedOnly: Bool
        public var qualifiedPurchaserOnly: Bool
        /// The most holders the issuer allows (a 3(c)(1) fund's 100, say); nil for no limit.
        public var maximumHolders: Int?
        /// The least a holder may hold once they hold any (a fund's minimum investment).
        public var minimumHolding: Quantity?
        public var maximumHolding: Quantity?
        /// Until this date (UTC, `YYYY-MM-DD`), US persons may not acquire it (Reg S flowback).
        public var flowbackEndsOn: CalendarDate?
    }

    /// How long an acquisition must be held before it may be resold, by exemption.
    ///
    /// Reg D 506(c) and 3(c)(7) funds: Rule 144(d), six months for a reporting issuer, else a year.
    /// Reg CF: one year (17 CFR 227.501). Reg S: the distribution compliance period, 40 days for
    /// category 2 and a year for category 3 (an assumption: the rule text was not retrieved).
    /// Reg A Tier 2: freely resalable.
    public var holdingPeriod: HoldingPeriod {
        switch exemption {
        case .regD506c, .fund3c7: return issuerIsReporting ? .months(6) : .months(12)
        case .regCF: return .months(12)
        case .regS:
            switch regulationSCategory ?? 1 {
            case 1: return .none
            case 2: return .days(40)
            default: return .months(12)
            }
        case .regATier2: return .none
        }
    }
}

/// A holding period: nothing, whole calendar months, or days.
public enum HoldingPeriod: Sendable, Hashable, CustomStringConvertible {
    case none
    case months(Int)
    case days(Int)

    public var description: String {
        switch self {
        case .none: return "none"
        case .months(let n): return "\(n) months"
        case .days(let n): return "\(n) days"
        }
    }
}

/// A date without a time, `YYYY-MM-DD`, read as midnight UTC.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date whose midnight a ``Timestamp`` can hold (years 1678 to 2261); nil otherwise.
    public init?(year: Int, month: Int, day: Int) {
        guard Timestamp.representableYears.contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Midnight UTC at the start of this date.
    public var start: Timestamp { Timestamp(secondsSinceEpoch: daysSinceEpoch * 86_400) }

    /// The same day `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)
    /// and to the last representable date (``latest``).
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12
        let newMonth = total % 12 + 1
        return CalendarDate(year: newYear, month: newMonth, day: min(day, Self.daysIn(month: newMonth, year: newYear)))
            ?? .latest
    }

    /// The last date a ``Timestamp`` can hold the midnight of.
    public static let latest = CalendarDate(year: Timestamp.representableYears.upperBound, month: 12, day: 31)!

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + Int64(days))
    }

    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        month = Int(m)
        day = Int(d)
    }

    /// The UTC date a timestamp falls on.
    public init(_ timestamp: Timestamp) {
        let nanosecondsPerDay: Int64 = 86_400 * 1_000_000_000
        let ns = timestamp.nanosecondsSinceEpoch
        let days = ns >= 0 ? ns / nanosecondsPerDay : (ns - nanosecondsPerDay + 1) / nanosecondsPerDay
        self.init(daysSinceEpoch: days)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String {
            String(repeating: "0", count: max(0, w - String(v).count)) + String(v)
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(text)\" is not a date YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension HoldingPeriod {
    /// The first date on which an acquisition on `date` may be resold.
    public func firstResaleDate(acquiredOn date: CalendarDate) -> CalendarDate {
        switch self {
        case .none: return date
        case .months(let n): return date.adding(months: n)
        case .days(let n): return date.adding(days: n)
        }
    }
}
