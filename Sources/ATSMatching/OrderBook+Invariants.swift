import ATSDomain

extension OrderBook {
    /// Checks the book's internal structure and returns every violation found (empty when sound).
    ///
    /// Levels strictly ordered on each side; each level's queue linked both ways, in arrival order,
    /// at the level's price, with its aggregates equal to its orders; no empty level; every resting
    /// order indexed by id; and, for a continuous book, never crossed.
    /// - Complexity: O(n + L). For tests and diagnostics, not for the hot path.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var seen = 0
        for ladder in [bids, asks] {
            let name = ladder.side == .buy ? "bids" : "asks"
            let entries = ladder.entries
            for i in 1..<max(1, entries.count) where entries[i - 1].key >= entries[i].key {
                problems.append("\(name): levels out of order at position \(i)")
            }
            for ladderEntry in entries {
                let level = ladderEntry.level
                let entry = levelPool[Int(level)]
                if ladder.price(forKey: ladderEntry.key) != entry.price {
                    problems.append("\(name): level \(level) price \(entry.price) does not match its key")
                }
                var cursor = entry.head
                var previous: Int32 = -1
                var quantity: Int64 = 0
                var count: Int32 = 0
                var lastPriority: UInt64?
                while cursor >= 0 {
                    let node = nodes[Int(cursor)]
                    if node.prev != previous { problems.append("\(name): order \(node.id) has a broken back link") }
                    if node.level != level { problems.append("\(name): order \(node.id) points at the wrong level") }
                    if node.price != entry.price { problems.append("\(name): order \(node.id) priced off its level") }
                    if node.side != ladder.side { problems.append("\(name): order \(node.id) on the wrong side") }
                    if node.open <= 0 { problems.append("\(name): order \(node.id) rests with nothing open") }
                    if let lastPriority, node.priority <= lastPriority {
                        problems.append("\(name): order \(node.id) breaks FIFO at price \(entry.price)")
                    }
                    if index.find(node.id) != cursor { problems.append("\(name): order \(node.id) is not indexed") }
                    lastPriority = node.priority
                    quantity += node.open
                    count += 1
                    previous = cursor
                    cursor = node.next
                    if count > Int32(storage.nodeCount) {
                        problems.append("\(name): a cycle in level \(entry.price)")
                        break
                    }
                }
                if entry.tail != previous { problems.append("\(name): level \(entry.price) has a wrong tail") }
                if entry.quantity != quantity {
                    problems.append("\(name): level \(entry.price) quantity \(entry.quantity) ≠ \(quantity)")
                }
                if entry.count != count {
                    problems.append("\(name): level \(entry.price) count \(entry.count) ≠ \(count)")
                }
                if count == 0 { problems.append("\(name): empty level \(entry.price) is still listed") }
                seen += Int(count)
            }
        }
        if seen != index.count { problems.append("\(index.count) orders indexed but \(seen) linked into levels") }
        if configuration.matching == .continuous && isCrossed {
            problems.append("continuous book is crossed: bid \(bestBid!) ≥ ask \(bestAsk!)")
        }
        return problems
    }
}
