import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSRouter
import ATSStorage
import ATSVenues
import Testing

/// The investor identity record in the router: what the compliance officer changes stops (or
/// lets through) new orders and subscriptions with its own codes, is journalled revision by
/// revision, and survives a restart.
@Suite struct InvestorIdentityTests {
    let alice = try! AccountID("alice")
    let acme = try! Symbol("ACME")
    let bldg = try! Symbol("BLDG")

    func order(_ symbol: Symbol, _ side: Side = .buy, quantity: String = "10") throws -> ParentOrderRequest {
        ParentOrderRequest(
            account: alice, symbol: symbol, side: side, quantity: try Quantity(quantity),
            limitPrice: try Price(side == .buy ? "1" : "1000"), timeInForce: .ioc)
    }

    /// Submits and returns the refusal's code, or nil when the order was not refused at admission.
    func refusal(_ router: SmartRouter, _ request: ParentOrderRequest) async -> RejectCode? {
        let parent = await router.orders.submit(request)
        return parent.status == .rejected ? parent.rejection?.code : nil
    }

    @Test(arguments: JournalBackend.all)
    func theOfficersChangesStopOrdersWithTheirOwnCodes(backend: JournalBackend) async throws {
        let (journal, made) = try temporaryJournal(backend)
        try await InProcessRouter.with(journal: journal) { running in
            let investors = running.router.context.investors
            let now = running.clock.now()  // Monday 2026-11-23
            var record = try #require(investors.record(of: alice))
            #expect(record.revision == 0 && record.kyc.provider == "configuration")
            #expect(await refusal(running.router, try order(acme)) == nil)

            record.kyc = .init(
                status: .approved, provider: "Onfido", verifiedOn: CalendarDate("2025-11-23"),
                expiresOn: CalendarDate("2026-11-23"))
            record = try investors.update(record, by: "compliance", at: now)
            #expect(record.revision == 1 && record.updatedBy == "compliance")
            #expect(await refusal(running.router, try order(acme)) == .kycExpired)
            #expect(await refusal(running.router, try order(bldg, .sell)) == .kycExpired)

            record.kyc.status = .revoked
            record.kyc.note = "identity document reported stolen"
            record = try investors.update(record, by: "compliance", at: now)
            let revoked = await running.router.orders.submit(try order(acme))
            #expect(revoked.rejection?.code == .kycRevoked && revoked.rejection?.message.contains("stolen") == true)

            // Renewed; the accreditation verified 89 days ago holds, 90 days ago does not.
            record.kyc = .init(status: .approved, provider: "Onfido", verifiedOn: CalendarDate("2026-11-20"))
            record.accreditation = .init(
                method: .thirdPartyLetter, verifiedOn: CalendarDate("2026-08-25")!, evidence: "CPA letter")
            record = try investors.update(record, by: "compliance", at: now)
            #expect(await refusal(running.router, try order(acme)) == .accreditationExpired)
            // Only acquisitions need it: a sale, and a buy of a Reg A security, go on.
            #expect(await refusal(running.router, try order(bldg)) == nil)
            #expect(await refusal(running.router, try order(bldg, .sell)) == nil)
            record.accreditation?.verifiedOn = CalendarDate("2026-08-26")!
            record = try investors.update(record, by: "compliance", at: now)
            #expect(await refusal(running.router, try order(acme)) == nil)
            #expect(record.revision == 4)

            // A change made to a revision already superseded is refused and changes nothing.
            var stale = record
            stale.revision = 2
            stale.kyc.status = .revoked
            #expect(throws: InvestorUpdateError.self) { try investors.update(stale, by: "compliance", at: now) }
            #expect(investors.record(of: alice)?.kyc.status == .approved)
            // As is one with a problem, named.
            var bad = record
            bad.jurisdiction = "Switzerland"
            let error = #expect(throws: InvestorUpdateError.self) {
                try investors.update(bad, by: "compliance", at: now)
            }
            #expect(error?.code == "invalid_investor" && error?.field == "jurisdiction")
            #expect(try investors.history(of: alice).map(\.revision) == [1, 2, 3, 4])
        }
        // After a restart the record is read back from the journal as it was left.
        let reopened = try made.reopen()
        try await InProcessRouter.with(journal: reopened) { running in
            _ = try await running.router.orders.recover()
            let record = try #require(running.router.context.investors.record(of: alice))
            #expect(record.revision == 4 && record.accreditation?.verifiedOn == CalendarDate("2026-08-26"))
            let parent = await running.router.orders.submit(try order(acme))
            #expect(parent.status != .rejected, "\(parent.rejection.map(\.description) ?? "")")
        }
    }

    @Test func twoWritersOfOneRevisionCannotBothSucceed() throws {
        // The journal itself refuses a second revision 1: what fences two officers on two instances.
        let (journal, _) = try temporaryJournal()
        func work(_ by: String) -> UnitOfWork {
            var work = UnitOfWork()
            work.investors = [InvestorRow(account: "alice", revision: 1, updatedAt: 1, record: "{}")]
            work.investorEvents = [InvestorEventRow(account: "alice", revision: 1, at: 1, by: by, record: "{}")]
            return work
        }
        try journal.commit(work("one"))
        #expect(throws: (any Error).self) { try journal.commit(work("two")) }
        #expect(try journal.investorHistory(account: "alice").map(\.by) == ["one"])
    }

    @Test func aRevokedInvestorCannotSubscribeOrConvert() async throws {
        try await InProcessRouter.with { running in
            let investors = running.router.context.investors
            var record = try #require(investors.record(of: alice))
            record.kyc = .init(status: .pending, provider: "Onfido")
            try investors.update(record, by: "compliance", at: running.clock.now())
            let converted = try await running.router.conversions.convert(
                account: alice, venue: try VenueID("inx"), from: .usdc, to: .usd, amount: Money(rawValue: Money.unit))
            #expect(converted.status == .rejected && converted.rejection?.code == .kycPending)
        }
    }
}
