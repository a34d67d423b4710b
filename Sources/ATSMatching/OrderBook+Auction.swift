import ATSDomain

/// What a call auction would do if it uncrossed now.
public struct AuctionIndication: Sendable, Hashable {
    /// The uniform price every execution would take.
    public let price: Price
    /// The quantity that would trade.
    public let matchedVolume: Quantity
    /// Buy quantity willing to trade at `price` (limit at or above it).
    public let buyVolume: Quantity
    /// Sell quantity willing to trade at `price` (limit at or below it).
    public let sellVolume: Quantity

    /// Quantity on the heavier side that would not trade at `price`.
    public var imbalance: Quantity { Quantity(rawValue: abs(buyVolume.rawValue - sellVolume.rawValue)) }

    /// The side with more quantity than trades, or nil when balanced.
    public var imbalanceSide: Side? {
        if buyVolume.rawValue == sellVolume.rawValue { return nil }
        return buyVolume.rawValue > sellVolume.rawValue ? .buy : .sell
    }
}

extension OrderBook {
    /// The price and volume an uncross would produce now, or nil if no buy and sell cross.
    ///
    /// The price maximises the executed volume; among prices with that volume it minimises the
    /// imbalance; among those it is the one closest to the reference price (the given one, else the
    /// last trade, else the configured reference); a remaining tie, or no reference at all, takes
    /// the lowest such price. Prices between limit prices count too, on the ``Configuration/tickSize`` grid.
    /// - Complexity: O(L) for L price levels.
    public func indicativeUncross(referencePrice: Price? = nil) -> AuctionIndication? {
        let reference = referencePrice ?? lastTradePrice ?? configuration.referencePrice
        return clearing(reference: reference?.rawValue)
    }

    /// Runs the call auction: trades every crossing order at the one indicative price, in price-time
    /// priority on both sides, then cancels IOC remainders; all other remainders rest for the next auction.
    ///
    /// - Returns: the auction's outcome, or nil when nothing crossed. ``events`` has each execution
    ///   (with no aggressor side; the earlier order is the maker) and each IOC cancellation.
    /// - Throws: ``Rejection`` `not_in_auction_mode` on a continuous book.
    @discardableResult
    public mutating func uncross(referencePrice: Price? = nil) throws(Rejection) -> AuctionIndication? {
        guard configuration.matching == .callAuction else {
            throw Rejection(.notInAuctionMode, "this book matches continuously; it has no auction to uncross")
        }
        makeUnique()
        events.clear()
        let opSequence = sequence &+ 1
        let indication = indicativeUncross(referencePrice: referencePrice)
        if let indication {
            allocate(indication, opSequence: opSequence)
            lastTradePrice = indication.price
        }
        for slot in slots(where: { $0.tif == .ioc }) {
            removeNode(slot, reason: .unfilled)
        }
        if !events.isEmpty { sequence = opSequence }
        return indication
    }

    /// Executes `indication.matchedVolume` at `indication.price`, always between the head orders of
    /// the best bid and best ask levels, which is price-time priority on both sides.
    private mutating func allocate(_ indication: AuctionIndication, opSequence: UInt64) {
        var left = indication.matchedVolume.rawValue
        while left > 0 {
            let bidLevel = bids.bestLevel
            let askLevel = asks.bestLevel
            let buySlot = levelPool[Int(bidLevel)].head
            let sellSlot = levelPool[Int(askLevel)].head
            let buy = nodes[Int(buySlot)]
            let sell = nodes[Int(sellSlot)]
            let fill = min(left, buy.open, sell.open)
            let buyIsMaker = buy.priority < sell.priority
            events.append(
                .execution(
                    Execution(
                        id: ExecutionID(rawValue: nextExecutionID),
                        makerOrderID: OrderID(buyIsMaker ? buy.id : sell.id),
                        takerOrderID: OrderID(buyIsMaker ? sell.id : buy.id),
                        price: indication.price, quantity: Quantity(rawValue: fill),
                        makerSide: buyIsMaker ? .buy : .sell, aggressorSide: nil, sequence: opSequence)))
            nextExecutionID &+= 1
            left -= fill
            for (slot, node, level, side) in [
                (buySlot, buy, bidLevel, Side.buy), (sellSlot, sell, askLevel, Side.sell),
            ] {
                if fill == node.open {
                    unlink(slot)
                    dropIfEmpty(level: level, side: side)
                } else {
                    nodes[Int(slot)].open -= fill
                    levelPool[Int(level)].quantity -= fill
                }
            }
        }
    }

    /// The clearing price under the uncross rules, from the two cumulative curves.
    func clearing(reference: Int64?) -> AuctionIndication? {
        guard case let bestBid = bids.bestLevel, bestBid >= 0, case let bestAsk = asks.bestLevel, bestAsk >= 0,
            levelPool[Int(bestBid)].price >= levelPool[Int(bestAsk)].price
        else { return nil }

        // Distinct prices ascending, with demand (buys at or above) and supply (sells at or below).
        var points: [(price: Int64, demand: Int64, supply: Int64)] = []
        points.reserveCapacity(bids.count + asks.count)
        var b = 0  // bid positions ascend by price
        var a = asks.count - 1  // ask positions ascend by -price: walk from the end for ascending prices
        while b < bids.count || a >= 0 {
            let bidPrice = b < bids.count ? levelPool[Int(bids.level(at: b))].price : Int64.max
            let askPrice = a >= 0 ? levelPool[Int(asks.level(at: a))].price : Int64.max
            let price = min(bidPrice, askPrice)
            points.append((price, 0, 0))
            if bidPrice == price { b += 1 }
            if askPrice == price { a -= 1 }
        }
        var cumulative: Int64 = 0
        var bidCursor = bids.count - 1
        for i in stride(from: points.count - 1, through: 0, by: -1) {
            while bidCursor >= 0 && levelPool[Int(bids.level(at: bidCursor))].price >= points[i].price {
                cumulative += levelPool[Int(bids.level(at: bidCursor))].quantity
                bidCursor -= 1
            }
            points[i].demand = cumulative
        }
        cumulative = 0
        var askCursor = asks.count - 1  // lowest ask price first
        for i in points.indices {
            while askCursor >= 0 && levelPool[Int(asks.level(at: askCursor))].price <= points[i].price {
                cumulative += levelPool[Int(asks.level(at: askCursor))].quantity
                askCursor -= 1
            }
            points[i].supply = cumulative
        }

        // Candidates: each limit price, and each gap between two, where demand is the upper point's
        // and supply the lower point's, on the tick grid strictly between them.
        let tick = max(configuration.tickSize.rawValue, 1)
        struct Candidate {
            var low: Int64
            var high: Int64
            var volume: Int64
            var imbalance: Int64
            var demand: Int64
            var supply: Int64
        }
        var best: [Candidate] = []
        func consider(_ candidate: Candidate) {
            guard candidate.volume > 0, candidate.low <= candidate.high else { return }
            if let first = best.first {
                if candidate.volume < first.volume { return }
                if candidate.volume == first.volume && candidate.imbalance > first.imbalance { return }
                if candidate.volume > first.volume || candidate.imbalance < first.imbalance { best.removeAll() }
            }
            best.append(candidate)
        }
        for i in points.indices {
            let point = points[i]
            consider(
                Candidate(
                    low: point.price, high: point.price, volume: min(point.demand, point.supply),
                    imbalance: abs(point.demand - point.supply), demand: point.demand, supply: point.supply))
            if i + 1 < points.count {
                let upper = points[i + 1]
                let low = floorToGrid(point.price, tick) + tick
                let high = ceilToGrid(upper.price, tick) - tick
                consider(
                    Candidate(
                        low: low, high: high, volume: min(upper.demand, point.supply),
                        imbalance: abs(upper.demand - point.supply), demand: upper.demand, supply: point.supply))
            }
        }
        guard !best.isEmpty else { return nil }

        // Closest to the reference (rounded to the grid), then lowest.
        var chosen: (price: Int64, distance: Int64, candidate: Candidate)?
        for candidate in best {
            let price: Int64
            if let reference {
                let onGrid = roundToGrid(reference, tick)
                price = min(max(onGrid, candidate.low), candidate.high)
            } else {
                price = candidate.low
            }
            let distance = reference.map { abs(price - $0) } ?? 0
            if let current = chosen,
                current.distance < distance || (current.distance == distance && current.price <= price)
            {
                continue
            }
            chosen = (price, distance, candidate)
        }
        guard let chosen else { return nil }
        return AuctionIndication(
            price: Price(rawValue: chosen.price), matchedVolume: Quantity(rawValue: chosen.candidate.volume),
            buyVolume: Quantity(rawValue: chosen.candidate.demand),
            sellVolume: Quantity(rawValue: chosen.candidate.supply))
    }
}

private func floorToGrid(_ value: Int64, _ tick: Int64) -> Int64 {
    let r = value % tick
    return r < 0 ? value - r - tick : value - r
}

private func ceilToGrid(_ value: Int64, _ tick: Int64) -> Int64 {
    let floor = floorToGrid(value, tick)
    return floor == value ? value : floor + tick
}

/// Nearest grid point; halves round down.
private func roundToGrid(_ value: Int64, _ tick: Int64) -> Int64 {
    let floor = floorToGrid(value, tick)
    return value - floor > tick - (value - floor) ? floor + tick : floor
}
