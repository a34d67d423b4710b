import ATSDomain
import ATSVenues

/// One cash conversion a mock venue carried out.
public struct MockConversion: Sendable, Hashable {
    public let id: UInt64
    public let key: String
    public let owner: String
    public let from: CashAsset
    public let to: CashAsset
    public let amount: Money
    public let price: Price
    public let fee: Money
    public let received: Money
}

/// A mock venue's cash conversions (INX's USDC/USD): carried out at once at the pair's price less
/// its fee, once per owner and key (the same key again returns the same conversion; other terms
/// are a conflict).
public actor MockConversions {
    public nonisolated let venue: VenueDefinition
    private var made: [UInt64: MockConversion] = [:]
    private var keys: [String: UInt64] = [:]
    private var nextID: UInt64 = 1

    public init(venue: VenueDefinition) { self.venue = venue }

    public func convert(key: String, from: CashAsset, to: CashAsset, amount: Money, owner: String) throws(VenueError)
        -> (conversion: MockConversion, replayed: Bool)
    {
        let scoped = owner + "\u{1F}" + key
        if let id = keys[scoped], let existing = made[id] {
            guard existing.from == from, existing.to == to, existing.amount == amount else {
                throw VenueError(.conflict, code: "idempotency_key_reused", "key \(key) was used for conversion \(id)")
            }
            return (existing, true)
        }
        guard let pair = venue.conversion(from: from, to: to) else {
            throw VenueError(
                .rejected, code: "unknown_pair", field: "from",
                "\(venue.name) converts no \(from.rawValue)/\(to.rawValue)")
        }
        guard amount.isPositive,
            let outcome = CashConversion.outcome(amount, from: from, pair: pair, price: pair.price),
            outcome.received.isPositive
        else {
            throw VenueError(
                .badRequest, code: "invalid_field", field: "amount",
                "amount must be positive and convert to more than its fee")
        }
        let conversion = MockConversion(
            id: nextID, key: key, owner: owner, from: from, to: to, amount: amount, price: pair.price, fee: outcome.fee,
            received: outcome.received)
        nextID += 1
        made[conversion.id] = conversion
        keys[scoped] = conversion.id
        return (conversion, false)
    }

    public func conversion(_ id: UInt64, owner: String) throws(VenueError) -> MockConversion {
        guard let found = made[id], found.owner == owner else { throw VenueError(.notFound, "no conversion \(id)") }
        return found
    }

    /// Every conversion, in order (for tests).
    public func all() -> [MockConversion] { made.values.sorted { $0.id < $1.id } }
}
