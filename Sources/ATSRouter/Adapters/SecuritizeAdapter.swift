import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// Securitize Markets: `Authorization: apiKey id:secret`, `clientOrderId` idempotency, GTC/IOC.
public final class SecuritizeAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let authorization: String

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        authorization = "apiKey \(credentials.keyID):\(credentials.secret)"
    }

    struct ErrorBody: Decodable {
        let message: String
        let code: String?
        let field: String?
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data)).map { ($0.code ?? "error", $0.message, $0.field) }
    }

    struct Asset: Decodable {
        let assetId: String, tickSize: String, lotSize: String, minimumQuantity: String, maximumQuantity: String
        let minimumOrderValue: String, referencePrice: String
    }
    struct Level: Decodable {
        let price: String
        let quantity: String
    }
    struct Book: Decodable {
        let sequence: UInt64
        let changed: Bool
        let bids: [Level]?
        let asks: [Level]?
    }
    struct Fill: Decodable {
        let id: String
        let quantity: String
        let price: String
        let fee: String
    }
    struct Order: Decodable {
        let orderId: String, clientOrderId: String, quantity: String, state: String, executedQuantity: String
        let averagePrice: String?, fees: String, fills: [Fill]
    }

    var headers: [(String, String)] { [("Authorization", authorization)] }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode([Asset].self, try await http.send(.GET, "/v1/assets", headers: headers), what: "assets").map {
            item in
            VenueInstrument(
                symbol: try http.symbol(item.assetId, field: "assetId"),
                tickSize: try http.decimal(item.tickSize, Price.self, field: "tickSize"),
                lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lotSize"),
                minimumQuantity: try http.decimal(item.minimumQuantity, Quantity.self, field: "minimumQuantity"),
                maximumQuantity: try http.decimal(item.maximumQuantity, Quantity.self, field: "maximumQuantity"),
                minimumOrderValue: try http.decimal(item.minimumOrderValue, Money.self, field: "minimumOrderValue"),
                referencePrice: try http.decimal(item.referencePrice, Price.self, field: "referencePrice"))
        }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let query = http.bookQuery(levels: count, since: since, named: "afterSequence")
        let book = try http.decode(
            Book.self, try await http.send(.GET, "/v1/assets/\(symbol)/book", query: query, headers: headers),
            what: "book")
        guard book.changed else { return .unchanged(sequence: book.sequence) }
        return .changed(
            sequence: book.sequence,
            bids: try levels(book.bids?.map { [$0.price, $0.quantity] }, http: http, field: "bids"),
            asks: try levels(book.asks?.map { [$0.price, $0.quantity] }, http: http, field: "asks"))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let body = try http.encode([
            "clientOrderId": child.clientKey, "assetId": child.symbol.rawValue, "side": child.side.rawValue,
            "quantity": child.quantity.description, "price": child.limitPrice.description,
            "timeInForce": child.timeInForce == .ioc || child.timeInForce == .fok ? "IOC" : "GTC",
        ])
        return try state(try await http.send(.POST, "/v1/orders", headers: headers, body: body))
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.GET, "/v1/orders/\(venueOrderID)", headers: headers))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.DELETE, "/v1/orders/\(venueOrderID)", headers: headers))
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order")
        let status: VenueOrderState.Status
        switch order.state {
        case "working": status = .open
        case "partially-executed": status = .partiallyFilled
        case "executed": status = .filled
        case "cancelled": status = .cancelled
        case "expired": status = .expired
        default: throw http.unknownStatus(order.state)
        }
        return VenueOrderState(
            venueOrderID: order.orderId, clientKey: order.clientOrderId, status: status,
            quantity: try http.decimal(order.quantity, Quantity.self, field: "quantity"),
            filledQuantity: try http.decimal(order.executedQuantity, Quantity.self, field: "executedQuantity"),
            averagePrice: try order.averagePrice.map { try http.decimal($0, Price.self, field: "averagePrice") },
            fees: try http.decimal(order.fees, Money.self, field: "fees"),
            fills: try order.fills.map { fill in
                VenueFill(
                    id: fill.id, quantity: try http.decimal(fill.quantity, Quantity.self, field: "fills.quantity"),
                    price: try http.decimal(fill.price, Price.self, field: "fills.price"),
                    fee: try http.decimal(fill.fee, Money.self, field: "fills.fee"))
            })
    }
}
