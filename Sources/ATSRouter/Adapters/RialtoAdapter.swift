import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// Rialto Markets (the project's own dialect: Rialto publishes no trading API): HTTP Basic,
/// `/api/v2`, money as `{amount, currency}`, the idempotency key in an `Idempotency-Key` header.
public final class RialtoAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let authorization: String

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        authorization = "Basic " + Data("\(credentials.keyID):\(credentials.secret)".utf8).base64EncodedString()
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

    struct Amount: Decodable {
        let amount: String
        let currency: String
    }
    struct Security: Decodable {
        let symbol: String, tickSize: String, lotSize: String, minimumQuantity: String, maximumQuantity: String
        let minimumOrderValue: Amount, referencePrice: Amount, priceBandPercent: String
    }
    struct Level: Decodable {
        let price: Amount
        let quantity: String
    }
    struct OrderBook: Decodable {
        let sequence: UInt64
        let modified: Bool
        let bids: [Level]
        let asks: [Level]
    }
    struct Execution: Decodable {
        let executionId: String, quantity: String, price: Amount, fee: Amount
    }
    struct Order: Decodable {
        let id: String, idempotencyKey: String, quantity: String, state: String, filledQuantity: String
        let averagePrice: Amount?, fees: Amount, executions: [Execution]
    }

    var headers: [(String, String)] { [("Authorization", authorization)] }

    /// A dollar amount; another currency is a malformed reply (every Rialto price is in USD).
    func dollars<T: FixedPointDecimal>(_ amount: Amount, _ type: T.Type, field: String) throws -> T {
        guard amount.currency == "USD" else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply",
                message: "\(field).currency is \(amount.currency), not USD")
        }
        return try http.decimal(amount.amount, type, field: "\(field).amount")
    }

    public func instruments() async throws -> [VenueInstrument] {
        let data = try await http.send(.GET, "/api/v2/securities", headers: headers)
        return try http.decode([Security].self, data, what: "securities", snakeCase: true).map { item in
            VenueInstrument(
                symbol: try http.symbol(item.symbol, field: "symbol"),
                tickSize: try http.decimal(item.tickSize, Price.self, field: "tick_size"),
                lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lot_size"),
                minimumQuantity: try http.decimal(item.minimumQuantity, Quantity.self, field: "minimum_quantity"),
                maximumQuantity: try http.decimal(item.maximumQuantity, Quantity.self, field: "maximum_quantity"),
                minimumOrderValue: try dollars(item.minimumOrderValue, Money.self, field: "minimum_order_value"),
                priceBandPercent: try http.decimal(
                    item.priceBandPercent, BasisPoints.self, field: "price_band_percent"),
                referencePrice: try dollars(item.referencePrice, Price.self, field: "reference_price"))
        }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        var query = [("depth", String(count))]
        if let since { query.append(("since", String(since))) }
        let book = try http.decode(
            OrderBook.self,
            try await http.send(.GET, "/api/v2/securities/\(symbol)/orderbook", query: query, headers: headers),
            what: "orderbook", snakeCase: true)
        guard book.modified else { return .unchanged(sequence: book.sequence) }
        func side(_ levels: [Level], _ field: String) throws -> [PlanLevel] {
            try levels.enumerated().map { index, level in
                PlanLevel(
                    price: try dollars(level.price, Price.self, field: "\(field)[\(index)].price"),
                    quantity: try http.decimal(level.quantity, Quantity.self, field: "\(field)[\(index)].quantity"))
            }
        }
        return .changed(sequence: book.sequence, bids: try side(book.bids, "bids"), asks: try side(book.asks, "asks"))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        struct Body: Encodable {
            let security: String, side: String, quantity: String
            let limitPrice: [String: String]
            let timeInForce: String
            enum CodingKeys: String, CodingKey {
                case security, side, quantity
                case limitPrice = "limit_price"
                case timeInForce = "time_in_force"
            }
        }
        let timeInForce: String
        switch child.timeInForce {
        case .ioc, .fok: timeInForce = "ioc"
        case .day: timeInForce = "day"
        default: timeInForce = "gtc"
        }
        let body = try http.encode(
            Body(
                security: child.symbol.rawValue, side: child.side.rawValue, quantity: child.quantity.description,
                limitPrice: ["amount": child.limitPrice.description, "currency": "USD"], timeInForce: timeInForce))
        return try state(
            try await http.send(
                .POST, "/api/v2/orders", headers: headers + [("Idempotency-Key", child.clientKey)], body: body))
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.GET, "/api/v2/orders/\(venueOrderID)", headers: headers))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await http.send(.POST, "/api/v2/orders/\(venueOrderID)/cancel", headers: headers))
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order", snakeCase: true)
        let status: VenueOrderState.Status
        switch order.state {
        case "open": status = .open
        case "partially_filled": status = .partiallyFilled
        case "filled": status = .filled
        case "canceled": status = .cancelled
        case "expired": status = .expired
        default: throw http.unknownStatus(order.state)
        }
        return VenueOrderState(
            venueOrderID: order.id, clientKey: order.idempotencyKey, status: status,
            quantity: try http.decimal(order.quantity, Quantity.self, field: "quantity"),
            filledQuantity: try http.decimal(order.filledQuantity, Quantity.self, field: "filled_quantity"),
            averagePrice: try order.averagePrice.map { try dollars($0, Price.self, field: "average_price") },
            fees: try dollars(order.fees, Money.self, field: "fees"),
            fills: try order.executions.map { execution in
                VenueFill(
                    id: execution.executionId,
                    quantity: try http.decimal(execution.quantity, Quantity.self, field: "executions.quantity"),
                    price: try dollars(execution.price, Price.self, field: "executions.price"),
                    fee: try dollars(execution.fee, Money.self, field: "executions.fee"))
            })
    }
}
