import ATSDomain
import Testing

@testable import ATSVenues

/// Allocation at an offering's close: whole lots, pro rata when oversubscribed, nothing issued
/// below the minimum raise; checked by hand and against the rules over seeded random books.
struct OfferingAllocationTests {
    static func offering(
        price: String = "12", lot: String = "5", minimumRaise: String = "60", maximumRaise: String = "300"
    ) throws -> Offering {
        Offering(
            id: "T-1", symbol: try Symbol("VINE"), pricePerUnit: try Price(price), lotSize: try Quantity(lot),
            minimumInvestment: try Money("60"), maximumInvestment: try Money("100000"),
            minimumRaise: try Money(minimumRaise), maximumRaise: try Money(maximumRaise),
            closesOn: CalendarDate("2027-01-15")!,
            eligibility: .init(
                accreditedOnly: false, qualifiedPurchaserOnly: false, regulationCrowdfunding: false,
                allowedCountries: []),
            paymentAsset: .usd, chain: "polygon")
    }

    @Test(
        "by hand: 600 asked of 300 at 60 a lot gives 2, 1 and 1 lots; under the maximum each buys its whole lots; under the minimum none"
    )
    func handWorkedCases() throws {
        let offering = try Self.offering()
        let over = OfferingAllocation.allocate(
            offering, [("a", try Money("300")), ("b", try Money("150")), ("c", try Money("150"))])
        // Scaled by 300/600: 150, 75, 75 → lots of 60: 2, 1, 1 (10, 5, 5 units); the 60 left over stays unissued.
        #expect(
            over
                == .allocated([
                    .init(key: "a", units: try Quantity("10"), paid: try Money("120"), refund: try Money("180")),
                    .init(key: "b", units: try Quantity("5"), paid: try Money("60"), refund: try Money("90")),
                    .init(key: "c", units: try Quantity("5"), paid: try Money("60"), refund: try Money("90")),
                ]))
        let under = OfferingAllocation.allocate(offering, [("a", try Money("130")), ("b", try Money("60"))])
        #expect(
            under
                == .allocated([
                    .init(key: "a", units: try Quantity("10"), paid: try Money("120"), refund: try Money("10")),
                    .init(key: "b", units: try Quantity("5"), paid: try Money("60"), refund: .zero),
                ]))
        let short = OfferingAllocation.allocate(try Self.offering(minimumRaise: "1000"), [("a", try Money("300"))])
        #expect(short == .cancelled(raised: try Money("300")))
        #expect(offering.refusal(of: try Money("59.99")) != nil)
        #expect(offering.refusal(of: try Money("100000.01")) != nil)
        #expect(offering.refusal(of: try Money("60")) == nil)
    }

    @Test(
        "over seeded books: never more than the maximum, never more than anyone paid, pro rata within a lot, amounts conserved"
    )
    func theRulesHoldOverRandomBooks() throws {
        var random = SplitMix64(seed: 2027)
        for round in 0..<2_000 {
            let price = Int64(1 + random.below(5_000))  // 0.01 to 50.00
            let lot = Int64(1 + random.below(10))
            let maximum = Int64(1 + random.below(1_000_000))
            let offering = try Self.offering(
                price: Price(rawValue: price * Price.unit / 100).description, lot: "\(lot)",
                minimumRaise: Money(rawValue: Int64(random.below(Int(maximum))) * Money.unit).description,
                maximumRaise: "\(maximum)")
            let subscriptions = (0..<(1 + random.below(12))).map {
                ("s\($0)", Money(rawValue: Int64(1 + random.below(400_000)) * Money.unit / 4))
            }
            let total = subscriptions.reduce(Int128(0)) { $0 + Int128($1.1.rawValue) }
            let lotCost = Int128(price * Money.unit / 100) * Int128(lot)
            switch OfferingAllocation.allocate(offering, subscriptions) {
            case .cancelled(let raised):
                #expect(Int128(raised.rawValue) == total && total < Int128(offering.minimumRaise.rawValue))
            case .allocated(let shares):
                #expect(total >= Int128(offering.minimumRaise.rawValue), "round \(round)")
                #expect(shares.map(\.key) == subscriptions.map(\.0))
                let paid = shares.reduce(Int128(0)) { $0 + Int128($1.paid.rawValue) }
                #expect(
                    paid <= Int128(offering.maximumRaise.rawValue) || total <= Int128(offering.maximumRaise.rawValue))
                for (share, subscription) in zip(shares, subscriptions) {
                    let amount = Int128(subscription.1.rawValue)
                    #expect(Int128(share.paid.rawValue) + Int128(share.refund.rawValue) == amount)
                    #expect(share.refund.rawValue >= 0 && share.paid.rawValue >= 0)
                    #expect(share.units.rawValue % (lot * Quantity.unit) == 0)
                    #expect(
                        Int128(share.paid.rawValue) == Int128(share.units.rawValue) / Int128(lot * Quantity.unit)
                            * lotCost)
                    // The fair share, amount × min(1, maximum ÷ total), is met to within one lot and never exceeded.
                    let maximumRaw = Int128(offering.maximumRaise.rawValue)
                    let fair = total > maximumRaw ? amount * maximumRaw / total : amount
                    #expect(Int128(share.paid.rawValue) <= fair && fair - Int128(share.paid.rawValue) < lotCost)
                }
            }
        }
    }
}
