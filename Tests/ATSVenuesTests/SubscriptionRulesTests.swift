import ATSDomain
import Testing

@testable import ATSVenues

/// Who may subscribe to an offering: each rule with a case it passes and one it refuses, and the
/// Regulation Crowdfunding limit by hand at the edges of its brackets.
struct SubscriptionRulesTests {
    let configuration = try! Repository.configuration()
    let catalog = try! Repository.catalog()
    var rialto: VenueDefinition { catalog.venue(try! VenueID("rialto"))! }
    var vine: Security { configuration.security(try! Symbol("VINE"))! }
    var cfx: Security { configuration.security(try! Symbol("CFX"))! }
    let now = utc("2026-11-23T15:00")

    func offering(
        accredited: Bool = false, qualified: Bool = false, crowdfunding: Bool = false, countries: [String] = ["US"],
        closesOn: String = "2027-01-15"
    ) -> Offering {
        Offering(
            id: "T-1", symbol: try! Symbol("VINE"), pricePerUnit: try! Price("12"), lotSize: try! Quantity("5"),
            minimumInvestment: try! Money("600"), maximumInvestment: try! Money("60000"),
            minimumRaise: try! Money("60000"), maximumRaise: try! Money("300000"), closesOn: date(closesOn),
            eligibility: .init(
                accreditedOnly: accredited, qualifiedPurchaserOnly: qualified, regulationCrowdfunding: crowdfunding,
                allowedCountries: countries),
            paymentAsset: .usd, chain: "polygon")
    }

    func account(_ id: String) -> Account { configuration.account(try! AccountID(id))! }

    func check(
        _ amount: String, _ offering: Offering, _ account: Account, security: Security? = nil, committed: String = "0",
        holding: String = "0", holders: Int = 0
    ) -> String? {
        SubscriptionRules().check(
            try! Money(amount), to: offering, at: rialto, account: account, security: security ?? vine, at: now,
            committedToRegulationCrowdfunding: try! Money(committed), holding: try! Quantity(holding), holders: holders
        )?.code.rawValue
    }

    @Test func eachRulePassesOneCaseAndRefusesAnother() {
        let alice = account("alice")  // US, accredited, onboarded at Rialto
        var plain = alice
        plain.accredited = false
        #expect(check("1200", offering(), alice) == nil)
        #expect(check("1200", offering(closesOn: "2026-11-22"), alice) == "offering_closed")
        #expect(check("1200", offering(closesOn: "2026-11-23"), alice) == nil)  // open until the day ends
        #expect(check("599.99", offering(), alice) == "investment_out_of_range")
        #expect(check("60000.01", offering(), alice) == "investment_out_of_range")
        #expect(check("1200", offering(), account("bob")) == "kyc_not_approved")  // not onboarded at Rialto
        #expect(check("1200", offering(countries: ["CA"]), alice) == "country_restricted")
        #expect(check("1200", offering(countries: []), alice) == nil)  // empty admits all
        #expect(check("1200", offering(accredited: true), plain) == "not_accredited")
        #expect(check("1200", offering(accredited: true), alice) == nil)
        #expect(check("1200", offering(qualified: true), alice) == "not_qualified_purchaser")
        #expect(check("1200", offering(qualified: true), account("erin")) == nil)
        // CFX: at most 2 000 per holder (config.json); 1 200 buys 20 lots of 5 at 12 → 100 more units.
        #expect(check("1200", offering(), alice, security: cfx, holding: "1900") == nil)
        #expect(check("1200", offering(), alice, security: cfx, holding: "1900.00000001") == "above_maximum_holding")
        // PEQ: at least 100 per holder; 1 200 buys 20 lots of 5, 100 units; 1 199.99 buys 19 lots, 95.
        let peq = configuration.security(try! Symbol("PEQ"))!
        #expect(check("1200", offering(), alice, security: peq) == nil)
        #expect(check("1199.99", offering(), alice, security: peq) == "below_minimum_holding")
        #expect(check("600", offering(), alice, security: peq, holding: "50") == nil)
        // PEQ: at most 2 holders; a third is refused, one who already holds is not another.
        #expect(check("1200", offering(), alice, security: peq, holders: 1) == nil)
        #expect(check("1200", offering(), alice, security: peq, holders: 2) == "maximum_holders_reached")
        #expect(check("1200", offering(), alice, security: peq, holding: "100", holders: 2) == nil)
        // Reg CF: alice is accredited (no limit); the same investor not accredited has the 2 500 floor.
        #expect(check("60000", offering(crowdfunding: true), alice) == nil)
        #expect(check("2500", offering(crowdfunding: true), plain) == nil)
        #expect(check("2500.01", offering(crowdfunding: true), plain) == "reg_cf_limit_exceeded")
        #expect(check("1200", offering(crowdfunding: true), plain, committed: "1300") == nil)
        #expect(check("1200", offering(crowdfunding: true), plain, committed: "1300.01") == "reg_cf_limit_exceeded")
    }

    /// 17 CFR 227.100(a)(2), worked by hand: below 124 000 in either, the greater of 2 500 and 5 % of
    /// the greater; at or above 124 000 in both, 10 % of the greater, at most 124 000.
    @Test(arguments: [
        ("0", "0", "2500"),
        ("40000", "30000", "2500"),  // 5 % of 40 000 is 2 000: the floor
        ("50000", "80000", "4000"),  // 5 % of 80 000
        ("123999.99", "2000000", "100000"),  // income below 124 000: 5 % of 2 000 000
        ("124000", "124000", "12400"),  // both at the threshold: 10 %
        ("200000", "150000", "20000"),
        ("5000000", "124000", "124000"),  // 10 % of 5 000 000 capped
    ])
    func theCrowdfundingLimitByHand(income: String, worth: String, limit: String) {
        var investor = account("bob")
        investor.annualIncome = try! Money(income)
        investor.netWorth = try! Money(worth)
        #expect(SubscriptionRules.regulationCrowdfundingLimit(for: investor) == (try! Money(limit)))
        investor.accredited = true
        #expect(SubscriptionRules.regulationCrowdfundingLimit(for: investor) == nil)
    }
}
