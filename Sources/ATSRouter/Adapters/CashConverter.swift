import ATSDomain
import ATSVenues
import Foundation

/// A venue that converts cash between the assets venues settle in (INX: USDC/USD). Throws only
/// ``VenueFailure``s.
public protocol CashConverter: Sendable {
    /// Converts `amount` of `from` into `to`. Idempotent per `key`: the same key again returns the
    /// same conversion, which is how one whose reply was lost is reconciled.
    func convert(key: String, from: CashAsset, to: CashAsset, amount: Money) async throws -> VenueConversion
}

/// A conversion as the venue carried it out.
public struct VenueConversion: Sendable, Hashable {
    public var id: String
    public var key: String
    public var from: CashAsset
    public var to: CashAsset
    public var amount: Money
    public var price: Price
    public var fee: Money
    public var received: Money

    public init(
        id: String, key: String, from: CashAsset, to: CashAsset, amount: Money, price: Price, fee: Money,
        received: Money
    ) {
        self.id = id
        self.key = key
        self.from = from
        self.to = to
        self.amount = amount
        self.price = price
        self.fee = fee
        self.received = received
    }
}

extension InxAdapter: CashConverter {
    struct Conversion: Decodable {
        let id: String, clientConversionId: String, from: String, to: String, amount: String, price: String
        let fee: String, received: String, status: String
    }

    public func convert(key: String, from: CashAsset, to: CashAsset, amount: Money) async throws -> VenueConversion {
        let body = try http.encode([
            "clientConversionId": key, "from": from.rawValue, "to": to.rawValue, "amount": amount.description,
        ])
        let reply = try http.decode(
            Conversion.self, try await send(.post, "/api/v1/conversions", body: body), what: "conversion")
        guard reply.status == "COMPLETED" else { throw http.unknownStatus(reply.status) }
        return VenueConversion(
            id: reply.id, key: reply.clientConversionId, from: try http.cashAsset(reply.from, field: "from"),
            to: try http.cashAsset(reply.to, field: "to"),
            amount: try http.decimal(reply.amount, Money.self, field: "amount"),
            price: try http.decimal(reply.price, Price.self, field: "price"),
            fee: try http.decimal(reply.fee, Money.self, field: "fee"),
            received: try http.decimal(reply.received, Money.self, field: "received"))
    }
}
