/// The exact allocation across lot classes of different lot sizes.
///
/// Quantities are counted in units of `g`, the gcd of the lot sizes; class `j` moves in steps of
/// `sⱼ = lotⱼ / g` above its base. Let `y` be the continuous optimum for the largest continuous
/// fill `T̄` (greedy by cost per unit). An exchange argument (docs/routing.md) shows that some
/// optimal integer solution has every `|xⱼ − yⱼ| < B = (m − 1)·D + Σ sⱼ` where `D` is the
/// largest lcm of two steps, so a dynamic programme over the summed deviation, `xⱼ` restricted
/// to that window, is exact. Coarse classes go first; the finest class is last and is set
/// directly to the largest quantity that fits, because fill comes before cost.
struct LatticeProgramme {
    let classes: [LotClass]
    /// Every run of every class, cheapest per unit of quantity first, as (class, run) positions.
    let order: [(lotClass: Int, run: Int)]
    let quantity: Int64
    /// `classes[i]` is the caller's class `permutation[i]`.
    let permutation: [Int]
    /// How many classes the caller passed.
    let callerCount: Int

    /// - Parameters:
    ///   - classes: the lot classes; empty ones are ignored.
    ///   - order: their runs, cheapest per unit first, indexing `classes`.
    init(classes: [LotClass], order: [(lotClass: Int, run: Int)], quantity: Int64) {
        // Coarsest first, finest last.
        permutation = classes.indices.filter { !classes[$0].members.isEmpty }
            .sorted { classes[$0].lot > classes[$1].lot }
        self.classes = permutation.map { classes[$0] }
        var position = [Int](repeating: -1, count: classes.count)
        for (index, original) in permutation.enumerated() { position[original] = index }
        self.order = order.map { (position[$0.lotClass], $0.run) }
        self.quantity = quantity
        callerCount = classes.count
    }

    func solve() throws(PlanError) -> (filled: Int64, cost: Int128, lots: [Int64])? {
        let count = classes.count
        let unit = classes.reduce(Int64(0)) { greatestCommonDivisor($0, $1.lot) }
        let step = classes.map { $0.lot / unit }
        let base = classes.map { $0.base / unit }
        let high = classes.indices.map { base[$0] + classes[$0].capacity * step[$0] }
        let target = quantity / unit
        let baseSum = base.reduce(0, +)
        guard baseSum <= target else { return nil }

        // The continuous optimum for the largest continuous fill, by cost per unit.
        let continuousFill = min(target, high.reduce(0, +))
        var center = base
        var remaining = continuousFill - baseSum
        for entry in order {
            if remaining == 0 { break }
            let units = min(classes[entry.lotClass].runs[entry.run].count * step[entry.lotClass], remaining)
            center[entry.lotClass] += units
            remaining -= units
        }

        // The proximity window of each class: |xⱼ − centerⱼ| < Σ_{u≠j} lcm(sⱼ, sᵤ) + Σ sᵢ.
        let slack = step.reduce(0, +)
        let radius = classes.indices.map { index in
            classes.indices.reduce(slack) { sum, other in
                other == index ? sum : sum + step[index] / greatestCommonDivisor(step[index], step[other]) * step[other]
            }
        }
        let origin = radius.dropLast().reduce(0, +)
        let width = Int(2 * origin + 1)
        let choicesPerState = classes.indices.dropLast().reduce(0) { $0 + Int(2 * radius[$1] / step[$1] + 1) }
        guard width <= Planner.maximumTableSize,
              width.multipliedReportingOverflow(by: max(choicesPerState, 1)).partialValue <= Planner.maximumTableSize
        else {
            throw PlanError(field: "lotSize",
                            reason: "lot sizes \(classes.map { "\($0.lot)" }) are too unrelated for an exact plan")
        }
        let windowLow = classes.indices.map { index in
            max(Int64(0), (max(base[index], center[index] - radius[index]) - base[index] + step[index] - 1) / step[index])
        }
        let windowHigh = classes.indices.map { index in
            min(classes[index].capacity, (min(high[index], center[index] + radius[index]) - base[index]) / step[index])
        }

        // States: the summed deviation Σ (xⱼ − centerⱼ) of the classes placed so far, offset by `origin`.
        let unreachable = Int128.max
        var table = [Int128](repeating: unreachable, count: width)
        table[Int(origin)] = 0
        var choice = [[Int64]](repeating: [], count: count - 1)
        var lowState = origin
        var highState = origin
        for index in 0..<(count - 1) {
            guard windowLow[index] <= windowHigh[index] else { return nil }
            let costs = classes[index].costs(lots: windowLow[index]...windowHigh[index])
            var next = [Int128](repeating: unreachable, count: width)
            var picked = [Int64](repeating: -1, count: width)
            let firstDeviation = base[index] + windowLow[index] * step[index] - center[index]
            let stride = Int(step[index])
            let firstLots = windowLow[index]
            // The inner loop is the planner's hot spot: unchecked buffers, the window is in range by construction.
            table.withUnsafeBufferPointer { table in
                next.withUnsafeMutableBufferPointer { next in
                    picked.withUnsafeMutableBufferPointer { picked in
                        costs.withUnsafeBufferPointer { costs in
                            for state in Int(lowState)...Int(highState) where table[state] != unreachable {
                                let before = table[state]
                                var target = state + Int(firstDeviation)
                                for offset in 0..<costs.count {
                                    let value = before + costs[offset]
                                    if value < next[target] {
                                        next[target] = value
                                        picked[target] = firstLots + Int64(offset)
                                    }
                                    target += stride
                                }
                            }
                        }
                    }
                }
            }
            lowState -= radius[index]
            highState += radius[index]
            table = next
            choice[index] = picked
        }

        // The finest class takes the most that fits for each state.
        let last = count - 1
        guard windowLow[last] <= windowHigh[last] else { return nil }
        let lastCosts = classes[last].costs(lots: windowLow[last]...windowHigh[last])
        let centersBefore = center.dropLast().reduce(0, +)
        var best: (filled: Int64, cost: Int128, state: Int64, lots: Int64)?
        for state in lowState...highState where table[Int(state)] != unreachable {
            let placed = centersBefore + state - origin
            let room = target - placed - base[last]
            guard room >= 0 else { continue }
            let lots = min(windowHigh[last], room / step[last])
            guard lots >= windowLow[last] else { continue }
            let filled = placed + base[last] + lots * step[last]
            let cost = table[Int(state)] + lastCosts[Int(lots - windowLow[last])]
            if let current = best, filled < current.filled || (filled == current.filled && cost >= current.cost) {
                continue
            }
            best = (filled, cost, state, lots)
        }
        guard let best else { return nil }

        // Walk the choices back.
        var lots = [Int64](repeating: 0, count: count)
        lots[last] = best.lots
        var state = best.state
        for index in stride(from: count - 2, through: 0, by: -1) {
            let picked = choice[index][Int(state)]
            lots[index] = picked
            state -= base[index] + picked * step[index] - center[index]
        }
        // Report lots in the caller's class order.
        var callerLots = [Int64](repeating: 0, count: callerCount)
        for (position, index) in permutation.enumerated() { callerLots[index] = lots[position] }
        return (best.filled * unit, best.cost, callerLots)
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

func greatestCommonDivisor(_ a: Int64, _ b: Int64) -> Int64 {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}

/// The sign of `a/s − b/t` for `s, t > 0`, exactly.
@inline(__always)
func compareRatio(_ a: Int128, _ s: Int128, _ b: Int128, _ t: Int128) -> Int {
    if s == t { return a == b ? 0 : (a < b ? -1 : 1) }
    let (left, leftOverflow) = a.multipliedReportingOverflow(by: t)
    let (right, rightOverflow) = b.multipliedReportingOverflow(by: s)
    if !leftOverflow && !rightOverflow { return left == right ? 0 : (left < right ? -1 : 1) }
    return compareRatioByDivision(a, s, b, t)
}

func compareRatioByDivision(_ a: Int128, _ s: Int128, _ b: Int128, _ t: Int128) -> Int {
    func floorDivision(_ value: Int128, _ divisor: Int128) -> (Int128, Int128) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
    let (leftQuotient, leftRemainder) = floorDivision(a, s)
    let (rightQuotient, rightRemainder) = floorDivision(b, t)
    if leftQuotient != rightQuotient { return leftQuotient < rightQuotient ? -1 : 1 }
    let left = leftRemainder * t
    let right = rightRemainder * s
    return left == right ? 0 : (left < right ? -1 : 1)
}
