import ATSDomain

/// An order as the rules see it: no id yet, no venue-specific fields.
public struct OrderTicket: Sendable, Hashable {
    public var side: Side
    public var type: OrderType.Kind
    public var quantity: Quantity
    /// Nil for a market order.
    public var limitPrice: Price?
    public var timeInForce: TimeInForce.Kind

    public init(side: Side, type: OrderType.Kind, quantity: Quantity, limitPrice: Price?, timeInForce: TimeInForce.Kind)
    {
        self.side = side
        self.type = type
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
    }
}

/// Decides whether an account may send an order for a security to a venue now, and if not, which
/// rule refuses it.
///
/// Venue rules come first (listing, session, order type, time in force, tick, lot, minimums,
/// maximum, price band), then the investor's standing at the venue (KYC, country, accreditation,
/// qualified purchaser, professional, US person), then the token's transfer rules (flowback,
/// holders, holding limits, holding periods). Pure: the caller supplies the time, the number of
/// holders and the reference price; the rate limit is a ``RateLimiter`` the caller owns.
public struct RulesEngine: Sendable {
    public init() {}

    /// The first rule that refuses the order, or nil when every rule passes.
    public func check(
        _ order: OrderTicket, account: Account, venue: VenueDefinition, security: Security,
        at now: Timestamp, holders: Int, referencePrice: Price? = nil
    ) -> Rejection? {
        violations(
            order, account: account, venue: venue, security: security, at: now, holders: holders,
            referencePrice: referencePrice, stopAtFirst: true
        ).first
    }

    /// Every rule that refuses the order, in the order they are checked.
    public func violations(
        _ order: OrderTicket, account: Account, venue: VenueDefinition, security: Security,
        at now: Timestamp, holders: Int, referencePrice: Price? = nil, stopAtFirst: Bool = false
    ) -> [Rejection] {
        var found: [Rejection] = []
        func refuse(_ code: RejectCode, _ message: String) -> Bool {
            found.append(Rejection(code, message))
            return stopAtFirst
        }
        found = venueViolations(
            order, symbol: security.symbol, venue: venue, at: now, referencePrice: referencePrice,
            stopAtFirst: stopAtFirst)
        if !found.isEmpty && (stopAtFirst || found.first?.code == .notListed) { return found }
        // The investor at this venue
        let eligibility = venue.eligibility
        if eligibility.kycRequired, account.kycStatus(at: venue.id) != .approved,
            refuse(
                .kycNotApproved,
                "\(account.id) is \(account.kycStatus(at: venue.id).map { "KYC \($0.rawValue)" } ?? "not onboarded") at \(venue.name) (DS 20: not in the registry)"
            )
        {
            return found
        }
        if eligibility.deniedCountries.contains(account.country)
            || (!eligibility.allowedCountries.isEmpty && !eligibility.allowedCountries.contains(account.country)),
            refuse(.countryRestricted, "\(venue.name) does not admit investors from \(account.country) (DS 26)")
        {
            return found
        }
        if eligibility.nonUSPersonsOnly && account.usPerson,
            refuse(.usPersonRestricted, "\(venue.name) admits non-US persons only (DS 26)")
        {
            return found
        }
        if (eligibility.accreditedOnly || (eligibility.usPersonsMustBeAccredited && account.usPerson))
            && !account.accredited,
            refuse(
                .notAccredited,
                "\(venue.name) admits accredited investors only\(eligibility.accreditedOnly ? "" : " when they are US persons") (DS 61)"
            )
        {
            return found
        }
        if eligibility.qualifiedPurchaserOnly && !account.qualifiedPurchaser,
            refuse(.notQualifiedPurchaser, "\(venue.name) admits qualified purchasers only")
        {
            return found
        }
        if eligibility.professionalOnly && !account.professional,
            refuse(.notProfessional, "\(venue.name) admits professional clients and eligible counterparties only")
        {
            return found
        }
        // The token's transfer rules
        found += transferViolations(
            side: order.side, quantity: order.quantity, account: account, security: security, at: now,
            holders: holders, stopAtFirst: stopAtFirst)
        if stopAtFirst { return Array(found.prefix(1)) }
        return found
    }

    /// The token's own transfer rules for `account` acquiring (`buy`) or disposing of (`sell`)
    /// `quantity` of `security`, with the account's holdings as lots: accreditation, qualified
    /// purchasers, flowback, holders, holding limits and holding periods. Checked before an order
    /// is sent and again when its trade settles (DS Protocol's `preTransferCheck`).
    public func transferViolations(
        side: Side, quantity: Quantity, account: Account, security: Security, at now: Timestamp, holders: Int,
        stopAtFirst: Bool = false
    ) -> [Rejection] {
        var found: [Rejection] = []
        func refuse(_ code: RejectCode, _ message: String) -> Bool {
            found.append(Rejection(code, message))
            return stopAtFirst
        }
        let rules = security.transferRules
        let held = account.holding(of: security.symbol)
        switch side {
        case .buy:
            if rules.restrictedCountries.contains(account.country),
                refuse(
                    .countryRestricted,
                    "\(security.symbol) may not be acquired by investors from \(account.country) (DS 26)")
            {
                return found
            }
            if rules.accreditedOnly && !account.accredited,
                refuse(.notAccredited, "\(security.symbol) may be held by accredited investors only (DS 61)")
            {
                return found
            }
            if rules.qualifiedPurchaserOnly && !account.qualifiedPurchaser,
                refuse(.notQualifiedPurchaser, "\(security.symbol) is a 3(c)(7) fund: qualified purchasers only")
            {
                return found
            }
            if let ends = rules.flowbackEndsOn, account.usPerson, now < ends.start,
                refuse(
                    .flowback,
                    "\(security.symbol) is under Reg S flowback restriction until \(ends): no acquisitions by US persons (DS 25)"
                )
            {
                return found
            }
            if let maximum = rules.maximumHolders, held.isZero, holders >= maximum,
                refuse(.maximumHoldersReached, "\(security.symbol) already has its maximum \(maximum) holders (DS 40)")
            {
                return found
            }
            // Saturating: a quantity near the largest representable never wraps into a small holding.
            let after = Quantity(rawValue: Int64(clamping: Int128(held.rawValue) + Int128(quantity.rawValue)))
            if let maximum = rules.maximumHolding, after > maximum,
                refuse(
                    .aboveMaximumHolding,
                    "holding \(after) of \(security.symbol) would exceed the maximum \(maximum) (DS 52)")
            {
                return found
            }
            if let minimum = rules.minimumHolding, after < minimum,
                refuse(
                    .belowMinimumHolding,
                    "holding \(after) of \(security.symbol) would be below the minimum \(minimum) (DS 51)")
            {
                return found
            }
        case .sell:
            if quantity > held,
                refuse(
                    .insufficientHolding,
                    "\(account.id) holds \(held) \(security.symbol), less than \(quantity) (DS 15)")
            {
                return found
            }
            let period = security.holdingPeriod
            let today = CalendarDate(now)
            let free = account.holdings.filter {
                $0.symbol == security.symbol && period.firstResaleDate(acquiredOn: $0.acquiredOn) <= today
            }
            .reduce(Int64(0)) { $0 + $1.quantity.rawValue }
            if quantity <= held && quantity.rawValue > free {
                let next = account.holdings.filter { $0.symbol == security.symbol }
                    .map { period.firstResaleDate(acquiredOn: $0.acquiredOn) }.filter { $0 > today }.min()
                if refuse(
                    .holdingPeriodNotElapsed,
                    "only \(Quantity(rawValue: free)) of \(held) \(security.symbol) is past its \(period) holding period (\(security.exemption.rawValue)); more becomes free on \(next.map(\.description) ?? "—") (DS \(account.usPerson ? 32 : 33))"
                ) {
                    return found
                }
            }
            let after = Quantity(rawValue: held.rawValue - min(held.rawValue, quantity.rawValue))
            if let minimum = rules.minimumHolding, after.isPositive, after < minimum,
                refuse(
                    .belowMinimumHolding,
                    "selling \(quantity) would leave \(after) \(security.symbol), below the minimum holding \(minimum) (DS 51)"
                )
            {
                return found
            }
        }
        return found
    }

    /// The venue's own rules only: listing, session, order type, time in force, tick, lot, minimum
    /// and maximum size, minimum value and price band. A venue applies these to every order it receives.
    public func venueViolations(
        _ order: OrderTicket, symbol: Symbol, venue: VenueDefinition, at now: Timestamp,
        referencePrice: Price? = nil, stopAtFirst: Bool = false
    ) -> [Rejection] {
        var found: [Rejection] = []
        func refuse(_ code: RejectCode, _ message: String) -> Bool {
            found.append(Rejection(code, message))
            return stopAtFirst
        }
        guard let listing = venue.listing(symbol) else {
            return [Rejection(.notListed, "\(symbol) is not listed on \(venue.name)")]
        }
        // Venue rules
        if venue.session(at: now) == nil,
            refuse(
                .sessionClosed,
                "\(venue.name) is closed at \(now) (sessions \(venue.sessions.map { "\($0.name) \($0.start)–\($0.end)" }.joined(separator: ", ")) \(venue.timeZone))"
            )
        {
            return found
        }
        if !venue.orderTypes.contains(order.type),
            refuse(
                .orderTypeNotSupported,
                "\(venue.name) takes \(venue.orderTypes.map(\.rawValue).joined(separator: ", ")) orders, not \(order.type.rawValue)"
            )
        {
            return found
        }
        if !venue.timeInForce.contains(order.timeInForce),
            refuse(
                .timeInForceNotSupported,
                "\(venue.name) takes \(venue.timeInForce.map(\.rawValue).joined(separator: ", ")), not \(order.timeInForce.rawValue)"
            )
        {
            return found
        }
        if let price = order.limitPrice, !price.isMultiple(of: listing.tickSize),
            refuse(.offTick, "limit price \(price) is not a multiple of the tick size \(listing.tickSize)")
        {
            return found
        }
        if !order.quantity.isMultiple(of: listing.lotSize),
            refuse(.offLot, "quantity \(order.quantity) is not a multiple of the lot size \(listing.lotSize)")
        {
            return found
        }
        if order.quantity < listing.minimumQuantity,
            refuse(.belowMinimumQuantity, "quantity \(order.quantity) is below the minimum \(listing.minimumQuantity)")
        {
            return found
        }
        if order.quantity > listing.maximumOrderQuantity,
            refuse(
                .aboveMaximumSize,
                "quantity \(order.quantity) is above the maximum order size \(listing.maximumOrderQuantity)")
        {
            return found
        }
        let reference = referencePrice ?? listing.referencePrice
        if let value = try? Money.notional(
            price: order.limitPrice ?? reference, quantity: order.quantity, rounding: .down),
            value < listing.minimumOrderValue,
            refuse(.belowMinimumValue, "order value \(value) is below the minimum \(listing.minimumOrderValue)")
        {
            return found
        }
        // The band is reference × percent / 100, rounded toward the reference.
        if let price = order.limitPrice,
            let band = try? reference.scaled(
                numerator: listing.priceBandPercent.rawValue, denominator: 100 * BasisPoints.unit, rounding: .down)
        {
            let low = reference.rawValue - band.rawValue
            let high = reference.rawValue + band.rawValue
            if price.rawValue < low || price.rawValue > high,
                refuse(
                    .outsidePriceBand,
                    "limit price \(price) is outside the \(listing.priceBandPercent)% band around \(reference) (\(Price(rawValue: max(0, low)))–\(Price(rawValue: high)))"
                )
            {
                return found
            }
        }
        return found
    }

}
