/// The exact allocation across lot classes of different lot sizes.
///
/// Quantities are counted in units of `g`, the gcd of the lot sizes; class `j` moves in steps of
/// `sⱼ = lotⱼ / g` above its base. For a total `T`, let `y(T)` be the continuous optimum (greedy
/// by cost per unit). An exchange argument (docs/routing.md) shows that an optimal solution of
/// total `T` has every `|xⱼ − yⱼ(T)| < Rⱼ = Σ_{u≠j} lcm(sⱼ, sᵤ)`, so a dynamic programme over the
/// summed deviation, each `xⱼ` restricted to that window and the total fixed, is exact. It runs
/// first for the largest continuous fill `T̄`; only if that is not reachable in lots does a
/// bit-set pass find the largest integer fill `T*` (within `Rⱼ + Σ sᵢ` of `y(T̄)`) to run it for.
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
        let setup = Setup(classes: classes, quantity: quantity)
        guard setup.baseSum <= setup.target else { return nil }
        // Rⱼ = Σ_{u≠j} lcm(sⱼ, sᵤ): the exchange bound around a continuous optimum at a given fill.
        let exchange = classes.indices.map { index in
            classes.indices.reduce(Int64(0)) { sum, other in
                other == index
                    ? sum
                    : sum + setup.step[index] / greatestCommonDivisor(setup.step[index], setup.step[other])
                        * setup.step[other]
            }
        }
        let slack = setup.step.reduce(0, +)
        let wide = exchange.map { $0 + slack }
        let largest = wide.dropLast().reduce(0, +)
        let choices = classes.indices.dropLast().reduce(0) { $0 + Int(2 * wide[$1] / setup.step[$1] + 1) }
        let width = Int(2 * largest + 1)
        guard width <= Planner.maximumTableSize,
            (width / 64 + 1).multipliedReportingOverflow(by: max(choices, 1)).partialValue <= Planner.maximumTableSize
        else {
            throw PlanError(
                field: "lotSize",
                reason: "lot sizes \(classes.map { "\($0.lot)" }) are too unrelated for an exact plan")
        }

        // 1. Usually the largest continuous fill T̄ is reachable in lots: then the cheapest
        //    allocation of exactly T̄ lies within Rⱼ of the continuous optimum at T̄, and finding
        //    one there proves T* = T̄. Finding none proves T* < T̄.
        let continuousFill = min(setup.target, setup.high.reduce(0, +))
        if continuousFill == setup.high.reduce(0, +) {
            // Everything available fits: every class at its capacity is the only allocation of that fill.
            let lots = classes.map(\.capacity)
            let cost = classes.reduce(Int128(0)) { $0 + $1.cost(lots: $1.capacity) }
            return (continuousFill * setup.unit, cost, callerOrder(lots))
        }
        let wideCenter = setup.continuousOptimum(fill: continuousFill, order: order)
        if let (cost, lots) = setup.cheapest(total: continuousFill, center: wideCenter, radius: exchange) {
            return (continuousFill * setup.unit, cost, callerOrder(lots))
        }
        // 2. Otherwise the largest integer fill T*: reachable totals within Rⱼ + Σ sᵢ of the
        //    continuous optimum at T̄ (an optimal solution lies there), then the cheapest
        //    allocation of exactly T* within Rⱼ of the continuous optimum at T*.
        guard let fill = setup.largestFill(center: wideCenter, radius: wide) else { return nil }
        let center = setup.continuousOptimum(fill: fill, order: order)
        guard let (cost, lots) = setup.cheapest(total: fill, center: center, radius: exchange) else { return nil }
        return (fill * setup.unit, cost, callerOrder(lots))
    }

    /// Lots per class in the caller's class order.
    func callerOrder(_ lots: [Int64]) -> [Int64] {
        var callerLots = [Int64](repeating: 0, count: callerCount)
        for (position, index) in permutation.enumerated() { callerLots[index] = lots[position] }
        return callerLots
    }

    /// The classes in units of the gcd of their lots.
    struct Setup {
        let classes: [LotClass]
        let unit: Int64
        let step: [Int64]
        let base: [Int64]
        let high: [Int64]
        let target: Int64
        let baseSum: Int64

        init(classes: [LotClass], quantity: Int64) {
            self.classes = classes
            let unit = classes.reduce(Int64(0)) { greatestCommonDivisor($0, $1.lot) }
            let step = classes.map { $0.lot / unit }
            let base = classes.map { $0.base / unit }
            self.unit = unit
            self.step = step
            self.base = base
            high = classes.indices.map { base[$0] + classes[$0].capacity * step[$0] }
            target = quantity / unit
            baseSum = base.reduce(0, +)
        }

        /// The continuous optimum at `fill` units: cheapest quantity first, from the bases.
        func continuousOptimum(fill: Int64, order: [(lotClass: Int, run: Int)]) -> [Int64] {
            var center = base
            var remaining = fill - baseSum
            for entry in order {
                if remaining <= 0 { break }
                let units = min(classes[entry.lotClass].runs[entry.run].count * step[entry.lotClass], remaining)
                center[entry.lotClass] += units
                remaining -= units
            }
            return center
        }

        /// Each class's lot counts within `radius` of `center`, clipped to its bounds.
        func window(_ index: Int, center: [Int64], radius: [Int64]) -> ClosedRange<Int64>? {
            let low = max(
                Int64(0),
                (max(base[index], center[index] - radius[index]) - base[index] + step[index] - 1) / step[index])
            let high = min(
                classes[index].capacity,
                (min(self.high[index], center[index] + radius[index]) - base[index]) / step[index])
            return low <= high ? low...high : nil
        }

        /// The largest total (units) at most `target` that lot counts within the windows reach:
        /// a reachability pass over the summed deviation, as bit sets.
        func largestFill(center: [Int64], radius: [Int64]) -> Int64? {
            let count = classes.count
            let origin = Int(radius.dropLast().reduce(0, +))
            let words = (2 * origin + 1) / 64 + 1
            var reach = [UInt64](repeating: 0, count: words)
            reach[origin / 64] = 1 << UInt64(origin % 64)
            for index in 0..<(count - 1) {
                guard let window = window(index, center: center, radius: radius) else { return nil }
                var next = [UInt64](repeating: 0, count: words)
                let occupied = (reach.firstIndex { $0 != 0 } ?? 0)...(reach.lastIndex { $0 != 0 } ?? 0)
                for lots in window {
                    orShifted(
                        reach, words: occupied, by: Int(base[index] + lots * step[index] - center[index]), into: &next)
                }
                reach = next
            }
            let last = count - 1
            guard let lastWindow = window(last, center: center, radius: radius) else { return nil }
            let centersBefore = center.dropLast().reduce(0, +)
            var best: Int64?
            for (wordIndex, word) in reach.enumerated() where word != 0 {
                var bits = word
                while bits != 0 {
                    let state = wordIndex * 64 + bits.trailingZeroBitCount
                    bits &= bits - 1
                    let placed = centersBefore + Int64(state - origin)
                    let room = target - placed - base[last]
                    guard room >= 0 else { continue }
                    let lots = min(lastWindow.upperBound, room / step[last])
                    guard lots >= lastWindow.lowerBound else { continue }
                    let total = placed + base[last] + lots * step[last]
                    if best.map({ total > $0 }) ?? true { best = total }
                }
            }
            return best
        }

        /// The least cost (and lots per class) of exactly `total` units, each class within
        /// `radius` of `center`: a dynamic programme over the summed deviation.
        func cheapest(total: Int64, center: [Int64], radius: [Int64]) -> (Int128, [Int64])? {
            let count = classes.count
            let origin = radius.dropLast().reduce(0, +)
            let width = Int(2 * origin + 1)
            let unreachable = Int128.max
            var table = [Int128](repeating: unreachable, count: width)
            table[Int(origin)] = 0
            var choice = [[Int64]](repeating: [], count: count - 1)
            var lowState = origin
            var highState = origin
            for index in 0..<(count - 1) {
                guard let window = window(index, center: center, radius: radius) else { return nil }
                let costs = classes[index].costs(lots: window)
                var next = [Int128](repeating: unreachable, count: width)
                var picked = [Int64](repeating: -1, count: width)
                let firstDeviation = Int(base[index] + window.lowerBound * step[index] - center[index])
                let stride = Int(step[index])
                let firstLots = window.lowerBound
                // The inner loop is the planner's hot spot: unchecked buffers, in range by construction.
                table.withUnsafeBufferPointer { table in
                    next.withUnsafeMutableBufferPointer { next in
                        picked.withUnsafeMutableBufferPointer { picked in
                            costs.withUnsafeBufferPointer { costs in
                                for state in Int(lowState)...Int(highState) where table[state] != unreachable {
                                    let before = table[state]
                                    var target = state + firstDeviation
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
            // The last class takes exactly what completes the total.
            let last = count - 1
            guard let lastWindow = window(last, center: center, radius: radius) else { return nil }
            let lastCosts = classes[last].costs(lots: lastWindow)
            let centersBefore = center.dropLast().reduce(0, +)
            var best: (cost: Int128, state: Int64, lots: Int64)?
            for state in lowState...highState where table[Int(state)] != unreachable {
                let rest = total - (centersBefore + state - origin) - base[last]
                guard rest >= 0, rest % step[last] == 0 else { continue }
                let lots = rest / step[last]
                guard lastWindow.contains(lots) else { continue }
                let cost = table[Int(state)] + lastCosts[Int(lots - lastWindow.lowerBound)]
                if let current = best, cost >= current.cost { continue }
                best = (cost, state, lots)
            }
            guard let best else { return nil }
            var lots = [Int64](repeating: 0, count: count)
            lots[last] = best.lots
            var state = best.state
            for index in stride(from: count - 2, through: 0, by: -1) {
                let picked = choice[index][Int(state)]
                lots[index] = picked
                state -= base[index] + picked * step[index] - center[index]
            }
            return (best.cost, lots)
        }
    }
}

/// `result |= bits shifted by shift positions` (towards higher indices when positive), reading
/// only the words in `occupied` (the others are zero).
func orShifted(_ bits: [UInt64], words occupied: ClosedRange<Int>, by shift: Int, into result: inout [UInt64]) {
    let words = bits.count
    let wordShift = shift >= 0 ? shift / 64 : -((-shift + 63) / 64)
    let bitShift = shift - wordShift * 64  // 0..<64
    for index in occupied where bits[index] != 0 {
        let word = bits[index]
        let low = index + wordShift
        if low >= 0 && low < words { result[low] |= word << UInt64(bitShift) }
        if bitShift != 0 {
            let high = low + 1
            if high >= 0 && high < words { result[high] |= word >> UInt64(64 - bitShift) }
        }
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
