import ATSDomain
import ATSMatching
import ATSVenueMocks
import ATSVenues
import ArgumentParser

/// `ats-router demo`: the main job on the embedded default, start to finish in one process: the
/// matching engine, the fragmentation across seven venues, a trading session through the router's
/// API, settlement of every fill, and the routing analytics report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole product once, in this process, on the embedded venues: route, settle, report.",
        discussion: """
            The matching engine every venue runs (a continuous book swept, a call auction uncrossed);             one security priced apart on seven venues; a trading session through the router's HTTP API             (splits at the best all-in cost, refusals naming their rule, a re-route, a resting bid);             every fill settled under its venue's model, with the ledger invariants checked; and the             routing analytics report written in every format. Uses the configuration in the working             directory, else the built-in one; the same seed prints the same session.
            """
    )

    @Option(help: "Seed for the generated orders and the venues' market simulation.")
    var seed: UInt64 = 7

    @OptionGroup var options: RouterOptions
    @Option(
        help: ArgumentHelp(
            "Keep the session's journal here (default: a temporary folder, removed at the end).", valueName: "dir"))
    var dataDir: String?

    func run() async throws {
        var output = ""
        try await DemoScript(seed: seed, sources: options.sources, dataDirectory: dataDir)
            .run { output += $0 + "\n" }
        print(output, terminator: "")
    }
}

/// The demo's steps, separate from printing so tests can run them.
struct DemoScript {
    let seed: UInt64
    /// Where the venues and `config.json` come from (by default: the working directory's, else the built-in ones).
    var sources = ConfigurationSources.resolve()
    /// Where the session's journal goes; nil: a temporary folder, removed at the end.
    var dataDirectory: String?

    func run(_ say: (String) -> Void) async throws {
        var random = SplitMix64(seed: seed)
        let now = Timestamp(secondsSinceEpoch: 1_795_359_600)
        let tick = try Price("0.01")
        var nextID: UInt64 = 1
        func id() -> OrderID {
            defer { nextID += 1 }
            return OrderID(nextID)
        }

        say("ATS Router \(ATSRouterRelease.version) — matching engine demo (seed \(seed))")
        for line in sources.summary { say(line) }
        say("")
        say("1. Continuous book, price-time priority (as tZERO, Archax, Openfinance, Securitize run)")
        var book = OrderBook(
            configuration: .init(matching: .continuous, selfTradePrevention: .cancelResting, tickSize: tick))
        let mid: Int64 = 1_000  // 10.00 in ticks
        for _ in 0..<24 {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let distance = Int64(random.below(6)) + 1
            let ticks = side == .buy ? mid - distance : mid + distance
            let order = BookOrder(
                id: id(), account: try AccountID("maker-\(random.below(4))"), side: side,
                limitPrice: try tick.multiplied(by: ticks),
                quantity: try Quantity(units: Int64(random.below(9) + 1) * 10),
                timeInForce: .goodTillCancelled)
            _ = try book.submit(order, at: now)
        }
        say(render(book.depth(levels: 5)))
        let sweepQuantity = try Quantity(units: 150)
        let limit = try Price("10.04")
        say("A trader buys \(sweepQuantity) IOC, limit \(limit):")
        let taker = BookOrder(
            id: id(), account: try AccountID("trader"), side: .buy, limitPrice: limit,
            quantity: sweepQuantity, timeInForce: .immediateOrCancel)
        let report = try book.submit(taker, at: now)
        var notional = Money.zero
        for event in book.events {
            if case .execution(let execution) = event {
                notional = try notional + Money.notional(price: execution.price, quantity: execution.quantity)
                say(
                    "  fill \(execution.quantity) @ \(execution.price.formatted(minimumFractionDigits: 2)) against order \(execution.makerOrderID)"
                )
            }
        }
        if report.filledQuantity.isPositive {
            let average = try Price.average(notional: notional, quantity: report.filledQuantity, rounding: .halfEven)
            say(
                "  filled \(report.filledQuantity), average \(average.formatted(minimumFractionDigits: 2)), notional \(notional.formatted(minimumFractionDigits: 2)); cancelled \(report.cancelledQuantity)"
            )
        } else {
            say("  nothing within the limit; cancelled \(report.cancelledQuantity)")
        }
        say(render(book.depth(levels: 5)))

        say("2. Periodic call auction (as Texture runs): orders collect, then trade at one price")
        var auction = OrderBook(
            configuration: .init(matching: .callAuction, tickSize: tick, referencePrice: try Price("10.00")))
        for step in 1...10 {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let offset = Int64(random.below(9)) - 4
            let order = BookOrder(
                id: id(), side: side, limitPrice: try tick.multiplied(by: mid + offset),
                quantity: try Quantity(units: Int64(random.below(5) + 1) * 20),
                timeInForce: step % 5 == 0 ? .immediateOrCancel : .day)
            _ = try auction.submit(order, at: now)
            let indication =
                auction.indicativeUncross()
                .map { indication in
                    let imbalance =
                        indication.imbalanceSide.map { "surplus \(indication.imbalance) on the \($0.rawValue) side" }
                        ?? "balanced"
                    return
                        "indicative \(indication.price.formatted(minimumFractionDigits: 2)) for \(indication.matchedVolume), \(imbalance)"
                }
                ?? "no cross yet"
            say(
                "  + \(side) \(order.quantity) @ \(order.limitPrice!.formatted(minimumFractionDigits: 2)) \(order.timeInForce.kind.rawValue) → \(indication)"
            )
        }
        say(render(auction.depth(levels: 5)))
        if let result = try auction.uncross() {
            say("Uncross at \(result.price.formatted(minimumFractionDigits: 2)): \(result.matchedVolume) traded")
            for event in auction.events {
                switch event {
                case .execution(let e):
                    say(
                        "  \(e.quantity) @ \(e.price.formatted(minimumFractionDigits: 2)): buy order \(e.buyOrderID), sell order \(e.sellOrderID)"
                    )
                case .cancelled(let orderID, let quantity, let reason):
                    say("  order \(orderID): \(quantity) cancelled (\(reason.rawValue))")
                case .rested:
                    break
                }
            }
        } else {
            say("No cross: nothing traded")
        }
        say("Residual book, resting for the next auction:")
        say(render(auction.depth(levels: 5)))
        try await fragmentation(say)
        try await session(say)
    }

    /// Section 3: the five venue mocks, simulated in process, and the same security priced apart on each.
    private func fragmentation(_ say: (String) -> Void) async throws {
        say("3. One security, several venues: the fragmentation the router exists to fight")
        let catalog: VenueCatalog
        do {
            catalog = try sources.catalog()
        } catch {
            say("  (skipped: \(error))")
            return
        }
        // Monday 2026-11-23 10:00 US/Eastern, so every venue is in session; the market runs 20 steps.
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_795_446_000))
        var engines: [VenueID: VenueEngine] = [:]
        for venue in catalog.venues {
            let engine = VenueEngine(definition: venue, clock: clock, pathSeed: seed)
            await engine.step(count: 20)
            engines[venue.id] = engine
        }
        let symbols = Set(catalog.venues.flatMap { $0.listings.map(\.symbol) }).sorted()
        for symbol in symbols where catalog.venues(listing: symbol).count >= 2 {
            say(
                "  "
                    + [
                        pad("\(symbol) at", 19), pad("bid", 9), pad("ask", 9), pad("ask size", 10),
                        pad("all-in ask", 14), "  fees",
                    ].joined())
            var best: (venue: VenueID, price: Money)?
            for venue in catalog.venues(listing: symbol) {
                guard let book = try? await engines[venue.id]?.book(symbol) else { continue }
                let top = book.topOfBook
                let fees = venue.fees
                let rate = BasisPoints(
                    rawValue: fees.taker.rawValue + fees.buyerBps.rawValue + fees.commissionBps.rawValue
                        + fees.taxBps.rawValue)
                let allIn = top.ask.flatMap {
                    try? Money(rawValue: $0.price.rawValue).fee(basisPoints: rate, rounding: .up)
                }
                .map { Money(rawValue: $0.rawValue + (top.ask?.price.rawValue ?? 0)) }
                if let allIn, best == nil || allIn < best!.price { best = (venue.id, allIn) }
                let name = venue.matching.model == .callAuction ? "\(venue.id) (auction)" : venue.id.rawValue
                let cells = [
                    pad(name, 19), pad(top.bid?.price.formatted(minimumFractionDigits: 2) ?? "—", 9),
                    pad(top.ask?.price.formatted(minimumFractionDigits: 2) ?? "—", 9),
                    pad(top.ask?.quantity.description ?? "—", 10),
                    pad(allIn?.formatted(minimumFractionDigits: 4) ?? "—", 14) + "  (\(rate) bp)",
                ]
                say("  " + cells.joined(separator: ""))
            }
            if let best {
                let auction = catalog.venue(best.venue)?.matching.model == .callAuction
                say(
                    "  best all-in offer: \(best.venue) at \(best.price.formatted(minimumFractionDigits: 4))"
                        + (auction ? " (an auction venue: it trades at the next uncross)" : ""))
            }
            say("")
        }
    }

    private func render(_ depth: BookDepth) -> String {
        var lines = ["      bid qty (n)   bid   |   ask    ask qty (n)"]
        for row in 0..<max(depth.bids.count, depth.asks.count) {
            let bid = row < depth.bids.count ? depth.bids[row] : nil
            let ask = row < depth.asks.count ? depth.asks[row] : nil
            let left =
                bid.map {
                    pad("\($0.quantity) (\($0.orderCount))", 15) + pad($0.price.formatted(minimumFractionDigits: 2), 8)
                }
                ?? String(repeating: " ", count: 23)
            let right =
                ask.map {
                    pad($0.price.formatted(minimumFractionDigits: 2), 8) + pad("\($0.quantity) (\($0.orderCount))", 15)
                } ?? ""
            lines.append(left + "  | " + right)
        }
        if depth.bids.isEmpty && depth.asks.isEmpty { lines.append("      (empty)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
