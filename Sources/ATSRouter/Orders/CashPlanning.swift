import ATSDomain
import ATSOrders
import ATSPlanning
import ATSSettlement
import ATSVenues

/// Convert-then-buy: a DAY or GTC buy whose cash is in another asset than the venues settle in,
/// planned with a venue's cash conversion inside it (INX's USDC/USD).
extension PreTradeChecks {
    /// What the conversion is sized above the shortfall, in basis points: the venue's price when it
    /// converts may differ from its reference; what is left over stays the account's cash.
    static let conversionMarginBps: Int64 = 10

    /// Whether some venue the order may use (and whose rules take it) can be paid the order's
    /// greatest cost, at its limit with fees, from the cash where it settles.
    public func payableInPlace(_ parent: ParentOrder, positions: AccountPositions, now: Timestamp) -> Bool {
        guard let limit = parent.limitPrice else { return true }
        return catalog.venues.contains { venue in
            venue.listing(parent.symbol) != nil && parent.admitsVenue(venue.id)
                && positions.spendable(at: venue.id) >= venue.greatestBuyCost(parent.quantity, at: limit)
                && eligibility(
                    of: venue, symbol: parent.symbol, side: .buy, quantity: parent.quantity, positions: positions,
                    now: now) == nil
        }
    }

    /// Where a buy the cash in place cannot pay for may convert the account's cash in another
    /// asset and buy: for each venue the order may use, the shortfall of its greatest cost there,
    /// converted (with a margin) at a venue that converts into the asset and place it settles in,
    /// where the account is onboarded and holds enough of the other asset; priced on `book` with
    /// the conversion's fee added. The best by quantity the book fills, then all-in cost; nil when
    /// none can be funded, for a sale, or without a limit.
    public func cashPlan(_ parent: ParentOrder, book: ConsolidatedBook?, positions: AccountPositions, now: Timestamp)
        -> TransferPlan?
    {
        guard parent.side == .buy, let limit = parent.limitPrice else { return nil }
        var best: TransferPlan?
        for venue in catalog.venues where venue.listing(parent.symbol) != nil && parent.admitsVenue(venue.id) {
            let cost = venue.greatestBuyCost(parent.quantity, at: limit)
            let needed = cost.rawValue - positions.spendable(at: venue.id).rawValue
            guard needed > 0, let conversion = conversion(into: venue.cashLeg, needed: needed, positions: positions)
            else { continue }
            var funded = positions
            funded.spendable[venue.id] = cost
            guard takes(venue, parent, positions: funded, now: now) else { continue }
            let candidate = TransferPlan(
                venue: venue.id, side: .buy, conversion: conversion,
                plan: price(parent, at: venue, book: book, positions: funded))
            if best.map({ candidate.rank > $0.rank }) ?? true { best = candidate }
        }
        return best
    }

    /// What would bring `quantity` (a sale) or its cost at the reference price (a buy) to where
    /// `venue` settles from what the account has elsewhere: a custody transfer, a cash conversion;
    /// nil when nothing would.
    func movingUnlock(
        _ venue: VenueDefinition, symbol: Symbol, side: Side, quantity: Quantity, positions: AccountPositions
    ) -> String? {
        guard let listing = venue.listing(symbol) else { return nil }
        if side == .sell {
            let target = venue.tokenLocation(symbol)
            let movable = movableTokens(symbol, positions: positions)
            guard let moves = moves(quantity.rawValue, to: target, from: movable), !moves.isEmpty else { return nil }
            let from = moves.map { "\($0.from) (\(Quantity(rawValue: movable[$0.from] ?? 0)) free)" }
                .joined(separator: ", ")
            return "a custody transfer from \(from) to \(target): allowTransfers has the router make it"
        }
        let cost = venue.greatestBuyCost(quantity, at: listing.referencePrice)
        let needed = cost.rawValue - positions.spendable(at: venue.id).rawValue
        guard needed > 0, let conversion = conversion(into: venue.cashLeg, needed: needed, positions: positions) else {
            return nil
        }
        return
            "a cash conversion at \(conversion.venue) from \(conversion.from.rawValue) at \(conversion.fromLocation): allowTransfers has the router make it"
    }

    /// The cheapest conversion (by its fee) that puts `needed` (raw, plus the margin) of the
    /// venue's cash asset where it settles, from cash the account has free in the other asset.
    func conversion(
        into leg: (asset: CashAsset, location: CustodyLocation), needed: Int64, positions: AccountPositions
    ) -> TransferPlan.Conversion? {
        let target = Money(rawValue: needed + (needed * Self.conversionMarginBps + 9_999) / 10_000)
        var found: [TransferPlan.Conversion] = []
        for converter in catalog.venues where !(converter.conversions ?? []).isEmpty {
            guard !converter.eligibility.kycRequired || positions.account.kycStatus(at: converter.id) == .approved,
                converter.cashLocation(of: leg.asset) == leg.location
            else { continue }
            for pair in converter.conversions ?? [] where pair.base == leg.asset || pair.quote == leg.asset {
                let from = pair.base == leg.asset ? pair.quote : pair.base
                let fromLocation = converter.cashLocation(of: from)
                guard let amount = Self.amount(paying: target, from: from, pair: pair),
                    let outcome = CashConversion.outcome(amount, from: from, pair: pair, price: pair.price),
                    positions.cash[.init(from, at: fromLocation)] ?? .zero >= amount
                else { continue }
                found.append(
                    .init(
                        venue: converter.id, from: from, fromLocation: fromLocation, to: leg.asset,
                        toLocation: leg.location, amount: amount, received: outcome.received, fee: outcome.fee))
            }
        }
        return found.min { ($0.fee, $0.venue) < ($1.fee, $1.venue) }
    }

    /// The least amount of `from` (to the cent) that `pair` at its reference price turns into at
    /// least `target` after its fee; nil when none does.
    static func amount(paying target: Money, from: CashAsset, pair: CashConversion) -> Money? {
        guard pair.price.isPositive else { return nil }
        let unit = Int128(Price.unit)
        let bps = Int128(10_000) * Int128(BasisPoints.unit)
        // The gross before the fee, then what pays it, both rounded up; then up to the cent.
        let gross =
            (Int128(target.rawValue) * bps + (bps - Int128(pair.feeBps.rawValue)) - 1)
            / (bps - Int128(pair.feeBps.rawValue))
        let raw =
            from == pair.base
            ? (gross * unit + Int128(pair.price.rawValue) - 1) / Int128(pair.price.rawValue)
            : (gross * Int128(pair.price.rawValue) + unit - 1) / unit
        let cent = Int128(Money.unit / 100)
        var amount = (raw + cent - 1) / cent * cent
        // Rounding in the outcome may still leave it a cent short.
        for _ in 0..<3 {
            guard let value = Int64(exactly: amount),
                let outcome = CashConversion.outcome(Money(rawValue: value), from: from, pair: pair, price: pair.price)
            else { return nil }
            if outcome.received >= target { return Money(rawValue: value) }
            amount += cent
        }
        return nil
    }
}
