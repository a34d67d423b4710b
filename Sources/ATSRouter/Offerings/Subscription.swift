import ATSDomain
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation

/// A subscription to a primary offering: a parent of its own kind, journalled with its events and
/// recovered after a crash like an order.
///
/// `reserved` (cash earmarked and journalled, the venue not yet known to have it) → `pending` (the
/// venue took it; the offering has not closed) → `allocated` (units issued for what was paid, the
/// rest refunded) or `refunded` (the offering was cancelled or missed its minimum raise). Refused
/// by a rule, or by the venue, it is `rejected` and its cash (if any was earmarked) released.
public struct Subscription: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case reserved, pending, allocated, refunded, rejected

        public var isFinal: Bool { self == .allocated || self == .refunded || self == .rejected }
    }

    public var id: Int64
    public var account: AccountID
    public var clientSubscriptionId: String?
    public var venue: VenueID
    public var offering: Offering
    public var amount: Money
    /// The venue idempotency key: the journal's tag and the id, sent again unchanged after a crash.
    public var key: String
    public var legs: SubscriptionLegs
    public var status: Status
    public var venueSubscriptionID: String?
    public var units: Quantity = .zero
    public var paid: Money = .zero
    public var refund: Money = .zero
    public var issuedOn: CalendarDate?
    public var rejection: Rejection?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public var symbol: Symbol { offering.symbol }

    /// What this subscription counts against the account's Reg CF limit: nothing once refunded or
    /// rejected, what was paid once allocated, else the whole amount.
    public var committed: Money {
        switch status {
        case .refunded, .rejected: return .zero
        case .allocated: return paid
        case .reserved, .pending: return amount
        }
    }

    /// Whether another request asks for this same subscription (an idempotent repeat).
    func matches(_ request: SubscriptionRequest) -> Bool {
        request.account == account && request.venue == venue && request.offering == offering.id
            && request.amount == amount
    }

    var reference: String { "u\(id)" }
}

/// What a trader asks: an amount of the payment asset into one offering at one venue.
public struct SubscriptionRequest: Sendable, Hashable {
    public var account: AccountID
    public var venue: VenueID
    public var offering: String
    public var amount: Money
    public var clientSubscriptionId: String?

    public init(account: AccountID, venue: VenueID, offering: String, amount: Money, clientSubscriptionId: String?) {
        self.account = account
        self.venue = venue
        self.offering = offering
        self.amount = amount
        self.clientSubscriptionId = clientSubscriptionId
    }
}

/// Why a subscription was not taken (beyond a rule refusing it, which is a rejected subscription).
public struct SubscriptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `unknown_offering`, `venue_unavailable`, `client_subscription_id_reused`,
    /// `journal_unavailable`, `account_moving`.
    public var code: String
    public var field: String?
    public var message: String
    public var description: String { "\(code): \(message)" }

    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// A subscription as journal rows.
enum SubscriptionJournal {
    static func row(_ subscription: Subscription) -> SubscriptionRow {
        let record = (try? String(decoding: JSONEncoder().encode(subscription), as: UTF8.self)) ?? "null"
        return SubscriptionRow(
            id: subscription.id, account: subscription.account.rawValue,
            clientSubscriptionId: subscription.clientSubscriptionId, venue: subscription.venue.rawValue,
            offeringId: subscription.offering.id, symbol: subscription.symbol.rawValue,
            status: subscription.status.rawValue, amount: subscription.amount.rawValue,
            createdAt: subscription.createdAt.nanosecondsSinceEpoch,
            updatedAt: subscription.updatedAt.nanosecondsSinceEpoch, record: record)
    }

    static func subscription(_ row: SubscriptionRow) throws -> Subscription {
        do {
            return try JSONDecoder().decode(Subscription.self, from: Data(row.record.utf8))
        } catch {
            throw SettlementJournal.CorruptRecord(
                description: "journal: subscription \(row.id) does not read: \(error)")
        }
    }

    /// The unit of work writing `subscription` as it is now with one event.
    static func work(_ subscription: Subscription, event kind: String, detail: String) -> UnitOfWork {
        var work = UnitOfWork()
        work.subscriptions = [row(subscription)]
        work.subscriptionEvents = [
            SubscriptionEventRow(
                subscriptionId: subscription.id, kind: kind, detail: detail,
                at: subscription.updatedAt.nanosecondsSinceEpoch)
        ]
        return work
    }
}
