import ATSDomain
import ATSPlanning

/// A parent order as a trader submits it.
public struct ParentOrderRequest: Sendable, Hashable {
    public var account: AccountID
    public var symbol: Symbol
    public var side: Side
    public var quantity: Quantity
    public var limitPrice: Price?
    public var timeInForce: TimeInForce.Kind
    public var strategy: PlanStrategy
    public var includeVenues: Set<VenueID>
    public var excludeVenues: Set<VenueID>
    /// The trader's own id for the order: submitting it again returns the same order.
    public var clientOrderId: String?
    /// The trader lets the router move the account's own tokens between its custody locations (a
    /// custody transfer, its fee and its time) so that a venue can take a sale, or convert its cash
    /// into the asset a venue settles a buy in (a venue's cash conversion), instead of refusing
    /// it `position_not_at_venue` or `insufficient_cash`: the order waits `pending_transfer`.
    public var allowTransfers: Bool

    public init(
        account: AccountID, symbol: Symbol, side: Side, quantity: Quantity, limitPrice: Price? = nil,
        timeInForce: TimeInForce.Kind = .ioc, strategy: PlanStrategy = .cost,
        includeVenues: Set<VenueID> = [], excludeVenues: Set<VenueID> = [], clientOrderId: String? = nil,
        allowTransfers: Bool = false
    ) {
        self.allowTransfers = allowTransfers
        self.clientOrderId = clientOrderId
        self.account = account
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.strategy = strategy
        self.includeVenues = includeVenues
        self.excludeVenues = excludeVenues
    }
}

/// Why a parent order could not be accepted.
public enum SubmissionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The account already used this client order id for a different order.
    case clientOrderIdReused(String, existing: OrderID)
    /// The journal could not make the order durable, so it was not accepted.
    case journalUnavailable(String)
    /// Another router instance sharing the journal owns the account now (its lease moved).
    case accountElsewhere(String)

    public var code: String {
        switch self {
        case .clientOrderIdReused: "client_order_id_reused"
        case .journalUnavailable: "journal_unavailable"
        case .accountElsewhere: "account_moving"
        }
    }

    public var description: String {
        switch self {
        case .clientOrderIdReused(let id, let existing):
            "clientOrderId \(id) was already used for order \(existing) with different parameters"
        case .journalUnavailable(let reason): "the order could not be made durable, so it was not accepted: \(reason)"
        case .accountElsewhere(let account):
            "account \(account) is moving between router instances; try again shortly with the same clientOrderId"
        }
    }
}

extension ParentOrder {
    /// Whether `request` asks for this same order (an idempotent repeat of its client order id).
    public func matches(_ request: ParentOrderRequest) -> Bool { self.request == request }

    /// Whether the order may use `venue` (its include and exclude lists).
    public func admitsVenue(_ venue: VenueID) -> Bool {
        PlanOrder.admits(venue, include: includeVenues, exclude: excludeVenues)
    }
}
