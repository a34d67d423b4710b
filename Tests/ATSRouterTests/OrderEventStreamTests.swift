import ATSDomain
import ATSJournalTestSupport
import ATSOrders
import ATSStorage
import ATSVenues
import Synchronization
import Testing

@testable import ATSRouter

/// The order event stream on random flows against the five mocks: a subscriber's events rebuild
/// each parent's final state exactly, numbered 1, 2, 3, … per order with no gap, one event per
/// journal event; after a restart the numbering goes on from the journal; and a subscriber that
/// does not keep up is dropped under the documented policy while routing carries on.
@Suite(.serialized) struct OrderEventStreamTests {
    let alice = try! AccountID("alice")
    let acme = try! Symbol("ACME")

    /// Reads `count` events, or fails after `seconds` (a stream that publishes too few would hang).
    static func read(_ stream: AsyncThrowingStream<OrderEvent, any Error>, count: Int, seconds: Int = 20) async throws
        -> [OrderEvent]
    {
        guard count > 0 else { return [] }
        return try await withThrowingTaskGroup(of: [OrderEvent]?.self) { group in
            group.addTask {
                var events: [OrderEvent] = []
                for try await event in stream {
                    events.append(event)
                    if events.count == count { break }
                }
                return events
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return try #require(first, "fewer than \(count) events arrived")
        }
    }

    /// A random flow: IOC, FOK and DAY orders, buys and sells, at random limits around the
    /// market, started concurrently; then the resting ones watched once and cancelled.
    static func randomFlow(_ live: LiveRouter, seed: UInt64, orders count: Int, account: AccountID, symbol: Symbol)
        async throws -> [OrderID]
    {
        var random = SplitMix64(seed: seed)
        let mid = try #require(await live.bestAsk(symbol, for: account)).rawValue
        var ids: [OrderID] = []
        for _ in 0..<count {
            let side: Side = random.below(3) == 0 ? .sell : .buy
            let tif: TimeInForce.Kind = [.ioc, .ioc, .fok, .day][random.below(4)]
            let away = Int64(random.below(9)) - 4
            let limit = Price(rawValue: (mid + away * mid / 100) / 10_000 * 10_000)
            let request = ParentOrderRequest(
                account: account, symbol: symbol, side: side, quantity: try Quantity("\(5 * (1 + random.below(30)))"),
                limitPrice: tif == .ioc && random.below(3) == 0 ? nil : limit, timeInForce: tif)
            ids.append(try await live.router.orders.start(request).parent.id)
        }
        for id in ids { _ = await live.router.orders.doneOrResting(id, timeout: .seconds(15)) }
        await live.router.pollAll()
        await live.router.orders.refreshResting()
        for id in ids where await live.router.orders.parent(id)?.status == .resting {
            _ = await live.router.orders.cancel(id)
        }
        return ids
    }

    @Test(arguments: JournalBackend.all, [UInt64(5), 6])
    func eventsRebuildEveryParentExactly(backend: JournalBackend, seed: UInt64) async throws {
        let (journal, made) = try temporaryJournal(backend)
        try await LiveRouter.with(journal: journal) { live in
            let stream = live.router.orders.eventStream.subscribe()
            let ids = try await Self.randomFlow(live, seed: seed, orders: 24, account: alice, symbol: acme)
            let expected = try ids.reduce(0) { $0 + (try journal.eventCount(of: Int64($1.rawValue))) }
            let events = try await Self.read(stream, count: expected)
            var kinds: Set<String> = []
            for id in ids {
                let mine = events.filter { $0.order == id }
                kinds.formUnion(mine.map(\.kind))
                #expect(mine.map(\.sequence) == Array(1...max(1, mine.count)), "order \(id): \(mine.map(\.sequence))")
                // One event per journal event, in the same order.
                let journalled = try journal.events(of: Int64(id.rawValue)).map(\.kind)
                #expect(mine.map { Self.journalKind($0.change) } == journalled, "order \(id)")
                // Rebuilt from its events, the parent is the one the router holds (and the journal reads back).
                guard case .accepted(let first)? = mine.first?.change ?? nil else {
                    #expect(mine.first?.kind == "rejected", "order \(id) starts with \(mine.first?.kind ?? "nothing")")
                    continue
                }
                let rebuilt = mine.dropFirst().reduce(first) { $0.applying($1) }
                let held = await live.router.orders.parent(id)
                #expect(rebuilt == held, "order \(id)")
            }
            #expect(
                kinds.isSuperset(of: ["accepted", "decision", "child_sent", "child_answered", "fill", "final"]),
                "\(kinds)")

            // A restart: the numbering of an order still open goes on from the journal.
            try await Self.numberingGoesOnAfterARestart(live, journal: made, account: alice, symbol: acme)
        }
    }

    /// A resting order placed by one process, recovered by the next, cancelled there: the
    /// cancel's events are numbered on from the journal's count.
    static func numberingGoesOnAfterARestart(
        _ live: LiveRouter, journal made: TestJournal, account: AccountID, symbol: Symbol
    )
        async throws
    {
        let journal = try made.reopen()
        let first = try await live.restarted(journal: journal)
        _ = try? await first.orders.recover()
        await first.pollAll()
        // A bid 3 % under the market, inside every venue's price band: it rests.
        let ask =
            await first.context.consolidatedBook(symbol, account: account, side: .buy).bestAsk?.rawValue
            ?? 1_000_000_000
        let request = ParentOrderRequest(
            account: account, symbol: symbol, side: .buy, quantity: try Quantity("5"),
            limitPrice: Price(rawValue: ask * 97 / 100 / 1_000_000 * 1_000_000), timeInForce: .gtc)
        let started = try? await first.orders.start(request).parent.id
        var resting: ParentOrder?
        if let started { resting = await first.orders.doneOrResting(started, timeout: .seconds(10)) }
        await first.shutdown()
        let id = try #require(resting?.id)
        #expect(resting?.status == .resting)
        let before = try journal.eventCount(of: Int64(id.rawValue))
        let second = try await live.restarted(journal: try made.reopen())
        do {
            _ = try await second.orders.recover()
            let resumed = second.orders.eventStream.subscribe()
            _ = await second.orders.cancel(id)
            let after = try journal.eventCount(of: Int64(id.rawValue))
            let tail = try await read(resumed, count: after - before)
            #expect(after > before)
            #expect(
                tail.map(\.sequence) == Array((before + 1)..<(after + 1)), "\(tail.map(\.sequence)) after \(before)")
            #expect(tail.last?.kind == "final")
        } catch {
            await second.shutdown()
            throw error
        }
        await second.shutdown()
    }

    /// The journal's kind for each change (the journal's names predate the stream's).
    static func journalKind(_ change: OrderEvent.Change) -> String {
        switch change {
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .decision: "decision"
        case .childSent: "child_created"
        case .childAnswered: "child_status"
        case .fill: "fill"
        case .cancelRequested: "cancel_requested"
        case .amended: "amended"
        case .status: "status"
        case .noted: "note"
        }
    }

    @Test func aSubscriberThatFallsBehindIsDroppedAndRoutingCarriesOn() async throws {
        let (journal, _) = try temporaryJournal()
        try await LiveRouter.with(journal: journal) { live in
            let slow = live.router.orders.eventStream.subscribe(buffer: 3)
            let keeping = live.router.orders.eventStream.subscribe()
            let ids = try await Self.randomFlow(live, seed: 9, orders: 8, account: alice, symbol: acme)
            // Every order finished while the slow subscriber read nothing.
            for id in ids { #expect(await live.router.orders.parent(id)?.status.isTerminal == true) }
            var delivered: [OrderEvent] = []
            do {
                for try await event in slow { delivered.append(event) }
                Issue.record("the slow subscriber's stream ended without an overflow")
            } catch let overflow as OrderEventStream.Overflow {
                #expect(overflow.buffer == 3)
                #expect(delivered.count == 3)
                #expect(
                    overflow.lastOrder == delivered.last?.order && overflow.lastSequence == delivered.last?.sequence)
            }
            // The one keeping up is still subscribed, and has every event the journal has, each order's numbered 1, 2, 3, ….
            #expect(live.router.orders.eventStream.subscriberCount == 1)
            let expected = try ids.reduce(0) { $0 + (try journal.eventCount(of: Int64($1.rawValue))) }
            let events = try await Self.read(keeping, count: expected)
            for id in ids {
                let sequences = events.filter { $0.order == id }.map(\.sequence)
                #expect(sequences == Array(1..<(sequences.count + 1)) && !sequences.isEmpty, "order \(id)")
            }
        }
    }
}
