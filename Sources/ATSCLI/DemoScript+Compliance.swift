import ATSAssembly
import ATSDomain
import ATSRouter
import ATSSettlement
import ATSVenues
import ATSWire
import Foundation

extension DemoScript {
    /// Part of section 4: onboard once. bob, onboarded at tZERO and Openfinance only, wants VINE,
    /// which lists at Rialto only: the compliance officer verifies his record once, his order waits
    /// `pending_onboarding` while the router onboards him at Rialto from it and whitelists his
    /// wallets, then it is routed. A wallet on the sanctions list stops frank's order and raises an
    /// alert.
    func onboardingSection(runtime: RouterRuntime, url: String, _ say: (String) -> Void) async throws {
        let officer = RouterClient(base: url, apiKey: DemoKeys.compliance)
        let bob = RouterClient(base: url, apiKey: DemoKeys.byAccount["bob"]!)
        let frank = RouterClient(base: url, apiKey: DemoKeys.byAccount["frank"]!)
        say("  onboard once: bob is onboarded at tZERO and Openfinance; VINE lists at Rialto only")
        await runtime.router.pollAll()
        let book = try await bob.call(.GET, "/v1/book/VINE?side=buy", as: APIViews.BookView.self)
        if let rialto = book.venues.first(where: { $0.venue == "rialto" }) {
            say(
                "    bob's VINE book: Rialto \(rialto.included ? "in" : "out") (\(rialto.code ?? "")); best ask "
                    + (rialto.bestAsk.map { "\($0.quantity) at \($0.price)" } ?? "none") + "; \(rialto.unlock ?? "")")
        }
        var record = try await officer.call(.GET, "/v1/investors/bob", as: APIViews.InvestorView.self)
        let today = CalendarDate(runtime.clock.now())
        record.kyc = .init(
            status: "approved", provider: "Onfido", verifiedOn: today.adding(days: -30).description,
            expiresOn: today.adding(days: 335).description, note: nil)
        record.wallets = [
            "ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "polygon": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        ]
        record = try await officer.call(.PUT, "/v1/investors/bob", body: record, as: APIViews.InvestorView.self)
        say(
            "  the compliance officer verifies bob once (`ats-router investor verify bob`): revision \(record.revision), "
                + "KYC by \(record.kyc.provider) until \(record.kyc.expiresOn ?? "-"), wallets on \(record.wallets.keys.sorted().joined(separator: " and "))"
        )
        let body = APIViews.OrderRequestBody(
            symbol: "VINE", side: "buy", quantity: "50", limitPrice: "13", timeInForce: "DAY",
            clientOrderId: "demo-vine-bob")
        var order = try await bob.call(.POST, "/v1/orders", body: body, as: APIViews.OrderView.self)
        say("  bob bids 50 VINE at 13, DAY: order \(order.id) \(order.status) — \(order.note ?? "")")
        let deadline = ContinuousClock.now + .seconds(20)
        while order.status == "pending_onboarding" || order.status == "working", ContinuousClock.now < deadline {
            await runtime.router.onboarding.advance()
            await runtime.router.orders.refreshResting()
            try await Task.sleep(for: .milliseconds(100))
            order = try await bob.call(.GET, "/v1/orders/\(order.id)", as: APIViews.OrderView.self)
        }
        if let onboarding = runtime.router.onboarding.onboarding(of: try AccountID("bob"), at: try VenueID("rialto")) {
            say(
                "    the router onboards bob at Rialto from his record: "
                    + onboarding.steps.map(\.status.rawValue).joined(separator: " → ")
                    + "; whitelisted: "
                    + onboarding.registrations.map { "\($0.symbol) (\($0.standard), \($0.chain))" }.joined(
                        separator: ", "))
        }
        say(
            "    order \(order.id) \(order.status): \(order.filledQuantity) of \(order.quantity)"
                + (order.averagePrice.map { " at \($0)" } ?? "") + " at "
                + Set((order.children ?? []).map(\.venue)).sorted().joined(separator: ", "))
        // A wallet on the sanctions list.
        var franks = try await officer.call(.GET, "/v1/investors/frank", as: APIViews.InvestorView.self)
        franks.wallets["ethereum"] = "0x7F367cC41522cE07553e823bf3be79A889DEbe1B"
        _ = try await officer.call(.PUT, "/v1/investors/frank", body: franks, as: APIViews.InvestorView.self)
        let refused = try await frank.call(
            .POST, "/v1/orders", body: APIViews.OrderRequestBody(symbol: "SPCE", side: "buy", quantity: "50"),
            as: APIViews.OrderView.self)
        say(
            "  frank's record gains a wallet on the sanctions list; frank buys 50 SPCE: \(refused.status) — "
                + "\(refused.rejection?.code ?? ""): \(refused.rejection?.message ?? "")")
        runtime.router.compliance.screen()
        let alerts = try await officer.call(
            .GET, "/v1/compliance/alerts?status=open", as: APIViews.AlertList.self)
        for alert in alerts.alerts {
            say("    compliance queue (GET /v1/compliance/alerts): alert \(alert.id) \(alert.kind) \(alert.account)")
        }
    }
}
