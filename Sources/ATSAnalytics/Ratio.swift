import ATSDomain

/// An exact ratio of two integers, shown as a decimal: fill rates, shares, basis points. Kept as
/// numerator and denominator so that nothing is rounded until it is printed.
public struct Ratio: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let numerator: Int128
    public let denominator: Int128

    public init(_ numerator: Int128, _ denominator: Int128) {
        precondition(denominator != 0, "a ratio needs a non-zero denominator")
        let sign: Int128 = denominator < 0 ? -1 : 1
        self.numerator = numerator * sign
        self.denominator = denominator * sign
    }

    public init(_ numerator: Int64, _ denominator: Int64) { self.init(Int128(numerator), Int128(denominator)) }

    /// Nil when `denominator` is zero (a rate of nothing).
    public static func of(_ numerator: Int64, _ denominator: Int64) -> Ratio? {
        denominator == 0 ? nil : Ratio(numerator, denominator)
    }

    public static let zero = Ratio(Int128(0), Int128(1))

    /// The value × 10^`decimals`, rounded half-even, as a decimal string: `Ratio(1, 3).decimal(4)` = "0.3333".
    public func decimal(_ decimals: Int, scaledBy factor: Int128 = 1) -> String {
        var power: Int128 = 1
        for _ in 0..<decimals { power *= 10 }
        let scaled = roundedQuotient(numerator * factor * power, denominator, rounding: .halfEven) ?? 0
        let negative = scaled < 0
        let magnitude = negative ? -scaled : scaled
        var digits = String(magnitude)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (negative ? "-" : "") + digits
    }

    /// As a percentage with two decimals: "87.50".
    public var percent: String { decimal(2, scaledBy: 100) }
    /// As basis points with two decimals: "12.34".
    public var basisPoints: String { decimal(2, scaledBy: 10_000) }

    public var description: String { decimal(8) }

    public static func < (lhs: Ratio, rhs: Ratio) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
}
