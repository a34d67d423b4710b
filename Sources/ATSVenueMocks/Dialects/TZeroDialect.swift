import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// tZERO-style REST: token login, `x-apikey` plus `Authorization: Bearer`, `transactionId`
/// idempotency, tZERO's status names and `{errors:[{code,message,field}]}` error shape.
enum TZeroDialect {
    struct ErrorBody: Encodable {
        struct Item: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let errors: [Item]
    }

    static func render(_ error: VenueError) -> Response {
        json(
            ErrorBody(errors: [.init(code: error.code.uppercased(), message: error.message, field: error.field)]),
            status: .init(code: error.httpStatus))
    }

    struct TokenRequest: Decodable {
        let clientId: String
        let clientSecret: String
    }
    struct TokenReply: Encodable {
        let accessToken: String
        let tokenType: String
        let expiresIn: Int
    }

    struct OrderRequest: Decodable {
        let transactionId: String
        let symbol: String
        let side: String
        let timeInForce: String
        let expireDate: String?
        let type: String
        let quantity: String
        let limitPrice: String?
    }

    struct Execution: Encodable {
        let executionTs: String
        let fillQuantity: String
        let fillPrice: String
        let fee: String
    }

    struct OrderReply: Encodable {
        let id: String
        let transactionId: String
        let symbol: String
        let side: String
        let type: String
        let timeInForce: String
        let quantity: String
        let limitPrice: String?
        let status: String
        let filledQuantity: String
        let leavesQuantity: String
        let averagePrice: String?
        let cumulativeFee: String
        let executionHistory: [Execution]
        let createdAt: String
    }

    static func status(_ status: VenueOrder.Status) -> String {
        switch status {
        case .open: return "OPEN"
        case .partiallyFilled: return "PARTIALLY_FILLED"
        case .filled: return "FILLED"
        case .cancelled: return "CANCELED"
        case .expired: return "EXPIRED"
        }
    }

    static func reply(_ order: VenueOrder) -> OrderReply {
        OrderReply(
            id: order.id.description, transactionId: order.clientKey, symbol: order.symbol.rawValue,
            side: order.side == .buy ? "BUY" : "SELL", type: "LIMIT", timeInForce: order.timeInForce.kind.rawValue,
            quantity: order.quantity.description, limitPrice: order.limitPrice?.description,
            status: status(order.status),
            filledQuantity: order.filledQuantity.description, leavesQuantity: order.leavesQuantity.description,
            averagePrice: order.averagePrice?.description, cumulativeFee: order.totalCharges.description,
            executionHistory: order.fills.map {
                Execution(
                    executionTs: $0.time.iso8601, fillQuantity: $0.quantity.description,
                    fillPrice: $0.price.description,
                    fee: Money(rawValue: $0.fee.rawValue + $0.commission.rawValue + $0.tax.rawValue).description)
            },
            createdAt: order.createdAt.iso8601)
    }

    /// The owner behind `x-apikey` and a valid bearer token issued to that key.
    static func authenticate(_ request: Request, _ context: DialectContext) async throws(VenueError) -> String {
        guard let key = header(request, "x-apikey"), key == context.credentials.keyID else {
            throw VenueError(.unauthorized, code: "unauthorized", "x-apikey is missing or unknown")
        }
        guard let authorization = header(request, "Authorization"), authorization.hasPrefix("Bearer "),
            let owner = await context.tokens.owner(of: String(authorization.dropFirst(7))), owner == key
        else {
            throw VenueError(
                .unauthorized, code: "unauthorized", "a valid bearer token from POST /auth/v1/api/token is required")
        }
        return owner
    }

    static func parse(_ body: OrderRequest) throws(VenueError) -> VenueOrderRequest {
        guard !body.transactionId.isEmpty, body.transactionId.count <= 64 else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "transactionId", "transactionId must be 1 to 64 characters")
        }
        let side: Side
        switch body.side.uppercased() {
        case "BUY": side = .buy
        case "SELL": side = .sell
        default: throw VenueError(.badRequest, code: "invalid_field", field: "side", "side must be BUY or SELL")
        }
        guard body.type.uppercased() == "LIMIT" else {
            throw VenueError(.badRequest, code: "invalid_field", field: "type", "type must be LIMIT")
        }
        guard let limitText = body.limitPrice else {
            throw VenueError(
                .badRequest, code: "missing_field", field: "limitPrice", "limitPrice is required for a LIMIT order")
        }
        let timeInForce: TimeInForce
        switch body.timeInForce.uppercased() {
        case "DAY": timeInForce = .day
        case "GTC": timeInForce = .goodTillCancelled
        case "GTD":
            guard let text = body.expireDate, let date = CalendarDate(text) else {
                throw VenueError(
                    .badRequest, code: "invalid_field", field: "expireDate", "GTD needs expireDate as YYYY-MM-DD")
            }
            // Good through the whole expiry date (UTC).
            timeInForce = .goodTillDate(date.adding(days: 1).start)
        default:
            throw VenueError(
                .badRequest, code: "invalid_field", field: "timeInForce", "timeInForce must be DAY, GTC or GTD")
        }
        let quantity = try decimal(body.quantity, Quantity.self, field: "quantity")
        let price = try decimal(limitText, Price.self, field: "limitPrice")
        guard quantity.isPositive else {
            throw VenueError(.badRequest, code: "invalid_field", field: "quantity", "quantity must be positive")
        }
        guard price.isPositive else {
            throw VenueError(.badRequest, code: "invalid_field", field: "limitPrice", "limitPrice must be positive")
        }
        return VenueOrderRequest(
            clientKey: body.transactionId, symbol: try symbol(body.symbol, field: "symbol"), side: side,
            type: .limit, limitPrice: price, quantity: quantity, timeInForce: timeInForce)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition

        router.post(
            "/auth/v1/api/token",
            use: guarded(render) { request, _ in
                let body = try await decodeBody(request, as: TokenRequest.self)
                guard body.clientId == context.credentials.keyID, body.clientSecret == context.credentials.secret else {
                    throw VenueError(.unauthorized, code: "invalid_credentials", "clientId or clientSecret is wrong")
                }
                return json(
                    TokenReply(
                        accessToken: await context.tokens.issue(for: body.clientId), tokenType: "Bearer",
                        expiresIn: 3_600))
            })

        router.get(
            "/markets/v1/instruments",
            use: guarded(render) { request, _ in
                _ = try await authenticate(request, context)
                return json(venue.listings.map(InstrumentView.init))
            })

        router.get(
            "/markets/v1/schedules",
            use: guarded(render) { request, _ in
                _ = try await authenticate(request, context)
                let now = context.clock.now()
                return json(
                    ScheduleView(
                        timeZone: venue.timeZone,
                        sessions: venue.sessions.map {
                            .init(
                                name: $0.name, start: $0.start.description, end: $0.end.description,
                                days: $0.days.map(\.rawValue))
                        },
                        currentSession: venue.session(at: now)?.name ?? "CLOSED", asOf: now.iso8601))
            })

        router.get(
            "/markets/v1/mdt/public-snapshots/{symbol}",
            use: guarded(render) { request, requestContext in
                _ = try await authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("symbol") ?? "", field: "symbol")
                let book = try await engine.book(symbol)
                let top = book.topOfBook
                let depth = book.depth(levels: 1_000)
                func total(_ levels: [LevelSummary]) -> String {
                    Quantity(rawValue: levels.reduce(0) { $0 + $1.quantity.rawValue }).description
                }
                return json(
                    SnapshotView(
                        symbol: symbol.rawValue, bidPrice: top.bid?.price.description,
                        bidQuantity: top.bid?.quantity.description,
                        bidQtyBookTotal: total(depth.bids), askPrice: top.ask?.price.description,
                        askQuantity: top.ask?.quantity.description,
                        askQtyBookTotal: total(depth.asks), lastPrice: await engine.lastTradePrice(symbol)?.description,
                        volume: await engine.tradedVolume(symbol).description, timestamp: context.clock.now().iso8601,
                        sequence: top.sequence))
            })

        router.get(
            "/markets/v1/mdt/depth/{symbol}",
            use: guarded(render) { request, requestContext in
                _ = try await authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("symbol") ?? "", field: "symbol")
                let levels = try levelsParameter(request)
                let since = try sinceParameter(request)
                let view = DepthView(try await engine.book(symbol), levels: levels)
                let changed = since.map { $0 != view.sequence } ?? true
                return json(
                    DepthReply(
                        symbol: symbol.rawValue, sequence: view.sequence, changed: changed,
                        bids: changed ? view.bids.map { [$0.price.description, $0.quantity.description] } : nil,
                        asks: changed ? view.asks.map { [$0.price.description, $0.quantity.description] } : nil,
                        timestamp: context.clock.now().iso8601))
            })

        router.get(
            "/trading/v1/fee",
            use: guarded(render) { request, _ in
                _ = try await authenticate(request, context)
                let query = request.uri.queryParameters
                guard let priceText = query.get("price") else {
                    throw VenueError(.badRequest, code: "missing_field", field: "price", "price is required")
                }
                guard let quantityText = query.get("quantity") else {
                    throw VenueError(.badRequest, code: "missing_field", field: "quantity", "quantity is required")
                }
                let price = try decimal(priceText, Price.self, field: "price")
                let quantity = try decimal(quantityText, Quantity.self, field: "quantity")
                let side: Side = query.get("side")?.uppercased() == "SELL" ? .sell : .buy
                let quote = engine.feeQuote(side: side, price: price, quantity: quantity)
                return json(
                    FeeReply(
                        price: price.description, quantity: quantity.description,
                        fee: Money(rawValue: quote.fee.rawValue + quote.commission.rawValue + quote.tax.rawValue)
                            .description))
            })

        router.post(
            "/trading/v1/accounts/{accountId}/orders",
            use: guarded(render) { request, requestContext in
                let owner = try await authenticate(request, context)
                guard requestContext.parameters.get("accountId") == owner else {
                    throw VenueError(
                        .notFound, code: "account_not_found",
                        "no account \(requestContext.parameters.get("accountId") ?? "") for this key")
                }
                let order = try parse(try await decodeBody(request, as: OrderRequest.self))
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed), status: replayed ? .ok : .created)
            })

        router.get(
            "/trading/v1/accounts/{accountId}/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try await authenticate(request, context)
                guard requestContext.parameters.get("accountId") == owner else {
                    throw VenueError(.notFound, code: "account_not_found", "no such account")
                }
                return json(
                    reply(try await engine.order(try orderID(requestContext.parameters.get("orderId")), owner: owner)))
            })

        router.delete(
            "/trading/v1/accounts/{accountId}/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try await authenticate(request, context)
                guard requestContext.parameters.get("accountId") == owner else {
                    throw VenueError(.notFound, code: "account_not_found", "no such account")
                }
                do {
                    let order = try await engine.cancel(
                        try orderID(requestContext.parameters.get("orderId")), owner: owner)
                    return json(
                        CancelReply(
                            id: order.id.description, status: "CANCEL_REQUESTED", finalStatus: status(order.status)),
                        status: .accepted)
                } catch let error as VenueError where error.kind == .notCancellable {
                    throw VenueError(.notCancellable, code: "CANCEL_REJECTED", error.message)
                }
            })
    }

    struct InstrumentView: Encodable {
        let symbol: String, tickSize: String, lotSize: String, minQuantity: String, maxQuantity: String
        let minOrderValue: String, priceBandPercent: String, referencePrice: String
        init(_ listing: VenueDefinition.Listing) {
            symbol = listing.symbol.rawValue
            tickSize = listing.tickSize.description
            lotSize = listing.lotSize.description
            minQuantity = listing.minimumQuantity.description
            maxQuantity = listing.maximumOrderQuantity.description
            minOrderValue = listing.minimumOrderValue.description
            priceBandPercent = listing.priceBandPercent.description
            referencePrice = listing.referencePrice.description
        }
    }

    struct ScheduleView: Encodable {
        struct Session: Encodable {
            let name: String
            let start: String
            let end: String
            let days: [String]
        }
        let timeZone: String
        let sessions: [Session]
        let currentSession: String
        let asOf: String
    }

    struct SnapshotView: Encodable {
        let symbol: String
        let bidPrice: String?, bidQuantity: String?, bidQtyBookTotal: String
        let askPrice: String?, askQuantity: String?, askQtyBookTotal: String
        let lastPrice: String?, volume: String, timestamp: String, sequence: UInt64
    }

    struct DepthReply: Encodable {
        let symbol: String, sequence: UInt64, changed: Bool
        let bids: [[String]]?, asks: [[String]]?
        let timestamp: String
    }

    struct FeeReply: Encodable {
        let price: String
        let quantity: String
        let fee: String
    }
    struct CancelReply: Encodable {
        let id: String
        let status: String
        let finalStatus: String
    }
}
