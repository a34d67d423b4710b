/// How `GET /v1/stream` paces itself and treats a slow client (`docs/api.md`, "The event stream").
public struct StreamSettings: Sendable, Hashable {
    /// A `heartbeat` message this often, so a client (a browser cannot see pings) knows the
    /// connection lives; WebSocket pings go out as often and an unanswered one closes it.
    public var heartbeat: Duration
    /// Order events a connection may fall behind by: one more and it is closed (`slow_consumer`),
    /// so routing never waits for a client. It reconnects with `resume` and loses nothing.
    public var buffer: Int
    /// How often subscribed books are looked at (a book is sent only when it changed).
    public var bookInterval: Duration
    /// How often venue health and the account's settlements are looked at, and the journal is
    /// read for events this instance did not publish (an account another instance owns).
    public var pollInterval: Duration
    /// How long a connection without an `Authorization` header has to send `{"auth": key}`.
    public var authTimeout: Duration

    public init(
        heartbeat: Duration = .seconds(5), buffer: Int = 1_000, bookInterval: Duration = .milliseconds(200),
        pollInterval: Duration = .seconds(1), authTimeout: Duration = .seconds(10)
    ) {
        self.heartbeat = heartbeat
        self.buffer = buffer
        self.bookInterval = bookInterval
        self.pollInterval = pollInterval
        self.authTimeout = authTimeout
    }
}
