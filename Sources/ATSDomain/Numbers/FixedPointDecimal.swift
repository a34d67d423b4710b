/// An exact decimal number stored as a signed 64-bit integer count of `10^-scale` units.
///
/// `Price`, `Quantity` and `Money` conform. Arithmetic is exact: operations that could
/// overflow, go negative where the type forbids it, or lose precision throw a
/// ``FixedPointError`` instead of trapping or rounding silently. Values parse from and print
/// as plain decimal strings (`"10.02"`, `"0.5"`, `"-3"`), and JSON carries them as strings.
public protocol FixedPointDecimal: Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible, CustomDebugStringConvertible
{
    /// Decimal places held by `rawValue`: the value is `rawValue / 10^scale`.
    static var scale: Int { get }
    /// Whether negative values are meaningful for this type (money can be; prices and quantities cannot).
    static var allowsNegative: Bool { get }
    /// The type's name as errors print it.
    static var typeName: String { get }

    /// The scaled integer. `Price(rawValue: 1_002_000_000)` is 10.02 at scale 8.
    var rawValue: Int64 { get }

    /// Wraps a scaled integer. The caller guarantees the sign rule of the type; values from
    /// outside the process enter through ``init(_:)`` or ``init(scaled:decimals:)`` instead.
    init(rawValue: Int64)
}

/// The scale every fixed-point type in ATS Router uses: 8 decimal places.
///
/// Eight places hold a stablecoin's six, a fund token's fractional units and fee amounts of
/// fractions of a cent, while leaving 92 billion units of headroom in an `Int64`.
public let fixedPointScale = 8

@usableFromInline
let powersOfTen: [Int64] = (0...18).map { exponent in
    var value: Int64 = 1
    for _ in 0..<exponent { value *= 10 }
    return value
}

extension FixedPointDecimal {
    /// `10^scale`, the raw value of one whole unit.
    @inlinable public static var unit: Int64 { powersOfTen[scale] }

    public static var zero: Self { Self(rawValue: 0) }

    @inlinable public var isZero: Bool { rawValue == 0 }
    @inlinable public var isPositive: Bool { rawValue > 0 }
    @inlinable public var isNegative: Bool { rawValue < 0 }

    /// Makes a whole number of units, for example `Quantity(units: 100)`.
    /// - Throws: ``FixedPointError`` when `units × 10^scale` does not fit or the sign is refused.
    public init(units: Int64) throws(FixedPointError) {
        let (raw, overflow) = units.multipliedReportingOverflow(by: Self.unit)
        if overflow { throw FixedPointError(.overflow, type: Self.typeName, input: String(units)) }
        try self.init(checkedRaw: raw, input: String(units))
    }

    /// Wraps a raw value after checking the type's sign rule.
    public init(checkedRaw raw: Int64, input: @autoclosure () -> String) throws(FixedPointError) {
        if raw < 0 && !Self.allowsNegative {
            throw FixedPointError(.negative, type: Self.typeName, input: input())
        }
        self.init(rawValue: raw)
    }

    // MARK: Comparable, ordering helpers

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    // MARK: Exact arithmetic

    /// The exact sum. - Throws: on overflow, or a negative result for a type that forbids one.
    public static func + (lhs: Self, rhs: Self) throws(FixedPointError) -> Self {
        let (raw, overflow) = lhs.rawValue.addingReportingOverflow(rhs.rawValue)
        if overflow { throw FixedPointError(.overflow, type: typeName, input: "\(lhs) + \(rhs)") }
        return try Self(checkedRaw: raw, input: "\(lhs) + \(rhs)")
    }

    /// The exact difference. - Throws: on overflow, or a negative result for a type that forbids one.
    public static func - (lhs: Self, rhs: Self) throws(FixedPointError) -> Self {
        let (raw, overflow) = lhs.rawValue.subtractingReportingOverflow(rhs.rawValue)
        if overflow { throw FixedPointError(.overflow, type: typeName, input: "\(lhs) - \(rhs)") }
        return try Self(checkedRaw: raw, input: "\(lhs) - \(rhs)")
    }

    /// The exact product with an integer factor.
    public func multiplied(by factor: Int64) throws(FixedPointError) -> Self {
        let (raw, overflow) = rawValue.multipliedReportingOverflow(by: factor)
        if overflow { throw FixedPointError(.overflow, type: Self.typeName, input: "\(self) × \(factor)") }
        return try Self(checkedRaw: raw, input: "\(self) × \(factor)")
    }

    /// `self × numerator / denominator`, computed in 128 bits and rounded once by `rule`.
    ///
    /// This is the primitive behind fees in basis points and pro-rata splits.
    public func scaled(
        numerator: Int64, denominator: Int64, rounding rule: DecimalRounding
    ) throws(FixedPointError) -> Self {
        let input = "\(self) × \(numerator) / \(denominator)"
        guard denominator != 0 else { throw FixedPointError(.divisionByZero, type: Self.typeName, input: input) }
        let raw = try divide(
            Int128(rawValue) * Int128(numerator), by: Int128(denominator),
            rounding: rule, type: Self.typeName, input: input)
        return try Self(checkedRaw: raw, input: input)
    }

    /// The value negated. - Throws: for a type that forbids negatives (unless zero) or on overflow.
    public func negated() throws(FixedPointError) -> Self {
        let (raw, overflow) = Int64(0).subtractingReportingOverflow(rawValue)
        if overflow { throw FixedPointError(.overflow, type: Self.typeName, input: "-(\(self))") }
        return try Self(checkedRaw: raw, input: "-(\(self))")
    }

    /// The smaller of two values.
    @inlinable public static func minimum(_ a: Self, _ b: Self) -> Self { a.rawValue <= b.rawValue ? a : b }

    /// Whether `self` is a whole multiple of `increment` (a tick or a lot). A zero increment accepts everything.
    public func isMultiple(of increment: Self) -> Bool {
        increment.rawValue == 0 || rawValue % increment.rawValue == 0
    }

    // MARK: Venue scaling

    /// Builds a value from an integer scaled by `10^decimals`, as venues such as Archax send it.
    ///
    /// - Throws: ``FixedPointError/Kind/scaleMismatch`` when `decimals` exceeds this type's scale
    ///   and the value has digits this type cannot hold; overflow otherwise.
    public init(scaled value: Int64, decimals: Int) throws(FixedPointError) {
        let input = "\(value)e-\(decimals)"
        guard (0...18).contains(decimals) else {
            throw FixedPointError(
                .scaleMismatch(found: decimals, allowed: Self.scale), type: Self.typeName, input: input)
        }
        if decimals <= Self.scale {
            let (raw, overflow) = value.multipliedReportingOverflow(by: powersOfTen[Self.scale - decimals])
            if overflow { throw FixedPointError(.overflow, type: Self.typeName, input: input) }
            try self.init(checkedRaw: raw, input: input)
        } else {
            let divisor = powersOfTen[decimals - Self.scale]
            guard value % divisor == 0 else {
                throw FixedPointError(
                    .scaleMismatch(found: decimals, allowed: Self.scale), type: Self.typeName, input: input)
            }
            try self.init(checkedRaw: value / divisor, input: input)
        }
    }

    /// This value as an integer scaled by `10^decimals`, the inverse of ``init(scaled:decimals:)``.
    ///
    /// - Throws: ``FixedPointError/Kind/scaleMismatch`` when the value has more decimal places than
    ///   `decimals` can carry (it is never rounded), overflow when it does not fit.
    public func scaled(toDecimals decimals: Int) throws(FixedPointError) -> Int64 {
        guard (0...18).contains(decimals) else {
            throw FixedPointError(
                .scaleMismatch(found: Self.scale, allowed: decimals), type: Self.typeName, input: description)
        }
        if decimals >= Self.scale {
            let (raw, overflow) = rawValue.multipliedReportingOverflow(by: powersOfTen[decimals - Self.scale])
            if overflow { throw FixedPointError(.overflow, type: Self.typeName, input: description) }
            return raw
        }
        let divisor = powersOfTen[Self.scale - decimals]
        guard rawValue % divisor == 0 else {
            throw FixedPointError(
                .scaleMismatch(found: decimalPlaces, allowed: decimals), type: Self.typeName, input: description)
        }
        return rawValue / divisor
    }

    /// The number of decimal places the printed value needs (0 for whole numbers).
    public var decimalPlaces: Int {
        var raw = rawValue.magnitude
        var places = Self.scale
        while places > 0 && raw % 10 == 0 {
            raw /= 10
            places -= 1
        }
        return places
    }
}

/// How a result that falls between two representable values is resolved.
public enum DecimalRounding: Sendable, Hashable {
    /// Toward negative infinity.
    case down
    /// Toward positive infinity.
    case up
    /// To the nearest value; halves go to the even neighbour (banker's rounding).
    case halfEven
    /// Refuse any result that is not exactly representable.
    case exact
}

/// `numerator / denominator` in 128 bits, rounded once by `rule`; nil only for `.exact` when the
/// division is inexact. `denominator` must not be zero.
public func roundedQuotient(_ numerator: Int128, _ denominator: Int128, rounding rule: DecimalRounding) -> Int128? {
    var quotient = numerator / denominator
    let remainder = numerator % denominator
    if remainder != 0 {
        // Truncation went toward zero; `negative` tells which way that was.
        let negative = (numerator < 0) != (denominator < 0)
        switch rule {
        case .exact:
            return nil
        case .down:
            if negative { quotient -= 1 }
        case .up:
            if !negative { quotient += 1 }
        case .halfEven:
            let twiceRemainder = remainder.magnitude * 2
            let divisor = denominator.magnitude
            if twiceRemainder > divisor || (twiceRemainder == divisor && quotient % 2 != 0) {
                quotient += negative ? -1 : 1
            }
        }
    }
    return quotient
}

/// Divides in 128 bits and rounds once; the quotient must fit in 64 bits.
@usableFromInline
func divide(
    _ numerator: Int128, by denominator: Int128, rounding: DecimalRounding, type: String,
    input: @autoclosure () -> String
) throws(FixedPointError) -> Int64 {
    guard let quotient = roundedQuotient(numerator, denominator, rounding: rounding) else {
        throw FixedPointError(.inexact, type: type, input: input())
    }
    guard let result = Int64(exactly: quotient) else {
        throw FixedPointError(.overflow, type: type, input: input())
    }
    return result
}
