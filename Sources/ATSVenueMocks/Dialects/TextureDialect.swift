import ATSDomain
import ATSMatching
import ATSVenues
import Foundation
import Hummingbird

/// Texture-style (the project's design; Texture publishes no API shapes): a periodic call-auction
/// venue that exposes its auction schedule and the indicative uncross. `X-API-Key` and
/// `X-API-Secret` headers; orders are bids and offers with a `duration`; errors
/// `{"error": {"type", "detail", "param"}}`.
enum TextureDialect {
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

    struct OrderRequest: Decodable {
        let clientRef: String
        let symbol: String
        let side: String
        let qty: String
        let limit: String
        let duration: String
    }

    struct Fill: Encodable {
        let fillId: String
        let qty: String
        let px: String
        let fee: String
        let at: String
    }

    struct OrderReply: Encodable {
        let orderId: String, clientRef: String, symbol: String, side: String, qty: String, limit: String?
        let duration: String, state: String, matchedQty: String, openQty: String, averagePx: String?, fees: String
        let fills: [Fill], submittedAt: String
    }

    struct Level: Encodable {
        let px: String
        let qty: String
    }
    struct Instrument: Encodable {
        let symbol: String, tick: String, lot: String, minQty: String, maxQty: String, minNotional: String
        let bandPct: String, referencePx: String
    }
    struct BookReply: Encodable {
        let symbol: String
        let seq: UInt64
        let unchanged: Bool
        let bids: [Level]?
        let offers: [Level]?
    }

    struct ScheduleReply: Encodable {
        let timeZone: String, intervalMinutes: Int, first: String, last: String, days: [String]
        let inSession: Bool, nextAuction: String?
    }

    struct IndicativeReply: Encodable {
        let symbol: String, price: String?, matchedQty: String, bidQty: String, offerQty: String
        let imbalance: String, imbalanceSide: String?, nextAuction: String?, seq: UInt64
    }

    static func reply(_ order: VenueOrder) -> OrderReply {
        let state: String
        switch order.status {
        case .open: state = "collecting"
        case .partiallyFilled: state = "partially_matched"
        case .filled: state = "matched"
        case .cancelled: state = "withdrawn"
        case .expired: state = "lapsed"
        }
        return OrderReply(
            orderId: order.id.description, clientRef: order.clientKey, symbol: order.symbol.rawValue,
            side: order.side == .buy ? "bid" : "offer", qty: order.quantity.description,
            limit: order.limitPrice?.description,
            duration: order.timeInForce.kind.rawValue.lowercased(), state: state,
            matchedQty: order.filledQuantity.description,
            openQty: order.leavesQuantity.description, averagePx: order.averagePrice?.description,
            fees: order.totalCharges.description,
            fills: order.fills.map {
                Fill(
                    fillId: $0.id, qty: $0.quantity.description, px: $0.price.description,
                    fee: $0.fee.description, at: $0.time.iso8601)
            },
            submittedAt: order.createdAt.iso8601)
    }

    static func authenticate(_ request: Request, _ context: DialectContext) throws(VenueError) -> String {
        guard header(request, "X-API-Key") == context.credentials.keyID,
            header(request, "X-API-Secret") == context.credentials.secret
        else {
            throw VenueError(.unauthorized, code: "unauthorized", "X-API-Key and X-API-Secret are missing or wrong")
        }
        return context.credentials.keyID
    }

    static func install(on router: Router<BasicRequestContext>, _ context: DialectContext) {
        let engine = context.engine
        let venue = engine.definition

        router.get(
            "/api/v2/instruments",
            use: guarded(render) { request, _ in
                _ = try authenticate(request, context)
                return json(
                    venue.listings.map {
                        Instrument(
                            symbol: $0.symbol.rawValue, tick: $0.tickSize.description, lot: $0.lotSize.description,
                            minQty: $0.minimumQuantity.description, maxQty: $0.maximumOrderQuantity.description,
                            minNotional: $0.minimumOrderValue.description, bandPct: $0.priceBandPercent.description,
                            referencePx: $0.referencePrice.description)
                    })
            })

        router.get(
            "/api/v2/auctions/schedule",
            use: guarded(render) { request, _ in
                _ = try authenticate(request, context)
                let now = context.clock.now()
                guard let schedule = venue.matching.auction else {
                    throw VenueError(.notFound, code: "no_auctions", "\(venue.name) runs no auctions")
                }
                return json(
                    ScheduleReply(
                        timeZone: venue.timeZone, intervalMinutes: schedule.intervalMinutes,
                        first: schedule.first.description,
                        last: schedule.last.description, days: venue.sessions.first?.days.map(\.rawValue) ?? [],
                        inSession: venue.session(at: now) != nil, nextAuction: engine.nextAuction(after: now)?.iso8601))
            })

        router.get(
            "/api/v2/auctions/{symbol}/indicative",
            use: guarded(render) { request, requestContext in
                _ = try authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("symbol") ?? "", field: "symbol")
                let book = try await engine.book(symbol)
                let indication = book.indicativeUncross()
                return json(
                    IndicativeReply(
                        symbol: symbol.rawValue, price: indication?.price.description,
                        matchedQty: (indication?.matchedVolume ?? .zero).description,
                        bidQty: (indication?.buyVolume ?? .zero).description,
                        offerQty: (indication?.sellVolume ?? .zero).description,
                        imbalance: (indication?.imbalance ?? .zero).description,
                        imbalanceSide: indication?.imbalanceSide.map { $0 == .buy ? "bid" : "offer" },
                        nextAuction: engine.nextAuction(after: context.clock.now())?.iso8601, seq: book.sequence))
            })

        router.get(
            "/api/v2/books/{symbol}",
            use: guarded(render) { request, requestContext in
                _ = try authenticate(request, context)
                let symbol = try symbol(requestContext.parameters.get("symbol") ?? "", field: "symbol")
                let view = DepthView(try await engine.book(symbol), levels: try levelsParameter(request))
                let unchanged = try sinceParameter(request, name: "since").map { $0 == view.sequence } ?? false
                func levels(_ side: [LevelSummary]) -> [Level] {
                    side.map { Level(px: $0.price.description, qty: $0.quantity.description) }
                }
                return json(
                    BookReply(
                        symbol: symbol.rawValue, seq: view.sequence, unchanged: unchanged,
                        bids: unchanged ? nil : levels(view.bids), offers: unchanged ? nil : levels(view.asks)))
            })

        router.post(
            "/api/v2/orders",
            use: guarded(render) { request, _ in
                let owner = try authenticate(request, context)
                let body = try await decodeBody(request, as: OrderRequest.self)
                guard !body.clientRef.isEmpty, body.clientRef.count <= 64 else {
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "clientRef", "clientRef must be 1 to 64 characters")
                }
                let side: Side
                switch body.side.lowercased() {
                case "bid": side = .buy
                case "offer": side = .sell
                default:
                    throw VenueError(.badRequest, code: "invalid_field", field: "side", "side must be bid or offer")
                }
                let timeInForce: TimeInForce
                switch body.duration.lowercased() {
                case "day": timeInForce = .day
                case "gtc": timeInForce = .goodTillCancelled
                case "ioc": timeInForce = .immediateOrCancel
                default:
                    throw VenueError(
                        .badRequest, code: "invalid_field", field: "duration",
                        "duration must be day, gtc or ioc (ioc: the next auction only)")
                }
                let quantity = try decimal(body.qty, Quantity.self, field: "qty")
                let limit = try decimal(body.limit, Price.self, field: "limit")
                guard quantity.isPositive else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "qty", "qty must be positive")
                }
                guard limit.isPositive else {
                    throw VenueError(.badRequest, code: "invalid_field", field: "limit", "limit must be positive")
                }
                let order = VenueOrderRequest(
                    clientKey: body.clientRef, symbol: try symbol(body.symbol, field: "symbol"), side: side,
                    type: .limit, limitPrice: limit, quantity: quantity, timeInForce: timeInForce)
                let (placed, replayed) = try await engine.submit(order, owner: owner)
                return json(reply(placed), status: replayed ? .ok : .created)
            })

        router.get(
            "/api/v2/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.order(try orderID(requestContext.parameters.get("orderId")), owner: owner)))
            })

        router.delete(
            "/api/v2/orders/{orderId}",
            use: guarded(render) { request, requestContext in
                let owner = try authenticate(request, context)
                return json(
                    reply(try await engine.cancel(try orderID(requestContext.parameters.get("orderId")), owner: owner)))
            })
    }
}
