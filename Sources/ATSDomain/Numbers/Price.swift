/// A price per unit, exact to 8 decimal places; never negative.
public struct Price: FixedPointDecimal {
    public static let scale = fixedPointScale
    public static let allowsNegative = false
    public static let typeName = "price"
    public let rawValue: Int64
    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// A number of units of a security, exact to 8 decimal places (fund tokens trade in fractions); never negative.
public struct Quantity: FixedPointDecimal {
    public static let scale = fixedPointScale
    public static let allowsNegative = false
    public static let typeName = "quantity"
    public let rawValue: Int64
    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// An amount of money in the security's currency, exact to 8 decimal places; may be negative (a net amount).
public struct Money: FixedPointDecimal {
    public static let scale = fixedPointScale
    public static let allowsNegative = true
    public static let typeName = "money"
    public let rawValue: Int64
    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// A rate in basis points (1 bp = 0.01 %), exact to 8 decimal places; negative for a rebate.
public struct BasisPoints: FixedPointDecimal {
    public static let scale = fixedPointScale
    public static let allowsNegative = true
    public static let typeName = "basis points"
    public let rawValue: Int64
    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
}

extension Money {
    /// `price × quantity`, computed in 128 bits and rounded once by `rule`.
    ///
    /// With prices of at most 4 decimals and quantities of at most 4, the product is exact and
    /// `.exact` never throws; finer inputs need a rounding rule.
    public static func notional(
        price: Price, quantity: Quantity, rounding rule: DecimalRounding = .exact
    ) throws(FixedPointError) -> Money {
        let product = Int128(price.rawValue) * Int128(quantity.rawValue)
        let raw = try divide(
            product, by: Int128(Quantity.unit), rounding: rule, type: typeName,
            input: "\(price) × \(quantity)")
        return Money(rawValue: raw)
    }

    /// The proportional fee on this amount at `basisPoints` (1 bp = 0.01 %), which may be fractional.
    public func fee(basisPoints: BasisPoints, rounding rule: DecimalRounding) throws(FixedPointError) -> Money {
        // amount × bps / 10_000, with bps itself carried at scale 8.
        let product = Int128(rawValue) * Int128(basisPoints.rawValue)
        let raw = try divide(
            product, by: Int128(BasisPoints.unit) * 10_000, rounding: rule, type: Self.typeName,
            input: "\(self) × \(basisPoints) bp")
        return Money(rawValue: raw)
    }
}

extension Price {
    /// The average price of `quantity` units that cost `notional` in all, rounded by `rule`.
    public static func average(
        notional: Money, quantity: Quantity, rounding rule: DecimalRounding
    ) throws(FixedPointError) -> Price {
        guard quantity.rawValue != 0 else {
            throw FixedPointError(.divisionByZero, type: typeName, input: "\(notional) / \(quantity)")
        }
        let raw = try divide(
            Int128(notional.rawValue) * Int128(Quantity.unit), by: Int128(quantity.rawValue),
            rounding: rule, type: typeName, input: "\(notional) / \(quantity)")
        return try Price(checkedRaw: raw, input: "\(notional) / \(quantity)")
    }
}
