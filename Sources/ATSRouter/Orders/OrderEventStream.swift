import ATSDomain
import ATSOrders
import Synchronization

/// Publishes every order event, once journalled, to any number of subscribers.
///
/// **Policy for a slow subscriber**: each subscriber has a buffer of its own (``defaultBuffer``
/// events unless it asks for another size). Publishing never waits: an event that does not fit
/// ends that subscriber's stream with ``Overflow`` (naming the last event it was given), and the
/// subscriber is dropped; the others, and routing, carry on. A subscriber that wants everything
/// subscribes again and reads what it missed from the journal (by each order's sequence).
public final class OrderEventStream: Sendable {
    /// Events a subscriber may fall behind by before it is dropped.
    public static let defaultBuffer = 10_000

    /// The end of a subscriber that fell behind by more than its buffer.
    public struct Overflow: Error, Sendable, Hashable, CustomStringConvertible {
        public var buffer: Int
        /// The last event delivered to this subscriber's buffer (order and sequence), if any.
        public var lastOrder: OrderID?
        public var lastSequence: Int?
        public var description: String {
            "the subscriber fell \(buffer) events behind and was dropped"
                + (lastOrder.map { " after order \($0) event \(lastSequence ?? 0)" } ?? "")
        }
    }

    private struct Subscriber {
        var continuation: AsyncThrowingStream<OrderEvent, any Error>.Continuation
        var buffer: Int
        var last: (OrderID, Int)?
    }

    private let subscribers = Mutex<[UInt64: Subscriber]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// The events published from now on, for as long as the stream is read (cancel the reading
    /// task, or stop iterating, to unsubscribe).
    public func subscribe(buffer: Int = OrderEventStream.defaultBuffer) -> AsyncThrowingStream<OrderEvent, any Error> {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncThrowingStream<OrderEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, buffer)))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        subscribers.withLock { $0[id] = Subscriber(continuation: continuation, buffer: max(1, buffer)) }
        return stream
    }

    /// How many subscribers are reading.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Hands `events` to every subscriber; never waits. A subscriber whose buffer is full is ended
    /// with ``Overflow`` and dropped.
    func publish(_ events: [OrderEvent]) {
        guard !events.isEmpty else { return }
        var overflowed: [(AsyncThrowingStream<OrderEvent, any Error>.Continuation, Overflow)] = []
        subscribers.withLock { subscribers in
            for (id, var subscriber) in subscribers {
                for event in events {
                    if case .dropped = subscriber.continuation.yield(event) {
                        overflowed.append(
                            (
                                subscriber.continuation,
                                Overflow(
                                    buffer: subscriber.buffer, lastOrder: subscriber.last?.0,
                                    lastSequence: subscriber.last?.1)
                            ))
                        subscribers[id] = nil
                        break
                    }
                    subscriber.last = (event.order, event.sequence)
                }
                if subscribers[id] != nil { subscribers[id] = subscriber }
            }
        }
        // Finished outside the lock: termination handlers take it again.
        for (continuation, overflow) in overflowed { continuation.finish(throwing: overflow) }
    }

    private func remove(_ id: UInt64) {
        _ = subscribers.withLock { $0.removeValue(forKey: id) }
    }
}
