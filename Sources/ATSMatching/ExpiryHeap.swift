import ATSDomain

/// A binary min-heap of GTD expiries. Entries of orders that have since left the book stay until
/// they surface and are skipped: `priority` tells a live entry from a stale one.
struct ExpiryHeap: Sendable {
    struct Entry: Sendable {
        var expiry: Int64
        var priority: UInt64
        var id: UInt64
    }

    private(set) var entries: [Entry] = []

    var first: Entry? { entries.first }

    /// - Complexity: O(log n).
    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].expiry < entries[parent].expiry else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// - Complexity: O(log n).
    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].expiry < entries[smallest].expiry { smallest = left }
            if right < entries.count && entries[right].expiry < entries[smallest].expiry { smallest = right }
            if smallest == parent { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}

extension OrderBook {
    /// Expires what has run out of time at `now`: GTD orders whose expiry is at or before `now`, and,
    /// when `endOfDay` is set (the venue's session closed), every DAY order.
    ///
    /// - Returns: the ids of the expired orders; ``events`` has their cancellations (reason `expired`).
    /// - Complexity: O(k log n) for k GTD expiries; a day's end is O(n).
    @discardableResult
    public mutating func expireOrders(asOf now: Timestamp, endOfDay: Bool = false) -> [OrderID] {
        makeUnique()
        events.clear()
        var expired: [OrderID] = []
        while let entry = expiries.first, entry.expiry <= now.nanosecondsSinceEpoch {
            _ = expiries.popFirst()
            let slot = index.find(entry.id)
            guard slot >= 0, nodes[Int(slot)].priority == entry.priority else { continue }
            removeNode(slot, reason: .expired)
            expired.append(OrderID(entry.id))
        }
        if endOfDay {
            for slot in slots(where: { $0.tif == .day }) {
                expired.append(OrderID(nodes[Int(slot)].id))
                removeNode(slot, reason: .expired)
            }
        }
        if !expired.isEmpty { sequence &+= 1 }
        return expired
    }

    /// Slots of resting orders matching `predicate`, in priority order within each side.
    func slots(where predicate: (Node) -> Bool) -> [Int32] {
        var result: [Int32] = []
        for ladder in [bids, asks] {
            for level in ladder.levelsBestFirst {
                var cursor = levelPool[Int(level)].head
                while cursor >= 0 {
                    let node = nodes[Int(cursor)]
                    if predicate(node) { result.append(cursor) }
                    cursor = node.next
                }
            }
        }
        return result
    }
}
