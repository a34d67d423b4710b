import ATSDomain
import ATSOrders
import ATSRouter
import ATSRouterTestSupport
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Testing

/// The router over in-process venues (``InProcessVenueAdapter``): the same engines, books, rules,
/// idempotent keys and fees as the socket tests, without a socket. Seeded flows of IOC, FOK and
/// DAY orders, buys and sells: each child agrees with the venue's own record of its order, no
/// parent fills beyond its quantity or its limit, every fill is journalled once and settled once.
@Suite struct InProcessRouterTests {
    let alice = try! AccountID("alice")
    let acme = try! Symbol("ACME")

    @Test(arguments: [UInt64(21), 22, 23])
    func seededFlowsAgreeWithTheVenuesAndTheJournal(seed: UInt64) async throws {
        let (journal, _) = try temporaryJournal()
        let running = try InProcessRouter.start(journal: journal)
        let (router, engines) = (running.router, running.engines)
        var random = SplitMix64(seed: seed)
        await router.pollAll()
        let mid = try #require(await router.context.consolidatedBook(acme, account: alice, side: .buy).bestAsk).rawValue
        var ids: [OrderID] = []
        for _ in 0..<30 {
            let side: Side = random.below(3) == 0 ? .sell : .buy
            let tif: TimeInForce.Kind = [.ioc, .ioc, .fok, .day][random.below(4)]
            let limit = Price(rawValue: (mid + (Int64(random.below(9)) - 4) * mid / 100) / 10_000 * 10_000)
            let request = ParentOrderRequest(
                account: alice, symbol: acme, side: side, quantity: try Quantity("\(5 * (1 + random.below(40)))"),
                limitPrice: tif == .ioc && random.below(3) == 0 ? nil : limit, timeInForce: tif)
            ids.append(await router.orders.submit(request).id)
            if random.below(4) == 0 { await router.pollAll() }
        }
        var filled = 0
        for id in ids {
            let parent = try #require(await router.orders.parent(id))
            #expect(parent.filledQuantity <= parent.quantity)
            for child in parent.children {
                filled += child.fills.count
                if let limit = parent.limitPrice {
                    #expect(child.fills.allSatisfy { parent.side == .buy ? $0.price <= limit : $0.price >= limit })
                }
                guard let venueOrderID = child.venueOrderID, let engine = engines[child.venue] else { continue }
                // The venue's own record of the child: the same fills, the same charges.
                let truth = try await engine.order(try OrderID(parsing: venueOrderID), owner: "\(child.venue)-demo")
                #expect(truth.filledQuantity == child.filledQuantity, "\(child.clientKey)")
                #expect(truth.fills.map(\.id) == child.fills.map(\.id), "\(child.clientKey)")
                #expect(truth.clientKey == child.clientKey)
            }
        }
        #expect(filled > 10)
        // Every fill journalled once and settled once.
        let executions = try journal.allExecutions().map { "\($0.venue)/\($0.fillId)" }
        #expect(executions.count == filled && Set(executions).count == filled)
        let settled = try await router.settlement.wholeBook().settlements.map { "\($0.venue)/\($0.fillId)" }
        #expect(Set(settled) == Set(executions))
        await router.shutdown()
    }
}
