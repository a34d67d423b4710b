/// Venues in one plan that share a lot size, merged into one convex cost curve.
///
/// Every member contributes a child of at least its start (zero, or its minimum when it is
/// switched on) plus a number of lots. Because each member's lot costs never decrease, the
/// cheapest way to add `t` lots to the class is to take the `t` cheapest lots over all members
/// in marginal order: the class cost is the base cost plus a prefix of the merged runs, and it
/// is convex in `t`.
struct LotClass: Sendable {
    struct Member: Sendable {
        var curve: Int
        var start: Int64
    }

    /// Raw quantity of one lot.
    let lot: Int64
    var members: [Member] = []
    /// Sum of the members' starts (raw quantity).
    var base: Int64 = 0
    /// Cost of the starts, fixed fees included (24 decimals, signed).
    var baseCost: Int128 = 0
    /// Every member's lot runs, merged in marginal order.
    var runs: [CostRun] = []
    /// Total lots available above the base.
    var capacity: Int64 = 0

    init(lot: Int64) { self.lot = lot }

    mutating func add(curve: VenueCurve, index: Int, start: Int64, runs memberRuns: [CostRun]) {
        let member = members.count
        members.append(Member(curve: index, start: start))
        base += start
        if start > 0 { baseCost += curve.cost(start) }
        for var run in memberRuns {
            run.member = member
            runs.append(run)
            capacity += run.count
        }
    }

    /// Sorts the merged runs. Stable, so each member's own runs stay in order on ties.
    mutating func seal() {
        if members.count > 1 {
            let indexed = runs.enumerated().sorted {
                $0.element.marginal != $1.element.marginal
                    ? $0.element.marginal < $1.element.marginal : $0.offset < $1.offset
            }
            runs = indexed.map(\.element)
        }
    }

    /// Cost of the base plus the `lots` cheapest lots.
    /// - Complexity: O(runs).
    func cost(lots: Int64) -> Int128 {
        var total = baseCost
        var remaining = lots
        for run in runs where remaining > 0 {
            let taken = min(run.count, remaining)
            total += run.marginal * Int128(taken)
            remaining -= taken
        }
        return total
    }

    /// Each member's child quantity (raw) when the class holds `lots` lots above its base.
    func quantities(lots: Int64) -> [(curve: Int, quantity: Int64)] {
        var quantity = members.map(\.start)
        var remaining = lots
        for run in runs where remaining > 0 {
            let taken = min(run.count, remaining)
            quantity[run.member] += taken * lot
            remaining -= taken
        }
        return members.indices.map { (members[$0].curve, quantity[$0]) }
    }
}
