import ArgumentParser
import ATSDomain
import ATSMatching

/// `ats-router demo`: the main job on the embedded default, as far as the product goes today.
///
/// Today that is the matching engine every venue runs: a continuous book that a marketable order
/// sweeps, and a periodic call auction that collects orders, publishes its indicative uncross and
/// trades at one price. Venues, routing and settlement will extend this demo.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demonstration on the embedded default (today: the matching engine).",
        discussion: """
            Builds a seeded continuous book and sweeps it with a marketable order, then runs a
            periodic call auction from collection to uncross, printing the books and every execution.
            The same seed prints the same output.
            """
    )

    @Option(help: "Seed for the generated orders.")
    var seed: UInt64 = 7

    func run() throws {
        var output = ""
        try DemoScript(seed: seed).run { output += $0 + "\n" }
        print(output, terminator: "")
    }
}

/// The demo's steps, separate from printing so tests can run them.
struct DemoScript {
    let seed: UInt64

    func run(_ say: (String) -> Void) throws {
        var random = SplitMix64(seed: seed)
        let now = Timestamp(secondsSinceEpoch: 1_795_359_600)
        let tick = try Price("0.01")
        var nextID: UInt64 = 1
        func id() -> OrderID { defer { nextID += 1 }; return OrderID(nextID) }

        say("ATS Router \(ATSRouterRelease.version) — matching engine demo (seed \(seed))")
        say("")
        say("1. Continuous book, price-time priority (as tZERO, Archax, Openfinance, Securitize run)")
        var book = OrderBook(configuration: .init(matching: .continuous, selfTradePrevention: .cancelResting, tickSize: tick))
        let mid: Int64 = 1_000 // 10.00 in ticks
        for _ in 0..<24 {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let distance = Int64(random.below(6)) + 1
            let ticks = side == .buy ? mid - distance : mid + distance
            let order = BookOrder(id: id(), account: try AccountID("maker-\(random.below(4))"), side: side,
                                  limitPrice: try tick.multiplied(by: ticks),
                                  quantity: try Quantity(units: Int64(random.below(9) + 1) * 10),
                                  timeInForce: .goodTillCancelled)
            _ = try book.submit(order, at: now)
        }
        say(render(book.depth(levels: 5)))
        let sweepQuantity = try Quantity(units: 150)
        let limit = try Price("10.04")
        say("A trader buys \(sweepQuantity) IOC, limit \(limit):")
        let taker = BookOrder(id: id(), account: try AccountID("trader"), side: .buy, limitPrice: limit,
                              quantity: sweepQuantity, timeInForce: .immediateOrCancel)
        let report = try book.submit(taker, at: now)
        var notional = Money.zero
        for event in book.events {
            if case .execution(let execution) = event {
                notional = try notional + Money.notional(price: execution.price, quantity: execution.quantity)
                say("  fill \(execution.quantity) @ \(execution.price.formatted(minimumFractionDigits: 2)) against order \(execution.makerOrderID)")
            }
        }
        if report.filledQuantity.isPositive {
            let average = try Price.average(notional: notional, quantity: report.filledQuantity, rounding: .halfEven)
            say("  filled \(report.filledQuantity), average \(average.formatted(minimumFractionDigits: 2)), notional \(notional.formatted(minimumFractionDigits: 2)); cancelled \(report.cancelledQuantity)")
        } else {
            say("  nothing within the limit; cancelled \(report.cancelledQuantity)")
        }
        say(render(book.depth(levels: 5)))

        say("2. Periodic call auction (as Texture runs): orders collect, then trade at one price")
        var auction = OrderBook(configuration: .init(matching: .callAuction, tickSize: tick, referencePrice: try Price("10.00")))
        for step in 1...10 {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let offset = Int64(random.below(9)) - 4
            let order = BookOrder(id: id(), side: side, limitPrice: try tick.multiplied(by: mid + offset),
                                  quantity: try Quantity(units: Int64(random.below(5) + 1) * 20),
                                  timeInForce: step % 5 == 0 ? .immediateOrCancel : .day)
            _ = try auction.submit(order, at: now)
            let indication = auction.indicativeUncross()
                .map { indication in
                    let imbalance = indication.imbalanceSide.map { "surplus \(indication.imbalance) on the \($0.rawValue) side" } ?? "balanced"
                    return "indicative \(indication.price.formatted(minimumFractionDigits: 2)) for \(indication.matchedVolume), \(imbalance)"
                }
                ?? "no cross yet"
            say("  + \(side) \(order.quantity) @ \(order.limitPrice!.formatted(minimumFractionDigits: 2)) \(order.timeInForce.kind.rawValue) → \(indication)")
        }
        say(render(auction.depth(levels: 5)))
        if let result = try auction.uncross() {
            say("Uncross at \(result.price.formatted(minimumFractionDigits: 2)): \(result.matchedVolume) traded")
            for event in auction.events {
                switch event {
                case .execution(let e):
                    say("  \(e.quantity) @ \(e.price.formatted(minimumFractionDigits: 2)): buy order \(e.buyOrderID), sell order \(e.sellOrderID)")
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
        say("Venues, the router, settlement and reports join this demo as they land (see README).")
    }

    private func render(_ depth: BookDepth) -> String {
        var lines = ["      bid qty (n)   bid   |   ask    ask qty (n)"]
        for row in 0..<max(depth.bids.count, depth.asks.count) {
            let bid = row < depth.bids.count ? depth.bids[row] : nil
            let ask = row < depth.asks.count ? depth.asks[row] : nil
            let left = bid.map { pad("\($0.quantity) (\($0.orderCount))", 15) + pad($0.price.formatted(minimumFractionDigits: 2), 8) }
                ?? String(repeating: " ", count: 23)
            let right = ask.map { pad($0.price.formatted(minimumFractionDigits: 2), 8) + pad("\($0.quantity) (\($0.orderCount))", 15) } ?? ""
            lines.append(left + "  | " + right)
        }
        if depth.bids.isEmpty && depth.asks.isEmpty { lines.append("      (empty)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
