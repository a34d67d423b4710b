/// Venues in one plan that share a lot size, merged into one convex cost curve.
///
/// Every member contributes a child of at least its start (zero, or its minimum when it is
/// switched on) plus a number of lots. Because each member's lot costs never decrease, the
/// cheapest way to add `t` lots to the class is to take the `t` cheapest lots over all members
/// in marginal order: the class cost is the base cost plus a prefix of the merged runs, and it
/// is convex in `t`.
struct LotClass: Sendable {
    /// Raw quantity of one lot.
    let lot: Int64
    /// Curve index and start (raw) of each member.
    var members: [(curve: Int, start: Int64)] = []
    /// Sum of the members' starts (raw quantity).
    var base: Int64 = 0
    /// Cost of the starts, fixed fees included (24 decimals, signed).
    var baseCost: Int128 = 0
    /// Every member's lot runs in marginal order; `CostRun.owner` is the curve index.
    var runs: [CostRun] = []
    /// Total lots available above the base.
    var capacity: Int64 = 0

    init(lot: Int64) { self.lot = lot }

    /// Adds a member. Its runs are appended separately, in the plan's global marginal order.
    mutating func add(curve: VenueCurve, index: Int, start: Int64) {
        members.append((index, start))
        base += start
        if start > 0 { baseCost += curve.cost(start) }
    }

    mutating func append(_ run: CostRun) {
        runs.append(run)
        capacity += run.count
    }

    /// Cost of the base plus the `lots` cheapest lots.
    /// - Complexity: O(runs).
    func cost(lots: Int64) -> Int128 { costs(lots: lots...lots)[0] }

    /// Adds each member's child quantity (raw) into `quantities` (indexed by curve) when the
    /// class holds `lots` lots above its base.
    func addQuantities(lots: Int64, into quantities: inout [Int64]) {
        for member in members { quantities[member.curve] += member.start }
        var remaining = lots
        for run in runs {
            if remaining == 0 { break }
            let taken = min(run.count, remaining)
            quantities[run.owner] += taken * lot
            remaining -= taken
        }
    }
}

extension LotClass {
    /// The cost at every lot count in `range`, walking the merged runs once.
    /// - Complexity: O(runs + range.count).
    func costs(lots range: ClosedRange<Int64>) -> [Int128] {
        var result: [Int128] = []
        result.reserveCapacity(Int(range.count))
        var total = baseCost
        var runIndex = 0
        var usedInRun: Int64 = 0
        var lots: Int64 = 0
        func advance() {
            while usedInRun == runs[runIndex].count {
                runIndex += 1
                usedInRun = 0
            }
            total += runs[runIndex].marginal
            usedInRun += 1
            lots += 1
        }
        // Skip to the start of the range a whole run at a time.
        while lots < range.lowerBound {
            let left = runs[runIndex].count - usedInRun
            let taken = min(left, range.lowerBound - lots)
            total += runs[runIndex].marginal * Int128(taken)
            usedInRun += taken
            lots += taken
            if usedInRun == runs[runIndex].count && lots < range.lowerBound {
                runIndex += 1
                usedInRun = 0
            }
        }
        result.append(total)
        while lots < range.upperBound {
            advance()
            result.append(total)
        }
        return result
    }
}
