/// The `routing` section of `config.json`: polling, staleness, timeouts, health and where the
/// venues are. Every key is optional; absent keys take the defaults below.
public struct RoutingSettings: Sendable, Hashable, Codable {
    /// Where one venue's API is and the key the router uses there; its secret comes from the
    /// environment or the secrets file (``VenueSecrets``), never from `config.json`.
    public struct Endpoint: Sendable, Hashable, Codable {
        public var url: String
        /// The router's key at the venue; absent: the mocks' demo credentials.
        public var keyId: String?

        public init(url: String, keyId: String? = nil) {
            self.url = url
            self.keyId = keyId
        }

        enum CodingKeys: String, CodingKey { case url, keyId, secret }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.secret) {
                throw DecodingError.dataCorruptedError(
                    forKey: .secret, in: container,
                    debugDescription:
                        "secrets are not kept in config.json: set ATS_ROUTER_VENUE_SECRET_<VENUE> or put it in the secrets file config.json names (secretsFile)"
                )
            }
            url = try container.decode(String.self, forKey: .url)
            keyId = try container.decodeIfPresent(String.self, forKey: .keyId)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(url, forKey: .url)
            try container.encodeIfPresent(keyId, forKey: .keyId)
        }
    }

    /// How often each venue's books are polled.
    public var pollIntervalMilliseconds: Int = 200
    /// A book older than this (since its last confirmed poll) is left out of routing.
    public var stalenessLimitMilliseconds: Int = 2_000
    /// Per-request timeout to a venue.
    public var requestTimeoutMilliseconds: Int = 1_000
    /// Levels per side asked of each venue.
    public var bookDepth: Int = 20
    /// How long a take child on a venue without IOC may work before what is left of it is
    /// cancelled. 0 (the default) is a synthetic IOC: the venue matches on arrival, so what did not
    /// fill at once is cancelled at once and re-planned; a window suits venues that match later.
    public var fillWindowMilliseconds: Int = 0
    /// How often a working child's status is polled.
    public var statusPollMilliseconds: Int = 25
    /// How many times a parent's residual is re-planned on fresh books.
    public var maximumReroutes: Int = 3
    /// Consecutive venue failures that exclude a venue from routing.
    public var breakerFailureThreshold: Int = 3
    /// How long an excluded venue waits before it is probed.
    public var breakerOpenMilliseconds: Int = 2_000
    /// Venues served elsewhere (for example by `ats-router venue serve`); absent venues run in process.
    public var venues: [String: Endpoint] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case pollIntervalMilliseconds, stalenessLimitMilliseconds, requestTimeoutMilliseconds, bookDepth
        case fillWindowMilliseconds, statusPollMilliseconds, maximumReroutes, breakerFailureThreshold
        case breakerOpenMilliseconds, venues
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pollIntervalMilliseconds = try container.setting(.pollIntervalMilliseconds, 200, range: 10...60_000)
        stalenessLimitMilliseconds = try container.setting(.stalenessLimitMilliseconds, 2_000, range: 50...600_000)
        requestTimeoutMilliseconds = try container.setting(.requestTimeoutMilliseconds, 1_000, range: 10...60_000)
        bookDepth = try container.setting(.bookDepth, 20, range: 1...100)
        fillWindowMilliseconds = try container.setting(.fillWindowMilliseconds, 0, range: 0...60_000)
        statusPollMilliseconds = try container.setting(.statusPollMilliseconds, 25, range: 1...10_000)
        maximumReroutes = try container.setting(.maximumReroutes, 3, range: 0...20)
        breakerFailureThreshold = try container.setting(.breakerFailureThreshold, 3, range: 1...100)
        breakerOpenMilliseconds = try container.setting(.breakerOpenMilliseconds, 2_000, range: 10...600_000)
        venues = try container.decodeIfPresent([String: Endpoint].self, forKey: .venues) ?? [:]
    }
}
