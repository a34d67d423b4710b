import ATSDomain
import ATSRouter
import ATSRouting
import ATSVenueMocks
import ATSVenues

extension DemoScript {
    /// Section 4: the router over HTTP on the five mocks — the consolidated book, an optimal split
    /// against the best single venue, a compliance refusal, a re-route after liquidity vanishes, and
    /// a DAY order that rests and is cancelled.
    func routing(_ say: (String) -> Void) async throws {
        say("4. Smart order routing over HTTP: five venue mocks on loopback, the router polling them")
        let catalog: VenueCatalog
        var configuration: RouterConfiguration
        do {
            catalog = try VenueCatalog.load(directory: venuesDirectory)
            configuration = try RouterConfiguration.load(from: configFile, venues: catalog)
        } catch {
            say("  (skipped: \(error))")
            return
        }
        var settings = configuration.routingSettings
        settings.fillWindowMilliseconds = 150
        configuration.routing = settings
        // The same simulated Monday as section 3; the market is still between polls, so the same
        // seed prints the same routing.
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_795_446_000))
        let fleet = try await MockVenueFleet.start(catalog.venues, clock: clock, stepInterval: nil, pathSeed: seed)
        for engine in fleet.engines.values { await engine.step(count: 20) }
        let router = SmartRouter(catalog: catalog, configuration: configuration, urls: fleet.urls, clock: clock)
        do {
            try await routingScript(router: router, fleet: fleet, say)
        } catch {
            await router.shutdown()
            await fleet.stop()
            throw error
        }
        await router.shutdown()
        await fleet.stop()
    }

    private func routingScript(router: SmartRouter, fleet: MockVenueFleet, _ say: (String) -> Void) async throws {
        let mismatches = await router.verifyInstruments()
        say(mismatches.isEmpty ? "  each venue's published instruments agree with venues/*.json (ticks, lots, minimums, bands)"
            : "  instrument rules disagree: " + mismatches.joined(separator: "; "))
        await router.pollAll()
        let acme = try Symbol("ACME")
        let alice = try AccountID("alice")
        let before = await router.context.consolidatedBook(acme, account: alice, side: .buy)
        say("  ACME consolidated offers for alice (all-in = price with the venue's fee):")
        say(offers(before, rows: 6))

        // An order larger than any one venue shows, split at the best all-in cost.
        let continuous = before.asks.filter { router.context.catalog.venue($0.venue)?.isContinuous == true }
        let limit = continuous.prefix(8).map(\.price).max() ?? .zero
        let withinLimit = continuous.filter { $0.price <= limit }.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
        let quantity = Quantity(rawValue: withinLimit * 3 / 4 / Quantity.unit * Quantity.unit)
        say("  alice buys \(quantity) ACME, IOC, limit \(limit.formatted(minimumFractionDigits: 2)):")
        let parent = await router.orders.submit(ParentOrderRequest(
            account: alice, symbol: acme, side: .buy, quantity: quantity, limitPrice: limit, timeInForce: .ioc))
        report(parent, say)
        if let decision = parent.decisions.first {
            var single = PlanOrder(side: .buy, quantity: quantity, limitPrice: limit, strategy: .bestSingle)
            single.excludeVenues = []
            if let baseline = try? Planner.plan(single, on: decision.snapshot), let venue = baseline.allocations.first?.venue {
                let routed = decision.plan
                say("    best single venue from the same snapshot: \(venue), \(baseline.filledQuantity) for \(money(baseline.allInCost)) all-in"
                    + " (\(baseline.allInPrice.map { $0.formatted(minimumFractionDigits: 4) } ?? "—") a unit);"
                    + " routed: \(routed.filledQuantity) at \(routed.allInPrice.map { $0.formatted(minimumFractionDigits: 4) } ?? "—") a unit")
            }
        }

        // A compliance refusal names the rule.
        let bob = try AccountID("bob")
        let refused = await router.orders.submit(ParentOrderRequest(
            account: bob, symbol: acme, side: .buy, quantity: try Quantity("10"), timeInForce: .ioc))
        say("  bob buys 10 ACME: \(refused.status.rawValue) — \(refused.rejection.map { "\($0.code): \($0.message)" } ?? "")")

        // Liquidity vanishes between the poll and the child's arrival: the router re-plans on fresh books.
        await router.pollAll()
        let tzero = try VenueID("tzero")
        if let engine = fleet.engines[tzero] {
            let asks = try await engine.book(acme).depth(levels: 3).asks
            let taken = Quantity(rawValue: asks.reduce(0) { $0 + $1.quantity.rawValue })
            if let top = asks.last?.price, taken.isPositive {
                let sweep = try await engine.submit(VenueOrderRequest(
                    clientKey: "demo-sweep", symbol: acme, side: .buy, type: .limit, limitPrice: top, quantity: taken,
                    timeInForce: .day), owner: "another-broker")
                if sweep.order.leavesQuantity.isPositive { _ = try await engine.cancel(sweep.order.id, owner: "another-broker") }
                say("  another broker takes \(taken) ACME at tZERO after the router's poll; dave buys 300 ACME, IOC:")
                let rerouted = await router.orders.submit(ParentOrderRequest(
                    account: try AccountID("dave"), symbol: acme, side: .buy, quantity: try Quantity("300"), timeInForce: .ioc))
                report(rerouted, say)
            }
        }

        // A DAY order below the market rests at the venue chosen for fees, then is cancelled.
        await router.pollAll()
        let book = await router.context.consolidatedBook(acme, account: alice, side: .buy)
        if let bestBid = book.bids.map(\.price).max() {
            let price = Price(rawValue: bestBid.rawValue - 2_000_000)
            let resting = await router.orders.submit(ParentOrderRequest(
                account: alice, symbol: acme, side: .buy, quantity: try Quantity("40"), limitPrice: price, timeInForce: .day))
            var state = resting
            for _ in 0..<100 where state.status == .working {
                try await Task.sleep(for: .milliseconds(5))
                state = await router.orders.parent(resting.id) ?? state
            }
            say("  alice bids 40 ACME at \(price.formatted(minimumFractionDigits: 2)), DAY: \(state.status.rawValue) — \(state.note ?? "")")
            if let cancelled = await router.orders.cancel(resting.id) {
                say("  alice cancels it: \(cancelled.status.rawValue); children \(cancelled.children.map { "\($0.venue) \($0.status.rawValue)" }.joined(separator: ", "))")
            }
        }
        await router.pollAll()
        say("  ACME consolidated offers after routing:")
        say(offers(await router.context.consolidatedBook(acme, account: alice, side: .buy), rows: 6))
    }

    private func report(_ parent: ParentOrder, _ say: (String) -> Void) {
        var byVenue: [(VenueID, Int64, Int64)] = []
        for child in parent.children where child.filledQuantity.isPositive || child.status == .refused || child.status == .failed {
            let notional = child.fills.reduce(Int64(0)) { $0 + $1.price.rawValue / 1_000_000 * ($1.quantity.rawValue / 1_000_000) }
            byVenue.append((child.venue, child.filledQuantity.rawValue, notional))
        }
        for child in parent.children {
            let outcome: String
            switch child.status {
            case .refused: outcome = "refused: \(child.refusal.map(\.description) ?? "")"
            case .failed: outcome = "failed: \(child.failure ?? "")"
            default:
                let average = child.fills.isEmpty ? "" : " avg \(averagePrice(child.fills).formatted(minimumFractionDigits: 4))"
                outcome = "\(child.status.rawValue), filled \(child.filledQuantity)\(average), fees \(child.fees.formatted(minimumFractionDigits: 2))"
            }
            say("    child \(child.clientKey) → \(child.venue) \(child.quantity) \(child.timeInForce.rawValue) limit \(child.limitPrice.formatted(minimumFractionDigits: 2)) (decision \(child.decision + 1)): \(outcome)")
        }
        say("    parent \(parent.status.rawValue): filled \(parent.filledQuantity) of \(parent.quantity)"
            + (parent.averagePrice.map { " at \($0.formatted(minimumFractionDigits: 4))" } ?? "")
            + ", fees \(parent.fees.formatted(minimumFractionDigits: 2)), \(parent.decisions.count) routing decision(s)"
            + (parent.note.map { " — \($0)" } ?? ""))
    }

    private func averagePrice(_ fills: [VenueFill]) -> Price {
        let notional = fills.reduce(Int128(0)) { $0 + Int128($1.price.rawValue) * Int128($1.quantity.rawValue) }
        let quantity = fills.reduce(Int128(0)) { $0 + Int128($1.quantity.rawValue) }
        return Price(rawValue: Int64(roundedQuotient(notional, quantity, rounding: .halfEven)!))
    }

    private func money(_ amount: ExactAmount) -> String {
        (try? amount.money(rounding: .halfEven).formatted(minimumFractionDigits: 2)) ?? amount.description
    }

    private func offers(_ book: ConsolidatedBook, rows: Int) -> String {
        var lines = ["      venue           size     price      all-in"]
        for level in book.asks.prefix(rows) {
            lines.append("      " + level.venue.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + String(repeating: " ", count: max(0, 8 - level.quantity.description.count)) + level.quantity.description
                         + String(repeating: " ", count: max(0, 10 - level.price.formatted(minimumFractionDigits: 2).count))
                         + level.price.formatted(minimumFractionDigits: 2)
                         + String(repeating: " ", count: max(0, 12 - level.allInPrice.formatted(minimumFractionDigits: 4).count))
                         + level.allInPrice.formatted(minimumFractionDigits: 4))
        }
        let out = book.venues.filter { !$0.included }.map { "\($0.venue) (\($0.code ?? ""))" }
        if !out.isEmpty { lines.append("      left out: " + out.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
