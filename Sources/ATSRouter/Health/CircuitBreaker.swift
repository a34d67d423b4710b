import ATSDomain

/// A venue's circuit breaker, as a value: closed (routing), open (left out), half open (probing).
///
/// `failureThreshold` consecutive failures that say the venue itself is in trouble (timeouts,
/// unreachable, 5xx, malformed replies, refused credentials) open it; a refusal of one request
/// (a 4xx about that request) does not count. After `openInterval` one probe is let through; its
/// success closes the breaker (the venue is re-admitted), its failure opens it again.
public struct CircuitBreaker: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable, Codable {
        public var failureThreshold: Int
        public var openIntervalMilliseconds: Int64

        public init(failureThreshold: Int = 3, openIntervalMilliseconds: Int64 = 2_000) {
            self.failureThreshold = failureThreshold
            self.openIntervalMilliseconds = openIntervalMilliseconds
        }
    }

    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        case open(until: Timestamp)
        case halfOpen(probing: Bool)
    }

    /// What a transition means to the router.
    public enum Action: Sendable, Hashable {
        case excluded
        case readmitted
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// Whether the venue takes part in routing now.
    public var isHealthy: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Whether a request may go to the venue at `now`; moves an expired open breaker to a probe.
    public mutating func allowsRequest(at now: Timestamp) -> Bool {
        switch state {
        case .closed: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(probing: true)
            return true
        case .halfOpen(let probing):
            if probing { return false }
            state = .halfOpen(probing: true)
            return true
        }
    }

    public mutating func recordSuccess() -> Action? {
        let wasOut = !isHealthy
        state = .closed(consecutiveFailures: 0)
        return wasOut ? .readmitted : nil
    }

    public mutating func recordFailure(_ kind: VenueFailure.Kind, at now: Timestamp) -> Action? {
        guard kind != .notRetryable else {
            if case .halfOpen = state { return recordSuccess() }  // it answered: it is up
            return nil
        }
        let reopen = Timestamp(
            nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + configuration.openIntervalMilliseconds * 1_000_000)
        switch state {
        case .closed(let failures):
            if failures + 1 >= configuration.failureThreshold {
                state = .open(until: reopen)
                return .excluded
            }
            state = .closed(consecutiveFailures: failures + 1)
            return nil
        case .open, .halfOpen:
            state = .open(until: reopen)
            return nil
        }
    }
}
