import ATSDomain
import ATSOrders
import ATSStorage

/// One fill of one of an account's orders, with its place among the account's fills.
public struct AccountFill: Sendable, Hashable {
    /// Increasing in the order fills were recorded: pass the last one seen as `since`.
    public var sequence: Int64
    public var order: OrderID
    public var symbol: Symbol
    public var side: Side
    public var venue: VenueID
    public var childKey: String
    public var fill: VenueFill
    public var recordedAt: Timestamp
}

extension OrderManager {
    /// `account`'s fills recorded after `since` (0: from the first), oldest first, at most `limit`.
    /// With a journal, its order of recording (SQLite's row id, PostgreSQL's identity column);
    /// without one, the order of the parents in memory, their children and fills, and (no fill
    /// time being kept there) each fill's time is its child's creation.
    public func fills(of account: AccountID, since: Int64, limit: Int) throws -> [AccountFill] {
        if let journal {
            return try journal.journal.fills(account: account.rawValue, after: since, limit: limit).compactMap { row in
                guard let symbol = try? Symbol(row.symbol), let side = Side(rawValue: row.side),
                    let venue = try? VenueID(row.execution.venue)
                else { return nil }
                let e = row.execution
                return AccountFill(
                    sequence: row.sequence, order: OrderID(UInt64(row.parentId)), symbol: symbol, side: side,
                    venue: venue, childKey: e.childKey,
                    fill: VenueFill(
                        id: e.fillId, quantity: Quantity(rawValue: e.quantity), price: Price(rawValue: e.price),
                        fee: Money(rawValue: e.fee)),
                    recordedAt: Timestamp(nanosecondsSinceEpoch: e.recordedAt))
            }
        }
        var all: [AccountFill] = []
        for parent in parents.values.sorted(by: { $0.id < $1.id }) where parent.account == account {
            for child in parent.children {
                for fill in child.fills {
                    all.append(
                        AccountFill(
                            sequence: Int64(all.count + 1), order: parent.id, symbol: parent.symbol, side: parent.side,
                            venue: child.venue, childKey: child.clientKey, fill: fill, recordedAt: child.createdAt))
                }
            }
        }
        return Array(all.drop { $0.sequence <= since }.prefix(limit))
    }
}
