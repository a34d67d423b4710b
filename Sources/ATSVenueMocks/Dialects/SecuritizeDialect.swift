import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// Securitize-style: `Authorization: apiKey <id>:<secret>`, errors `{message, statusCode}`.
/// No public order-entry API exists; these order endpoints are the project's design, in the style
/// of Securitize's investor resources (`/v1/...`, camelCase, `clientOrderId` idempotency).
enum SecuritizeDialect {
    struct ErrorBody: Encodable {
        let message: String
        let statusCode: Int
        let code: String
        let field: String?
    }

    static func render(_ error: VenueError) -> Response {
        json(
            ErrorBody(message: error.message, statusCode: error.httpStatus, code: error.code, field: error.field),
            status: .init(code: error.httpStatus))
    }

    struct OrderRequest: Decodable {
        let clientOrderId: String
        let assetId: String
        let side: String
        let quantity: String
        let price: String
        let timeInForce: String?
    }

    struct Fill: Encodable {
        let id: String
        let quantity: String
        let price: String
        let fee: String
        let executedAt: String
    }

    struct OrderReply: Encodable {
        let orderId: String, clientOrderId: String, assetId: String, side: String, quantity: String, price: String?
        let timeInForce: String, state: String, executedQuantity: String, remainingQuantity: String
        let averagePrice: String?, fees: String, fills: [Fill], createdAt: String
    }

    struct Asset: Encodable {
        let assetId: String, tickSize: String, lotSize: String, minimumQuantity: String, maximumQuantity: String
        let minimumOrderValue: String, referencePrice: String
    }

    struct BookReply: Encodable {
        struct Level: Encodable {
            let price: String
            let quantity: String
            let orders: Int
        }
        let assetId: String, sequence: UInt64, changed: Bool, bids: [Level]?, asks: [Level]?
    }

    static func reply(_ order: VenueOrder) -> OrderReply {
        let state: String
        switch order.status {
        case .open: state = "working"
        case .partiallyFilled: state = "partially-executed"
        case .filled: state = "executed"
        case .cancelled: state = "cancelled"
        case .expired: state = "expired"
        }
        return OrderReply(
            orderId: order.id.description, clientOrderId: order.clientKey, assetId: order.symbol.rawValue,
            side: order.side.rawValue, quantity: order.quantity.description, price: order.limitPrice?.description,
            timeInForce: order.timeInForce.kind.rawValue, state: state,
            executedQuantity: order.filledQuantity.description,
            remainingQuantity: order.leavesQuantity.description, averagePrice: order.averagePrice?.description,
            fees: order.totalCharges.description,
            fills: order.fills.map {
                Fill(
                    id: $0.id, quantity: $0.quantity.description, price: $0.price.description,
                    fee: $0.fee.description, executedAt: $0.time.iso8601)
            },
            createdAt: order.createdAt.iso8601)
    }

    static func authenticate(_ request: Request, _ context: DialectContext) throws(VenueError) -> String {
        guard let authorization = header(request, "Authorization"), authorization.hasPrefix("apiKey ") else {
            throw VenueError(.unauthorized, code: "unauthorized", "send Authorization: apiKey <id>:<secret>")
        }
        let parts = authorization.dropFirst(7).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == context.credentials.keyID, parts[1] == context.credentials.secret else {
            throw VenueError(.unauthorized, code: "unauthorized", "the API key id or secret is wrong")
        }
        return String(parts[0])
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition

        router.get(
            "/v1/assets",
            use: guarded(render) { request, _ in
                _ = try authenticate(request, context)
                return json(
                    venue.listings.map {
                        Asset(
                            assetId: $0.symbol.rawValue, tickSize: $0.tickSize.description,
                            lotSize: $0.lotSize.description,
                            minimumQuantity: $0.minimumQuantity.description,
                            maximumQuantity: $0.maximumOrderQuantity.description,
                            minimumOrderValue: $0.minimumOrderValue.description,
                            referencePrice: $0.referencePrice.description)
                    })
            })

        router.get(
            "/v1/assets/{assetId}/book",
            use: guarded(render) { request, requestContext in
                _ = try authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("assetId") ?? "", field: "assetId")
                let view = DepthView(try await engine.book(symbol), levels: try levelsParameter(request))
                let changed = try sinceParameter(request, name: "afterSequence").map { $0 != view.sequence } ?? true
                func levels(_ side: [LevelSummary]) -> [BookReply.Level] {
                    side.map {
                        .init(price: $0.price.description, quantity: $0.quantity.description, orders: $0.orderCount)
                    }
                }
                return json(
                    BookReply(
                        assetId: symbol.rawValue, sequence: view.sequence, changed: changed,
                        bids: changed ? levels(view.bids) : nil, asks: changed ? levels(view.asks) : nil))
            })

        router.post(
            "/v1/orders",
            use: guarded(render) { request, _ in
                let owner = try authenticate(request, context)
                let body = try await decodeBody(request, as: OrderRequest.self)
                guard !body.clientOrderId.isEmpty, body.clientOrderId.count <= 64 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "clientOrderId",
                        "clientOrderId must be 1 to 64 characters")
                }
                guard let side = Side(caseInsensitive: body.side) else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "side", "side must be buy or sell")
                }
                let timeInForce: TimeInForce
                switch (body.timeInForce ?? "GTC").uppercased() {
                case "GTC": timeInForce = .goodTillCancelled
                case "IOC": timeInForce = .immediateOrCancel
                default:
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "timeInForce", "timeInForce must be GTC or IOC")
                }
                let quantity = try decimal(body.quantity, Quantity.self, field: "quantity")
                let price = try decimal(body.price, Price.self, field: "price")
                guard quantity.isPositive else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "quantity", "quantity must be positive")
                }
                guard price.isPositive else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "price", "price must be positive")
                }
                let order = VenueOrderRequest(
                    clientKey: body.clientOrderId, symbol: try symbol(body.assetId, field: "assetId"), side: side,
                    type: .limit, limitPrice: price, quantity: quantity, timeInForce: timeInForce)
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed), status: replayed ? .ok : .created)
            })

        router.get(
            "/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.order(try orderID(requestContext.parameters.get("orderId")), owner: owner)))
            })

        router.delete(
            "/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.cancel(try orderID(requestContext.parameters.get("orderId")), owner: owner)))
            })
    }
}
