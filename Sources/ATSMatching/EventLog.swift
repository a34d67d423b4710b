import ATSDomain

/// The events of the book's last operation, in order.
///
/// A reusable buffer: clearing it for the next operation is O(1) and keeps its storage, so the
/// matching hot path never allocates for events once the buffer has grown.
public struct EventLog: RandomAccessCollection, Sendable {
    private var storage: [BookEvent] = []
    private var used = 0

    init() {
        storage.reserveCapacity(64)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { used }

    public subscript(position: Int) -> BookEvent {
        precondition(position >= 0 && position < used, "event index \(position) out of range 0..<\(used)")
        return storage[position]
    }

    /// Forgets the previous operation's events. - Complexity: O(1).
    @inline(__always)
    mutating func clear() { used = 0 }

    /// - Complexity: O(1) amortised.
    @inline(__always)
    mutating func append(_ event: BookEvent) {
        if used < storage.count {
            storage[used] = event
        } else {
            storage.append(event)
        }
        used += 1
    }
}
