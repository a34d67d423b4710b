import ATSDomain
import ATSVenues

/// One subscription to a mock venue's offering, as the venue keeps it.
public struct MockSubscription: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Taken; the offering has not closed.
        case pending
        /// The offering closed and issued: `units` for `paid`, the rest of the amount refunded.
        case allocated
        /// The offering was cancelled (below its minimum raise, or by the issuer): refunded whole.
        case refunded
    }

    public let id: UInt64
    /// The subscriber's idempotency key.
    public let key: String
    public let owner: String
    public let offeringID: String
    public let symbol: Symbol
    public let amount: Money
    public internal(set) var status: Status = .pending
    public internal(set) var units: Quantity = .zero
    public internal(set) var paid: Money = .zero
    public internal(set) var refund: Money = .zero
    /// The close date: the issue date of what was allocated.
    public internal(set) var issuedOn: CalendarDate?
}

/// A mock venue's primary offerings: subscriptions taken while an offering is open (idempotent per
/// owner and key), and at close (its date passing, or the issuer closing it early) the allocation
/// ``OfferingAllocation`` computes, applied to every subscription.
public actor MockOfferings {
    public nonisolated let venue: VenueDefinition
    private let clock: any TradingClock
    private var subscriptions: [UInt64: MockSubscription] = [:]
    private var keys: [String: UInt64] = [:]
    private var outcomes: [String: OfferingAllocation.Outcome] = [:]
    private var nextID: UInt64 = 1

    public init(venue: VenueDefinition, clock: any TradingClock) {
        self.venue = venue
        self.clock = clock
    }

    /// One offering and where it stands.
    public struct Listing: Sendable {
        public let offering: Offering
        public let isOpen: Bool
        public let subscribed: Money
        public let outcome: OfferingAllocation.Outcome?
    }

    /// Every offering the venue runs, open or closed.
    public func offerings() -> [Listing] {
        closeDue()
        return (venue.offerings ?? []).map { offering in
            Listing(
                offering: offering, isOpen: outcomes[offering.id] == nil,
                subscribed: subscriptions.values.filter { $0.offeringID == offering.id }.reduce(.zero) {
                    Money(rawValue: $0.rawValue + $1.amount.rawValue)
                }, outcome: outcomes[offering.id])
        }
    }

    /// Takes a subscription of `amount` under `key`; the same key again returns the same one (or a
    /// conflict if it asks for something else).
    public func subscribe(offering id: String, key: String, amount: Money, owner: String) throws(VenueError) -> (
        subscription: MockSubscription, replayed: Bool
    ) {
        closeDue()
        guard let offering = venue.offerings?.first(where: { $0.id == id }) else {
            throw VenueError(.notFound, "no offering \(id)")
        }
        let scoped = owner + "\u{1F}" + key
        if let existing = keys[scoped], let subscription = subscriptions[existing] {
            guard subscription.offeringID == id, subscription.amount == amount else {
                throw VenueError(
                    .conflict, code: "idempotency_key_reused",
                    "key \(key) was used for another subscription (\(subscription.id))")
            }
            return (subscription, true)
        }
        guard outcomes[id] == nil else {
            throw VenueError(.rejected, code: "offering_closed", "offering \(id) closed; it takes no subscriptions")
        }
        if let refusal = offering.refusal(of: amount) {
            throw VenueError(.rejected, code: "investment_out_of_range", field: "amount", refusal)
        }
        let subscription = MockSubscription(
            id: nextID, key: key, owner: owner, offeringID: id, symbol: offering.symbol, amount: amount)
        nextID += 1
        subscriptions[subscription.id] = subscription
        keys[scoped] = subscription.id
        return (subscription, false)
    }

    public func subscription(_ id: UInt64, owner: String) throws(VenueError) -> MockSubscription {
        closeDue()
        guard let subscription = subscriptions[id], subscription.owner == owner else {
            throw VenueError(.notFound, "no subscription \(id)")
        }
        return subscription
    }

    /// Closes an offering now (the issuer's decision) and allocates it; closing a closed one
    /// returns its outcome.
    @discardableResult
    public func close(_ id: String) throws(VenueError) -> OfferingAllocation.Outcome {
        guard let offering = venue.offerings?.first(where: { $0.id == id }) else {
            throw VenueError(.notFound, "no offering \(id)")
        }
        if let outcome = outcomes[id] { return outcome }
        return allocate(offering, on: CalendarDate(clock.now()))
    }

    /// Allocates every offering whose close date has passed.
    private func closeDue() {
        let now = clock.now()
        for offering in venue.offerings ?? [] where outcomes[offering.id] == nil && offering.closesAt <= now {
            allocate(offering, on: offering.closesOn)
        }
    }

    @discardableResult
    private func allocate(_ offering: Offering, on day: CalendarDate) -> OfferingAllocation.Outcome {
        let taken = subscriptions.values.filter { $0.offeringID == offering.id }.sorted { $0.id < $1.id }
        let outcome = OfferingAllocation.allocate(offering, taken.map { (String($0.id), $0.amount) })
        outcomes[offering.id] = outcome
        switch outcome {
        case .cancelled:
            for subscription in taken {
                subscriptions[subscription.id]?.status = .refunded
                subscriptions[subscription.id]?.refund = subscription.amount
            }
        case .allocated(let shares):
            for share in shares {
                guard let id = UInt64(share.key) else { continue }
                subscriptions[id]?.status = .allocated
                subscriptions[id]?.units = share.units
                subscriptions[id]?.paid = share.paid
                subscriptions[id]?.refund = share.refund
                subscriptions[id]?.issuedOn = day
            }
        }
        return outcome
    }
}
