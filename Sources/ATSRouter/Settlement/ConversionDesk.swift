import ATSDomain
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation
import Logging
import Synchronization

/// A cash conversion at a venue (INX's USDC/USD): the account's cash of one asset where the venue
/// keeps it becomes the other asset where the venue keeps that, at the venue's price less its fee.
///
/// `reserved` (the amount earmarked and journalled, sent under the key `<journal tag>-c<id>`) →
/// `completed` (the amount paid to the venue, what it gave credited, in one transaction) or
/// `rejected` (the venue refused it, or a rule did: the earmark released). An answer that did not
/// arrive leaves it `reserved`; ``ConversionDesk/advance()`` sends the same key again.
public struct CashConversionRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case reserved, completed, rejected }

    public var id: Int64
    public var account: AccountID
    public var venue: VenueID
    public var from: CashAsset
    public var fromLocation: CustodyLocation
    public var to: CashAsset
    public var toLocation: CustodyLocation
    public var amount: Money
    public var key: String
    public var status: Status
    public var venueConversionID: String?
    public var price: Price?
    public var fee: Money?
    public var received: Money?
    public var rejection: Rejection?
    /// The buy order it pays for (an order with `allowTransfers`, convert-then-buy).
    public var parentOrderId: Int64?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    var reference: String { "c\(id)" }
}

/// Takes and follows cash conversions; see ``CashConversionRecord``.
public final class ConversionDesk: Sendable {
    let context: RoutingContext
    let journal: (any JournalStore)?
    let leases: (any AccountLeases)?
    let logger: Logger
    struct State: Sendable {
        var memory: [Int64: CashConversionRecord] = [:]
        var lastID: Int64 = 0
        var working: Set<Int64> = []
        /// The last round found nothing open, and none has been taken here since: rounds then skip
        /// the journal read until ``recheckRounds`` have passed (work another instance left behind).
        var foundNoneOpen = false
        var skippedRounds = 0
        /// How many have been taken here: a round's "none open" stands only if none was taken meanwhile.
        var taken = 0
    }
    /// How many rounds an idle desk lets pass between reads of the journal for open work.
    static var recheckRounds: Int { 30 }

    /// Whether a monitor round reads the journal: always while work is open here, else every
    /// ``recheckRounds``. Returns the count of work taken so far, for ``noteOpen(_:since:)``.
    func roundIsDue() -> Int? {
        state.withLock { state in
            guard state.foundNoneOpen, state.skippedRounds < Self.recheckRounds else {
                state.skippedRounds = 0
                return state.taken
            }
            state.skippedRounds += 1
            return nil
        }
    }

    /// What a round found open; "none" counts only if nothing was taken since the round began.
    func noteOpen(_ count: Int, since taken: Int) {
        state.withLock { state in state.foundNoneOpen = count == 0 && state.taken == taken }
    }

    /// Work was just taken here: the next monitor round reads the journal.
    func noteTaken() {
        state.withLock { state in
            state.taken += 1
            state.foundNoneOpen = false
        }
    }
    let state: Mutex<State>

    public init(
        context: RoutingContext, journal: (any JournalStore)?, leases: (any AccountLeases)? = nil,
        logger: Logger = Logger(label: "ats.conversions")
    ) throws {
        self.context = context
        self.journal = journal
        self.leases = leases
        self.logger = logger
        state = Mutex(State(lastID: try journal?.lastConversionID() ?? 0))
    }

    /// Converts `amount` of `from` into `to` at `venue` for `account`: refused (journalled
    /// `rejected`, naming the rule) when the venue lists no such pair for it or the account is not
    /// onboarded there; else earmarked, journalled and sent.
    public func convert(account: AccountID, venue venueID: VenueID, from: CashAsset, to: CashAsset, amount: Money)
        async throws(SubscriptionError) -> CashConversionRecord
    {
        let record = try take(account: account, venue: venueID, from: from, to: to, amount: amount)
        return await follow(record)
    }

    /// Sends a conversion ``take(account:venue:from:to:amount:order:alongside:)`` reserved, unless
    /// a round is sending it already; its state after.
    public func follow(_ record: CashConversionRecord) async -> CashConversionRecord {
        guard record.status == .reserved, begin(record.id) else { return record }
        defer { end(record.id) }
        return await send(record)
    }

    /// The first half of ``convert(account:venue:from:to:amount:)``, sending nothing: refused
    /// (journalled `rejected`, naming the rule), or earmarked and journalled `reserved`, in one
    /// transaction with `alongside` (an order's rows, for an order paid by it: `order`).
    func take(
        account: AccountID, venue venueID: VenueID, from: CashAsset, to: CashAsset, amount: Money,
        order: Int64? = nil, alongside: UnitOfWork = UnitOfWork()
    ) throws(SubscriptionError) -> CashConversionRecord {
        if let leases, !leases.serves(account.rawValue) {
            throw SubscriptionError(
                code: "account_moving", message: "account \(account) is moving between router instances; try again")
        }
        guard let venue = context.catalog.venue(venueID) else {
            throw SubscriptionError(code: "unknown_venue", field: "venue", message: "no venue \(venueID)")
        }
        guard let pair = venue.conversion(from: from, to: to) else {
            throw SubscriptionError(
                code: "unknown_pair", field: "to",
                message: "\(venue.name) converts no \(from.rawValue) into \(to.rawValue)")
        }
        guard let investor = context.configuration.account(account) else {
            throw SubscriptionError(code: "unknown_account", message: "no account \(account)")
        }
        let now = context.clock.now()
        let id = try newID()
        var record = CashConversionRecord(
            id: id, account: account, venue: venue.id, from: from, fromLocation: venue.cashLocation(of: from), to: to,
            toLocation: venue.cashLocation(of: to), amount: amount, key: "\(journal?.tag ?? "r0")-c\(id)",
            status: .reserved, parentOrderId: order, createdAt: now, updatedAt: now)
        let refusal = refusal(of: investor, at: venue, pair: pair, paying: amount, of: from, now: now)
        do {
            if let refusal {
                record.status = .rejected
                record.rejection = refusal
                try journal?.commit(work(record, alongside))
                remember(record)
                return record
            }
            try context.settlement.earmarkCash(
                account, from, at: record.fromLocation, amount: amount, reference: "\(record.reference):reserve",
                with: work(record, alongside))
        } catch let refused as SettlementError {
            record.status = .rejected
            record.rejection = Rejection(RejectCode(rawValue: refused.code), refused.message)
            do { try journal?.commit(work(record, alongside)) } catch {
                throw SubscriptionError(code: "journal_unavailable", message: "the conversion was not taken: \(error)")
            }
            remember(record)
            return record
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "the conversion was not taken: \(error)")
        }
        remember(record)
        noteTaken()
        return record
    }

    /// Why `investor` may not convert `amount` of `from` with `pair` at `venue` now, if anything:
    /// the identity record, onboarding at the venue, an amount that converts to nothing.
    private func refusal(
        of investor: Account, at venue: VenueDefinition, pair: CashConversion, paying amount: Money,
        of from: CashAsset, now: Timestamp
    ) -> Rejection? {
        if let refusal = context.investors.refusal(of: investor.id, security: nil, side: .sell, at: now) {
            return refusal
        }
        if venue.eligibility.kycRequired, investor.kycStatus(at: venue.id) != .approved {
            return Rejection(.kycNotApproved, "\(investor.id) is not onboarded at \(venue.name)")
        }
        if (CashConversion.outcome(amount, from: from, pair: pair, price: pair.price)?.received ?? .zero).rawValue <= 0
        {
            return Rejection(
                RejectCode(rawValue: "conversion_too_small"), "\(amount) converts to nothing after the fee")
        }
        return nil
    }

    /// The reserved conversions that pay for `order`.
    public func openConversions(of order: Int64, account: AccountID) -> [CashConversionRecord] {
        ((try? conversions(account: account, statuses: [.reserved])) ?? []).filter { $0.parentOrderId == order }
    }

    /// Sends a reserved conversion (again) under its key and settles what the venue answered.
    private func send(_ record: CashConversionRecord) async -> CashConversionRecord {
        guard let gateway = context.gateways[record.venue], gateway.adapter is any CashConverter else { return record }
        let (key, from, to, amount) = (record.key, record.from, record.to, record.amount)
        var next = record
        do {
            let done = try await gateway.call("convert") { adapter in
                guard let converter = adapter as? any CashConverter else {
                    throw VenueFailure(
                        venue: record.venue, kind: .notRetryable, code: "no_conversions",
                        message: "\(record.venue) converts no cash")
                }
                return try await converter.convert(key: key, from: from, to: to, amount: amount)
            }
            guard done.from == from, done.to == to, done.amount == amount, done.received.isPositive,
                !done.fee.isNegative
            else {
                logger.error(
                    "venue conversion does not match the request; left reserved", metadata: ["id": "\(record.id)"])
                return record
            }
            next.status = .completed
            (next.venueConversionID, next.price, next.fee, next.received) = (
                done.id, done.price, done.fee, done.received
            )
        } catch let failure as VenueFailure where failure.kind == .notRetryable {
            next.status = .rejected
            next.rejection = Rejection(RejectCode(rawValue: failure.code), failure.message)
        } catch {
            logger.info("conversion not acknowledged; it is sent again", metadata: ["id": "\(record.id)"])
            return record
        }
        next.updatedAt = context.clock.now()
        do {
            try context.settlement.settle(with: work(next)) { book, now in
                try book.settleConversion(
                    next.account, venue: next.venue, from: (next.from, next.fromLocation), amount: next.amount,
                    to: (next.to, next.toLocation), received: next.received, reference: next.reference, at: now)
            }
        } catch {
            logger.error("conversion outcome not journalled; tried again", metadata: ["error": "\(error)"])
            return record
        }
        remember(next)
        return next
    }

    /// Sends again every reserved conversion of the accounts this instance serves.
    public func advance() async { await round(since: state.withLock { $0.taken }) }

    /// A monitor's round: ``advance()`` when it is due (an idle desk reads the journal only every
    /// ``recheckRounds`` rounds).
    func advanceIfDue() async {
        guard let taken = roundIsDue() else { return }
        await round(since: taken)
    }

    private func round(since taken: Int) async {
        guard let open = try? conversions(statuses: [.reserved]) else { return }
        noteOpen(open.count, since: taken)
        for record in open where leases?.serves(record.account.rawValue) ?? true {
            guard begin(record.id) else { continue }
            defer { end(record.id) }
            _ = await send(record)
        }
    }

    /// An account's conversions (everyone's when nil), by id.
    public func conversions(account: AccountID? = nil, statuses: [CashConversionRecord.Status]? = nil) throws
        -> [CashConversionRecord]
    {
        if let journal {
            return try journal.conversions(account: account?.rawValue, statuses: statuses?.map(\.rawValue)).map {
                try JSONDecoder().decode(CashConversionRecord.self, from: Data($0.record.utf8))
            }
        }
        return state.withLock { Array($0.memory.values) }.filter {
            (account == nil || $0.account == account) && (statuses?.contains($0.status) ?? true)
        }.sorted { $0.id < $1.id }
    }

    private func work(_ record: CashConversionRecord, _ alongside: UnitOfWork = UnitOfWork()) -> UnitOfWork {
        var work = alongside
        let json = (try? String(decoding: JSONEncoder().encode(record), as: UTF8.self)) ?? "null"
        work.conversions = [
            ConversionRow(
                id: record.id, account: record.account.rawValue, venue: record.venue.rawValue,
                status: record.status.rawValue, createdAt: record.createdAt.nanosecondsSinceEpoch,
                updatedAt: record.updatedAt.nanosecondsSinceEpoch, record: json)
        ]
        return work
    }

    private func newID() throws(SubscriptionError) -> Int64 {
        do {
            return try state.withLock { state in
                state.lastID = try journal?.newConversionID(after: state.lastID) ?? state.lastID + 1
                return state.lastID
            }
        } catch {
            throw SubscriptionError(code: "journal_unavailable", message: "no conversion id: \(error)")
        }
    }

    private func remember(_ record: CashConversionRecord) {
        guard journal == nil else { return }
        state.withLock { $0.memory[record.id] = record }
    }

    private func begin(_ id: Int64) -> Bool { state.withLock { $0.working.insert(id).inserted } }
    private func end(_ id: Int64) { state.withLock { _ = $0.working.remove(id) } }
}
