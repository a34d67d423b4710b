import ATSDomain

/// A classified failure of a venue call.
public struct VenueFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Worth trying again: timeouts, refused connections, 5xx, 429, a malformed reply.
        case retryable
        /// The venue refused this request (4xx): retrying the same request will not help.
        case notRetryable = "not_retryable"
        /// The adapter cannot work with this venue at all: credentials refused, unknown dialect.
        case fatal
    }

    public var venue: VenueID
    public var kind: Kind
    /// The venue's own error code when it sent one, else ours (`timeout`, `unreachable`, `malformed_reply`).
    public var code: String
    public var message: String
    public var httpStatus: Int?
    /// The request field the venue named, if any.
    public var field: String?

    public init(venue: VenueID, kind: Kind, code: String, message: String, httpStatus: Int? = nil, field: String? = nil)
    {
        self.venue = venue
        self.kind = kind
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.field = field
    }

    /// Whether a request that failed this way may nevertheless have been carried out by the
    /// venue: the answer did not arrive or could not be read (a timeout, a reset connection, a
    /// malformed reply). False when the venue answered with an HTTP status, when the request never
    /// left (the breaker held it back, the connection could not be made, the venue's request budget
    /// had no slot: `rate_limited`), or when it was refused.
    public var outcomeUnknown: Bool {
        kind == .retryable && httpStatus == nil && !["venue_excluded", "connect_failed", "rate_limited"].contains(code)
    }

    public var description: String {
        "\(venue): \(kind.rawValue) \(code)\(httpStatus.map { " (HTTP \($0))" } ?? ""): \(message)"
    }
}
