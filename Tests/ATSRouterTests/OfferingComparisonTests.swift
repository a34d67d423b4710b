import ATSDomain
import ATSPlanning
import ATSRouter
import ATSVenues
import Testing

/// Primary against secondary, worked by hand: VINE-2026B sells 5-unit lots at 12.00; 6 000 buys
/// 100 lots, 500 units, delivered at its close on 2027-01-15. Rialto's book (T+1, 50 bp taker fee
/// here) is planned for the same 500 units.
@Suite struct OfferingComparisonTests {
    let catalog = try! Repository.catalog()
    var configuration: RouterConfiguration { try! Repository.configuration(catalog) }
    var offering: Offering { catalog.venue(try! VenueID("rialto"))!.offerings!.first { $0.id == "VINE-2026B" }! }
    var vine: Security { configuration.security(try! Symbol("VINE"))! }
    /// Monday 2026-11-23, 15:00 UTC: T+1 delivers on Tuesday the 24th.
    let now = Timestamp(secondsSinceEpoch: 1_795_446_000)

    func plan(asks: [(String, String)]) throws -> Plan {
        let venue = PlanVenue(
            venue: try VenueID("rialto"), lotSize: try Quantity("5"), minQuantity: try Quantity("5"),
            minNotional: .zero, takerFee: try BasisPoints("50"), fixedFee: .zero, bids: [],
            asks: try asks.map { PlanLevel(price: try Price($0.0), quantity: try Quantity($0.1)) })
        return try Planner.plan(
            PlanOrder(side: .buy, quantity: try Quantity("500")), on: PlanSnapshot(symbol: nil, venues: [venue]))
    }

    func compare(_ plan: Plan?) -> OfferingComparison {
        OfferingComparison.compare(
            offering, at: try! VenueID("rialto"), amount: try! Money("6000"), plan: plan, catalog: catalog,
            security: vine, now: now)
    }

    @Test func cheaperBooksWinAndSayByHowMuch() throws {
        // 500 at 11.00 = 5 500 + 50 bp (27.50) = 5 527.50 all-in: 472.50 less than 6 000.
        let made = compare(try plan(asks: [("11.00", "800")]))
        #expect(
            made.primary.units == Quantity(rawValue: 500 * Quantity.unit)
                && made.primary.cost == Money(rawValue: 6_000 * Money.unit))
        #expect(made.primary.deliveredOn == CalendarDate("2027-01-15"))
        #expect(
            made.secondary?.cost == Money(rawValue: 552_750_000_000)
                && made.secondary?.fees == Money(rawValue: 2_750_000_000))
        #expect(made.secondary?.deliveredOn == CalendarDate("2026-11-24"))
        #expect(made.better == .secondary)
        #expect(made.reasons.first?.contains("472.5 less") == true, "\(made.reasons)")
        // Reg A Tier 2: resalable at once either way.
        #expect(made.reasons.last == "no holding period either way")
    }

    @Test func dearerOrThinBooksLeaveTheOfferingBetter() throws {
        // 500 at 12.00 + 50 bp = 6 030.00: the offering is 30.00 cheaper.
        let dear = compare(try plan(asks: [("12.00", "800")]))
        #expect(dear.better == .primary && dear.reasons.first?.contains("30 less") == true, "\(dear.reasons)")
        // Only 200 shown: the books cannot deliver the 500.
        let thin = compare(try plan(asks: [("10.00", "200")]))
        #expect(thin.better == .primary && thin.reasons.first?.contains("only 200 of the 500") == true)
        let none = compare(nil)
        #expect(none.better == .primary && none.secondary == nil)
    }
}
