import ATSAnalytics
import ATSAssembly
import ATSDomain
import ATSPlanning
import ATSRouter
import ATSServer
import ATSSettlement
import ATSVenueMocks
import ATSVenues
import ATSWire
import Foundation

extension DemoScript {
    /// Section 4: a trading session through the router's HTTP API — the venue mocks, the journal,
    /// the router and its API all started in this process on free loopback ports. Several traders
    /// buy and sell across securities listed on several venues; one is refused by a compliance rule;
    /// one re-routes after liquidity vanishes; a DAY bid rests and meets Texture's call auction.
    func session(_ say: (String) -> Void) async throws {
        say("4. A trading session through the router's HTTP API: venues, journal, router and API in this process")
        let catalog: VenueCatalog
        var configuration: RouterConfiguration
        do {
            (catalog, configuration) = try sources.load()
        } catch {
            say("  (skipped: \(error))")
            return
        }
        // Books are refreshed when the script says so (and when the router re-plans), so that the
        // same seed prints the same session; the venues' background traders are still.
        var settings = configuration.routingSettings
        settings.pollIntervalMilliseconds = 60_000
        settings.stalenessLimitMilliseconds = 120_000
        configuration.routing = settings
        let temporary = dataDirectory == nil
        let folder = dataDirectory ?? (NSTemporaryDirectory() + "ats-router-demo-" + UUID().uuidString)
        var options = RouterRuntime.Options(dataDirectory: folder)
        options.stepInterval = nil
        options.marketSeed = seed
        // The venues' request limits are counted in real time (INX's 10 a second and 100 a
        // minute): on a busy machine they would make the session depend on timing. Lifted here, as
        // for the benchmarks; `serve` keeps them.
        options.unthrottledVenues = true
        let runtime = try await RouterRuntime.start(catalog: catalog, configuration: configuration, options: options)
        for engine in runtime.fleet?.engines.values.map({ $0 }) ?? [] { await engine.step(count: 20) }
        try await runtime.serving { url in
            try await sessionScript(runtime: runtime, url: url, folder: folder, temporary: temporary, say)
        }
        if temporary { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func trader(_ account: String, _ url: String, _ configuration: RouterConfiguration) throws -> RouterClient {
        guard let key = DemoKeys.byAccount[account] else { throw DemoError("the demo has no key for \(account)") }
        return RouterClient(base: url, apiKey: key)
    }

    private func sessionScript(
        runtime: RouterRuntime, url: String, folder: String, temporary: Bool,
        _ say: (String) -> Void
    ) async throws {
        let configuration = runtime.configuration
        let mismatches = await runtime.router.verifyInstruments()
        say("  router API at \(url); journal \(temporary ? "in a temporary folder" : runtime.journalLocation ?? "")")
        say(
            mismatches.isEmpty
                ? "  each venue's published instruments agree with venues/*.json (ticks, lots, minimums, bands)"
                : "  instrument rules disagree: " + mismatches.joined(separator: "; "))
        await runtime.router.pollAll()
        let alice = try trader("alice", url, configuration)
        let book = try await alice.call(.GET, "/v1/book/ACME?depth=20", as: APIViews.BookView.self)
        say("  ACME consolidated book for alice before trading (all-in = price with the venue's fee):")
        say(levels(book, rows: 6))

        // 1. Larger than any one venue shows: split at the best all-in cost.
        let continuous = book.asks.filter { runtime.catalog.venue(try! VenueID($0.venue))?.isContinuous == true }
        let limit = continuous.prefix(8).compactMap { try? Price($0.price) }.max() ?? .zero
        let shown = continuous.filter { (try? Price($0.price)).map { $0 <= limit } ?? false }
            .reduce(Int64(0)) { $0 + ((try? Quantity($1.quantity))?.rawValue ?? 0) }
        let quantity = Quantity(rawValue: shown * 3 / 4 / Quantity.unit * Quantity.unit)
        let first = try await submit(
            alice, "alice buys \(quantity) ACME, IOC, limit \(limit.formatted(minimumFractionDigits: 2))",
            APIViews.OrderRequestBody(
                symbol: "ACME", side: "buy", quantity: quantity.description, limitPrice: limit.description,
                timeInForce: "IOC"), say)
        if let parent = await runtime.router.orders.parent(OrderID(UInt64(first.id)!)),
            let decision = parent.decisions.first
        {
            var single = PlanOrder(side: .buy, quantity: quantity, limitPrice: limit, strategy: .bestSingle)
            single.excludeVenues = []
            if let baseline = try? Planner.plan(single, on: decision.snapshot),
                let venue = baseline.allocations.first?.venue
            {
                say(
                    "    best single venue from the same snapshot: \(venue), \(baseline.filledQuantity) for \(money(baseline.allInCost)) all-in"
                        + " (\(baseline.allInPrice.map { $0.formatted(minimumFractionDigits: 4) } ?? "—") a unit); routed: "
                        + "\(decision.plan.filledQuantity) at \(decision.plan.allInPrice.map { $0.formatted(minimumFractionDigits: 4) } ?? "—") a unit"
                )
            }
        }

        // 2. Compliance: bob is not onboarded or accredited where ACME trades; dave's ACME is still in its holding period.
        _ = try await submit(
            try trader("bob", url, configuration), "bob buys 10 ACME",
            APIViews.OrderRequestBody(symbol: "ACME", side: "buy", quantity: "10"), say)
        _ = try await submit(
            try trader("dave", url, configuration), "dave sells 100 ACME (acquired 2026-09-01)",
            APIViews.OrderRequestBody(symbol: "ACME", side: "sell", quantity: "100"), say)

        // 3. Liquidity vanishes between the router's poll and its children: it re-plans on fresh books.
        await runtime.router.pollAll()
        let acme = try Symbol("ACME")
        if let engine = runtime.fleet?.engines[try VenueID("tzero")] {
            let asks = try await engine.book(acme).depth(levels: 3).asks
            let taken = Quantity(rawValue: asks.reduce(0) { $0 + $1.quantity.rawValue })
            if let top = asks.last?.price, taken.isPositive {
                let sweep = try await engine.submit(
                    VenueOrderRequest(
                        clientKey: "demo-sweep", symbol: acme, side: .buy, type: .limit, limitPrice: top,
                        quantity: taken,
                        timeInForce: .day), owner: "another-broker")
                if sweep.order.leavesQuantity.isPositive {
                    _ = try await engine.cancel(sweep.order.id, owner: "another-broker")
                }
                _ = try await submit(
                    try trader("dave", url, configuration),
                    "another broker takes \(taken) ACME at tZERO after the router's poll; dave buys 300 ACME, IOC",
                    APIViews.OrderRequestBody(symbol: "ACME", side: "buy", quantity: "300", timeInForce: "ioc"), say)
            }
        }

        // 4. Sells and buys on other securities and venues.
        await runtime.router.pollAll()
        _ = try await submit(
            alice, "alice sells 300 ACME (held since 2025-01-15), IOC",
            APIViews.OrderRequestBody(symbol: "ACME", side: "sell", quantity: "300", timeInForce: "IOC"), say)
        _ = try await submit(
            try trader("carol", url, configuration), "carol (GB, Reg S) buys 600 SPCE, IOC",
            APIViews.OrderRequestBody(symbol: "SPCE", side: "buy", quantity: "600", timeInForce: "IOC"), say)
        _ = try await submit(
            try trader("frank", url, configuration), "frank (CN) buys 500 SPCE, IOC",
            APIViews.OrderRequestBody(symbol: "SPCE", side: "buy", quantity: "500", timeInForce: "IOC"), say)
        _ = try await submit(
            try trader("frank", url, configuration), "frank (CN) buys 50 BLDG",
            APIViews.OrderRequestBody(symbol: "BLDG", side: "buy", quantity: "50"), say)
        _ = try await submit(
            try trader("erin", url, configuration), "erin buys 50 BLDG, IOC",
            APIViews.OrderRequestBody(symbol: "BLDG", side: "buy", quantity: "50", timeInForce: "IOC"), say)
        _ = try await submit(
            try trader("carol", url, configuration), "carol sells 500 GILT, IOC",
            APIViews.OrderRequestBody(symbol: "GILT", side: "sell", quantity: "500", timeInForce: "IOC"), say)

        // 5. A DAY bid below the continuous market rests — at Texture when its auction's indicative price is within the limit.
        await runtime.router.pollAll()
        let now = try await alice.call(.GET, "/v1/book/ACME?depth=20", as: APIViews.BookView.self)
        if let bestBid = now.bids.compactMap({ try? Price($0.price) }).max() {
            let price = Price(rawValue: bestBid.rawValue - 2_000_000)
            let resting = try await submit(
                alice, "alice bids 40 ACME at \(price.formatted(minimumFractionDigits: 2)), DAY",
                APIViews.OrderRequestBody(
                    symbol: "ACME", side: "buy", quantity: "40", limitPrice: price.description, timeInForce: "DAY"), say
            )
            if resting.status == "resting" {
                let cancelled = try await alice.call(.DELETE, "/v1/orders/\(resting.id)", as: APIViews.OrderView.self)
                say(
                    "  alice cancels order \(resting.id): \(cancelled.status); children "
                        + (cancelled.children ?? []).map { "\($0.venue) \($0.status)" }.joined(separator: ", "))
            }
        }

        try await offeringSection(
            runtime: runtime, erin: try trader("erin", url, configuration), bob: try trader("bob", url, configuration),
            say)
        try await inxCashSection(runtime: runtime, alice: alice, say)
        try await onboardingSection(runtime: runtime, url: url, say)

        await runtime.router.pollAll()
        say("  ACME consolidated book for alice after trading:")
        say(levels(try await alice.call(.GET, "/v1/book/ACME?depth=6", as: APIViews.BookView.self), rows: 6))
        let orders = await runtime.router.orders.allParents()
        let children = orders.reduce(0) { $0 + $1.children.count }
        let fills = orders.reduce(0) { $0 + $1.children.reduce(0) { $0 + $1.fills.count } }
        say(
            "  journal: \(orders.count) orders, \(children) child orders, \(fills) fills — each acknowledged only once durable"
                + (temporary ? " (temporary folder, removed; keep it with --data-dir)" : " in \(folder)"))
        say("")
        try await settlementSection(runtime: runtime, alice: alice, say)
        say("")
        try reportSection(runtime: runtime, folder: folder, temporary: temporary, say)
    }

    /// Section 6: the routing analytics report over everything the session did, in every format.
    private func reportSection(runtime: RouterRuntime, folder: String, temporary: Bool, _ say: (String) -> Void) throws
    {
        say("6. Routing analytics: how well the session routed (TCA, venue scorecards, 605/606-style tables)")
        guard let journal = runtime.journal else { return say("  (no journal)") }
        let report = ReportBuilder.build(try ReportInput.journal(journal, generatedAt: runtime.clock.now()))
        for line in ReportSummaryText.headline(report, latency: false) { say("  " + line) }
        if let first = report.orders.first, let venue = first.bestSingleVenue {
            say(
                "  order \(first.id): arrival mid \(first.arrivalMid ?? "—"), average \(first.averagePrice ?? "—"), slippage \(first.slippageBps ?? "—") bp; "
                    + "best single venue \(venue) would fill \(first.bestSingleQuantity) at \(first.bestSingleAllInPrice ?? "—") all-in, "
                    + "routed \(first.filledQuantity) at \(first.allInPrice ?? "—")")
        }
        if let widest = report.outOfReach.max(by: {
            ((try? Quantity($0.quantityWithinLimit)) ?? .zero, $1.venue)
                < ((try? Quantity($1.quantityWithinLimit)) ?? .zero, $0.venue)
        }) {
            say(
                "  liquidity out of reach at the orders' first decisions (out_of_reach.csv), the most: "
                    + "\(widest.symbol) \(widest.side)s at \(widest.venue) (\(widest.code)), \(widest.quantityWithinLimit) within the limits at best \(widest.bestPrice)"
                    + (widest.unlock.isEmpty ? "" : " — \(widest.unlock)"))
        }
        // Kept after the demo: a temporary journal is removed, its report is not.
        let directory =
            temporary
            ? NSTemporaryDirectory() + "ats-router-demo-reports-" + UUID().uuidString
            : (folder as NSString).appendingPathComponent("reports")
        let written = try ReportWriter.write(report, formats: ReportWriter.Format.allCases, to: directory)
        say(
            "  wrote \(written.count) files (report.md, report.json, report.html with its charts, \(written.count - 3) CSV tables) to \(directory)"
        )
    }

    /// Section 5: everything traded settles under its venue's model. The state right after trading,
    /// a sale that needs a custody transfer first, then the simulated clock moved on a day so that
    /// four-step trades, T+1 trades and custody transfers complete; the invariants checked.
    private func settlementSection(runtime: RouterRuntime, alice: RouterClient, _ say: (String) -> Void) async throws {
        say("5. Settlement: each execution under its venue's model, through to the transfer agent's cap table")
        let desk = runtime.router.settlement
        func summary(_ book: SettlementBook) -> [String] {
            var lines: [String] = []
            let models = Dictionary(grouping: book.settlements) { "\($0.model.rawValue) (\($0.cycle.rawValue))" }
            for (model, records) in models.sorted(by: { $0.key < $1.key }) {
                let states = Dictionary(grouping: records, by: \.status).sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ")
                lines.append("    \(OrderText.pad(model, 36, left: true)) \(states)")
            }
            let transfers = Dictionary(grouping: book.transfers, by: \.status).sorted {
                $0.key.rawValue < $1.key.rawValue
            }
            .map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ")
            lines.append("    custody transfers: \(transfers.isEmpty ? "none" : transfers)")
            return lines
        }
        // Times to the minute: the session's clock runs, so seconds differ between runs of one seed.
        func minute(_ time: Timestamp) -> String { String(time.description.prefix(16)) + "Z" }
        let start = runtime.clock.now()
        var book = try desk.wholeBook()
        say("  right after trading (\(minute(start))): \(book.settlements.count) settlements, one per fill")
        for line in summary(book) { say(line) }
        // The examples are chosen by what they are, not by id: children fill concurrently, so the
        // order in which settlements and transfers are numbered varies from run to run.
        let transfers = book.transfers.sorted {
            ($0.from.description, $0.symbol.rawValue, $0.quantity) < (
                $1.from.description, $1.symbol.rawValue, $1.quantity
            )
        }
        if let bridge = transfers.first(where: { $0.hops.contains { $0.kind == .bridge } }) ?? transfers.first {
            let hops = bridge.hops.map {
                "\($0.kind.rawValue) \($0.from) → \($0.to) \($0.minutes) min\($0.fee.isPositive ? ", fee \($0.fee) USD" : "")"
            }
            say(
                "    e.g. \(bridge.account)'s \(bridge.quantity) \(bridge.symbol) from \(bridge.from) to its designated custody: "
                    + hops.joined(separator: "; "))
        }
        if let pending = book.settlements.filter({ $0.status == .instructed }).min(by: {
            ($0.venue.rawValue, $0.fillId) < ($1.venue.rawValue, $1.fillId)
        }) {
            say(
                "    e.g. a settlement: \(pending.account) \(pending.side.rawValue)s \(pending.quantity) \(pending.symbol) at \(pending.venue) "
                    + "(\(pending.model.rawValue)): instructed; the parties settle bilaterally by the venue's deadline, \(pending.deadlineAt.map(minute) ?? "-")"
            )
        }
        // Selling at tZERO needs the tokens at tZERO's custodian: the router knows where they are.
        let refused = try await alice.call(
            .POST, "/v1/orders?wait=10",
            body: APIViews.OrderRequestBody(symbol: "ACME", side: "sell", quantity: "100", includeVenues: ["tzero"]),
            as: APIViews.OrderView.self)
        say(
            "  alice sells 100 ACME at tZERO only: \(refused.status) — \(refused.rejection?.code ?? ""): \(refused.rejection?.message ?? "")"
        )
        // With allowTransfers the router moves them itself: the sale waits for the custody transfer.
        let waiting = try await alice.call(
            .POST, "/v1/orders",
            body: APIViews.OrderRequestBody(
                symbol: "ACME", side: "sell", quantity: "100", limitPrice: "9.50", timeInForce: "DAY",
                includeVenues: ["tzero"], allowTransfers: true),
            as: APIViews.OrderView.self)
        let expected = waiting.note.map {
            // Without the wall-clock time: the same seed prints the same demo.
            $0.replacingOccurrences(of: #" \(expected by [^)]*\)"#, with: "", options: .regularExpression)
        }
        say(
            "  the same sale with allowTransfers (DAY, limit 9.50): order \(waiting.id) \(waiting.status) — \(expected ?? "")"
        )

        // A day later on the simulated clock: four-step parties have settled or failed, T+1 is due, transfers have arrived.
        let later = start.adding(seconds: 25 * 3_600)
        try desk.advance(to: later)
        book = try desk.wholeBook()
        say("  the simulated clock moves on 25 hours (\(minute(later))):")
        for line in summary(book) { say(line) }
        for failed in book.settlements.filter({ $0.status == .failed }).prefix(3) {
            say(
                "    failed: settlement \(failed.id) (\(failed.venue), \(failed.account) \(failed.side.rawValue) \(failed.quantity) \(failed.symbol)): "
                    + "\(failed.failure?.code ?? "") at \(minute(failed.steps.last?.at ?? start)); \(failed.failure?.closeOut ?? "")"
            )
        }
        let open =
            book.settlements.filter { !$0.status.isTerminal }.count
            + book.transfers.filter { !$0.status.isTerminal }.count
        say("    every execution reached a final state: \(open == 0 ? "yes" : "no, \(open) still open")")
        let violations = book.invariantViolations()
        say(
            "    invariants (tokens conserved per security, cash conserved net of fees, cap table = ledger holdings): "
                + (violations.isEmpty ? "hold" : violations.joined(separator: "; ")))
        await runtime.router.pollAll()
        // The next monitor round finds the transfer arrived and routes the sale.
        await runtime.router.orders.refreshResting()
        let sold = try await alice.call(.GET, "/v1/orders/\(waiting.id)?wait=10", as: APIViews.OrderView.self)
        say(
            "  the router moved alice's 100 ACME to tZERO's custodian itself; order \(sold.id), the tokens now there: "
                + "\(sold.status), \(sold.filledQuantity) filled at \(sold.venues.joined(separator: ", "))")
        let positions = try await alice.call(.GET, "/v1/positions", as: APIViews.PositionsView.self)
        say("  alice's positions (GET /v1/positions, `ats-router positions`):")
        for line in SettlementText.positions(positions).split(separator: "\n").dropFirst() {
            say("  " + line)
        }
        book = try desk.wholeBook()
        if let vine = try? Symbol("VINE"), let bob = try? AccountID("bob") {
            let held = book.ledger.balance(Holder(bob), .token(vine), at: .wallet(chain: "polygon")).available
            say(
                "  bob's VINE, onboarded at Rialto and settled four-step: \(Quantity(rawValue: held)) in his wallet on Polygon"
            )
        }
        if let acme = try? Symbol("ACME") {
            let holders = (book.capTable.lots[acme] ?? [:]).filter { $0.key.isAccount }.sorted { $0.key < $1.key }
            say(
                "  ACME cap table at the transfer agent (accounts): "
                    + holders.map { holder, lots in
                        "\(holder) \(Quantity(rawValue: lots.reduce(0) { $0 + $1.quantity.rawValue })) in \(lots.count) lot(s)"
                    }.joined(separator: ", "))
        }
    }

    /// Submits through the API, follows the order until it is done or rests, and prints its split and fills by venue.
    private func submit(
        _ client: RouterClient, _ title: String, _ body: APIViews.OrderRequestBody, _ say: (String) -> Void
    ) async throws -> APIViews.OrderView {
        let id = try await client.call(.POST, "/v1/orders?wait=10", body: body, as: APIViews.OrderView.self).id
        let order = try await client.call(.GET, "/v1/orders/\(id)?wait=10", as: APIViews.OrderView.self)
        say("  \(title): order \(id) \(order.status)")
        if let rejection = order.rejection {
            say("    refused: \(rejection.code) — \(rejection.message)")
            return order
        }
        for decision in order.decisions ?? [] {
            let split = decision.allocations.map { "\($0.venue) \($0.quantity)" }.joined(separator: ", ")
            say(
                "    \(decision.attempt == 0 ? "plan" : "re-plan \(decision.attempt) on fresh books"): \(split.isEmpty ? "nothing to take within the limit" : split)"
            )
        }
        for child in order.children ?? [] {
            let filled = (try? Quantity(child.filledQuantity)) ?? .zero
            var line =
                "    → \(child.venue) \(child.quantity) \(child.timeInForce) limit \((try? Price(child.limitPrice))?.formatted(minimumFractionDigits: 2) ?? child.limitPrice): \(child.status)"
            if filled.isPositive {
                let fills = child.fills.compactMap { fill in
                    (try? Price(fill.price)).flatMap { p in (try? Quantity(fill.quantity)).map { (p, $0) } }
                }
                let notional = fills.reduce(Int128(0)) { $0 + Int128($1.0.rawValue) * Int128($1.1.rawValue) }
                let average = Price(
                    rawValue: Int64(roundedQuotient(notional, Int128(filled.rawValue), rounding: .halfEven)!))
                line +=
                    ", \(child.fills.count) fill(s), \(filled) at \(average.formatted(minimumFractionDigits: 4)), fees \(((try? Money(child.fees)) ?? .zero).formatted(minimumFractionDigits: 2))"
            }
            if let refusal = child.refusal { line += " (\(refusal.code))" }
            say(line)
        }
        say(
            "    \(order.status): \(order.filledQuantity) of \(order.quantity)"
                + (order.averagePrice.flatMap { try? Price($0) }.map { " at \($0.formatted(minimumFractionDigits: 4))" }
                    ?? "")
                + ", fees \(((try? Money(order.fees)) ?? .zero).formatted(minimumFractionDigits: 2))"
                + (order.note.map { " — \($0)" } ?? ""))
        return order
    }

    private func money(_ amount: ExactAmount) -> String {
        (try? amount.money(rounding: .halfEven).formatted(minimumFractionDigits: 2)) ?? amount.description
    }

    private func levels(_ book: APIViews.BookView, rows: Int) -> String {
        func cell(_ level: APIViews.LevelView?) -> String {
            guard let level else { return String(repeating: " ", count: 42) }
            let price = (try? Price(level.price))?.formatted(minimumFractionDigits: 2) ?? level.price
            let allIn = (try? Price(level.allInPrice))?.formatted(minimumFractionDigits: 4) ?? level.allInPrice
            return OrderText.pad(level.venue, 12, left: true) + OrderText.pad(level.quantity, 8)
                + OrderText.pad(price, 10) + OrderText.pad(allIn, 12)
        }
        var lines = [
            "      " + OrderText.pad("ASKS: venue", 12, left: true) + OrderText.pad("size", 8)
                + OrderText.pad("price", 10) + OrderText.pad("all-in", 12)
                + "    " + OrderText.pad("BIDS: venue", 12, left: true) + OrderText.pad("size", 8)
                + OrderText.pad("price", 10) + OrderText.pad("all-in", 12)
        ]
        for row in 0..<min(rows, max(book.asks.count, book.bids.count)) {
            lines.append(
                "      " + cell(row < book.asks.count ? book.asks[row] : nil) + "    "
                    + cell(row < book.bids.count ? book.bids[row] : nil))
        }
        let out = book.venues.filter { !$0.included }.map { "\($0.venue) (\($0.code ?? ""))" }
        if !out.isEmpty { lines.append("      left out: " + out.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The demo accounts' API keys. The built-in `config.json` keeps only their SHA-256 digests;
/// these are the keys `docs/api.md` gives for trying the API on it. A deployment makes its own
/// with `ats-router keys add`, which shows each key once.
enum DemoKeys {
    /// The demo's compliance officer (config.json `complianceOfficers`).
    static let compliance = "ak-compliance-5e0d3b7a9c1f4826"
    static let byAccount = [
        "alice": "ak-alice-7f3c9e21b8d44a10", "bob": "ak-bob-2d8e41c06a9b5f37", "carol": "ak-carol-91b5e7d24f0c8a63",
        "dave": "ak-dave-5c0a9f83e17d2b46", "erin": "ak-erin-e4a7c2b9d0f61835", "frank": "ak-frank-3b6d0e9a7c12f548",
    ]
}
