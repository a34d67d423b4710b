import ATSDomain
import ATSOrders
import ATSRouter
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Foundation
import Testing

/// The router with a fault-injecting TCP proxy in front of tZERO: replies late, reset, swallowed,
/// replaced by 500s or garbage, trickled a byte at a time. After each phase, with concurrent orders
/// in flight: the router is alive and other venues fill; the faulty venue is excluded while broken
/// and re-admitted after; no parent is over-filled; every venue order under the journal's keys
/// equals its journalled child; every fill has its settlement.
@Suite(.serialized) struct FaultProxyTests {
    static let tzero = try! VenueID("tzero")
    static let acme = try! Symbol("ACME")
    static let accounts = ["alice", "dave", "erin"].map { try! AccountID($0) }

    static func fastSettings(_ configuration: inout RouterConfiguration) {
        var settings = configuration.routingSettings
        settings.requestTimeoutMilliseconds = 400
        settings.breakerFailureThreshold = 2
        settings.breakerOpenMilliseconds = 300
        settings.stalenessLimitMilliseconds = 1_500
        configuration.routing = settings
    }

    struct Counts: CustomStringConvertible {
        var orders = 0, unknownChildren = 0, lateFills = 0, reconciled = 0, filledElsewhere = 0
        var description: String {
            "\(orders) orders, \(unknownChildren) children unknown, \(reconciled) reconciled, \(lateFills) late fills recorded, "
                + "\(filledElsewhere) filled at other venues"
        }
    }

    @Test func everyFaultLeavesNoParentOverFilledAndEveryVenueOrderJournalled() async throws {
        let (journal, _) = try temporaryJournal()
        let live = try await LiveRouter.start(configure: Self.fastSettings, journal: journal)
        let proxy = try await FaultProxy.start(upstreamPort: Int(URL(string: live.fleet.urls[Self.tzero]!)!.port!))
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        Self.fastSettings(&configuration)
        var urls = live.fleet.urls
        urls[Self.tzero] = proxy.url
        let router = try SmartRouter(
            catalog: catalog, configuration: configuration, urls: urls, clock: live.clock, journal: journal)
        do {
            try await run(router: router, proxy: proxy, live: live, journal: journal)
        } catch {
            await router.shutdown()
            await proxy.stop()
            await live.stop()
            throw error
        }
        await router.shutdown()
        await proxy.stop()
        await live.stop()
    }

    func run(router: SmartRouter, proxy: FaultProxy, live: LiveRouter, journal: any JournalStore) async throws {
        _ = try await router.orders.recover()
        var counts = Counts()
        var random = SplitMix64(seed: 2026_11_30)

        /// A burst of concurrent buys: half only at tZERO, a quarter anywhere but tZERO (filled while
        /// tZERO is broken), a quarter anywhere; returns the parents as they came back.
        func burst(_ size: Int) async -> [ParentOrder] {
            var requests: [ParentOrderRequest] = []
            for index in 0..<size {
                let include: Set<VenueID> = index % 2 == 0 ? [Self.tzero] : []
                let exclude: Set<VenueID> = index % 4 == 1 ? [Self.tzero] : []
                requests.append(
                    ParentOrderRequest(
                        account: Self.accounts[random.below(Self.accounts.count)], symbol: Self.acme, side: .buy,
                        quantity: Quantity(rawValue: Int64(1 + random.below(5)) * Quantity.unit),
                        timeInForce: .ioc, includeVenues: include, excludeVenues: exclude))
            }
            counts.orders += size
            return await withTaskGroup(of: ParentOrder.self) { group in
                for request in requests { group.addTask { await router.orders.submit(request) } }
                var parents: [ParentOrder] = []
                for await parent in group { parents.append(parent) }
                return parents
            }
        }

        /// Settles what is unknown once the fault is gone: the resting monitor's cycle, run by hand.
        func reconcileAll() async {
            for _ in 0..<20 {
                await router.orders.refreshResting()
                if await router.orders.allParents().allSatisfy({ $0.status.isTerminal }) { return }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }

        func checkAfterPhase(_ phase: String) async throws {
            let parents = await router.orders.allParents()
            #expect(
                parents.allSatisfy { $0.status.isTerminal },
                "\(phase): \(parents.filter { !$0.status.isTerminal }.map(\.id))")
            for parent in parents {
                #expect(parent.filledQuantity <= parent.quantity, "\(phase): parent \(parent.id) over-filled")
                #expect(
                    parent.children.allSatisfy { $0.status != .unknown },
                    "\(phase): parent \(parent.id) still has an unknown child")
            }
            // Every venue order under this journal's keys is a journalled child with the same fills, and no key was placed twice.
            let children = Dictionary(uniqueKeysWithValues: parents.flatMap(\.children).map { ($0.clientKey, $0) })
            for (venue, engine) in live.fleet.engines {
                for order in await engine.clientOrders() where order.clientKey.hasPrefix(journal.tag + "-") {
                    let child = try #require(
                        children[order.clientKey], "\(phase): \(venue) has \(order.clientKey), unknown to the journal")
                    #expect(child.venue == venue)
                    #expect(
                        child.filledQuantity.description == order.filledQuantity,
                        "\(phase): \(order.clientKey) venue \(order.filledQuantity), journal \(child.filledQuantity)")
                    #expect(child.fills.count == order.fills, "\(phase): \(order.clientKey)")
                }
            }
            // Every fill is settled (one settlement per fill), and the journal reads back the same.
            let settlement = try router.settlement.wholeBook()
            let fills = parents.flatMap { $0.children.flatMap { child in child.fills.map { (child.venue, $0.id) } } }
            #expect(settlement.settlements.count == fills.count, "\(phase)")
            for (venue, fill) in fills {
                #expect(settlement.settlement(venue: venue, fillId: fill) != nil, "\(phase): \(venue) \(fill)")
            }
            let stored = try OrderJournal.parents(in: journal)
            #expect(stored.map(\.filledQuantity) == parents.map(\.filledQuantity), "\(phase)")
        }

        // Healthy before any fault: polled until it is, since on a loaded machine a first poll can
        // outlast the 400 ms deadline (and two such open the breaker for 300 ms); with the whole suite and
        // its spawned servers on two cores, for many seconds.
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            await router.pollAll()
            if await router.context.gateways[Self.tzero]!.isHealthy { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        #expect(await router.context.gateways[Self.tzero]!.isHealthy)
        for fault in [
            ProxyFault.delay(.milliseconds(700)), .reset, .garbage, .blackHole, .serverError,
            .trickle(.milliseconds(40)),
        ] {
            proxy.set(fault)
            let parents = await burst(8)
            for parent in parents {
                counts.unknownChildren += parent.children.filter { $0.status == .unknown }.count
                if parent.children.contains(where: { $0.venue != Self.tzero && $0.filledQuantity.isPositive }) {
                    counts.filledElsewhere += 1
                }
                // Nothing is routed twice while a child's answer is outstanding.
                #expect(parent.filledQuantity <= parent.quantity, "\(fault)")
                #expect(parent.unroutedQuantity.rawValue >= 0, "\(fault)")
            }
            // The router stays alive and routes elsewhere. Polled until another venue is in the book: with
            // the whole suite on two cores, a 400 ms poll elsewhere can miss too and hold its venue out
            // for a breaker interval (at most 30 s; on an idle machine the first round).
            var book = await router.context.consolidatedBook(Self.acme)
            let patience = ContinuousClock.now + .seconds(30)
            repeat {
                await router.pollAll()
                book = await router.context.consolidatedBook(Self.acme)
                if book.venues.contains(where: { $0.venue != Self.tzero && $0.included }) { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < patience
            #expect(book.venues.contains { $0.venue != Self.tzero && $0.included }, "\(fault)")
            let elsewhere = await router.orders.submit(
                ParentOrderRequest(
                    account: Self.accounts[0], symbol: Self.acme, side: .buy,
                    quantity: try Quantity("2"), timeInForce: .ioc))
            #expect(elsewhere.filledQuantity.isPositive, "\(fault): \(elsewhere.note ?? "")")
            #expect(!(await router.context.gateways[Self.tzero]!.isHealthy), "\(fault): the breaker opened")
            // The fault clears: re-admitted after the open interval, and every unknown child settled from the venue.
            proxy.set(.none)
            // Each open interval ends in one probe; on a loaded machine a probe can itself miss the
            // 400 ms deadline and reopen the breaker, so a few intervals are allowed.
            var readmitted = false
            for _ in 0..<10 where !readmitted {
                try await Task.sleep(for: .milliseconds(350))
                await router.pollAll()
                readmitted = await router.context.gateways[Self.tzero]!.isHealthy
            }
            #expect(readmitted, "\(fault): re-admitted")
            await reconcileAll()
            let after = await router.orders.allParents()
            for parent in after where parents.contains(where: { $0.id == parent.id }) {
                let before = parents.first { $0.id == parent.id }!
                if before.children.contains(where: { $0.status == .unknown }) {
                    counts.reconciled += 1
                    if parent.filledQuantity > before.filledQuantity { counts.lateFills += 1 }
                }
            }
            try await checkAfterPhase("\(fault)")
        }
        // The faults that lose answers the venue carried out (delay, reset, garbage, trickle) left children unknown; some filled late.
        #expect(counts.unknownChildren > 0 && counts.lateFills > 0, "\(counts)")
        #expect(counts.filledElsewhere > 0, "\(counts)")
        print("fault run: \(counts)")
    }
}
