import ATSDomain
import ATSPlanning
import ATSStorage
import Testing

@testable import ATSAnalytics
@testable import ATSRouter

func p(_ text: String) -> Price { try! Price(text) }
func q(_ text: String) -> Quantity { try! Quantity(text) }
func m(_ text: String) -> Money { try! Money(text) }
func venue(_ id: String) -> VenueID { try! VenueID(id) }

func planVenue(_ id: String, fee: String = "0", bids: [(String, String)] = [], asks: [(String, String)]) -> PlanVenue {
    PlanVenue(
        venue: venue(id), lotSize: q("1"), minQuantity: q("1"), minNotional: .zero, takerFee: try! BasisPoints(fee),
        fixedFee: .zero,
        bids: bids.map { PlanLevel(price: p($0.0), quantity: q($0.1)) },
        asks: asks.map { PlanLevel(price: p($0.0), quantity: q($0.1)) })
}

/// Each figure on a case computed by hand (the arithmetic is in the comments).
@Suite struct MetricTests {
    let snapshot = PlanSnapshot(
        symbol: try! Symbol("ACME"),
        venues: [
            planVenue("a", bids: [("10.00", "100"), ("9.99", "50")], asks: [("10.05", "100")]),
            planVenue("b", bids: [("10.01", "30")], asks: [("10.04", "20"), ("10.06", "80")]),
        ])

    @Test func arrivalQuoteIsTheBestBidAndOfferAcrossVenuesAndTheirExactMid() {
        let quote = ArrivalQuote(snapshot)
        #expect(quote.bid == p("10.01") && quote.ask == p("10.04"))
        // (10.01 + 10.04) / 2 = 10.025
        #expect(quote.mid?.decimal(9) == "10.025000000")
        #expect(ArrivalQuote(bid: nil, ask: p("1")).mid == nil)
    }

    @Test func slippageIsInBasisPointsOfTheArrivalMidPositiveWhenWorse() {
        let mid = ArrivalQuote(bid: p("10.01"), ask: p("10.04")).mid!
        // buy at 10.07444444: (10.07444444 − 10.025) / 10.025 × 10⁴ = 0.04944444 / 10.025 × 10⁴ = 49.3211...
        #expect(Slippage.bps(side: .buy, average: p("10.07444444"), arrivalMid: mid).basisPoints == "49.32")
        // sell at 9.955 against a mid of 10: (10 − 9.955) / 10 × 10⁴ = 45
        let ten = ArrivalQuote(bid: p("9.99"), ask: p("10.01")).mid!
        #expect(Slippage.bps(side: .sell, average: p("9.955"), arrivalMid: ten).basisPoints == "45.00")
        // a buy below the mid is negative: (9.995 − 10) / 10 × 10⁴ = −5
        #expect(Slippage.bps(side: .buy, average: p("9.995"), arrivalMid: ten).basisPoints == "-5.00")
    }

    @Test func fillRateAndAllInCost() {
        #expect(FillRate.of(filled: q("7"), ordered: q("8"))?.percent == "87.50")
        #expect(FillRate.of(filled: q("0"), ordered: q("0")) == nil)
        // buy: 100.00 notional + 0.50 fee; sell: 100.00 − 0.50
        #expect(AllInCost.of(side: .buy, notional: ExactAmount(m("100")), fees: m("0.5")).description == "100.5")
        #expect(AllInCost.of(side: .sell, notional: ExactAmount(m("100")), fees: m("0.5")).description == "99.5")
        #expect(AllInCost.perUnit(ExactAmount(m("100.5")), quantity: q("10")) == p("10.05"))
    }

    @Test func fragmentationBenefitComparesWithTheBestSingleVenueOnTheSameSnapshot() {
        // A: 100 @ 10.00, 100 @ 10.10; B: 100 @ 10.02. Best single for 200: A, 2020.00 → 10.05 a unit
        // (B fills only 100). Routing took 100 @ 10.00 at A and 100 @ 10.02 at B: 2002.00 → 10.01.
        let book = PlanSnapshot(
            symbol: nil,
            venues: [
                planVenue("a", asks: [("10.00", "100"), ("10.10", "100")]),
                planVenue("b", asks: [("10.02", "100")]),
            ])
        let benefit = FragmentationBenefit(
            side: .buy, order: PlanOrder(side: .buy, quantity: q("200")), snapshot: book,
            filled: q("200"), allIn: ExactAmount(m("2002")))
        #expect(benefit.bestSingleVenue == venue("a") && benefit.bestSingleQuantity == q("200"))
        #expect(benefit.bestSingleAllInPrice == p("10.05") && benefit.routedAllInPrice == p("10.01"))
        // 0.04 a unit × 200 = 8.00; 0.04 / 10.05 × 10⁴ = 39.80 bp
        #expect(benefit.perUnit == m("0.04") && benefit.amount == m("8"))
        #expect(benefit.bps?.basisPoints == "39.80")
        #expect(benefit.extraQuantity == .zero)
        // 300 wanted: no single venue has 300; routing filled 300 (all three levels): 100 units more than A could.
        let more = FragmentationBenefit(
            side: .buy, order: PlanOrder(side: .buy, quantity: q("300")), snapshot: book,
            filled: q("300"), allIn: ExactAmount(m("3012")))
        #expect(more.bestSingleQuantity == q("200") && more.extraQuantity == q("100"))
        // 10.05 − 10.04 = 0.01 a unit on the 200 both filled
        #expect(more.amount == m("2"))
    }

    @Test func orderTypesAreJudgedAgainstTheArrivalQuote() {
        let quote = ArrivalQuote(bid: p("10.01"), ask: p("10.04"))
        #expect(OrderTypeClass.classify(side: .buy, limit: nil, quote: quote) == .market)
        #expect(OrderTypeClass.classify(side: .buy, limit: p("10.04"), quote: quote) == .marketableLimit)
        #expect(OrderTypeClass.classify(side: .buy, limit: p("10.03"), quote: quote) == .nonMarketableLimit)
        #expect(OrderTypeClass.classify(side: .sell, limit: p("10.01"), quote: quote) == .marketableLimit)
        #expect(OrderTypeClass.classify(side: .sell, limit: p("10.02"), quote: quote) == .nonMarketableLimit)
        #expect(OrderTypeClass.classify(side: .buy, limit: p("10"), quote: nil) == .other)
    }

    @Test func sizeAndSpeedBuckets() {
        #expect(
            SizeBucket.of(q("99")) == .under100 && SizeBucket.of(q("100")) == .from100
                && SizeBucket.of(q("499.5")) == .from100)
        #expect(SizeBucket.of(q("2000")) == .from2000 && SizeBucket.of(q("5000")) == .from5000)
        #expect(SpeedBucket.of(milliseconds: 9_999) == .under10s && SpeedBucket.of(milliseconds: 10_000) == .from10s)
        #expect(
            SpeedBucket.of(milliseconds: 299_999) == .from60s && SpeedBucket.of(milliseconds: 1_800_000) == .over30m)
    }

    @Test func effectiveSpreadAndPriceImprovement() {
        let quote = ArrivalQuote(bid: p("10.01"), ask: p("10.04"))
        // buy at the ask: 2 × 10.04 − 10.01 − 10.04 = 0.03 (the quoted spread); sell at the bid: the same
        #expect(EffectiveSpread.of(side: .buy, price: p("10.04"), quote: quote) == m("0.03"))
        #expect(EffectiveSpread.of(side: .sell, price: p("10.01"), quote: quote) == m("0.03"))
        // buy at 10.02, below the mid 10.025: 20.04 − 20.05 = −0.01
        #expect(EffectiveSpread.of(side: .buy, price: p("10.02"), quote: quote) == m("-0.01"))
        // improvement: a buy at 10.03 against an ask of 10.04 is 0.01 better; at the ask, none
        #expect(PriceImprovement.perUnit(side: .buy, price: p("10.03"), quote: quote) == m("0.01"))
        #expect(PriceImprovement.perUnit(side: .buy, price: p("10.04"), quote: quote) == nil)
        #expect(PriceImprovement.perUnit(side: .sell, price: p("10.02"), quote: quote) == m("0.01"))
    }

    @Test func latencyPercentilesRatiosAndTimes() {
        let events = [
            EventRecord(parentId: 1, childKey: "c1", kind: "child_created", detail: "", at: 1_000_000_000),
            EventRecord(parentId: 1, childKey: "c1", kind: "child_status", detail: "", at: 1_007_000_000),
            EventRecord(parentId: 1, childKey: "c1", kind: "fill", detail: "", at: 1_009_000_000),
            EventRecord(parentId: 1, childKey: "c2", kind: "child_created", detail: "", at: 2_000_000_000),
        ]
        #expect(ChildLatency.milliseconds(events) == ["c1": 7])
        #expect(Percentile.nearestRank(Array(1...10), 50) == 5 && Percentile.nearestRank(Array(1...10), 95) == 10)
        #expect(Percentile.nearestRank([7], 50) == 7 && Percentile.nearestRank([], 50) == nil)
        #expect(Ratio(Int64(1), Int64(3)).decimal(4) == "0.3333" && Ratio(Int64(-1), Int64(8)).percent == "-12.50")
        #expect(ReportTime.parse("2026-11-23") == Timestamp(secondsSinceEpoch: 1_795_392_000))
        #expect(ReportTime.parse("2026-11-23T15:30Z") == Timestamp(secondsSinceEpoch: 1_795_392_000 + 55_800))
        #expect(ReportTime.parse("2026-11-23T15:30:07Z") == Timestamp(secondsSinceEpoch: 1_795_392_000 + 55_807))
        #expect(
            ReportTime.parse("2026-11-23T25:00Z") == nil && ReportTime.parse("tomorrow") == nil
                && ReportTime.parse("2026-11-23T15:30") == nil)
    }
}
