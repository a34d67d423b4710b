import ATSDomain

/// A token bucket: `burst` requests at once, refilled at `requestsPerSecond`.
public struct RateLimiter: Sendable, Hashable {
    public let requestsPerSecond: Int
    public let burst: Int
    /// Tokens in millionths, for exact refills.
    private var tokens: Int64
    private var last: Timestamp?

    public init(_ limit: VenueDefinition.RateLimit) {
        requestsPerSecond = limit.requestsPerSecond
        burst = limit.burst
        tokens = Int64(limit.burst) * 1_000_000
    }

    /// Takes one token if there is one.
    /// - Throws: ``Rejection`` `rate_limited` naming the limit.
    public mutating func admit(at now: Timestamp) throws(Rejection) {
        if let last {
            let elapsed = max(0, last.nanoseconds(until: now))
            // rate × elapsed seconds, in millionths of a token
            let refill = elapsed / 1_000 * Int64(requestsPerSecond)
            tokens = min(Int64(burst) * 1_000_000, tokens + refill)
        }
        last = now
        guard tokens >= 1_000_000 else {
            throw Rejection(.rateLimited, "rate limit: \(requestsPerSecond) requests a second with bursts of \(burst)")
        }
        tokens -= 1_000_000
    }
}
