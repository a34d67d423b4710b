import ATSDomain
import Testing

@testable import ATSMatching

@Suite("Periodic call auction")
struct AuctionTests {
    let auction = OrderBook.Configuration(matching: .callAuction, tickSize: price("0.01"))

    /// Bids 100 @ 10.05 and 50 @ 10.02; asks 80 @ 10.00 and 60 @ 10.03. Volume 100 trades anywhere in
    /// [10.03, 10.05] with imbalance 40 (demand 100, supply 140).
    private func handBook(reference: String? = nil) throws -> OrderBook {
        var configuration = auction
        configuration.referencePrice = reference.map(price)
        var book = OrderBook(configuration: configuration)
        _ = try book.submit(limit(1, .buy, "10.05", "100"), at: t0)
        _ = try book.submit(limit(2, .buy, "10.02", "50"), at: t0)
        _ = try book.submit(limit(3, .sell, "10.00", "80"), at: t0)
        _ = try book.submit(limit(4, .sell, "10.03", "60", .day), at: t0)
        return book
    }

    @Test("orders collect without trading, and the book may cross while they do")
    func collects() throws {
        let book = try handBook()
        #expect(book.restingOrderCount == 4)
        #expect(book.isCrossed)
        #expect(book.sequence == 4)
        #expect(book.invariantViolations().isEmpty)
    }

    @Test(
        "the indicative price maximises volume, then minimises imbalance, then nears the reference",
        arguments: [
            (nil as String?, "10.03"), ("10.04", "10.04"), ("10.00", "10.03"), ("11", "10.05"), ("10.045", "10.04"),
        ])
    func indicative(reference: String?, expected: String) throws {
        let book = try handBook()
        let indication = try #require(book.indicativeUncross(referencePrice: reference.map(price)))
        #expect(indication.price == price(expected))
        #expect(indication.matchedVolume == quantity("100"))
        #expect(indication.buyVolume == quantity("100"))
        #expect(indication.sellVolume == quantity("140"))
        #expect(indication.imbalance == quantity("40"))
        #expect(indication.imbalanceSide == .sell)
    }

    @Test("uncross trades at one price in price-time priority and leaves the rest for the next auction")
    func uncross() throws {
        var book = try handBook(reference: "10.04")
        let result = try #require(try book.uncross())
        #expect(result.price == price("10.04"))
        let executions = book.executions
        #expect(executions.map(\.price) == [price("10.04"), price("10.04")])
        #expect(executions.map(\.quantity) == [quantity("80"), quantity("20")])
        #expect(executions.map(\.buyOrderID) == [OrderID(1), OrderID(1)])
        #expect(executions.map(\.sellOrderID) == [OrderID(3), OrderID(4)])
        #expect(executions.allSatisfy { $0.aggressorSide == nil })
        // Order 1 arrived first, so it is the maker of both.
        #expect(executions.map(\.makerOrderID) == [OrderID(1), OrderID(1)])
        #expect(!book.isCrossed)
        #expect(book.restingOrder(OrderID(4))?.quantity == quantity("40"))
        #expect(book.restingOrder(OrderID(2))?.quantity == quantity("50"))
        #expect(book.lastTradePrice == price("10.04"))
        // The next auction uses the last price as its reference; the DAY residual expires at day end.
        #expect(book.indicativeUncross() == nil)
        #expect(book.expireOrders(asOf: t0, endOfDay: true) == [OrderID(4)])
    }

    @Test("IOC orders take part in one auction only")
    func immediateOrCancel() throws {
        var book = OrderBook(configuration: auction)
        _ = try book.submit(limit(1, .buy, "10", "10", .immediateOrCancel), at: t0)
        _ = try book.submit(limit(2, .sell, "10", "4"), at: t0)
        _ = try book.submit(limit(3, .buy, "9", "5", .immediateOrCancel), at: t0)
        try book.uncross()
        #expect(book.executions.map(\.quantity) == [quantity("4")])
        #expect(Set(book.cancellations.map(\.0)) == [OrderID(1), OrderID(3)])
        #expect(book.cancellations.allSatisfy { $0.2 == .unfilled })
        #expect(book.restingOrderCount == 0)
        // Nothing crossing: no trade, and IOC orders still leave.
        _ = try book.submit(limit(4, .buy, "9", "5", .immediateOrCancel), at: t0)
        #expect(try book.uncross() == nil)
        #expect(book.restingOrderCount == 0)
    }

    @Test("an auction book takes limit orders only, and a continuous book has no auction")
    func refusals() throws {
        var book = OrderBook(configuration: auction)
        #expect(throws: Rejection.self) { try book.submit(market(1, .buy, "1"), at: t0) }
        #expect(throws: Rejection.self) { try book.submit(limit(2, .buy, "10", "1", .fillOrKill), at: t0) }
        var continuous = OrderBook()
        do {
            try continuous.uncross()
            Issue.record("a continuous book uncrossed")
        } catch {
            #expect(error.code == .notInAuctionMode)
        }
    }

    @Test("the uncross price matches a brute-force search of every price on the grid, and allocation follows priority")
    func bruteForce() throws {
        var random = SplitMix64(seed: 2026)
        let tick: Int64 = 1_000_000
        var crossedCases = 0
        for trial in 0..<3_000 {
            var configuration = auction
            configuration.referencePrice =
                random.below(4) == 0 ? nil : Price(rawValue: 995_000_000 + Int64(random.below(11)) * tick)
            var book = OrderBook(configuration: configuration)
            var orders: [(id: UInt64, side: Side, price: Int64, quantity: Int64, ioc: Bool)] = []
            for id in 1...UInt64(random.below(12) + 1) {
                let side: Side = random.below(2) == 0 ? .buy : .sell
                let limitPrice = 995_000_000 + Int64(random.below(11)) * tick
                let quantity = Int64(random.below(20) + 1) * Quantity.unit
                let ioc = random.below(5) == 0
                orders.append((id, side, limitPrice, quantity, ioc))
                _ = try book.submit(
                    BookOrder(
                        id: OrderID(id), side: side, limitPrice: Price(rawValue: limitPrice),
                        quantity: Quantity(rawValue: quantity),
                        timeInForce: ioc ? .immediateOrCancel : .goodTillCancelled), at: t0)
            }
            // Brute force over every grid price from the lowest limit to the highest.
            let reference = configuration.referencePrice?.rawValue
            var best: (volume: Int64, imbalance: Int64, distance: Int64, price: Int64, demand: Int64, supply: Int64)?
            let prices = orders.map(\.price)
            for p in stride(from: prices.min()!, through: prices.max()!, by: Int(tick)) {
                let demand = orders.filter { $0.side == .buy && $0.price >= p }.map(\.quantity).reduce(0, +)
                let supply = orders.filter { $0.side == .sell && $0.price <= p }.map(\.quantity).reduce(0, +)
                let candidate = (
                    min(demand, supply), abs(demand - supply), reference.map { abs(p - $0) } ?? 0, p, demand, supply
                )
                guard candidate.0 > 0 else { continue }
                if let current = best {
                    let better =
                        candidate.0 > current.volume
                        || (candidate.0 == current.volume && candidate.1 < current.imbalance)
                        || (candidate.0 == current.volume && candidate.1 == current.imbalance
                            && candidate.2 < current.distance)
                    if !better { continue }
                }
                best = candidate
            }
            let indication = book.indicativeUncross()
            #expect(
                indication?.price.rawValue == best?.price,
                "trial \(trial): \(orders), reference \(String(describing: reference))")
            #expect(indication?.matchedVolume.rawValue == best?.volume, "trial \(trial)")
            #expect(indication?.buyVolume.rawValue == best?.demand, "trial \(trial)")
            #expect(indication?.sellVolume.rawValue == best?.supply, "trial \(trial)")

            let sequenceBefore = book.sequence
            _ = try book.uncross()
            #expect(book.invariantViolations().isEmpty, "trial \(trial)")
            #expect(!book.isCrossed, "trial \(trial): crossed after the uncross")
            #expect(book.restingOrders(on: .buy).allSatisfy { $0.timeInForce != .immediateOrCancel })
            #expect(book.restingOrders(on: .sell).allSatisfy { $0.timeInForce != .immediateOrCancel })
            #expect(book.sequence == (book.events.isEmpty ? sequenceBefore : sequenceBefore + 1))
            guard let best else {
                #expect(book.executions.isEmpty)
                continue
            }
            crossedCases += 1
            // Expected allocation: walk each side in price-time order up to the volume.
            var expectedFills: [UInt64: Int64] = [:]
            for side in Side.allCases {
                var left = best.volume
                let eligible = orders.filter {
                    $0.side == side && (side == .buy ? $0.price >= best.price : $0.price <= best.price)
                }
                .sorted {
                    side == .buy
                        ? ($0.price, -Int64($0.id)) > ($1.price, -Int64($1.id)) : ($0.price, $0.id) < ($1.price, $1.id)
                }
                for order in eligible where left > 0 {
                    let fill = min(left, order.quantity)
                    expectedFills[order.id] = fill
                    left -= fill
                }
            }
            var actualFills: [UInt64: Int64] = [:]
            for execution in book.executions {
                #expect(execution.price.rawValue == best.price)
                actualFills[execution.buyOrderID.rawValue, default: 0] += execution.quantity.rawValue
                actualFills[execution.sellOrderID.rawValue, default: 0] += execution.quantity.rawValue
            }
            #expect(actualFills == expectedFills, "trial \(trial): allocation")
            // Conservation: filled + resting + cancelled = submitted for every order.
            for order in orders {
                let resting = book.restingOrder(OrderID(order.id))?.quantity.rawValue ?? 0
                let cancelled = book.cancellations.filter { $0.0.rawValue == order.id }.map(\.1.rawValue).reduce(0, +)
                #expect(
                    actualFills[order.id, default: 0] + resting + cancelled == order.quantity,
                    "trial \(trial): order \(order.id)")
            }
        }
        #expect(crossedCases > 1_000)
    }
}
