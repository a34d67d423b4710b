import ATSDomain

/// A routing analytics report: every figure computed from the journal, as decimal strings (JSON,
/// CSV) and rendered as Markdown and HTML. `docs/reports.md` defines each figure.
public struct Report: Sendable, Hashable, Codable {
    public var generatedAt: String
    /// Parent orders created in [from, to); nil bounds are open.
    public var from: String?
    public var to: String?
    /// Whose orders: one account, or every account in the journal.
    public var scope: String
    public var summary: Summary
    public var orders: [OrderRow]
    public var venues: [VenueRow]
    public var rule606: [Rule606Period]
    public var rule605: [Rule605Row]
    /// The consolidated book one decision saw (the largest order's first), for the depth chart.
    public var depth: DepthSnapshot?

    public struct Summary: Sendable, Hashable, Codable {
        public var orders: Int
        public var ordersWithFills: Int
        public var rejected: Int
        public var orderedQuantity: String
        public var filledQuantity: String
        public var fillRatePercent: String?
        public var notional: String
        public var fees: String
        /// Quantity-weighted over orders with fills and an arrival mid.
        public var averageSlippageBps: String?
        /// Σ fragmentation benefit over orders where both routing and the best single venue filled.
        public var fragmentationBenefit: String
        /// Orders with fills compared with the best single venue (the rest: nothing filled, or no decision).
        public var ordersComparedWithBestSingle: Int
        public var ordersBetterThanBestSingle: Int
        public var ordersWorseThanBestSingle: Int
        /// Units routing filled that no single venue could.
        public var extraQuantityOverBestSingle: String
    }

    public struct OrderRow: Sendable, Hashable, Codable {
        public var id: String
        public var account: String
        public var symbol: String
        public var side: String
        public var quantity: String
        public var limitPrice: String?
        public var timeInForce: String
        public var orderType: String
        public var status: String
        public var createdAt: String
        public var arrivalBid: String?
        public var arrivalAsk: String?
        public var arrivalMid: String?
        public var filledQuantity: String
        public var fillRatePercent: String?
        public var averagePrice: String?
        public var slippageBps: String?
        public var fees: String
        public var allInCost: String
        public var allInPrice: String?
        public var timeToFillMs: Int64?
        public var venues: [String]
        public var bestSingleVenue: String?
        public var bestSingleQuantity: String
        public var bestSingleAllInPrice: String?
        public var fragmentationBenefit: String?
        public var fragmentationBenefitBps: String?
        public var extraQuantityOverBestSingle: String
    }

    public struct VenueRow: Sendable, Hashable, Codable {
        public var venue: String
        public var childrenSent: Int
        public var quantitySent: String
        public var quantityFilled: String
        public var fillRatePercent: String?
        /// Take children: the planned quantity that was not there when the child arrived.
        public var goneOnArrival: String
        public var goneOnArrivalPercent: String?
        public var latencyP50Ms: Int64?
        public var latencyP95Ms: Int64?
        /// Child refusals (the rule) and failures at the venue, by code.
        public var rejections: [String: Int]
        public var volumeSharePercent: String?
        public var fees: String
    }

    public struct Rule606Period: Sendable, Hashable, Codable {
        /// The calendar month (UTC), `2026-11`.
        public var period: String
        public var orders: Int
        /// Share of orders by type: market, marketable_limit, non_marketable_limit, other.
        public var typeSharePercent: [String: String]
        public var venues: [Rule606Venue]
    }

    public struct Rule606Venue: Sendable, Hashable, Codable {
        public var venue: String
        public var orders: Int
        public var orderSharePercent: String
        /// Of the orders of each type, the share routed here.
        public var typeSharePercent: [String: String]
        public var shares: String
        /// Fees paid here (no venue pays rebates): net payment, and per hundred shares.
        public var netFees: String
        public var netFeesPerHundredShares: String?
    }

    public struct Rule605Row: Sendable, Hashable, Codable {
        public var symbol: String
        public var orderType: String
        public var sizeBucket: String
        public var orders: Int
        public var shares: String
        public var executedShares: String
        public var cancelledShares: String
        /// Executed shares by time from receipt to execution: 0-9s, 10-29s, 30-59s, 60-299s, 5-30min, >30min.
        public var executedWithin: [String: String]
        /// Share-weighted mean of 2 × |execution price − arrival mid| in the trader's direction.
        public var averageEffectiveSpread: String?
        public var priceImprovedShares: String
        public var averagePriceImprovement: String?
        public var averageImprovedTimeMs: Int64?
        public var atQuoteShares: String
        public var outsideQuoteShares: String
    }

    public struct DepthSnapshot: Sendable, Hashable, Codable {
        public var orderId: String
        public var symbol: String
        public var at: String
        /// Cumulative quantity by price, best first, across every venue the decision planned on.
        public var bids: [DepthLevel]
        public var asks: [DepthLevel]
    }

    public struct DepthLevel: Sendable, Hashable, Codable {
        public var price: String
        public var quantity: String
        public var cumulative: String
    }
}
