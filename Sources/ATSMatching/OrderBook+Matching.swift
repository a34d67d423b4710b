import ATSDomain

extension OrderBook {
    /// Trades an arriving order against the opposite side, best price first and FIFO within a level,
    /// while the level's price is within `limit`.
    ///
    /// - Returns: the quantity left, and whether self-trade prevention stopped the order.
    /// - Complexity: O(F + E) for F makers filled and E levels emptied (each emptied level is O(1): it is the best).
    mutating func take(
        takerID: UInt64, side: Side, limit: Int64, quantity: Int64, account: UInt32, opSequence: UInt64
    ) -> (remaining: Int64, stoppedBySelfTrade: Bool) {
        var remaining = quantity
        let preventSelfTrade = account != 0 && configuration.selfTradePrevention != .none
        let makerSide = side.opposite
        while remaining > 0 {
            let level = side == .buy ? asks.bestLevel : bids.bestLevel
            if level < 0 { break }
            let levelPrice = levelPool[Int(level)].price
            if side == .buy ? levelPrice > limit : levelPrice < limit { break }
            var cursor = levelPool[Int(level)].head
            var traded = false
            while remaining > 0 && cursor >= 0 {
                let maker = nodes[Int(cursor)]
                if preventSelfTrade && maker.account == account {
                    if configuration.selfTradePrevention == .cancelIncoming {
                        dropIfEmpty(level: level, side: makerSide)
                        return (remaining, true)
                    }
                    events.append(
                        .cancelled(OrderID(maker.id), quantity: Quantity(rawValue: maker.open), reason: .selfTrade))
                    unlink(cursor)
                    cursor = maker.next
                    continue
                }
                let fill = min(remaining, maker.open)
                remaining -= fill
                traded = true
                events.append(
                    .execution(
                        Execution(
                            id: ExecutionID(rawValue: nextExecutionID), makerOrderID: OrderID(maker.id),
                            takerOrderID: OrderID(takerID), price: Price(rawValue: levelPrice),
                            quantity: Quantity(rawValue: fill), makerSide: makerSide, aggressorSide: side,
                            sequence: opSequence)))
                nextExecutionID &+= 1
                if fill == maker.open {
                    unlink(cursor)
                    cursor = maker.next
                } else {
                    nodes[Int(cursor)].open -= fill
                    levelPool[Int(level)].quantity -= fill
                }
            }
            if traded { lastTradePrice = Price(rawValue: levelPrice) }
            if !dropIfEmpty(level: level, side: makerSide) { break }
        }
        return (remaining, false)
    }

    /// Removes the best level of `side` if `level` (which is it) has no orders left.
    /// - Returns: whether it was removed.
    @discardableResult
    @inline(__always)
    mutating func dropIfEmpty(level: Int32, side: Side) -> Bool {
        guard levelPool[Int(level)].count == 0 else { return false }
        if side == .buy { bids.removeBest() } else { asks.removeBest() }
        freeLevelSlot(level)
        return true
    }

    /// How much an order on `side` could fill now within `limit`, counting no further than `needed`;
    /// with self-trade prevention, the account's own orders are skipped (cancel resting) or end the
    /// count (cancel incoming), as matching would treat them.
    /// - Complexity: O(levels touched), or O(orders touched) when the account has resting orders.
    func fillableQuantity(side: Side, limit: Int64, account: UInt32, needed: Int64) -> Int64 {
        let ladder = side == .buy ? asks : bids
        let walkOrders = account != 0 && configuration.selfTradePrevention != .none
        var total: Int64 = 0
        for level in ladder.levelsBestFirst {
            let entry = levelPool[Int(level)]
            if side == .buy ? entry.price > limit : entry.price < limit { break }
            if !walkOrders {
                total += entry.quantity
            } else {
                var cursor = entry.head
                while cursor >= 0 {
                    let node = nodes[Int(cursor)]
                    if node.account == account {
                        if configuration.selfTradePrevention == .cancelIncoming { return total }
                    } else {
                        total += node.open
                        if total >= needed { return total }
                    }
                    cursor = node.next
                }
            }
            if total >= needed { return total }
        }
        return total
    }
}
