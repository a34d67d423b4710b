import ATSDomain
import ATSPlanning
import Testing

/// The planner against an exhaustive search on thousands of seeded random books.
@Suite struct PlannerRandomTests {
    /// A random snapshot and order, small enough to search exhaustively.
    static func randomCase(_ random: inout SplitMix64, maximumSize: Int, lots: [Int64]) throws -> (
        PlanSnapshot, PlanOrder
    ) {
        let venueCount = 1 + random.below(4)
        var venues: [PlanVenue] = []
        for index in 0..<venueCount {
            let lot = lots[random.below(lots.count)]
            let minimumLots = random.below(4) == 0 ? Int64(1 + random.below(3)) : 1
            // Sometimes a minimum that is not a lot multiple.
            let minimum = random.below(5) == 0 ? lot * minimumLots + lot / 2 : lot * minimumLots
            func levels(descending: Bool) throws -> [PlanLevel] {
                (0..<(1 + random.below(4))).map { _ in
                    let ticks = Int64(random.below(12))
                    let price = 1_000_000_000 + (descending ? -ticks : ticks) * 1_000_000  // 10.00 ± 0.01·ticks
                    let size = Int64(1 + random.below(maximumSize)) * 50_000_000  // multiples of 0.5
                    return PlanLevel(price: Price(rawValue: price), quantity: Quantity(rawValue: size))
                }
            }
            venues.append(
                PlanVenue(
                    venue: try VenueID("v\(index)"),
                    lotSize: Quantity(rawValue: lot),
                    minQuantity: Quantity(rawValue: minimum),
                    minNotional: random.below(4) == 0 ? Money(rawValue: Int64(random.below(80)) * 100_000_000) : .zero,
                    takerFee: BasisPoints(rawValue: Int64(random.below(6)) * 2_500_000_000),  // 0, 25, … 125 bp
                    fixedFee: random.below(3) == 0 ? Money(rawValue: Int64(random.below(30)) * 10_000_000) : .zero,
                    bids: try levels(descending: true), asks: try levels(descending: false)
                ))
        }
        let side: Side = random.below(2) == 0 ? .buy : .sell
        let quantity = Quantity(rawValue: Int64(1 + random.below(maximumSize * 3)) * 50_000_000)
        var limit: Price?
        if random.below(2) == 0 {
            limit = Price(rawValue: 1_000_000_000 + Int64(random.below(13) - 6) * 1_000_000)
        }
        return (PlanSnapshot(symbol: nil, venues: venues), PlanOrder(side: side, quantity: quantity, limitPrice: limit))
    }

    /// The optimum by dynamic programming over every total quantity (in half units) and every
    /// valid child per venue: exact and independent of the planner's method.
    static func exhaustiveOptimum(_ snapshot: PlanSnapshot, _ order: PlanOrder) -> (filled: Int64, cost: Int128) {
        let half: Int64 = 50_000_000
        let totals = Int(order.quantity.rawValue / half)
        let none = Int128.max
        var best = [Int128](repeating: none, count: totals + 1)
        best[0] = 0
        for venue in snapshot.venues {
            var options: [(units: Int, cost: Int128)] = []
            var quantity = venue.lotSize.rawValue
            while quantity <= order.quantity.rawValue {
                let (notional, shortfall) = ReferencePricing.notional(of: quantity, at: venue, order: order)
                if shortfall > 0 { break }
                if quantity >= venue.minQuantity.rawValue
                    && notional >= Int128(venue.minNotional.rawValue) * 100_000_000
                {
                    let fee =
                        notional * Int128(venue.takerFee.rawValue) / 10_000
                        + Int128(venue.fixedFee.rawValue) * 10_000_000_000_000_000
                    let signed = order.side == .buy ? notional * 100_000_000 + fee : -(notional * 100_000_000 - fee)
                    options.append((Int(quantity / half), signed))
                }
                quantity += venue.lotSize.rawValue
            }
            var next = best
            for total in 0...totals where best[total] != none {
                for option in options where total + option.units <= totals {
                    let value = best[total] + option.cost
                    if value < next[total + option.units] { next[total + option.units] = value }
                }
            }
            best = next
        }
        let filled = best.lastIndex { $0 != none }!
        return (Int64(filled) * half, best[filled])
    }

    static func check(seed: UInt64, cases: Int, maximumSize: Int, lots: [Int64]) throws -> Int {
        var random = SplitMix64(seed: seed)
        var failures = 0
        for caseNumber in 0..<cases {
            let (snapshot, order) = try randomCase(&random, maximumSize: maximumSize, lots: lots)
            let plan = try Planner.plan(order, on: snapshot)
            let evaluation = try ReferencePricing.evaluate(plan: plan, order: order, snapshot: snapshot)
            let optimum = exhaustiveOptimum(snapshot, order)
            let signedCost = order.side == .buy ? plan.allInCost.rawValue : -plan.allInCost.rawValue
            let ok =
                evaluation.valid && evaluation.allInCost == plan.allInCost
                && plan.filledQuantity.rawValue == optimum.filled && signedCost == optimum.cost
            if !ok {
                failures += 1
                if failures <= 3 {
                    Issue.record(
                        """
                        case \(caseNumber): filled \(plan.filledQuantity) cost \(signedCost) \
                        against \(Quantity(rawValue: optimum.filled)) \(optimum.cost); \(evaluation.problems) \
                        \(order) \(snapshot)
                        """)
                }
            }
        }
        return failures
    }

    @Test func smallBooksMatchExhaustiveSearch() throws {
        // Lots 0.5, 1, 1.5, 2, 2.5: one lot class or several, with minimums and fixed fees.
        let failures = try Self.check(
            seed: 0x5EED_0001, cases: 3_000, maximumSize: 12,
            lots: [50_000_000, 100_000_000, 150_000_000, 200_000_000, 250_000_000])
        #expect(failures == 0)
    }

    @Test func deeperBooksWithUnrelatedLotsMatchExhaustiveSearch() throws {
        // Larger quantities against lots 0.5, 2, 3 and 5, so that the proximity window is narrower
        // than the book and actually cuts.
        let failures = try Self.check(
            seed: 0x5EED_0002, cases: 400, maximumSize: 80,
            lots: [50_000_000, 200_000_000, 300_000_000, 500_000_000])
        #expect(failures == 0)
    }

    @Test func strategiesStayValidAndNeverBeatTheOptimum() throws {
        var random = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<1_000 {
            let (snapshot, order) = try Self.randomCase(
                &random, maximumSize: 12, lots: [50_000_000, 100_000_000, 200_000_000])
            let optimal = try Planner.plan(order, on: snapshot)
            for strategy in [PlanStrategy.bestSingle, .proRata] {
                var other = order
                other.strategy = strategy
                let plan = try Planner.plan(other, on: snapshot)
                let evaluation = try ReferencePricing.evaluate(plan: plan, order: other, snapshot: snapshot)
                #expect(evaluation.valid, "\(strategy): \(evaluation.problems)")
                #expect(plan.filledQuantity <= optimal.filledQuantity)
                if plan.filledQuantity == optimal.filledQuantity {
                    if order.side == .buy {
                        #expect(plan.allInCost >= optimal.allInCost)
                    } else {
                        #expect(plan.allInCost <= optimal.allInCost)
                    }
                }
                if strategy == .bestSingle { #expect(plan.allocations.count <= 1) }
            }
        }
    }
}
