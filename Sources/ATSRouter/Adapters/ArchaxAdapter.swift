import ATSDomain
import ATSOrders
import ATSPlanning
import Foundation

/// Archax: JWT login, instruments by numeric id, prices and quantities as integers scaled by the
/// instrument's decimals, side and type as 0/1, `actionRef` idempotency. Limit orders rest (GTC).
public final class ArchaxAdapter: VenueAdapter, Sendable {
    public let venue: VenueID
    let http: VenueHTTP
    let credentials: VenueCredentials
    let session: TokenSession
    let instruments = InstrumentCache()

    public init(http: VenueHTTP, credentials: VenueCredentials) {
        venue = http.venue
        self.http = http
        self.credentials = credentials
        session = TokenSession(
            http: http,
            login: {
                let body = try http.encode(["email": credentials.keyID, "password": credentials.secret])
                return try http.decode(LoginReply.self, try await http.send(.POST, "/login", body: body), what: "login")
                    .data.jwt
            },
            headers: { [("Authorization", "Bearer \($0)")] })
    }

    struct ErrorBody: Decodable {
        let code: String
        let message: String
        let field: String?
    }
    static let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)? = { data in
        (try? JSONDecoder().decode(ErrorBody.self, from: data)).map { ($0.code, $0.message, $0.field) }
    }

    struct LoginReply: Decodable {
        struct Payload: Decodable { let jwt: String }
        let data: Payload
    }
    struct Instrument: Decodable, Sendable {
        let id: Int, symbol: String, priceDecimalPlaces: Int, quantityDecimalPlaces: Int
        let tickSize: Int64, lotSize: Int64, minimumOrderValue: Int64
    }
    struct Depth: Decodable {
        let sequence: UInt64
        let changed: Bool
        let buy: [String: Int64]?
        let sell: [String: Int64]?
    }
    struct Execution: Decodable {
        let executionId: String
        let quantity: Int64
        let price: Int64
        let fee: Int64
        let commission: Int64
        let tax: Int64
    }
    struct Order: Decodable {
        let orderId: String, actionRef: String, quantity: Int64, filledQuantity: Int64, averagePrice: Int64?
        let orderStatus: String, filledStatus: String, executions: [Execution]
    }

    /// Instrument ids by symbol, fetched once.
    actor InstrumentCache {
        var bySymbol: [Symbol: Instrument]?
        func get(_ load: @Sendable () async throws -> [Instrument]) async throws -> [Symbol: Instrument] {
            if let bySymbol { return bySymbol }
            var map: [Symbol: Instrument] = [:]
            for instrument in try await load() {
                if let symbol = try? Symbol(instrument.symbol) { map[symbol] = instrument }
            }
            bySymbol = map
            return map
        }
    }

    func instrument(_ symbol: Symbol) async throws -> Instrument {
        let map = try await instruments.get { [self] in
            try http.decode([Instrument].self, try await session.send(.get, "/instruments"), what: "instruments")
        }
        guard let instrument = map[symbol] else {
            throw VenueFailure(
                venue: venue, kind: .notRetryable, code: "unknown_instrument", message: "\(symbol) is not listed")
        }
        return instrument
    }

    public func instruments() async throws -> [VenueInstrument] {
        try http.decode([Instrument].self, try await session.send(.get, "/instruments"), what: "instruments").map {
            item in
            VenueInstrument(
                symbol: try http.symbol(item.symbol, field: "symbol"),
                tickSize: try http.scaled(
                    item.tickSize, decimals: item.priceDecimalPlaces, Price.self, field: "tickSize"),
                lotSize: try http.scaled(
                    item.lotSize, decimals: item.quantityDecimalPlaces, Quantity.self, field: "lotSize"),
                minimumOrderValue: try http.scaled(
                    item.minimumOrderValue, decimals: item.priceDecimalPlaces, Money.self,
                    field: "minimumOrderValue"))
        }
    }

    public func book(_ symbol: Symbol, levels count: Int, since: UInt64?) async throws -> BookPoll {
        let instrument = try await instrument(symbol)
        let query = http.bookQuery(levels: count, since: since, named: "sinceSequence")
        let depth = try http.decode(
            Depth.self, try await session.send(.get, "/instruments/\(instrument.id)/depth", query: query), what: "depth"
        )
        guard depth.changed else { return .unchanged(sequence: depth.sequence) }
        func side(_ entries: [String: Int64]?, field: String, descending: Bool) throws -> [PlanLevel] {
            let parsed = try (entries ?? [:]).map { key, value -> PlanLevel in
                guard let scaledPrice = Int64(key) else {
                    throw VenueFailure(
                        venue: venue, kind: .retryable, code: "malformed_reply",
                        message: "\(field): price key \"\(key)\" is not an integer")
                }
                return PlanLevel(
                    price: try http.scaled(
                        scaledPrice, decimals: instrument.priceDecimalPlaces, Price.self, field: field),
                    quantity: try http.scaled(
                        value, decimals: instrument.quantityDecimalPlaces, Quantity.self, field: field))
            }
            return parsed.sorted { descending ? $0.price > $1.price : $0.price < $1.price }
        }
        return .changed(
            sequence: depth.sequence, bids: try side(depth.buy, field: "buy", descending: true),
            asks: try side(depth.sell, field: "sell", descending: false))
    }

    public func submit(_ child: ChildOrderRequest) async throws -> VenueOrderState {
        let instrument = try await instrument(child.symbol)
        struct Body: Encodable {
            let actionRef: String, instrumentId: Int, limitPrice: Int64, orderType: Int, quantity: Int64, side: Int,
                organisationId: String
        }
        let price: Int64
        let quantity: Int64
        do {
            price = try child.limitPrice.scaled(toDecimals: instrument.priceDecimalPlaces)
            quantity = try child.quantity.scaled(toDecimals: instrument.quantityDecimalPlaces)
        } catch {
            throw VenueFailure(venue: venue, kind: .notRetryable, code: "precision", message: error.message)
        }
        let body = try http.encode(
            Body(
                actionRef: child.clientKey, instrumentId: instrument.id, limitPrice: price, orderType: 0,
                quantity: quantity, side: child.side == .buy ? 0 : 1, organisationId: credentials.keyID))
        return try state(try await session.send(.post, "/orders", body: body), instrument: instrument)
    }

    public func order(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(try await session.send(.get, "/orders/\(venueOrderID)"), instrument: try await instrument(symbol))
    }

    public func cancel(_ venueOrderID: String, symbol: Symbol) async throws -> VenueOrderState {
        try state(
            try await session.send(.post, "/orders/\(venueOrderID)/cancel"), instrument: try await instrument(symbol))
    }

    func state(_ data: Data, instrument: Instrument) throws -> VenueOrderState {
        let order = try http.decode(Order.self, data, what: "order")
        let status: VenueOrderState.Status
        switch (order.orderStatus, order.filledStatus) {
        case ("open", "unfilled"): status = .open
        case ("open", _): status = .partiallyFilled
        case ("completed", _): status = .filled
        case ("cancelled", _): status = .cancelled
        case ("expired", _): status = .expired
        default: throw http.unknownStatus(order.orderStatus)
        }
        let priceDecimals = instrument.priceDecimalPlaces
        let quantityDecimals = instrument.quantityDecimalPlaces
        let fills = try order.executions.map { execution in
            VenueFill(
                id: execution.executionId,
                quantity: try http.scaled(
                    execution.quantity, decimals: quantityDecimals, Quantity.self, field: "executions.quantity"),
                price: try http.scaled(execution.price, decimals: priceDecimals, Price.self, field: "executions.price"),
                fee: try http.scaled(
                    execution.fee + execution.commission + execution.tax, decimals: priceDecimals, Money.self,
                    field: "executions.fee"))
        }
        return VenueOrderState(
            venueOrderID: order.orderId, clientKey: order.actionRef, status: status,
            quantity: try http.scaled(order.quantity, decimals: quantityDecimals, Quantity.self, field: "quantity"),
            filledQuantity: try http.scaled(
                order.filledQuantity, decimals: quantityDecimals, Quantity.self, field: "filledQuantity"),
            averagePrice: try order.averagePrice.map {
                try http.scaled($0, decimals: priceDecimals, Price.self, field: "averagePrice")
            },
            fees: Money(rawValue: fills.reduce(0) { $0 + $1.fee.rawValue }), fills: fills)
    }
}
