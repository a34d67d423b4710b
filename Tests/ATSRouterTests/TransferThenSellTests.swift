import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSSettlement
import ATSStorage
import ATSVenues
import Testing

@testable import ATSRouter

/// Transfer-then-sell through the router and the venue mocks on real sockets: a sale with
/// `allowTransfers` of tokens held where no venue the order may use settles waits
/// `pending_transfer` while the router moves them, survives a restart with its transfer journalled
/// in the same transaction (exactly one, not a second), and is routed when they arrive; without
/// `allowTransfers`, or as an IOC, it is refused as before; a transfer that cannot pay its fee
/// rejects the order `transfer_failed`; a cancel stops the sale, not the move.
@Suite(.serialized) struct TransferThenSellTests {
    let alice = try! AccountID("alice")
    let acme = try! Symbol("ACME")
    let tzero = try! VenueID("tzero")
    let texture = try! VenueID("texture")
    let ethereum = CustodyLocation.wallet(chain: "ethereum")

    func sale(
        _ quantity: String = "100", at venue: VenueID, tif: TimeInForce.Kind = .day, allowTransfers: Bool = true
    ) throws -> ParentOrderRequest {
        ParentOrderRequest(
            account: alice, symbol: acme, side: .sell, quantity: try Quantity(quantity), limitPrice: try Price("9.00"),
            timeInForce: tif, includeVenues: [venue], allowTransfers: allowTransfers)
    }

    @Test(arguments: JournalBackend.all)
    func aSaleWaitsForItsTransferSurvivesARestartAndIsRoutedWhenTheTokensArrive(backend: JournalBackend)
        async throws
    {
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            await live.router.pollAll()
            let desk = live.router.settlement
            let securitize = try #require(live.router.context.catalog.venue(try VenueID("securitize")))
            let before = desk.sellable(alice, acme, at: securitize)
            // alice's ACME is in her Ethereum wallet; tZERO settles at its custodian.
            let order = await live.router.orders.submit(try sale(at: tzero))
            #expect(order.status == .pendingTransfer, "\(order)")
            #expect(order.children.isEmpty)
            #expect(order.note?.contains("to sell at tzero") == true, "\(order.note ?? "")")
            let transfers = desk.openTransfers(of: Int64(order.id.rawValue))
            #expect(transfers.count == 1)
            let transfer = try #require(transfers.first)
            #expect(transfer.from == ethereum && transfer.to == .custodian(tzero))
            #expect(transfer.quantity == (try Quantity("100")) && transfer.status == .inFlight)
            #expect(transfer.parentOrderId == Int64(order.id.rawValue))
            // The tokens left the wallet: 100 fewer to sell there.
            #expect(
                desk.sellable(alice, acme, at: securitize).rawValue == before.rawValue - (try Quantity("100")).rawValue)
            await live.router.orders.refreshResting()
            #expect(await live.router.orders.parent(order.id)?.status == .pendingTransfer)

            // A restart while the tokens are on their way: the order still waits, for the one transfer.
            let restarted = try await live.restarted(journal: try made.reopen())
            _ = try await restarted.orders.recover()
            #expect(await restarted.orders.parent(order.id)?.status == .pendingTransfer)
            #expect(restarted.settlement.openTransfers(of: Int64(order.id.rawValue)).map(\.id) == [transfer.id])
            await restarted.pollAll()
            await restarted.orders.refreshResting()
            #expect(await restarted.orders.parent(order.id)?.status == .pendingTransfer)

            // Two hours later the deposit has arrived: the order is routed, to tZERO only.
            try restarted.settlement.advance(to: live.clock.now().adding(seconds: 2 * 3_600))
            #expect(restarted.settlement.openTransfers(of: Int64(order.id.rawValue)).isEmpty)
            await restarted.orders.refreshResting()
            let routed = try #require(await restarted.orders.doneOrResting(order.id, timeout: .seconds(10)))
            #expect(routed.status == .filled || routed.status == .resting, "\(routed)")
            #expect(!routed.children.isEmpty && routed.children.allSatisfy { $0.venue == tzero }, "\(routed.children)")
            #expect(routed.children.allSatisfy { $0.refusal == nil }, "\(routed.children)")
            #expect(routed.note == nil || routed.note?.contains("waiting for custody") == false)
            await restarted.orders.drain(timeout: .seconds(5))
            #expect(restarted.settlement.book().invariantViolations() == [])
            await restarted.shutdown()
        }
    }

    @Test func withoutAllowTransfersOrAsAnIOCTheSaleIsRefusedAndACancelStopsTheSaleNotTheMove() async throws {
        try await LiveRouter.with { live in
            await live.router.pollAll()
            let orders = live.router.orders
            let refused = await orders.submit(try sale(at: tzero, allowTransfers: false))
            #expect(refused.rejection?.code == .positionNotAtVenue, "\(refused)")
            // Sold where the tokens are, the decision keeps tZERO's bid it could not reach, and what would unlock it.
            var elsewhere = try sale("10", at: tzero, tif: .ioc, allowTransfers: false)
            elsewhere.includeVenues = [tzero, try VenueID("securitize")]
            let sold = await orders.submit(elsewhere)
            let first = try #require(sold.decisions.first, "\(sold)")
            let unreachable = try #require(first.unreachable?[tzero], "\(first.excluded)")
            #expect(unreachable.code == "position_not_at_venue" && unreachable.quantity.isPositive)
            #expect(unreachable.unlock?.contains("custody transfer from wallet:ethereum") == true, "\(unreachable)")
            #expect(first.unreachable?[try VenueID("securitize")] == nil)
            let now = await orders.submit(try sale(at: tzero, tif: .ioc))
            #expect(now.rejection?.code == .positionNotAtVenue, "\(now)")
            #expect(now.rejection?.message.contains("DAY and GTC orders only") == true)
            #expect(live.router.settlement.book().transfers.isEmpty)

            let waiting = await orders.submit(try sale(at: tzero))
            #expect(waiting.status == .pendingTransfer)
            let cancelled = try #require(await orders.cancel(waiting.id))
            #expect(cancelled.status == .cancelled && cancelled.children.isEmpty)
            // The tokens still arrive, at tZERO's custodian, where alice can sell them.
            try live.router.settlement.advance(to: live.clock.now().adding(seconds: 2 * 3_600))
            await orders.refreshResting()
            #expect(await orders.parent(waiting.id)?.status == .cancelled)
            let venue = try #require(live.router.context.catalog.venue(tzero))
            #expect(live.router.settlement.sellable(alice, acme, at: venue) == (try Quantity("100")))
            // Now in place, the same sale needs no transfer.
            let direct = await orders.submit(try sale(at: tzero))
            #expect(direct.status != .pendingTransfer && direct.status != .rejected, "\(direct)")
            #expect(live.router.settlement.openTransfers(of: Int64(direct.id.rawValue)).isEmpty)
        }
    }

    @Test func aTransferThatCannotPayItsFeeRejectsTheOrderNamingWhereTheTokensAre() async throws {
        // 10.00 USD at the bank: the bridge to Plume (Texture) costs 15.00.
        try await LiveRouter.with(configure: { configuration in
            let index = configuration.accounts.firstIndex { $0.id.rawValue == "alice" }!
            configuration.accounts[index].cash = configuration.accounts[index].cash!.map {
                var balance = $0
                if balance.location == .bank { balance.amount = Money(rawValue: 10 * Money.unit) }
                return balance
            }
        }) { live in
            await live.router.pollAll()
            let order = await live.router.orders.submit(try sale(at: texture))
            #expect(order.status == .pendingTransfer, "\(order)")
            await live.router.orders.refreshResting()
            let failed = try #require(await live.router.orders.parent(order.id))
            #expect(failed.status == .rejected && failed.rejection?.code == .transferFailed, "\(failed)")
            #expect(
                failed.rejection?.message.contains("700 at wallet:ethereum") == true,
                "\(failed.rejection?.message ?? "")")
            let transfer = try #require(live.router.settlement.book().transfers.last)
            #expect(transfer.status == .failed && transfer.parentOrderId == Int64(order.id.rawValue))
            #expect(transfer.failure?.contains("not payable") == true, "\(transfer.failure ?? "")")
            #expect(live.router.settlement.book().invariantViolations() == [])
        }
    }

    @Test func aBuyWhoseCashIsInAnotherAssetConvertsItThenBuys() async throws {
        // No USDC in alice's Ethereum wallet, where Securitize settles; USD at INX's custodian.
        try await LiveRouter.with(configure: { configuration in
            let index = configuration.accounts.firstIndex { $0.id.rawValue == "alice" }!
            configuration.accounts[index].cash = configuration.accounts[index].cash!.filter {
                !($0.asset == .usdc && $0.location == .wallet(chain: "ethereum"))
            }
        }) { live in
            await live.router.pollAll()
            let orders = live.router.orders
            let securitize = try VenueID("securitize")
            let inx = try VenueID("inx")
            func buy(_ tif: TimeInForce.Kind, allow: Bool = true) throws -> ParentOrderRequest {
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("100"),
                    limitPrice: try Price("10.50"), timeInForce: tif, includeVenues: [securitize],
                    allowTransfers: allow)
            }
            let refused = await orders.submit(try buy(.day, allow: false))
            #expect(refused.rejection?.code == .insufficientCash, "\(refused)")
            let now = await orders.submit(try buy(.ioc))
            #expect(now.rejection?.code == .insufficientCash && now.rejection?.message.contains("DAY and GTC") == true)
            let inxVenue = try #require(live.router.context.catalog.venue(inx))
            let usdBefore = live.router.settlement.spendable(alice, at: inxVenue)

            let order = await orders.submit(try buy(.day))
            #expect(order.status == .pendingTransfer, "\(order)")
            #expect(order.note?.contains("cash conversion at inx") == true, "\(order.note ?? "")")
            // The conversion is sent in the background; once INX has converted, the next round buys.
            await orders.drain(timeout: .seconds(10))
            let conversions = try live.router.conversions.conversions(account: alice)
            let conversion = try #require(conversions.first { $0.parentOrderId == Int64(order.id.rawValue) })
            #expect(conversion.status == .completed, "\(conversion)")
            #expect(conversion.from == .usd && conversion.to == .usdc && conversion.venue == inx)
            #expect(
                live.router.settlement.spendable(alice, at: inxVenue).rawValue
                    == usdBefore.rawValue - conversion.amount.rawValue)
            await orders.refreshResting()
            let bought = try #require(await orders.doneOrResting(order.id, timeout: .seconds(10)))
            #expect(bought.status == .filled || bought.status == .resting, "\(bought)")
            #expect(!bought.children.isEmpty && bought.children.allSatisfy { $0.venue == securitize })
            #expect(bought.children.allSatisfy { $0.refusal == nil }, "\(bought.children)")
            await orders.drain(timeout: .seconds(5))
            #expect(live.router.settlement.book().invariantViolations() == [])
        }
    }
}
