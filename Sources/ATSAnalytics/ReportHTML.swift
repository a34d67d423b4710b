import ATSDomain
import ATSWire
import Foundation

/// A report as one self-contained HTML file: inline CSS, inline SVG charts (venue share of volume,
/// slippage distribution, fragmentation benefit per order, consolidated depth at a decision) and
/// the tables. It loads nothing: no scripts, no stylesheets, no fonts, no images from anywhere.
///
/// Chart geometry is computed in `Double` from the report's decimal strings; figures shown are the
/// strings themselves, exact.
public enum ReportHTML {
    public static func render(_ report: Report) -> String {
        let s = report.summary
        var body: [String] = []
        body.append("<h1>Routing analytics report</h1>")
        body.append(
            "<p class=\"meta\">Generated \(escape(report.generatedAt)) for \(escape(report.scope)); orders created "
                + "\(escape(report.from ?? "from the start")) to \(escape(report.to ?? "now")).</p>")
        body.append("<div class=\"tiles\">")
        for (label, value) in [
            ("orders", "\(s.orders)"), ("filled", s.filledQuantity + (s.fillRatePercent.map { " (\($0) %)" } ?? "")),
            ("notional", s.notional), ("fees", s.fees),
            ("avg slippage vs arrival mid", s.averageSlippageBps.map { "\($0) bp" } ?? "—"),
            ("fragmentation benefit", s.fragmentationBenefit),
            (
                "better / worse than best single venue",
                "\(s.ordersBetterThanBestSingle) / \(s.ordersWorseThanBestSingle)"
            ),
        ] {
            body.append(
                "<div class=\"tile\"><div class=\"label\">\(escape(label))</div><div class=\"value\">\(escape(value))</div></div>"
            )
        }
        body.append("</div>")
        body.append("<div class=\"charts\">")
        body.append(figure("Venue share of executed volume", venueShareChart(report.venues)))
        body.append(figure("Slippage vs arrival mid, orders by bp", slippageChart(report.orders)))
        body.append(figure("Fragmentation benefit per order, bp vs best single venue", benefitChart(report.orders)))
        body.append(
            figure(
                "Consolidated depth at a decision"
                    + (report.depth.map { " (order \($0.orderId), \($0.symbol))" } ?? ""),
                depthChart(report.depth)))
        body.append("</div>")
        body.append("<h2>Orders (transaction cost analysis)</h2>")
        body.append(table(ReportText.orderHeader, report.orders.map(ReportText.orderCells)))
        body.append("<h2>Subscriptions to primary offerings</h2>")
        body.append(table(ReportText.subscriptionHeader, report.subscriptions.map(ReportText.subscriptionCells)))
        body.append("<h2>Fair access (Reg ATS Rule 301(b)(5))</h2>")
        body.append(
            "<p>Each venue's share of the volume this router routed, per security and month, against the \(report.fairAccess.thresholdPercent) % threshold; then refusals of accounts eligible under the venue's published rules.</p>"
        )
        body.append(table(ReportText.fairAccessHeader, report.fairAccess.shares.map(ReportText.fairAccessCells)))
        body.append(table(ReportText.refusalHeader, report.fairAccess.refusals.map(ReportText.refusalCells)))
        body.append("<h2>Liquidity out of reach</h2>")
        body.append(
            "<p>At each order's first decision, the venues a rule about its account left out, with their best level on its side, and what would unlock them.</p>"
        )
        body.append(table(ReportText.outOfReachHeader, report.outOfReach.map(ReportText.outOfReachCells)))
        body.append("<h2>Venue scorecards</h2>")
        body.append(table(ReportText.venueHeader, report.venues.map(ReportText.venueCells)))
        body.append("<h2>Rule 606-style routing report</h2>")
        for period in report.rule606 {
            body.append(
                "<h3>\(escape(period.period)): \(period.orders) orders</h3><p>Orders by type: "
                    + OrderTypeNames.all.map {
                        "\(escape($0.label)) \(escape(period.typeSharePercent[$0.key] ?? "0.00")) %"
                    }.joined(separator: ", ") + "</p>")
            body.append(
                table(ReportText.rule606Header, period.venues.map { ReportText.rule606Cells(period.period, $0) }))
        }
        body.append("<h2>Rule 605-style execution quality</h2>")
        body.append(table(ReportText.rule605Header, report.rule605.map(ReportText.rule605Cells)))
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Routing analytics report</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#1d2733}h1{margin-bottom:4px}.meta{color:#5b6675}
            .tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.tile{border:1px solid #d5dbe3;border-radius:6px;padding:8px 12px}
            .tile .label{font-size:12px;color:#5b6675}.tile .value{font-size:18px;font-weight:600}
            .charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;border:1px solid #d5dbe3;border-radius:6px;padding:8px}
            figcaption{font-size:13px;font-weight:600;margin-bottom:4px}table{border-collapse:collapse;font-size:12px;margin:8px 0 16px}
            th,td{border:1px solid #d5dbe3;padding:3px 6px;text-align:right;white-space:nowrap}th{background:#f1f4f8}
            svg text{font-size:11px;fill:#1d2733}
            </style></head><body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    // MARK: Charts

    static let width = 460.0
    static let height = 240.0

    static func figure(_ caption: String, _ svg: String) -> String {
        "<figure><figcaption>\(escape(caption))</figcaption>\(svg)</figure>"
    }

    static func svg(_ content: [String], description: String) -> String {
        "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(description))\">"
            + content.joined() + "</svg>"
    }

    static func empty(_ what: String) -> String {
        svg(["<text x=\"20\" y=\"\(height / 2)\">\(escape(what))</text>"], description: what)
    }

    static func number(_ text: String?) -> Double? { text.flatMap(Double.init) }
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Horizontal bars: each venue's share of executed volume.
    static func venueShareChart(_ venues: [Report.VenueRow]) -> String {
        let rows = venues.compactMap { venue in
            number(venue.volumeSharePercent).map { (venue.venue, $0, venue.volumeSharePercent!) }
        }
        guard !rows.isEmpty else { return empty("no executions") }
        let barHeight = min(32.0, (height - 20) / Double(rows.count))
        var parts: [String] = []
        for (i, row) in rows.enumerated() {
            let y = 10 + Double(i) * barHeight
            let w = (width - 200) * row.1 / 100
            parts.append("<text x=\"4\" y=\"\(f(y + barHeight * 0.65))\">\(escape(row.0))</text>")
            parts.append(
                "<rect x=\"110\" y=\"\(f(y + 2))\" width=\"\(f(max(w, 0.5)))\" height=\"\(f(barHeight - 4))\" fill=\"#3b7dd8\"/>"
            )
            parts.append("<text x=\"\(f(116 + w))\" y=\"\(f(y + barHeight * 0.65))\">\(escape(row.2)) %</text>")
        }
        return svg(parts, description: "venue share of executed volume")
    }

    /// A histogram of per-order slippage in basis points.
    static func slippageChart(_ orders: [Report.OrderRow]) -> String {
        let values = orders.compactMap { number($0.slippageBps) }
        guard let low = values.min(), let high = values.max() else {
            return empty("no orders with fills and an arrival mid")
        }
        let bins = 10
        let span = max(high - low, 1)
        var counts = [Int](repeating: 0, count: bins)
        for value in values { counts[min(bins - 1, Int((value - low) / span * Double(bins)))] += 1 }
        let top = Double(counts.max() ?? 1)
        let plotWidth = width - 40
        let barWidth = plotWidth / Double(bins)
        var parts = [
            "<line x1=\"30\" y1=\"\(f(height - 30))\" x2=\"\(f(width - 10))\" y2=\"\(f(height - 30))\" stroke=\"#5b6675\"/>"
        ]
        for (i, count) in counts.enumerated() {
            let h = (height - 60) * Double(count) / top
            let x = 30 + Double(i) * barWidth
            parts.append(
                "<rect x=\"\(f(x + 1))\" y=\"\(f(height - 30 - h))\" width=\"\(f(barWidth - 2))\" height=\"\(f(h))\" fill=\"#e08a2c\"><title>\(count) orders</title></rect>"
            )
            if count > 0 {
                parts.append("<text x=\"\(f(x + barWidth / 2 - 3))\" y=\"\(f(height - 34 - h))\">\(count)</text>")
            }
        }
        parts.append("<text x=\"30\" y=\"\(f(height - 12))\">\(f(low)) bp</text>")
        parts.append("<text x=\"\(f(width - 80))\" y=\"\(f(height - 12))\">\(f(high)) bp</text>")
        return svg(parts, description: "slippage distribution")
    }

    /// One bar per order with fills: its fragmentation benefit in basis points (up: routing saved).
    static func benefitChart(_ orders: [Report.OrderRow]) -> String {
        let rows = orders.compactMap { order in number(order.fragmentationBenefitBps).map { (order.id, $0) } }
        guard !rows.isEmpty else { return empty("no orders compared with the best single venue") }
        let extreme = max(rows.map { abs($0.1) }.max() ?? 1, 1)
        let zero = height / 2
        let barWidth = min(24.0, (width - 40) / Double(rows.count))
        var parts = [
            "<line x1=\"30\" y1=\"\(f(zero))\" x2=\"\(f(width - 10))\" y2=\"\(f(zero))\" stroke=\"#5b6675\"/>",
            "<text x=\"2\" y=\"14\">+\(f(extreme)) bp</text>",
            "<text x=\"2\" y=\"\(f(height - 4))\">-\(f(extreme)) bp</text>",
        ]
        for (i, row) in rows.enumerated() {
            let h = (height / 2 - 20) * abs(row.1) / extreme
            let x = 34 + Double(i) * barWidth
            let y = row.1 >= 0 ? zero - h : zero
            parts.append(
                "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(barWidth - 2, 1)))\" height=\"\(f(max(h, 0.5)))\" fill=\"\(row.1 >= 0 ? "#2e9b5f" : "#c9453b")\"><title>order \(escape(row.0)): \(f(row.1)) bp</title></rect>"
            )
        }
        return svg(parts, description: "fragmentation benefit per order")
    }

    /// Cumulative bid and ask quantity by price: bids step down to the left of the mid, asks up to the right.
    /// Prices and quantities stay fixed-point; only their pixel positions are floating point.
    static func depthChart(_ depth: Report.DepthSnapshot?) -> String {
        guard let depth, !(depth.bids.isEmpty && depth.asks.isEmpty) else { return empty("no decision to show") }
        let levels = (depth.bids + depth.asks).compactMap { level in
            (try? Price(level.price)).flatMap { price in (try? Quantity(level.cumulative)).map { (price, $0) } }
        }
        guard let low = levels.map(\.0).min(), let high = levels.map(\.0).max(), let top = levels.map(\.1).max(),
            top.isPositive
        else { return empty("no depth") }
        let span = max(high.rawValue - low.rawValue, 1)
        /// The fraction `part / whole` of `pixels` (exact integers in, a pixel position out).
        func scaled(_ part: Int64, _ whole: Int64, _ pixels: Double) -> Double { pixels * Double(part) / Double(whole) }
        func x(_ price: Price) -> Double { 40 + scaled(price.rawValue - low.rawValue, span, width - 60) }
        func y(_ cumulative: Quantity) -> Double {
            height - 30 - scaled(cumulative.rawValue, top.rawValue, height - 50)
        }
        func path(_ side: [Report.DepthLevel], color: String) -> String {
            var points: [String] = []
            var previous = Quantity.zero
            for level in side {
                guard let price = try? Price(level.price), let total = try? Quantity(level.cumulative) else { continue }
                points.append("\(f(x(price))),\(f(y(previous)))")
                points.append("\(f(x(price))),\(f(y(total)))")
                previous = total
            }
            return
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        }
        return svg(
            [
                "<line x1=\"40\" y1=\"\(f(height - 30))\" x2=\"\(f(width - 20))\" y2=\"\(f(height - 30))\" stroke=\"#5b6675\"/>",
                path(depth.bids, color: "#2e9b5f"), path(depth.asks, color: "#c9453b"),
                "<text x=\"40\" y=\"\(f(height - 12))\">\(escape(low.description))</text>",
                "<text x=\"\(f(width - 80))\" y=\"\(f(height - 12))\">\(escape(high.description))</text>",
                "<text x=\"44\" y=\"16\">cumulative quantity (max \(escape(top.description)))</text>",
            ], description: "consolidated depth")
    }

    // MARK: Tables

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var html = "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return html + "</table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
