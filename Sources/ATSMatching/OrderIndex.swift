import ATSDomain

/// An open-addressing hash map from order id to a node slot, specialised for the book's hot path.
///
/// Linear probing with backward-shift deletion (no tombstones), kept at most half full, keys and
/// values side by side in 16-byte slots. The home slot keeps each aligned group of four
/// consecutive ids together, in the four slots of one 64-byte cache line: the group number
/// (`id >> 2`) is spread over the table by Fibonacci hashing and the id's low two bits pick the slot.
/// Venues number orders sequentially, so in a large book a new order's lookup often lands on the
/// line its predecessor just touched; groups of four keep the probe runs short in small books.
/// - Complexity: O(1) expected for `find`, `insert` and `remove`.
struct OrderIndex: Sendable {
    private struct Slot: Sendable {
        var key: UInt64
        var value: Int32  // -1 marks an empty slot
    }

    private var slots: [Slot]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = Array(repeating: Slot(key: 0, value: -1), count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount) + Self.groupBits
    }

    /// log2 of the number of consecutive ids placed together.
    private static let groupBits: UInt64 = 2

    @inline(__always)
    private func home(_ key: UInt64) -> Int { Self.home(key, shift: shift) }

    @inline(__always)
    private static func home(_ key: UInt64, shift: UInt64) -> Int {
        let group = ((key >> groupBits) &* 0x9E37_79B9_7F4A_7C15) >> shift
        return Int(truncatingIfNeeded: group << groupBits | (key & (1 << groupBits - 1)))
    }

    /// The slot stored for `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        let mask = slots.count - 1
        var index = home(key)
        while true {
            let slot = slots[index]
            if slot.value < 0 { return -1 }
            if slot.key == key { return slot.value }
            index = (index + 1) & mask
        }
    }

    /// Stores `value` for `key`, which must not be present.
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let start = home(key)
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = start
            while slots[index].value >= 0 { index = (index + 1) & mask }
            slots[index] = Slot(key: key, value: value)
        }
        count += 1
    }

    /// Removes `key`, returning its value, or -1 if absent.
    @discardableResult
    mutating func remove(_ key: UInt64) -> Int32 {
        let start = home(key)
        let shift = self.shift
        let removed: Int32 = slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = start
            while true {
                let slot = slots[index]
                if slot.value < 0 { return -1 }
                if slot.key == key { break }
                index = (index + 1) & mask
            }
            let removed = slots[index].value
            // Backward-shift: pull later members of the probe run into the hole.
            var hole = index
            var next = (hole + 1) & mask
            while slots[next].value >= 0 {
                let wanted = Self.home(slots[next].key, shift: shift)
                // Move `next` into `hole` unless its home lies cyclically in (hole, next].
                let distanceToNext = (next - wanted) & mask
                let distanceToHole = (hole - wanted) & mask
                if distanceToHole < distanceToNext {
                    slots[hole] = slots[next]
                    hole = next
                }
                next = (next + 1) & mask
            }
            slots[hole].value = -1
            return removed
        }
        if removed >= 0 { count -= 1 }
        return removed
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(key: 0, value: -1), count: old.count * 2)
        shift -= 1
        count = 0
        for slot in old where slot.value >= 0 { insert(slot.key, slot.value) }
    }
}
