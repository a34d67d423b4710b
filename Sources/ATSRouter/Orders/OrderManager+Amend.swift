import ATSDomain
import ATSOrders

/// Why an amend was not done; the order is as it was.
public enum AmendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Only a resting order is amended (a working one is being routed; a final one is done).
    case notResting(OrderID, ParentOrder.Status)
    /// The new quantity must be above what has filled.
    case quantityNotAboveFilled(filled: Quantity)
    /// The resting child's cancel was not confirmed by its venue: it may still be live there, so
    /// nothing is replaced (the order keeps resting as it was).
    case childStillLive(VenueID, ChildOrder.Status)
    /// The order as amended breaks a rule (the account's cash or tokens, a venue's limits): the
    /// order as it was is placed again.
    case refused(Rejection)

    public var description: String {
        switch self {
        case .notResting(let id, let status):
            "order \(id) is \(status.rawValue): only a resting order is amended"
        case .quantityNotAboveFilled(let filled):
            "the quantity must be above the \(filled) already filled"
        case .childStillLive(let venue, let status):
            "the resting child at \(venue) is \(status.rawValue) after the cancel: nothing was replaced; try again"
        case .refused(let rejection):
            "the order as amended is refused (\(rejection.code): \(rejection.message)); it rests as it was"
        }
    }
}

/// Amending a resting order: its quantity or limit changed by cancel and replace.
///
/// No venue here changes an order in place, so an amend always cancels the resting child and
/// routes the order again as amended: it loses its time priority at the venue (as a cancel and
/// a new order would), may take liquidity within the new limit at once, and rests its residual
/// where ``restingVenue(for:)`` picks. Fills made before the cancel stand and count toward the
/// new quantity.
extension OrderManager {
    public func amend(_ id: OrderID, quantity: Quantity?, limitPrice: Price?) async throws(AmendError)
        -> ParentOrder
    {
        guard let resting = parents[id], resting.status == .resting, !resting.cancelRequested else {
            throw .notResting(id, parent(id)?.status ?? .cancelled)
        }
        let newQuantity = quantity ?? resting.quantity
        let newLimit = limitPrice ?? resting.limitPrice
        if newQuantity == resting.quantity && newLimit == resting.limitPrice { return resting }
        guard newQuantity > resting.filledQuantity else {
            throw .quantityNotAboveFilled(filled: resting.filledQuantity)
        }
        // Out of the resting monitor's hands while the child is cancelled.
        var working = resting
        working.status = .working
        store(working)
        for index in working.children.indices where !working.children[index].isTerminal {
            var child = working.children[index]
            await cancelChild(&child, symbol: working.symbol)
            guard var latest = parents[id] else { throw .notResting(id, .cancelled) }
            latest.children[index] = child
            store(latest)
        }
        guard var latest = parents[id], !latest.cancelRequested else {
            throw .notResting(id, parents[id]?.status ?? .cancelled)
        }
        if let live = latest.children.first(where: { !$0.isTerminal }) {
            latest.status = .resting
            store(latest)
            throw .childStillLive(live.venue, live.status)
        }
        guard newQuantity > latest.filledQuantity else {
            // The child filled before its cancel: what is left of the order as it was goes on.
            await route(id)
            throw .quantityNotAboveFilled(filled: latest.filledQuantity)
        }
        // Checked as a new order would be, once the resting child no longer holds the account's
        // cash or tokens; refused, the order as it was is placed again.
        var amended = latest
        amended.amend(quantity: newQuantity, limitPrice: newLimit)
        if let refusal = await refusal(of: amended, restingAt: resting.children.last(where: { $0.purpose == .rest })) {
            await route(id)
            throw .refused(refusal)
        }
        latest = amended
        store(latest)
        await route(id)
        return parent(id) ?? latest
    }

    /// Why `amended` may not replace the order: a rule for the whole order, or (its residual must
    /// be able to rest) the rule that refuses it where it rested, when no venue takes it.
    private func refusal(of amended: ParentOrder, restingAt child: ChildOrder?) async -> Rejection? {
        let now = context.clock.now()
        let positions = context.positions(amended.account, amended.symbol, side: amended.side)
        if let refusal = context.checks.orderRefusal(amended, positions: positions) { return refusal }
        guard let positions else { return nil }
        if let refusal = context.checks.venueRefusal(amended, positions: positions, now: now) { return refusal }
        guard await restingVenue(for: amended) == nil else { return nil }
        guard let child, let venue = context.catalog.venue(child.venue), let limit = amended.limitPrice,
            let tif = context.checks.restingTimeInForce(at: venue, parent: amended.timeInForce),
            let refusal = context.checks.childRefusal(
                amended, venue: venue, quantity: amended.leavesQuantity, limit: limit, tif: tif,
                positions: positions, now: now)
        else {
            return Rejection(
                RejectCode(rawValue: "no_venue_takes_residual"),
                "no venue the order may use takes \(amended.leavesQuantity) at \(amended.limitPrice.map { "\($0)" } ?? "market")"
            )
        }
        return refusal
    }
}
