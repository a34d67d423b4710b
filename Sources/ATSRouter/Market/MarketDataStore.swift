import ATSDomain
import ATSPlanning

/// One venue's book for one security as last polled.
public struct QuotedBook: Sendable, Hashable {
    public var venue: VenueID
    public var symbol: Symbol
    public var sequence: UInt64
    public var bids: [PlanLevel]
    public var asks: [PlanLevel]
    /// When the levels last changed (as the router saw it).
    public var changedAt: Timestamp
    /// When a poll last confirmed the levels current: the quote's age counts from here.
    public var confirmedAt: Timestamp

    /// Milliseconds since the book was last confirmed.
    public func ageMilliseconds(at now: Timestamp) -> Int64 { max(0, confirmedAt.nanoseconds(until: now)) / 1_000_000 }
}

/// The latest book per venue and security, written by the pollers and read by routing.
public actor MarketDataStore {
    private var books: [VenueID: [Symbol: QuotedBook]] = [:]

    public init() {}

    /// Applies a poll's answer received at `time`.
    public func apply(_ poll: BookPoll, venue: VenueID, symbol: Symbol, at time: Timestamp) {
        switch poll {
        case .changed(let sequence, let bids, let asks):
            books[venue, default: [:]][symbol] = QuotedBook(
                venue: venue, symbol: symbol, sequence: sequence, bids: bids, asks: asks,
                changedAt: time, confirmedAt: time)
        case .unchanged(let sequence):
            if var book = books[venue]?[symbol], book.sequence == sequence {
                book.confirmedAt = time
                books[venue]![symbol] = book
            }
        case .throttled:
            break
        }
    }

    public func book(venue: VenueID, symbol: Symbol) -> QuotedBook? { books[venue]?[symbol] }

    /// The last sequence seen, to ask the venue for changes only.
    public func sequence(venue: VenueID, symbol: Symbol) -> UInt64? { books[venue]?[symbol]?.sequence }

    /// Every venue's book for `symbol`.
    public func books(for symbol: Symbol) -> [QuotedBook] {
        books.values.compactMap { $0[symbol] }.sorted { $0.venue < $1.venue }
    }
}
