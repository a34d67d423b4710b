import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// tZERO: token login, `x-apikey` plus bearer token, `transactionId` idempotency, DAY/GTC/GTD only.
public final class TZeroAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let credentials: VenueCredentials
    let session: TokenSession

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        self.credentials = credentials
        session = TokenSession(
            http: http,
            login: {
                let body = try http.encode(["clientId": credentials.keyID, "clientSecret": credentials.secret])
                let data = try await http.send(.POST, "/auth/v1/api/token", body: body)
                return try http.decode(TokenReply.self, data, what: "token").accessToken
            },
            headers: { [("x-apikey", credentials.keyID), ("Authorization", "Bearer \($0)")] })
    }

    struct ErrorBody: Decodable {
        struct Item: Decodable {
            let code: String
            let message: String
            let field: String?
        }
        let errors: [Item]
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data))?.errors.first.map { ($0.code, $0.message, $0.field) }
    }

    struct TokenReply: Decodable { let accessToken: String }
    struct Instrument: Decodable {
        let symbol: String, tickSize: String, lotSize: String, minQuantity: String, maxQuantity: String
        let minOrderValue: String, priceBandPercent: String, referencePrice: String
    }
    struct Depth: Decodable {
        let sequence: UInt64
        let changed: Bool
        let bids: [[String]]?
        let asks: [[String]]?
    }
    struct Execution: Decodable {
        let fillQuantity: String
        let fillPrice: String
        let fee: String
        let executionTs: String
    }
    struct Order: Decodable {
        let id: String, transactionId: String, quantity: String, status: String, filledQuantity: String
        let averagePrice: String?, cumulativeFee: String, executionHistory: [Execution]
    }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode([Instrument].self, try await session.send(.get, "/markets/v1/instruments"), what: "instruments")
            .map { item in
                VenueInstrument(
                    symbol: try http.symbol(item.symbol, field: "symbol"),
                    tickSize: try http.decimal(item.tickSize, Price.self, field: "tickSize"),
                    lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lotSize"),
                    minimumQuantity: try http.decimal(item.minQuantity, Quantity.self, field: "minQuantity"),
                    maximumQuantity: try http.decimal(item.maxQuantity, Quantity.self, field: "maxQuantity"),
                    minimumOrderValue: try http.decimal(item.minOrderValue, Money.self, field: "minOrderValue"),
                    priceBandPercent: try http.decimal(
                        item.priceBandPercent, BasisPoints.self, field: "priceBandPercent"),
                    referencePrice: try http.decimal(item.referencePrice, Price.self, field: "referencePrice"))
            }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let query = http.bookQuery(levels: count, since: since, named: "sinceSequence")
        let depth = try http.decode(
            Depth.self, try await session.send(.get, "/markets/v1/mdt/depth/\(symbol)", query: query), what: "depth")
        guard depth.changed else { return .unchanged(sequence: depth.sequence) }
        return .changed(
            sequence: depth.sequence, bids: try levels(depth.bids, http: http, field: "bids"),
            asks: try levels(depth.asks, http: http, field: "asks"))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let tif: String
        switch child.timeInForce {
        case .day, .ioc, .fok: tif = "DAY"  // tZERO takes no IOC: the router cancels after its fill window.
        case .gtc, .gtd: tif = "GTC"
        }
        let body = try http.encode([
            "transactionId": child.clientKey, "symbol": child.symbol.rawValue,
            "side": child.side == .buy ? "BUY" : "SELL",
            "timeInForce": tif, "type": "LIMIT", "quantity": child.quantity.description,
            "limitPrice": child.limitPrice.description,
        ])
        return try state(try await session.send(.post, "/trading/v1/accounts/\(credentials.keyID)/orders", body: body))
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await session.send(.get, "/trading/v1/accounts/\(credentials.keyID)/orders/\(venueOrderID)"))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        _ = try await session.send(.delete, "/trading/v1/accounts/\(credentials.keyID)/orders/\(venueOrderID)")
        return try await order(venueOrderID, symbol: symbol)
    }

    func state(_ data: Data) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order")
        let status: VenueOrderState.Status
        switch order.status {
        case "OPEN": status = .open
        case "PARTIALLY_FILLED": status = .partiallyFilled
        case "FILLED": status = .filled
        case "CANCELED": status = .cancelled
        case "EXPIRED": status = .expired
        default: throw http.unknownStatus(order.status)
        }
        return VenueOrderState(
            venueOrderID: order.id, clientKey: order.transactionId, status: status,
            quantity: try http.decimal(order.quantity, Quantity.self, field: "quantity"),
            filledQuantity: try http.decimal(order.filledQuantity, Quantity.self, field: "filledQuantity"),
            averagePrice: try order.averagePrice.map { try http.decimal($0, Price.self, field: "averagePrice") },
            fees: try http.decimal(order.cumulativeFee, Money.self, field: "cumulativeFee"),
            fills: try order.executionHistory.enumerated().map { index, fill in
                // tZERO's executions carry no id: the order id, the position and the time identify one.
                VenueFill(
                    id: "\(order.id)-\(index)@\(fill.executionTs)",
                    quantity: try http.decimal(fill.fillQuantity, Quantity.self, field: "fillQuantity"),
                    price: try http.decimal(fill.fillPrice, Price.self, field: "fillPrice"),
                    fee: try http.decimal(fill.fee, Money.self, field: "fee"))
            })
    }
}
