import ATSDomain
import ATSVenues

/// An order a client placed at a mock venue, as the venue tracks it.
public struct VenueOrder: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case open
        case partiallyFilled = "partially_filled"
        case filled, cancelled, expired

        public var isTerminal: Bool { self == .filled || self == .cancelled || self == .expired }
    }

    /// One fill of this order, with the venue's charges on it.
    public struct Fill: Sendable, Hashable {
        /// Unique at this venue across its books and restarts (execution ids count per book).
        public let id: String
        public let executionID: ExecutionID
        public let time: Timestamp
        public let quantity: Quantity
        public let price: Price
        /// Trading fee (taker or maker, buyer or seller rate, and any fixed per-order fee).
        public let fee: Money
        /// Commission and tax, for venues that report them apart (Archax).
        public let commission: Money
        public let tax: Money
        public let liquidity: Liquidity
    }

    public enum Liquidity: String, Sendable, Hashable { case maker, taker, auction }

    public let id: OrderID
    /// The client's idempotency key (tZERO transactionId, Archax actionRef, ...).
    public let clientKey: String
    /// The credential that placed it; only it may see or cancel it.
    public let owner: String
    public let symbol: Symbol
    public let side: Side
    public let type: OrderType.Kind
    public let limitPrice: Price?
    /// A stop order's trigger: it waits off the book until the last trade reaches it.
    public let triggerPrice: Price?
    public let quantity: Quantity
    public let timeInForce: TimeInForce
    public let createdAt: Timestamp
    /// For a stop order, whether it has triggered and gone to the book.
    public internal(set) var isTriggered = false
    public internal(set) var status: Status
    public internal(set) var filledQuantity: Quantity = .zero
    public internal(set) var notional: Money = .zero
    public internal(set) var fills: [Fill] = []

    public var leavesQuantity: Quantity {
        status.isTerminal ? .zero : Quantity(rawValue: quantity.rawValue - filledQuantity.rawValue)
    }

    /// Fee plus commission plus tax over all fills.
    public var totalCharges: Money {
        Money(rawValue: fills.reduce(0) { $0 + $1.fee.rawValue + $1.commission.rawValue + $1.tax.rawValue })
    }

    public var averagePrice: Price? {
        guard filledQuantity.isPositive else { return nil }
        return try? Price.average(notional: notional, quantity: filledQuantity, rounding: .halfEven)
    }

    /// Whether a resubmission under the same key asks for the same order.
    func matches(_ request: VenueOrderRequest) -> Bool {
        symbol == request.symbol && side == request.side && type == request.type && limitPrice == request.limitPrice
            && triggerPrice == request.triggerPrice && quantity == request.quantity
            && timeInForce == request.timeInForce
    }
}

/// A client's order request in the venue's neutral terms, after the dialect has parsed it.
public struct VenueOrderRequest: Sendable, Hashable {
    public var clientKey: String
    public var symbol: Symbol
    public var side: Side
    public var type: OrderType.Kind
    public var limitPrice: Price?
    /// The trigger of a stop order.
    public var triggerPrice: Price?
    public var quantity: Quantity
    public var timeInForce: TimeInForce

    public init(
        clientKey: String, symbol: Symbol, side: Side, type: OrderType.Kind, limitPrice: Price?, quantity: Quantity,
        timeInForce: TimeInForce, triggerPrice: Price? = nil
    ) {
        self.clientKey = clientKey
        self.triggerPrice = triggerPrice
        self.symbol = symbol
        self.side = side
        self.type = type
        self.limitPrice = limitPrice
        self.quantity = quantity
        self.timeInForce = timeInForce
    }
}

/// Why a mock venue refused a request, before each dialect renders it in its own error shape.
public struct VenueError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unauthorized
        case badRequest = "bad_request"
        case notFound = "not_found"
        case conflict, rejected
        case notCancellable = "not_cancellable"
        case rateLimited = "rate_limited"
    }

    public let kind: Kind
    /// The offending field, for bad requests.
    public let field: String?
    /// A stable code: a rule's `RejectCode` for rejections, else the kind.
    public let code: String
    public let message: String

    public init(_ kind: Kind, code: String? = nil, field: String? = nil, _ message: String) {
        self.kind = kind
        self.field = field
        self.code = code ?? kind.rawValue
        self.message = message
    }

    public init(_ rejection: Rejection) {
        self.init(
            rejection.code == .rateLimited ? .rateLimited : .rejected, code: rejection.code.rawValue, rejection.message)
    }

    public var description: String { "\(code): \(message)" }

    /// The HTTP status most dialects use for this kind.
    public var httpStatus: Int {
        switch kind {
        case .unauthorized: return 401
        case .badRequest: return 400
        case .notFound: return 404
        case .conflict: return 409
        case .rejected, .notCancellable: return 422
        case .rateLimited: return 429
        }
    }
}
