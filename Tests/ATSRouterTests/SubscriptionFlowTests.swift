import ATSDomain
import ATSJournalTestSupport
import ATSRouter
import ATSRouterTestSupport
import ATSSettlement
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Testing

/// Subscriptions to primary offerings through the router over in-process venues: checked, cash
/// earmarked and journalled, taken by the venue, and at close allocated into the ledgers and the
/// cap table (pro rata when oversubscribed, refunded when the offering misses its minimum raise).
@Suite struct SubscriptionFlowTests {
    let alice = try! AccountID("alice")
    let erin = try! AccountID("erin")
    let carol = try! AccountID("carol")
    let rialto = try! VenueID("rialto")
    let vine = try! Symbol("VINE")

    func request(_ account: AccountID, _ amount: String, id: String? = nil, offering: String = "VINE-2026B")
        throws -> SubscriptionRequest
    {
        SubscriptionRequest(
            account: account, venue: rialto, offering: offering, amount: try Money(amount), clientSubscriptionId: id)
    }

    func money(_ text: String) -> Money { try! Money(text) }
    func quantity(_ text: String) -> Quantity { try! Quantity(text) }

    func bankUSD(_ book: SettlementBook, _ account: AccountID) -> Balance {
        book.ledger.balance(Holder(account), .cash(.usd), at: .bank)
    }

    @Test(arguments: JournalBackend.all)
    func aSubscriptionIsReservedTakenAndAllocatedAtClose(backend: JournalBackend) async throws {
        let (journal, _) = try temporaryJournal(backend)
        try await InProcessRouter.with(journal: journal) { running in
            let desk = running.router.subscriptions
            let before = running.router.settlement.book()
            let (made, replayed) = try await desk.subscribe(try request(alice, "60000", id: "s-1"))
            #expect(!replayed && made.status == .pending && made.venueSubscriptionID != nil, "\(made)")
            // Earmarked: out of alice's free dollars at the bank (Rialto's cash leg), not spent.
            let reserved = running.router.settlement.book()
            #expect(bankUSD(reserved, alice).available == bankUSD(before, alice).available - 60_000 * Money.unit)
            #expect(bankUSD(reserved, alice).locked == 60_000 * Money.unit)
            // The same client id again: the same subscription, nothing new at the venue.
            let again = try await desk.subscribe(try request(alice, "60000", id: "s-1"))
            #expect(again.replayed && again.subscription.id == made.id)
            await #expect(throws: SubscriptionError.self) {
                try await desk.subscribe(try request(alice, "600", id: "s-1"))
            }
            let listed = await running.engines[rialto]!.offerings.offerings().first { $0.offering.id == "VINE-2026B" }
            #expect(listed?.subscribed == (money("60000")))

            // The issuer closes it: 60000 meets the 60000 minimum raise alone; 5000 units at 12.00.
            let outcome = try await running.engines[rialto]!.offerings.close("VINE-2026B")
            guard case .allocated = outcome else { throw Failure("not allocated: \(outcome)") }
            await desk.advance()
            let allocated = try #require(try desk.subscription(made.id))
            #expect(allocated.status == .allocated && allocated.units == (quantity("5000")), "\(allocated)")
            #expect(allocated.paid == (money("60000")) && allocated.refund.isZero)
            let issueDate = CalendarDate(running.clock.now())
            #expect(allocated.issuedOn == issueDate)
            let book = running.router.settlement.book()
            // Units on Polygon (where the issuer chose to issue VINE) in alice's wallet; cash to the issuer.
            #expect(
                book.ledger.balance(Holder(alice), .token(vine), at: .wallet(chain: "polygon")).available
                    == 5_000 * Quantity.unit)
            #expect(bankUSD(book, alice).locked == 0)
            #expect(bankUSD(book, alice).total == bankUSD(before, alice).total - 60_000 * Money.unit)
            #expect(book.ledger.balance(.issuer(vine), .cash(.usd), at: .bank).available == 60_000 * Money.unit)
            // The cap table has the issuance as a lot acquired on the issue date: Reg A Tier 2, no holding period.
            let lots = book.capTable.lots(of: Holder(alice), in: vine)
            #expect(lots.map(\.quantity) == [quantity("5000")] && lots.map(\.acquiredOn) == [issueDate])
            #expect(book.invariantViolations() == [])
            #expect(try running.router.settlement.wholeBook().invariantViolations() == [])
            // Its events, in the journal.
            #expect(try desk.events(of: made.id).map(\.kind) == ["accepted", "acknowledged", "allocated"])
        }
    }

    /// 360 000 asked of a 300 000 maximum raise: each scaled by 5/6 and rounded down to 5-unit lots
    /// of 60.00 — 60 000 × 5/6 = 50 000, 833 lots, 4 165 units for 49 980.00, 10 020.00 refunded.
    @Test func anOversubscribedOfferingIsAllocatedProRata() async throws {
        let (journal, _) = try temporaryJournal()
        try await InProcessRouter.with(journal: journal) { running in
            let desk = running.router.subscriptions
            let offerings = running.engines[rialto]!.offerings
            for n in 0..<4 {
                _ = try await offerings.subscribe(
                    offering: "VINE-2026B", key: "street-\(n)", amount: try Money("60000"), owner: "street")
            }
            let a = try await desk.subscribe(try request(alice, "60000")).subscription
            let e = try await desk.subscribe(try request(erin, "60000")).subscription
            #expect(a.status == .pending && e.status == .pending)
            _ = try await offerings.close("VINE-2026B")
            await desk.advance()
            for id in [a.id, e.id] {
                let done = try #require(try desk.subscription(id))
                #expect(done.status == .allocated)
                #expect(done.units == (quantity("4165")) && done.paid == (money("49980")))
                #expect(done.refund == (money("10020")))
            }
            let book = running.router.settlement.book()
            #expect(bankUSD(book, alice).locked == 0 && bankUSD(book, erin).locked == 0)
            #expect(book.ledger.balance(.issuer(vine), .cash(.usd), at: .bank).available == 2 * 49_980 * Money.unit)
            #expect(book.invariantViolations() == [])
        }
    }

    @Test func belowTheMinimumRaiseTheCloseRefundsEverything() async throws {
        try await InProcessRouter.with { running in
            let desk = running.router.subscriptions
            let before = bankUSD(running.router.settlement.book(), carol)
            let made = try await desk.subscribe(try request(carol, "1200")).subscription
            #expect(made.status == .pending, "\(made)")
            _ = try await running.engines[rialto]!.offerings.close("VINE-2026B")
            await desk.advance()
            let done = try #require(try desk.subscription(made.id))
            #expect(done.status == .refunded && done.refund == (money("1200")) && done.units.isZero)
            let book = running.router.settlement.book()
            #expect(bankUSD(book, carol) == before)
            #expect(book.capTable.lots(of: Holder(carol), in: vine).isEmpty)
            #expect(book.invariantViolations() == [])
        }
    }

    /// Each rule the router applies names itself, and a refused subscription earmarks nothing.
    @Test func refusedSubscriptionsNameTheirRuleAndHoldNoCash() async throws {
        try await InProcessRouter.with { running in
            let desk = running.router.subscriptions
            let bob = try AccountID("bob")
            let frank = try AccountID("frank")
            var codes: [String?] = []
            for asked in [
                try request(bob, "1200"), try request(frank, "1200"), try request(alice, "599"),
                try request(alice, "60001"), try request(carol, "100", offering: "CFX-CF2"),
            ] {
                let made = try await desk.subscribe(asked).subscription
                #expect(made.status == .rejected)
                codes.append(made.rejection?.code.rawValue)
            }
            // bob and frank are not onboarded at Rialto; below the minimum, above the maximum; carol (GB,
            // not accredited, no income on record) in a US-only Reg CF offering: the country first.
            #expect(
                codes == [
                    "kyc_not_approved", "kyc_not_approved", "investment_out_of_range", "investment_out_of_range",
                    "country_restricted",
                ])
            // Nothing earmarked for a refused subscription.
            let book = running.router.settlement.book()
            #expect(bankUSD(book, carol).locked == 0)
            await #expect(throws: SubscriptionError.self) {
                try await desk.subscribe(try request(alice, "1200", offering: "NOPE"))
            }
            // A passing one is taken.
            let taken = try await desk.subscribe(try request(carol, "1200")).subscription
            #expect(taken.status == .pending && taken.rejection == nil)
        }
    }

    /// Securitize's fund offering admits qualified purchasers only, paid in USDC from the wallet on
    /// Ethereum (its three-step cash leg): alice (accredited, not a QP) is refused; erin's
    /// 10 000 000 meets the minimum raise alone and is allocated 10 000 000 TRSY at 1.00.
    @Test func aFundOfferingAdmitsQualifiedPurchasersAndIsPaidInUSDC() async throws {
        try await InProcessRouter.with { running in
            let desk = running.router.subscriptions
            let securitize = try VenueID("securitize")
            func ask(_ account: AccountID, _ amount: String) -> SubscriptionRequest {
                SubscriptionRequest(
                    account: account, venue: securitize, offering: "TRSY-2027-Q1", amount: money(amount),
                    clientSubscriptionId: nil)
            }
            let refused = try await desk.subscribe(ask(alice, "5000000")).subscription
            #expect(refused.rejection?.code == .notQualifiedPurchaser, "\(refused)")
            let wallet = CustodyLocation.wallet(chain: "ethereum")
            let before = running.router.settlement.book().ledger.balance(Holder(erin), .cash(.usdc), at: wallet)
            let made = try await desk.subscribe(ask(erin, "10000000")).subscription
            #expect(made.status == .pending && made.legs.cash == .usdc && made.legs.cashLocation == wallet, "\(made)")
            _ = try await running.engines[securitize]!.offerings.close("TRSY-2027-Q1")
            await desk.advance()
            let done = try #require(try desk.subscription(made.id))
            #expect(done.status == .allocated && done.units == quantity("10000000"))
            let book = running.router.settlement.book()
            #expect(
                book.ledger.balance(Holder(erin), .cash(.usdc), at: wallet).available
                    == before.available - 10_000_000 * Money.unit)
            #expect(
                book.ledger.balance(Holder(erin), .token(try Symbol("TRSY")), at: wallet).available
                    >= 10_000_000 * Quantity.unit)
            #expect(book.invariantViolations() == [])
        }
    }

    /// bob, onboarded at Rialto for this test, not accredited, income 50 000 and net worth 80 000:
    /// both below 124 000, so his Reg CF limit is the greater of 2 500 and 5 % of 80 000 — 4 000
    /// over twelve months, across subscriptions. His bank cash is cut to 3 500.
    @Test func theRegulationCrowdfundingLimitAndCashCountEverySubscription() async throws {
        let bob = try AccountID("bob")
        try await InProcessRouter.with(configure: { configuration in
            let index = configuration.accounts.firstIndex { $0.id == bob }!
            configuration.accounts[index].kyc["rialto"] = .approved
            configuration.accounts[index].annualIncome = try! Money("50000")
            configuration.accounts[index].netWorth = try! Money("80000")
            configuration.accounts[index].cash = [
                Account.CashBalance(asset: .usd, location: .bank, amount: try! Money("3500"))
            ]
        }) { running in
            let desk = running.router.subscriptions
            let first = try await desk.subscribe(try request(bob, "3000", offering: "CFX-CF2")).subscription
            #expect(first.status == .pending, "\(first)")
            // 3 000 + 1 500 > 4 000: the limit counts the first subscription.
            let second = try await desk.subscribe(try request(bob, "1500", offering: "CFX-CF2")).subscription
            #expect(second.rejection?.code == .regulationCrowdfundingLimit, "\(second)")
            // 3 000 + 1 000 is within it, but only 500 is free at the bank.
            let third = try await desk.subscribe(try request(bob, "1000", offering: "CFX-CF2")).subscription
            #expect(third.rejection?.code == .insufficientCash, "\(third)")
            #expect(bankUSD(running.router.settlement.book(), bob).locked == 3_000 * Money.unit)
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
