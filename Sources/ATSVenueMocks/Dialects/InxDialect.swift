import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird
import _CryptoExtras

/// INX-style: every request RSA-signed (``InxSigning``) and checked here, a nonce used once, a
/// timestamp within 30 s of the venue's wall clock, and the published limits over every request
/// a key sends (10 a second, 100 a minute: `429 rate_limit_exceeded` with `Retry-After`). Paths
/// under `/api/v1`, `SCREAMING_CASE` statuses, errors `{"success": false, "error": {code,
/// message, field}}`. Market data is one snapshot of every book (`/api/v1/market-data/books`),
/// so a client polling within the limits sees all of them in one request. Fees are charged in
/// the INX token at its discount and reported at their dollar value (`feeAsset: "INX"`).
enum InxDialect {
    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let success: Bool
        let error: Detail
    }

    static func render(_ error: VenueError) -> Response {
        var response = json(
            ErrorBody(success: false, error: .init(code: error.code, message: error.message, field: error.field)),
            status: .init(code: error.httpStatus))
        if error.kind == .rateLimited { response.headers[.retryAfter] = "1" }
        return response
    }

    struct OrderRequest: Decodable {
        let clientOrderId: String
        let symbol: String
        let side: String
        let type: String
        let quantity: String
        let price: String?
        let timeInForce: String
    }

    struct Trade: Encodable {
        let tradeId: String, quantity: String, price: String, fee: String, executedAt: String
    }

    struct OrderReply: Encodable {
        let orderId: String, clientOrderId: String, symbol: String, side: String, type: String, quantity: String
        let price: String?, timeInForce: String, status: String, filledQuantity: String, averagePrice: String?
        let fee: String, feeAsset: String, trades: [Trade], createdAt: String
    }

    struct Instrument: Encodable {
        let symbol: String, tickSize: String, lotSize: String, minQuantity: String, maxQuantity: String
        let minNotional: String, referencePrice: String, priceBandPercent: String
    }

    struct Books: Encodable {
        struct Book: Encodable {
            let symbol: String
            let sequence: UInt64
            let bids: [[String]]
            let asks: [[String]]
        }
        let books: [Book]
    }

    static func reply(_ order: VenueOrder, venue: VenueDefinition) -> OrderReply {
        let status: String
        switch order.status {
        case .open: status = "NEW"
        case .partiallyFilled: status = "PARTIALLY_FILLED"
        case .filled: status = "FILLED"
        case .cancelled: status = "CANCELED"
        case .expired: status = "EXPIRED"
        }
        return OrderReply(
            orderId: order.id.description, clientOrderId: order.clientKey, symbol: order.symbol.rawValue,
            side: order.side.rawValue.uppercased(), type: order.type.rawValue.uppercased(),
            quantity: order.quantity.description, price: order.limitPrice?.description,
            timeInForce: order.timeInForce.kind.rawValue, status: status,
            filledQuantity: order.filledQuantity.description, averagePrice: order.averagePrice?.description,
            fee: order.totalCharges.description, feeAsset: venue.fees.paidInVenueToken?.token ?? "USD",
            trades: order.fills.map {
                Trade(
                    tradeId: $0.id, quantity: $0.quantity.description, price: $0.price.description,
                    fee: $0.fee.description, executedAt: $0.time.iso8601)
            },
            createdAt: order.createdAt.iso8601)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition
        let gate = InxGate(
            keyID: context.credentials.keyID, publicKeyPEM: context.credentials.publicKeyPEM,
            limit: venue.rateLimit)

        router.get(
            "/api/v1/instruments",
            use: guarded(render) { request, _ in
                _ = try await gate.admit(request, body: [])
                return json(
                    venue.listings.map {
                        Instrument(
                            symbol: $0.symbol.rawValue, tickSize: $0.tickSize.description,
                            lotSize: $0.lotSize.description, minQuantity: $0.minimumQuantity.description,
                            maxQuantity: $0.maximumOrderQuantity.description,
                            minNotional: $0.minimumOrderValue.description,
                            referencePrice: $0.referencePrice.description,
                            priceBandPercent: $0.priceBandPercent.description)
                    })
            })

        router.get(
            "/api/v1/market-data/books",
            use: guarded(render) { request, _ in
                _ = try await gate.admit(request, body: [])
                let depth = try levelsParameter(request, name: "depth")
                var books: [Books.Book] = []
                for listing in venue.listings {
                    let view = DepthView(try await engine.book(listing.symbol), levels: depth)
                    books.append(
                        .init(
                            symbol: listing.symbol.rawValue, sequence: view.sequence,
                            bids: view.bids.map { [$0.price.description, $0.quantity.description] },
                            asks: view.asks.map { [$0.price.description, $0.quantity.description] }))
                }
                return json(Books(books: books))
            })

        router.post(
            "/api/v1/orders",
            use: guarded(render) { request, _ in
                let body = try await rawBody(request)
                let owner = try await gate.admit(request, body: body)
                let order = try orderRequest(try decodeJSON(body, as: OrderRequest.self))
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed, venue: venue), status: replayed ? .ok : .created)
            })

        router.get(
            "/api/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try await gate.admit(request, body: [])
                let id = try orderID(requestContext.parameters.get("orderId"))
                return json(reply(try await engine.order(id, owner: owner), venue: venue))
            })

        InxConversions.install(on: router, engine: engine, gate: gate)
        OnboardingRoutes.install(on: router, engine: engine, render: render) { request, body in
            try await gate.admit(request, body: body)
        }

        router.delete(
            "/api/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try await gate.admit(request, body: [])
                let id = try orderID(requestContext.parameters.get("orderId"))
                return json(reply(try await engine.cancel(id, owner: owner), venue: venue))
            })
    }

    static func orderRequest(_ body: OrderRequest) throws(VenueError) -> VenueOrderRequest {
        guard !body.clientOrderId.isEmpty, body.clientOrderId.count <= 64 else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "clientOrderId", "clientOrderId must be 1 to 64 characters")
        }
        guard let side = Side(caseInsensitive: body.side) else {
            throw VenueError(.badRequest, code: "invalid_field", field: "side", "side must be BUY or SELL")
        }
        let type: OrderType.Kind
        switch body.type.uppercased() {
        case "LIMIT": type = .limit
        case "MARKET": type = .market
        default: throw VenueError(.badRequest, code: "invalid_field", field: "type", "type must be LIMIT or MARKET")
        }
        let timeInForce: TimeInForce
        switch body.timeInForce.uppercased() {
        case "GTC": timeInForce = .goodTillCancelled
        case "IOC": timeInForce = .immediateOrCancel
        case "FOK": timeInForce = .fillOrKill
        default:
            throw VenueError(
                .badRequest, code: "invalid_field", field: "timeInForce", "timeInForce must be GTC, IOC or FOK")
        }
        if type == .market && timeInForce == .goodTillCancelled {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "timeInForce", "a MARKET order must be IOC or FOK")
        }
        let quantity = try decimal(body.quantity, Quantity.self, field: "quantity")
        guard quantity.isPositive else {
            throw VenueError(.badRequest, code: "invalid_field", field: "quantity", "quantity must be positive")
        }
        var price: Price?
        if type == .limit {
            guard let text = body.price else {
                throw VenueError(.badRequest, code: "missing_field", field: "price", "a LIMIT order needs a price")
            }
            price = try decimal(text, Price.self, field: "price")
            guard price!.isPositive else {
                throw VenueError(.badRequest, code: "invalid_field", field: "price", "price must be positive")
            }
        }
        return VenueOrderRequest(
            clientKey: body.clientOrderId, symbol: try symbol(body.symbol, field: "symbol"), side: side, type: type,
            limitPrice: price, quantity: quantity, timeInForce: timeInForce)
    }
}

/// The INX mock's door: the signature, the nonce, the timestamp and the rate limits of every
/// request, per API key, in that order (a badly signed request does not spend the key's budget).
actor InxGate {
    let keyID: String
    let publicKey: _RSA.Signing.PublicKey?
    let perSecond: Int
    let perMinute: Int?
    /// Nonces seen within the freshness window, and when each may be forgotten (ms).
    private var nonces: [String: Int64] = [:]
    /// When admitted requests arrived (monotonic ms), the last minute's.
    private var arrivals: [Int64] = []
    private let origin = ContinuousClock.now

    init(keyID: String, publicKeyPEM: String?, limit: VenueDefinition.RateLimit) {
        self.keyID = keyID
        publicKey = publicKeyPEM.flatMap { try? _RSA.Signing.PublicKey(pemRepresentation: $0) }
        perSecond = limit.requestsPerSecond
        perMinute = limit.requestsPerMinute
    }

    /// The key that signed `request` (its owner), or the refusal in INX's terms.
    func admit(_ request: Request, body: [UInt8]) throws(VenueError) -> String {
        func refuse(_ code: String, _ message: String, field: String? = nil) -> VenueError {
            VenueError(.unauthorized, code: code, field: field, message)
        }
        guard let key = header(request, InxSigning.keyHeader), let nonce = header(request, InxSigning.nonceHeader),
            let stamp = header(request, InxSigning.timestampHeader),
            let signature = header(request, InxSigning.signatureHeader)
        else {
            throw refuse(
                "missing_signature",
                "send \(InxSigning.keyHeader), \(InxSigning.nonceHeader), \(InxSigning.timestampHeader) and \(InxSigning.signatureHeader)"
            )
        }
        guard key == keyID, let publicKey else { throw refuse("invalid_api_key", "no API key \(key)") }
        guard let milliseconds = Int64(stamp) else {
            throw refuse("invalid_timestamp", "\(InxSigning.timestampHeader) must be milliseconds since the epoch")
        }
        let now = SystemClock().now().nanosecondsSinceEpoch / 1_000_000
        guard abs(now - milliseconds) <= InxSigning.freshnessMilliseconds else {
            throw refuse(
                "invalid_timestamp",
                "the request's timestamp is \(now - milliseconds) ms from the venue's clock (at most \(InxSigning.freshnessMilliseconds))"
            )
        }
        guard (8...64).contains(nonce.count) else { throw refuse("invalid_nonce", "a nonce is 8 to 64 characters") }
        let message = InxSigning.message(
            timestampMilliseconds: milliseconds, nonce: nonce, keyID: key, method: request.method.rawValue,
            pathAndQuery: request.uri.description, body: body)
        guard let bytes = Data(base64Encoded: signature),
            publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: bytes), for: message)
        else { throw refuse("invalid_signature", "the signature does not verify with the key's public key") }
        nonces = nonces.filter { $0.value > now }
        guard nonces[nonce] == nil else { throw refuse("nonce_reused", "nonce \(nonce) was already used") }
        nonces[nonce] = now + 2 * InxSigning.freshnessMilliseconds
        try throttle(at: (ContinuousClock.now - origin).nanoseconds / 1_000_000)
        return key
    }

    /// Counts a request arriving at `now` (monotonic milliseconds), or refuses it when the last
    /// second or minute is full.
    func throttle(at now: Int64) throws(VenueError) {
        arrivals.removeAll { $0 <= now - 60_000 }
        let lastSecond = arrivals.count { $0 > now - 1_000 }
        if lastSecond >= perSecond {
            throw VenueError(.rateLimited, code: "rate_limit_exceeded", "more than \(perSecond) requests in a second")
        }
        if let perMinute, arrivals.count >= perMinute {
            throw VenueError(.rateLimited, code: "rate_limit_exceeded", "more than \(perMinute) requests in a minute")
        }
        arrivals.append(now)
    }
}

/// INX's cash conversions (USDC/USD), signed like every INX request (paths and shapes assumed):
/// `GET /api/v1/conversion-rates`, `POST /api/v1/conversions` `{clientConversionId, from, to, amount}`,
/// `GET /api/v1/conversions/{id}`.
enum InxConversions {
    struct Rate: Encodable {
        let pair: String, base: String, quote: String, price: String, feeBps: String
    }
    struct Request: Decodable {
        let clientConversionId: String
        let from: String
        let to: String
        let amount: String
    }
    struct Reply: Encodable {
        let id: String, clientConversionId: String, from: String, to: String, amount: String, price: String
        let fee: String, received: String, status: String
    }

    static func reply(_ c: MockConversion) -> Reply {
        Reply(
            id: String(c.id), clientConversionId: c.key, from: c.from.rawValue, to: c.to.rawValue,
            amount: c.amount.description, price: c.price.description, fee: c.fee.description,
            received: c.received.description, status: "COMPLETED")
    }

    static func install(on router: Router<BasicRequestContext>, engine: VenueEngine, gate: InxGate) {
        let venue = engine.definition
        router.get(
            "/api/v1/conversion-rates",
            use: guarded(InxDialect.render) { request, _ in
                _ = try await gate.admit(request, body: [])
                return json(
                    (venue.conversions ?? []).map {
                        Rate(
                            pair: $0.pair, base: $0.base.rawValue, quote: $0.quote.rawValue,
                            price: $0.price.description, feeBps: $0.feeBps.description)
                    })
            })
        router.post(
            "/api/v1/conversions",
            use: guarded(InxDialect.render) { request, _ in
                let body = try await rawBody(request)
                let owner = try await gate.admit(request, body: body)
                let asked = try decodeJSON(body, as: Request.self)
                guard (1...64).contains(asked.clientConversionId.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "clientConversionId",
                        "clientConversionId must be 1 to 64 characters")
                }
                guard let from = CashAsset(rawValue: asked.from.uppercased()) else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "from", "from must be USD or USDC")
                }
                guard let to = CashAsset(rawValue: asked.to.uppercased()) else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "to", "to must be USD or USDC")
                }
                let amount = try decimal(asked.amount, Money.self, field: "amount")
                let (made, replayed) = try await engine.conversions.convert(
                    key: asked.clientConversionId, from: from, to: to, amount: amount, owner: owner)
                return json(reply(made), status: replayed ? .ok : .created)
            })
        router.get(
            "/api/v1/conversions/{id}",
            use: guarded(InxDialect.render) { request, requestContext in
                let owner = try await gate.admit(request, body: [])
                guard let id = UInt64(requestContext.parameters.get("id") ?? "") else {
                    throw VenueError(.notFound, "no conversion \(requestContext.parameters.get("id") ?? "")")
                }
                return json(reply(try await engine.conversions.conversion(id, owner: owner)))
            })
    }
}
