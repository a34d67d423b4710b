import ATSDomain
import ATSOrders
import ATSPlanning
import ATSSettlement
import ATSVenues

/// An order planned with what puts its tokens or cash where one venue settles: for a sale the
/// account's own tokens moved there (custody transfers), for a buy its cash in another asset
/// converted there (a venue's cash conversion); the fee in the all-in price, the time in the
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

    /// Cash of one asset converted into the asset a venue settles in, at a venue that converts.
    public struct Conversion: Sendable, Hashable {
        public var venue: VenueID
        public var from: CashAsset
        public var fromLocation: CustodyLocation
        public var to: CashAsset
        public var toLocation: CustodyLocation
        /// What is paid, in `from`.
        public var amount: Money
        /// What it gives at the venue's reference price after its fee, in `to`.
        public var received: Money
        /// The venue's fee, in `to`.
        public var fee: Money
    }

    /// The venue the order is planned at.
    public var venue: VenueID
    public var side: Side
    public var moves: [Move] = []
    public var conversion: Conversion?
    /// The plan on the book as it is now with the tokens or cash in place, nil when nothing in it
    /// is within the order's limit (the order will rest once they are there).
    public var plan: Plan?

    public var quantity: Quantity { Quantity(rawValue: moves.reduce(0) { $0 + $1.quantity.rawValue }) }
    /// The transfers' or the conversion's fees (dollars and stablecoin dollars counted one for one).
    public var fee: Money { conversion?.fee ?? Money(rawValue: moves.reduce(0) { $0 + $1.fee.rawValue }) }
    /// When the last move arrives, in minutes from now (the moves run side by side; a conversion
    /// is one call to its venue).
    public var minutes: Int { moves.map(\.minutes).max() ?? 0 }

    /// The plan's all-in amount with the fee in it, exact (10^-24 units): a sale's net proceeds
    /// less it, a buy's cost plus it; nil without a plan.
    public var allInAmount: ExactAmount? {
        plan.map { side == .sell ? $0.allInCost - ExactAmount(fee) : $0.allInCost + ExactAmount(fee) }
    }

    /// Better is greater: more filled on the book now, then more to the account (a sale's net
    /// proceeds, a buy's cost negated; without a plan, the fee negated), then sooner.
    public var rank: (Int64, ExactAmount, Int) {
        let amount = allInAmount.map { side == .sell ? $0 : .zero - $0 } ?? .zero - ExactAmount(fee)
        return (plan?.filledQuantity.rawValue ?? 0, amount, -minutes)
    }

    /// The all-in price per unit with the fee in it, rounded half-even; nil without a fill.
    public var allInPrice: Price? {
        guard let plan, let amount = allInAmount, plan.filledQuantity.isPositive else { return nil }
        let raw = roundedQuotient(
            amount.rawValue, Int128(plan.filledQuantity.rawValue) * 100_000_000, rounding: .halfEven)
        return raw.flatMap { Int64(exactly: $0) }.map(Price.init(rawValue:))
    }

    /// A line for the order's note: what moves or converts, the fee and time, the price they make.
    public func summary(expected: Timestamp) -> String {
        var line: String
        if let conversion {
            line =
                "waiting for a cash conversion at \(conversion.venue): \(conversion.amount) \(conversion.from.rawValue) "
                + "at \(conversion.fromLocation) into \(conversion.to.rawValue) at \(conversion.toLocation) to buy at \(venue); "
                + "about \(conversion.received) after the fee \(conversion.fee)"
        } else {
            let moved = moves.map { "\($0.quantity) from \($0.from)" }.joined(separator: ", ")
            line =
                "waiting for custody transfers: \(moved) to \(moves.first?.to.description ?? "") to sell at \(venue); "
                + "fee \(fee) USD, \(minutes) min (expected by \(String(expected.description.prefix(16)))Z)"
        }
        if let plan, let price = allInPrice {
            line += "; on the book now: \(plan.filledQuantity) at \(price) all-in, the fee included"
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
        let movable = movableTokens(parent.symbol, positions: positions)
        var best: TransferPlan?
        for venue in catalog.venues where venue.listing(parent.symbol) != nil && parent.admitsVenue(venue.id) {
            let needed = parent.quantity.rawValue - positions.sellable(at: venue.id).rawValue
            guard needed > 0, let moves = moves(needed, to: venue.tokenLocation(parent.symbol), from: movable)
            else { continue }
            // With the tokens there, the venue's rules (holding periods, limits, the account's
            // eligibility) must take the whole order.
            var moved = positions
            moved.sellable[venue.id] = parent.quantity
            guard takes(venue, parent, positions: moved, now: now) else { continue }
            let candidate = TransferPlan(
                venue: venue.id, side: .sell, moves: moves,
                plan: price(parent, at: venue, book: book, positions: moved))
            if best.map({ candidate.rank > $0.rank }) ?? true { best = candidate }
        }
        return best
    }

    /// Whether `venue`'s rules take the whole order with the tokens or cash there (`positions`).
    func takes(_ venue: VenueDefinition, _ parent: ParentOrder, positions: AccountPositions, now: Timestamp) -> Bool {
        eligibility(
            of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity, positions: positions,
            now: now) == nil
    }

    /// The order planned at `venue` alone on `book` with the tokens or cash there (`positions`);
    /// nil when nothing in it is within the limit, without a book, or at a call auction.
    func price(_ parent: ParentOrder, at venue: VenueDefinition, book: ConsolidatedBook?, positions: AccountPositions)
        -> Plan?
    {
        guard let book, venue.isContinuous else { return nil }
        var snapshot = planSnapshot(book, side: parent.side, positions: positions)
        snapshot.venues.removeAll { $0.venue != venue.id }
        let order = PlanOrder(
            side: parent.side, quantity: parent.quantity, limitPrice: parent.limitPrice, strategy: parent.strategy,
            includeVenues: [venue.id], excludeVenues: [])
        guard let plan = try? Planner.plan(order, on: snapshot), plan.filledQuantity.isPositive else { return nil }
        return plan
    }

    /// What is free to move from each of the account's locations (not the bank, not in transit):
    /// its free tokens there less what working sells settling there promise.
    func movableTokens(_ symbol: Symbol, positions: AccountPositions) -> [CustodyLocation: Int64] {
        var movable: [CustodyLocation: Int64] = [:]
        for holding in positions.freeHoldings where holding.location != .transit && holding.location != .bank {
            let settlingThere = catalog.venues.filter {
                $0.listing(symbol) != nil && $0.tokenLocation(symbol) == holding.location
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
