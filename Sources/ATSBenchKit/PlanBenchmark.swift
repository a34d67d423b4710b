import ATSDomain
import ATSPlanning

/// Seeded planning problems and their timing, for `ats-bench plan`.
public enum PlanBenchmark {
    /// The venues' trading terms a generated snapshot uses.
    public enum Profile: String, Sendable, CaseIterable {
        /// Eight venues with lots 0.5, 1, 5 and 25, four with a fixed fee or a minimum above one
        /// lot: four lot classes and 16 on/off combinations, the hard case.
        case mixed
        /// Eight venues with lot 1; two charge a fixed fee: one lot class, 4 combinations.
        case uniform
    }

    struct Terms {
        var lot: Int64
        var minimum: Int64
        var minimumNotional: Int64
        var feeBps: Int64
        var fixedFee: Int64
    }

    static func terms(_ profile: Profile) -> [Terms] {
        let unit = Quantity.unit
        switch profile {
        case .mixed:
            return [
                Terms(lot: unit, minimum: unit, minimumNotional: 0, feeBps: 50, fixedFee: 0),
                Terms(lot: unit, minimum: unit, minimumNotional: 0, feeBps: 10, fixedFee: 0),
                Terms(lot: unit, minimum: 10 * unit, minimumNotional: 500 * unit, feeBps: 25, fixedFee: 5 * unit),
                Terms(lot: 25 * unit, minimum: 50 * unit, minimumNotional: 0, feeBps: 0, fixedFee: 75 * unit),
                Terms(lot: unit, minimum: unit, minimumNotional: 0, feeBps: 10, fixedFee: 0),
                Terms(lot: 5 * unit, minimum: 5 * unit, minimumNotional: 2_500 * unit, feeBps: 25, fixedFee: 12 * unit),
                Terms(lot: unit, minimum: unit, minimumNotional: 0, feeBps: 10, fixedFee: 25 * unit),
                Terms(lot: unit / 2, minimum: unit / 2, minimumNotional: 0, feeBps: 15, fixedFee: 0),
            ]
        case .uniform:
            return (0..<8).map { index in
                Terms(
                    lot: unit, minimum: unit, minimumNotional: 0, feeBps: Int64(index * 7 % 30),
                    fixedFee: index % 4 == 3 ? 10 * unit : 0)
            }
        }
    }

    /// `count` seeded problems of `venues` venues with `levels` levels a side.
    public static func makeProblems(
        profile: Profile, count: Int, venues: Int = 8, levels: Int = 20, seed: UInt64 = 42
    ) throws -> [(PlanSnapshot, PlanOrder)] {
        var random = SplitMix64(seed: seed)
        let allTerms = terms(profile)
        var problems: [(PlanSnapshot, PlanOrder)] = []
        for _ in 0..<count {
            let mid = Int64(900 + random.below(200)) * 1_000_000  // 9.00 … 10.99
            var snapshotVenues: [PlanVenue] = []
            var displayed: Int64 = 0
            for index in 0..<venues {
                let terms = allTerms[index % allTerms.count]
                func side(_ direction: Int64) -> [PlanLevel] {
                    var price = mid + direction * Int64(1 + random.below(4)) * 1_000_000
                    return (0..<levels).map { _ in
                        let size =
                            Int64(1 + random.below(40)) * 25 * Quantity.unit / (terms.lot < Quantity.unit ? 2 : 1)
                        let level = PlanLevel(price: Price(rawValue: price), quantity: Quantity(rawValue: size))
                        price += direction * Int64(1 + random.below(3)) * 1_000_000
                        return level
                    }
                }
                let bids = side(-1)
                let asks = side(1)
                displayed += asks.reduce(0) { $0 + $1.quantity.rawValue }
                snapshotVenues.append(
                    PlanVenue(
                        venue: try VenueID("venue\(index)"),
                        lotSize: Quantity(rawValue: terms.lot), minQuantity: Quantity(rawValue: terms.minimum),
                        minNotional: Money(rawValue: terms.minimumNotional),
                        takerFee: try BasisPoints(units: terms.feeBps), fixedFee: Money(rawValue: terms.fixedFee),
                        bids: bids, asks: asks))
            }
            // Orders from a tenth of the displayed size to all of it; half with a limit.
            let fraction = Int64(10 + random.below(91))
            let quantity = displayed * fraction / 100 / Quantity.unit * Quantity.unit
            let side: Side = random.below(2) == 0 ? .buy : .sell
            var limit: Price?
            if random.below(2) == 0 {
                let offset = Int64(5 + random.below(30)) * 1_000_000
                limit = Price(rawValue: side == .buy ? mid + offset : mid - offset)
            }
            problems.append(
                (
                    PlanSnapshot(symbol: nil, venues: snapshotVenues),
                    PlanOrder(side: side, quantity: Quantity(rawValue: max(quantity, Quantity.unit)), limitPrice: limit)
                ))
        }
        return problems
    }

    /// Plans every problem once per round and returns each plan's time in nanoseconds.
    public static func run(_ problems: [(PlanSnapshot, PlanOrder)], rounds: Int) throws -> [Int64] {
        var timings: [Int64] = []
        timings.reserveCapacity(problems.count * rounds)
        let clock = ContinuousClock()
        var checksum: Int64 = 0
        for _ in 0..<rounds {
            for (snapshot, order) in problems {
                let start = clock.now
                let plan = try Planner.plan(order, on: snapshot)
                let elapsed = clock.now - start
                checksum &+= plan.filledQuantity.rawValue
                timings.append(elapsed.nanoseconds)
            }
        }
        precondition(checksum != Int64.min)
        return timings
    }
}
