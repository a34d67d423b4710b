import ATSDomain

/// The book's node and level pools in manually managed, contiguous memory.
///
/// ``OrderBook`` is a value type: it copies this storage before its first write whenever the storage
/// is shared (copy on write), so the hot path reads and writes the pools through raw pointers
/// without the per-access uniqueness checks and bounds checks of `Array`.
final class BookStorage: @unchecked Sendable {
    // @unchecked: instances are only mutated by an OrderBook that holds the sole reference
    // (`OrderBook.makeUnique()` runs before every mutation); shared instances are only read.
    @exclusivity(unchecked) private(set) var nodes: UnsafeMutablePointer<OrderBook.Node>
    @exclusivity(unchecked) private(set) var nodeCapacity: Int
    /// Slots ever used; freed slots are recycled through the book's free list.
    @exclusivity(unchecked) private(set) var nodeCount = 0
    @exclusivity(unchecked) private(set) var levels: UnsafeMutablePointer<OrderBook.Level>
    @exclusivity(unchecked) private(set) var levelCapacity: Int
    @exclusivity(unchecked) private(set) var levelCount = 0

    init(nodeCapacity: Int, levelCapacity: Int) {
        self.nodeCapacity = max(16, nodeCapacity)
        self.levelCapacity = max(16, levelCapacity)
        nodes = .allocate(capacity: self.nodeCapacity)
        levels = .allocate(capacity: self.levelCapacity)
    }

    deinit {
        nodes.deinitialize(count: nodeCount)
        nodes.deallocate()
        levels.deinitialize(count: levelCount)
        levels.deallocate()
    }

    /// A deep copy, for copy on write.
    func copy() -> BookStorage {
        let copy = BookStorage(nodeCapacity: nodeCapacity, levelCapacity: levelCapacity)
        copy.nodes.initialize(from: nodes, count: nodeCount)
        copy.nodeCount = nodeCount
        copy.levels.initialize(from: levels, count: levelCount)
        copy.levelCount = levelCount
        return copy
    }

    /// Stores `node` in a new slot. - Complexity: O(1) amortised.
    func appendNode(_ node: OrderBook.Node) -> Int32 {
        Self.append(node, to: &nodes, count: &nodeCount, capacity: &nodeCapacity)
    }

    /// Stores `level` in a new slot. - Complexity: O(1) amortised.
    func appendLevel(_ level: OrderBook.Level) -> Int32 {
        Self.append(level, to: &levels, count: &levelCount, capacity: &levelCapacity)
    }

    private static func append<T>(
        _ value: T, to pointer: inout UnsafeMutablePointer<T>, count: inout Int, capacity: inout Int
    ) -> Int32 {
        if count == capacity { grow(&pointer, count: count, capacity: &capacity) }
        (pointer + count).initialize(to: value)
        count += 1
        return Int32(count - 1)
    }

    private static func grow<T>(_ pointer: inout UnsafeMutablePointer<T>, count: Int, capacity: inout Int) {
        let larger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = larger
        capacity *= 2
    }
}
