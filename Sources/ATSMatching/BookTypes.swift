import ATSDomain

/// How a book matches.
public enum MatchingModel: String, Sendable, Hashable, Codable {
    /// Price-time priority: an arriving order trades at once against the best resting prices.
    case continuous
    /// Orders collect without trading; ``OrderBook/uncross(referencePrice:)`` trades them all at one price.
    case callAuction = "call_auction"
}

/// What happens when an arriving order would trade with a resting order of the same account.
public enum SelfTradePrevention: String, Sendable, Hashable, Codable {
    /// Let them trade.
    case none
    /// Cancel the resting order and keep matching the arriving one.
    case cancelResting = "cancel_resting"
    /// Cancel what is left of the arriving order and stop.
    case cancelIncoming = "cancel_incoming"
}

/// An order as a book sees it: a price or none (market), an open quantity and a time in force.
public struct BookOrder: Sendable, Hashable {
    public var id: OrderID
    /// The owner, for self-trade prevention and the L3 view; nil when the caller does not track owners.
    public var account: AccountID?
    public var side: Side
    /// The limit price; nil for a market order.
    public var limitPrice: Price?
    public var quantity: Quantity
    public var timeInForce: TimeInForce

    public init(
        id: OrderID, account: AccountID? = nil, side: Side, limitPrice: Price?, quantity: Quantity,
        timeInForce: TimeInForce
    ) {
        self.id = id
        self.account = account
        self.side = side
        self.limitPrice = limitPrice
        self.quantity = quantity
        self.timeInForce = timeInForce
    }

    /// The limit as a raw price, with a market order's limit at the far end of the book.
    var marketLimit: Int64 {
        limitPrice?.rawValue ?? (side == .buy ? Int64.max : Int64.min)
    }

    /// The book's view of a domain order.
    /// - Throws: ``Rejection`` `order_type_not_supported` for stop orders, which a book does not hold.
    public init(_ order: Order) throws(Rejection) {
        switch order.type {
        case .market, .limit:
            self.init(
                id: order.id, account: order.account, side: order.side, limitPrice: order.type.limitPrice,
                quantity: order.quantity, timeInForce: order.timeInForce)
        case .stop, .stopLimit:
            throw Rejection(.orderTypeNotSupported, "a book does not hold \(order.type.kind.rawValue) orders")
        }
    }
}

/// Why open quantity left a book without trading.
public enum CancelReason: String, Sendable, Hashable, Codable {
    /// The owner cancelled it.
    case requested
    /// The owner reduced the order's quantity (only the reduction is cancelled).
    case reduced
    /// The owner changed its price or raised its quantity; it re-entered with new priority.
    case replaced
    /// An IOC remainder, or a market order's remainder, that found nothing more to trade.
    case unfilled
    /// Self-trade prevention.
    case selfTrade = "self_trade"
    /// Its time in force ran out (DAY at the end of the day, GTD at its expiry).
    case expired
}

/// What an operation did to the book, in order. ``OrderBook/events`` holds the last operation's.
public enum BookEvent: Sendable, Hashable {
    /// A new order (or a replaced one) now rests with `quantity` open.
    case rested(OrderID, quantity: Quantity)
    case execution(Execution)
    /// `quantity` of the order left the book for `reason`.
    case cancelled(OrderID, quantity: Quantity, reason: CancelReason)
}

/// What a submitted order did on arrival. Together the three quantities equal what was submitted.
public struct SubmitReport: Sendable, Hashable {
    public let orderID: OrderID
    public let filledQuantity: Quantity
    public let restingQuantity: Quantity
    public let cancelledQuantity: Quantity
}

/// One price level as market data shows it.
public struct LevelSummary: Sendable, Hashable {
    public let price: Price
    /// The sum of the open quantity of the orders at this price.
    public let quantity: Quantity
    public let orderCount: Int
}

/// The best bid and offer.
public struct TopOfBook: Sendable, Hashable {
    public let bid: LevelSummary?
    public let ask: LevelSummary?
    public let sequence: UInt64
}

/// L2: aggregated levels, best first.
public struct BookDepth: Sendable, Hashable {
    public let bids: [LevelSummary]
    public let asks: [LevelSummary]
    public let sequence: UInt64
}

/// L3: one resting order.
public struct RestingOrder: Sendable, Hashable {
    public let id: OrderID
    public let account: AccountID?
    public let side: Side
    public let price: Price
    /// The open (unfilled) quantity.
    public let quantity: Quantity
    public let timeInForce: TimeInForce
    /// Arrival rank: lower arrived earlier; it orders the queue within a level.
    public let priority: UInt64
}
