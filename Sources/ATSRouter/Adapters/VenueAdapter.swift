import ATSDomain
import ATSOrders
import ATSPlanning

/// One venue's API, translated exactly to the shared model, behind one protocol.
///
/// Every method throws only ``VenueFailure``: transport errors, timeouts, refusals and malformed
/// replies are all classified (retryable, not retryable, fatal) so that callers decide by class.
public protocol VenueAdapter: Sendable {
    var venue: VenueID { get }
    /// The venue's instruments and their trading rules, as the venue publishes them.
    func instruments() async throws -> [VenueInstrument]
    /// The book for `symbol`, or `.unchanged` when its sequence is still `since`.
    func book(_ symbol: Symbol, levels: Int, since: UInt64?) async throws -> BookPoll
    /// Sends a child order. Idempotent per `clientKey`: sending the same key again returns the
    /// same order, which is how a child whose reply was lost is reconciled.
    func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState
    /// The child's current state and fills.
    func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState
    /// Cancels what is left of a child; returns its final state.
    func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState
    /// The indicative uncross of a call-auction venue; nil for continuous venues.
    func indicative(_ symbol: Symbol) async throws -> AuctionIndicative?
    /// The shortest interval between poll rounds the venue's limits allow (INX: its market-data
    /// share of 100 requests a minute); zero where polling is not limited.
    var minimumPollInterval: Duration { get }
}

extension VenueAdapter {
    public func indicative(_ symbol: Symbol) async throws -> AuctionIndicative? { nil }
    public var minimumPollInterval: Duration { .zero }
}

/// One instrument and its trading rules as a venue publishes them; a rule the dialect does not
/// publish is nil.
public struct VenueInstrument: Sendable, Hashable {
    public var symbol: Symbol
    public var tickSize: Price
    public var lotSize: Quantity
    public var minimumQuantity: Quantity?
    public var maximumQuantity: Quantity?
    public var minimumOrderValue: Money?
    public var priceBandPercent: BasisPoints?
    public var referencePrice: Price?

    public init(
        symbol: Symbol, tickSize: Price, lotSize: Quantity, minimumQuantity: Quantity? = nil,
        maximumQuantity: Quantity? = nil, minimumOrderValue: Money? = nil, priceBandPercent: BasisPoints? = nil,
        referencePrice: Price? = nil
    ) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.minimumQuantity = minimumQuantity
        self.maximumQuantity = maximumQuantity
        self.minimumOrderValue = minimumOrderValue
        self.priceBandPercent = priceBandPercent
        self.referencePrice = referencePrice
    }
}

/// A book poll's answer.
public enum BookPoll: Sendable, Hashable {
    case changed(sequence: UInt64, bids: [PlanLevel], asks: [PlanLevel])
    case unchanged(sequence: UInt64)
    /// The venue's request limits left no room for this poll (INX): nothing was asked, and the book
    /// stays as old as it was (it goes stale rather than being passed off as fresh).
    case throttled

    public var sequence: UInt64? {
        switch self {
        case .changed(let sequence, _, _), .unchanged(let sequence): return sequence
        case .throttled: return nil
        }
    }
}

/// What a call-auction venue would uncross at now, and when it next runs.
public struct AuctionIndicative: Sendable, Hashable {
    public var price: Price?
    public var matchedQuantity: Quantity
    public var nextAuction: String?

    public init(price: Price?, matchedQuantity: Quantity, nextAuction: String?) {
        self.price = price
        self.matchedQuantity = matchedQuantity
        self.nextAuction = nextAuction
    }
}

/// A child order as the router sends it: always priced (a limit), never a bare market order.
public struct ChildOrderRequest: Sendable, Hashable {
    /// The venue idempotency key, journalled before the child is sent.
    public var clientKey: String
    public var symbol: Symbol
    public var side: Side
    public var quantity: Quantity
    public var limitPrice: Price
    public var timeInForce: TimeInForce.Kind

    public init(
        clientKey: String, symbol: Symbol, side: Side, quantity: Quantity, limitPrice: Price,
        timeInForce: TimeInForce.Kind
    ) {
        self.clientKey = clientKey
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
    }
}
