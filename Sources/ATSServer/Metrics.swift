import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSVenues
import ATSWire
import Hummingbird
import Synchronization

/// Counters the API keeps itself (requests by status, API errors by code); everything else on
/// `/metrics` is read from the router's state when scraped.
public final class RouterMetrics: Sendable {
    private let counters = Mutex<[String: Int]>([:])

    public init() {}

    func count(_ key: String, by amount: Int = 1) { counters.withLock { $0[key, default: 0] += amount } }

    func orderAccepted(replayed: Bool) {
        count(replayed ? "ats_orders_replayed_total" : "ats_orders_accepted_total")
    }

    /// The Prometheus text exposition (format 0.0.4).
    func render(_ runtime: any RouterService) async -> String {
        var text = Exposition()
        renderOwn(&text)
        renderOrders(&text, await runtime.router.orders.statistics())
        renderSettlement(&text, runtime.router.settlement.statistics())
        renderVenues(&text, await runtime.venueViews())
        return text.lines.joined(separator: "\n") + "\n"
    }

    /// Lines of the exposition, family by family.
    struct Exposition {
        var lines: [String] = []

        mutating func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }

        static func label(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
    }

    /// What the API counted itself: orders accepted and replayed, requests by status, errors by code.
    private func renderOwn(_ text: inout Exposition) {
        let own = counters.withLock { $0 }
        text.family(
            "ats_orders_accepted_total", "counter",
            "Parent orders accepted by this process (idempotent replays not counted).")
        text.lines.append("ats_orders_accepted_total \(own["ats_orders_accepted_total", default: 0])")
        text.family(
            "ats_orders_replayed_total", "counter", "Submissions answered with an existing order (same clientOrderId).")
        text.lines.append("ats_orders_replayed_total \(own["ats_orders_replayed_total", default: 0])")
        text.family("ats_http_requests_total", "counter", "API requests by HTTP status.")
        for (key, value) in own.sorted(by: { $0.key < $1.key }) where key.hasPrefix("http:") {
            text.lines.append("ats_http_requests_total{status=\"\(key.dropFirst(5))\"} \(value)")
        }
        text.family("ats_api_errors_total", "counter", "API error replies by error code.")
        for (key, value) in own.sorted(by: { $0.key < $1.key }) where key.hasPrefix("error:") {
            text.lines.append("ats_api_errors_total{code=\"\(Exposition.label(String(key.dropFirst(6))))\"} \(value)")
        }
    }

    /// Parents by status, rejections by rule, children and fills by venue.
    private func renderOrders(_ text: inout Exposition, _ statistics: OrderManager.Statistics) {
        text.family("ats_orders", "gauge", "Parent orders in the journal by status.")
        for status in [
            ParentOrder.Status.working, .resting, .filled, .partiallyFilled, .expired, .cancelled, .rejected,
        ] {
            text.lines.append(
                "ats_orders{status=\"\(status.rawValue)\"} \(statistics.parentsByStatus[status, default: 0])")
        }
        text.family("ats_rejections", "gauge", "Parent rejections and child refusals by rule code.")
        for (code, value) in statistics.rejectionsByCode.sorted(by: { $0.key < $1.key }) {
            text.lines.append("ats_rejections{code=\"\(Exposition.label(code))\"} \(value)")
        }
        text.family("ats_child_orders", "gauge", "Child orders by venue.")
        for (venue, value) in statistics.childrenByVenue.sorted(by: { $0.key < $1.key }) {
            text.lines.append("ats_child_orders{venue=\"\(venue)\"} \(value)")
        }
        text.family("ats_fills", "gauge", "Fills (executions) by venue.")
        for (venue, value) in statistics.fillsByVenue.sorted(by: { $0.key < $1.key }) {
            text.lines.append("ats_fills{venue=\"\(venue)\"} \(value)")
        }
    }

    /// Settlements by model and status, failures by code, custody transfers by status.
    private func renderSettlement(_ text: inout Exposition, _ settlement: SettlementBook.Statistics) {
        text.family("ats_settlements", "gauge", "Settlements (one per execution) by settlement model and status.")
        var bySettlement: [String: Int] = [:]
        for (kind, count) in settlement.settlements {
            bySettlement["\(kind.model.rawValue)|\(kind.status.rawValue)", default: 0] += count
        }
        for model in [VenueDefinition.SettlementModel.threeStep, .fourStep, .custodialBookEntry] {
            for status in SettlementRecord.Status.allCases {
                text.lines.append(
                    "ats_settlements{model=\"\(model.rawValue)\",status=\"\(status.rawValue)\"} \(bySettlement["\(model.rawValue)|\(status.rawValue)"] ?? 0)"
                )
            }
        }
        text.family("ats_settlement_failures", "gauge", "Failed settlements by failure code.")
        for (code, count) in settlement.failures.sorted(by: { $0.key < $1.key }) {
            text.lines.append("ats_settlement_failures{code=\"\(Exposition.label(code))\"} \(count)")
        }
        text.family("ats_custody_transfers", "gauge", "Custody transfers by status.")
        for status in CustodyTransfer.Status.allCases {
            text.lines.append(
                "ats_custody_transfers{status=\"\(status.rawValue)\"} \(settlement.transfers[status] ?? 0)")
        }
    }

    /// Each venue's health, call latency and outcomes, and quote ages.
    private func renderVenues(_ text: inout Exposition, _ venues: [APIViews.VenueView]) {
        text.family(
            "ats_venue_healthy", "gauge",
            "1 when the venue takes part in routing, 0 while its circuit breaker holds it out.")
        for venue in venues { text.lines.append("ats_venue_healthy{venue=\"\(venue.id)\"} \(venue.healthy ? 1 : 0)") }
        text.family(
            "ats_venue_latency_seconds", "summary", "Latency of successful venue calls over the most recent 1,024.")
        for venue in venues {
            if let p50 = venue.latencyP50Ms {
                text.lines.append("ats_venue_latency_seconds{venue=\"\(venue.id)\",quantile=\"0.5\"} \(seconds(p50))")
            }
            if let p99 = venue.latencyP99Ms {
                text.lines.append("ats_venue_latency_seconds{venue=\"\(venue.id)\",quantile=\"0.99\"} \(seconds(p99))")
            }
        }
        text.family("ats_venue_calls_total", "counter", "Venue calls made and failed.")
        for venue in venues {
            text.lines.append(
                "ats_venue_calls_total{venue=\"\(venue.id)\",outcome=\"ok\"} \(venue.calls - venue.failures)")
            text.lines.append("ats_venue_calls_total{venue=\"\(venue.id)\",outcome=\"failed\"} \(venue.failures)")
        }
        text.family("ats_quote_age_seconds", "gauge", "Time since each venue's book was last confirmed by a poll.")
        for venue in venues {
            for listing in venue.listings {
                if let age = listing.quoteAgeMs {
                    text.lines.append(
                        "ats_quote_age_seconds{venue=\"\(venue.id)\",symbol=\"\(listing.symbol)\"} \(Double(age) / 1_000)"
                    )
                }
            }
        }
    }

    private func seconds(_ milliseconds: Double) -> String { String(milliseconds / 1_000) }
}
