import ATSDomain
import ATSOrders
import ATSSettlement
import ATSVenues

/// What a change to a parent means for settlement: the executions its new fills make, and how
/// what its working children promise (tokens for a sell, cash for a buy) changed.
extension OrderManager {
    /// The fills `new` has that `old` did not, as executions for settlement.
    static func newFills(from old: ParentOrder, to new: ParentOrder, at now: Timestamp) -> [TradeExecution] {
        var fills: [TradeExecution] = []
        for (index, child) in new.children.enumerated() {
            let known = index < old.children.count ? old.children[index].fills.count : 0
            guard child.fills.count > known else { continue }
            let seen = Set(index < old.children.count ? old.children[index].fills.map(\.id) : [])
            for (position, fill) in child.fills.enumerated() where !seen.contains(fill.id) {
                fills.append(
                    TradeExecution(
                        venue: child.venue, fillId: fill.id, orderId: new.id.rawValue, childKey: child.clientKey,
                        childNumber: index + 1, fillIndex: position, account: new.account, symbol: new.symbol,
                        side: new.side, quantity: fill.quantity,
                        price: fill.price, fee: fill.fee, at: now))
            }
        }
        return fills
    }

    /// How what a parent's working children promise changed, by venue: tokens for a sell, cash for a buy.
    func reservationChanges(from old: ParentOrder?, to new: ParentOrder) -> [SettlementDesk.ReservationChange] {
        let before = promises(old)
        let after = promises(new)
        guard before != after else { return [] }
        return Set(before.keys).union(after.keys).sorted().compactMap { venue in
            let delta = after[venue, default: 0] - before[venue, default: 0]
            guard delta != 0 else { return nil }
            let asset: LedgerAsset =
                new.side == .sell
                ? .token(new.symbol)
                : .cash(context.catalog.venue(venue)?.cashLeg.asset ?? .usd)
            return SettlementDesk.ReservationChange(account: new.account, asset: asset, venue: venue, amount: delta)
        }
    }

    /// What a parent's working children promise, by venue: a sell's unfilled tokens, a buy's
    /// greatest cost (unfilled quantity at the child's limit, with the venue's fees).
    func promises(_ parent: ParentOrder?) -> [VenueID: Int64] {
        guard let parent else { return [:] }
        var result: [VenueID: Int64] = [:]
        for child in parent.children where !child.isTerminal {
            let remaining = Quantity(rawValue: child.quantity.rawValue - child.filledQuantity.rawValue)
            if parent.side == .sell {
                result[child.venue, default: 0] += remaining.rawValue
            } else if let venue = context.catalog.venue(child.venue) {
                result[child.venue, default: 0] += venue.greatestBuyCost(remaining, at: child.limitPrice).rawValue
            }
        }
        return result
    }
}
