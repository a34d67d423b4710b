import ATSDomain
import ATSPlanning

/// The consolidated best bid and offer a routing decision saw (raw prices, across the venues it
/// planned on), and their mid.
public struct ArrivalQuote: Sendable, Hashable {
    public var bid: Price?
    public var ask: Price?

    public init(bid: Price?, ask: Price?) {
        self.bid = bid
        self.ask = ask
    }

    /// From the snapshot a decision planned on.
    public init(_ snapshot: PlanSnapshot) {
        bid = snapshot.venues.compactMap { $0.bids.map(\.price).max() }.max()
        ask = snapshot.venues.compactMap { $0.asks.map(\.price).min() }.min()
    }

    /// (bid + ask) / 2, exact (prices have at most 8 decimals, so the mid has at most 9: kept as a ratio).
    public var mid: Ratio? {
        guard let bid, let ask else { return nil }
        return Ratio(Int128(bid.rawValue) + Int128(ask.rawValue), 2 * Int128(Price.unit))
    }

    /// The quote on the far side for `side`: what a buyer pays (the ask), what a seller gets (the bid).
    public func far(for side: Side) -> Price? { side == .buy ? ask : bid }
}

/// Slippage against arrival, in basis points of the arrival mid: what the average fill price cost
/// beyond the mid (positive is worse for the trader). Buy: (average − mid) / mid; sell: (mid − average) / mid.
public enum Slippage {
    public static func bps(side: Side, average: Price, arrivalMid mid: Ratio) -> Ratio {
        // average − mid = (average × mid.d − mid.n) / mid.d, over mid = mid.n / mid.d.
        let averageScaled = Int128(average.rawValue) * mid.denominator / Int128(Price.unit)
        let difference = side == .buy ? averageScaled - mid.numerator : mid.numerator - averageScaled
        return Ratio(difference, mid.numerator)
    }
}

/// Filled over ordered.
public enum FillRate {
    public static func of(filled: Quantity, ordered: Quantity) -> Ratio? { Ratio.of(filled.rawValue, ordered.rawValue) }
}

/// What an order cost all-in (a buy: notional plus fees) or brought in (a sell: notional less fees).
public enum AllInCost {
    public static func of(side: Side, notional: ExactAmount, fees: Money) -> ExactAmount {
        side == .buy ? notional + ExactAmount(fees) : notional - ExactAmount(fees)
    }

    /// Per unit, rounded half-even to 8 decimals.
    public static func perUnit(_ amount: ExactAmount, quantity: Quantity) -> Price? {
        guard quantity.isPositive,
            let raw = roundedQuotient(amount.rawValue, Int128(quantity.rawValue) * 100_000_000, rounding: .halfEven),
            let value = Int64(exactly: raw)
        else { return nil }
        return Price(rawValue: value)
    }
}

/// What routing saved against the best single eligible venue, from the same snapshot: the
/// `best-single` plan for the same order, its all-in price per unit against the all-in price the
/// order achieved. Positive is a saving. The amount is the per-unit saving on the quantity both
/// filled; routing may also fill more than one venue could (`extraQuantity`).
public struct FragmentationBenefit: Sendable, Hashable {
    public var bestSingleVenue: VenueID?
    public var bestSingleQuantity: Quantity
    public var bestSingleAllInPrice: Price?
    public var routedQuantity: Quantity
    public var routedAllInPrice: Price?
    /// Saving per unit (single venue's all-in price less the achieved one; reversed for a sell).
    public var perUnit: Money?
    /// The per-unit saving × the quantity both filled.
    public var amount: Money?
    /// The saving in basis points of the single venue's all-in price.
    public var bps: Ratio?
    /// Units routing filled beyond what the best single venue could.
    public var extraQuantity: Quantity

    /// - Parameters: `snapshot` and `order` as the first decision planned them; `filled`,
    ///   `allIn` what the order achieved.
    public init(side: Side, order: PlanOrder, snapshot: PlanSnapshot, filled: Quantity, allIn: ExactAmount) {
        var single = order
        single.strategy = .bestSingle
        let plan = try? Planner.plan(single, on: snapshot)
        bestSingleVenue = plan?.allocations.first?.venue
        bestSingleQuantity = plan?.filledQuantity ?? .zero
        bestSingleAllInPrice = plan?.allInPrice
        routedQuantity = filled
        routedAllInPrice = AllInCost.perUnit(allIn, quantity: filled)
        extraQuantity = Quantity(rawValue: max(0, filled.rawValue - bestSingleQuantity.rawValue))
        if let singlePrice = bestSingleAllInPrice, let routedPrice = routedAllInPrice {
            let difference =
                side == .buy ? singlePrice.rawValue - routedPrice.rawValue : routedPrice.rawValue - singlePrice.rawValue
            perUnit = Money(rawValue: difference)
            let both = min(filled.rawValue, bestSingleQuantity.rawValue)
            amount = Money(
                rawValue: Int64(
                    roundedQuotient(Int128(difference) * Int128(both), Int128(Quantity.unit), rounding: .halfEven) ?? 0)
            )
            bps = Ratio.of(difference, singlePrice.rawValue)
        }
    }
}

/// Rule 605/606 order types, judged against the arrival quote.
public enum OrderTypeClass: String, Sendable, Hashable, Codable, CaseIterable {
    case market
    /// A limit at or through the far side of the arrival quote: it can execute on arrival.
    case marketableLimit = "marketable_limit"
    case nonMarketableLimit = "non_marketable_limit"
    /// No arrival quote on the far side to judge it by (refused before any decision, an empty book).
    case other

    public static func classify(side: Side, limit: Price?, quote: ArrivalQuote?) -> OrderTypeClass {
        guard let limit else { return .market }
        guard let far = quote?.far(for: side) else { return .other }
        let marketable = side == .buy ? limit >= far : limit <= far
        return marketable ? .marketableLimit : .nonMarketableLimit
    }
}

/// Rule 605 order size buckets, in units.
public enum SizeBucket: String, Sendable, Hashable, Codable, CaseIterable {
    case under100 = "<100"
    case from100 = "100-499"
    case from500 = "500-1999"
    case from2000 = "2000-4999"
    case from5000 = ">=5000"

    public static func of(_ quantity: Quantity) -> SizeBucket {
        switch quantity.rawValue / Quantity.unit {
        case ..<100: return .under100
        case ..<500: return .from100
        case ..<2000: return .from500
        case ..<5000: return .from2000
        default: return .from5000
        }
    }
}

/// Rule 605 execution speed buckets: time from the order's receipt to its execution.
public enum SpeedBucket: String, Sendable, Hashable, Codable, CaseIterable {
    case under10s = "0-9s"
    case from10s = "10-29s"
    case from30s = "30-59s"
    case from60s = "60-299s"
    case from5m = "5-30min"
    case over30m = ">30min"

    public static func of(milliseconds: Int64) -> SpeedBucket {
        switch milliseconds {
        case ..<10_000: return .under10s
        case ..<30_000: return .from10s
        case ..<60_000: return .from30s
        case ..<300_000: return .from60s
        case ..<1_800_000: return .from5m
        default: return .over30m
        }
    }
}

/// Rule 605's effective spread of one execution: twice the distance from the arrival mid, in the
/// direction the trader paid — buy: 2 × (price − mid) = 2 × price − bid − ask; sell: bid + ask − 2 × price.
/// Exact (the mid's half cancels); negative when it executed better than the mid.
public enum EffectiveSpread {
    public static func of(side: Side, price: Price, quote: ArrivalQuote) -> Money? {
        guard let bid = quote.bid, let ask = quote.ask else { return nil }
        let twice = 2 * price.rawValue
        return Money(rawValue: side == .buy ? twice - bid.rawValue - ask.rawValue : bid.rawValue + ask.rawValue - twice)
    }
}

/// Rule 605 price improvement of one execution against the arrival quote: how much better than
/// the far side it executed, per unit (zero or positive; nil when it was at or outside the quote).
public enum PriceImprovement {
    public static func perUnit(side: Side, price: Price, quote: ArrivalQuote) -> Money? {
        guard let far = quote.far(for: side) else { return nil }
        let better = side == .buy ? far.rawValue - price.rawValue : price.rawValue - far.rawValue
        return better > 0 ? Money(rawValue: better) : nil
    }
}
