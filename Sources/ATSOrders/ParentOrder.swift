import ATSDomain
import ATSPlanning

/// A trader's order as the router works it: split into children across venues.
public struct ParentOrder: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Accepted, being routed.
        case working
        /// The residual rests at a venue (DAY/GTC).
        case resting
        /// Accepted, waiting for the investor's onboarding at a venue that would take it (nothing
        /// sent yet): routed when it completes, rejected naming the venue's refusal if it fails.
        case pendingOnboarding = "pending_onboarding"
        /// Accepted with `allowTransfers`, waiting for the custody transfers that move the
        /// account's tokens (or the conversion of its cash) to where a venue settles (nothing sent
        /// yet): routed when they are there, rejected `transfer_failed` if they are not.
        case pendingTransfer = "pending_transfer"
        /// Done: everything filled.
        case filled
        /// Done: part filled, the rest cancelled (IOC, FOK shortfall, or no more liquidity).
        case partiallyFilled = "partially_filled"
        /// Done without a fill: nothing eligible within the limit for an IOC, or nowhere to rest.
        case expired
        /// Done: cancelled by the trader (fills before the cancel stand).
        case cancelled
        /// Refused before any child was sent; `rejection` names the rule.
        case rejected

        public var isTerminal: Bool {
            self != .working && self != .resting && self != .pendingOnboarding && self != .pendingTransfer
        }
    }

    public let id: OrderID
    /// What the trader asked for: an idempotent repeat of its client order id is the same request
    /// (`==`). Only an amend (``amend(quantity:limitPrice:)``) changes it afterwards.
    public private(set) var request: ParentOrderRequest
    public let createdAt: Timestamp
    public var status: Status = .working
    public var rejection: Rejection?
    public var children: [ChildOrder] = []
    /// Each routing decision with the snapshot it used: best-execution evidence.
    public var decisions: [RoutingDecision] = []
    /// Why the parent ended short, if it did.
    public var note: String?
    public var completedAt: Timestamp?
    /// The trader asked to cancel (journalled, so that a restart finishes the cancel).
    public var cancelRequested = false

    public init(id: OrderID, request: ParentOrderRequest, createdAt: Timestamp) {
        self.id = id
        self.request = request
        self.createdAt = createdAt
    }

    public init(
        id: OrderID, account: AccountID, clientOrderId: String?, symbol: Symbol, side: Side, quantity: Quantity,
        limitPrice: Price?, timeInForce: TimeInForce.Kind, strategy: PlanStrategy, includeVenues: Set<VenueID>,
        excludeVenues: Set<VenueID>, allowTransfers: Bool = false, createdAt: Timestamp
    ) {
        self.init(
            id: id,
            request: ParentOrderRequest(
                account: account, symbol: symbol, side: side, quantity: quantity, limitPrice: limitPrice,
                timeInForce: timeInForce, strategy: strategy, includeVenues: includeVenues,
                excludeVenues: excludeVenues, clientOrderId: clientOrderId, allowTransfers: allowTransfers),
            createdAt: createdAt)
    }

    /// The order with a new quantity and limit (an amend of a resting order: the caller checks
    /// that the quantity is above what has filled).
    public mutating func amend(quantity: Quantity, limitPrice: Price?) {
        request.quantity = quantity
        request.limitPrice = limitPrice
    }

    public var account: AccountID { request.account }
    /// The trader's own id for this order: a second submission with it returns this order.
    public var clientOrderId: String? { request.clientOrderId }
    public var symbol: Symbol { request.symbol }
    public var side: Side { request.side }
    public var quantity: Quantity { request.quantity }
    public var limitPrice: Price? { request.limitPrice }
    public var timeInForce: TimeInForce.Kind { request.timeInForce }
    public var strategy: PlanStrategy { request.strategy }
    public var includeVenues: Set<VenueID> { request.includeVenues }
    public var excludeVenues: Set<VenueID> { request.excludeVenues }
    /// The router may move the account's tokens to where a venue settles before selling (``ParentOrderRequest/allowTransfers``).
    public var allowTransfers: Bool { request.allowTransfers }

    /// Always the sum of the children's fills.
    public var filledQuantity: Quantity { Quantity(rawValue: children.reduce(0) { $0 + $1.filledQuantity.rawValue }) }
    public var leavesQuantity: Quantity { Quantity(rawValue: quantity.rawValue - filledQuantity.rawValue) }
    /// What may still be routed: the quantity less every final child's fills and every live
    /// child's whole quantity. A child whose answer did not arrive (``ChildOrder/Status/unknown``)
    /// may have filled in full, so none of its quantity is routed again until its state is known.
    public var unroutedQuantity: Quantity {
        Quantity(
            rawValue: quantity.rawValue
                - children.reduce(0) { $0 + ($1.isTerminal ? $1.filledQuantity.rawValue : $1.quantity.rawValue) })
    }
    /// Σ price × quantity over every fill, exact.
    public var notional: ExactAmount {
        children.flatMap(\.fills).reduce(ExactAmount.zero) {
            $0 + ExactAmount(rawValue: Int128($1.price.rawValue) * Int128($1.quantity.rawValue) * 100_000_000)
        }
    }
    /// Σ the venues' charges.
    public var fees: Money { Money(rawValue: children.reduce(0) { $0 + $1.fees.rawValue }) }
    /// Notional ÷ filled quantity, rounded half-even to 8 decimals.
    public var averagePrice: Price? {
        guard filledQuantity.isPositive else { return nil }
        let divisor = Int128(filledQuantity.rawValue) * 100_000_000
        return Price(rawValue: Int64(roundedQuotient(notional.rawValue, divisor, rounding: .halfEven)!))
    }
    public var liveChildren: [ChildOrder] { children.filter { !$0.isTerminal } }
}

/// One child order at one venue.
public struct ChildOrder: Sendable, Hashable {
    public enum Purpose: String, Sendable, Hashable, Codable { case take, rest }
    public enum Status: String, Sendable, Hashable, Codable {
        /// Journalled, not yet acknowledged by the venue.
        case pending
        case open
        case partiallyFilled = "partially_filled"
        case filled, cancelled, expired
        /// Refused by our rules engine before sending: `refusal` names the rule.
        case refused
        /// The venue refused it, or it certainly never reached the venue: `failure` says which.
        case failed
        /// Sent, but the venue's answer did not arrive (timeout, reset, unreadable reply): it may be
        /// live or filled. Nothing more is routed for its quantity until the venue is asked by the
        /// child's key (re-sending the key returns the order the venue has) and its state is known.
        case unknown

        public var isTerminal: Bool { ![.pending, .open, .partiallyFilled, .unknown].contains(self) }
    }

    public let clientKey: String
    public let venue: VenueID
    public let quantity: Quantity
    public let limitPrice: Price
    public let timeInForce: TimeInForce.Kind
    public let purpose: Purpose
    /// Which routing decision created it (index into the parent's decisions).
    public let decision: Int
    public let createdAt: Timestamp
    public var status: Status = .pending
    public var venueOrderID: String?
    public var filledQuantity: Quantity = .zero
    public var fees: Money = .zero
    public var fills: [VenueFill] = []
    public var refusal: Rejection?
    public var failure: String?

    public init(
        clientKey: String, venue: VenueID, quantity: Quantity, limitPrice: Price, timeInForce: TimeInForce.Kind,
        purpose: Purpose,
        decision: Int, createdAt: Timestamp
    ) {
        self.clientKey = clientKey
        self.venue = venue
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.purpose = purpose
        self.decision = decision
        self.createdAt = createdAt
    }

    public var isTerminal: Bool { status.isTerminal }

    /// Takes the venue's answer: its order id, fills, fees and status.
    public mutating func apply(_ state: VenueOrderState) {
        venueOrderID = state.venueOrderID
        filledQuantity = state.filledQuantity
        fees = state.fees
        fills = state.fills
        switch state.status {
        case .open: status = .open
        case .partiallyFilled: status = .partiallyFilled
        case .filled: status = .filled
        case .cancelled: status = .cancelled
        case .expired: status = .expired
        }
    }
}

/// One routing decision: the books it saw, what it left out and why, and the plan.
public struct RoutingDecision: Sendable, Hashable, Codable {
    public let at: Timestamp
    /// 0 for the first plan, then each re-route.
    public let attempt: Int
    public let snapshot: PlanSnapshot
    /// Quote age per venue in milliseconds at decision time.
    public let quoteAges: [VenueID: Int64]
    /// Venues left out, with the reason.
    public let excluded: [VenueID: String]
    public let plan: Plan
    /// Liquidity the account could not reach: venues left out by a rule about the account (not
    /// their health), with their best level on the side the order takes and what would unlock them.
    public var unreachable: [VenueID: Unreachable]?

    /// A venue's best level the account could not reach, and why.
    public struct Unreachable: Sendable, Hashable, Codable {
        /// The rule that left it out (`kyc_not_approved`, `position_not_at_venue`, `insufficient_cash`, …).
        public var code: String
        public var price: Price
        public var quantity: Quantity
        /// What would let the account reach it (an onboarding, a transfer, a conversion), when the router knows.
        public var unlock: String?

        public init(code: String, price: Price, quantity: Quantity, unlock: String? = nil) {
            self.code = code
            self.price = price
            self.quantity = quantity
            self.unlock = unlock
        }
    }

    public init(
        at: Timestamp, attempt: Int, snapshot: PlanSnapshot, quoteAges: [VenueID: Int64], excluded: [VenueID: String],
        plan: Plan, unreachable: [VenueID: Unreachable]? = nil
    ) {
        self.unreachable = unreachable
        self.at = at
        self.attempt = attempt
        self.snapshot = snapshot
        self.quoteAges = quoteAges
        self.excluded = excluded
        self.plan = plan
    }
}
