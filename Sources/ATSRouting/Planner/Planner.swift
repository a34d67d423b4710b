import ATSDomain

/// Splits a parent order across venues: pure, exact and offline.
///
/// The `cost` strategy returns an optimal allocation: the largest fill that lot sizes, minimum
/// quantities, minimum notionals, displayed liquidity and the limit allow, and at that fill the
/// lowest all-in cost (highest net proceeds for a sell), fixed fees included. `docs/routing.md`
/// proves the method exact; in short:
///
/// 1. Venues whose every valid child is "zero or any lot multiple" and that charge no fixed fee
///    have a convex cost from zero and are always on. The others (a fixed fee, or a minimum
///    above one lot) are switched on or off: every on/off combination is solved, 2^k for k such
///    venues, pruned by an upper bound on the fill.
/// 2. Within a combination, venues with equal lot sizes merge exactly into one convex curve.
/// 3. One lot size: take the cheapest lots. Several: a continuous optimum is computed by greedy,
///    and a proximity bound (an optimal integer solution lies within `(m − 1)·D + Σ sᵢ` units of
///    it, `D` the largest pairwise lcm of lots) limits an exact dynamic programme to a small window.
public enum Planner {
    /// The largest dynamic-programme table the planner builds before refusing: lot sizes so
    /// unrelated (their lcm so large against their gcd) that an exact answer would be too slow.
    public static let maximumTableSize = 16_000_000

    /// Plans `order` on `snapshot` with the order's strategy.
    /// - Throws: ``PlanError`` naming the field of an invalid input.
    public static func plan(_ order: PlanOrder, on snapshot: PlanSnapshot) throws(PlanError) -> Plan {
        try validate(order, snapshot)
        let curves = snapshot.venues.enumerated().compactMap { slot, venue in
            order.admits(venue.venue) ? VenueCurve(slot: slot, venue: venue, order: order) : nil
        }
        let quantities: [Int64]
        switch order.strategy {
        case .cost: quantities = try optimalQuantities(curves, quantity: order.quantity.rawValue)
        case .bestSingle: quantities = bestSingleQuantities(curves)
        case .proRata: quantities = proRataQuantities(curves, quantity: order.quantity.rawValue)
        }
        return makePlan(order: order, curves: curves, quantities: quantities)
    }

    // MARK: The cost strategy

    /// The optimal child quantity (raw) per curve.
    static func optimalQuantities(_ curves: [VenueCurve], quantity: Int64) throws(PlanError) -> [Int64] {
        let usable = curves.indices.filter { curves[$0].isUsable }
        let alwaysOn = usable.filter { curves[$0].isConvexFromZero }
        let switchable = usable.filter { !curves[$0].isConvexFromZero }
        var runsFromZero: [Int: [CostRun]] = [:]
        for index in alwaysOn { runsFromZero[index] = curves[index].runs(from: 0, member: 0) }
        var runsFromLow: [Int: [CostRun]] = [:]
        for index in switchable { runsFromLow[index] = curves[index].runs(from: curves[index].low, member: 0) }
        let alwaysCapacity = alwaysOn.reduce(Int64(0)) { $0 + curves[$1].high }

        var best: (filled: Int64, cost: Int128, quantities: [Int64])?
        // Larger combinations first: they tend to fill most, so the bound prunes the rest early.
        let masks = (0..<(1 << switchable.count)).sorted { $0.nonzeroBitCount > $1.nonzeroBitCount }
        for mask in masks {
            var capacity = alwaysCapacity
            var base: Int64 = 0
            for (bit, index) in switchable.enumerated() where mask & (1 << bit) != 0 {
                capacity += curves[index].high
                base += curves[index].low
            }
            if base > quantity { continue }
            if let best, min(capacity, quantity) < best.filled { continue }

            var classes: [Int64: LotClass] = [:]
            for index in alwaysOn {
                classes[curves[index].lot, default: LotClass(lot: curves[index].lot)]
                    .add(curve: curves[index], index: index, start: 0, runs: runsFromZero[index]!)
            }
            for (bit, index) in switchable.enumerated() where mask & (1 << bit) != 0 {
                classes[curves[index].lot, default: LotClass(lot: curves[index].lot)]
                    .add(curve: curves[index], index: index, start: curves[index].low, runs: runsFromLow[index]!)
            }
            var sealed = Array(classes.values)
            for index in sealed.indices { sealed[index].seal() }
            guard let solution = try solve(sealed, quantity: quantity) else { continue }
            if let best, solution.filled < best.filled
                || (solution.filled == best.filled && solution.cost >= best.cost) { continue }
            var quantities = [Int64](repeating: 0, count: curves.count)
            for (lotClass, lots) in zip(sealed, solution.lots) {
                for (curve, childQuantity) in lotClass.quantities(lots: lots) { quantities[curve] = childQuantity }
            }
            best = (solution.filled, solution.cost, quantities)
        }
        return best?.quantities ?? [Int64](repeating: 0, count: curves.count)
    }

    /// The largest fill, then the lowest cost, over the lot classes of one on/off combination.
    /// Returns the raw quantity filled, the cost and the lots above its base per class.
    static func solve(_ classes: [LotClass], quantity: Int64) throws(PlanError)
        -> (filled: Int64, cost: Int128, lots: [Int64])?
    {
        let base = classes.reduce(Int64(0)) { $0 + $1.base }
        guard base <= quantity else { return nil }
        switch classes.count {
        case 0:
            return (0, 0, [])
        case 1:
            let only = classes[0]
            let lots = min(only.capacity, (quantity - base) / only.lot)
            return (base + lots * only.lot, only.cost(lots: lots), [lots])
        default:
            return try LatticeProgramme(classes: classes, quantity: quantity).solve()
        }
    }

    // MARK: Baselines

    /// Everything to the one venue with the largest fill, then the best all-in cost.
    static func bestSingleQuantities(_ curves: [VenueCurve]) -> [Int64] {
        var best: (index: Int, filled: Int64, cost: Int128)?
        for (index, curve) in curves.enumerated() where curve.isUsable {
            let cost = curve.cost(curve.high)
            if let current = best, curve.high < current.filled
                || (curve.high == current.filled && cost >= current.cost) { continue }
            best = (index, curve.high, cost)
        }
        var quantities = [Int64](repeating: 0, count: curves.count)
        if let best { quantities[best.index] = best.filled }
        return quantities
    }

    /// In proportion to each usable venue's displayed size within the limit, rounded down to
    /// lots; a share below the venue's minimum is dropped; what is left goes, lot by lot, to the
    /// venues with the largest displayed size that still have room.
    static func proRataQuantities(_ curves: [VenueCurve], quantity: Int64) -> [Int64] {
        var quantities = [Int64](repeating: 0, count: curves.count)
        let usable = curves.indices.filter { curves[$0].isUsable }
        let displayed = usable.map { Int128(curves[$0].quantityEnds.last ?? 0) }
        let totalDisplayed = displayed.reduce(0, +)
        guard totalDisplayed > 0 else { return quantities }
        var remaining = quantity
        for (position, index) in usable.enumerated() {
            let curve = curves[index]
            let share = Int64(Int128(quantity) * displayed[position] / totalDisplayed)
            let child = min(share, curve.high) / curve.lot * curve.lot
            if child >= curve.low && child <= remaining {
                quantities[index] = child
                remaining -= child
            }
        }
        let bySize = usable.indices.sorted { displayed[$0] > displayed[$1] }.map { usable[$0] }
        for index in bySize where remaining > 0 {
            let curve = curves[index]
            let room = min(curve.high - quantities[index], remaining) / curve.lot * curve.lot
            guard room > 0, quantities[index] + room >= curve.low else { continue }
            quantities[index] += room
            remaining -= room
        }
        return quantities
    }

    // MARK: Result

    static func makePlan(order: PlanOrder, curves: [VenueCurve], quantities: [Int64]) -> Plan {
        var allocations: [Plan.Allocation] = []
        var filled: Int64 = 0
        var notional = ExactAmount.zero
        var fees = ExactAmount.zero
        for (curve, quantity) in zip(curves, quantities) where quantity > 0 {
            let childNotional = curve.notional(quantity)
            let proportional = childNotional * (curve.factor - 100_000_000) * curve.sign
            let childFees = ExactAmount(rawValue: proportional + curve.fixedCost)
            let exactNotional = ExactAmount(rawValue: childNotional * 100_000_000)
            let worstLevel = curve.quantityEnds.firstIndex { $0 >= quantity } ?? (curve.prices.count - 1)
            allocations.append(Plan.Allocation(
                venue: curve.venue,
                quantity: Quantity(rawValue: quantity),
                averagePrice: Price(rawValue: Int64(roundedDivision(childNotional, Int128(quantity)))),
                worstPrice: Price(rawValue: curve.prices[worstLevel]),
                notional: exactNotional,
                fees: childFees,
                allInCost: order.side == .buy ? exactNotional + childFees : exactNotional - childFees
            ))
            filled += quantity
            notional = notional + exactNotional
            fees = fees + childFees
        }
        let allInCost = order.side == .buy ? notional + fees : notional - fees
        var reason: String?
        if filled < order.quantity.rawValue {
            let usable = curves.filter(\.isUsable)
            let displayed = usable.reduce(Int64(0)) { $0 + ($1.quantityEnds.last ?? 0) }
            if curves.isEmpty {
                reason = "no venue is eligible for this order"
            } else if usable.isEmpty {
                reason = "no eligible venue can take a valid child (liquidity within the limit, lot size, minimums)"
            } else if displayed < order.quantity.rawValue {
                reason = "displayed liquidity within the limit on usable venues is \(Quantity(rawValue: displayed))"
            } else {
                reason = "lot sizes and minimums leave the rest unfillable"
            }
        }
        return Plan(
            side: order.side, strategy: order.strategy, requestedQuantity: order.quantity,
            allocations: allocations, filledQuantity: Quantity(rawValue: filled),
            notional: notional, fees: fees, allInCost: allInCost, unfilledReason: reason
        )
    }

    // MARK: Validation

    static func validate(_ order: PlanOrder, _ snapshot: PlanSnapshot) throws(PlanError) {
        guard order.quantity.isPositive else { throw PlanError(field: "quantity", reason: "must be greater than zero") }
        if let limit = order.limitPrice, !limit.isPositive {
            throw PlanError(field: "limitPrice", reason: "must be greater than zero")
        }
        var seen = Set<VenueID>()
        for (index, venue) in snapshot.venues.enumerated() {
            let path = "venues[\(index)]"
            if !seen.insert(venue.venue).inserted {
                throw PlanError(field: "\(path).venue", reason: "\(venue.venue) appears more than once")
            }
            guard venue.lotSize.isPositive else { throw PlanError(field: "\(path).lotSize", reason: "must be greater than zero") }
            guard !venue.minNotional.isNegative else { throw PlanError(field: "\(path).minNotional", reason: "must not be negative") }
            guard !venue.fixedFee.isNegative else { throw PlanError(field: "\(path).fixedFee", reason: "must not be negative") }
            guard venue.takerFee.rawValue % 10_000 == 0 else {
                throw PlanError(field: "\(path).takerFeeBps", reason: "at most 4 decimal places are supported")
            }
            guard venue.takerFee.rawValue.magnitude < UInt64(10_000) * UInt64(BasisPoints.unit) else {
                throw PlanError(field: "\(path).takerFeeBps", reason: "must be above -10000 and below 10000")
            }
            for (sideName, levels) in [("bids", venue.bids), ("asks", venue.asks)] {
                var quantity: Int128 = 0
                var notional: Int128 = 0
                for (position, level) in levels.enumerated() {
                    guard level.price.isPositive else {
                        throw PlanError(field: "\(path).\(sideName)[\(position)][0]", reason: "price must be greater than zero")
                    }
                    quantity += Int128(level.quantity.rawValue)
                    notional += Int128(level.price.rawValue) * Int128(level.quantity.rawValue)
                }
                // Totals must stay within what Quantity and Money hold, so every sum below is exact.
                guard quantity <= Int128(Int64.max / 4) else {
                    throw PlanError(field: "\(path).\(sideName)", reason: "total size is too large")
                }
                guard notional / Int128(Quantity.unit) <= Int128(Int64.max / 16) else {
                    throw PlanError(field: "\(path).\(sideName)", reason: "total notional is too large")
                }
            }
        }
    }
}
