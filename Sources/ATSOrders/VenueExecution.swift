import ATSDomain

/// One execution of a child at its venue.
public struct VenueFill: Sendable, Hashable, Codable {
    public var id: String
    public var quantity: Quantity
    public var price: Price
    /// Everything the venue charged for this fill (fee, commission, tax).
    public var fee: Money

    public init(id: String, quantity: Quantity, price: Price, fee: Money) {
        self.id = id
        self.quantity = quantity
        self.price = price
        self.fee = fee
    }
}

/// A child order's state at its venue, in the shared model.
public struct VenueOrderState: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case open
        case partiallyFilled = "partially_filled"
        case filled, cancelled, expired

        public var isTerminal: Bool { self == .filled || self == .cancelled || self == .expired }
    }

    public var venueOrderID: String
    public var clientKey: String
    public var status: Status
    public var quantity: Quantity
    public var filledQuantity: Quantity
    public var averagePrice: Price?
    /// Total charges reported by the venue.
    public var fees: Money
    public var fills: [VenueFill]

    public init(
        venueOrderID: String, clientKey: String, status: Status, quantity: Quantity, filledQuantity: Quantity,
        averagePrice: Price?,
        fees: Money, fills: [VenueFill]
    ) {
        self.venueOrderID = venueOrderID
        self.clientKey = clientKey
        self.status = status
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.fees = fees
        self.fills = fills
    }

    public var leavesQuantity: Quantity { Quantity(rawValue: max(0, quantity.rawValue - filledQuantity.rawValue)) }
}
