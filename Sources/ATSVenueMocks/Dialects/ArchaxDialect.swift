import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// Archax-style: JWT login with email and password; instruments by numeric id; prices and quantities
/// as integers scaled by 10^decimals; side and order type as 0/1; `orderStatus` plus `filledStatus`;
/// `actionRef` idempotency; executions with commission and tax.
enum ArchaxDialect {
    static let priceDecimals = 4
    static let quantityDecimals = 2

    struct ErrorBody: Encodable {
        let status: String
        let code: String
        let message: String
        let field: String?
    }

    static func render(_ error: VenueError) -> Response {
        json(
            ErrorBody(status: "error", code: error.code, message: error.message, field: error.field),
            status: .init(code: error.httpStatus))
    }

    struct Login: Decodable {
        let email: String
        let password: String
    }
    struct LoginReply: Encodable {
        struct Data: Encodable { let jwt: String }
        let status: String
        let data: Data
    }

    struct Instrument: Encodable {
        let id: Int, symbol: String, currency: String, status: String
        let tickSize: Int64, minimumOrderValue: Int64, lotSize: Int64
        let priceDecimalPlaces: Int, quantityDecimalPlaces: Int
    }

    struct OrderRequest: Decodable {
        let actionRef: String
        let instrumentId: Int
        let limitPrice: Int64?
        let orderType: Int
        let quantity: Int64
        let side: Int
        let organisationId: String
    }

    struct Execution: Encodable {
        let executionId: String, timestamp: String, quantity: Int64, price: Int64
        let fee: Int64, commission: Int64, tax: Int64
    }

    struct OrderReply: Encodable {
        let orderId: String, actionRef: String, instrumentId: Int, side: Int, orderType: Int
        let quantity: Int64, limitPrice: Int64?, filledQuantity: Int64, averagePrice: Int64?
        let orderStatus: String, filledStatus: String, executions: [Execution], createdAt: String
    }

    struct DepthReply: Encodable {
        let instrumentId: Int, sequence: UInt64, changed: Bool
        let buy: [String: Int64]?, sell: [String: Int64]?
    }

    /// A price as an integer at 4 decimals (rounded half-even should it carry more, which listings' ticks prevent).
    static func scaledPrice(_ price: Price) -> Int64 { rescaled(price.rawValue, to: priceDecimals) }
    /// A quantity as an integer at 2 decimals.
    static func scaledQuantity(_ quantity: Quantity) -> Int64 { rescaled(quantity.rawValue, to: quantityDecimals) }

    private static func rescaled(_ raw: Int64, to decimals: Int) -> Int64 {
        let divisor = Int64((0..<(fixedPointScale - decimals)).reduce(1) { value, _ in value * 10 })
        return (try? Money(rawValue: raw).scaled(numerator: 1, denominator: divisor, rounding: .halfEven).rawValue)
            ?? raw / divisor
    }
    static func reply(_ order: VenueOrder, instrument: Int) -> OrderReply {
        let orderStatus: String
        switch order.status {
        case .open, .partiallyFilled: orderStatus = "open"
        case .filled: orderStatus = "completed"
        case .cancelled: orderStatus = "cancelled"
        case .expired: orderStatus = "expired"
        }
        let filledStatus =
            order.filledQuantity.isZero
            ? "unfilled" : order.filledQuantity == order.quantity ? "filled" : "partiallyFilled"
        return OrderReply(
            orderId: order.id.description, actionRef: order.clientKey, instrumentId: instrument,
            side: order.side == .buy ? 0 : 1,
            orderType: order.type == .market ? 1 : 0, quantity: scaledQuantity(order.quantity),
            limitPrice: order.limitPrice.map(scaledPrice), filledQuantity: scaledQuantity(order.filledQuantity),
            averagePrice: order.averagePrice.map { roundedMoney(Money(rawValue: $0.rawValue)) },
            orderStatus: orderStatus, filledStatus: filledStatus,
            executions: order.fills.map {
                Execution(
                    executionId: $0.id, timestamp: $0.time.iso8601, quantity: scaledQuantity($0.quantity),
                    price: scaledPrice($0.price), fee: roundedMoney($0.fee), commission: roundedMoney($0.commission),
                    tax: roundedMoney($0.tax))
            },
            createdAt: order.createdAt.iso8601)
    }

    /// An amount (or an average price) in the price scale, rounded half-even to the 4 decimals the venue reports.
    static func roundedMoney(_ money: Money) -> Int64 { rescaled(money.rawValue, to: priceDecimals) }

    static func authenticate(_ request: Request, _ context: DialectContext) async throws(VenueError) -> String {
        guard let authorization = header(request, "Authorization"), authorization.hasPrefix("Bearer "),
            let owner = await context.tokens.owner(of: String(authorization.dropFirst(7)))
        else {
            throw VenueError(
                .unauthorized, code: "unauthorized", "log in with POST /login and send Authorization: Bearer <jwt>")
        }
        return owner
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition
        // Instrument ids are positions in the venue's listing, from 1.
        @Sendable func instrument(_ id: Int) throws(VenueError) -> VenueDefinition.Listing {
            guard id >= 1 && id <= venue.listings.count else {
                throw VenueError(.notFound, code: "unknown_instrument", field: "instrumentId", "no instrument \(id)")
            }
            return venue.listings[id - 1]
        }
        let instrumentID: @Sendable (Symbol) -> Int = { symbol in
            (venue.listings.firstIndex { $0.symbol == symbol } ?? -1) + 1
        }

        router.post(
            "/login",
            use: guarded(render) { request, _ in
                let body = try await decodeBody(request, as: Login.self)
                guard body.email == context.credentials.keyID, body.password == context.credentials.secret else {
                    throw VenueError(.unauthorized, code: "invalid_credentials", "email or password is wrong")
                }
                return json(
                    LoginReply(status: "success", data: .init(jwt: await context.tokens.issue(for: body.email))))
            })

        router.get(
            "/instruments",
            use: guarded(render) { request, _ in
                _ = try await authenticate(request, context)
                return json(
                    venue.listings.enumerated().map { index, listing in
                        Instrument(
                            id: index + 1, symbol: listing.symbol.rawValue, currency: "USD", status: "trading",
                            tickSize: scaledPrice(listing.tickSize),
                            minimumOrderValue: roundedMoney(listing.minimumOrderValue),
                            lotSize: scaledQuantity(listing.lotSize), priceDecimalPlaces: priceDecimals,
                            quantityDecimalPlaces: quantityDecimals)
                    })
            })

        router.get(
            "/instruments/{id}/depth",
            use: guarded(render) { request, requestContext in
                _ = try await authenticate(request, context)
                guard let id = requestContext.parameters.get("id").flatMap(Int.init) else {
                    throw VenueError(.notFound, code: "unknown_instrument", "no such instrument")
                }
                let listing = try instrument(id)
                let view = DepthView(try await engine.book(listing.symbol), levels: try levelsParameter(request))
                let since = try sinceParameter(request, name: "sinceSequence")
                let changed = since.map { $0 != view.sequence } ?? true
                func side(_ levels: [LevelSummary]) -> [String: Int64] {
                    Dictionary(
                        uniqueKeysWithValues: levels.map {
                            (String(scaledPrice($0.price)), scaledQuantity($0.quantity))
                        })
                }
                return json(
                    DepthReply(
                        instrumentId: id, sequence: view.sequence, changed: changed,
                        buy: changed ? side(view.bids) : nil, sell: changed ? side(view.asks) : nil))
            })

        router.post(
            "/orders",
            use: guarded(render) { request, _ in
                let owner = try await authenticate(request, context)
                let body = try await decodeBody(request, as: OrderRequest.self)
                guard !body.actionRef.isEmpty, body.actionRef.count <= 64 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "actionRef", "actionRef must be 1 to 64 characters")
                }
                guard body.organisationId == owner else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "organisationId",
                        "organisationId does not match the login")
                }
                let listing = try instrument(body.instrumentId)
                guard body.side == 0 || body.side == 1 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "side", "side must be 0 (buy) or 1 (sell)")
                }
                guard body.orderType == 0 || body.orderType == 1 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "orderType",
                        "orderType must be 0 (limit) or 1 (market)")
                }
                guard body.quantity > 0 else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "quantity", "quantity must be positive")
                }
                let quantity = try scaledDecimal(
                    body.quantity, decimals: quantityDecimals, Quantity.self, field: "quantity")
                var price: Price?
                if body.orderType == 0 {
                    guard let scaled = body.limitPrice, scaled > 0 else {
                        throw VenueError(
                            .badRequest, code: "invalid_field", field: "limitPrice",
                            "a limit order needs a positive limitPrice")
                    }
                    price = try scaledDecimal(scaled, decimals: priceDecimals, Price.self, field: "limitPrice")
                }
                let order = VenueOrderRequest(
                    clientKey: body.actionRef, symbol: listing.symbol, side: body.side == 0 ? .buy : .sell,
                    type: body.orderType == 0 ? .limit : .market, limitPrice: price, quantity: quantity,
                    timeInForce: body.orderType == 0 ? .goodTillCancelled : .immediateOrCancel)
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed, instrument: body.instrumentId), status: replayed ? .ok : .created)
            })

        router.get(
            "/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try await authenticate(request, context)
                let order = try await engine.order(try orderID(requestContext.parameters.get("orderId")), owner: owner)
                return json(reply(order, instrument: instrumentID(order.symbol)))
            })

        router.post(
            "/orders/{orderId}/cancel",
            use: guarded(render) { request, requestContext in
                let owner = try await authenticate(request, context)
                let order = try await engine.cancel(try orderID(requestContext.parameters.get("orderId")), owner: owner)
                return json(reply(order, instrument: instrumentID(order.symbol)))
            })
    }
}
