import ATSDomain

/// The price levels of one side of a book, kept sorted from the worst price to the best, so the
/// best level is the last element: taking it and removing it are O(1), and the levels that change
/// most (near the top) are cheap to insert.
///
/// Prices are stored as keys: the price itself for bids (higher is better) and its negation for asks
/// (lower is better), so both sides are sorted ascending by key.
struct PriceLadder: Sendable {
    struct Entry: Sendable {
        var key: Int64
        /// The level's index in the book's level pool.
        var level: Int32
    }

    let side: Side
    private(set) var entries: [Entry] = []

    init(side: Side) { self.side = side }

    @inline(__always) func key(for price: Int64) -> Int64 { side == .buy ? price : -price }
    @inline(__always) func price(forKey key: Int64) -> Int64 { side == .buy ? key : -key }

    var count: Int { entries.count }

    /// The best level's pool index, or -1.
    @inline(__always) var bestLevel: Int32 { entries.last?.level ?? -1 }

    /// The level at `position` (0 is the worst).
    @inline(__always) func level(at position: Int) -> Int32 { entries[position].level }

    /// The position of `price`, or where it would be inserted.
    /// - Complexity: O(log n); O(1) at the best price or beyond it.
    @inline(__always)
    func search(_ price: Int64) -> (found: Bool, position: Int) {
        let target = key(for: price)
        var high = entries.count
        // Most activity is at the top: check the best end first.
        if high > 0 {
            let best = entries[high - 1].key
            if target == best { return (true, high - 1) }
            if target > best { return (false, high) }
            high -= 1
        }
        var low = 0
        while low < high {
            let mid = (low + high) >> 1
            let k = entries[mid].key
            if k < target { low = mid + 1 } else if k > target { high = mid } else { return (true, mid) }
        }
        return (false, low)
    }

    mutating func insert(price: Int64, level: Int32, at position: Int) {
        entries.insert(Entry(key: key(for: price), level: level), at: position)
    }

    mutating func remove(at position: Int) {
        entries.remove(at: position)
    }

    mutating func removeBest() {
        entries.removeLast()
    }

    /// Level pool indices from best to worst.
    var levelsBestFirst: LazyMapSequence<ReversedCollection<[Entry]>, Int32> { entries.reversed().lazy.map(\.level) }
}
