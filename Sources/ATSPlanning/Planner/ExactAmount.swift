import ATSDomain

/// An exact amount of money at 24 decimal places, wide enough that fees are never rounded.
///
/// A child's notional is `price × quantity` (16 decimals); its proportional fee is that times a
/// fee in basis points with up to 4 decimals, divided by 10⁴ (24 decimals). The planner sums
/// and compares these exactly and rounds only where a caller asks for ``Money``.
public struct ExactAmount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Decimal places of `rawValue`.
    public static let scale = 24
    /// `10^24`, the raw value of one unit of money.
    public static let unit: Int128 = {
        var value: Int128 = 1
        for _ in 0..<24 { value *= 10 }
        return value
    }()

    public var rawValue: Int128

    public init(rawValue: Int128) { self.rawValue = rawValue }

    public static let zero = ExactAmount(rawValue: 0)

    /// The exact amount of a ``Money`` value.
    public init(_ money: Money) {
        rawValue = Int128(money.rawValue) * ExactAmount.unit / Int128(Money.unit)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(rawValue: lhs.rawValue + rhs.rawValue) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(rawValue: lhs.rawValue - rhs.rawValue) }
    public static prefix func - (value: Self) -> Self { Self(rawValue: -value.rawValue) }

    /// This amount as ``Money`` (8 decimals), rounded by `rule`.
    public func money(rounding rule: DecimalRounding) throws(FixedPointError) -> Money {
        guard let quotient = roundedQuotient(rawValue, ExactAmount.unit / Int128(Money.unit), rounding: rule) else {
            throw FixedPointError(.inexact, type: Money.typeName, input: description)
        }
        guard let raw = Int64(exactly: quotient) else {
            throw FixedPointError(.overflow, type: Money.typeName, input: description)
        }
        return Money(rawValue: raw)
    }

    /// The exact decimal, without trailing zeros: `"4.008"`, `"-12.5"`, `"0"`.
    public var description: String {
        let negative = rawValue < 0
        let magnitude = rawValue.magnitude
        let unit = ExactAmount.unit.magnitude
        let whole = magnitude / unit
        let fraction = magnitude % unit
        var text = negative ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: ExactAmount.scale - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// Parses a decimal with at most 24 places (`"4.008"`, `"-12.5"`); nil for anything else.
    public init?(_ text: String) {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII),
            parts[0].allSatisfy(\.isNumber),
            let whole = Int128(parts[0])
        else { return nil }
        var fraction: Int128 = 0
        if parts.count == 2 {
            let places = parts[1]
            guard !places.isEmpty, places.count <= ExactAmount.scale, places.allSatisfy(\.isASCII),
                places.allSatisfy(\.isNumber),
                let value = Int128(places)
            else { return nil }
            fraction = value
            for _ in places.count..<ExactAmount.scale { fraction *= 10 }
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: ExactAmount.unit)
        guard !overflow else { return nil }
        rawValue = negative ? -(scaled + fraction) : scaled + fraction
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ExactAmount(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an exact decimal: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
