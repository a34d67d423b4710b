/// Why a fixed-point value could not be built or computed.
public struct FixedPointError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The text was empty.
        case empty
        /// The text is not a plain decimal; `offset` is the UTF-8 offset of the problem.
        case malformed(offset: Int, reason: String)
        /// More significant decimal places than the type's scale.
        case tooManyDecimals(allowed: Int)
        /// A negative value for a type that forbids one.
        case negative
        /// The value or result does not fit in 64 bits at the type's scale.
        case overflow
        /// A division by zero.
        case divisionByZero
        /// A result that would need rounding where exactness was required.
        case inexact
        /// A value carried with `found` decimal places cannot be held in `allowed` without losing digits.
        case scaleMismatch(found: Int, allowed: Int)
    }

    public let kind: Kind
    /// `Price`, `Quantity` or `Money`.
    public let type: String
    /// The text or the operation that failed.
    public let input: String

    public init(_ kind: Kind, type: String, input: String) {
        self.kind = kind
        self.type = type
        self.input = input
    }

    /// One sentence saying what is wrong and what is accepted.
    public var message: String {
        let quoted = "\"\(input)\""
        switch kind {
        case .empty:
            return "\(type) is empty: expected a decimal string such as \"10.25\""
        case .malformed(let offset, let reason):
            return
                "\(type) \(quoted) is not a plain decimal (\(reason) at offset \(offset)): expected digits with an optional '.' and, where allowed, a leading '-'"
        case .tooManyDecimals(let allowed):
            return "\(type) \(quoted) has more than \(allowed) decimal places"
        case .negative:
            return "\(type) \(quoted) is negative: \(type) must be zero or more"
        case .overflow:
            return "\(type) \(quoted) is too large: the limit is \(Money(rawValue: .max))"
        case .divisionByZero:
            return "\(type) \(quoted) divides by zero"
        case .inexact:
            return "\(type) \(quoted) is not exactly representable and rounding was not allowed"
        case .scaleMismatch(let found, let allowed):
            return "\(type) \(quoted) has \(found) decimal places, more than the \(allowed) it must fit in"
        }
    }

    public var description: String { message }
}
