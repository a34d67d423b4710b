import ATSDomain
import ATSPlanning
import ATSVenues

/// Every eligible venue's levels for one security, merged, each attributed to its venue, with
/// the raw price and the all-in price (fees included), plus why any venue is left out.
public struct ConsolidatedBook: Sendable, Hashable {
    public struct Level: Sendable, Hashable {
        public var venue: VenueID
        public var price: Price
        public var quantity: Quantity
        /// Per unit, fees included: `price × (1 + fee)` for asks (what a buyer pays),
        /// `price × (1 − fee)` for bids (what a seller nets), rounded half-even to 8 decimals.
        public var allInPrice: Price
    }

    public struct VenueStatus: Sendable, Hashable {
        public var venue: VenueID
        public var included: Bool
        /// Why the venue is left out: a rule code or `unhealthy`, `stale`, `no_book`.
        public var code: String?
        public var reason: String?
        public var sequence: UInt64?
        public var ageMilliseconds: Int64?
        /// The proportional rate a taker pays (taker + side-specific + commission + tax), for buys.
        public var buyFeeBps: BasisPoints
        public var sellFeeBps: BasisPoints
        public var fixedFee: Money
        public var matching: String
        /// The venue's best levels (price and size), whether or not the account may reach them.
        public var bestBid: ConsolidatedBook.Top?
        public var bestAsk: ConsolidatedBook.Top?
        /// For a venue left out by a rule about the account that the router can lift (an onboarding,
        /// a custody transfer, a cash conversion): what would let it in.
        public var unlock: String?

        /// The codes that leave a venue out for its own state, not the account's: the rest are rules.
        public static let healthCodes: Set<String> = ["unhealthy", "no_book", "stale"]
    }

    public struct Top: Sendable, Hashable {
        public var price: Price
        public var quantity: Quantity
    }

    public var symbol: Symbol
    public var account: AccountID?
    public var asOf: Timestamp
    /// Best all-in first (highest net for a seller).
    public var bids: [Level]
    /// Best all-in first (lowest cost for a buyer).
    public var asks: [Level]
    public var venues: [VenueStatus]

    /// The consolidated best bid and offer by raw price.
    public var bestBid: Price? { bids.map(\.price).max() }
    public var bestAsk: Price? { asks.map(\.price).min() }
}

extension VenueDefinition {
    /// The proportional fee a taker on `side` pays here, in basis points.
    public func takerFee(for side: Side) -> BasisPoints {
        BasisPoints(
            rawValue: fees.taker.rawValue + (side == .buy ? fees.buyerBps.rawValue : fees.sellerBps.rawValue)
                + fees.commissionBps.rawValue + fees.taxBps.rawValue)
    }

    /// The most a buy of `quantity` at `limit` can cost here: the notional at the limit plus the
    /// higher of the taker and maker fees (with buyer, commission and tax rates), rounded up, plus
    /// the fixed fee. What a working buy child promises of the account's cash.
    public func greatestBuyCost(_ quantity: Quantity, at limit: Price) -> Money {
        let rate =
            max(fees.taker.rawValue, fees.maker.rawValue) + fees.buyerBps.rawValue + fees.commissionBps.rawValue
            + fees.taxBps.rawValue
        let notional = Int128(limit.rawValue) * Int128(quantity.rawValue)
        let withFee = notional * Int128(10_000 * BasisPoints.unit + rate)
        let denominator = Int128(Quantity.unit) * Int128(10_000 * BasisPoints.unit)
        let raw = (withFee + denominator - 1) / denominator
        // Saturating: a cost beyond the largest amount stays the largest amount, never wraps negative.
        return Money(rawValue: Int64(clamping: raw + Int128(fees.fixedPerOrder.rawValue)))
    }

    /// Whether an order here executes on arrival (continuous) rather than at the next auction.
    public var isContinuous: Bool { matching.model == .continuous }
}

/// `price × (10000 ± fee) / 10000`, rounded half-even.
func allInPrice(_ price: Price, fee: BasisPoints, side: Side) -> Price {
    let unit = Int128(10_000) * Int128(BasisPoints.unit)
    let factor = side == .buy ? unit + Int128(fee.rawValue) : unit - Int128(fee.rawValue)
    return Price(
        rawValue: Int64(clamping: roundedQuotient(Int128(price.rawValue) * factor, unit, rounding: .halfEven)!))
}
