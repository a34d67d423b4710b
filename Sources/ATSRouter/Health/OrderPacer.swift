import ATSVenues

/// Paces order submissions to a venue's published rate limit, so that the venue never has to
/// refuse one: a token bucket kept in time, `burst` orders at once, then one per interval.
///
/// Runs on real time (not the trading clock): it is about request rates. The interval carries a
/// 5 % margin and the burst one order less, so that small clock differences never trip the venue.
struct OrderPacer: Sendable {
    let interval: Int64
    let capacity: Int64
    private var credit: Int64
    private var last: ContinuousClock.Instant

    init(_ limit: VenueDefinition.RateLimit) {
        interval = 1_050_000_000 / Int64(max(1, limit.requestsPerSecond))
        capacity = Int64(max(1, limit.burst - 1)) * interval
        credit = capacity
        last = .now
    }

    /// Reserves the next order's slot and returns how long to wait for it.
    mutating func reserve(at now: ContinuousClock.Instant = .now) -> Duration {
        let elapsed = now - last
        last = now
        credit = min(capacity, credit + max(0, elapsed.nanoseconds))
        credit -= interval
        return credit >= 0 ? .zero : .nanoseconds(-credit)
    }
}
