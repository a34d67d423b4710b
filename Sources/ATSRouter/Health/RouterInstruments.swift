import ATSDomain
import CoreMetrics
import Synchronization

/// What the router measures as it works, through swift-metrics: venue calls by venue, operation
/// and outcome (a count and a duration histogram), waits for a venue's order rate limit, each
/// parent's time from submission to its final state, each child's round trip from sending to its
/// final state, and each journal commit. The factory decides where they go (`/metrics` in the
/// server, nowhere by default); names follow Prometheus's conventions (`_total`, `_seconds`).
public final class RouterInstruments: Sendable {
    let factory: any MetricsFactory
    private let timers = Mutex<[String: Timer]>([:])
    private let counters = Mutex<[String: Counter]>([:])

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// The metric for `label` and `dimensions`, made once and kept (making one asks the factory).
    private static func cached<M>(
        _ cache: borrowing Mutex<[String: M]>, _ label: String, _ dimensions: [(String, String)], make: () -> M
    ) -> M {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return cache.withLock { metrics in
            if let metric = metrics[key] { return metric }
            let metric = make()
            metrics[key] = metric
            return metric
        }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        Self.cached(timers, label, dimensions) { Timer(label: label, dimensions: dimensions, factory: factory) }
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        Self.cached(counters, label, dimensions) { Counter(label: label, dimensions: dimensions, factory: factory) }
    }

    /// One call to a venue: `operation` is what was asked (`book`, `submit`, `order`, `cancel`,
    /// `instruments`, `indicative`), `outcome` `ok` or the failure's kind.
    func venueCall(_ venue: VenueID, _ operation: String, outcome: String, nanoseconds: Int64) {
        let labels = [("venue", venue.rawValue), ("operation", operation)]
        counter("ats_venue_calls_total", labels + [("outcome", outcome)]).increment()
        timer("ats_venue_call_duration_seconds", labels).recordNanoseconds(nanoseconds)
    }

    /// An order that waited for the venue's published rate limit.
    func rateLimitWait(_ venue: VenueID, nanoseconds: Int64) {
        counter("ats_venue_rate_limit_waits_total", [("venue", venue.rawValue)]).increment()
        timer("ats_venue_rate_limit_wait_seconds", [("venue", venue.rawValue)]).recordNanoseconds(nanoseconds)
    }

    /// A parent reached its final state (or came to rest), `nanoseconds` after it was submitted.
    func parentFinished(_ outcome: String, nanoseconds: Int64) {
        timer("ats_order_submit_to_final_seconds", [("outcome", outcome)]).recordNanoseconds(max(0, nanoseconds))
    }

    /// A child reached its final state, `nanoseconds` after it was made.
    func childFinished(_ venue: VenueID, nanoseconds: Int64) {
        timer("ats_child_round_trip_seconds", [("venue", venue.rawValue)]).recordNanoseconds(max(0, nanoseconds))
    }

    /// One journal commit (a unit of work), however it ended.
    func journalCommit(nanoseconds: Int64) {
        timer("ats_journal_commit_seconds", []).recordNanoseconds(nanoseconds)
    }
}
