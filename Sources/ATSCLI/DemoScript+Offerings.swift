import ATSAssembly
import ATSDomain
import ATSRouter
import ATSSettlement
import ATSVenues
import ATSWire
import Foundation

extension DemoScript {
    /// Part of section 4: a primary offering beside the secondary books. The offerings the venues
    /// run; erin subscribes to VINE-2026B at Rialto (cash earmarked, the venue takes it); bob is
    /// refused (not onboarded there); the issuer closes it; erin's units are issued into the
    /// ledgers and the cap table with the issue date as acquisition date.
    func offeringSection(runtime: RouterRuntime, erin: RouterClient, bob: RouterClient, _ say: (String) -> Void)
        async throws
    {
        let list = try await erin.call(.GET, "/v1/offerings", as: APIViews.OfferingList.self)
        say("  primary offerings beside the books (GET /v1/offerings, `ats-router offerings`), as erin sees them:")
        for offering in list.offerings {
            say(
                "    \(offering.venue) \(offering.id): \(offering.symbol) at \(offering.pricePerUnit) in lots of \(offering.lotSize), "
                    + "\(offering.minimumInvestment)–\(offering.maximumInvestment) each, closes \(offering.closesOn), delivered to \(offering.deliveredTo); "
                    + (offering.refusal.map { "erin may not: \($0.code)" } ?? "erin may subscribe"))
        }
        // Best execution across primary and secondary: the offering against the books for the same units.
        await runtime.router.pollAll()
        let compared = try await erin.call(
            .GET, "/v1/offerings/rialto/VINE-2026B/comparison?amount=60000", as: APIViews.OfferingComparisonView.self)
        say("  erin compares 60000 into VINE-2026B with the books (`ats-router offerings --compare VINE-2026B`):")
        for line in SubscriptionText.comparison(compared).split(separator: "\n").dropFirst() { say("  " + line) }
        say("    better: \(compared.better)")
        let body = APIViews.SubscriptionRequestBody(
            venue: "rialto", offering: "VINE-2026B", amount: "60000", clientSubscriptionId: "demo-vine-1")
        let taken = try await erin.call(.POST, "/v1/subscriptions", body: body, as: APIViews.SubscriptionView.self)
        let erinID = try AccountID("erin")
        let earmarked = runtime.router.settlement.book().ledger.balance(Holder(erinID), .cash(.usd), at: .bank).locked
        say(
            "  erin subscribes 60000 USD to VINE-2026B at Rialto: subscription \(taken.id) \(taken.status); "
                + "\(Money(rawValue: earmarked)) USD earmarked at the bank until it allocates")
        let refused = try await bob.call(
            .POST, "/v1/subscriptions",
            body: APIViews.SubscriptionRequestBody(venue: "rialto", offering: "VINE-2026B", amount: "1200"),
            as: APIViews.SubscriptionView.self)
        say(
            "  bob subscribes 1200 USD to VINE-2026B: \(refused.status) — \(refused.rejection?.code ?? ""): \(refused.rejection?.message ?? "")"
        )
        // The issuer closes the offering at the venue; the router's next round settles the allocation.
        if let engine = runtime.fleet?.engines[try VenueID("rialto")] {
            _ = try await engine.offerings.close("VINE-2026B")
        }
        // The monitor's own round may be working the subscription at this moment (a round skips what
        // another is working): advance until it is allocated, for at most 10 s.
        var allocated = taken
        let deadline = ContinuousClock.now + .seconds(10)
        repeat {
            await runtime.router.subscriptions.advance()
            allocated = try await erin.call(.GET, "/v1/subscriptions/\(taken.id)", as: APIViews.SubscriptionView.self)
            if allocated.status != "pending" { break }
            try await Task.sleep(for: .milliseconds(50))
        } while ContinuousClock.now < deadline
        say("  the issuer closes VINE-2026B: " + SubscriptionText.line(allocated))
        let book = runtime.router.settlement.book()
        let vine = try Symbol("VINE")
        let lots = book.capTable.lots(of: Holder(erinID), in: vine)
        say(
            "  erin's VINE at the transfer agent: "
                + lots.map { "\($0.quantity) acquired \($0.acquiredOn)" }.joined(separator: ", ")
                + " (Reg A Tier 2: no holding period); in the ledger at wallet:polygon: "
                + "\(Quantity(rawValue: book.ledger.balance(Holder(erinID), .token(vine), at: .wallet(chain: "polygon")).available))"
        )
    }
}

extension DemoScript {
    /// Part of section 4: INX, venue six: a fill there settled on its custodian's books, and cash
    /// converted at its USDC/USD pair into the dollars it settles in, as buying power counts it.
    func inxCashSection(runtime: RouterRuntime, alice: RouterClient, _ say: (String) -> Void) async throws {
        let inx = try VenueID("inx")
        let settled = try runtime.router.settlement.wholeBook().settlements.filter { $0.venue == inx }
        if let example = settled.min(by: { ($0.account.rawValue, $0.fillId) < ($1.account.rawValue, $1.fillId) }) {
            say(
                "  INX fills: \(settled.count), e.g. \(example.account) \(example.side.rawValue)s \(example.quantity) \(example.symbol) at \(example.price): "
                    + "\(example.model.rawValue) \(example.cycle.rawValue), \(example.status.rawValue)")
        } else {
            say("  INX fills: none this session")
        }
        func power() async throws -> String {
            let view = try await alice.call(.GET, "/v1/positions", as: APIViews.PositionsView.self)
            guard let at = view.buyingPower?.first(where: { $0.venue == "inx" }) else { return "—" }
            return "\(at.total) \(at.asset) (\(at.spendable) at the custodian + \(at.convertible ?? "0") by conversion)"
        }
        say("  alice's buying power at INX (GET /v1/positions): \(try await power())")
        let converted = try await alice.call(
            .POST, "/v1/conversions",
            body: APIViews.ConversionRequestBody(venue: "inx", from: "USDC", to: "USD", amount: "10000"),
            as: APIViews.ConversionView.self)
        say("  alice converts 10000 USDC at INX (`ats-router convert`): " + SubscriptionText.conversion(converted))
        say("  alice's buying power at INX now: \(try await power())")
    }
}
