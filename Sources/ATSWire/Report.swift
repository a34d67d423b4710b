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
    /// Subscriptions to primary offerings made in the window, beside the orders.
    public var subscriptions: [SubscriptionEntry] = []
    /// Fair access (Reg ATS Rule 301(b)(5)): each venue's share of the routed volume per security
    /// and month against the 5 % threshold, and venues' refusals of accounts their published rules admit.
    public var fairAccess: FairAccess = FairAccess()
    /// Liquidity the orders' accounts could not reach when they were first routed: per security,
    /// side, venue and rule, how many orders, what was there within their limits, what would unlock it.
    public var outOfReach: [OutOfReachRow] = []

    /// Liquidity out of an account's reach at orders' first decisions, at one venue for one rule.
    public struct OutOfReachRow: Sendable, Hashable, Codable {
        public var symbol: String
        /// The orders' side: their best level there was an ask for buys, a bid for sells.
        public var side: String
        public var venue: String
        /// The rule that left the venue out (`kyc_not_approved`, `position_not_at_venue`, …).
        public var code: String
        public var orders: Int
        /// Σ over those orders of the venue's best level within the order's limit, up to the order's quantity.
        public var quantityWithinLimit: String
        /// The best price seen there (the lowest ask for buys, the highest bid for sells).
        public var bestPrice: String
        /// What would unlock it, as the router last said (empty when nothing it can do would).
        public var unlock: String

        public init(
            symbol: String, side: String, venue: String, code: String, orders: Int, quantityWithinLimit: String,
            bestPrice: String, unlock: String
        ) {
            self.symbol = symbol
            self.side = side
            self.venue = venue
            self.code = code
            self.orders = orders
            self.quantityWithinLimit = quantityWithinLimit
            self.bestPrice = bestPrice
            self.unlock = unlock
        }
    }

    public struct FairAccess: Sendable, Hashable, Codable {
        /// The threshold, percent of a security's volume in a month.
        public var thresholdPercent: String = "5"
        public var shares: [FairAccessShare] = []
        public var refusals: [AccessRefusal] = []

        public init(shares: [FairAccessShare] = [], refusals: [AccessRefusal] = []) {
            self.shares = shares
            self.refusals = refusals
        }
    }

    /// One venue's part of the volume the router routed in one security in one month.
    public struct FairAccessShare: Sendable, Hashable, Codable {
        public var month: String
        public var symbol: String
        public var venue: String
        public var quantity: String
        public var sharePercent: String
        /// At or over the threshold this month.
        public var atThreshold: Bool
        /// Months at or over the threshold among this month and the five before it (the rule: 4 of 6).
        public var monthsAtThresholdOfSix: Int

        public init(
            month: String, symbol: String, venue: String, quantity: String, sharePercent: String, atThreshold: Bool,
            monthsAtThresholdOfSix: Int
        ) {
            self.month = month
            self.symbol = symbol
            self.venue = venue
            self.quantity = quantity
            self.sharePercent = sharePercent
            self.atThreshold = atThreshold
            self.monthsAtThresholdOfSix = monthsAtThresholdOfSix
        }
    }

    /// A venue refusing an account the router found eligible under the venue's published rules.
    public struct AccessRefusal: Sendable, Hashable, Codable {
        public var at: String
        public var venue: String
        public var account: String
        /// `onboarding` or `order`.
        public var kind: String
        public var reason: String

        public init(at: String, venue: String, account: String, kind: String, reason: String) {
            self.at = at
            self.venue = venue
            self.account = account
            self.kind = kind
            self.reason = reason
        }
    }

    /// One subscription: what was asked, what the offering allocated, at what price a unit.
    public struct SubscriptionEntry: Sendable, Hashable, Codable {
        public var id: String
        public var account: String
        public var venue: String
        public var offering: String
        public var symbol: String
        public var status: String
        public var amount: String
        public var pricePerUnit: String
        public var units: String
        public var paid: String
        public var refund: String
        public var issuedOn: String?
        public var createdAt: String

        public init(
            id: String, account: String, venue: String, offering: String, symbol: String, status: String,
            amount: String, pricePerUnit: String, units: String, paid: String, refund: String, issuedOn: String?,
            createdAt: String
        ) {
            self.id = id
            self.account = account
            self.venue = venue
            self.offering = offering
            self.symbol = symbol
            self.status = status
            self.amount = amount
            self.pricePerUnit = pricePerUnit
            self.units = units
            self.paid = paid
            self.refund = refund
            self.issuedOn = issuedOn
            self.createdAt = createdAt
        }
    }

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

        public init(
            orders: Int, ordersWithFills: Int, rejected: Int, orderedQuantity: String, filledQuantity: String,
            fillRatePercent: String? = nil, notional: String, fees: String, averageSlippageBps: String? = nil,
            fragmentationBenefit: String, ordersComparedWithBestSingle: Int, ordersBetterThanBestSingle: Int,
            ordersWorseThanBestSingle: Int, extraQuantityOverBestSingle: String
        ) {
            self.orders = orders
            self.ordersWithFills = ordersWithFills
            self.rejected = rejected
            self.orderedQuantity = orderedQuantity
            self.filledQuantity = filledQuantity
            self.fillRatePercent = fillRatePercent
            self.notional = notional
            self.fees = fees
            self.averageSlippageBps = averageSlippageBps
            self.fragmentationBenefit = fragmentationBenefit
            self.ordersComparedWithBestSingle = ordersComparedWithBestSingle
            self.ordersBetterThanBestSingle = ordersBetterThanBestSingle
            self.ordersWorseThanBestSingle = ordersWorseThanBestSingle
            self.extraQuantityOverBestSingle = extraQuantityOverBestSingle
        }
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

        public init(
            id: String, account: String, symbol: String, side: String, quantity: String, limitPrice: String? = nil,
            timeInForce: String, orderType: String, status: String, createdAt: String, arrivalBid: String? = nil,
            arrivalAsk: String? = nil, arrivalMid: String? = nil, filledQuantity: String,
            fillRatePercent: String? = nil, averagePrice: String? = nil, slippageBps: String? = nil, fees: String,
            allInCost: String, allInPrice: String? = nil, timeToFillMs: Int64? = nil, venues: [String],
            bestSingleVenue: String? = nil, bestSingleQuantity: String, bestSingleAllInPrice: String? = nil,
            fragmentationBenefit: String? = nil, fragmentationBenefitBps: String? = nil,
            extraQuantityOverBestSingle: String
        ) {
            self.id = id
            self.account = account
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.timeInForce = timeInForce
            self.orderType = orderType
            self.status = status
            self.createdAt = createdAt
            self.arrivalBid = arrivalBid
            self.arrivalAsk = arrivalAsk
            self.arrivalMid = arrivalMid
            self.filledQuantity = filledQuantity
            self.fillRatePercent = fillRatePercent
            self.averagePrice = averagePrice
            self.slippageBps = slippageBps
            self.fees = fees
            self.allInCost = allInCost
            self.allInPrice = allInPrice
            self.timeToFillMs = timeToFillMs
            self.venues = venues
            self.bestSingleVenue = bestSingleVenue
            self.bestSingleQuantity = bestSingleQuantity
            self.bestSingleAllInPrice = bestSingleAllInPrice
            self.fragmentationBenefit = fragmentationBenefit
            self.fragmentationBenefitBps = fragmentationBenefitBps
            self.extraQuantityOverBestSingle = extraQuantityOverBestSingle
        }
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

        public init(
            venue: String, childrenSent: Int, quantitySent: String, quantityFilled: String,
            fillRatePercent: String? = nil, goneOnArrival: String, goneOnArrivalPercent: String? = nil,
            latencyP50Ms: Int64? = nil, latencyP95Ms: Int64? = nil, rejections: [String: Int],
            volumeSharePercent: String? = nil, fees: String
        ) {
            self.venue = venue
            self.childrenSent = childrenSent
            self.quantitySent = quantitySent
            self.quantityFilled = quantityFilled
            self.fillRatePercent = fillRatePercent
            self.goneOnArrival = goneOnArrival
            self.goneOnArrivalPercent = goneOnArrivalPercent
            self.latencyP50Ms = latencyP50Ms
            self.latencyP95Ms = latencyP95Ms
            self.rejections = rejections
            self.volumeSharePercent = volumeSharePercent
            self.fees = fees
        }
    }

    public struct Rule606Period: Sendable, Hashable, Codable {
        /// The calendar month (UTC), `2026-11`.
        public var period: String
        public var orders: Int
        /// Share of orders by type: market, marketable_limit, non_marketable_limit, other.
        public var typeSharePercent: [String: String]
        public var venues: [Rule606Venue]

        public init(period: String, orders: Int, typeSharePercent: [String: String], venues: [Rule606Venue]) {
            self.period = period
            self.orders = orders
            self.typeSharePercent = typeSharePercent
            self.venues = venues
        }
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

        public init(
            venue: String, orders: Int, orderSharePercent: String, typeSharePercent: [String: String], shares: String,
            netFees: String, netFeesPerHundredShares: String? = nil
        ) {
            self.venue = venue
            self.orders = orders
            self.orderSharePercent = orderSharePercent
            self.typeSharePercent = typeSharePercent
            self.shares = shares
            self.netFees = netFees
            self.netFeesPerHundredShares = netFeesPerHundredShares
        }
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

        public init(
            symbol: String, orderType: String, sizeBucket: String, orders: Int, shares: String, executedShares: String,
            cancelledShares: String, executedWithin: [String: String], averageEffectiveSpread: String? = nil,
            priceImprovedShares: String, averagePriceImprovement: String? = nil, averageImprovedTimeMs: Int64? = nil,
            atQuoteShares: String, outsideQuoteShares: String
        ) {
            self.symbol = symbol
            self.orderType = orderType
            self.sizeBucket = sizeBucket
            self.orders = orders
            self.shares = shares
            self.executedShares = executedShares
            self.cancelledShares = cancelledShares
            self.executedWithin = executedWithin
            self.averageEffectiveSpread = averageEffectiveSpread
            self.priceImprovedShares = priceImprovedShares
            self.averagePriceImprovement = averagePriceImprovement
            self.averageImprovedTimeMs = averageImprovedTimeMs
            self.atQuoteShares = atQuoteShares
            self.outsideQuoteShares = outsideQuoteShares
        }
    }

    public struct DepthSnapshot: Sendable, Hashable, Codable {
        public var orderId: String
        public var symbol: String
        public var at: String
        /// Cumulative quantity by price, best first, across every venue the decision planned on.
        public var bids: [DepthLevel]
        public var asks: [DepthLevel]

        public init(orderId: String, symbol: String, at: String, bids: [DepthLevel], asks: [DepthLevel]) {
            self.orderId = orderId
            self.symbol = symbol
            self.at = at
            self.bids = bids
            self.asks = asks
        }
    }

    public struct DepthLevel: Sendable, Hashable, Codable {
        public var price: String
        public var quantity: String
        public var cumulative: String

        public init(price: String, quantity: String, cumulative: String) {
            self.price = price
            self.quantity = quantity
            self.cumulative = cumulative
        }
    }

    public init(
        generatedAt: String, from: String? = nil, to: String? = nil, scope: String, summary: Summary,
        orders: [OrderRow], venues: [VenueRow], rule606: [Rule606Period], rule605: [Rule605Row],
        depth: DepthSnapshot? = nil, subscriptions: [SubscriptionEntry] = [], fairAccess: FairAccess = FairAccess(),
        outOfReach: [OutOfReachRow] = []
    ) {
        self.outOfReach = outOfReach
        self.subscriptions = subscriptions
        self.fairAccess = fairAccess
        self.generatedAt = generatedAt
        self.from = from
        self.to = to
        self.scope = scope
        self.summary = summary
        self.orders = orders
        self.venues = venues
        self.rule606 = rule606
        self.rule605 = rule605
        self.depth = depth
    }
}
