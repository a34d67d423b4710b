import ATSDomain
import ATSPlanning

/// A trader's order as the router works it: split into children across venues.
public struct ParentOrder: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Accepted, being routed.
        case working
        /// The residual rests at a venue (DAY/GTC).
        case resting
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

        public var isTerminal: Bool { self != .working && self != .resting }
    }

    public let id: OrderID
    public let account: AccountID
    /// The trader's own id for this order: a second submission with it returns this order.
    public let clientOrderId: String?
    public let symbol: Symbol
    public let side: Side
    public let quantity: Quantity
    public let limitPrice: Price?
    public let timeInForce: TimeInForce.Kind
    public let strategy: PlanStrategy
    public let includeVenues: Set<VenueID>
    public let excludeVenues: Set<VenueID>
    public let createdAt: Timestamp
    public internal(set) var status: Status = .working
    public internal(set) var rejection: Rejection?
    public internal(set) var children: [ChildOrder] = []
    /// Each routing decision with the snapshot it used: best-execution evidence.
    public internal(set) var decisions: [RoutingDecision] = []
    /// Why the parent ended short, if it did.
    public internal(set) var note: String?
    public internal(set) var completedAt: Timestamp?
    /// The trader asked to cancel (journalled, so that a restart finishes the cancel).
    public internal(set) var cancelRequested = false

    /// Always the sum of the children's fills.
    public var filledQuantity: Quantity { Quantity(rawValue: children.reduce(0) { $0 + $1.filledQuantity.rawValue }) }
    public var leavesQuantity: Quantity { Quantity(rawValue: quantity.rawValue - filledQuantity.rawValue) }
    /// What may still be routed: the quantity less every final child's fills and every live
    /// child's whole quantity. A child whose answer did not arrive (``ChildOrder/Status/unknown``)
    /// may have filled in full, so none of its quantity is routed again until its state is known.
    public var unroutedQuantity: Quantity {
        Quantity(rawValue: quantity.rawValue - children.reduce(0) { $0 + ($1.isTerminal ? $1.filledQuantity.rawValue : $1.quantity.rawValue) })
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
    public internal(set) var status: Status = .pending
    public internal(set) var venueOrderID: String?
    public internal(set) var filledQuantity: Quantity = .zero
    public internal(set) var fees: Money = .zero
    public internal(set) var fills: [VenueFill] = []
    public internal(set) var refusal: Rejection?
    public internal(set) var failure: String?

    public var isTerminal: Bool { status.isTerminal }

    mutating func apply(_ state: VenueOrderState) {
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
}
