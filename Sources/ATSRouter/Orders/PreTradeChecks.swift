import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenues

/// The pre-trade checks, pure: the venue's and the token's rules, the account's positions and
/// cash, in; a refusal naming the rule, or nil, out. No I/O and no clock of their own: each check
/// is a function of its arguments (the positions taken at one moment, ``AccountPositions``).
public struct PreTradeChecks: Sendable {
    public let catalog: VenueCatalog
    public let configuration: RouterConfiguration
    public let rules = RulesEngine()

    public init(catalog: VenueCatalog, configuration: RouterConfiguration) {
        self.catalog = catalog
        self.configuration = configuration
    }

    /// Rule codes about the shape of one particular child, not about whether the account may
    /// trade the security at the venue at all.
    static let childShapeCodes: Set<RejectCode> = [
        .offTick, .offLot, .belowMinimumQuantity, .belowMinimumValue, .aboveMaximumSize, .outsidePriceBand,
        .orderTypeNotSupported, .timeInForceNotSupported, .rateLimited,
    ]

    /// Why the account of `positions` (any account's venue rules only, when nil) may not trade
    /// `symbol` on `side` at `venue` at `now`, ignoring the child's shape; nil if it may.
    public func eligibility(
        of venue: VenueDefinition, symbol: Symbol, side: Side, quantity: Quantity,
        positions: AccountPositions?, now: Timestamp
    ) -> Rejection? {
        guard let listing = venue.listing(symbol) else {
            return Rejection(.notListed, "\(symbol) is not listed on \(venue.name)")
        }
        let ticket = OrderTicket(
            side: side, type: .limit, quantity: quantity, limitPrice: listing.referencePrice,
            timeInForce: venue.timeInForce.first ?? .gtc)
        guard let positions, let security = configuration.security(symbol) else {
            return rules.venueViolations(ticket, symbol: symbol, venue: venue, at: now).first {
                !Self.childShapeCodes.contains($0.code)
            }
        }
        let found = rules.violations(
            ticket, account: positions.account, venue: venue, security: security, at: now, holders: positions.holders)
        if let refusal = found.first(where: { !Self.childShapeCodes.contains($0.code) }) { return refusal }
        let smallest = max(listing.minimumQuantity, listing.lotSize)
        switch side {
        case .sell:
            if positions.sellable(at: venue.id) < smallest { return positionRefusal(positions, at: venue) }
        case .buy:
            let cost = venue.greatestBuyCost(smallest, at: listing.referencePrice)
            if positions.spendable(at: venue.id) < max(cost, listing.minimumOrderValue) {
                return cashRefusal(positions, at: venue, wanted: nil)
            }
        }
        return nil
    }

    /// Refuses a parent that no venue could take for its account: an unknown security or
    /// account, or the same compliance rule at every venue listing the security. `positions` are
    /// the account's (nil when the account is unknown).
    public func admission(_ parent: ParentOrder, positions: AccountPositions?, now: Timestamp) -> Rejection? {
        if let refusal = orderRefusal(parent, positions: positions) { return refusal }
        return venueRefusal(parent, positions: positions!, now: now)
    }

    /// What refuses the order whatever the venues: its quantity, an unknown account or security,
    /// the investor's identity record, a market order that could rest.
    public func orderRefusal(_ parent: ParentOrder, positions: AccountPositions?) -> Rejection? {
        guard parent.quantity.isPositive else {
            return Rejection(.quantityNotPositive, "quantity must be greater than zero")
        }
        guard let positions, configuration.account(parent.account) != nil else {
            return Rejection(RejectCode(rawValue: "unknown_account"), "no account \(parent.account)")
        }
        guard configuration.security(parent.symbol) != nil else {
            return Rejection(RejectCode(rawValue: "unknown_security"), "no security \(parent.symbol)")
        }
        if let refusal = positions.identityRefusal { return refusal }
        if parent.timeInForce != .ioc && parent.timeInForce != .fok && parent.limitPrice == nil {
            return Rejection(
                .marketOrderCannotRest, "a \(parent.timeInForce.rawValue) order may rest, so it needs a limit price")
        }
        return nil
    }

    /// The same rule at every venue listing the security that the order may use, if there is one.
    public func venueRefusal(_ parent: ParentOrder, positions: AccountPositions, now: Timestamp) -> Rejection? {
        let listing = catalog.venues.filter { $0.listing(parent.symbol) != nil && parent.admitsVenue($0.id) }
        guard !listing.isEmpty else {
            return Rejection(.notListed, "\(parent.symbol) is listed on no venue this order may use")
        }
        var refusals: [(venue: VenueID, rejection: Rejection)] = []
        for venue in listing {
            guard
                let refusal = eligibility(
                    of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity,
                    positions: positions, now: now)
            else { return nil }
            refusals.append((venue.id, refusal))
        }
        // Every venue refuses: the code is the rule that refuses at most of them (ties: the first);
        // the message names each venue's rule.
        let counts = Dictionary(grouping: refusals, by: \.rejection.code)
        let top = refusals.first { counts[$0.rejection.code]!.count == counts.values.map(\.count).max() }!.rejection
        let detail = refusals.map { "\($0.venue): \($0.rejection.code) (\($0.rejection.message))" }.joined(
            separator: "; ")
        return Rejection(top.code, "refused at every venue listing \(parent.symbol): \(detail)")
    }

    /// The venues the order may use that refuse it only because the investor is not onboarded
    /// there, and would take it once onboarded (`canOnboard`: an onboarding can still be filed or
    /// is under way there): what a `pending_onboarding` order waits for.
    public func onboardingUnlocks(
        _ parent: ParentOrder, positions: AccountPositions, now: Timestamp, canOnboard: (VenueID) -> Bool
    ) -> [VenueID] {
        catalog.venues.filter { $0.listing(parent.symbol) != nil && parent.admitsVenue($0.id) }.compactMap { venue in
            guard canOnboard(venue.id),
                eligibility(
                    of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity,
                    positions: positions, now: now)?.code == .kycNotApproved
            else { return nil }
            var onboarded = positions
            onboarded.account.kyc[venue.id.rawValue] = .approved
            let after = eligibility(
                of: venue, symbol: parent.symbol, side: parent.side, quantity: parent.quantity, positions: onboarded,
                now: now)
            return after == nil ? venue.id : nil
        }
    }

    /// The rule refusing one child, if any. A sell child is also refused when the account does
    /// not have the tokens free where the venue settles, a buy child when it has not the cash
    /// there, net of what this plan already sends there (`planned`: tokens or cash).
    public func childRefusal(
        _ parent: ParentOrder, venue: VenueDefinition, quantity: Quantity, limit: Price, tif: TimeInForce.Kind,
        planned: Int64 = 0, positions: AccountPositions, now: Timestamp
    ) -> Rejection? {
        guard let security = configuration.security(parent.symbol) else { return Rejection(.notListed, "unknown") }
        let ticket = OrderTicket(
            side: parent.side, type: .limit, quantity: quantity, limitPrice: limit, timeInForce: tif)
        if let refusal = rules.check(
            ticket, account: positions.account, venue: venue, security: security, at: now,
            holders: positions.holders)
        {
            return refusal
        }
        switch parent.side {
        case .sell:
            if positions.sellable(at: venue.id).rawValue - planned < quantity.rawValue {
                return positionRefusal(positions, at: venue, wanted: quantity)
            }
        case .buy:
            let cost = venue.greatestBuyCost(quantity, at: limit)
            if positions.spendable(at: venue.id).rawValue - planned < cost.rawValue {
                return cashRefusal(positions, at: venue, wanted: cost)
            }
        }
        return nil
    }

    /// Why the account cannot buy at `venue`: not enough cash free where the venue settles.
    func cashRefusal(_ positions: AccountPositions, at venue: VenueDefinition, wanted: Money?) -> Rejection {
        let (asset, location) = venue.cashLeg
        return Rejection(
            .insufficientCash,
            "\(venue.name) settles in \(asset.rawValue) at \(location), where \(positions.account.id) has "
                + "\(positions.spendable(at: venue.id)) free (after working buy orders)"
                + (wanted.map { "; this child may cost \($0) with fees" } ?? ""))
    }

    /// Why the account cannot sell at `venue` although it may hold enough: its tokens are not
    /// free where the venue settles.
    func positionRefusal(_ positions: AccountPositions, at venue: VenueDefinition, wanted: Quantity? = nil) -> Rejection
    {
        let elsewhere = positions.freeHoldings.filter { $0.location != venue.tokenLocation(positions.symbol) }
            .map { $0.location == .transit ? "\($0.quantity) in transit" : "\($0.quantity) at \($0.location)" }.joined(
                separator: ", ")
        return Rejection(
            .positionNotAtVenue,
            "\(venue.name) settles at \(venue.tokenLocation(positions.symbol)), where \(positions.account.id) has "
                + "\(positions.sellable(at: venue.id)) \(positions.symbol) free to sell"
                + (wanted.map { " (this child needs \($0))" } ?? "")
                + (elsewhere.isEmpty
                    ? "" : "; free elsewhere: \(elsewhere) — a custody transfer (POST /v1/transfers) moves it"))
    }

    /// FOK children for a FOK parent where the venue takes FOK (each child fills whole or not at
    /// all); IOC on continuous venues that take it; otherwise a DAY (or GTC) limit cancelled after
    /// the fill window.
    public func childTimeInForce(at venue: VenueDefinition, parent: TimeInForce.Kind) -> TimeInForce.Kind {
        if parent == .fok && venue.isContinuous && venue.timeInForce.contains(.fok) { return .fok }
        if venue.isContinuous && venue.timeInForce.contains(.ioc) { return .ioc }
        return venue.timeInForce.contains(.day) ? .day : .gtc
    }

    /// A residual rests with the parent's own time in force (a DAY parent as DAY, a GTC parent as
    /// GTC); nil when the venue does not take it.
    public func restingTimeInForce(at venue: VenueDefinition, parent: TimeInForce.Kind) -> TimeInForce.Kind? {
        let wanted: TimeInForce.Kind = parent == .day ? .day : .gtc
        return venue.timeInForce.contains(wanted) ? wanted : nil
    }

    /// The planner's snapshot from a consolidated book: continuous venues only (a call-auction
    /// venue's book waits for its auction and cannot be taken now), with each listing's terms.
    /// With `positions`, each venue's maximum is also what the account can sell there or buy with
    /// the cash it has there, to the venue's lot.
    public func planSnapshot(_ book: ConsolidatedBook, side: Side, positions: AccountPositions?) -> PlanSnapshot {
        var venues: [PlanVenue] = []
        for status in book.venues where status.included {
            guard let venue = catalog.venue(status.venue), venue.isContinuous, let listing = venue.listing(book.symbol)
            else { continue }
            var maximum = listing.maximumOrderQuantity
            if let positions {
                let affordable: Int64
                if side == .sell {
                    affordable = positions.sellable(at: venue.id).rawValue
                } else {
                    // At the venue's dearest ask in the snapshot, fees included: never more than the cash there buys.
                    let dearest = book.asks.filter { $0.venue == venue.id }.map(\.price).max() ?? listing.referencePrice
                    let unit =
                        venue.greatestBuyCost(Quantity(rawValue: Quantity.unit), at: dearest).rawValue
                        - venue.fees.fixedPerOrder.rawValue
                    let cash = positions.spendable(at: venue.id).rawValue - venue.fees.fixedPerOrder.rawValue
                    affordable =
                        unit > 0
                        ? Int64(clamping: Int128(max(0, cash)) * Int128(Quantity.unit) / Int128(unit))
                        : maximum.rawValue
                }
                maximum = Quantity(
                    rawValue: min(maximum.rawValue, affordable - affordable % max(1, listing.lotSize.rawValue)))
            }
            venues.append(
                PlanVenue(
                    venue: venue.id, lotSize: listing.lotSize, minQuantity: listing.minimumQuantity,
                    minNotional: listing.minimumOrderValue,
                    takerFee: side == .buy ? status.buyFeeBps : status.sellFeeBps,
                    fixedFee: venue.fees.fixedPerOrder,
                    bids: book.bids.filter { $0.venue == venue.id }.map {
                        PlanLevel(price: $0.price, quantity: $0.quantity)
                    }
                    .sorted { $0.price > $1.price },
                    asks: book.asks.filter { $0.venue == venue.id }.map {
                        PlanLevel(price: $0.price, quantity: $0.quantity)
                    }
                    .sorted { $0.price < $1.price },
                    maxQuantity: maximum))
        }
        return PlanSnapshot(symbol: book.symbol, venues: venues)
    }
}
