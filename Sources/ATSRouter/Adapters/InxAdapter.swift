import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenues
import Foundation
import Synchronization
import _CryptoExtras

/// INX: every request RSA-signed (``InxSigning``) with the broker-dealer's private key (its
/// secret, PEM), under a budget that keeps the published limits over every request (10 a
/// second, 100 a minute). Market data is one snapshot of every book; a snapshot serves the
/// symbols polled in the same round, and market data never spends the last
/// ``RequestBudget/reservedForOrders`` requests of a minute, so orders always find a slot.
public final class InxAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let keyID: String
    let signingKey: _RSA.Signing.PrivateKey?
    let budget: RequestBudget
    let snapshots: SnapshotCache
    let nonces = NonceSource()

    /// Whether `secret` is an RSA private key in PEM, as INX signing needs.
    public static func isSigningKey(_ secret: String) -> Bool {
        (try? _RSA.Signing.PrivateKey(pemRepresentation: secret)) != nil
    }

    /// Poll rounds no closer than market data's share of the minute allows (≈ 857 ms).
    public var minimumPollInterval: Duration { budget.marketDataSpacing }

    public init(http: VenueHTTP, credentials: VenueCredentials, rateLimit: VenueDefinition.RateLimit) {
        venue = http.venue
        self.http = http
        keyID = credentials.keyID
        signingKey = try? _RSA.Signing.PrivateKey(pemRepresentation: credentials.secret)
        budget = RequestBudget(perSecond: rateLimit.requestsPerSecond, perMinute: rateLimit.requestsPerMinute)
        snapshots = SnapshotCache(reuseWindow: .milliseconds(200))
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data)).map {
            ($0.error.code, $0.error.message, $0.error.field)
        }
    }

    struct Instrument: Decodable {
        let symbol: String, tickSize: String, lotSize: String, minQuantity: String, maxQuantity: String
        let minNotional: String, referencePrice: String, priceBandPercent: String
    }
    struct Books: Decodable {
        struct Book: Decodable {
            let symbol: String
            let sequence: UInt64
            let bids: [[String]]
            let asks: [[String]]
        }
        let books: [Book]
    }
    struct Trade: Decodable {
        let tradeId: String, quantity: String, price: String, fee: String
    }
    struct Order: Decodable {
        let orderId: String, clientOrderId: String, quantity: String, status: String, filledQuantity: String
        let averagePrice: String?, fee: String, trades: [Trade]
    }

    /// Signs and sends one request once the budget has a slot for it.
    func send(
        _ method: HTTPMethodName, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        marketData: Bool = false
    ) async throws -> Data {
        guard let signingKey else {
            throw VenueFailure(
                venue: venue, kind: .fatal, code: "invalid_signing_key",
                message: "the INX secret is not an RSA private key in PEM")
        }
        // Nothing leaves without a slot; a request that finds none within the deadline is not sent.
        // Market data waits out a full second (at most the timeout) but not its share of the minute:
        // ``book`` then answers `throttled` rather than hold up a poll round.
        let patience = marketData ? min(http.timeout, .milliseconds(1_200)) : http.timeout
        guard await budget.take(marketData: marketData, within: patience) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "rate_limited",
                message: "no request slot under INX's limits within \(patience): not sent")
        }
        // The path and query exactly as ``VenueHTTP`` sends them (values percent-encoded alike).
        let pathAndQuery =
            path
            + (query.isEmpty
                ? ""
                : "?"
                    + query.map {
                        "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)"
                    }.joined(separator: "&"))
        let timestamp = SystemClock().now().nanosecondsSinceEpoch / 1_000_000
        let nonce = nonces.next()
        let message = InxSigning.message(
            timestampMilliseconds: timestamp, nonce: nonce, keyID: keyID, method: method.nio.rawValue,
            pathAndQuery: pathAndQuery, body: Array(body ?? Data()))
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try signingKey.signature(for: message)
        } catch {
            throw VenueFailure(venue: venue, kind: .fatal, code: "signing_failed", message: "\(error)")
        }
        let headers = [
            (InxSigning.keyHeader, keyID), (InxSigning.nonceHeader, nonce),
            (InxSigning.timestampHeader, String(timestamp)),
            (InxSigning.signatureHeader, signature.rawRepresentation.base64EncodedString()),
        ]
        do {
            return try await http.send(method.nio, path, query: query, headers: headers, body: body)
        } catch let failure as VenueFailure where failure.httpStatus == 429 {
            // The venue counts every process using this key (a restarted or second instance): hold
            // every request back for a second, as its Retry-After says, rather than keep asking.
            await budget.pause(for: .seconds(1))
            throw failure
        }
    }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode([Instrument].self, try await send(.get, "/api/v1/instruments"), what: "instruments").map {
            item in
            VenueInstrument(
                symbol: try http.symbol(item.symbol, field: "symbol"),
                tickSize: try http.decimal(item.tickSize, Price.self, field: "tickSize"),
                lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lotSize"),
                minimumQuantity: try http.decimal(item.minQuantity, Quantity.self, field: "minQuantity"),
                maximumQuantity: try http.decimal(item.maxQuantity, Quantity.self, field: "maxQuantity"),
                minimumOrderValue: try http.decimal(item.minNotional, Money.self, field: "minNotional"),
                priceBandPercent: try http.decimal(item.priceBandPercent, BasisPoints.self, field: "priceBandPercent"),
                referencePrice: try http.decimal(item.referencePrice, Price.self, field: "referencePrice"))
        }
    }

    /// One symbol's book from the newest snapshot of all of them: a snapshot fetched within the
    /// last 200 ms (the symbols of one poll round) and not since overtaken by an order of ours
    /// serves it, else a new one is fetched. The pollers run no closer than
    /// ``minimumPollInterval``, so polling stays within market data's share of the minute.
    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let http = http
        let data: Data
        do {
            data = try await snapshots.fresh {
                try await self.send(
                    .get, "/api/v1/market-data/books", query: [("depth", String(count))], marketData: true)
            }
        } catch let failure as VenueFailure where failure.code == "rate_limited" || failure.httpStatus == 429 {
            return .throttled
        }
        let books = try http.decode(Books.self, data, what: "books")
        guard let book = books.books.first(where: { $0.symbol == symbol.rawValue }) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply", message: "books: no book for \(symbol)")
        }
        if let since, since == book.sequence { return .unchanged(sequence: book.sequence) }
        return .changed(
            sequence: book.sequence, bids: try levels(book.bids, http: http, field: "bids"),
            asks: try levels(book.asks, http: http, field: "asks"))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let timeInForce: String
        switch child.timeInForce {
        case .ioc: timeInForce = "IOC"
        case .fok: timeInForce = "FOK"
        default: timeInForce = "GTC"
        }
        let body = try http.encode([
            "clientOrderId": child.clientKey, "symbol": child.symbol.rawValue, "side": child.side.rawValue.uppercased(),
            "type": "LIMIT", "quantity": child.quantity.description, "price": child.limitPrice.description,
            "timeInForce": timeInForce,
        ])
        return try state(try await changingTheBook { try await self.send(.post, "/api/v1/orders", body: body) })
    }

    /// Runs an order request, then forgets the market-data snapshot it may have made stale
    /// (whatever the outcome: an answer lost on the way may still have traded).
    func changingTheBook(_ request: @Sendable () async throws -> Data) async throws -> Data {
        do {
            let data = try await request()
            await snapshots.invalidate()
            return data
        } catch {
            await snapshots.invalidate()
            throw error
        }
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await send(.get, "/api/v1/orders/\(venueOrderID)"))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await changingTheBook { try await self.send(.delete, "/api/v1/orders/\(venueOrderID)") })
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order")
        let status: VenueOrderState.Status
        switch order.status {
        case "NEW": status = .open
        case "PARTIALLY_FILLED": status = .partiallyFilled
        case "FILLED": status = .filled
        case "CANCELED": status = .cancelled
        case "EXPIRED": status = .expired
        default: throw http.unknownStatus(order.status)
        }
        return VenueOrderState(
            venueOrderID: order.orderId, clientKey: order.clientOrderId, status: status,
            quantity: try http.decimal(order.quantity, Quantity.self, field: "quantity"),
            filledQuantity: try http.decimal(order.filledQuantity, Quantity.self, field: "filledQuantity"),
            averagePrice: try order.averagePrice.map { try http.decimal($0, Price.self, field: "averagePrice") },
            fees: try http.decimal(order.fee, Money.self, field: "fee"),
            fills: try order.trades.map { trade in
                VenueFill(
                    id: trade.tradeId,
                    quantity: try http.decimal(trade.quantity, Quantity.self, field: "trades.quantity"),
                    price: try http.decimal(trade.price, Price.self, field: "trades.price"),
                    fee: try http.decimal(trade.fee, Money.self, field: "trades.fee"))
            })
    }
}

/// The requests a venue's limits allow, spent before each one is sent: at most `perSecond` in
/// any second and `perMinute` in any minute. A caller waits for a slot; market data also waits
/// while the minute's last ``reservedForOrders`` are all that is left.
actor RequestBudget {
    let perSecond: Int
    let perMinute: Int?
    /// The share of a minute's requests market data may not spend (of INX's 100: 30).
    nonisolated var reservedForOrders: Int { (perMinute ?? 0) * 3 / 10 }
    /// How far apart market-data requests must be to stay within their share of the minute
    /// (at INX 60 s / 70 ≈ 857 ms); 200 ms, one poll round, when there is no per-minute limit.
    nonisolated var marketDataSpacing: Duration {
        guard let perMinute, perMinute > reservedForOrders else { return .milliseconds(200) }
        return max(.milliseconds(200), .seconds(60) / (perMinute - reservedForOrders))
    }
    private var sent: [ContinuousClock.Instant] = []
    /// No request before this (the venue answered 429).
    private var pausedUntil: ContinuousClock.Instant?

    init(perSecond: Int, perMinute: Int?) {
        self.perSecond = perSecond
        self.perMinute = perMinute
    }

    /// Waits until a request may be sent, at most `within`, and counts it; false (nothing counted)
    /// when no slot came in time or the task was cancelled.
    func take(marketData: Bool, within: Duration) async -> Bool {
        let deadline = ContinuousClock.now + within
        while let wake = admit(at: .now, marketData: marketData) {
            guard wake <= deadline else { return false }
            try? await Task.sleep(until: wake, clock: .continuous)
            if Task.isCancelled { return false }
        }
        return true
    }

    /// Holds every request back for `duration`.
    func pause(for duration: Duration) {
        let until = ContinuousClock.now + duration
        pausedUntil = max(pausedUntil ?? until, until)
    }

    /// Counts a request sent at `now` and returns nil if the limits allow it; else counts nothing
    /// and returns when to ask again (the moment the oldest request in the full window ages out).
    func admit(at now: ContinuousClock.Instant, marketData: Bool) -> ContinuousClock.Instant? {
        if let pausedUntil, now < pausedUntil { return pausedUntil }
        sent.removeAll { now - $0 >= .seconds(60) }
        let lastSecond = sent.filter { now - $0 < .seconds(1) }
        let minuteCap = perMinute.map { marketData ? $0 - reservedForOrders : $0 } ?? Int.max
        if lastSecond.count < perSecond && sent.count < minuteCap {
            sent.append(now)
            return nil
        }
        var wake = now + .milliseconds(1)
        if lastSecond.count >= perSecond, let oldest = lastSecond.first { wake = max(wake, oldest + .seconds(1)) }
        if sent.count >= minuteCap {
            // The request whose ageing out brings the count under the cap.
            let index = sent.count - minuteCap
            wake = max(wake, sent[index] + .seconds(60))
        }
        return wake
    }
}

/// The last market-data snapshot and when it was fetched; concurrent askers share one fetch.
actor SnapshotCache {
    /// A snapshot this young serves the asker.
    let reuseWindow: Duration
    private var last: (data: Data, at: ContinuousClock.Instant)?
    private var pending: Task<Data, any Error>?

    init(reuseWindow: Duration) { self.reuseWindow = reuseWindow }

    /// Forgets the snapshot: an order of ours changed the book it shows.
    func invalidate() { last = nil }

    func fresh(_ fetch: @escaping @Sendable () async throws -> Data) async throws -> Data {
        if let last, ContinuousClock.now - last.at < reuseWindow { return last.data }
        if let pending { return try await pending.value }
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let data = try await task.value
        last = (data, ContinuousClock.now)
        return data
    }
}

/// Nonces unique to this process and key: a random prefix and a counter.
final class NonceSource: Sendable {
    private let prefix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
    private let counter = Mutex<UInt64>(0)

    func next() -> String {
        let n = counter.withLock { value in
            value += 1
            return value
        }
        return "\(prefix)\(n)"
    }
}
