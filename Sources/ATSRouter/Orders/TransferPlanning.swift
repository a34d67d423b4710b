import ATSDomain
import ATSOrders
import ATSPlanning
import ATSSettlement
import ATSVenues

/// A sale planned with the custody transfer inside it: the account's own tokens moved to where
/// one venue settles, with the transfer's fee netted from the proceeds and its time in the
/// expected completion. What an order with `allowTransfers` waits for as `pending_transfer`.
public struct TransferPlan: Sendable, Hashable {
    /// One move of tokens between two of the account's locations.
    public struct Move: Sendable, Hashable {
        public var from: CustodyLocation
        public var to: CustodyLocation
        public var quantity: Quantity
        /// The hops' fees (a bridge's), paid in dollars from the account's bank balance.
        public var fee: Money
        /// The hops' minutes, end to end.
        public var minutes: Int
    }

    /// The venue the tokens are moved to.
    public var venue: VenueID
    public var moves: [Move]
    /// The plan on the book as it is now with the moved tokens in place, nil when nothing in it is
    /// within the order's limit (the order will rest once they arrive).
    public var plan: Plan?

    public var quantity: Quantity { Quantity(rawValue: moves.reduce(0) { $0 + $1.quantity.rawValue }) }
    public var fee: Money { Money(rawValue: moves.reduce(0) { $0 + $1.fee.rawValue }) }
    /// When the last move arrives, in minutes from now: the moves run side by side.
    public var minutes: Int { moves.map(\.minutes).max() ?? 0 }

    /// The plan's net proceeds less the transfers' fees, exact (10^-24 units), nil without a plan.
    public var netProceeds: ExactAmount? {
        plan.map { $0.allInCost - ExactAmount(fee) }
    }

    /// The all-in price per unit with the transfer's fee in it, rounded half-even; nil without a fill.
    public var allInPrice: Price? {
        guard let plan, let net = netProceeds, plan.filledQuantity.isPositive else { return nil }
        let raw = roundedQuotient(net.rawValue, Int128(plan.filledQuantity.rawValue) * 100_000_000, rounding: .halfEven)
        return raw.flatMap { Int64(exactly: $0) }.map(Price.init(rawValue:))
    }

    /// A line for the order's note: the moves, their fee and time, the price they make.
    public func summary(transfers: [Int64], expected: Timestamp) -> String {
        let moved = moves.map { "\($0.quantity) from \($0.from)" }.joined(separator: ", ")
        let ids =
            transfers.isEmpty
            ? "" : " (transfer\(transfers.count == 1 ? "" : "s") \(transfers.map(String.init).joined(separator: ", ")))"
        var line =
            "waiting for custody transfers\(ids): \(moved) to \(moves.first?.to.description ?? "") to sell at \(venue); "
            + "fee \(fee) USD, \(minutes) min (expected by \(String(expected.description.prefix(16)))Z)"
        if let plan, let price = allInPrice {
            line += "; on the book now: \(plan.filledQuantity) at \(price) all-in, the transfer's fee included"
        }
        return line
    }
}

extension PreTradeChecks {
    /// What the account can sell now of the order's quantity with the tokens where they are:
    /// over the distinct locations where the venues the order may use (and whose rules take it)
    /// settle, what is free there.
    public func sellableInPlace(_ parent: ParentOrder, positions: AccountPositions, now: Timestamp) -> Quantity {
        var byLocation: [CustodyLocation: Int64] = [:]
        for venue in catalog.venues where venue.listing(parent.symbol) != nil && parent.admitsVenue(venue.id) {
            guard
                eligibility(
                    of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity,
                    positions: positions, now: now) == nil
            else { continue }
            let location = venue.tokenLocation(parent.symbol)
            byLocation[location] = min(byLocation[location] ?? .max, positions.sellable(at: venue.id).rawValue)
        }
        return Quantity(rawValue: byLocation.values.reduce(0, +))
    }

    /// Where a sale the account's tokens in place cannot cover may move them and sell: for each
    /// venue the order may use whose only refusal is that the tokens are not where it settles,
    /// the moves (free tokens elsewhere, cheapest and fastest route first) that put the order's
    /// quantity there, priced on `book` (the book of every venue, before any account's positions)
    /// with their fee netted out. The best by quantity the book fills, then net proceeds, then
    /// time; nil when no venue can be reached with enough tokens, or for a buy.
    public func transferPlan(
        _ parent: ParentOrder, book: ConsolidatedBook?, positions: AccountPositions, now: Timestamp
    ) -> TransferPlan? {
        guard parent.side == .sell else { return nil }
        let movable = movableTokens(parent, positions: positions)
        var best: (plan: TransferPlan, key: (Int64, ExactAmount, Int))?
        for venue in catalog.venues where venue.listing(parent.symbol) != nil && parent.admitsVenue(venue.id) {
            let needed = parent.quantity.rawValue - positions.sellable(at: venue.id).rawValue
            guard needed > 0, let moves = moves(needed, to: venue.tokenLocation(parent.symbol), from: movable)
            else { continue }
            // With the tokens there, the venue's rules (holding periods, limits, the account's
            // eligibility) must take the whole order.
            var moved = positions
            moved.sellable[venue.id] = parent.quantity
            guard
                eligibility(
                    of: venue, symbol: parent.symbol, side: .sell, quantity: parent.quantity,
                    positions: moved, now: now) == nil
            else { continue }
            var candidate = TransferPlan(venue: venue.id, moves: moves, plan: nil)
            if let book, venue.isContinuous {
                var snapshot = planSnapshot(book, side: .sell, positions: moved)
                snapshot.venues.removeAll { $0.venue != venue.id }
                let order = PlanOrder(
                    side: .sell, quantity: parent.quantity, limitPrice: parent.limitPrice, strategy: parent.strategy,
                    includeVenues: [venue.id], excludeVenues: [])
                if let plan = try? Planner.plan(order, on: snapshot), plan.filledQuantity.isPositive {
                    candidate.plan = plan
                }
            }
            // More filled first, then more net of fees, then sooner; ties keep the catalog's order.
            let key = (
                candidate.plan?.filledQuantity.rawValue ?? 0,
                candidate.netProceeds ?? .zero - ExactAmount(candidate.fee),
                -candidate.minutes
            )
            if let current = best, !(key > current.key) { continue }
            best = (candidate, key)
        }
        return best?.plan
    }

    /// What is free to move from each of the account's locations (not the bank, not in transit):
    /// its free tokens there less what working sells settling there promise.
    func movableTokens(_ parent: ParentOrder, positions: AccountPositions) -> [CustodyLocation: Int64] {
        var movable: [CustodyLocation: Int64] = [:]
        for holding in positions.freeHoldings where holding.location != .transit && holding.location != .bank {
            let settlingThere = catalog.venues.filter {
                $0.listing(parent.symbol) != nil && $0.tokenLocation(parent.symbol) == holding.location
            }
            let free = settlingThere.map { positions.sellable(at: $0.id).rawValue }.min() ?? holding.quantity.rawValue
            if free > 0 { movable[holding.location] = min(free, holding.quantity.rawValue) }
        }
        return movable
    }

    /// The moves that bring `needed` (raw) to `target` from `movable`: the cheapest route first,
    /// then the fastest, then by location; nil when they do not add up to it.
    func moves(_ needed: Int64, to target: CustodyLocation, from movable: [CustodyLocation: Int64])
        -> [TransferPlan.Move]?
    {
        let settings = configuration.settlementSettings
        let sources = movable.filter { $0.key != target }.compactMap { location, free in
            let hops = CustodyTransfer.route(from: location, to: target, catalog: catalog, settings: settings)
            return hops.isEmpty
                ? nil
                : TransferPlan.Move(
                    from: location, to: target, quantity: Quantity(rawValue: free),
                    fee: Money(rawValue: hops.reduce(0) { $0 + $1.fee.rawValue }),
                    minutes: hops.reduce(0) { $0 + $1.minutes })
        }
        .sorted { ($0.fee, $0.minutes, $0.from.description) < ($1.fee, $1.minutes, $1.from.description) }
        var remaining = needed
        var moves: [TransferPlan.Move] = []
        for var source in sources where remaining > 0 {
            source.quantity = Quantity(rawValue: min(remaining, source.quantity.rawValue))
            remaining -= source.quantity.rawValue
            moves.append(source)
        }
        return remaining == 0 ? moves : nil
    }
}
