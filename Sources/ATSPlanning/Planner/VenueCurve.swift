import ATSDomain

/// One venue's executable liquidity for one order, as exact cumulative cost.
///
/// Built once per plan: the levels within the limit, merged by price and sorted best first, with
/// cumulative quantity and notional, so that the cost of any child quantity is one binary search.
/// Costs are at ``ExactAmount`` scale (24 decimals) and signed so that lower is always better:
/// a buy's cost is notional plus fees, a sell's is minus its net proceeds.
struct VenueCurve: Sendable {
    /// Position of the venue in the snapshot.
    let slot: Int
    let venue: VenueID
    /// Raw quantity of one lot.
    let lot: Int64
    /// Level prices (raw), best first, distinct.
    let prices: [Int64]
    /// Cumulative raw quantity at the end of each level.
    let quantityEnds: [Int64]
    /// Cumulative notional (16 decimals) at the end of each level.
    let notionalEnds: [Int128]
    /// `10^8 ± fee` with the fee in basis points at 4 decimals: the all-in factor on notional.
    let factor: Int128
    /// `+1` for a buy (cost = paid), `-1` for a sell (cost = minus proceeds).
    let sign: Int128
    /// The fixed fee at 24 decimals, charged once when the venue receives a child.
    let fixedCost: Int128
    /// The smallest valid non-zero child: lot multiple, at least the minimum quantity and notional.
    let low: Int64
    /// The largest valid child: lot multiple, within displayed liquidity and the order quantity.
    let high: Int64

    /// Whether the venue can take any child at all.
    var isUsable: Bool { low <= high }

    /// Whether "nothing, or any lot multiple up to `high`" describes every valid child, so that
    /// the venue's cost is convex from zero and needs no on/off enumeration.
    var isConvexFromZero: Bool { fixedCost == 0 && low == lot }

    /// Per-unit scale of notional: price (8 decimals) × quantity (8 decimals).
    static let notionalScale: Int128 = 10_000_000_000_000_000

    init(slot: Int, venue: PlanVenue, order: PlanOrder) {
        self.slot = slot
        self.venue = venue.venue
        lot = venue.lotSize.rawValue
        sign = order.side == .buy ? 1 : -1
        let feeBps4 = Int128(venue.takerFee.rawValue / 10_000)
        factor = 100_000_000 + sign * feeBps4
        fixedCost = Int128(venue.fixedFee.rawValue) * 10_000_000_000_000_000

        // Levels within the limit, in execution order, equal prices merged.
        var levels = venue.levels(against: order.side)
        let inExecutionOrder: (PlanLevel, PlanLevel) -> Bool =
            order.side == .buy
            ? { $0.price < $1.price } : { $0.price > $1.price }
        if zip(levels, levels.dropFirst()).contains(where: { inExecutionOrder($1, $0) }) {
            levels.sort(by: inExecutionOrder)
        }
        let withinLimit = levels.firstIndex { !order.accepts($0.price) } ?? levels.endIndex
        levels.removeSubrange(withinLimit...)
        var prices: [Int64] = []
        var quantityEnds: [Int64] = []
        var notionalEnds: [Int128] = []
        var quantity: Int64 = 0
        var notional: Int128 = 0
        for level in levels where level.quantity.isPositive {
            quantity += level.quantity.rawValue
            notional += Int128(level.price.rawValue) * Int128(level.quantity.rawValue)
            if let last = prices.last, last == level.price.rawValue {
                quantityEnds[quantityEnds.count - 1] = quantity
                notionalEnds[notionalEnds.count - 1] = notional
            } else {
                prices.append(level.price.rawValue)
                quantityEnds.append(quantity)
                notionalEnds.append(notional)
            }
        }
        self.prices = prices
        self.quantityEnds = quantityEnds
        self.notionalEnds = notionalEnds

        let lot = venue.lotSize.rawValue
        high = Swift.min(quantity, order.quantity.rawValue, venue.maxQuantity?.rawValue ?? Int64.max) / lot * lot
        var low = Swift.max(venue.minQuantity.rawValue, lot)
        low = (low + lot - 1) / lot * lot
        if venue.minNotional.isPositive {
            let needed = Int128(venue.minNotional.rawValue) * Int128(Quantity.unit)
            if let index = notionalEnds.firstIndex(where: { $0 >= needed }) {
                let before = index == 0 ? 0 : notionalEnds[index - 1]
                let startQuantity = index == 0 ? 0 : quantityEnds[index - 1]
                let price = Int128(prices[index])
                let extra = (needed - before + price - 1) / price
                let atLeast = startQuantity + Int64(extra)
                low = Swift.max(low, (atLeast + lot - 1) / lot * lot)
            } else {
                low = Int64.max
            }
        }
        self.low = low
    }

    /// Notional of a child of `quantity` raw units, at 16 decimals.
    /// - Complexity: O(log levels).
    func notional(_ quantity: Int64) -> Int128 {
        guard quantity > 0 else { return 0 }
        var lowIndex = 0
        var highIndex = quantityEnds.count - 1
        while lowIndex < highIndex {
            let middle = (lowIndex + highIndex) / 2
            if quantityEnds[middle] >= quantity { highIndex = middle } else { lowIndex = middle + 1 }
        }
        let before = lowIndex == 0 ? 0 : notionalEnds[lowIndex - 1]
        let startQuantity = lowIndex == 0 ? 0 : quantityEnds[lowIndex - 1]
        return before + Int128(prices[lowIndex]) * Int128(quantity - startQuantity)
    }

    /// Signed all-in cost of a child of `quantity` without the fixed fee (24 decimals).
    func variableCost(_ quantity: Int64) -> Int128 { sign * notional(quantity) * factor }

    /// Signed all-in cost of a child of `quantity`, fixed fee included when `quantity > 0`.
    func cost(_ quantity: Int64) -> Int128 {
        quantity == 0 ? 0 : variableCost(quantity) + fixedCost
    }

    /// The marginal cost of each lot from `start` up to `high`, run-length encoded.
    ///
    /// Lots inside one level cost the same; a lot that straddles two levels is its own run.
    /// Because levels are in execution order, the marginals never decrease (the cost is convex).
    func runs(from start: Int64, owner: Int) -> [CostRun] {
        var runs: [CostRun] = []
        var position = start
        var level = 0
        while position < high {
            while quantityEnds[level] <= position { level += 1 }
            let marginal: Int128
            let count: Int64
            if position + lot <= quantityEnds[level] {
                count = Swift.min(quantityEnds[level] - position, high - position) / lot
                marginal = sign * Int128(prices[level]) * Int128(lot) * factor
            } else {
                count = 1
                marginal = variableCost(position + lot) - variableCost(position)
            }
            if let last = runs.last, last.marginal == marginal {
                runs[runs.count - 1].count += count
            } else {
                runs.append(CostRun(marginal: marginal, count: count, owner: owner, lot: lot))
            }
            position += count * lot
        }
        return runs
    }
}

/// A run of lots of one venue that each cost `marginal` (24 decimals, signed).
struct CostRun: Sendable {
    var marginal: Int128
    var count: Int64
    /// The curve (venue) the run belongs to.
    var owner: Int
    /// Raw quantity of one lot of the owner.
    var lot: Int64
}
