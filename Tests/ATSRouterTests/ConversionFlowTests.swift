import ATSDomain
import ATSJournalTestSupport
import ATSRouter
import ATSRouterTestSupport
import ATSSettlement
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Testing

/// Cash conversions at INX (USDC/USD at 0.9998, 10 bp), worked by hand: the amount paid to the
/// venue where it keeps the asset, what it gave credited where it keeps the other, exactly.
@Suite struct ConversionFlowTests {
    let alice = try! AccountID("alice")
    let inx = try! VenueID("inx")

    func balance(_ book: SettlementBook, _ asset: CashAsset, _ location: CustodyLocation) -> Int64 {
        book.ledger.balance(Holder(alice), .cash(asset), at: location).available
    }

    @Test(arguments: JournalBackend.all)
    func usdcBecomesDollarsAtTheCustodianAndBack(backend: JournalBackend) async throws {
        let (journal, _) = try temporaryJournal(backend)
        try await InProcessRouter.with(journal: journal) { running in
            let desk = running.router.conversions
            let before = running.router.settlement.book()
            // 10 000 USDC × 0.9998 = 9 998.00; fee 10 bp = 9.998; received 9 988.002.
            let sold = try await desk.convert(
                account: alice, venue: inx, from: .usdc, to: .usd, amount: Money(rawValue: 10_000 * Money.unit))
            #expect(sold.status == .completed && sold.received == Money(rawValue: 998_800_200_000), "\(sold)")
            #expect(sold.fee == Money(rawValue: 999_800_000))
            // 1 000 USD ÷ 0.9998 = 1 000.20004000 (down); fee 1.00020004 (up); received 999.19983996.
            let bought = try await desk.convert(
                account: alice, venue: inx, from: .usd, to: .usdc, amount: Money(rawValue: 1_000 * Money.unit))
            #expect(bought.status == .completed && bought.received == Money(rawValue: 99_919_983_996), "\(bought)")
            let book = running.router.settlement.book()
            let wallet = CustodyLocation.wallet(chain: "ethereum")
            let custodian = CustodyLocation.custodian(inx)
            #expect(balance(book, .usdc, wallet) == balance(before, .usdc, wallet) - 1_000_000_000_000 + 99_919_983_996)
            #expect(
                balance(book, .usd, custodian) == balance(before, .usd, custodian) + 998_800_200_000 - 100_000_000_000)
            #expect(book.ledger.balance(Holder(alice), .cash(.usdc), at: wallet).locked == 0)
            #expect(book.invariantViolations() == [])
            #expect(try desk.conversions(account: alice).map(\.status) == [.completed, .completed])
            // The venue carried out each once.
            #expect(await running.engines[inx]!.conversions.all().count == 2)
        }
    }

    @Test func refusedConversionsNameTheirRuleAndHoldNothing() async throws {
        try await InProcessRouter.with { running in
            let desk = running.router.conversions
            let bob = try AccountID("bob")
            let refused = try await desk.convert(
                account: bob, venue: inx, from: .usdc, to: .usd, amount: Money(rawValue: Money.unit))
            #expect(refused.status == .rejected && refused.rejection?.code == .kycNotApproved)
            let tooMuch = try await desk.convert(
                account: alice, venue: inx, from: .usd, to: .usdc, amount: Money(rawValue: 600_000 * Money.unit))
            #expect(tooMuch.rejection?.code == .insufficientCash, "\(tooMuch)")
            await #expect(throws: SubscriptionError.self) {
                try await desk.convert(
                    account: alice, venue: try VenueID("tzero"), from: .usdc, to: .usd,
                    amount: Money(rawValue: Money.unit))
            }
            let book = running.router.settlement.book()
            #expect(book.ledger.balance(Holder(alice), .cash(.usd), at: .custodian(inx)).locked == 0)
            #expect(await running.engines[inx]!.conversions.all().isEmpty)
        }
    }
}
