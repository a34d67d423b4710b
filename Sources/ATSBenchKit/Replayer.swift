import ATSDomain
import ATSMatching

/// Replays an op stream into an ``OrderBook`` and checks the results against the stream's header.
///
/// The stream's integers are used as the book's raw values (a price of 1 000 001 ticks is
/// `Price(rawValue: 1_000_001)`), so notional is `Σ quantity × price` in the stream's own units.
public struct Replayer {
    public struct Totals: Sendable, Hashable, CustomStringConvertible {
        public var trades: UInt64 = 0
        public var volume: UInt64 = 0
        public var notional: UInt64 = 0
        public var resting: UInt64 = 0
        /// Operations the book refused (a cancel of an unknown order, say); a valid replay has none.
        public var refused: UInt64 = 0

        public var description: String {
            "trades=\(trades) volume=\(volume) notional=\(notional) resting=\(resting) refused=\(refused)"
        }
    }

    public let stream: OpStream
    public private(set) var book: OrderBook
    private var counters = Totals()
    private var position = 0
    private let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    public init(stream: OpStream) {
        self.stream = stream
        book = OrderBook(
            configuration: .init(
                matching: .continuous, selfTradePrevention: .none,
                expectedRestingOrders: max(1024, Int(stream.header.expectedResting))))
    }

    /// Applies the untimed prefill records.
    public mutating func prefill() {
        apply(upTo: Int(stream.header.prefill))
    }

    /// Applies every record not yet applied.
    public mutating func applyRest() {
        apply(upTo: stream.ops.count)
    }

    /// Applies the next record only. - Returns: its kind, or nil at the end.
    public mutating func applyNext() -> Op.Kind? {
        guard position < stream.ops.count else { return nil }
        let kind = stream.ops[position].kind
        apply(upTo: position + 1)
        return kind
    }

    /// The number of records not yet applied.
    public var remaining: Int { stream.ops.count - position }

    /// What the replay has produced so far, with the orders resting now.
    public var totals: Totals {
        var totals = counters
        totals.resting = UInt64(book.restingOrderCount)
        return totals
    }

    /// Where the totals differ from the header's expectations; empty for a valid replay.
    public var mismatches: [String] {
        let totals = self.totals
        let header = stream.header
        var result: [String] = []
        if totals.trades != header.expectedTrades {
            result.append("trades \(totals.trades) ≠ expected \(header.expectedTrades)")
        }
        if totals.volume != header.expectedVolume {
            result.append("volume \(totals.volume) ≠ expected \(header.expectedVolume)")
        }
        if totals.notional != header.expectedNotional {
            result.append("notional \(totals.notional) ≠ expected \(header.expectedNotional)")
        }
        if totals.resting != header.expectedResting {
            result.append("resting \(totals.resting) ≠ expected \(header.expectedResting)")
        }
        if totals.refused != 0 { result.append("\(totals.refused) operations refused") }
        return result
    }

    private mutating func apply(upTo end: Int) {
        let ops = stream.ops
        var totals = counters
        // One order value, rewritten per record: the loop times the book, not building orders.
        var order = BookOrder(
            id: OrderID(0), side: .buy, limitPrice: .zero, quantity: .zero,
            timeInForce: .goodTillCancelled)
        while position < end {
            let op = ops[position]
            position += 1
            switch op.kind {
            case .add, .immediateOrCancel:
                order.id = OrderID(op.id)
                order.side = op.side == 0 ? .buy : .sell
                order.limitPrice = Price(rawValue: Int64(op.price))
                order.quantity = Quantity(rawValue: Int64(op.quantity))
                order.timeInForce = op.kind == .add ? .goodTillCancelled : .immediateOrCancel
                do {
                    let report = try book.submit(order, at: now)
                    if report.filledQuantity.rawValue > 0 {
                        for event in book.events {
                            if case .execution(let execution) = event {
                                totals.trades &+= 1
                                totals.volume &+= UInt64(execution.quantity.rawValue)
                                totals.notional &+=
                                    UInt64(execution.quantity.rawValue) &* UInt64(execution.price.rawValue)
                            }
                        }
                    }
                } catch {
                    totals.refused += 1
                }
            case .cancel:
                do {
                    try book.cancel(OrderID(op.id))
                } catch {
                    totals.refused += 1
                }
            }
        }
        counters = totals
    }
}
