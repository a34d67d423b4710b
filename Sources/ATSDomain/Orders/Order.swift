/// An order as a trader or the router states it: immutable once built, and valid by construction.
public struct Order: Sendable, Hashable {
    public let id: OrderID
    public let clientOrderID: ClientOrderID?
    public let account: AccountID
    public let symbol: Symbol
    public let side: Side
    public let type: OrderType
    public let quantity: Quantity
    public let timeInForce: TimeInForce
    public let createdAt: Timestamp

    /// Builds an order, refusing one that no venue could accept.
    ///
    /// - Throws: ``Rejection`` with `quantity_not_positive`, `price_not_positive`,
    ///   `expiry_not_in_future` (a GTD expiry at or before `createdAt`) or
    ///   `market_order_cannot_rest` (a market or stop order with a time in force that rests).
    public init(
        id: OrderID, clientOrderID: ClientOrderID? = nil, account: AccountID, symbol: Symbol,
        side: Side, type: OrderType, quantity: Quantity, timeInForce: TimeInForce, createdAt: Timestamp
    ) throws(Rejection) {
        guard quantity.isPositive else {
            throw Rejection(.quantityNotPositive, "quantity \(quantity) must be greater than zero")
        }
        for price in [type.limitPrice, type.triggerPrice].compactMap({ $0 }) where !price.isPositive {
            throw Rejection(.priceNotPositive, "price \(price) must be greater than zero")
        }
        if let expiry = timeInForce.expiry, expiry <= createdAt {
            throw Rejection(.expiryNotInFuture, "GTD expiry \(expiry) is not after the order time \(createdAt)")
        }
        if type == .market && timeInForce.canRest {
            throw Rejection(
                .marketOrderCannotRest,
                "a market order cannot be \(timeInForce.kind.rawValue): use IOC or FOK")
        }
        self.id = id
        self.clientOrderID = clientOrderID
        self.account = account
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.createdAt = createdAt
    }
}

/// One fill: a maker (resting) order and a taker (arriving) order traded `quantity` at `price`.
///
/// In a call auction neither side arrived into a resting book: `aggressorSide` is nil, the maker
/// is the order with the earlier priority and the taker the later one.
public struct Execution: Sendable, Hashable {
    public let id: ExecutionID
    public let makerOrderID: OrderID
    public let takerOrderID: OrderID
    public let price: Price
    public let quantity: Quantity
    /// The maker's side; the taker is on the other.
    public let makerSide: Side
    /// The taker's side in continuous trading; nil for an auction uncross.
    public let aggressorSide: Side?
    /// The book's sequence number after the operation that produced this execution.
    public let sequence: UInt64

    @inlinable
    public init(
        id: ExecutionID, makerOrderID: OrderID, takerOrderID: OrderID, price: Price, quantity: Quantity,
        makerSide: Side, aggressorSide: Side?, sequence: UInt64
    ) {
        self.id = id
        self.makerOrderID = makerOrderID
        self.takerOrderID = takerOrderID
        self.price = price
        self.quantity = quantity
        self.makerSide = makerSide
        self.aggressorSide = aggressorSide
        self.sequence = sequence
    }

    /// The buying order's id.
    public var buyOrderID: OrderID { makerSide == .buy ? makerOrderID : takerOrderID }
    /// The selling order's id.
    public var sellOrderID: OrderID { makerSide == .sell ? makerOrderID : takerOrderID }
}
