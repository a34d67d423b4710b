import ATSDomain
import ATSOrders
import ATSPlanning
import ATSRouter
import ATSVenues
import Foundation

/// Turns a `POST /v1/orders` body into a parent order request, or an ``APIError`` naming the field.
///
/// Decimals are strings (`"10.25"`); enumerations are accepted in any letter case; unknown fields
/// are refused so that a misspelt `limitPrce` never becomes a market order.
struct OrderRequestParser: Sendable {
    let catalog: VenueCatalog
    let configuration: RouterConfiguration

    static let fields: Set<String> = [
        "symbol", "side", "quantity", "limitPrice", "timeInForce", "strategy", "includeVenues", "excludeVenues",
        "clientOrderId", "allowTransfers",
    ]
    /// The time-in-force values a parent order may have (GTD needs an expiry the API does not take).
    static let timesInForce: [TimeInForce.Kind] = [.ioc, .fok, .day, .gtc]

    func parse(_ data: Data, account: AccountID) throws(APIError) -> ParentOrderRequest {
        let body = try object(data)
        if let unknown = body.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(unknown) is not a field of an order; fields are \(Self.fields.sorted().joined(separator: ", "))",
                field: unknown)
        }
        let symbolText = try string(body, "symbol", required: true)!
        guard let symbol = try? Symbol(symbolText.uppercased()), configuration.security(symbol) != nil else {
            throw APIError(
                .unprocessableContent, "unknown_symbol",
                "symbol: no security \(symbolText); known are \(configuration.securities.map(\.symbol.rawValue).joined(separator: ", "))",
                field: "symbol")
        }
        let sideText = try string(body, "side", required: true)!
        guard let side = Side(caseInsensitive: sideText) else {
            throw .invalid("side", "must be buy or sell, not \(sideText)")
        }
        let quantity = try decimal(body, "quantity", Quantity.self, required: true)!
        guard quantity.isPositive else { throw .invalid("quantity", "must be greater than zero") }
        let limitPrice = try limitPrice(body, symbol: symbol)
        let (timeInForce, strategy) = try terms(body)
        let include = try venues(body, "includeVenues")
        let exclude = try venues(body, "excludeVenues")
        let clientOrderId = try clientOrderId(body)
        let allowTransfers =
            body["allowTransfers"] == nil ? false : try InvestorRequestParser.bool(body, "allowTransfers")
        return ParentOrderRequest(
            account: account, symbol: symbol, side: side, quantity: quantity, limitPrice: limitPrice,
            timeInForce: timeInForce, strategy: strategy, includeVenues: include, excludeVenues: exclude,
            clientOrderId: clientOrderId, allowTransfers: allowTransfers)
    }

    /// `PATCH /v1/orders/{id}`: a new `quantity` or `limitPrice`, or both (nothing else).
    func parseAmend(_ data: Data, symbol: Symbol) throws(APIError) -> (quantity: Quantity?, limitPrice: Price?) {
        let body = try object(data)
        if let unknown = body.keys.sorted().first(where: { $0 != "quantity" && $0 != "limitPrice" }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(unknown) cannot be amended; an amend changes quantity, limitPrice or both", field: unknown)
        }
        let quantity = try decimal(body, "quantity", Quantity.self, required: false)
        if let quantity, !quantity.isPositive { throw .invalid("quantity", "must be greater than zero") }
        let limit = try limitPrice(body, symbol: symbol)
        guard quantity != nil || limit != nil else {
            throw APIError(.badRequest, "missing_field", "send quantity, limitPrice or both", field: "quantity")
        }
        return (quantity, limit)
    }

    /// `limitPrice`, when given: positive, and on the tick of some venue listing the security.
    func limitPrice(_ body: [String: Any], symbol: Symbol) throws(APIError) -> Price? {
        guard let limitPrice = try decimal(body, "limitPrice", Price.self, required: false) else { return nil }
        guard limitPrice.isPositive else { throw .invalid("limitPrice", "must be greater than zero") }
        let ticks = catalog.venues.compactMap { $0.listing(symbol)?.tickSize }
        if !ticks.isEmpty && !ticks.contains(where: { limitPrice.rawValue % $0.rawValue == 0 }) {
            let shown = Set(ticks.map(\.description)).sorted().joined(separator: ", ")
            throw APIError(
                .unprocessableContent, "off_tick",
                "limitPrice: \(limitPrice) is on no listing venue's tick (\(shown))", field: "limitPrice")
        }
        return limitPrice
    }

    /// `timeInForce` (default IOC) and `strategy` (default cost).
    func terms(_ body: [String: Any]) throws(APIError) -> (TimeInForce.Kind, PlanStrategy) {
        var timeInForce = TimeInForce.Kind.ioc
        if let text = try string(body, "timeInForce", required: false) {
            guard let kind = TimeInForce.Kind(caseInsensitive: text), Self.timesInForce.contains(kind) else {
                throw .invalid(
                    "timeInForce",
                    "must be one of \(Self.timesInForce.map(\.rawValue).joined(separator: ", ")), not \(text)")
            }
            timeInForce = kind
        }
        var strategy = PlanStrategy.cost
        if let text = try string(body, "strategy", required: false) {
            guard let value = PlanStrategy(caseInsensitive: text) else {
                throw .invalid(
                    "strategy",
                    "must be one of \(PlanStrategy.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
            }
            strategy = value
        }
        return (timeInForce, strategy)
    }

    /// `clientOrderId`, when given: 1 to 64 printable ASCII characters without spaces.
    func clientOrderId(_ body: [String: Any]) throws(APIError) -> String? {
        guard let clientOrderId = try string(body, "clientOrderId", required: false) else { return nil }
        guard (1...64).contains(clientOrderId.utf8.count),
            clientOrderId.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw .invalid("clientOrderId", "must be 1 to 64 printable ASCII characters without spaces")
        }
        return clientOrderId
    }

    /// A custody transfer asked for by `POST /v1/transfers`.
    struct TransferRequest: Sendable {
        var symbol: Symbol
        var quantity: Quantity
        var from: CustodyLocation
        var to: CustodyLocation
    }

    static let transferFields: Set<String> = ["symbol", "quantity", "from", "to"]

    /// `{symbol, quantity, to, from?}`: `to` and `from` are locations (`wallet:<chain>`,
    /// `custodian:<venue>`) or a venue id (where that venue settles); `from` defaults to the
    /// account's designated custody for the security.
    func parseTransfer(_ data: Data, account: Account) throws(APIError) -> TransferRequest {
        let body = try object(data)
        if let unknown = body.keys.sorted().first(where: { !Self.transferFields.contains($0) }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(unknown) is not a field of a transfer; fields are \(Self.transferFields.sorted().joined(separator: ", "))",
                field: unknown)
        }
        let symbolText = try string(body, "symbol", required: true)!
        guard let symbol = try? Symbol(symbolText.uppercased()), let security = configuration.security(symbol) else {
            throw APIError(
                .unprocessableContent, "unknown_symbol", "symbol: no security \(symbolText)", field: "symbol")
        }
        let quantity = try decimal(body, "quantity", Quantity.self, required: true)!
        guard quantity.isPositive else { throw .invalid("quantity", "must be greater than zero") }
        // Only places tokens can be: where a venue settles, a chain a security is issued on, the account's custody.
        var known = Set(catalog.venues.map { $0.tokenLocation(symbol) })
        for listed in configuration.securities { known.insert(.wallet(chain: listed.chain)) }
        known.insert(account.designatedCustody(of: security))
        func location(_ field: String, _ text: String) throws(APIError) -> CustodyLocation {
            if let location = CustodyLocation(text), known.contains(location) { return location }
            if let venue = catalog.venue(try? VenueID(text.lowercased())) { return venue.tokenLocation(symbol) }
            let choices =
                "a venue id or one of the known locations \(known.map(\.description).sorted().joined(separator: ", "))"
            // Well formed (a venue id, wallet:<chain>, custodian:<venue>) but nowhere this router knows: 422.
            if text.utf8.count <= 42, CustodyLocation(text) != nil || (try? VenueID(text)) != nil {
                throw APIError(
                    .unprocessableContent, "unknown_location", "\(field): no location \(text); it must be \(choices)",
                    field: field)
            }
            throw .invalid(field, "must be \(choices), not \(text.prefix(64))")
        }
        let to = try location("to", try string(body, "to", required: true)!)
        let from =
            try string(body, "from", required: false).map { text throws(APIError) in try location("from", text) }
            ?? account.designatedCustody(of: security)
        return TransferRequest(symbol: symbol, quantity: quantity, from: from, to: to)
    }

    static let subscriptionFields: Set<String> = ["venue", "offering", "amount", "clientSubscriptionId"]

    /// `{venue, offering, amount, clientSubscriptionId?}`: the amount in the offering's payment asset.
    func parseSubscription(_ data: Data, account: AccountID) throws(APIError) -> SubscriptionRequest {
        let body = try object(data)
        if let unknown = body.keys.sorted().first(where: { !Self.subscriptionFields.contains($0) }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(unknown) is not a field of a subscription; fields are \(Self.subscriptionFields.sorted().joined(separator: ", "))",
                field: unknown)
        }
        let venueText = try string(body, "venue", required: true)!
        guard let venue = catalog.venue(try? VenueID(venueText.lowercased())) else {
            throw APIError(
                .unprocessableContent, "unknown_venue",
                "venue: no venue \(venueText.prefix(64)); venues are \(catalog.venues.map(\.id.rawValue).joined(separator: ", "))",
                field: "venue")
        }
        let offering = try string(body, "offering", required: true)!
        guard (1...64).contains(offering.utf8.count),
            offering.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw .invalid("offering", "must be an offering id: 1 to 64 printable ASCII characters") }
        let amount = try decimal(body, "amount", Money.self, required: true)!
        guard amount.isPositive else { throw .invalid("amount", "must be greater than zero") }
        var clientSubscriptionId: String?
        if let text = try string(body, "clientSubscriptionId", required: false) {
            guard (1...64).contains(text.utf8.count),
                text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
            else {
                throw .invalid("clientSubscriptionId", "must be 1 to 64 printable ASCII characters without spaces")
            }
            clientSubscriptionId = text
        }
        return SubscriptionRequest(
            account: account, venue: venue.id, offering: offering, amount: amount,
            clientSubscriptionId: clientSubscriptionId)
    }

    static let conversionFields: Set<String> = ["venue", "from", "to", "amount"]

    /// `{venue, from, to, amount}`: `from` and `to` are `USD` or `USDC`.
    func parseConversion(_ data: Data) throws(APIError) -> (
        venue: VenueID, from: CashAsset, to: CashAsset, amount: Money
    ) {
        let body = try object(data)
        if let unknown = body.keys.sorted().first(where: { !Self.conversionFields.contains($0) }) {
            throw APIError(
                .badRequest, "unknown_field",
                "\(unknown) is not a field of a conversion; fields are \(Self.conversionFields.sorted().joined(separator: ", "))",
                field: unknown)
        }
        let venueText = try string(body, "venue", required: true)!
        guard let venue = catalog.venue(try? VenueID(venueText.lowercased())) else {
            throw APIError(
                .unprocessableContent, "unknown_venue", "venue: no venue \(venueText.prefix(64))", field: "venue")
        }
        func asset(_ field: String) throws(APIError) -> CashAsset {
            let text = try string(body, field, required: true)!
            guard let asset = CashAsset(rawValue: text.uppercased()) else {
                throw .invalid(field, "must be USD or USDC")
            }
            return asset
        }
        let from = try asset("from")
        let to = try asset("to")
        let amount = try decimal(body, "amount", Money.self, required: true)!
        guard amount.isPositive else { throw .invalid("amount", "must be greater than zero") }
        return (venue.id, from, to, amount)
    }

    func object(_ data: Data) throws(APIError) -> [String: Any] {
        // JSON text is UTF-8 without a byte-order mark (RFC 8259 §8.1); Foundation would also take UTF-16 and UTF-32.
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw APIError(
                .badRequest, "malformed_json", "the body starts with a byte-order mark; send UTF-8 JSON without one")
        }
        if data.contains(0) || String(validating: data, as: UTF8.self) == nil {
            throw APIError(.badRequest, "malformed_json", "the body is not UTF-8 (UTF-16 and UTF-32 are refused)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw APIError(.badRequest, "malformed_json", "the body is not valid JSON: \(Self.reason(error))")
        }
        guard let body = object as? [String: Any] else {
            throw APIError(.badRequest, "malformed_json", "the body must be a JSON object")
        }
        return body
    }

    func string(_ body: [String: Any], _ field: String, required: Bool) throws(APIError) -> String? {
        guard let value = body[field], !(value is NSNull) else {
            if required { throw APIError(.badRequest, "missing_field", "\(field) is required", field: field) }
            return nil
        }
        guard let text = value as? String else {
            throw .invalid(field, "must be a string, not \(Self.typeName(value))")
        }
        return text
    }

    private func decimal<T: FixedPointDecimal>(_ body: [String: Any], _ field: String, _ type: T.Type, required: Bool)
        throws(APIError) -> T?
    {
        guard let value = body[field], !(value is NSNull) else {
            if required { throw APIError(.badRequest, "missing_field", "\(field) is required", field: field) }
            return nil
        }
        guard let text = value as? String else {
            throw .invalid(field, "must be a decimal string such as \"10.25\", not \(Self.typeName(value))")
        }
        do {
            return try T(text)
        } catch {
            throw .invalid(field, error.message)
        }
    }

    private func venues(_ body: [String: Any], _ field: String) throws(APIError) -> Set<VenueID> {
        guard let value = body[field], !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            throw .invalid(field, "must be an array of venue ids, not \(Self.typeName(value))")
        }
        var result: Set<VenueID> = []
        for item in list {
            guard let text = item as? String else { throw .invalid(field, "must hold venue ids as strings") }
            guard let venue = try? VenueID(text), catalog.venue(venue) != nil else {
                throw APIError(
                    .unprocessableContent, "unknown_venue",
                    "\(field): no venue \(text); venues are \(catalog.venues.map(\.id.rawValue).joined(separator: ", "))",
                    field: field)
            }
            result.insert(venue)
        }
        return result
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is NSNumber: "a number or boolean"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "null"
        }
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}
