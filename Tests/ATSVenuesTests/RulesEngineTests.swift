import ATSDomain
import Testing

@testable import ATSVenues

/// One rule, exercised once to pass and once to fail, on the repository's venues and demo accounts.
@Suite("Rules engine: every rule passes and fails")
struct RulesEngineTests {
    /// Monday 2026-11-23 10:00 US/Eastern: tZERO's CORE session and Texture's auction hours.
    static let monday = utc("2026-11-23T15:00")

    struct Case: CustomTestStringConvertible, Sendable {
        let rule: RejectCode
        let account: String
        let venue: String
        let symbol: String
        let order: OrderTicket
        var at: Timestamp = monday
        var holders: Int? = nil
        /// Edits to the loaded account, venue and security before checking.
        var adjust: @Sendable (inout Account, inout VenueDefinition, inout Security) -> Void = { _, _, _ in }
        var testDescription: String { "\(rule) — \(account) \(order.side) \(order.quantity) \(symbol) on \(venue)" }
    }

    static func buy(
        _ quantity: String, _ price: String?, _ type: OrderType.Kind = .limit, _ tif: TimeInForce.Kind = .gtc
    ) -> OrderTicket {
        OrderTicket(
            side: .buy, type: type, quantity: try! Quantity(quantity), limitPrice: price.map { try! Price($0) },
            timeInForce: tif)
    }
    static func sell(
        _ quantity: String, _ price: String?, _ type: OrderType.Kind = .limit, _ tif: TimeInForce.Kind = .gtc
    ) -> OrderTicket {
        OrderTicket(
            side: .sell, type: type, quantity: try! Quantity(quantity), limitPrice: price.map { try! Price($0) },
            timeInForce: tif)
    }

    /// (failing case, passing case) per rule.
    static let cases: [(Case, Case)] = [
        (
            Case(
                rule: .notListed, account: "alice", venue: "tzero", symbol: "GILT",
                order: buy("10", "98.50", .limit, .day)),
            Case(
                rule: .notListed, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.02", .limit, .day))
        ),
        (
            Case(
                rule: .sessionClosed, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.02", .limit, .day), at: utc("2026-11-21T15:00")),
            Case(
                rule: .sessionClosed, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.02", .limit, .day), at: utc("2026-11-23T12:30"))
        ),
        (
            Case(
                rule: .orderTypeNotSupported, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", nil, .market, .day)),
            Case(
                rule: .orderTypeNotSupported, account: "alice", venue: "openfinance", symbol: "BLDG",
                order: buy("10", nil, .market, .ioc))
        ),
        (
            Case(
                rule: .timeInForceNotSupported, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.02", .limit, .ioc)),
            Case(
                rule: .timeInForceNotSupported, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.02", .limit, .gtd))
        ),
        (
            Case(
                rule: .offTick, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.015", .limit, .day)),
            Case(
                rule: .offTick, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "10.01", .limit, .day))
        ),
        (
            Case(
                rule: .offLot, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10.5", "10.01", .limit, .day)),
            Case(
                rule: .offLot, account: "alice", venue: "tzero", symbol: "ACME", order: buy("11", "10.01", .limit, .day)
            )
        ),
        (
            Case(
                rule: .belowMinimumQuantity, account: "alice", venue: "texture", symbol: "PEQ",
                order: buy("5", "25.00", .limit, .day)),
            Case(
                rule: .belowMinimumQuantity, account: "alice", venue: "texture", symbol: "PEQ",
                order: buy("10", "25.00", .limit, .day))
        ),
        (
            Case(
                rule: .aboveMaximumSize, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("250001", "10.01", .limit, .day)),
            Case(
                rule: .aboveMaximumSize, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("250000", "10.01", .limit, .day))
        ),
        (
            Case(rule: .belowMinimumValue, account: "carol", venue: "archax", symbol: "SPCE", order: buy("4", "2.41")),
            Case(rule: .belowMinimumValue, account: "carol", venue: "archax", symbol: "SPCE", order: buy("5", "2.41"))
        ),
        (
            Case(
                rule: .outsidePriceBand, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "11.03", .limit, .day)),
            Case(
                rule: .outsidePriceBand, account: "alice", venue: "tzero", symbol: "ACME",
                order: buy("10", "11.02", .limit, .day))
        ),
        (
            Case(rule: .kycNotApproved, account: "dave", venue: "texture", symbol: "ACME", order: buy("10", "10.00")),
            Case(rule: .kycNotApproved, account: "alice", venue: "texture", symbol: "ACME", order: buy("10", "10.00"))
        ),
        (
            Case(
                rule: .countryRestricted, account: "frank", venue: "tzero", symbol: "BLDG",
                order: buy("10", "52.00", .limit, .day)),
            Case(
                rule: .countryRestricted, account: "alice", venue: "tzero", symbol: "BLDG",
                order: buy("10", "52.00", .limit, .day))
        ),
        (
            Case(
                rule: .countryRestricted, account: "frank", venue: "openfinance", symbol: "BLDG",
                order: buy("10", "51.90")),
            Case(
                rule: .countryRestricted, account: "carol", venue: "openfinance", symbol: "BLDG",
                order: buy("10", "51.90"))
        ),
        (
            Case(
                rule: .usPersonRestricted, account: "alice", venue: "openfinance", symbol: "BLDG",
                order: buy("10", "51.90"),
                adjust: { _, venue, _ in venue.eligibility.nonUSPersonsOnly = true }),
            Case(
                rule: .usPersonRestricted, account: "carol", venue: "openfinance", symbol: "BLDG",
                order: buy("10", "51.90"),
                adjust: { _, venue, _ in venue.eligibility.nonUSPersonsOnly = true })
        ),
        (
            Case(
                rule: .notAccredited, account: "bob", venue: "tzero", symbol: "BLDG",
                order: buy("10", "52.00", .limit, .day)),
            Case(
                rule: .notAccredited, account: "alice", venue: "tzero", symbol: "BLDG",
                order: buy("10", "52.00", .limit, .day))
        ),
        (
            Case(rule: .notAccredited, account: "bob", venue: "openfinance", symbol: "BLDG", order: buy("10", "51.90")),
            Case(
                rule: .notAccredited, account: "carol", venue: "openfinance", symbol: "BLDG", order: buy("10", "51.90"))
        ),
        (
            Case(
                rule: .notAccredited, account: "bob", venue: "securitize", symbol: "ACME", order: buy("10", "9.98"),
                adjust: { account, _, _ in account.kyc["securitize"] = .approved }),
            Case(rule: .notAccredited, account: "dave", venue: "securitize", symbol: "ACME", order: buy("10", "9.98"))
        ),
        (
            Case(
                rule: .notQualifiedPurchaser, account: "alice", venue: "securitize", symbol: "TRSY",
                order: buy("5000000", "1.0000")),
            Case(
                rule: .notQualifiedPurchaser, account: "erin", venue: "securitize", symbol: "TRSY",
                order: buy("100", "1.0000"))
        ),
        (
            Case(rule: .notProfessional, account: "frank", venue: "archax", symbol: "GILT", order: buy("10", "98.50")),
            Case(rule: .notProfessional, account: "carol", venue: "archax", symbol: "GILT", order: buy("10", "98.50"))
        ),
        (
            Case(
                rule: .countryRestricted, account: "alice", venue: "archax", symbol: "GILT", order: buy("10", "98.50"),
                adjust: { account, _, _ in
                    account.kyc["archax"] = .approved
                    account.professional = true
                }),
            Case(rule: .countryRestricted, account: "carol", venue: "archax", symbol: "GILT", order: buy("10", "98.50"))
        ),
        (
            Case(rule: .flowback, account: "alice", venue: "openfinance", symbol: "SPCE", order: buy("10", "2.40")),
            Case(
                rule: .flowback, account: "alice", venue: "openfinance", symbol: "SPCE", order: buy("10", "2.40"),
                at: utc("2027-03-01T00:00"))
        ),
        (
            Case(
                rule: .maximumHoldersReached, account: "dave", venue: "securitize", symbol: "PEQ",
                order: buy("100", "25.10")),
            Case(
                rule: .maximumHoldersReached, account: "alice", venue: "securitize", symbol: "PEQ",
                order: buy("100", "25.10"))
        ),
        (
            Case(
                rule: .aboveMaximumHolding, account: "frank", venue: "openfinance", symbol: "CFX",
                order: buy("2001", "5.00")),
            Case(
                rule: .aboveMaximumHolding, account: "frank", venue: "openfinance", symbol: "CFX",
                order: buy("2000", "5.00"))
        ),
        (
            Case(
                rule: .belowMinimumHolding, account: "alice", venue: "securitize", symbol: "TRSY",
                order: buy("1000", "1.0000"),
                adjust: { account, _, _ in account.qualifiedPurchaser = true }),
            Case(
                rule: .belowMinimumHolding, account: "alice", venue: "securitize", symbol: "TRSY",
                order: buy("5000000", "1.0000"),
                adjust: { account, _, _ in account.qualifiedPurchaser = true })
        ),
        (
            Case(
                rule: .belowMinimumHolding, account: "erin", venue: "securitize", symbol: "TRSY",
                order: sell("1000001", "1.0000")),
            Case(
                rule: .belowMinimumHolding, account: "erin", venue: "securitize", symbol: "TRSY",
                order: sell("1000000", "1.0000"))
        ),
        (
            Case(
                rule: .insufficientHolding, account: "alice", venue: "tzero", symbol: "ACME",
                order: sell("701", "10.02", .limit, .day)),
            Case(
                rule: .insufficientHolding, account: "alice", venue: "tzero", symbol: "ACME",
                order: sell("500", "10.02", .limit, .day))
        ),
        (
            Case(
                rule: .holdingPeriodNotElapsed, account: "alice", venue: "tzero", symbol: "ACME",
                order: sell("501", "10.02", .limit, .day)),
            Case(
                rule: .holdingPeriodNotElapsed, account: "alice", venue: "tzero", symbol: "ACME",
                order: sell("500", "10.02", .limit, .day))
        ),
        (
            Case(
                rule: .holdingPeriodNotElapsed, account: "bob", venue: "openfinance", symbol: "CFX",
                order: sell("10", "5.00"),
                adjust: { account, _, _ in account.accredited = true }),
            Case(
                rule: .holdingPeriodNotElapsed, account: "bob", venue: "openfinance", symbol: "CFX",
                order: sell("10", "5.00"), at: utc("2027-06-01T00:00"),
                adjust: { account, _, _ in account.accredited = true })
        ),
        (
            Case(
                rule: .holdingPeriodNotElapsed, account: "carol", venue: "archax", symbol: "SPCE",
                order: sell("10", "2.41")),
            Case(
                rule: .holdingPeriodNotElapsed, account: "carol", venue: "archax", symbol: "SPCE",
                order: sell("10", "2.41"), at: utc("2027-10-20T00:00"))
        ),
    ]

    private func run(_ test: Case) throws -> [Rejection] {
        let configuration = try Repository.configuration()
        let catalog = try Repository.catalog()
        var account = try #require(configuration.account(try AccountID(test.account)))
        var venue = try #require(catalog.venue(try VenueID(test.venue)))
        var security = try #require(configuration.security(try Symbol(test.symbol)))
        test.adjust(&account, &venue, &security)
        return RulesEngine().violations(
            test.order, account: account, venue: venue, security: security, at: test.at,
            holders: test.holders ?? configuration.holderCount(of: security.symbol))
    }

    @Test("the failing case is refused by the rule, naming it", arguments: cases.map(\.0))
    func fails(_ test: Case) throws {
        let violations = try run(test)
        #expect(violations.map(\.code).contains(test.rule), "\(violations)")
        let message = try #require(violations.first { $0.code == test.rule }?.message)
        #expect(!message.isEmpty)
    }

    @Test("the passing case is not refused by that rule", arguments: cases.map(\.1))
    func passes(_ test: Case) throws {
        let violations = try run(test)
        #expect(!violations.map(\.code).contains(test.rule), "\(violations)")
    }

    @Test("the clean cases pass every rule")
    func cleanOrdersPass() throws {
        let clean = [
            Self.cases[0].1, Self.cases[4].1, Self.cases[9].1, Self.cases[10].1, Self.cases[17].1, Self.cases[21].1,
        ]
        for test in clean {
            #expect(try run(test).isEmpty, "\(test.testDescription)")
        }
    }

    @Test("check returns the first violation; codes map to DS Protocol where it has one")
    func firstViolation() throws {
        let configuration = try Repository.configuration()
        let catalog = try Repository.catalog()
        let bob = try #require(configuration.account(try AccountID("bob")))
        let texture = try #require(catalog.venue(try VenueID("texture")))
        let acme = try #require(configuration.security(try Symbol("ACME")))
        // bob at Texture: a market order (Texture takes limits), not onboarded, not accredited.
        let order = Self.buy("10", nil, .market, .ioc)
        let all = RulesEngine().violations(
            order, account: bob, venue: texture, security: acme, at: Self.monday, holders: 3)
        #expect(all.map(\.code).prefix(3) == [.orderTypeNotSupported, .kycNotApproved, .notAccredited])
        #expect(
            RulesEngine().check(order, account: bob, venue: texture, security: acme, at: Self.monday, holders: 3)?.code
                == .orderTypeNotSupported)
        #expect(RejectCode.notAccredited.dsProtocolCode == 61)
        #expect(RejectCode.flowback.dsProtocolCode == 25)
        #expect(RejectCode.offTick.dsProtocolCode == nil)
    }

    @Test("the rate limit admits a burst, then refills at its rate")
    func rateLimit() throws {
        var limiter = RateLimiter(.init(requestsPerSecond: 2, burst: 3))
        let start = Self.monday
        for _ in 0..<3 { try limiter.admit(at: start) }
        do {
            try limiter.admit(at: start)
            Issue.record("a fourth request in the same instant was admitted")
        } catch {
            #expect(error.code == .rateLimited)
        }
        #expect(throws: Rejection.self) { try limiter.admit(at: start.adding(nanoseconds: 400_000_000)) }
        try limiter.admit(at: start.adding(nanoseconds: 500_000_000))  // one token refilled after 0.5 s
        try limiter.admit(at: start.adding(seconds: 10))  // full again, but capped at the burst
        try limiter.admit(at: start.adding(seconds: 10))
        try limiter.admit(at: start.adding(seconds: 10))
        #expect(throws: Rejection.self) { try limiter.admit(at: start.adding(seconds: 10)) }
    }
}
