import ATSDomain
import Testing

@testable import ATSMatching

@Suite("Continuous matching, hand-computed")
struct ContinuousMatchingTests {
    @Test("an order rests, and the next crossing order trades at the resting price")
    func restAndTrade() throws {
        var book = OrderBook()
        let rested = try book.submit(limit(1, .sell, "10.05", "100"), at: t0)
        #expect(rested.restingQuantity == quantity("100"))
        #expect(book.sequence == 1)
        let report = try book.submit(limit(2, .buy, "10.10", "40"), at: t0)
        #expect(report.filledQuantity == quantity("40"))
        #expect(book.executions.count == 1)
        let execution = try #require(book.executions.first)
        #expect(execution.price == price("10.05"))  // the maker's price, not the taker's limit
        #expect(execution.makerOrderID == OrderID(1))
        #expect(execution.takerOrderID == OrderID(2))
        #expect(execution.aggressorSide == .buy)
        #expect(execution.buyOrderID == OrderID(2))
        #expect(execution.sellOrderID == OrderID(1))
        #expect(execution.sequence == 2)
        #expect(book.sequence == 2)
        #expect(book.restingOrder(OrderID(1))?.quantity == quantity("60"))
    }

    @Test("price then time: better prices first, FIFO within a price")
    func priceTimePriority() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .sell, "10.02", "10"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.01", "10"), at: t0)
        _ = try book.submit(limit(3, .sell, "10.01", "10"), at: t0)
        _ = try book.submit(limit(4, .sell, "10.03", "10"), at: t0)
        let report = try book.submit(limit(5, .buy, "10.02", "25"), at: t0)
        #expect(report.filledQuantity == quantity("25"))
        #expect(book.executions.map(\.makerOrderID) == [OrderID(2), OrderID(3), OrderID(1)])
        #expect(book.executions.map(\.quantity) == [quantity("10"), quantity("10"), quantity("5")])
        #expect(book.executions.map(\.price) == [price("10.01"), price("10.01"), price("10.02")])
        #expect(book.topOfBook.ask == LevelSummary(price: price("10.02"), quantity: quantity("5"), orderCount: 1))
    }

    @Test("a limit order never trades through its limit; the rest rests")
    func limitRespected() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .sell, "10.01", "10"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.03", "10"), at: t0)
        let report = try book.submit(limit(3, .buy, "10.02", "30"), at: t0)
        #expect(
            report
                == SubmitReport(
                    orderID: OrderID(3), filledQuantity: quantity("10"),
                    restingQuantity: quantity("20"), cancelledQuantity: .zero))
        #expect(book.bestBid == price("10.02"))
        #expect(book.bestAsk == price("10.03"))
    }

    @Test("IOC trades what it can and cancels the rest")
    func immediateOrCancel() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "9.99", "10"), at: t0)
        let report = try book.submit(limit(2, .sell, "9.98", "25", .immediateOrCancel), at: t0)
        #expect(report.filledQuantity == quantity("10"))
        #expect(report.cancelledQuantity == quantity("15"))
        #expect(book.cancellations.map(\.2) == [.unfilled])
        #expect(book.restingOrderCount == 0)
    }

    @Test("an IOC that finds nothing changes nothing, not even the sequence")
    func immediateOrCancelNoLiquidity() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "9.99", "10"), at: t0)
        let report = try book.submit(limit(2, .sell, "10.00", "5", .immediateOrCancel), at: t0)
        #expect(report.cancelledQuantity == quantity("5"))
        #expect(book.sequence == 1)
    }

    @Test("FOK fills entirely at arrival or is refused leaving the book as it was")
    func fillOrKill() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .sell, "10.00", "10"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.01", "10"), at: t0)
        let before = book.depth(levels: 10)
        #expect(throws: Rejection.self) { try book.submit(limit(3, .buy, "10.01", "21", .fillOrKill), at: t0) }
        #expect(book.depth(levels: 10) == before)
        #expect(throws: Rejection.self) { try book.submit(limit(4, .buy, "10.00", "11", .fillOrKill), at: t0) }
        let report = try book.submit(limit(5, .buy, "10.01", "20", .fillOrKill), at: t0)
        #expect(report.filledQuantity == quantity("20"))
        #expect(book.restingOrderCount == 0)
        do {
            _ = try book.submit(limit(6, .buy, "10.01", "1", .fillOrKill), at: t0)
        } catch {
            #expect(error.code == .fillOrKillNotFillable)
        }
    }

    @Test("market orders sweep levels and never rest")
    func marketOrders() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "10.00", "10"), at: t0)
        _ = try book.submit(limit(2, .buy, "9.50", "10"), at: t0)
        let report = try book.submit(market(3, .sell, "30"), at: t0)
        #expect(report.filledQuantity == quantity("20"))
        #expect(report.cancelledQuantity == quantity("10"))
        #expect(book.executions.map(\.price) == [price("10.00"), price("9.50")])
        #expect(throws: Rejection.self) { try book.submit(market(4, .buy, "1", .goodTillCancelled), at: t0) }
        #expect(throws: Rejection.self) { try book.submit(market(5, .buy, "1", .fillOrKill), at: t0) }
    }

    @Test("cancel by id, unknown ids refused, duplicate ids refused")
    func cancel() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "10.00", "10"), at: t0)
        _ = try book.submit(limit(2, .buy, "10.00", "5"), at: t0)
        #expect(throws: Rejection.self) { try book.submit(limit(2, .sell, "11", "1"), at: t0) }
        #expect(try book.cancel(OrderID(1)) == quantity("10"))
        #expect(book.cancellations.map(\.2) == [.requested])
        #expect(book.topOfBook.bid == LevelSummary(price: price("10.00"), quantity: quantity("5"), orderCount: 1))
        #expect(throws: Rejection.self) { try book.cancel(OrderID(1)) }
        try book.cancel(OrderID(2))
        #expect(book.topOfBook.bid == nil)
        // The id is free again once its order is gone.
        _ = try book.submit(limit(1, .buy, "9", "1"), at: t0)
    }

    @Test("reducing keeps the place in the queue; a new price loses it")
    func amendments() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .sell, "10.00", "10"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.00", "10"), at: t0)
        try book.reduce(OrderID(1), to: quantity("4"))
        #expect(book.cancellations.map(\.1) == [quantity("6")])
        #expect(book.restingOrders(on: .sell).map(\.id) == [OrderID(1), OrderID(2)])
        #expect(throws: Rejection.self) { try book.reduce(OrderID(1), to: quantity("4")) }
        #expect(throws: Rejection.self) { try book.reduce(OrderID(1), to: .zero) }
        // Raising quantity at the same price loses priority.
        _ = try book.replace(OrderID(1), price: price("10.00"), quantity: quantity("8"), at: t0)
        #expect(book.restingOrders(on: .sell).map(\.id) == [OrderID(2), OrderID(1)])
        // Moving back the price, then moving it again, re-enters as new.
        _ = try book.replace(OrderID(2), price: price("10.01"), quantity: quantity("10"), at: t0)
        _ = try book.replace(OrderID(2), price: price("10.00"), quantity: quantity("10"), at: t0)
        #expect(book.restingOrders(on: .sell).map(\.id) == [OrderID(1), OrderID(2)])
        // A replace that crosses trades at once.
        _ = try book.submit(limit(3, .buy, "9.90", "5"), at: t0)
        let report = try book.replace(OrderID(3), price: price("10.00"), quantity: quantity("5"), at: t0)
        #expect(report.filledQuantity == quantity("5"))
        #expect(book.executions.first?.makerOrderID == OrderID(1))
        // A replace that changes nothing is refused; so is one with a bad price.
        #expect(throws: Rejection.self) {
            try book.replace(OrderID(2), price: price("10.00"), quantity: quantity("10"), at: t0)
        }
        #expect(throws: Rejection.self) { try book.replace(OrderID(2), price: .zero, quantity: quantity("10"), at: t0) }
        #expect(book.restingOrder(OrderID(2))?.quantity == quantity("10"))
    }

    @Test("self-trade prevention cancels the resting order and keeps matching")
    func selfTradeCancelResting() throws {
        var book = OrderBook(configuration: .init(selfTradePrevention: .cancelResting))
        _ = try book.submit(limit(1, .sell, "10.00", "10", account: "alice"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.00", "10", account: "bob"), at: t0)
        let report = try book.submit(limit(3, .buy, "10.00", "15", account: "alice"), at: t0)
        #expect(report.filledQuantity == quantity("10"))
        #expect(report.restingQuantity == quantity("5"))
        #expect(book.cancellations.map(\.0) == [OrderID(1)])
        #expect(book.cancellations.map(\.2) == [.selfTrade])
        #expect(book.executions.map(\.makerOrderID) == [OrderID(2)])
    }

    @Test("self-trade prevention cancels the incoming order")
    func selfTradeCancelIncoming() throws {
        var book = OrderBook(configuration: .init(selfTradePrevention: .cancelIncoming))
        _ = try book.submit(limit(1, .sell, "10.00", "10", account: "bob"), at: t0)
        _ = try book.submit(limit(2, .sell, "10.00", "10", account: "alice"), at: t0)
        _ = try book.submit(limit(3, .sell, "10.00", "10", account: "bob"), at: t0)
        let report = try book.submit(limit(4, .buy, "10.00", "25", account: "alice"), at: t0)
        #expect(report.filledQuantity == quantity("10"))
        #expect(report.cancelledQuantity == quantity("15"))
        #expect(book.restingOrders(on: .sell).map(\.id) == [OrderID(2), OrderID(3)])
        // FOK counts only the liquidity it could reach before its own order.
        #expect(throws: Rejection.self) {
            try book.submit(limit(5, .buy, "10.00", "1", .fillOrKill, account: "alice"), at: t0)
        }
        // Without an account, no prevention applies.
        _ = try book.submit(limit(6, .buy, "10.00", "20"), at: t0)
        #expect(book.restingOrderCount == 0)
    }

    @Test("GTD orders expire at their time, DAY orders at the end of the day")
    func expiry() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "10", "1", .goodTillDate(t0.adding(seconds: 60))), at: t0)
        _ = try book.submit(limit(2, .buy, "10", "1", .day), at: t0)
        _ = try book.submit(limit(3, .buy, "10", "1", .goodTillCancelled), at: t0)
        _ = try book.submit(limit(4, .buy, "10", "1", .goodTillDate(t0.adding(seconds: 30))), at: t0)
        #expect(throws: Rejection.self) { try book.submit(limit(5, .buy, "10", "1", .goodTillDate(t0)), at: t0) }
        #expect(book.expireOrders(asOf: t0.adding(seconds: 29)).isEmpty)
        #expect(book.expireOrders(asOf: t0.adding(seconds: 60)) == [OrderID(4), OrderID(1)])
        #expect(book.cancellations.map(\.2) == [.expired, .expired])
        #expect(book.expireOrders(asOf: t0.adding(seconds: 61), endOfDay: true) == [OrderID(2)])
        #expect(book.restingOrders(on: .buy).map(\.id) == [OrderID(3)])
    }

    @Test("a GTD order replaced to a new price keeps its expiry once, not twice")
    func expiryAfterReplace() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "10", "1", .goodTillDate(t0.adding(seconds: 60))), at: t0)
        _ = try book.replace(OrderID(1), price: price("10.5"), quantity: quantity("1"), at: t0)
        #expect(book.expireOrders(asOf: t0.adding(seconds: 60)) == [OrderID(1)])
        #expect(book.restingOrderCount == 0)
    }

    @Test("market data: top of book, L2 aggregates with counts, L3 in queue order")
    func marketData() throws {
        var book = OrderBook()
        _ = try book.submit(limit(1, .buy, "9.98", "10", account: "a"), at: t0)
        _ = try book.submit(limit(2, .buy, "9.99", "5"), at: t0)
        _ = try book.submit(limit(3, .buy, "9.98", "7"), at: t0)
        _ = try book.submit(limit(4, .sell, "10.01", "3"), at: t0)
        let depth = book.depth(levels: 5)
        #expect(
            depth.bids == [
                LevelSummary(price: price("9.99"), quantity: quantity("5"), orderCount: 1),
                LevelSummary(price: price("9.98"), quantity: quantity("17"), orderCount: 2),
            ])
        #expect(depth.asks == [LevelSummary(price: price("10.01"), quantity: quantity("3"), orderCount: 1)])
        #expect(book.depth(levels: 1).bids.count == 1)
        #expect(book.depth(levels: 0).bids.isEmpty)
        #expect(book.restingOrders(on: .buy).map(\.id) == [OrderID(2), OrderID(1), OrderID(3)])
        #expect(book.restingOrder(OrderID(1))?.account == account("a"))
        #expect(book.topOfBook.sequence == 4)
        #expect(!book.isCrossed)
    }

    @Test("stop orders are refused by a book with a named rule")
    func stopOrders() throws {
        let order = try Order(
            id: OrderID(1), account: account("a"), symbol: Symbol("X"), side: .buy,
            type: .stop(trigger: price("10")), quantity: quantity("1"),
            timeInForce: .immediateOrCancel, createdAt: t0)
        #expect(throws: Rejection.self) { try BookOrder(order) }
    }

    @Test("a book is a value: a copy changes independently of the original")
    func copyOnWrite() throws {
        var original = OrderBook()
        _ = try original.submit(limit(1, .sell, "10", "10"), at: t0)
        var copy = original
        _ = try copy.submit(limit(2, .buy, "10", "4"), at: t0)
        _ = try copy.submit(limit(3, .sell, "11", "1"), at: t0)
        #expect(original.restingOrder(OrderID(1))?.quantity == quantity("10"))
        #expect(original.restingOrderCount == 1)
        #expect(original.sequence == 1)
        #expect(copy.restingOrder(OrderID(1))?.quantity == quantity("6"))
        #expect(copy.restingOrderCount == 2)
        try original.cancel(OrderID(1))
        #expect(copy.restingOrder(OrderID(1))?.quantity == quantity("6"))
        #expect(original.invariantViolations().isEmpty && copy.invariantViolations().isEmpty)
    }
}
