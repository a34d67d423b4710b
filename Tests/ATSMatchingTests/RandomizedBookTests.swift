import ATSDomain
import Testing

@testable import ATSMatching

@Suite("Continuous book over seeded random operations")
struct RandomizedBookTests {
    /// Per-order accounting: what was submitted, filled, cancelled.
    struct Ledger {
        var submitted: [UInt64: Int64] = [:]
        var filled: [UInt64: Int64] = [:]
        var cancelled: [UInt64: Int64] = [:]

        mutating func record(_ events: some Sequence<BookEvent>) {
            for event in events {
                switch event {
                case .execution(let e):
                    filled[e.makerOrderID.rawValue, default: 0] += e.quantity.rawValue
                    filled[e.takerOrderID.rawValue, default: 0] += e.quantity.rawValue
                case .cancelled(let id, let quantity, _):
                    cancelled[id.rawValue, default: 0] += quantity.rawValue
                case .rested:
                    break
                }
            }
        }
    }

    @Test(
        "matches a naive reference book event for event, and keeps every invariant",
        arguments: [SelfTradePrevention.none, .cancelResting, .cancelIncoming], [UInt64(1), 2, 3, 4])
    func againstReference(prevention: SelfTradePrevention, seed: UInt64) throws {
        var random = SplitMix64(seed: seed &* 7919 &+ UInt64(prevention.rawValue.count))
        var book = OrderBook(configuration: .init(selfTradePrevention: prevention, expectedRestingOrders: 16))
        var naive = NaiveBook(selfTradePrevention: prevention)
        var ledger = Ledger()
        var now = t0
        var nextID: UInt64 = 1
        let accounts: [AccountID?] = [nil, account("a"), account("b"), account("c")]
        let tick: Int64 = 1_000_000  // 0.01

        func randomPrice() -> Int64 { 1_000_000_000 + Int64(random.below(21) - 10) * tick }
        func randomQuantity() -> Int64 { Int64(random.below(40) + 1) * Quantity.unit / (random.below(4) == 0 ? 2 : 1) }
        func randomResting() -> UInt64? {
            naive.orders.isEmpty ? nil : naive.orders[random.below(naive.orders.count)].id
        }

        for step in 0..<2_500 {
            let sequenceBefore = book.sequence
            let depthBefore = book.depth(levels: 100)
            var engineCode: RejectCode?
            var naiveCode: RejectCode?
            var expired: ([UInt64], [UInt64])?
            var incomingID: UInt64?
            let roll = random.below(100)
            switch roll {
            case 0..<60:
                let tifs: [TimeInForce] = [
                    .goodTillCancelled, .goodTillCancelled, .day, .immediateOrCancel, .fillOrKill,
                    .goodTillDate(now.adding(seconds: Int64(random.below(300)) - 20)),
                ]
                let isMarket = random.below(12) == 0
                let tif =
                    isMarket
                    ? (random.below(2) == 0 ? TimeInForce.immediateOrCancel : .fillOrKill)
                    : tifs[random.below(tifs.count)]
                // Now and then reuse a resting id to exercise the duplicate check.
                let id = random.below(25) == 0 ? (randomResting() ?? nextID) : nextID
                if id == nextID { nextID += 1 }
                incomingID = id
                let order = BookOrder(
                    id: OrderID(id), account: accounts[random.below(accounts.count)],
                    side: random.below(2) == 0 ? .buy : .sell,
                    limitPrice: isMarket ? nil : Price(rawValue: randomPrice()),
                    quantity: Quantity(rawValue: randomQuantity()), timeInForce: tif)
                do {
                    _ = try book.submit(order, at: now)
                    ledger.submitted[id, default: 0] += order.quantity.rawValue
                } catch { engineCode = error.code }
                naiveCode = naive.submit(order, now: now)
            case 60..<78:
                let id = random.below(10) == 0 ? nextID + 1000 : (randomResting() ?? 0)
                do { try book.cancel(OrderID(id)) } catch { engineCode = error.code }
                naiveCode = naive.cancel(id)
            case 78..<86:
                let id = randomResting() ?? 0
                let target = Int64(random.below(30)) * Quantity.unit / 2
                do { try book.reduce(OrderID(id), to: Quantity(rawValue: target)) } catch { engineCode = error.code }
                naiveCode = naive.reduce(id, to: target)
            case 86..<96:
                let id = randomResting() ?? 0
                let newPrice =
                    random.below(3) == 0 ? (naive.orders.first { $0.id == id }?.price ?? tick) : randomPrice()
                let newQuantity = randomQuantity()
                let before = naive.orders.first { $0.id == id }
                do {
                    _ = try book.replace(
                        OrderID(id), price: Price(rawValue: newPrice), quantity: Quantity(rawValue: newQuantity),
                        at: now)
                    // A replace that re-enters submits the new quantity afresh.
                    if let before, !(newPrice == before.price && newQuantity <= before.open) {
                        ledger.submitted[id, default: 0] += newQuantity
                    }
                } catch { engineCode = error.code }
                naiveCode = naive.replace(id, price: newPrice, quantity: newQuantity, now: now)
            default:
                now = now.adding(seconds: Int64(random.below(90)))
                let endOfDay = random.below(5) == 0
                let engineExpired = book.expireOrders(asOf: now, endOfDay: endOfDay).map(\.rawValue).sorted()
                expired = (engineExpired, naive.expire(now: now, endOfDay: endOfDay))
            }

            #expect(
                engineCode == naiveCode,
                "step \(step): engine \(String(describing: engineCode)) vs reference \(String(describing: naiveCode))")
            if let (engine, reference) = expired {
                #expect(engine == reference, "step \(step): expiries differ")
                #expect(book.events.map(\.naive).sorted(by: order) == naive.events.sorted(by: order), "step \(step)")
            } else if engineCode == nil {
                #expect(book.events.map(\.naive) == naive.events, "step \(step): events differ")
            }
            if engineCode != nil {
                // A refusal changes nothing.
                #expect(book.sequence == sequenceBefore)
                #expect(book.depth(levels: 100) == depthBefore)
                continue
            }
            ledger.record(book.events)
            // The book changed unless the only events are the arriving order's own unfilled remainder.
            let changed = book.events.contains { event in
                if case .cancelled(let id, _, let reason) = event, id.rawValue == incomingID,
                    reason == .unfilled || reason == .selfTrade
                {
                    return false
                }
                return true
            }
            #expect(
                changed ? book.sequence == sequenceBefore + 1 : book.sequence == sequenceBefore,
                "step \(step): sequence")

            try checkStructure(book, naive: naive, step: step)
            var touched = Set(
                book.events.flatMap { event -> [UInt64] in
                    switch event {
                    case .execution(let e): return [e.makerOrderID.rawValue, e.takerOrderID.rawValue]
                    case .cancelled(let id, _, _), .rested(let id, _): return [id.rawValue]
                    }
                })
            if let incomingID { touched.insert(incomingID) }
            checkConservation(ledger, book: book, ids: touched, step: step)
            for execution in book.executions {
                #expect(execution.quantity.rawValue > 0)
                #expect(execution.sequence == book.sequence)
            }
        }
        checkConservation(ledger, book: book, ids: Set(ledger.submitted.keys), step: -1)
    }

    /// filled + resting + cancelled = submitted, per order.
    private func checkConservation(_ ledger: Ledger, book: OrderBook, ids: Set<UInt64>, step: Int) {
        for id in ids {
            guard let submitted = ledger.submitted[id] else { continue }
            let resting = book.restingOrder(OrderID(id))?.quantity.rawValue ?? 0
            let accounted = ledger.filled[id, default: 0] + ledger.cancelled[id, default: 0] + resting
            #expect(accounted == submitted, "step \(step): order \(id) submitted \(submitted), accounted \(accounted)")
        }
    }

    private func order(_ a: NaiveBook.Event, _ b: NaiveBook.Event) -> Bool { "\(a)" < "\(b)" }

    private func checkStructure(_ book: OrderBook, naive: NaiveBook, step: Int) throws {
        let violations = book.invariantViolations()
        #expect(violations.isEmpty, "step \(step): \(violations)")
        #expect(!book.isCrossed)
        for side in Side.allCases {
            let engine = book.restingOrders(on: side)
            let reference = naive.queue(side)
            #expect(engine.map(\.id.rawValue) == reference.map(\.id), "step \(step): \(side) queue differs")
            #expect(engine.map(\.quantity.rawValue) == reference.map(\.open), "step \(step): \(side) quantities differ")
            // Depth equals the sum of the resting orders, level by level.
            var levels: [(Int64, Int64, Int)] = []
            for order in engine {
                if let last = levels.last, last.0 == order.price.rawValue {
                    levels[levels.count - 1] = (last.0, last.1 + order.quantity.rawValue, last.2 + 1)
                } else {
                    levels.append((order.price.rawValue, order.quantity.rawValue, 1))
                }
            }
            let depth = side == .buy ? book.depth(levels: 1_000).bids : book.depth(levels: 1_000).asks
            #expect(depth.map(\.price.rawValue) == levels.map(\.0))
            #expect(depth.map(\.quantity.rawValue) == levels.map(\.1))
            #expect(depth.map(\.orderCount) == levels.map(\.2))
        }
    }
}
