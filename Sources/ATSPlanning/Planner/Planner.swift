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
///    and a proximity bound (an optimal integer solution lies within `Σ_{u≠j} lcm(sⱼ, sᵤ)` units
///    of it in class j) limits an exact dynamic programme to small windows.
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
        let switchable = usable.filter { !curves[$0].isConvexFromZero }
        // Every usable venue's lot runs, from zero (always on) or from its minimum (switchable),
        // in one stable order by cost per unit of quantity. Filtered to one lot size this is
        // that lot class's merged order, so no combination sorts again.
        var runs: [CostRun] = []
        for index in usable {
            let curve = curves[index]
            // Each venue's runs are in order already: merge them in, earlier venues first on ties.
            runs = mergeByUnitCost(runs, curve.runs(from: curve.isConvexFromZero ? 0 : curve.low, owner: index))
        }
        let lots = Array(Set(usable.map { curves[$0].lot })).sorted(by: >)
        var classOf = [Int](repeating: -1, count: curves.count)
        for index in usable { classOf[index] = lots.firstIndex(of: curves[index].lot)! }
        var active = [Bool](repeating: false, count: curves.count)
        for index in usable where curves[index].isConvexFromZero { active[index] = true }
        let alwaysCapacity = usable.reduce(Int64(0)) { $0 + (active[$1] ? curves[$1].high : 0) }

        // Branch and bound over the on/off combinations. Each has a largest continuous fill;
        // combinations are taken in order of that fill, and among equal fills in order of the
        // continuous optimum's cost there (a lower bound on any integer allocation of that fill),
        // computed only when a tie needs it. Once a solution exists, a smaller continuous fill
        // ends the search and an equal one whose bound is no better is skipped.
        let lowCost = switchable.map { curves[$0].cost(curves[$0].low) }
        let alwaysUnit = usable.reduce(Int64(0)) {
            curves[$1].isConvexFromZero ? greatestCommonDivisor($0, curves[$1].lot) : $0
        }
        var candidates: [(mask: Int, fill: Int64, base: Int64, baseCost: Int128)] = []
        for mask in 0..<(1 << switchable.count) {
            var capacity = alwaysCapacity
            var base: Int64 = 0
            var baseCost: Int128 = 0
            var unit = alwaysUnit
            for (bit, index) in switchable.enumerated() where mask & (1 << bit) != 0 {
                capacity += curves[index].high
                base += curves[index].low
                baseCost += lowCost[bit]
                unit = greatestCommonDivisor(unit, curves[index].lot)
            }
            if base > quantity || unit == 0 { continue }
            // Every total is a multiple of the active lots' gcd: no fill beyond the order rounded down to it.
            candidates.append((mask, min(capacity, quantity / unit * unit), base, baseCost))
        }
        candidates.sort { $0.fill > $1.fill }

        func activate(_ mask: Int) {
            for (bit, index) in switchable.enumerated() { active[index] = mask & (1 << bit) != 0 }
        }
        var best: (filled: Int64, cost: Int128, quantities: [Int64])?
        var groupStart = 0
        while groupStart < candidates.count {
            let fill = candidates[groupStart].fill
            if let best, fill < best.filled { break }
            var groupEnd = groupStart
            while groupEnd < candidates.count && candidates[groupEnd].fill == fill { groupEnd += 1 }
            var group = candidates[groupStart..<groupEnd].map {
                (mask: $0.mask, base: $0.base, baseCost: $0.baseCost, bound: Int128?.none)
            }
            groupStart = groupEnd
            if group.count > 1 || best?.filled == fill {
                for position in group.indices {
                    activate(group[position].mask)
                    group[position].bound =
                        group[position].baseCost
                        + continuousCost(runs, active: active, amount: fill - group[position].base)
                }
                group.sort { $0.bound! < $1.bound! }
            }
            for candidate in group {
                if let best, let bound = candidate.bound, best.filled == fill, bound >= best.cost { continue }
                activate(candidate.mask)

                var classes = lots.map { LotClass(lot: $0) }
                for index in usable where active[index] {
                    classes[classOf[index]].add(
                        curve: curves[index], index: index,
                        start: curves[index].isConvexFromZero ? 0 : curves[index].low)
                }
                var order: [(lotClass: Int, run: Int)] = []
                order.reserveCapacity(runs.count)
                for run in runs where active[run.owner] {
                    let lotClass = classOf[run.owner]
                    order.append((lotClass, classes[lotClass].runs.count))
                    classes[lotClass].append(run)
                }
                let occupied = classes.indices.filter { !classes[$0].members.isEmpty }
                var solution: (filled: Int64, cost: Int128, lots: [Int64])?
                if occupied.count == 1 {
                    let only = classes[occupied[0]]
                    let steps = min(only.capacity, (quantity - only.base) / only.lot)
                    var lots = [Int64](repeating: 0, count: classes.count)
                    lots[occupied[0]] = steps
                    solution = (only.base + steps * only.lot, only.cost(lots: steps), lots)
                } else if !occupied.isEmpty {
                    solution = try LatticeProgramme(classes: classes, order: order, quantity: quantity).solve()
                }
                guard let solution else { continue }
                if let best,
                    solution.filled < best.filled
                        || (solution.filled == best.filled && solution.cost >= best.cost)
                {
                    continue
                }
                var quantities = [Int64](repeating: 0, count: curves.count)
                for (lotClass, lots) in zip(classes, solution.lots) where !lotClass.members.isEmpty {
                    lotClass.addQuantities(lots: lots, into: &quantities)
                }
                best = (solution.filled, solution.cost, quantities)
            }
        }
        return best?.quantities ?? [Int64](repeating: 0, count: curves.count)
    }

    /// Merges two run lists each in per-unit cost order; on ties `left` comes first.
    static func mergeByUnitCost(_ left: [CostRun], _ right: [CostRun]) -> [CostRun] {
        if left.isEmpty { return right }
        var merged: [CostRun] = []
        merged.reserveCapacity(left.count + right.count)
        var leftIndex = 0
        var rightIndex = 0
        while leftIndex < left.count && rightIndex < right.count {
            let a = left[leftIndex]
            let b = right[rightIndex]
            if compareRatio(b.marginal, Int128(b.lot), a.marginal, Int128(a.lot)) < 0 {
                merged.append(b)
                rightIndex += 1
            } else {
                merged.append(a)
                leftIndex += 1
            }
        }
        merged.append(contentsOf: left[leftIndex...])
        merged.append(contentsOf: right[rightIndex...])
        return merged
    }

    /// The continuous optimum's cost of `amount` raw units over the active runs (already in
    /// per-unit order), the last run taken fractionally and rounded down: a lower bound.
    static func continuousCost(_ runs: [CostRun], active: [Bool], amount: Int64) -> Int128 {
        var bound: Int128 = 0
        var remaining = amount
        for run in runs where active[run.owner] {
            if remaining <= 0 { break }
            let units = run.count * run.lot
            if units <= remaining {
                bound += run.marginal * Int128(run.count)
                remaining -= units
            } else {
                let product = run.marginal * Int128(remaining)
                let divisor = Int128(run.lot)
                var quotient = product / divisor
                if product % divisor != 0 && product < 0 { quotient -= 1 }
                bound += quotient
                remaining = 0
            }
        }
        return bound
    }

    // MARK: Baselines

    /// Everything to the one venue with the largest fill, then the best all-in cost.
    static func bestSingleQuantities(_ curves: [VenueCurve]) -> [Int64] {
        var best: (index: Int, filled: Int64, cost: Int128)?
        for (index, curve) in curves.enumerated() where curve.isUsable {
            let cost = curve.cost(curve.high)
            if let current = best,
                curve.high < current.filled
                    || (curve.high == current.filled && cost >= current.cost)
            {
                continue
            }
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
            allocations.append(
                Plan.Allocation(
                    venue: curve.venue,
                    quantity: Quantity(rawValue: quantity),
                    averagePrice: Price(
                        rawValue: Int64(roundedQuotient(childNotional, Int128(quantity), rounding: .halfEven)!)),
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
            guard venue.lotSize.isPositive else {
                throw PlanError(field: "\(path).lotSize", reason: "must be greater than zero")
            }
            guard !venue.minNotional.isNegative else {
                throw PlanError(field: "\(path).minNotional", reason: "must not be negative")
            }
            guard !venue.fixedFee.isNegative else {
                throw PlanError(field: "\(path).fixedFee", reason: "must not be negative")
            }
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
                        throw PlanError(
                            field: "\(path).\(sideName)[\(position)][0]", reason: "price must be greater than zero")
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
