/// The life of one order as a value-type state machine, with no I/O.
///
/// Feed it what happened (``Event``); it moves to the next ``State`` and returns the ``Action``
/// its owner must perform, or refuses an event that cannot happen in the current state.
/// Filled quantity, leaves quantity and average price are kept exactly.
///
/// ```
///            accept              fill (partial)             fill (rest)
///   new ───────────▶ accepted ─────────────▶ partiallyFilled ──────────▶ filled
///    │  reject          │ requestCancel            │ requestCancel
///    ▼                  ▼                          ▼
///  rejected        cancelPending ── confirmCancel ──▶ cancelled
///                       │ rejectCancel → back to accepted / partiallyFilled
///   accepted / partiallyFilled / cancelPending ── expire ──▶ expired
/// ```
public struct OrderLifecycle: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case new, accepted
        case partiallyFilled = "partially_filled"
        case filled
        case cancelPending = "cancel_pending"
        case cancelled, rejected, expired

        /// No event moves an order out of a terminal state.
        public var isTerminal: Bool {
            switch self {
            case .filled, .cancelled, .rejected, .expired: return true
            case .new, .accepted, .partiallyFilled, .cancelPending: return false
            }
        }
    }

    public enum Event: Sendable, Hashable {
        /// The venue acknowledged the order.
        case accept
        /// The venue refused the order.
        case reject(Rejection)
        /// Part or all of the order traded.
        case fill(quantity: Quantity, price: Price)
        /// The owner asks to cancel what is left.
        case requestCancel
        /// The venue confirms the cancel, or cancels on its own (an IOC remainder, self-trade prevention).
        case confirmCancel
        /// The venue refused the cancel (the order may have filled meanwhile).
        case rejectCancel(Rejection)
        /// The order's time in force ran out.
        case expire
    }

    public enum Action: Sendable, Hashable {
        /// Tell the owner the order is working.
        case reportAccepted
        /// Tell the owner the order was refused, and why.
        case reportRejected(Rejection)
        /// Tell the owner about a fill; `complete` when nothing is left.
        case reportFill(quantity: Quantity, price: Price, complete: Bool)
        /// Send a cancel request to the venue.
        case sendCancel
        /// Tell the owner the order is cancelled with `unfilled` left over.
        case reportCancelled(unfilled: Quantity)
        /// Tell the owner the cancel was refused and the order still works.
        case reportCancelRejected(Rejection)
        /// Tell the owner the order expired with `unfilled` left over.
        case reportExpired(unfilled: Quantity)
    }

    public private(set) var state: State = .new
    public let quantity: Quantity
    public private(set) var filledQuantity: Quantity = .zero
    /// Sum of fill price × quantity, exact.
    public private(set) var filledNotional: Money = .zero

    public init(quantity: Quantity) {
        self.quantity = quantity
    }

    /// What is still open: `quantity − filledQuantity`.
    public var leavesQuantity: Quantity { Quantity(rawValue: quantity.rawValue - filledQuantity.rawValue) }

    /// The exact average fill price, rounded half-even to the price scale; nil before the first fill.
    public var averagePrice: Price? {
        guard filledQuantity.isPositive else { return nil }
        return try? Price.average(notional: filledNotional, quantity: filledQuantity, rounding: .halfEven)
    }

    /// Applies `event` and returns what to do.
    /// - Throws: ``Rejection`` with code `illegal_transition` when `event` cannot happen in `state`,
    ///   or when a fill exceeds the leaves quantity; the state is then unchanged.
    public mutating func handle(_ event: Event) throws(Rejection) -> Action {
        switch (state, event) {
        case (.new, .accept):
            state = .accepted
            return .reportAccepted
        case (.new, .reject(let rejection)):
            state = .rejected
            return .reportRejected(rejection)
        case (.new, .fill(let quantity, let price)),
            (.accepted, .fill(let quantity, let price)),
            (.partiallyFilled, .fill(let quantity, let price)),
            (.cancelPending, .fill(let quantity, let price)):
            // A fill before the acknowledgement implies acceptance; a fill while a cancel is
            // pending is the usual race and is kept.
            return try applyFill(quantity: quantity, price: price)
        case (.new, .requestCancel), (.accepted, .requestCancel), (.partiallyFilled, .requestCancel):
            state = .cancelPending
            return .sendCancel
        case (.accepted, .confirmCancel), (.partiallyFilled, .confirmCancel), (.cancelPending, .confirmCancel):
            state = .cancelled
            return .reportCancelled(unfilled: leavesQuantity)
        case (.cancelPending, .rejectCancel(let rejection)):
            state = filledQuantity.isZero ? .accepted : .partiallyFilled
            return .reportCancelRejected(rejection)
        case (.accepted, .expire), (.partiallyFilled, .expire), (.cancelPending, .expire):
            state = .expired
            return .reportExpired(unfilled: leavesQuantity)
        default:
            throw Rejection(.illegalTransition, "an order that is \(state.rawValue) cannot \(Self.name(of: event))")
        }
    }

    private mutating func applyFill(quantity fill: Quantity, price: Price) throws(Rejection) -> Action {
        guard fill.isPositive, fill <= leavesQuantity else {
            throw Rejection(
                .illegalTransition,
                "a fill of \(fill) does not fit the \(leavesQuantity) left of \(quantity)")
        }
        let notional: Money
        do {
            notional = try filledNotional + Money.notional(price: price, quantity: fill, rounding: .halfEven)
        } catch {
            throw Rejection(
                .illegalTransition, "a fill of \(fill) at \(price) overflows the order's notional: \(error.message)")
        }
        filledQuantity = Quantity(rawValue: filledQuantity.rawValue + fill.rawValue)
        filledNotional = notional
        let complete = filledQuantity == quantity
        if complete {
            state = .filled
        } else if state != .cancelPending {
            state = .partiallyFilled
        }
        return .reportFill(quantity: fill, price: price, complete: complete)
    }

    private static func name(of event: Event) -> String {
        switch event {
        case .accept: return "be accepted"
        case .reject: return "be rejected"
        case .fill: return "fill"
        case .requestCancel: return "be asked to cancel"
        case .confirmCancel: return "be cancelled"
        case .rejectCancel: return "have a cancel rejected"
        case .expire: return "expire"
        }
    }
}
