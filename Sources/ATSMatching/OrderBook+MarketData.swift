import ATSDomain

extension OrderBook {
    /// The best bid and offer with their sizes and order counts.
    /// - Complexity: O(1).
    public var topOfBook: TopOfBook {
        TopOfBook(bid: summary(bids.bestLevel), ask: summary(asks.bestLevel), sequence: sequence)
    }

    /// The best bid price, if any.
    public var bestBid: Price? { summary(bids.bestLevel)?.price }
    /// The best offer price, if any.
    public var bestAsk: Price? { summary(asks.bestLevel)?.price }

    /// L2: up to `levels` price levels per side, best first, with aggregated size and order count.
    /// - Complexity: O(levels).
    public func depth(levels: Int) -> BookDepth {
        func side(_ ladder: PriceLadder) -> [LevelSummary] {
            ladder.levelsBestFirst.prefix(max(0, levels)).compactMap { summary($0) }
        }
        return BookDepth(bids: side(bids), asks: side(asks), sequence: sequence)
    }

    /// L3: every resting order on `side`, best price first and in queue order within a price.
    /// - Complexity: O(n) for n orders on the side.
    public func restingOrders(on side: Side) -> [RestingOrder] {
        let ladder = side == .buy ? bids : asks
        var result: [RestingOrder] = []
        for level in ladder.levelsBestFirst {
            var cursor = levelPool[Int(level)].head
            while cursor >= 0 {
                result.append(restingOrder(at: cursor))
                cursor = nodes[Int(cursor)].next
            }
        }
        return result
    }

    /// One resting order by id, or nil.
    /// - Complexity: O(1).
    public func restingOrder(_ id: OrderID) -> RestingOrder? {
        let slot = index.find(id.rawValue)
        return slot >= 0 ? restingOrder(at: slot) : nil
    }

    /// Whether the best bid is at or above the best offer. Only a call-auction book, while it
    /// collects orders, can be crossed.
    public var isCrossed: Bool {
        guard let bid = bestBid, let ask = bestAsk else { return false }
        return bid >= ask
    }

    private func restingOrder(at slot: Int32) -> RestingOrder {
        let node = nodes[Int(slot)]
        return RestingOrder(
            id: OrderID(node.id), account: accountID(for: node.account), side: node.side,
            price: Price(rawValue: node.price), quantity: Quantity(rawValue: node.open),
            timeInForce: timeInForce(of: node), priority: node.priority)
    }

    private func summary(_ level: Int32) -> LevelSummary? {
        guard level >= 0 else { return nil }
        let entry = levelPool[Int(level)]
        return LevelSummary(
            price: Price(rawValue: entry.price), quantity: Quantity(rawValue: entry.quantity),
            orderCount: Int(entry.count))
    }
}
