import ATSBuildInfo
import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSStorage
import ATSVenues
import ATSWire
import CoreMetrics
import Hummingbird
import Prometheus
import Synchronization

/// `/metrics`: swift-metrics recorded into a swift-prometheus registry of this router's own.
///
/// What happens as it happens is recorded through swift-metrics: the router's venue calls, rate
/// limit waits, order and child timings and journal commits (``RouterInstruments``), and the API's
/// requests, errors and accepted orders. What is a state — orders by status, settlements, venue
/// health, quote ages — is read when scraped and set as gauges. Every family is named in
/// ``families`` with its help text (`docs/api.md` lists the same), so the exposition passes
/// `promtool check metrics`.
public final class RouterMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// The factory the router's instruments and the API's counters record through.
    public let factory: DocumentedMetricsFactory
    /// Handed to the router when it is made.
    public let instruments: RouterInstruments

    public init() {
        factory = DocumentedMetricsFactory(registry: registry)
        instruments = RouterInstruments(factory: factory)
        CoreMetrics.Gauge(
            label: "ats_build_info",
            dimensions: [("version", ATSRouterRelease.version), ("commit", BuildInfo.commit)], factory: factory
        ).record(1)
    }

    func orderAccepted(replayed: Bool) {
        CoreMetrics.Counter(
            label: replayed ? "ats_orders_replayed_total" : "ats_orders_accepted_total", factory: factory
        )
        .increment()
    }

    private let fixCounters = Mutex<[String: CoreMetrics.Counter]>([:])

    /// One FIX message in or out of `session`, by MsgType (types this gateway does not know are `other`).
    func fixMessage(session: String, inbound: Bool, type: String) {
        let known = ["0", "1", "2", "3", "4", "5", "A", "8", "9", "D", "F", "G", "H", "j"]
        let shown = known.contains(type) ? type : "other"
        let key = "\(session) \(inbound) \(shown)"
        fixCounters.withLock { made in
            if made[key] == nil {
                made[key] = CoreMetrics.Counter(
                    label: "ats_fix_messages_total",
                    dimensions: [("session", session), ("direction", inbound ? "in" : "out"), ("msg_type", shown)],
                    factory: factory)
            }
            return made[key]!
        }.increment()
    }

    /// Whether `session`'s peer is logged on.
    func fixLoggedOn(session: String, _ loggedOn: Bool) {
        gauge("ats_fix_session_logged_on", [("session", session)], loggedOn ? 1 : 0)
    }

    /// The request metrics made so far, by their labels (routes, methods, statuses and codes are
    /// bounded sets), so a request finds its counter and timer without asking the registry.
    private let requestMetrics = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let errorCounters = Mutex<[String: CoreMetrics.Counter]>([:])

    /// One API reply: by route template (`/v1/orders/{id}`; `unmatched` for no route), method and status.
    func request(route: String, method: String, status: Int, errorCode: String?, nanoseconds: Int64) {
        let (counter, timer) = requestMetrics.withLock { made in
            let key = "\(route) \(method) \(status)"
            if let found = made[key] { return found }
            let labels = [("route", route), ("method", method)]
            let pair = (
                CoreMetrics.Counter(
                    label: "ats_http_requests_total", dimensions: labels + [("status", "\(status)")], factory: factory),
                CoreMetrics.Timer(label: "ats_http_request_duration_seconds", dimensions: labels, factory: factory)
            )
            made[key] = pair
            return pair
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
        guard let errorCode else { return }
        errorCounters.withLock { made in
            if made[errorCode] == nil {
                made[errorCode] = CoreMetrics.Counter(
                    label: "ats_api_errors_total", dimensions: [("code", errorCode)], factory: factory)
            }
            return made[errorCode]!
        }.increment()
    }

    /// The Prometheus text exposition: the gauges read from state now, then everything.
    func render(_ runtime: any RouterService) async -> String {
        setOrders(await runtime.router.orders.statistics())
        setSettlement(runtime.router.settlement.statistics())
        setVenues(await runtime.venueViews())
        if let leases = runtime.leases {
            setInstance(leases, accounts: runtime.configuration.accounts.map(\.id.rawValue))
        }
        return registry.emitToString()
    }

    /// Instances sharing the journal: which one this is, how many are alive, which accounts it holds.
    private func setInstance(_ leases: any AccountLeases, accounts: [String]) {
        gauge("ats_instance_info", [("instance", leases.instance)], 1)
        gauge("ats_instances_live", [], leases.liveInstances)
        for account in accounts {
            gauge("ats_account_lease_held", [("account", account)], leases.fence(for: account) != nil ? 1 : 0)
        }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = [], _ value: Int) {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }

    private func setOrders(_ statistics: OrderManager.Statistics) {
        for status in ParentOrder.Status.allCases {
            gauge("ats_orders", [("status", status.rawValue)], statistics.parentsByStatus[status, default: 0])
        }
        for (code, value) in statistics.rejectionsByCode { gauge("ats_rejections", [("code", code)], value) }
        for (venue, value) in statistics.childrenByVenue {
            gauge("ats_child_orders", [("venue", venue.rawValue)], value)
        }
        for (venue, value) in statistics.fillsByVenue { gauge("ats_fills", [("venue", venue.rawValue)], value) }
    }

    private func setSettlement(_ settlement: SettlementBook.Statistics) {
        var bySettlement: [String: Int] = [:]
        for (kind, count) in settlement.settlements {
            bySettlement["\(kind.model.rawValue)|\(kind.status.rawValue)", default: 0] += count
        }
        for model in [VenueDefinition.SettlementModel.threeStep, .fourStep, .custodialBookEntry] {
            for status in SettlementRecord.Status.allCases {
                gauge(
                    "ats_settlements", [("model", model.rawValue), ("status", status.rawValue)],
                    bySettlement["\(model.rawValue)|\(status.rawValue)"] ?? 0)
            }
        }
        for (code, count) in settlement.failures { gauge("ats_settlement_failures", [("code", code)], count) }
        for status in CustodyTransfer.Status.allCases {
            gauge("ats_custody_transfers", [("status", status.rawValue)], settlement.transfers[status] ?? 0)
        }
    }

    private func setVenues(_ venues: [APIViews.VenueView]) {
        for venue in venues {
            gauge("ats_venue_healthy", [("venue", venue.id)], venue.healthy ? 1 : 0)
            for listing in venue.listings {
                guard let age = listing.quoteAgeMs else { continue }
                CoreMetrics.Gauge(
                    label: "ats_quote_age_seconds", dimensions: [("venue", venue.id), ("symbol", listing.symbol)],
                    factory: factory
                ).record(Double(age) / 1_000)
            }
        }
    }

    /// Every family `/metrics` may carry, with its help text; `docs/api.md` documents the same.
    public static let families: [String: String] = [
        "ats_build_info": "The version and git commit of the running binary (always 1).",
        "ats_orders_accepted_total": "Parent orders accepted by this process (idempotent replays not counted).",
        "ats_orders_replayed_total": "Submissions answered with an existing order (same clientOrderId).",
        "ats_http_requests_total": "API replies by route template, method and HTTP status (5xx included).",
        "ats_http_request_duration_seconds": "Time to answer an API request, by route template and method.",
        "ats_api_errors_total": "API error replies by error code.",
        "ats_venue_calls_total": "Venue calls by venue, operation and outcome (ok, retryable, not_retryable, fatal).",
        "ats_venue_call_duration_seconds": "Duration of venue calls by venue and operation, whatever their outcome.",
        "ats_venue_rate_limit_waits_total": "Orders held back to keep within a venue's published order rate.",
        "ats_venue_rate_limit_wait_seconds": "How long orders waited for a venue's published order rate.",
        "ats_order_submit_to_final_seconds":
            "Parent orders' time from submission to a final state or rest, by outcome.",
        "ats_child_round_trip_seconds": "Child orders' time from being made to a final state at their venue.",
        "ats_journal_commit_seconds": "Duration of journal commits (one unit of work each).",
        "ats_orders": "Parent orders by status (the journal's, this process's and before).",
        "ats_rejections": "Parent rejections and child refusals by rule code.",
        "ats_child_orders": "Child orders by venue.",
        "ats_fills": "Fills (executions) by venue.",
        "ats_settlements": "Settlements (one per execution) by settlement model and status.",
        "ats_settlement_failures": "Failed settlements by failure code.",
        "ats_custody_transfers": "Custody transfers by status.",
        "ats_venue_healthy": "1 when the venue takes part in routing, 0 while its circuit breaker holds it out.",
        "ats_quote_age_seconds": "Time since each venue's book was last confirmed by a poll.",
        "ats_instance_info": "This router instance's id, when several share a PostgreSQL journal (always 1).",
        "ats_instances_live": "Router instances alive on the shared journal (a heartbeat within the lease time).",
        "ats_account_lease_held": "1 for each account whose lease this instance holds (it serves the account), else 0.",
        "ats_fix_messages_total":
            "FIX messages by session, direction (in, out) and MsgType (other: any type not known here).",
        "ats_fix_session_logged_on": "1 while the FIX session's peer is logged on, else 0.",
    ]
}

/// swift-prometheus's factory, with each family's help text from ``RouterMetrics/families`` and
/// histogram buckets suited to what is timed: from 100 microseconds (a venue in process, a
/// journal commit) to 30 seconds (an order resting through a fill window).
public struct DocumentedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        // The unit is part of each label already (`_seconds`, `_total`): none is appended.
        MetricNameDescriptor(
            metricName: label, unitName: "",
            helpText: RouterMetrics.families[label] ?? "Undocumented (see docs/api.md).")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: Self.buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}
