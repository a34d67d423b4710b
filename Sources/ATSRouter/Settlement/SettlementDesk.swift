import ATSDomain
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation
import Synchronization

/// The router's settlement desk: the ``SettlementBook`` behind a lock, kept durable in the
/// journal, and what routing asks of it: an account's holdings as the cap table has them,
/// how many hold a security, how much an account can sell at a venue (its free tokens where
/// that venue settles, less what its working sell orders there already promise) and spend there
/// (its free cash in the venue's settlement asset, less what its working buy orders may cost).
///
/// Every change is written to the journal while the lock is held, so the journal sees the
/// book's changes in the order they were made. Over a journal the book keeps only open
/// settlements and transfers (``SettlementBook/Retention/open``): finished ones are read back
/// from the journal (``settlements(_:)``, ``wholeBook()``), so memory follows the work under
/// way, not the length of the day. Without a journal it keeps everything.
public final class SettlementDesk: Sendable {
    public let catalog: VenueCatalog
    public let configuration: RouterConfiguration
    let journal: (any JournalStore)?
    let clock: any TradingClock
    let instruments: RouterInstruments

    struct Reservation: Hashable {
        var account: AccountID
        var asset: LedgerAsset
        var location: CustodyLocation
    }

    /// A change in what an account's working children promise at a venue: tokens for sells, cash for buys.
    struct ReservationChange: Sendable {
        var account: AccountID
        var asset: LedgerAsset
        var venue: VenueID
        var amount: Int64
    }

    struct State: Sendable {
        var book: SettlementBook
        /// How far the book has read what every writer of a shared journal appended.
        var cursor = SettlementCursor()
        /// Tokens promised by sell children and cash by buy children still working, by where they settle.
        var reserved: [Reservation: Int64] = [:]

        /// What `account` has of `asset` free at `location`, less what its working orders promise there (never below 0).
        func unpromised(_ account: AccountID, _ asset: LedgerAsset, at location: CustodyLocation) -> Int64 {
            let free = book.ledger.balance(Holder(account), asset, at: location).available
            return max(0, free - (reserved[Reservation(account: account, asset: asset, location: location)] ?? 0))
        }

        /// Where `account` holds `symbol` free, by location (before what working orders promise).
        func freeHoldings(_ account: AccountID, _ symbol: Symbol) -> [(location: CustodyLocation, quantity: Quantity)] {
            book.ledger.balances(of: Holder(account)).filter {
                $0.key.asset == .token(symbol) && $0.balance.available > 0
            }
            .map { ($0.key.location, Quantity(rawValue: $0.balance.available)) }
        }
    }

    let state: Mutex<State>

    /// The accounts whose records the book holds when instances share the journal; nil: every one.
    let leases: (any AccountLeases)?

    /// Loads the book from `journal` (or opens the ledgers, and journals their opening balances).
    /// With `leases` (instances sharing the journal), the book holds the records of the accounts
    /// this instance holds; the ledgers and the cap table are everyone's, brought up to date with
    /// what the other instances append before each settlement write.
    public init(
        catalog: VenueCatalog, configuration: RouterConfiguration, journal: (any JournalStore)?,
        clock: any TradingClock, leases: (any AccountLeases)? = nil,
        instruments: RouterInstruments = RouterInstruments()
    ) throws {
        self.instruments = instruments
        self.catalog = catalog
        self.configuration = configuration
        self.journal = journal
        self.clock = clock
        self.leases = leases
        let retention: SettlementBook.Retention = journal == nil ? .everything : .open
        let keeping = leases.map { Set($0.held.compactMap { try? AccountID($0) }) }
        guard let journal else {
            var book = SettlementBook(catalog: catalog, configuration: configuration, retention: retention)
            book.openLedgers(at: clock.now())
            _ = book.takeChange()
            state = Mutex(State(book: book))
            return
        }
        if let (book, cursor) = try Self.opened(
            journal, catalog: catalog, configuration: configuration, keeping: keeping, at: clock.now())
        {
            state = Mutex(State(book: book, cursor: cursor))
        } else {
            // Another instance opened the ledgers between our read and our write: read them.
            guard
                let (book, cursor) = try SettlementJournal.loadShared(
                    journal, catalog: catalog, configuration: configuration, retention: retention, keeping: keeping)
            else { throw SettlementJournal.CorruptRecord(description: "journal: the ledgers did not open") }
            state = Mutex(State(book: book, cursor: cursor))
        }
    }

    /// The book the journal holds, or, when it holds none, the ledgers opened and their opening
    /// balances journalled (nil when another writer opened them first).
    private static func opened(
        _ journal: any JournalStore, catalog: VenueCatalog, configuration: RouterConfiguration,
        keeping: Set<AccountID>?, at now: Timestamp
    ) throws -> (SettlementBook, SettlementCursor)? {
        if let loaded = try SettlementJournal.loadShared(
            journal, catalog: catalog, configuration: configuration, retention: .open, keeping: keeping)
        {
            return loaded
        }
        var book = SettlementBook(catalog: catalog, configuration: configuration, retention: .open)
        var openedElsewhere = false
        let cursor = try journal.commitSettlement(since: SettlementCursor()) { news in
            guard news.entries.isEmpty else {
                openedElsewhere = true
                return UnitOfWork()
            }
            book.openLedgers(at: now)
            var change = UnitOfWork()
            SettlementJournal.append(book.takeChange(), to: &change, at: now)
            return change
        }
        return openedElsewhere ? nil : (book, cursor)
    }

    // MARK: Changes

    /// Makes a change to the book and commits it with `work` (nothing without a journal), timing
    /// the commit: in one transaction after every settlement write other instances sharing the
    /// journal committed, the book first brought up to date with what they appended, so that
    /// `change` decides on the ledgers as they are.
    private func commitShared(
        _ state: inout State, _ work: UnitOfWork = UnitOfWork(), at now: Timestamp,
        _ change: (inout State) throws -> Void
    ) throws {
        guard let journal else {
            try change(&state)
            _ = state.book.takeChange()
            return
        }
        var changed = false
        do {
            state.cursor = try timed {
                try journal.commitSettlement(since: state.cursor) { news in
                    try SettlementJournal.catchUp(&state.book, with: news)
                    try change(&state)
                    changed = true
                    var work = work
                    SettlementJournal.append(state.book.takeChange(), to: &work, at: now)
                    return work
                }
            }
        } catch {
            // The book changed and the journal did not: read the book back as the journal has it
            // (ids it gave out are free again), keeping what working orders promise. A change
            // refused before it was made (a transfer the balance does not cover) left it as it was.
            if changed,
                let (book, cursor) = try? SettlementJournal.loadShared(
                    journal, catalog: catalog, configuration: configuration, retention: .open,
                    keeping: leases.map { Set($0.held.compactMap { try? AccountID($0) }) })
            {
                state.book = book
                state.cursor = cursor
            }
            throw error
        }
    }

    /// Completes and commits one unit of work: `work` holds an order's change, to which the
    /// settlement of its `fills` is added, and the whole is written in one transaction, under the
    /// lock that orders the book's changes. `reservations` (what working children newly promise,
    /// or no longer do) are applied with it.
    func commit(_ work: UnitOfWork, fills: [TradeExecution], reservations: [ReservationChange]) throws {
        let now = clock.now()
        try state.withLock { state in
            apply(reservations, to: &state)
            guard !fills.isEmpty else {
                // Nothing settles: the order's rows alone, without waiting on the other instances' settlement writes.
                if let journal, !work.isEmpty { try timed { try journal.commit(work) } }
                return
            }
            try commitShared(&state, work, at: now) { state in
                for fill in fills { state.book.record(fill) }
            }
        }
    }

    /// Runs a journal commit, timing it.
    private func timed<T>(_ commit: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { instruments.journalCommit(nanoseconds: (ContinuousClock.now - start).nanoseconds) }
        return try commit()
    }

    /// Applies what working children newly promise (or no longer do), writing nothing: an open
    /// order read back from the journal.
    func reserve(_ reservations: [ReservationChange]) {
        state.withLock { state in apply(reservations, to: &state) }
    }

    private func apply(_ reservations: [ReservationChange], to state: inout State) {
        for reservation in reservations {
            guard let venue = catalog.venue(reservation.venue) else { continue }
            let location: CustodyLocation
            if case .token(let symbol) = reservation.asset {
                location = venue.tokenLocation(symbol)
            } else {
                location = venue.cashLeg.location
            }
            let key = Reservation(account: reservation.account, asset: reservation.asset, location: location)
            state.reserved[key, default: 0] += reservation.amount
            if state.reserved[key] == 0 { state.reserved[key] = nil }
        }
    }

    /// The accounts the sanctions list matches now: their settlements fail rather than deliver.
    public func setSanctioned(_ accounts: [AccountID: String]) {
        state.withLock { $0.book.sanctioned = accounts }
    }

    /// Processes what is due by `now` (the scheduler calls this; the demo passes a later, simulated time).
    public func advance(to now: Timestamp) throws {
        try state.withLock { state in
            try commitShared(&state, at: now) { state in state.book.advance(to: now) }
        }
    }

    /// Moves an account's free tokens from one location to another (to position them for a sale).
    public func requestTransfer(
        account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation,
        to: CustodyLocation
    ) throws -> CustodyTransfer {
        let now = clock.now()
        return try state.withLock { state in
            var made: CustodyTransfer?
            try commitShared(&state, at: now) { state in
                let free = state.unpromised(account, .token(symbol), at: from)
                guard free >= quantity.rawValue else {
                    throw SettlementError(
                        code: RejectCode.insufficientHolding.rawValue, field: "quantity",
                        message:
                            "\(account) has \(Quantity(rawValue: free)) \(symbol) free at \(from) (after open sell orders), not \(quantity)"
                    )
                }
                made = try state.book.requestTransfer(
                    account: account, symbol: symbol, quantity: quantity, from: from, to: to, at: now)
            }
            return made!
        }
    }

    /// Tokens an order moves before it sells them (``PreTradeChecks/transferPlan(_:book:positions:now:)``).
    public struct TransferRequest: Sendable, Hashable {
        public var account: AccountID
        public var symbol: Symbol
        public var quantity: Quantity
        public var from: CustodyLocation
        public var to: CustodyLocation
        public var order: Int64

        public init(
            account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation, to: CustodyLocation,
            order: Int64
        ) {
            self.account = account
            self.symbol = symbol
            self.quantity = quantity
            self.from = from
            self.to = to
            self.order = order
        }
    }

    /// Commits `work` (an order's row and events) with the custody transfers it starts, in one
    /// transaction: an order waiting for its tokens always has them on their way. A transfer the
    /// free balance no longer covers (less what working sells promise) is not started; one whose
    /// fee the bank balance does not cover starts failed.
    func commit(_ work: UnitOfWork, starting transfers: [TransferRequest]) throws {
        let now = clock.now()
        try state.withLock { state in
            try commitShared(&state, work, at: now) { state in
                for request in transfers
                where state.unpromised(request.account, .token(request.symbol), at: request.from)
                    >= request.quantity.rawValue
                {
                    _ = try? state.book.requestTransfer(
                        account: request.account, symbol: request.symbol, quantity: request.quantity,
                        from: request.from, to: request.to, parentOrderId: request.order, at: now)
                }
            }
        }
    }

    /// The custody transfers `order` started that are still under way.
    public func openTransfers(of order: Int64) -> [CustodyTransfer] {
        state.withLock { state in
            state.book.openTransfers(of: order)
        }
    }

    // MARK: Subscriptions and cash conversions

    /// Earmarks an account's free cash (for a subscription or a conversion) and commits it with
    /// `work` (its row and event) in one transaction. Refused with `insufficient_cash` when the
    /// free balance at `location`, less what working buy orders there may cost, does not cover `amount`.
    func earmarkCash(
        _ account: AccountID, _ asset: CashAsset, at location: CustodyLocation, amount: Money, reference: String,
        with work: UnitOfWork
    ) throws {
        let now = clock.now()
        try state.withLock { state in
            try commitShared(&state, work, at: now) { state in
                let free = state.unpromised(account, .cash(asset), at: location)
                guard free >= amount.rawValue else {
                    throw SettlementError(
                        code: RejectCode.insufficientCash.rawValue, field: "amount",
                        message:
                            "\(account) has \(Money(rawValue: free)) \(asset.rawValue) free at \(location) (after working buy orders), not \(amount)"
                    )
                }
                try state.book.earmarkCash(account, asset, at: location, amount: amount, reference: reference, at: now)
            }
        }
    }

    /// Earmarks a subscription's cash: ``earmarkCash(_:_:at:amount:reference:with:)`` at its cash leg.
    func reserveSubscription(_ legs: SubscriptionLegs, amount: Money, reference: String, with work: UnitOfWork)
        throws
    {
        try earmarkCash(
            legs.account, legs.cash, at: legs.cashLocation, amount: amount, reference: reference, with: work)
    }

    /// Makes `change` to the ledgers (an allocation, a conversion's outcome) and commits it with
    /// `work` in one transaction.
    func settle(with work: UnitOfWork, _ change: (inout SettlementBook, Timestamp) throws -> Void) throws {
        let now = clock.now()
        try state.withLock { state in
            try commitShared(&state, work, at: now) { state in try change(&state.book, now) }
        }
    }

    /// Settles a subscription's outcome (issued units and the cash paid, the rest refunded) and
    /// commits it with `work` in one transaction.
    func settleSubscription(
        _ legs: SubscriptionLegs, paid: Money, refund: Money, units: Quantity, issuedOn: CalendarDate,
        reference: String, with work: UnitOfWork
    ) throws {
        try settle(with: work) { book, now in
            try book.allocateSubscription(
                legs, paid: paid, refund: refund, units: units, issuedOn: issuedOn, reference: reference, at: now)
        }
    }

    // MARK: Sharing the journal

    /// Takes over the open settlements and custody transfers of `accounts`, which this instance
    /// now owns, as the journal last wrote them.
    public func adopt(_ accounts: Set<AccountID>) throws {
        guard let journal, !accounts.isEmpty else { return }
        let decoder = JSONDecoder()
        let open = SettlementRecord.Status.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        let transferOpen = CustodyTransfer.Status.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        var settlements: [SettlementRecord] = []
        var transfers: [CustodyTransfer] = []
        for account in accounts {
            for status in open {
                settlements += try journal.settlements(SettlementQuery(account: account.rawValue, status: status)).map {
                    try SettlementJournal.settlement($0, decoder: decoder)
                }
            }
            transfers += try journal.transfers(
                account: account.rawValue, settlementIds: [], orUnlinkedOrIn: transferOpen
            )
            .map { try SettlementJournal.transfer($0, decoder: decoder) }
            .filter { !$0.status.isTerminal }
        }
        // Read first the ledger entries the previous owner wrote: checks on these accounts see them.
        let now = clock.now()
        try state.withLock { state in
            try commitShared(&state, at: now) { state in
                for record in settlements { state.book.adopt(record) }
                for transfer in transfers { state.book.adopt(transfer) }
            }
        }
    }

    /// Lets go of `accounts`, which another instance owns now: their records and what their
    /// working orders promised.
    public func forget(_ accounts: Set<AccountID>) {
        state.withLock { state in
            state.book.forget(accounts: accounts)
            state.reserved = state.reserved.filter { !accounts.contains($0.key.account) }
        }
    }

    /// The accounts with a settlement or custody transfer under way here.
    public var accountsWithOpenWork: Set<AccountID> { state.withLock { $0.book.accountsWithOpenWork } }

    // MARK: Reads

    /// A copy of the book as it is now: ledgers, cap table and the records it holds (over a
    /// journal, the open ones; ``wholeBook()`` has every one).
    public func book() -> SettlementBook { state.withLock { $0.book } }

    /// The book with every settlement and transfer there has been: over a journal, read back from
    /// it (a whole-journal read, for the demo, offline views and tests, not for a request path).
    public func wholeBook() throws -> SettlementBook {
        guard let journal else { return book() }
        // One read transaction: a snapshot of what the desk has committed, without holding its lock.
        return try SettlementJournal.load(
            journal, catalog: catalog, configuration: configuration, retention: .everything) ?? book()
    }

    /// Counts over every settlement and transfer there has been (for metrics and summaries).
    public func statistics() -> SettlementBook.Statistics { state.withLock { $0.book.statistics() } }

    /// The settlements `query` picks with the custody transfers they started (and, on a first
    /// unfiltered page, the account's others): over a journal read from it through its indexes, so
    /// a page costs the same on a long day as on a short one.
    public func settlements(_ query: SettlementBook.Query) throws -> SettlementBook.Selection {
        guard let journal else { return state.withLock { $0.book.select(query) } }
        // An order id beyond the journal's range names no parent: -1 matches none.
        let rows = SettlementQuery(
            account: query.account?.rawValue, parentId: query.order.map { Int64(exactly: $0) ?? -1 },
            status: query.status?.rawValue, before: query.before, limit: query.limit.map { $0 + 1 })
        let decoder = JSONDecoder()
        var settlements = try journal.settlements(rows).map { try SettlementJournal.settlement($0, decoder: decoder) }
        var more = false
        if let limit = query.limit, settlements.count > limit {
            more = true
            settlements.removeLast(settlements.count - limit)
        }
        let open = CustodyTransfer.Status.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        let transfers = try journal.transfers(
            account: query.account?.rawValue, settlementIds: settlements.filter { $0.transferId != nil }.map(\.id),
            orUnlinkedOrIn: query.includesOtherTransfers ? open : nil
        ).map { try SettlementJournal.transfer($0, decoder: decoder) }
        return SettlementBook.Selection(settlements: settlements, transfers: transfers, more: more)
    }

    /// What `account` can sell of `symbol` at `venue` now: its free tokens where the venue
    /// settles, less what its working sell orders settling there already promise.
    public func sellable(_ account: AccountID, _ symbol: Symbol, at venue: VenueDefinition) -> Quantity {
        state.withLock { Quantity(rawValue: $0.unpromised(account, .token(symbol), at: venue.tokenLocation(symbol))) }
    }

    /// What `account` can spend at `venue` now: its free cash in the venue's settlement asset where
    /// the venue settles, less what its working buy orders settling there may cost.
    public func spendable(_ account: AccountID, at venue: VenueDefinition) -> Money {
        state.withLock {
            Money(rawValue: $0.unpromised(account, .cash(venue.cashLeg.asset), at: venue.cashLeg.location))
        }
    }

    /// Where `account` holds `symbol` free, by location.
    public func freeHoldings(_ account: AccountID, _ symbol: Symbol) -> [(
        location: CustodyLocation, quantity: Quantity
    )] {
        state.withLock { $0.freeHoldings(account, symbol) }
    }

    /// What `account`'s working orders promise: tokens (sells) and cash (buys), by asset and location.
    public func reservations(of account: AccountID) -> [(asset: LedgerAsset, location: CustodyLocation, amount: Int64)]
    {
        state.withLock { state in
            state.reserved.filter { $0.key.account == account }.map { ($0.key.asset, $0.key.location, $0.value) }
                .sorted { ($0.asset, $0.location) < ($1.asset, $1.location) }
        }
    }
}

extension SettlementDesk {
    /// The settlement book a journal holds, read without changing it (offline `settlements` and
    /// `positions`); nil when the journal has no ledgers yet.
    public static func book(in journal: any JournalStore, catalog: VenueCatalog, configuration: RouterConfiguration)
        throws
        -> SettlementBook?
    {
        try SettlementJournal.load(journal, catalog: catalog, configuration: configuration)
    }
}
