import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSPlanning
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Foundation
import Testing

@testable import ATSRouter

/// The order manager with its journal: everything it does reads back, and a restart reconciles
/// what the previous process left open with the venues, by idempotency key.
@Suite(.serialized) struct JournalRecoveryTests {
    let alice = try! AccountID("alice")
    let bob = try! AccountID("bob")
    let acme = try! Symbol("ACME")
    let tzero = try! VenueID("tzero")

    func bestAsk(_ live: LiveRouter) async throws -> Price {
        try #require(await live.bestAsk(acme, for: alice))
    }

    func waitUntilSettled(_ orders: OrderManager, _ id: OrderID) async throws -> ParentOrder {
        try #require(await orders.doneOrResting(id, timeout: .seconds(10)))
    }

    @Test(arguments: JournalBackend.all)
    func everyParentReadsBackExactlyAfterARestart(backend: JournalBackend) async throws {
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            let ask = try await bestAsk(live)
            let filled = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("300"), timeInForce: .ioc,
                    clientOrderId: "a-1"))
            let refused = await live.router.orders.submit(
                ParentOrderRequest(
                    account: bob, symbol: acme, side: .buy, quantity: try Quantity("10"), timeInForce: .ioc))
            let limit = Price(rawValue: (ask.rawValue - 50_000_000) / 1_000_000 * 1_000_000)
            // Fresh books for the resting order: the two orders before it may have taken longer
            // than the staleness limit on a loaded machine, and a stale book is no place to rest.
            await live.router.pollAll()
            let resting = try await waitUntilSettled(
                live.router.orders,
                live.router.orders.submit(
                    ParentOrderRequest(
                        account: alice, symbol: acme, side: .buy, quantity: try Quantity("25"), limitPrice: limit,
                        timeInForce: .day)
                ).id)
            #expect(filled.filledQuantity.isPositive)
            #expect(refused.status == .rejected)
            #expect(resting.status == .resting, "\(resting.note ?? "") \(resting.decisions.count)")
            #expect(filled.children.allSatisfy { $0.clientKey.hasPrefix(journal.tag + "-p") })

            let restarted = try await live.restarted(journal: try made.reopen())
            let report = try await restarted.orders.recover()
            #expect(report.loaded == 3)
            #expect(report.open == 1)
            #expect(report.childrenReconciled == 1)  // the resting child, asked about at its venue
            for original in [filled, refused, resting] {
                #expect(await restarted.orders.parent(original.id) == original, "parent \(original.id)")
            }
            // Settlement reads back too: one settlement per fill, the same ledgers and cap table.
            let before = try live.router.settlement.wholeBook()
            let after = try restarted.settlement.wholeBook()
            #expect(before.settlements.count == filled.children.reduce(0) { $0 + $1.fills.count })
            #expect(after.settlements == before.settlements && after.transfers == before.transfers)
            #expect(after.ledger.balances == before.ledger.balances && after.capTable.lots == before.capTable.lots)
            #expect(after.invariantViolations() == [])
            // The events tell the story in order.
            let kinds = try journal.events(of: Int64(filled.id.rawValue)).map(\.kind)
            #expect(kinds.first == "accepted")
            #expect(kinds.contains("decision") && kinds.contains("child_created") && kinds.contains("fill"))
            #expect(kinds.last == "status")
            // The cancel goes through the restarted router and reaches the venue.
            let cancelled = try #require(await restarted.orders.cancel(resting.id))
            #expect(cancelled.status == .cancelled)
            let child = try #require(cancelled.children.last)
            let truth = try await live.fleet.engines[child.venue]!.order(
                try OrderID(parsing: try #require(child.venueOrderID)),
                owner: "\(child.venue)-demo")
            #expect(truth.status == .cancelled)
            // New ids continue after the journal's.
            let next = await restarted.orders.submit(
                ParentOrderRequest(
                    account: bob, symbol: acme, side: .buy, quantity: try Quantity("1"), timeInForce: .ioc))
            #expect(next.id.rawValue == resting.id.rawValue + 1)
            await restarted.shutdown()
        }
    }

    @Test(arguments: JournalBackend.all)
    func aClientOrderIdReturnsTheSameOrderAndRefusesADifferentOne(backend: JournalBackend) async throws {
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            await live.router.pollAll()
            let request = ParentOrderRequest(
                account: alice, symbol: acme, side: .buy, quantity: try Quantity("5"),
                timeInForce: .ioc, clientOrderId: "same")
            let first = try await live.router.orders.start(request)
            let again = try await live.router.orders.start(request)
            #expect(!first.replayed && again.replayed)
            #expect(first.parent.id == again.parent.id)
            var different = request
            different.quantity = try Quantity("6")
            await #expect(throws: SubmissionError.clientOrderIdReused("same", existing: first.parent.id)) {
                try await live.router.orders.start(different)
            }
            // Bob may use the same client order id: it is per account.
            var bobs = request
            bobs.account = bob
            #expect(try await live.router.orders.start(bobs).parent.id != first.parent.id)
            _ = try await waitUntilSettled(live.router.orders, first.parent.id)
            await live.router.orders.drain(timeout: .seconds(5))
            // And after a restart.
            let restarted = try await live.restarted(journal: try made.reopen())
            _ = try await restarted.orders.recover()
            let replay = try await restarted.orders.start(request)
            #expect(replay.replayed && replay.parent.id == first.parent.id)
            await restarted.shutdown()
        }
    }

    /// Writes a working parent with one pending take child at tZERO, as a process would just
    /// before sending it; `sent` sends it as that process would have, before being killed.
    func crashWithPendingChild(_ live: LiveRouter, journal: any JournalStore, sent: Bool) async throws -> (
        ParentOrder, ChildOrder
    ) {
        let ask = try await bestAsk(live)
        var parent = ParentOrder(
            id: OrderID(1), account: alice, clientOrderId: nil, symbol: acme, side: .buy,
            quantity: try Quantity("10"), limitPrice: ask, timeInForce: .ioc, strategy: .cost,
            includeVenues: [tzero], excludeVenues: [], createdAt: live.clock.now())
        let writer = OrderJournal(journal: journal)
        try writer.accept(parent)
        let before = parent
        let child = ChildOrder(
            clientKey: "\(journal.tag)-p1-c1", venue: tzero, quantity: try Quantity("10"), limitPrice: ask,
            timeInForce: .ioc, purpose: .take, decision: 0, createdAt: live.clock.now())
        parent.children.append(child)
        try journal.commit(OrderJournal.change(from: before, to: parent, at: live.clock.now()))
        if sent {
            let gateway = try #require(live.router.context.gateways[tzero])
            _ = try await gateway.call("submit") {
                try await $0.submit(
                    ChildOrderRequest(
                        clientKey: child.clientKey, symbol: acme, side: .buy, quantity: child.quantity, limitPrice: ask,
                        timeInForce: .ioc))
            }
        }
        return (parent, child)
    }

    @Test(arguments: JournalBackend.all, [true, false])
    func aPendingChildIsReconciledByItsKeyAndNeverPlacedTwice(backend: JournalBackend, sentBeforeTheCrash: Bool)
        async throws
    {
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with { live in
            let (parent, child) = try await crashWithPendingChild(live, journal: journal, sent: sentBeforeTheCrash)
            let restarted = try await live.restarted(journal: try made.reopen())
            let report = try await restarted.orders.recover()
            #expect(report.open == 1 && report.childrenReconciled == 1 && report.childrenUnreachable == 0)
            let recovered = try await waitUntilSettled(restarted.orders, parent.id)
            await restarted.orders.drain(timeout: .seconds(5))
            let orders = await live.fleet.engines[tzero]!.clientOrders().filter { $0.clientKey == child.clientKey }
            #expect(orders.count == 1)  // one order at the venue for the key, whatever the replays
            #expect(orders.first?.submissions == (sentBeforeTheCrash ? 2 : 1))
            let first = try #require(recovered.children.first)
            #expect(first.venueOrderID == orders.first?.orderId)
            #expect(first.filledQuantity.description == orders.first?.filledQuantity)
            #expect(first.isTerminal)
            // The fills are journalled: a third start reads them back.
            let third = try await live.restarted(journal: try made.reopen())
            _ = try await third.orders.recover()
            #expect(await third.orders.parent(parent.id)?.children.first?.fills == first.fills)
            await restarted.shutdown()
            await third.shutdown()
        }
    }

    @Test(arguments: JournalBackend.all)
    func aRefusedOrderIsJournalledAsRejected(backend: JournalBackend) async throws {
        let (journal, _) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            _ = await live.router.orders.submit(
                ParentOrderRequest(account: bob, symbol: acme, side: .buy, quantity: try Quantity("1")))
            #expect(try journal.allEvents().map(\.kind) == ["rejected"])
        }
    }

    /// Rows are checked as they load: a value out of range, or quantities that do not add up, stop
    /// the load naming the parent, instead of trading on a journal that lies.
    @Test(
        arguments: JournalBackend.all,
        [
            ("UPDATE parent_order SET quantity = -5", "quantity"),
            ("UPDATE parent_order SET status = 'finished'", "status"),
            ("UPDATE child_order SET filledQuantity = quantity + 1", "out of range"),
            ("UPDATE child_order SET status = 'lost'", "child"),
            ("UPDATE execution SET quantity = -1", "execution"),
            ("UPDATE child_order SET quantity = 400000000000, filledQuantity = 400000000000", "filled"),
        ])
    func aRowThatDoesNotAddUpStopsTheLoad(backend: JournalBackend, tampering: (sql: String, reason: String))
        async throws
    {
        let (sql, reason) = tampering
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            await live.router.pollAll()
            let filled = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("30"), timeInForce: .ioc))
            #expect(filled.filledQuantity.isPositive)
            try made.executeRaw(sql)
            let restarted = try await live.restarted(journal: try made.reopen())
            do {
                try await restarted.orders.loadJournal()
                Issue.record("\(sql) loaded")
            } catch {
                #expect("\(error)".contains("parent \(filled.id)") && "\(error)".contains(reason), "\(sql): \(error)")
            }
            await restarted.shutdown()
        }
    }

    /// With a journal, a parent that is done leaves memory: the working set stays the orders
    /// working, whatever the day's count; reads, idempotent replays and counts still answer from
    /// the journal, and a restart loads only what is open.
    @Test(arguments: JournalBackend.all)
    func finishedOrdersLeaveMemoryAndStillReadBack(backend: JournalBackend) async throws {
        let (journal, test) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            await live.router.pollAll()
            let orders = live.router.orders
            var made: [ParentOrder] = []
            for index in 0..<1_100 {
                made.append(
                    await orders.submit(
                        ParentOrderRequest(
                            account: index % 3 == 0 ? bob : alice, symbol: acme, side: .buy,
                            quantity: try Quantity("1"), timeInForce: .ioc,
                            clientOrderId: "m-\(index)")))
            }
            #expect(made.allSatisfy { $0.status.isTerminal })
            let memory = await orders.parentsInMemory
            #expect(memory.working == 0 && memory.recentlyFinished == 1_024, "\(memory)")
            // The oldest are read back from the journal exactly as they ended.
            for parent in [made[0], made[1], made[500], made[1_099]] {
                #expect(await orders.parent(parent.id) == parent, "\(parent.id)")
            }
            // A replay of an old clientOrderId finds its order; a different order under it is refused.
            let replay = await orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("1"),
                    timeInForce: .ioc, clientOrderId: "m-1"))
            #expect(replay.id == made[1].id)
            do {
                _ = try await orders.start(
                    ParentOrderRequest(
                        account: alice, symbol: acme, side: .buy, quantity: try Quantity("2"),
                        timeInForce: .ioc, clientOrderId: "m-1"))
                Issue.record("a reused clientOrderId was taken")
            } catch {
                #expect((error as? SubmissionError)?.code == "client_order_id_reused")
            }
            // Counts cover every parent, in memory or not.
            let statistics = await orders.statistics()
            #expect(statistics.parentsByStatus.values.reduce(0, +) == 1_100)
            // Pages newest first, each parent once.
            var seen: [OrderID] = []
            var before: OrderID?
            repeat {
                let page = try await orders.page(of: alice, before: before, limit: 300)
                seen += page.map(\.id)
                before = page.count == 300 ? page.last?.id : nil
            } while before != nil
            #expect(seen == made.filter { $0.account == alice }.map(\.id).reversed())
            // A restart holds only what is open (nothing here), and counts the rest.
            let restarted = try await live.restarted(journal: try test.reopen())
            try await restarted.orders.loadJournal()
            #expect(await restarted.orders.parentsInMemory.working == 0)
            #expect(await restarted.orders.statistics() == statistics)
            await restarted.shutdown()
        }
    }
}
