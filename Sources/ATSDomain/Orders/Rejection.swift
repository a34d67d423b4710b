/// A stable, machine-readable reason an order or request was refused.
///
/// Codes are lowercase snake case and never change meaning once published; other modules
/// (venue rules, token compliance) add their own as static members in extensions.
public struct RejectCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

extension RejectCode {
    // Order validation
    public static let quantityNotPositive = RejectCode(rawValue: "quantity_not_positive")
    public static let priceNotPositive = RejectCode(rawValue: "price_not_positive")
    public static let expiryNotInFuture = RejectCode(rawValue: "expiry_not_in_future")
    public static let marketOrderCannotRest = RejectCode(rawValue: "market_order_cannot_rest")
    // Book
    public static let duplicateOrderID = RejectCode(rawValue: "duplicate_order_id")
    public static let unknownOrder = RejectCode(rawValue: "unknown_order")
    public static let fillOrKillNotFillable = RejectCode(rawValue: "fok_not_fillable")
    public static let orderTypeNotSupported = RejectCode(rawValue: "order_type_not_supported")
    public static let timeInForceNotSupported = RejectCode(rawValue: "time_in_force_not_supported")
    public static let invalidAmendment = RejectCode(rawValue: "invalid_amendment")
    public static let notInAuctionMode = RejectCode(rawValue: "not_in_auction_mode")
    // Lifecycle
    public static let illegalTransition = RejectCode(rawValue: "illegal_transition")
}

/// A refusal: a stable code and a message naming the rule and the values that broke it.
public struct Rejection: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: RejectCode
    public let message: String

    public init(_ code: RejectCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
