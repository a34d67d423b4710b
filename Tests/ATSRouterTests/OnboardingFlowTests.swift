import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSRouter
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Testing

/// Onboard once: an order only a missing onboarding stops waits `pending_onboarding`, the router
/// files the onboarding from the investor's record (asking the compliance officer for what the
/// venue needs), and routes the order when the venue approves and the wallet is whitelisted; a
/// refusal rejects it naming the venue's reason; a cancel while it waits cancels it.
@Suite struct OnboardingFlowTests {
    let bob = try! AccountID("bob")
    let vine = try! Symbol("VINE")  // Reg A Tier 2, listed at Rialto only (four-step, to wallets on Polygon)
    let rialto = try! VenueID("rialto")

    /// bob's record as verified by the compliance officer, with `wallets`.
    func verify(_ running: InProcessRouter, wallets: [String: String]) throws {
        let investors = running.router.context.investors
        var record = try #require(investors.record(of: bob))
        record.kyc = .init(status: .approved, provider: "Onfido", verifiedOn: CalendarDate("2026-11-02"))
        record.wallets = wallets
        try investors.update(record, by: "compliance", at: running.clock.now())
    }

    func buyVine(_ quantity: String = "50", clientOrderId: String? = nil) throws -> ParentOrderRequest {
        ParentOrderRequest(
            account: bob, symbol: vine, side: .buy, quantity: try Quantity(quantity), limitPrice: try Price("13"),
            timeInForce: .day, clientOrderId: clientOrderId)
    }

    /// Runs the desks and the order manager's pending check until `done`, at most 15 s.
    func advance(_ running: InProcessRouter, until done: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            await running.router.onboarding.advance()
            await running.router.pollAll()
            await running.router.orders.refreshResting()
            if await done() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not done within 15 s")
    }

    @Test(arguments: JournalBackend.all)
    func anOrderWaitsForOnboardingFromTheRecordAndIsThenRouted(backend: JournalBackend) async throws {
        let (journal, _) = try temporaryJournal(backend)
        try await InProcessRouter.with(journal: journal) { running in
            await running.engines[rialto]!.onboarding.setReview(seconds: 1)
            try verify(running, wallets: [:])
            await running.router.pollAll()
            // The book shows Rialto's VINE out of bob's reach, and what would let him in.
            let book = await running.router.context.consolidatedBook(vine, account: bob, side: .buy)
            let status = try #require(book.venues.first { $0.venue == rialto })
            #expect(!status.included && status.code == "kyc_not_approved" && status.bestAsk != nil)
            #expect(status.unlock?.contains("onboarding at Rialto Markets") == true, "\(status)")
            let waiting = await running.router.orders.submit(try buyVine())
            #expect(waiting.status == .pendingOnboarding, "\(waiting.rejection.map(\.description) ?? "")")
            #expect(waiting.note?.contains("rialto") == true && waiting.children.isEmpty)
            // The record has no wallet on Polygon or Ethereum: the router asks for them before filing.
            try await advance(running) {
                running.router.onboarding.onboarding(of: bob, at: rialto)?.status == .needsInformation
            }
            let asked = try #require(running.router.onboarding.onboarding(of: bob, at: rialto))
            #expect(asked.reason?.contains("ethereum, polygon") == true, "\(asked.reason ?? "")")
            #expect(await running.engines[rialto]!.onboarding.all().isEmpty)
            // The officer adds the wallets: filed, reviewed, approved, whitelisted (BLDG by ERC-1400,
            // VINE by ERC-3643; not SOLR or ACME, which bob, not accredited, may not hold), routed.
            try verify(
                running,
                wallets: [
                    "ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                    "polygon": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                ])
            try await advance(running) { await running.router.orders.parent(waiting.id)?.status.isTerminal == true }
            let done = try #require(await running.router.orders.parent(waiting.id))
            #expect(done.status == .filled || done.status == .resting || done.status == .partiallyFilled, "\(done)")
            #expect(done.children.allSatisfy { $0.venue == rialto } && !done.children.isEmpty)
            let onboarded = try #require(running.router.onboarding.onboarding(of: bob, at: rialto))
            #expect(onboarded.status == .approved)
            #expect(Set(onboarded.registrations.map(\.symbol.rawValue)) == ["BLDG", "VINE"])
            #expect(
                onboarded.steps.map(\.status) == [.submitted, .needsInformation, .pending, .registering, .approved])
            // The venue holds one application, filed once, from the record's second revision.
            let applications = await running.engines[rialto]!.onboarding.all()
            #expect(applications.count == 1 && applications.first?.applicant.wallets.count == 2)
            #expect(try journal.onboardings(account: "bob").map(\.status) == ["approved"])
            // The next order routes at once.
            let next = await running.router.orders.submit(try buyVine("5"))
            #expect(next.status != .pendingOnboarding && next.status != .rejected, "\(next)")
        }
    }

    @Test func aRefusedOnboardingRejectsTheOrderNamingTheVenuesReason() async throws {
        try await InProcessRouter.with { running in
            let engine = running.engines[rialto]!.onboarding
            await engine.setReview(seconds: 0)
            await engine.refuse(jurisdiction: "US", reason: "Rialto's compliance review declined the application")
            try verify(
                running,
                wallets: [
                    "ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                    "polygon": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                ])
            await running.router.pollAll()
            let waiting = await running.router.orders.submit(try buyVine())
            #expect(waiting.status == .pendingOnboarding)
            try await advance(running) { await running.router.orders.parent(waiting.id)?.status == .rejected }
            let rejected = try #require(await running.router.orders.parent(waiting.id))
            #expect(rejected.rejection?.code == .onboardingRefused)
            #expect(rejected.rejection?.message.contains("declined the application") == true, "\(rejected)")
            // Refused once, it is not filed again: the next order is rejected at once, naming the rule.
            let again = await running.router.orders.submit(try buyVine())
            #expect(again.status == .rejected && again.rejection?.code == .kycNotApproved, "\(again)")
            let book = await running.router.context.consolidatedBook(vine, account: bob, side: .buy)
            #expect(book.venues.first { $0.venue == rialto }?.unlock == nil)
        }
    }

    @Test func anIOCOrderIsNotParkedForOnboarding() async throws {
        try await InProcessRouter.with { running in
            try verify(running, wallets: [:])
            await running.router.pollAll()
            var request = try buyVine()
            request.timeInForce = .ioc
            let refused = await running.router.orders.submit(request)
            #expect(refused.status == .rejected && refused.rejection?.code == .kycNotApproved, "\(refused)")
            #expect(running.router.onboarding.onboardings(of: bob).isEmpty)
        }
    }

    @Test func aTraderCancelsAnOrderWaitingForOnboarding() async throws {
        try await InProcessRouter.with { running in
            await running.engines[rialto]!.onboarding.setReview(seconds: 3_600)
            try verify(running, wallets: [:])
            await running.router.pollAll()
            let waiting = await running.router.orders.submit(try buyVine())
            #expect(waiting.status == .pendingOnboarding)
            let cancelled = await running.router.orders.cancel(waiting.id)
            #expect(cancelled?.status == .cancelled && cancelled?.children.isEmpty == true)
        }
    }

    @Test func whatNoOnboardingUnlocksIsStillRejectedAtOnce() async throws {
        try await InProcessRouter.with { running in
            try verify(running, wallets: [:])
            await running.router.pollAll()
            // ACME admits accredited investors only: onboarding would not make bob eligible.
            let acme = ParentOrderRequest(
                account: bob, symbol: try Symbol("ACME"), side: .buy, quantity: try Quantity("10"),
                limitPrice: try Price("11"), timeInForce: .day)
            let refused = await running.router.orders.submit(acme)
            #expect(refused.status == .rejected, "\(refused)")
            // The record's own KYC stops it before any venue: nothing is filed.
            let investors = running.router.context.investors
            var record = try #require(investors.record(of: bob))
            record.kyc.status = .pending
            try investors.update(record, by: "compliance", at: running.clock.now())
            let pending = await running.router.orders.submit(try buyVine())
            #expect(pending.status == .rejected && pending.rejection?.code == .kycPending)
            #expect(running.router.onboarding.onboardings(of: bob).isEmpty)
        }
    }
}
