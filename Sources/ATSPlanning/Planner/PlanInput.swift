import ATSDomain

/// One displayed price level as the planner sees it: a price and the size shown there.
public struct PlanLevel: Sendable, Hashable, Codable {
    public var price: Price
    public var quantity: Quantity

    public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}

/// One venue's book and trading terms at the moment of a routing decision.
///
/// Levels are listed best first (bids descending, asks ascending); the planner sorts them by
/// price anyway, because a child executes against them in price order.
public struct PlanVenue: Sendable, Hashable, Codable {
    public var venue: VenueID
    /// Every child quantity is a whole multiple of this.
    public var lotSize: Quantity
    /// A child is either zero or at least this.
    public var minQuantity: Quantity
    /// A child's executed notional is at least this; zero means no minimum.
    public var minNotional: Money
    /// The proportional fee on a child's executed notional.
    public var takerFee: BasisPoints
    /// A flat fee charged once when the venue receives a child.
    public var fixedFee: Money
    public var bids: [PlanLevel]
    public var asks: [PlanLevel]
    /// The largest child the venue accepts; nil for no limit.
    public var maxQuantity: Quantity?

    public init(
        venue: VenueID, lotSize: Quantity, minQuantity: Quantity, minNotional: Money,
        takerFee: BasisPoints, fixedFee: Money, bids: [PlanLevel], asks: [PlanLevel], maxQuantity: Quantity? = nil
    ) {
        self.maxQuantity = maxQuantity
        self.venue = venue
        self.lotSize = lotSize
        self.minQuantity = minQuantity
        self.minNotional = minNotional
        self.takerFee = takerFee
        self.fixedFee = fixedFee
        self.bids = bids
        self.asks = asks
    }

    /// The levels an order on `side` executes against.
    public func levels(against side: Side) -> [PlanLevel] { side == .buy ? asks : bids }
}

/// The consolidated books a decision is made on: one entry per venue.
public struct PlanSnapshot: Sendable, Hashable, Codable {
    public var symbol: Symbol?
    public var venues: [PlanVenue]

    public init(symbol: Symbol?, venues: [PlanVenue]) {
        self.symbol = symbol
        self.venues = venues
    }
}

/// How the planner splits an order.
public enum PlanStrategy: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The largest fill, then the lowest all-in cost (highest net proceeds for a sell): exact.
    case cost
    /// Everything to the one venue with the best all-in result: the baseline analytics compare against.
    case bestSingle = "best-single"
    /// In proportion to each venue's displayed size within the limit.
    case proRata = "pro-rata"

    /// Parses a strategy name in any letter case.
    public init?(caseInsensitive text: String) {
        self.init(rawValue: text.lowercased())
    }

    public var description: String { rawValue }
}

/// The parent order a plan is made for.
public struct PlanOrder: Sendable, Hashable {
    public var side: Side
    public var quantity: Quantity
    /// Absent: marketable at any displayed price.
    public var limitPrice: Price?
    public var strategy: PlanStrategy
    /// When not empty, only these venues may receive children.
    public var includeVenues: Set<VenueID>
    /// These venues never receive children.
    public var excludeVenues: Set<VenueID>

    public init(
        side: Side, quantity: Quantity, limitPrice: Price? = nil, strategy: PlanStrategy = .cost,
        includeVenues: Set<VenueID> = [], excludeVenues: Set<VenueID> = []
    ) {
        self.side = side
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.strategy = strategy
        self.includeVenues = includeVenues
        self.excludeVenues = excludeVenues
    }

    /// Whether `venue` may receive a child under the include and exclude lists.
    public func admits(_ venue: VenueID) -> Bool {
        Self.admits(venue, include: includeVenues, exclude: excludeVenues)
    }

    /// Whether `venue` passes an include list (empty: every venue) and an exclude list.
    public static func admits(_ venue: VenueID, include: Set<VenueID>, exclude: Set<VenueID>) -> Bool {
        !exclude.contains(venue) && (include.isEmpty || include.contains(venue))
    }

    /// Whether an order on this side may trade at `price`.
    @inlinable public func accepts(_ price: Price) -> Bool {
        guard let limitPrice else { return true }
        return side == .buy ? price <= limitPrice : price >= limitPrice
    }
}
