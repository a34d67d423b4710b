import ATSDomain

/// An open-addressing hash map from order id to a node slot: Fibonacci hashing over a power-of-two
/// table, linear probing with backward-shift deletion (no tombstones), at most half full, keys and
/// values side by side in 16-byte slots.
/// - Complexity: O(1) expected for `find`, `insert` and `remove`.
struct IDHashTable: Sendable {
    private struct Slot: Sendable {
        var key: UInt64
        var value: Int32  // -1 marks an empty slot
    }

    private var slots: [Slot]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = Array(repeating: Slot(key: 0, value: -1), count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int { Self.home(key, shift: shift) }

    @inline(__always)
    private static func home(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
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

/// The book's map from order id to node slot.
///
/// Venues number their orders sequentially, so the common case gets a direct-mapped window: ids
/// from `windowBase` on, as far as the window has grown, index an array of slots with no hashing
/// and no probing, and a new order's lookup touches the memory its predecessor just touched. Ids
/// outside the window (arbitrary, far ahead, or left behind when the window slides) live in an
/// ``IDHashTable``. Every id is in exactly one of the two: the window only grows by the id just past
/// its end (taking that id over from the table if it is there), and when mostly empty it slides
/// forward, handing its live entries below the new base to the table. Memory stays proportional to
/// the orders resting, not to the ids ever issued.
/// - Complexity: O(1) for window ids; O(1) expected otherwise; sliding is amortised O(1) per id.
struct OrderIndex: Sendable {
    private var window: [Int32] = []
    private var windowBase: UInt64 = 0
    private var windowLive = 0
    private var table: IDHashTable

    /// A window at least this long is never slid.
    private static let minimumWindow = 1 << 16

    init(minimumCapacity: Int = 1024) {
        table = IDHashTable(minimumCapacity: 16)
        window.reserveCapacity(max(16, minimumCapacity))
    }

    var count: Int { windowLive + table.count }

    /// The slot stored for `key`, or -1.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        let offset = key &- windowBase
        if offset < UInt64(window.count) { return window[Int(offset)] }
        return table.count == 0 ? -1 : table.find(key)
    }

    /// Stores `value` for `key`, which must not be present.
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if window.isEmpty {
            // An empty window starts wherever the ids start.
            windowBase = key
        }
        let offset = key &- windowBase
        let end = UInt64(window.count)
        if offset < end {
            window[Int(offset)] = value
            windowLive += 1
        } else if offset - end <= Self.maximumGap {
            // Just past the end (or a small gap further): grow the window to cover it, taking over
            // any ids in the gap that were stored in the table while they were ahead of the window.
            for gap in end..<offset {
                let held = table.count > 0 ? table.remove(windowBase &+ gap) : -1
                window.append(held)
                if held >= 0 { windowLive += 1 }
            }
            window.append(value)
            windowLive += 1
            if window.count >= Self.minimumWindow && windowLive * 4 < window.count { slide() }
        } else {
            table.insert(key, value)
        }
    }

    /// The first id the window covers (for tests).
    var windowStart: UInt64 { windowBase }

    /// How far past its end an id may be for the window to grow to it.
    private static let maximumGap: UInt64 = 64

    /// Removes `key`, returning its value, or -1 if absent.
    @discardableResult
    mutating func remove(_ key: UInt64) -> Int32 {
        let offset = key &- windowBase
        if offset < UInt64(window.count) {
            let value = window[Int(offset)]
            if value >= 0 {
                window[Int(offset)] = -1
                windowLive -= 1
            }
            return value
        }
        return table.count == 0 ? -1 : table.remove(key)
    }

    /// Drops the first half of a mostly empty window, moving its live entries to the table.
    private mutating func slide() {
        let half = window.count / 2
        for offset in 0..<half where window[offset] >= 0 {
            table.insert(windowBase + UInt64(offset), window[offset])
            windowLive -= 1
        }
        window.removeFirst(half)
        windowBase += UInt64(half)
    }
}
