import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// Openfinance: HTTP Basic, `{"ok": …}` envelopes, markets `SYMBOL-USD`, GTC/IOC/FOK.
public final class OpenfinanceAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let authorization: String

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        authorization = "Basic " + Data("\(credentials.keyID):\(credentials.secret)".utf8).base64EncodedString()
    }

    struct ErrorBody: Decodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // Openfinance names the field `error_code` on the wire.
        let error_code: String
        let error: String
        let field: String?
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data)).map { ($0.error_code, $0.error, $0.field) }
    }

    struct Market: Decodable {
        let symbol: String
        let tick: String
        let lot: String
        let minSize: String
        let maxSize: String
    }
    struct Book: Decodable {
        let version: UInt64
        let modified: Bool
        let bids: [[String]]?
        let asks: [[String]]?
    }
    struct Trade: Decodable {
        let tradeId: String
        let amount: String
        let price: String
        let fee: String
    }
    struct Order: Decodable {
        let id: String, idempotencyKey: String, amount: String, status: String, filledAmount: String
        let averagePrice: String?, trades: [Trade]
    }
    struct Fee: Decodable { let chargedAmount: String }
    struct Reply: Decodable {
        let order: Order
        let fee: Fee
    }

    var headers: [(String, String)] { [("Authorization", authorization)] }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode([Market].self, try await http.send(.GET, "/of/v1/markets", headers: headers), what: "markets")
            .map { item in
                VenueInstrument(
                    symbol: try http.symbol(item.symbol, field: "symbol"),
                    tickSize: try http.decimal(item.tick, Price.self, field: "tick"),
                    lotSize: try http.decimal(item.lot, Quantity.self, field: "lot"),
                    minimumQuantity: try http.decimal(item.minSize, Quantity.self, field: "minSize"),
                    maximumQuantity: try http.decimal(item.maxSize, Quantity.self, field: "maxSize"))
            }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let query = http.bookQuery(levels: count, since: since, named: "since")
        let book = try http.decode(
            Book.self,
            try await http.send(
                .GET, "/of/v1/markets/\(symbol)-USD/orderbook", query: query,
                headers: headers), what: "orderbook")
        guard book.modified else { return .unchanged(sequence: book.version) }
        return .changed(
            sequence: book.version, bids: try levels(book.bids, http: http, field: "bids"),
            asks: try levels(book.asks, http: http, field: "asks"))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let tif: String
        switch child.timeInForce {
        case .ioc: tif = "IOC"
        case .fok: tif = "FOK"
        case .day, .gtc, .gtd: tif = "GTC"
        }
        let body = try http.encode([
            "idempotencyKey": child.clientKey, "market": "\(child.symbol)-USD",
            "direction": child.side == .buy ? "BUY" : "SELL",
            "orderType": "LIMIT", "amount": child.quantity.description, "price": child.limitPrice.description,
            "timeInForce": tif,
        ])
        return try state(try await http.send(.POST, "/of/v1/orders", headers: headers, body: body))
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.GET, "/of/v1/orders/\(venueOrderID)", headers: headers))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.DELETE, "/of/v1/orders/\(venueOrderID)", headers: headers))
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let reply = try http.decode(Reply.self, data, what: "order")
        let order = reply.order
        let status: VenueOrderState.Status
        switch order.status {
        case "OPEN": status = .open
        case "PARTIAL": status = .partiallyFilled
        case "FILLED": status = .filled
        case "CANCELLED": status = .cancelled
        case "EXPIRED": status = .expired
        default: throw http.unknownStatus(order.status)
        }
        return VenueOrderState(
            venueOrderID: order.id, clientKey: order.idempotencyKey, status: status,
            quantity: try http.decimal(order.amount, Quantity.self, field: "amount"),
            filledQuantity: try http.decimal(order.filledAmount, Quantity.self, field: "filledAmount"),
            averagePrice: try order.averagePrice.map { try http.decimal($0, Price.self, field: "averagePrice") },
            fees: try http.decimal(reply.fee.chargedAmount, Money.self, field: "fee.chargedAmount"),
            fills: try order.trades.map { trade in
                VenueFill(
                    id: trade.tradeId, quantity: try http.decimal(trade.amount, Quantity.self, field: "trades.amount"),
                    price: try http.decimal(trade.price, Price.self, field: "trades.price"),
                    fee: try http.decimal(trade.fee, Money.self, field: "trades.fee"))
            })
    }
}
