import ATSDomain
import ATSPlanning
import ATSSettlement
import ATSVenues

/// Best execution across primary and secondary for a buy: the units an amount buys in an open
/// offering against the same units bought on the consolidated secondary books now, by all-in cost,
/// time to delivery and the holding period each acquisition starts.
///
/// The verdict: the books when they fill every unit for less all-in; the offering when they fill
/// fewer units or cost more; on equal cost, whichever delivers sooner. Units from an offering are
/// delivered at its close (the issue date) and pay no fee (an assumption: the issuer pays the
/// placement fee); units from the books are delivered on their venues' settlement cycles and pay
/// their fees. Either acquisition starts the security's holding period on its own date.
public struct OfferingComparison: Sendable, Hashable {
    /// One way to acquire the units.
    public struct Route: Sendable, Hashable {
        public var units: Quantity
        public var cost: Money
        public var fees: Money
        public var pricePerUnit: Price?
        public var venues: [VenueID]
        /// The latest day the units are delivered.
        public var deliveredOn: CalendarDate
        /// The first day they may be resold.
        public var resalableFrom: CalendarDate
    }

    public enum Choice: String, Sendable, Hashable { case primary, secondary }

    public var offering: Offering
    public var venue: VenueID
    public var amount: Money
    public var primary: Route
    /// Nil when the books the account may trade show none of the security.
    public var secondary: Route?
    public var better: Choice
    /// Why, in order: cost, then delivery, then holding period.
    public var reasons: [String]

    /// The comparison for `amount` into `offering` against `plan`, a cost-strategy buy of the
    /// units it buys, planned on the books the account may trade.
    public static func compare(
        _ offering: Offering, at venue: VenueID, amount: Money, plan: Plan?, catalog: VenueCatalog,
        security: Security, now: Timestamp
    ) -> OfferingComparison {
        let lotCost = offering.lotCost.rawValue
        let lots = lotCost > 0 ? amount.rawValue / lotCost : 0
        let units = Quantity(rawValue: lots * offering.lotSize.rawValue)
        let primary = Route(
            units: units, cost: Money(rawValue: lots * lotCost), fees: .zero, pricePerUnit: offering.pricePerUnit,
            venues: [venue], deliveredOn: offering.closesOn,
            resalableFrom: resalable(offering.closesOn, security.holdingPeriod))
        var secondary: Route?
        if let plan, plan.filledQuantity.isPositive {
            let today = CalendarDate(now)
            let nextDay = CalendarDate(SettlementBook.nextBusinessDay(after: now))
            let delivered =
                plan.allocations.map { allocation in
                    catalog.venue(allocation.venue)?.settlement.cycle == .t1 ? nextDay : today
                }.max() ?? today
            secondary = Route(
                units: plan.filledQuantity, cost: (try? plan.allInCost.money(rounding: .up)) ?? .zero,
                fees: (try? plan.fees.money(rounding: .up)) ?? .zero, pricePerUnit: plan.allInPrice,
                venues: plan.allocations.map(\.venue), deliveredOn: delivered,
                resalableFrom: resalable(delivered, security.holdingPeriod))
        }
        let (better, reasons) = verdict(primary, secondary, symbol: offering.symbol)
        return OfferingComparison(
            offering: offering, venue: venue, amount: amount, primary: primary, secondary: secondary, better: better,
            reasons: reasons)
    }

    static func resalable(_ day: CalendarDate, _ period: HoldingPeriod) -> CalendarDate {
        switch period {
        case .none: return day
        case .months(let months): return day.adding(months: months)
        case .days(let days): return day.adding(days: days)
        }
    }

    static func verdict(_ primary: Route, _ secondary: Route?, symbol: Symbol) -> (Choice, [String]) {
        guard let secondary else {
            return (.primary, ["the books you may trade show no \(symbol) to buy now"])
        }
        var reasons: [String] = []
        let better: Choice
        if secondary.units < primary.units {
            better = .primary
            reasons.append(
                "the books show only \(secondary.units) of the \(primary.units) \(symbol) the offering sells you")
        } else {
            let difference = secondary.cost.rawValue - primary.cost.rawValue
            if difference < 0 {
                better = .secondary
                reasons.append(
                    "the books cost \(Money(rawValue: -difference)) less all-in for \(primary.units) \(symbol): \(secondary.cost) (\(secondary.venues.map(\.rawValue).joined(separator: ", ")), fees \(secondary.fees)) against \(primary.cost) in the offering"
                )
            } else if difference > 0 {
                better = .primary
                reasons.append(
                    "the offering costs \(Money(rawValue: difference)) less for \(primary.units) \(symbol): \(primary.cost) against \(secondary.cost) all-in on the books (fees \(secondary.fees))"
                )
            } else {
                better = secondary.deliveredOn <= primary.deliveredOn ? .secondary : .primary
                reasons.append("the same cost either way, \(primary.cost); the sooner delivery decides")
            }
        }
        reasons.append(
            "the books deliver by \(secondary.deliveredOn); the offering at its close, by \(primary.deliveredOn)")
        reasons.append(
            primary.resalableFrom == primary.deliveredOn && secondary.resalableFrom == secondary.deliveredOn
                ? "no holding period either way"
                : "resalable from \(secondary.resalableFrom) if bought on the books, from \(primary.resalableFrom) if subscribed"
        )
        return (better, reasons)
    }
}

extension SubscriptionDesk {
    /// Compares subscribing `amount` to an offering with buying the same units on the books
    /// `account` may trade now (nothing is sent).
    public func compare(venue: VenueID, offering id: String, amount: Money, account: AccountID)
        async throws(SubscriptionError) -> OfferingComparison
    {
        let live: [VenueOffering]
        do { live = try await call(venue, "offerings") { try await $0.offerings() } } catch {
            throw Self.unreadable(venue, context.catalog.venue(venue)?.name ?? venue.rawValue, error)
        }
        guard let listed = live.first(where: { $0.offering.id == id }) else {
            throw SubscriptionError(
                code: "unknown_offering", field: "offering", message: "\(venue) runs no offering \(id)")
        }
        let offering = listed.offering
        guard let security = context.configuration.security(offering.symbol) else {
            throw SubscriptionError(
                code: "unknown_offering", field: "offering",
                message: "offering \(id) is of \(offering.symbol), which is not in the securities master")
        }
        let units = OfferingComparison.compare(
            offering, at: venue, amount: amount, plan: nil, catalog: context.catalog, security: security,
            now: context.clock.now()
        ).primary.units
        var plan: Plan?
        if units.isPositive {
            let book = await context.consolidatedBook(offering.symbol, account: account, side: .buy)
            let snapshot = context.checks.planSnapshot(
                book, side: .buy, positions: context.positions(account, offering.symbol))
            plan = try? Planner.plan(PlanOrder(side: .buy, quantity: units, strategy: .cost), on: snapshot)
        }
        return OfferingComparison.compare(
            offering, at: venue, amount: amount, plan: plan, catalog: context.catalog, security: security,
            now: context.clock.now())
    }
}
