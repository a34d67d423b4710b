import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenues
import Testing

@testable import ATSRouter

/// The routing step without I/O: thousands of seeded cases over every listed security, every
/// account, random books (venues left out, call auctions, random depth), random positions and
/// cash by location, exclusions and attempts. Each outcome is checked against brute force:
/// the children are the planner's allocations on the checks' snapshot; every refusal is what the
/// checks give for that child after the children before it; what is sent never sells tokens or
/// spends cash the account does not have where the venue settles, never exceeds the residual,
/// never goes to a venue left out; and the outcome's kind follows from the plan.
@Suite struct RoutingStepTests {
    let catalog: VenueCatalog
    let configuration: RouterConfiguration
    let checks: PreTradeChecks

    init() throws {
        catalog = try Repository.catalog()
        configuration = try Repository.configuration(catalog)
        checks = PreTradeChecks(catalog: catalog, configuration: configuration)
    }

    struct Tally {
        var outcomes: [String: Int] = [:]
        var refusals: [String: Int] = [:]
        var sent = 0
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func everyStepAgreesWithBruteForce(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var tally = Tally()
        var problems: [String] = []
        for n in 0..<2_000 {
            let input = randomInput(&random, number: n)
            let outcome = RoutingStep(checks: checks, keyPrefix: "t-")(input)
            problems += check(outcome, input: input, tally: &tally).map { "case \(n): \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        // The cases reach every kind of outcome, refusals by the account's and the token's rules,
        // and hundreds of children sent. (Position and cash refusals of a planned child are rare by
        // design: the snapshot already caps each venue at what the account has where it settles.)
        #expect(Set(tally.outcomes.keys) == ["send", "replan", "stop", "rejected"], "\(tally.outcomes)")
        #expect(tally.refusals[RejectCode.kycNotApproved.rawValue, default: 0] > 0, "\(tally.refusals)")
        #expect(tally.refusals[RejectCode.insufficientHolding.rawValue, default: 0] > 0, "\(tally.refusals)")
        #expect(tally.sent > 300, "\(tally.outcomes)")
    }

    // MARK: Cases

    func randomInput(_ random: inout SplitMix64, number: Int) -> RoutingStep.Input {
        let symbols = Array(Set(catalog.venues.filter(\.isContinuous).flatMap { $0.listings.map(\.symbol) })).sorted {
            $0.rawValue < $1.rawValue
        }
        let symbol = symbols[random.below(symbols.count)]
        // Mostly alice, onboarded at most venues; the others are refused more often than not.
        let account =
            random.below(3) == 0
            ? configuration.accounts[random.below(configuration.accounts.count)] : configuration.accounts[0]
        let side: Side = random.below(2) == 0 ? .buy : .sell
        let listing = catalog.venues(listing: symbol).first!.listing(symbol)!
        let quantity = Quantity(rawValue: Int64(1 + random.below(400)) * listing.lotSize.rawValue)
        let tif: TimeInForce.Kind = [.ioc, .fok, .day][random.below(3)]
        // Mostly a limit through the touch (a buy above the reference, a sell below), sometimes away from it.
        let through = Int64(1 + random.below(10)) * (side == .buy ? 1 : -1) * (random.below(5) == 0 ? -1 : 1)
        let limit =
            random.below(3) == 0 && tif == .ioc
            ? nil
            : Price(rawValue: listing.referencePrice.rawValue + through * listing.referencePrice.rawValue / 100)
        let venues = catalog.venues(listing: symbol).map(\.id)
        var include: Set<VenueID> = []
        var exclude: Set<VenueID> = []
        if random.below(6) == 0 { include = [venues[random.below(venues.count)]] }
        if random.below(6) == 0 { exclude = [venues[random.below(venues.count)]] }
        var parent = ParentOrder(
            id: OrderID(UInt64(number + 1)), account: account.id, clientOrderId: nil, symbol: symbol, side: side,
            quantity: quantity, limitPrice: limit, timeInForce: tif,
            strategy: PlanStrategy.allCases[random.below(PlanStrategy.allCases.count)],
            includeVenues: include, excludeVenues: exclude, createdAt: monday)
        let attempt = random.below(3)
        if attempt > 0 {
            // A child already filled part: the step routes the rest.
            var earlier = ChildOrder(
                clientKey: "t-p\(number + 1)-c1", venue: venues[0], quantity: Quantity(rawValue: quantity.rawValue / 2),
                limitPrice: listing.referencePrice, timeInForce: .ioc, purpose: .take, decision: 0, createdAt: monday)
            earlier.status = .cancelled
            parent.children.append(earlier)
        }
        var refused: [VenueID: String] = [:]
        if random.below(5) == 0 { refused[venues[random.below(venues.count)]] = "failed: earlier" }
        let positions = randomPositions(&random, account: account, symbol: symbol, quantity: quantity)
        return RoutingStep.Input(
            parent: parent, book: randomBook(&random, symbol: symbol, positions: positions, side: side),
            positions: positions, refusedVenues: refused, attempt: attempt, now: monday)
    }

    /// Venues included as the live book includes them (healthy, fresh, and the account eligible),
    /// except that one case in six leaves a venue out at random and one in five keeps the venues
    /// the account may not use (so that the checks refuse its children).
    func randomBook(_ random: inout SplitMix64, symbol: Symbol, positions: AccountPositions, side: Side)
        -> ConsolidatedBook
    {
        let ignoresEligibility = random.below(5) == 0
        var statuses: [ConsolidatedBook.VenueStatus] = []
        var bids: [ConsolidatedBook.Level] = []
        var asks: [ConsolidatedBook.Level] = []
        for venue in catalog.venues(listing: symbol) {
            let listing = venue.listing(symbol)!
            let eligible =
                ignoresEligibility
                || checks.eligibility(
                    of: venue, symbol: symbol, side: side, quantity: listing.minimumQuantity,
                    positions: positions, now: monday) == nil
            let included = eligible && random.below(6) != 0
            statuses.append(
                ConsolidatedBook.VenueStatus(
                    venue: venue.id, included: included, code: included ? nil : "stale",
                    reason: included ? nil : "the book is old",
                    sequence: 1, ageMilliseconds: Int64(random.below(1_500)), buyFeeBps: venue.takerFee(for: .buy),
                    sellFeeBps: venue.takerFee(for: .sell), fixedFee: venue.fees.fixedPerOrder,
                    matching: venue.matching.model.rawValue))
            guard included else { continue }
            for level in 0..<(1 + random.below(4)) {
                let step = Int64(level + 1) * listing.tickSize.rawValue * Int64(1 + random.below(20))
                let size = Quantity(rawValue: Int64(1 + random.below(300)) * listing.lotSize.rawValue)
                let ask = Price(rawValue: listing.referencePrice.rawValue + step)
                let bid = Price(rawValue: listing.referencePrice.rawValue - step)
                asks.append(
                    .init(
                        venue: venue.id, price: ask, quantity: size,
                        allInPrice: allInPrice(ask, fee: venue.takerFee(for: .buy), side: .buy)))
                bids.append(
                    .init(
                        venue: venue.id, price: bid, quantity: size,
                        allInPrice: allInPrice(bid, fee: venue.takerFee(for: .sell), side: .sell)))
            }
        }
        bids.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice > $1.allInPrice : $0.price > $1.price }
        asks.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice < $1.allInPrice : $0.price < $1.price }
        return ConsolidatedBook(
            symbol: symbol, account: positions.account.id, asOf: monday, bids: bids, asks: asks, venues: statuses)
    }

    /// Tokens and cash by location (venues settling at one location share it), each from none to
    /// about twice what the order needs.
    func randomPositions(_ random: inout SplitMix64, account: Account, symbol: Symbol, quantity: Quantity)
        -> AccountPositions
    {
        var tokensAt: [CustodyLocation: Quantity] = [:]
        var cashAt: [String: Money] = [:]
        var sellable: [VenueID: Quantity] = [:]
        var spendable: [VenueID: Money] = [:]
        for venue in catalog.venues {
            let tokens =
                tokensAt[venue.tokenLocation(symbol)]
                ?? Quantity(rawValue: quantity.rawValue * Int64(random.below(6)) / 2)
            tokensAt[venue.tokenLocation(symbol)] = tokens
            let key = "\(venue.cashLeg.asset.rawValue)@\(venue.cashLeg.location)"
            let reference = venue.listing(symbol)?.referencePrice ?? Price(rawValue: 10 * Price.unit)
            let cash =
                cashAt[key]
                ?? Money(
                    rawValue: Int64(
                        clamping: Int128(reference.rawValue) * Int128(quantity.rawValue) / Int128(Quantity.unit)
                            * Int128(random.below(6)) / 2))
            cashAt[key] = cash
            sellable[venue.id] = tokens
            spendable[venue.id] = cash
        }
        return AccountPositions(
            account: account, symbol: symbol, holders: random.below(3), sellable: sellable, spendable: spendable,
            freeHoldings: tokensAt.map { AccountPositions.Holding(location: $0.key, quantity: $0.value) })
    }

    // MARK: Brute force

    func check(_ outcome: RoutingStep.Outcome, input: RoutingStep.Input, tally: inout Tally) -> [String] {
        var found: [String] = []
        let before = input.parent
        let after = outcome.parent
        let residual = before.unroutedQuantity
        let new = Array(after.children.dropFirst(before.children.count))
        // The plan the step must have made: the planner on the checks' snapshot, less the venues left out.
        var snapshot = checks.planSnapshot(input.book, side: before.side, positions: input.positions)
        snapshot.venues.removeAll { input.refusedVenues[$0.venue] != nil }
        let order = PlanOrder(
            side: before.side, quantity: residual, limitPrice: before.limitPrice, strategy: before.strategy,
            includeVenues: before.includeVenues, excludeVenues: before.excludeVenues)
        guard let plan = try? Planner.plan(order, on: snapshot) else {
            if case .stop = outcome, after.note?.hasPrefix("the planner refused") == true, new.isEmpty {
                tally.outcomes["stop", default: 0] += 1
                return []
            }
            return ["the planner refuses the books but the step did not stop with a note"]
        }
        if after.decisions.count != before.decisions.count + 1 || after.decisions.last?.plan != plan
            || after.decisions.last?.attempt != input.attempt
        {
            found.append("the decision is not the planner's plan for attempt \(input.attempt)")
        }
        for status in input.book.venues where !status.included && after.decisions.last?.excluded[status.venue] == nil {
            found.append("\(status.venue) left out of the book but not named as excluded")
        }
        let fokShort = before.timeInForce == .fok && input.attempt == 0 && plan.filledQuantity < residual
        switch outcome {
        case .rejected:
            tally.outcomes["rejected", default: 0] += 1
            if !fokShort || !new.isEmpty || after.rejection?.code != .fillOrKillNotFillable {
                found.append("rejected without an unfillable FOK")
            }
            return found
        case .stop:
            tally.outcomes["stop", default: 0] += 1
            if fokShort || !plan.allocations.isEmpty || !new.isEmpty { found.append("stopped with a plan to send") }
            return found
        case .replan(_, let refused):
            tally.outcomes["replan", default: 0] += 1
            if new.contains(where: { $0.status != .refused }) || refused.isEmpty {
                found.append("re-plan while a child could go")
            }
        case .send(_, let indices, _):
            tally.outcomes["send", default: 0] += 1
            if Set(indices) != Set(new.indices.filter { new[$0].status != .refused }.map { $0 + before.children.count })
            {
                found.append("sends other than the cleared children")
            }
        }
        if fokShort { found.append("an unfillable FOK was not rejected") }
        // One child per allocation, in order, at its venue, quantity and worst price.
        if new.map({ [$0.venue.rawValue, $0.quantity.description, $0.limitPrice.description] })
            != plan.allocations.map({ [$0.venue.rawValue, $0.quantity.description, $0.worstPrice.description] })
        {
            found.append("children differ from the plan's allocations")
        }
        found += checkChildren(new, first: before.children.count, input: input, tally: &tally)
        return found
    }

    /// Each new child: its key, its refusal recomputed by the checks after the children cleared
    /// before it, and no cleared child selling or spending more than the account has where its
    /// venue settles, exceeding the residual or going to a venue left out.
    func checkChildren(_ children: [ChildOrder], first: Int, input: RoutingStep.Input, tally: inout Tally) -> [String] {
        var found: [String] = []
        let parent = input.parent
        var plannedAt: [CustodyLocation: Int64] = [:]
        var sentQuantity: Int64 = 0
        for (offset, child) in children.enumerated() {
            let venue = catalog.venue(child.venue)!
            if child.clientKey != "t-p\(parent.id)-c\(first + offset + 1)" { found.append("key \(child.clientKey)") }
            let location = parent.side == .sell ? venue.tokenLocation(parent.symbol) : venue.cashLeg.location
            let expected = checks.childRefusal(
                parent, venue: venue, quantity: child.quantity, limit: child.limitPrice, tif: child.timeInForce,
                planned: plannedAt[location, default: 0], positions: input.positions, now: input.now)
            if expected != child.refusal {
                found.append(
                    "\(child.venue): refusal \(String(describing: child.refusal?.code)) but the checks say \(String(describing: expected?.code))"
                )
            }
            if let refusal = child.refusal {
                tally.refusals[refusal.code.rawValue, default: 0] += 1
                continue
            }
            tally.sent += 1
            sentQuantity += child.quantity.rawValue
            let cost =
                parent.side == .sell
                ? child.quantity.rawValue : venue.greatestBuyCost(child.quantity, at: child.limitPrice).rawValue
            plannedAt[location, default: 0] += cost
            let has =
                parent.side == .sell
                ? input.positions.sellable(at: venue.id).rawValue : input.positions.spendable(at: venue.id).rawValue
            if plannedAt[location]! > has {
                found.append(
                    "\(child.venue): sends \(plannedAt[location]!) at \(location) where the account has \(has)")
            }
            if input.refusedVenues[child.venue] != nil
                || input.book.venues.first(where: { $0.venue == child.venue })?.included != true
                || !venue.isContinuous || !parent.admitsVenue(child.venue)
            {
                found.append("\(child.venue): a child at a venue left out")
            }
        }
        if sentQuantity > parent.unroutedQuantity.rawValue {
            found.append("sends \(sentQuantity), more than the residual \(parent.unroutedQuantity)")
        }
        return found
    }
}
