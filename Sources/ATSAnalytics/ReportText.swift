import ATSDomain
import ATSWire

/// A report as Markdown and as CSV tables (one per section, the same figures as the JSON).
public enum ReportText {
    // MARK: Markdown

    public static func markdown(_ report: Report) -> String {
        var out: [String] = []
        let s = report.summary
        out.append("# Routing analytics report")
        out.append("")
        out.append(
            "Generated \(report.generatedAt) for \(report.scope); orders created \(report.from ?? "from the start") to \(report.to ?? "now")."
        )
        out.append("")
        out.append("## Headline")
        out.append("")
        out.append(
            table(
                ["figure", "value"],
                [
                    ["orders", "\(s.orders) (\(s.ordersWithFills) with fills, \(s.rejected) rejected)"],
                    [
                        "filled / ordered",
                        "\(s.filledQuantity) / \(s.orderedQuantity)" + (s.fillRatePercent.map { " (\($0) %)" } ?? ""),
                    ],
                    ["notional", s.notional], ["fees", s.fees],
                    [
                        "average slippage vs arrival mid (quantity-weighted)",
                        s.averageSlippageBps.map { "\($0) bp" } ?? "—",
                    ],
                    ["fragmentation benefit vs best single venue", s.fragmentationBenefit],
                    [
                        "orders with fills compared with the best single venue: better / worse",
                        "\(s.ordersComparedWithBestSingle): \(s.ordersBetterThanBestSingle) / \(s.ordersWorseThanBestSingle)",
                    ],
                    ["units filled beyond any single venue", s.extraQuantityOverBestSingle],
                ]))
        out.append("")
        out.append("## Orders (transaction cost analysis)")
        out.append("")
        out.append(table(orderHeader, report.orders.map(orderCells)))
        out.append("")
        out.append("## Subscriptions to primary offerings")
        out.append("")
        out.append(table(subscriptionHeader, report.subscriptions.map(subscriptionCells)))
        out.append("")
        out.append("## Fair access (Reg ATS Rule 301(b)(5))")
        out.append("")
        out.append(
            "Each venue's share of the volume this router routed, per security and month, against the \(report.fairAccess.thresholdPercent) % threshold "
                + "(a venue at or over it in 4 of 6 months must keep written, non-discriminatory access standards); the router sees its own flow, not the whole market's."
        )
        out.append("")
        out.append(table(fairAccessHeader, report.fairAccess.shares.map(fairAccessCells)))
        out.append("")
        out.append("Refusals of accounts the router found eligible under the venue's published rules:")
        out.append("")
        out.append(table(refusalHeader, report.fairAccess.refusals.map(refusalCells)))
        out.append("")
        out.append("## Liquidity out of reach")
        out.append("")
        out.append(
            "At each order's first decision, the venues a rule about its account left out, with their best level on its side, and what would unlock them."
        )
        out.append("")
        out.append(table(outOfReachHeader, report.outOfReach.map(outOfReachCells)))
        out.append("")
        out.append("## Venue scorecards")
        out.append("")
        out.append(table(venueHeader, report.venues.map(venueCells)))
        out.append("")
        out.append("## Rule 606-style routing report")
        for period in report.rule606 {
            out.append("")
            out.append("### \(period.period): \(period.orders) orders")
            out.append("")
            out.append(
                "Orders by type: "
                    + OrderTypeNames.all.map { "\($0.label) \(period.typeSharePercent[$0.key] ?? "0.00") %" }.joined(
                        separator: ", "))
            out.append("")
            // The period is the heading: the table leaves its column out.
            out.append(
                table(
                    Array(rule606Header.dropFirst()),
                    period.venues.map { Array(rule606Cells(period.period, $0).dropFirst()) }))
        }
        out.append("")
        out.append("## Rule 605-style execution quality")
        out.append("")
        out.append(table(rule605Header, report.rule605.map(rule605Cells)))
        out.append("")
        return out.joined(separator: "\n")
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
        var lines = [
            "| " + header.map(escape).joined(separator: " | ") + " |",
            "|" + header.map { _ in "---" }.joined(separator: "|") + "|",
        ]
        for row in rows { lines.append("| " + row.map(escape).joined(separator: " | ") + " |") }
        if rows.isEmpty { lines.append("| " + header.map { _ in "—" }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    // MARK: Rows shared by Markdown, CSV and HTML

    static let fairAccessHeader = ["month", "symbol", "venue", "quantity", "share %", "at 5 %", "months at 5 % of 6"]

    static func fairAccessCells(_ r: Report.FairAccessShare) -> [String] {
        [
            r.month, r.symbol, r.venue, r.quantity, r.sharePercent, r.atThreshold ? "yes" : "no",
            "\(r.monthsAtThresholdOfSix)",
        ]
    }

    static let refusalHeader = ["at", "venue", "account", "kind", "reason"]

    static let outOfReachHeader = [
        "symbol", "side", "venue", "rule", "orders", "quantity within limit", "best price", "what would unlock it",
    ]

    static func outOfReachCells(_ r: Report.OutOfReachRow) -> [String] {
        [r.symbol, r.side, r.venue, r.code, "\(r.orders)", r.quantityWithinLimit, r.bestPrice, r.unlock]
    }

    static func refusalCells(_ r: Report.AccessRefusal) -> [String] { [r.at, r.venue, r.account, r.kind, r.reason] }

    static let subscriptionHeader = [
        "subscription", "account", "venue", "offering", "symbol", "status", "amount", "price", "units", "paid",
        "refund", "issued on",
    ]

    static func subscriptionCells(_ s: Report.SubscriptionEntry) -> [String] {
        [
            s.id, s.account, s.venue, s.offering, s.symbol, s.status, s.amount, s.pricePerUnit, s.units, s.paid,
            s.refund, s.issuedOn ?? "",
        ]
    }

    static let orderHeader = [
        "order", "account", "symbol", "side", "quantity", "limit", "type", "status", "arrival bid", "arrival ask",
        "arrival mid", "filled", "fill rate %", "average price", "slippage bp", "fees", "all-in", "all-in price",
        "time to fill ms", "venues", "best single venue", "best single qty", "best single all-in price",
        "benefit", "benefit bp", "extra qty",
    ]

    static func orderCells(_ o: Report.OrderRow) -> [String] {
        [
            o.id, o.account, o.symbol, o.side, o.quantity, o.limitPrice ?? "", o.orderType, o.status,
            o.arrivalBid ?? "", o.arrivalAsk ?? "",
            o.arrivalMid ?? "", o.filledQuantity, o.fillRatePercent ?? "", o.averagePrice ?? "", o.slippageBps ?? "",
            o.fees, o.allInCost,
            o.allInPrice ?? "", o.timeToFillMs.map(String.init) ?? "", o.venues.joined(separator: " "),
            o.bestSingleVenue ?? "",
            o.bestSingleQuantity, o.bestSingleAllInPrice ?? "", o.fragmentationBenefit ?? "",
            o.fragmentationBenefitBps ?? "",
            o.extraQuantityOverBestSingle,
        ]
    }

    static let venueHeader = [
        "venue", "children sent", "quantity sent", "filled", "fill rate %", "gone on arrival", "gone on arrival %",
        "latency p50 ms", "latency p95 ms", "rejections", "volume share %", "fees",
    ]

    static func venueCells(_ v: Report.VenueRow) -> [String] {
        [
            v.venue, "\(v.childrenSent)", v.quantitySent, v.quantityFilled, v.fillRatePercent ?? "", v.goneOnArrival,
            v.goneOnArrivalPercent ?? "",
            v.latencyP50Ms.map(String.init) ?? "", v.latencyP95Ms.map(String.init) ?? "",
            v.rejections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " "),
            v.volumeSharePercent ?? "", v.fees,
        ]
    }

    static let rule606Header = [
        "period", "venue", "orders", "order share %", "market %", "marketable limit %", "non-marketable limit %",
        "other %", "shares", "net fees", "net fees per 100 shares",
    ]

    static func rule606Cells(_ period: String, _ v: Report.Rule606Venue) -> [String] {
        [period, v.venue, "\(v.orders)", v.orderSharePercent]
            + OrderTypeNames.all.map { v.typeSharePercent[$0.key] ?? "" }
            + [v.shares, v.netFees, v.netFeesPerHundredShares ?? ""]
    }

    static let rule605Header =
        ["symbol", "order type", "size", "orders", "shares", "executed", "cancelled"]
        + SpeedBucket.allCases.map { "executed \($0.rawValue)" }
        + [
            "avg effective spread", "price-improved shares", "avg improvement", "avg improved time ms", "at quote",
            "outside quote",
        ]

    static func rule605Cells(_ r: Report.Rule605Row) -> [String] {
        [r.symbol, r.orderType, r.sizeBucket, "\(r.orders)", r.shares, r.executedShares, r.cancelledShares]
            + SpeedBucket.allCases.map { r.executedWithin[$0.rawValue] ?? "0" }
            + [
                r.averageEffectiveSpread ?? "", r.priceImprovedShares, r.averagePriceImprovement ?? "",
                r.averageImprovedTimeMs.map(String.init) ?? "", r.atQuoteShares, r.outsideQuoteShares,
            ]
    }

    // MARK: CSV

    /// File name → contents: `summary.csv`, `orders.csv`, `subscriptions.csv`, `fair_access.csv`,
    /// `access_refusals.csv`, `venues.csv`, `rule606.csv`, `rule605.csv`.
    public static func csv(_ report: Report) -> [(name: String, text: String)] {
        let s = report.summary
        let summary: [[String]] = [
            ["orders", "\(s.orders)"], ["orders_with_fills", "\(s.ordersWithFills)"], ["rejected", "\(s.rejected)"],
            ["ordered_quantity", s.orderedQuantity], ["filled_quantity", s.filledQuantity],
            ["fill_rate_percent", s.fillRatePercent ?? ""],
            ["notional", s.notional], ["fees", s.fees], ["average_slippage_bps", s.averageSlippageBps ?? ""],
            ["fragmentation_benefit", s.fragmentationBenefit],
            ["orders_compared_with_best_single", "\(s.ordersComparedWithBestSingle)"],
            ["orders_better_than_best_single", "\(s.ordersBetterThanBestSingle)"],
            ["orders_worse_than_best_single", "\(s.ordersWorseThanBestSingle)"],
            ["extra_quantity_over_best_single", s.extraQuantityOverBestSingle],
        ]
        return [
            ("summary.csv", csvText(["figure", "value"], summary)),
            ("orders.csv", csvText(orderHeader, report.orders.map(orderCells))),
            ("subscriptions.csv", csvText(subscriptionHeader, report.subscriptions.map(subscriptionCells))),
            ("fair_access.csv", csvText(fairAccessHeader, report.fairAccess.shares.map(fairAccessCells))),
            ("access_refusals.csv", csvText(refusalHeader, report.fairAccess.refusals.map(refusalCells))),
            ("out_of_reach.csv", csvText(outOfReachHeader, report.outOfReach.map(outOfReachCells))),
            ("venues.csv", csvText(venueHeader, report.venues.map(venueCells))),
            (
                "rule606.csv",
                csvText(
                    rule606Header,
                    report.rule606.flatMap { period in period.venues.map { rule606Cells(period.period, $0) } })
            ),
            ("rule605.csv", csvText(rule605Header, report.rule605.map(rule605Cells))),
        ]
    }

    static func csvText(_ header: [String], _ rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") || text.contains("\n")
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

enum OrderTypeNames {
    static let all: [(key: String, label: String)] = [
        ("market", "market"), ("marketable_limit", "marketable limit"),
        ("non_marketable_limit", "non-marketable limit"), ("other", "other"),
    ]
}
