import ATSDomain

/// The price levels of one side of a book, kept sorted from the worst price to the best, so the
/// best level is the last element: taking it and removing it are O(1), and the levels that change
/// most (near the top) are cheap to insert.
///
/// Prices are stored as keys: the price itself for bids (higher is better) and its negation for asks
/// (lower is better), so both sides are sorted ascending by key.
struct PriceLadder: Sendable {
    let side: Side
    private(set) var keys: [Int64] = []
    /// Level pool index per key.
    private(set) var levels: [Int32] = []

    init(side: Side) { self.side = side }

    @inline(__always) func key(for price: Int64) -> Int64 { side == .buy ? price : -price }
    @inline(__always) func price(forKey key: Int64) -> Int64 { side == .buy ? key : -key }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// The best level's pool index, or -1.
    @inline(__always) var bestLevel: Int32 { levels.last ?? -1 }

    /// The position of `price`, or where it would be inserted.
    /// - Complexity: O(log n).
    @inline(__always)
    func search(_ price: Int64) -> (found: Bool, position: Int) {
        let target = key(for: price)
        var low = 0
        var high = keys.count
        // Most activity is at the top: check the best end first.
        if high > 0 {
            let best = keys[high - 1]
            if target == best { return (true, high - 1) }
            if target > best { return (false, high) }
        }
        while low < high {
            let mid = (low + high) >> 1
            let k = keys[mid]
            if k < target { low = mid + 1 } else if k > target { high = mid } else { return (true, mid) }
        }
        return (false, low)
    }

    mutating func insert(price: Int64, level: Int32, at position: Int) {
        keys.insert(key(for: price), at: position)
        levels.insert(level, at: position)
    }

    mutating func remove(at position: Int) {
        keys.remove(at: position)
        levels.remove(at: position)
    }

    mutating func removeBest() {
        keys.removeLast()
        levels.removeLast()
    }

    /// Level pool indices from best to worst.
    var levelsBestFirst: ReversedCollection<[Int32]> { levels.reversed() }
}
