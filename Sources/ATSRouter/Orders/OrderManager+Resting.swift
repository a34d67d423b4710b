import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenues

/// Resting: a DAY/GTC residual placed at the venue most likely to fill it, watched on every poll
/// cycle, and moved when liquidity appears elsewhere within its limit.
extension OrderManager {
    /// Re-examines resting parents: a resting child that filled completes its parent; one whose
    /// books moved so that other venues now offer liquidity within the limit is cancelled and the
    /// residual re-routed. Children whose state was unknown are asked about again first. Call on
    /// every poll cycle.
    public func refreshResting() async {
        refreshPendingOnboarding()
        refreshPendingTransfers()
        for id in unreconciled.sorted() {
            let (_, unreachable) = await reconcileChildren(id)
            if unreachable == 0 {
                unreconciled.remove(id)
                resume(id)
            }
        }
        for id in parents.values.filter({ $0.status == .resting && !$0.cancelRequested }).map(\.id).sorted() {
            await reexamine(id)
        }
    }

    /// One resting parent: its resting child's state from the venue, then done, ended, kept, or
    /// moved to where liquidity now is.
    func reexamine(_ id: OrderID) async {
        guard let before = parents[id], let index = before.children.lastIndex(where: { $0.purpose == .rest }) else {
            return
        }
        var child = before.children[index]
        let symbol = before.symbol
        if !child.isTerminal, let venueOrderID = child.venueOrderID, let gateway = context.gateways[child.venue],
            let state = try? await gateway.call("order", { try await $0.order(venueOrderID, symbol: symbol) })
        {
            child.apply(state)
        }
        // Read the parent again after waiting: a cancel may have come in meanwhile.
        guard !isCancelRequested(id), var parent = parents[id], parent.status == .resting else { return }
        parent.children[index] = child
        if parent.filledQuantity == parent.quantity {
            parent.status = .filled
            parent.completedAt = context.clock.now()
            store(parent)
            return
        }
        if child.isTerminal {
            // The venue ended the resting order (expiry at the session's end, a venue-side cancel).
            parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
            parent.note =
                "the resting child at \(child.venue) ended \(child.status.rawValue) with \(parent.leavesQuantity) unfilled"
            parent.completedAt = context.clock.now()
            store(parent)
            return
        }
        store(parent)
        guard await liquidityElsewhere(for: parent, restingAt: child.venue) else { return }
        await cancelChild(&child, symbol: parent.symbol)
        guard !isCancelRequested(id), var moved = parents[id], moved.status == .resting else { return }
        moved.children[index] = child
        moved.status = .working
        store(moved)
        await route(id)
    }

    /// Whether the planner would fill part of the residual elsewhere now (continuous venues,
    /// lots, minimums, the limit and the account's positions considered), so that a resting child
    /// moves only for liquidity it can take and does not churn.
    func liquidityElsewhere(for parent: ParentOrder, restingAt venue: VenueID) async -> Bool {
        let book = await context.consolidatedBook(parent.symbol, account: parent.account, side: parent.side)
        var order = PlanOrder(
            side: parent.side, quantity: parent.leavesQuantity, limitPrice: parent.limitPrice,
            includeVenues: parent.includeVenues, excludeVenues: parent.excludeVenues)
        order.excludeVenues.insert(venue)
        let snapshot = context.checks.planSnapshot(
            book, side: parent.side, positions: context.positions(parent.account, parent.symbol))
        return (try? Planner.plan(order, on: snapshot))?.filledQuantity.isPositive ?? false
    }

    /// Rests the residual at the venue ``restingVenue(for:)`` picks, and waits for its acknowledgement.
    func rest(_ id: OrderID) async {
        guard let chosen = parents[id], let limit = chosen.limitPrice, !isCancelRequested(id) else { return }
        let best = await restingVenue(for: chosen)
        guard var parent = parents[id] else { return }
        guard let best, let tif = context.checks.restingTimeInForce(at: best.venue, parent: parent.timeInForce) else {
            parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
            parent.note = "no eligible venue takes the residual as \(parent.timeInForce.rawValue) within its rules"
            parent.completedAt = context.clock.now()
            store(parent)
            return
        }
        let child = ChildOrder(
            clientKey: "\(step.keyPrefix)p\(id)-c\(parent.children.count + 1)", venue: best.venue.id,
            quantity: parent.leavesQuantity, limitPrice: limit, timeInForce: tif, purpose: .rest,
            decision: max(0, parent.decisions.count - 1), createdAt: context.clock.now())
        parent.children.append(child)
        parent.note =
            best.auction
            ? "resting at \(best.venue.id) for its next call auction (indicative price within the limit)"
            : "resting at \(best.venue.id) (fee \(best.fee) bp)"
        store(parent)
        await send(id, children: [parent.children.count - 1])
        guard var updated = parents[id], updated.status == .working else { return }
        updated.status = .resting
        if updated.leavesQuantity.isZero {
            updated.status = .filled
            updated.completedAt = context.clock.now()
        } else if let last = updated.children.last, last.status == .unknown {
            updated.status = .working
            store(updated)
            awaitReconciliation(id, child: last)
            return
        } else if updated.children.last?.status == .failed {
            updated.status = updated.filledQuantity.isZero ? .expired : .partiallyFilled
            updated.note = "the resting child failed: \(updated.children.last?.failure ?? "")"
            updated.completedAt = context.clock.now()
        }
        store(updated)
    }

    /// Where a residual rests. A call-auction venue whose indicative uncross is within the limit
    /// is chosen first (the child waits for the auction, where it is likely to trade); otherwise
    /// the venue with the lowest fee for this side, then the most displayed size on the same side
    /// (where counterparties are most active). Only venues whose rules and the account's
    /// positions take the whole residual as the parent's time in force.
    func restingVenue(for parent: ParentOrder) async -> (venue: VenueDefinition, auction: Bool, fee: BasisPoints)? {
        guard let limit = parent.limitPrice else { return nil }
        let book = await context.consolidatedBook(parent.symbol, account: parent.account, side: parent.side)
        guard let positions = context.positions(parent.account, parent.symbol) else { return nil }
        var best: (venue: VenueDefinition, auction: Bool, fee: BasisPoints, depth: Int64)?
        for status in book.venues where status.included && parent.admitsVenue(status.venue) {
            guard let venue = context.catalog.venue(status.venue),
                let tif = context.checks.restingTimeInForce(at: venue, parent: parent.timeInForce),
                context.checks.childRefusal(
                    parent, venue: venue, quantity: parent.leavesQuantity, limit: limit, tif: tif,
                    positions: positions, now: context.clock.now()) == nil
            else { continue }
            var auctionLikely = false
            if !venue.isContinuous, let gateway = context.gateways[venue.id] {
                let symbol = parent.symbol
                if let indicative = try? await gateway.call("indicative", { try await $0.indicative(symbol) }),
                    let price = indicative.price
                {
                    auctionLikely = parent.side == .buy ? price <= limit : price >= limit
                }
            }
            let fee = parent.side == .buy ? status.buyFeeBps : status.sellFeeBps
            let sameSide = parent.side == .buy ? book.bids : book.asks
            let depth = sameSide.filter { $0.venue == venue.id }.reduce(0) { $0 + $1.quantity.rawValue }
            if let current = best {
                if current.auction && !auctionLikely { continue }
                if current.auction == auctionLikely
                    && (fee > current.fee || (fee == current.fee && depth <= current.depth))
                {
                    continue
                }
            }
            best = (venue, auctionLikely, fee, depth)
        }
        return best.map { ($0.venue, $0.auction, $0.fee) }
    }
}
