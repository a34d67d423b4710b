import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// Rialto Markets publishes no trading API: this dialect is the project's design, documented as
/// such in `docs/venues.md`. HTTP Basic authentication (`key id:secret`), paths under `/api/v2`,
/// snake_case, money as `{"amount": "10.01", "currency": "USD"}`, the idempotency key in an
/// `Idempotency-Key` header rather than the body, cancels as `POST …/cancel`, and errors
/// `{"error": {"type", "detail", "param"}}`. Each security says the chain its issuer chose.
enum RialtoDialect {
    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let type: String
            let detail: String
            let param: String?
        }
        let error: Detail
    }

    static func render(_ error: VenueError) -> Response {
        json(
            ErrorBody(error: .init(type: error.code, detail: error.message, param: error.field)),
            status: .init(code: error.httpStatus))
    }

    struct Amount: Codable {
        let amount: String
        let currency: String
    }

    struct OrderRequest: Decodable {
        let security: String
        let side: String
        let quantity: String
        let limitPrice: Amount
        let timeInForce: String

        enum CodingKeys: String, CodingKey {
            case security, side, quantity
            case limitPrice = "limit_price"
            case timeInForce = "time_in_force"
        }
    }

    struct Execution: Encodable {
        let executionId: String, quantity: String, price: Amount, fee: Amount, executedAt: String
        enum CodingKeys: String, CodingKey {
            case quantity, price, fee
            case executionId = "execution_id"
            case executedAt = "executed_at"
        }
    }

    struct OrderReply: Encodable {
        let id: String, idempotencyKey: String, security: String, side: String, quantity: String
        let limitPrice: Amount?, timeInForce: String, state: String, filledQuantity: String
        let averagePrice: Amount?, fees: Amount, executions: [Execution], createdAt: String
        enum CodingKeys: String, CodingKey {
            case id, security, side, quantity, state, fees, executions
            case idempotencyKey = "idempotency_key"
            case limitPrice = "limit_price"
            case timeInForce = "time_in_force"
            case filledQuantity = "filled_quantity"
            case averagePrice = "average_price"
            case createdAt = "created_at"
        }
    }

    struct Security: Encodable {
        let symbol: String, chain: String, tickSize: String, lotSize: String, minimumQuantity: String
        let maximumQuantity: String, minimumOrderValue: Amount, referencePrice: Amount, priceBandPercent: String
        enum CodingKeys: String, CodingKey {
            case symbol, chain
            case tickSize = "tick_size"
            case lotSize = "lot_size"
            case minimumQuantity = "minimum_quantity"
            case maximumQuantity = "maximum_quantity"
            case minimumOrderValue = "minimum_order_value"
            case referencePrice = "reference_price"
            case priceBandPercent = "price_band_percent"
        }
    }

    struct OrderBook: Encodable {
        struct Level: Encodable {
            let price: Amount
            let quantity: String
        }
        let security: String, sequence: UInt64, modified: Bool, bids: [Level], asks: [Level]
    }

    static func usd(_ value: some CustomStringConvertible) -> Amount {
        Amount(amount: value.description, currency: "USD")
    }

    static func reply(_ order: VenueOrder) -> OrderReply {
        let state: String
        switch order.status {
        case .open: state = "open"
        case .partiallyFilled: state = "partially_filled"
        case .filled: state = "filled"
        case .cancelled: state = "canceled"
        case .expired: state = "expired"
        }
        return OrderReply(
            id: order.id.description, idempotencyKey: order.clientKey, security: order.symbol.rawValue,
            side: order.side.rawValue, quantity: order.quantity.description, limitPrice: order.limitPrice.map(usd),
            timeInForce: order.timeInForce.kind.rawValue.lowercased(), state: state,
            filledQuantity: order.filledQuantity.description, averagePrice: order.averagePrice.map(usd),
            fees: usd(order.totalCharges),
            executions: order.fills.map {
                Execution(
                    executionId: $0.id, quantity: $0.quantity.description, price: usd($0.price), fee: usd($0.fee),
                    executedAt: $0.time.iso8601)
            },
            createdAt: order.createdAt.iso8601)
    }

    static func authenticate(_ request: Request, _ context: DialectContext) throws(VenueError) -> String {
        guard let authorization = header(request, "Authorization"), authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8)
        else {
            throw VenueError(
                .unauthorized, code: "authentication_required", "send Authorization: Basic base64(key id:secret)")
        }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == context.credentials.keyID, parts[1] == context.credentials.secret else {
            throw VenueError(.unauthorized, code: "authentication_failed", "the key id or secret is wrong")
        }
        return String(parts[0])
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition

        router.get(
            "/api/v2/securities",
            use: guarded(render) { request, _ in
                _ = try authenticate(request, context)
                return json(
                    venue.listings.map {
                        Security(
                            symbol: $0.symbol.rawValue, chain: $0.chain ?? venue.chain,
                            tickSize: $0.tickSize.description, lotSize: $0.lotSize.description,
                            minimumQuantity: $0.minimumQuantity.description,
                            maximumQuantity: $0.maximumOrderQuantity.description,
                            minimumOrderValue: usd($0.minimumOrderValue), referencePrice: usd($0.referencePrice),
                            priceBandPercent: $0.priceBandPercent.description)
                    })
            })

        router.get(
            "/api/v2/securities/{symbol}/orderbook",
            use: guarded(render) { request, requestContext in
                _ = try authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("symbol") ?? "", field: "symbol")
                let view = DepthView(try await engine.book(symbol), levels: try levelsParameter(request, name: "depth"))
                let modified = try sinceParameter(request, name: "since").map { $0 != view.sequence } ?? true
                func levels(_ side: [LevelSummary]) -> [OrderBook.Level] {
                    modified ? side.map { .init(price: usd($0.price), quantity: $0.quantity.description) } : []
                }
                return json(
                    OrderBook(
                        security: symbol.rawValue, sequence: view.sequence, modified: modified,
                        bids: levels(view.bids), asks: levels(view.asks)))
            })

        router.post(
            "/api/v2/orders",
            use: guarded(render) { request, _ in
                let owner = try authenticate(request, context)
                guard let key = header(request, "Idempotency-Key"), (1...64).contains(key.count) else {
                    throw VenueError(
                        .badRequest, code: "invalid_request", field: "Idempotency-Key",
                        "send an Idempotency-Key header of 1 to 64 characters")
                }
                let order = try orderRequest(try await decodeBody(request, as: OrderRequest.self), key: key)
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed), status: replayed ? .ok : .created)
            })

        router.get(
            "/api/v2/orders/{id}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.order(try orderID(requestContext.parameters.get("id")), owner: owner)))
            })

        router.post(
            "/api/v2/orders/{id}/cancel",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.cancel(try orderID(requestContext.parameters.get("id")), owner: owner)))
            })
    }

    static func orderRequest(_ body: OrderRequest, key: String) throws(VenueError) -> VenueOrderRequest {
        guard let side = Side(caseInsensitive: body.side) else {
            throw VenueError(.badRequest, code: "invalid_request", field: "side", "side must be buy or sell")
        }
        let timeInForce: TimeInForce
        switch body.timeInForce.lowercased() {
        case "day": timeInForce = .day
        case "gtc": timeInForce = .goodTillCancelled
        case "ioc": timeInForce = .immediateOrCancel
        default:
            throw VenueError(
                .badRequest, code: "invalid_request", field: "time_in_force", "time_in_force must be day, gtc or ioc")
        }
        guard body.limitPrice.currency == "USD" else {
            throw VenueError(
                .badRequest, code: "invalid_request", field: "limit_price.currency", "prices are in USD")
        }
        let quantity = try decimal(body.quantity, Quantity.self, field: "quantity")
        let price = try decimal(body.limitPrice.amount, Price.self, field: "limit_price.amount")
        guard quantity.isPositive else {
            throw VenueError(.badRequest, code: "invalid_request", field: "quantity", "quantity must be positive")
        }
        guard price.isPositive else {
            throw VenueError(
                .badRequest, code: "invalid_request", field: "limit_price.amount", "the limit price must be positive")
        }
        return VenueOrderRequest(
            clientKey: key, symbol: try symbol(body.security, field: "security"), side: side, type: .limit,
            limitPrice: price, quantity: quantity, timeInForce: timeInForce)
    }
}
