import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// Texture: a periodic call auction. `X-API-Key`/`X-API-Secret`, bids and offers with a duration
/// (day, gtc, ioc = the next auction only), an indicative uncross between auctions.
public final class TextureAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let credentials: VenueCredentials

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        self.credentials = credentials
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let type: String
            let detail: String
            let param: String?
        }
        let error: Detail
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data)).map { ($0.error.type, $0.error.detail, $0.error.param) }
    }

    struct Instrument: Decodable {
        let symbol: String, tick: String, lot: String, minQty: String, maxQty: String, minNotional: String
        let bandPct: String, referencePx: String
    }
    struct Level: Decodable {
        let px: String
        let qty: String
    }
    struct Book: Decodable {
        let seq: UInt64
        let unchanged: Bool
        let bids: [Level]?
        let offers: [Level]?
    }
    struct Indicative: Decodable {
        let price: String?
        let matchedQty: String
        let nextAuction: String?
    }
    struct Fill: Decodable {
        let fillId: String
        let qty: String
        let px: String
        let fee: String
    }
    struct Order: Decodable {
        let orderId: String, clientRef: String, qty: String, state: String, matchedQty: String
        let averagePx: String?, fees: String, fills: [Fill]
    }

    var headers: [(String, String)] { [("X-API-Key", credentials.keyID), ("X-API-Secret", credentials.secret)] }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode(
            [Instrument].self, try await http.send(.GET, "/api/v2/instruments", headers: headers), what: "instruments"
        )
        .map { item in
            VenueInstrument(
                symbol: try http.symbol(item.symbol, field: "symbol"),
                tickSize: try http.decimal(item.tick, Price.self, field: "tick"),
                lotSize: try http.decimal(item.lot, Quantity.self, field: "lot"),
                minimumQuantity: try http.decimal(item.minQty, Quantity.self, field: "minQty"),
                maximumQuantity: try http.decimal(item.maxQty, Quantity.self, field: "maxQty"),
                minimumOrderValue: try http.decimal(item.minNotional, Money.self, field: "minNotional"),
                priceBandPercent: try http.decimal(item.bandPct, BasisPoints.self, field: "bandPct"),
                referencePrice: try http.decimal(item.referencePx, Price.self, field: "referencePx"))
        }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let query = http.bookQuery(levels: count, since: since, named: "since")
        let book = try http.decode(
            Book.self, try await http.send(.GET, "/api/v2/books/\(symbol)", query: query, headers: headers),
            what: "book")
        if book.unchanged { return .unchanged(sequence: book.seq) }
        return .changed(
            sequence: book.seq, bids: try levels(book.bids?.map { [$0.px, $0.qty] }, http: http, field: "bids"),
            asks: try levels(book.offers?.map { [$0.px, $0.qty] }, http: http, field: "offers"))
    }

    public func indicative(_ symbol: Symbol) async throws -> AuctionIndicative? {
        let reply = try http.decode(
            Indicative.self, try await http.send(.GET, "/api/v2/auctions/\(symbol)/indicative", headers: headers),
            what: "indicative")
        return AuctionIndicative(
            price: try reply.price.map { try http.decimal($0, Price.self, field: "price") },
            matchedQuantity: try http.decimal(reply.matchedQty, Quantity.self, field: "matchedQty"),
            nextAuction: reply.nextAuction)
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let duration: String
        switch child.timeInForce {
        case .ioc, .fok: duration = "ioc"
        case .day: duration = "day"
        case .gtc, .gtd: duration = "gtc"
        }
        let body = try http.encode([
            "clientRef": child.clientKey, "symbol": child.symbol.rawValue, "side": child.side == .buy ? "bid" : "offer",
            "qty": child.quantity.description, "limit": child.limitPrice.description, "duration": duration,
        ])
        return try state(try await http.send(.POST, "/api/v2/orders", headers: headers, body: body))
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.GET, "/api/v2/orders/\(venueOrderID)", headers: headers))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.DELETE, "/api/v2/orders/\(venueOrderID)", headers: headers))
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order")
        let status: VenueOrderState.Status
        switch order.state {
        case "collecting": status = .open
        case "partially_matched": status = .partiallyFilled
        case "matched": status = .filled
        case "withdrawn": status = .cancelled
        case "lapsed": status = .expired
        default: throw http.unknownStatus(order.state)
        }
        return VenueOrderState(
            venueOrderID: order.orderId, clientKey: order.clientRef, status: status,
            quantity: try http.decimal(order.qty, Quantity.self, field: "qty"),
            filledQuantity: try http.decimal(order.matchedQty, Quantity.self, field: "matchedQty"),
            averagePrice: try order.averagePx.map { try http.decimal($0, Price.self, field: "averagePx") },
            fees: try http.decimal(order.fees, Money.self, field: "fees"),
            fills: try order.fills.map { fill in
                VenueFill(
                    id: fill.fillId, quantity: try http.decimal(fill.qty, Quantity.self, field: "fills.qty"),
                    price: try http.decimal(fill.px, Price.self, field: "fills.px"),
                    fee: try http.decimal(fill.fee, Money.self, field: "fills.fee"))
            })
    }
}
