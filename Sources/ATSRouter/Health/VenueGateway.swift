import ATSDomain
import ATSVenues
import Logging

/// Every call to one venue goes through here: the circuit breaker decides whether it may, the
/// outcome and latency are recorded, and exclusion and re-admission are logged.
public actor VenueGateway {
    public nonisolated let venue: VenueID
    public nonisolated let adapter: any VenueAdapter
    let clock: any TradingClock
    let logger: Logger
    let instruments: RouterInstruments
    public private(set) var breaker: CircuitBreaker
    /// Latency of the last successful call, nanoseconds.
    public private(set) var lastLatency: Int64 = 0
    public private(set) var lastFailure: VenueFailure?
    public private(set) var calls = 0
    public private(set) var failures = 0
    /// Latencies of successful calls (nanoseconds), the most recent 1,024.
    public private(set) var recentLatencies: [Int64] = []
    private var pacer: OrderPacer?
    /// Orders that waited for the venue's rate limit, and how long in all (nanoseconds).
    public private(set) var pacedOrders = 0
    public private(set) var pacedNanoseconds: Int64 = 0

    /// - Parameter rateLimit: the venue's published order rate; submissions are paced to it.
    public init(
        adapter: any VenueAdapter, breaker: CircuitBreaker.Configuration, clock: any TradingClock,
        rateLimit: VenueDefinition.RateLimit? = nil, instruments: RouterInstruments = RouterInstruments(),
        logger: Logger = Logger(label: "ats.router.venue")
    ) {
        venue = adapter.venue
        self.instruments = instruments
        self.adapter = adapter
        self.breaker = CircuitBreaker(configuration: breaker)
        self.clock = clock
        self.logger = logger
        pacer = rateLimit.map(OrderPacer.init)
    }

    /// Waits, if needed, for the next order slot under the venue's rate limit.
    public func paceOrder() async {
        guard var pacer else { return }
        let wait = pacer.reserve()
        self.pacer = pacer
        guard wait > .zero else { return }
        pacedOrders += 1
        pacedNanoseconds += wait.nanoseconds
        instruments.rateLimitWait(venue, nanoseconds: wait.nanoseconds)
        try? await Task.sleep(for: wait)
    }

    public var isHealthy: Bool { breaker.isHealthy }

    /// Runs `operation` against the adapter unless the breaker holds the venue out.
    /// - Throws: ``VenueFailure``; `venue_excluded` (retryable) when the breaker refuses.
    public func call<T: Sendable>(_ what: String, _ operation: @Sendable (any VenueAdapter) async throws -> T)
        async throws -> T
    {
        guard breaker.allowsRequest(at: clock.now()) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "venue_excluded",
                message: "\(venue) is excluded from routing after repeated failures; it is probed again shortly")
        }
        calls += 1
        let start = ContinuousClock.now
        // `order (recovery)` is an `order` call: the operation is the first word.
        let operationName = String(what.prefix { $0 != " " })
        do {
            let result = try await operation(adapter)
            let elapsed = ContinuousClock.now - start
            lastLatency = elapsed.nanoseconds
            instruments.venueCall(venue, operationName, outcome: "ok", nanoseconds: lastLatency)
            if recentLatencies.count == 1_024 { recentLatencies.removeFirst(512) }
            recentLatencies.append(lastLatency)
            if breaker.recordSuccess() == .readmitted {
                logger.info("venue re-admitted", metadata: ["venue": "\(venue)"])
            }
            return result
        } catch let failure as VenueFailure {
            failures += 1
            lastFailure = failure
            instruments.venueCall(
                venue, operationName, outcome: failure.kind.rawValue,
                nanoseconds: (ContinuousClock.now - start).nanoseconds)
            // A rate-limit refusal means the venue is up and answering: it does not count against it.
            let kind: VenueFailure.Kind = failure.httpStatus == 429 ? .notRetryable : failure.kind
            if breaker.recordFailure(kind, at: clock.now()) == .excluded {
                logger.warning(
                    "venue excluded", metadata: ["venue": "\(venue)", "failure": "\(failure)", "during": "\(what)"])
            }
            throw failure
        } catch {
            failures += 1
            instruments.venueCall(
                venue, operationName, outcome: "unexpected", nanoseconds: (ContinuousClock.now - start).nanoseconds)
            let failure = VenueFailure(venue: venue, kind: .retryable, code: "unexpected", message: "\(what): \(error)")
            lastFailure = failure
            _ = breaker.recordFailure(.retryable, at: clock.now())
            throw failure
        }
    }
}
