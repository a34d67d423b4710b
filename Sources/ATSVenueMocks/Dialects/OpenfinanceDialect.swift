import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// Openfinance-style (the project's design; the venue publishes no API shapes): HTTP Basic auth,
/// `{"ok": ...}` envelopes, markets named `SYMBOL-USD`, stop orders (`STOP` with `stopPrice`, held
/// until the last trade reaches it, then sent as a market order), and the fee quoted in every order
/// reply (buyer and seller rates differ).
enum OpenfinanceDialect {
    struct ErrorBody: Encodable {
        let ok: Bool
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // Openfinance names the field `error_code` on the wire.
        let error_code: String
        let error: String
        let field: String?
    }

    static func render(_ error: VenueError) -> Response {
        json(
            ErrorBody(ok: false, error_code: error.code, error: error.message, field: error.field),
            status: .init(code: error.httpStatus))
    }

    struct OrderRequest: Decodable {
        let idempotencyKey: String
        let market: String
        let direction: String
        let orderType: String
        let amount: String
        let price: String?
        let stopPrice: String?
        let timeInForce: String
    }

    struct Trade: Encodable {
        let tradeId: String
        let amount: String
        let price: String
        let fee: String
        let time: String
    }
    struct Fee: Encodable {
        let ratePct: String
        let quotedAmount: String
        let chargedAmount: String
        let currency: String
    }

    struct Order: Encodable {
        let id: String, idempotencyKey: String, market: String, direction: String, orderType: String, amount: String
        let price: String?, stopPrice: String?, triggered: Bool?, timeInForce: String, status: String,
            filledAmount: String
        let remainingAmount: String
        let averagePrice: String?, trades: [Trade], createdAt: String
    }

    struct OrderReply: Encodable {
        let ok: Bool
        let order: Order
        let fee: Fee
    }

    struct Market: Encodable {
        let market: String, symbol: String, tick: String, lot: String, minSize: String, maxSize: String
        let feeBuyerPct: String, feeSellerPct: String
    }

    struct BookReply: Encodable {
        let ok: Bool
        let market: String
        let version: UInt64
        let modified: Bool
        let bids: [[String]]?
        let asks: [[String]]?
    }

    static func percent(_ bps: BasisPoints) -> String {
        (try? bps.scaled(numerator: 1, denominator: 100, rounding: .halfEven))?.description ?? bps.description
    }

    static func reply(_ order: VenueOrder, venue: VenueDefinition, engine: VenueEngine) -> OrderReply {
        let status: String
        switch order.status {
        case .open: status = "OPEN"
        case .partiallyFilled: status = "PARTIAL"
        case .filled: status = "FILLED"
        case .cancelled: status = "CANCELLED"
        case .expired: status = "EXPIRED"
        }
        let rate = order.side == .buy ? venue.fees.buyerBps : venue.fees.sellerBps
        let quotePrice = order.limitPrice ?? order.averagePrice ?? venue.listing(order.symbol)?.referencePrice ?? .zero
        let quote = engine.feeQuote(side: order.side, price: quotePrice, quantity: order.quantity)
        return OrderReply(
            ok: true,
            order: Order(
                id: order.id.description, idempotencyKey: order.clientKey, market: "\(order.symbol)-USD",
                direction: order.side == .buy ? "BUY" : "SELL", orderType: order.type.rawValue.uppercased(),
                amount: order.quantity.description, price: order.limitPrice?.description,
                stopPrice: order.triggerPrice?.description, triggered: order.type == .stop ? order.isTriggered : nil,
                timeInForce: order.timeInForce.kind.rawValue, status: status,
                filledAmount: order.filledQuantity.description,
                remainingAmount: order.leavesQuantity.description, averagePrice: order.averagePrice?.description,
                trades: order.fills.map {
                    Trade(
                        tradeId: $0.id, amount: $0.quantity.description,
                        price: $0.price.description, fee: $0.fee.description, time: $0.time.iso8601)
                },
                createdAt: order.createdAt.iso8601),
            fee: Fee(
                ratePct: percent(rate), quotedAmount: quote.fee.description,
                chargedAmount: order.totalCharges.description, currency: "USD"))
    }

    static func authenticate(_ request: Request, _ context: DialectContext) throws(VenueError) -> String {
        guard let authorization = header(request, "Authorization"), authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).flatMap({
                String(data: $0, encoding: .utf8)
            }),
            decoded == "\(context.credentials.keyID):\(context.credentials.secret)"
        else {
            throw VenueError(.unauthorized, code: "unauthorized", "send HTTP Basic credentials (key:secret)")
        }
        return context.credentials.keyID
    }

    static func market(_ text: String, field: String) throws(VenueError) -> Symbol {
        let name = text.hasSuffix("-USD") ? String(text.dropLast(4)) : text
        return try symbol(name, field: field)
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition

        router.get(
            "/of/v1/markets",
            use: guarded(render) { request, _ in
                _ = try authenticate(request, context)
                return json(
                    venue.listings.map {
                        Market(
                            market: "\($0.symbol)-USD", symbol: $0.symbol.rawValue, tick: $0.tickSize.description,
                            lot: $0.lotSize.description,
                            minSize: $0.minimumQuantity.description, maxSize: $0.maximumOrderQuantity.description,
                            feeBuyerPct: percent(venue.fees.buyerBps), feeSellerPct: percent(venue.fees.sellerBps))
                    })
            })

        router.get(
            "/of/v1/markets/{market}/orderbook",
            use: guarded(render) { request, requestContext in
                _ = try authenticate(request, context)
                let symbol = try market(requestContext.parameters.get("market") ?? "", field: "market")
                let view = DepthView(try await engine.book(symbol), levels: try levelsParameter(request))
                let modified = try sinceParameter(request, name: "since").map { $0 != view.sequence } ?? true
                return json(
                    BookReply(
                        ok: true, market: "\(symbol)-USD", version: view.sequence, modified: modified,
                        bids: modified ? view.bids.map { [$0.price.description, $0.quantity.description] } : nil,
                        asks: modified ? view.asks.map { [$0.price.description, $0.quantity.description] } : nil))
            })

        router.post(
            "/of/v1/orders",
            use: guarded(render) { request, _ in
                let owner = try authenticate(request, context)
                let body = try await decodeBody(request, as: OrderRequest.self)
                guard !body.idempotencyKey.isEmpty, body.idempotencyKey.count <= 64 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "idempotencyKey",
                        "idempotencyKey must be 1 to 64 characters")
                }
                let side: Side
                switch body.direction.uppercased() {
                case "BUY": side = .buy
                case "SELL": side = .sell
                default:
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "direction", "direction must be BUY or SELL")
                }
                guard let type = OrderType.Kind(rawValue: body.orderType.lowercased()), type != .stopLimit else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "orderType",
                        "orderType must be MARKET, LIMIT or STOP")
                }
                guard let kind = TimeInForce.Kind(caseInsensitive: body.timeInForce), kind != .day, kind != .gtd else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "timeInForce", "timeInForce must be GTC, IOC or FOK")
                }
                let timeInForce: TimeInForce =
                    kind == .gtc ? .goodTillCancelled : kind == .ioc ? .immediateOrCancel : .fillOrKill
                let amount = try decimal(body.amount, Quantity.self, field: "amount")
                guard amount.isPositive else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "amount", "amount must be positive")
                }
                var price: Price?
                if type == .limit {
                    guard let text = body.price else {
                        throw VenueError(
                            .badRequest, code: "missing_field", field: "price", "a LIMIT order needs a price")
                    }
                    price = try decimal(text, Price.self, field: "price")
                    guard price!.isPositive else {
                        throw VenueError(.badRequest, code: "invalid_field", field: "price", "price must be positive")
                    }
                }
                if type == .market && timeInForce == .goodTillCancelled {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "timeInForce", "a MARKET order must be IOC or FOK")
                }
                var trigger: Price?
                if type == .stop {
                    guard let text = body.stopPrice else {
                        throw VenueError(
                            .badRequest, code: "missing_field", field: "stopPrice", "a STOP order needs a stopPrice")
                    }
                    trigger = try decimal(text, Price.self, field: "stopPrice")
                    guard timeInForce == .goodTillCancelled else {
                        throw VenueError(
                            .badRequest, code: "invalid_field", field: "timeInForce",
                            "a STOP order waits for its trigger: use GTC")
                    }
                }
                let order = VenueOrderRequest(
                    clientKey: body.idempotencyKey, symbol: try market(body.market, field: "market"), side: side,
                    type: type, limitPrice: price, quantity: amount, timeInForce: timeInForce, triggerPrice: trigger)
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed, venue: venue, engine: engine), status: replayed ? .ok : .created)
            })

        router.get(
            "/of/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(
                        try await engine.order(try orderID(requestContext.parameters.get("orderId")), owner: owner),
                        venue: venue, engine: engine))
            })

        router.delete(
            "/of/v1/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(
                        try await engine.cancel(try orderID(requestContext.parameters.get("orderId")), owner: owner),
                        venue: venue, engine: engine))
            })
    }
}
