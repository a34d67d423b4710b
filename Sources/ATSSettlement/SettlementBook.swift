import ATSDomain
import ATSVenues

/// One fill as settlement receives it from the order manager.
public struct TradeExecution: Sendable, Hashable {
    public var venue: VenueID
    public var fillId: String
    public var orderId: UInt64
    public var childKey: String
    /// The child's number within its order (1 for the first child): with `orderId`, the child's
    /// identity, given rather than read out of `childKey`.
    public var childNumber: Int
    /// The fill's place among its child's fills (0 for the first), part of the settlement's
    /// simulation key. Nil: the book numbers a child's fills itself, in the order it records them
    /// (which only a book that keeps every settlement can do across a restart).
    public var fillIndex: Int?
    public var account: AccountID
    public var symbol: Symbol
    public var side: Side
    public var quantity: Quantity
    public var price: Price
    public var fee: Money
    public var at: Timestamp

    public init(
        venue: VenueID, fillId: String, orderId: UInt64, childKey: String, childNumber: Int, fillIndex: Int? = nil,
        account: AccountID, symbol: Symbol,
        side: Side, quantity: Quantity, price: Price, fee: Money, at: Timestamp
    ) {
        self.venue = venue
        self.fillId = fillId
        self.orderId = orderId
        self.childKey = childKey
        self.childNumber = childNumber
        self.fillIndex = fillIndex
        self.account = account
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.at = at
    }

    var key: String { "\(venue)/\(fillId)" }
}

/// What one step of the settlement state changed, to be written in one transaction: records
/// new or changed (the latest state of each), ledger entries and transfer-agent reports appended.
public struct SettlementChange: Sendable {
    public var settlements: [SettlementRecord] = []
    public var transfers: [CustodyTransfer] = []
    public var entries: [LedgerEntry] = []
    public var reports: [TransferAgentReport] = []

    public init() {}

    public var isEmpty: Bool { settlements.isEmpty && transfers.isEmpty && entries.isEmpty && reports.isEmpty }
}

/// Why a requested custody transfer cannot start.
public struct SettlementError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var field: String?
    public var message: String
    public var description: String { "\(code): \(message)" }

    public init(code: String, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// The settlement state machine as a value: the ledgers, the cap table, the settlements and
/// custody transfers, driven by executions and by the passing of (possibly simulated) time.
///
/// Deterministic: the same executions and the same calls to ``advance(to:)`` give the same
/// state, and the same ``SettlementChange``s, which is what the journal keeps. No I/O.
///
/// What it keeps of finished work is its ``Retention``: a book read offline or kept without a
/// journal keeps every record; the router's book over a journal keeps only open ones, so its
/// memory follows what is under way, not how long it has run.
public struct SettlementBook: Sendable {
    /// Which settlements and custody transfers the book holds.
    public enum Retention: Sendable, Hashable {
        /// Every one (a book read offline, a router without a journal, tests).
        case everything
        /// Only those not yet final: a settled or failed settlement, a completed or failed transfer,
        /// leaves the book once its last change has been taken for the journal (``takeChange()``);
        /// it is counted in ``retired`` and read back from the journal.
        case open
    }

    public let catalog: VenueCatalog
    public let configuration: RouterConfiguration
    public let retention: Retention
    public internal(set) var ledger = Ledger()
    public internal(set) var capTable = CapTable()
    private var records: [Int64: SettlementRecord] = [:]
    private var transferRecords: [Int64: CustodyTransfer] = [:]
    /// The last settlement id given (ids are 1, 2, 3, … in the order executions arrive).
    public private(set) var lastSettlementId: Int64 = 0
    /// The last custody transfer id given.
    public private(set) var lastTransferId: Int64 = 0
    /// What the settlements and transfers that have left the book (``Retention/open``) add up to.
    public private(set) var retired = Statistics()
    private var byExecution: [String: Int64] = [:]
    /// Settlements per child key, numbering the fills of executions that do not carry their ``TradeExecution/fillIndex``.
    private var fillsPerChild: [String: Int] = [:]
    private var openSettlements: Set<Int64> = []
    private var openTransfers: Set<Int64> = []
    /// What has changed since the last ``takeChange()``.
    private var change = SettlementChange()
    let rules = RulesEngine()

    var settings: SettlementSettings { configuration.settlementSettings }

    public init(catalog: VenueCatalog, configuration: RouterConfiguration, retention: Retention = .everything) {
        self.catalog = catalog
        self.configuration = configuration
        self.retention = retention
    }

    /// The changes made since the last call, for the journal. A book that keeps only open work
    /// lets go of what these changes finished.
    public mutating func takeChange() -> SettlementChange {
        defer { change = SettlementChange() }
        if retention == .open {
            for id in Set(change.settlements.map(\.id)) {
                if let record = records[id], record.status.isTerminal { retire(record) }
            }
            for id in Set(change.transfers.map(\.id)) {
                if let transfer = transferRecords[id], transfer.status.isTerminal { retire(transfer) }
            }
        }
        return change
    }

    /// The settlements the book holds, by id (with ``Retention/open``, those still open).
    public var settlements: [SettlementRecord] { records.values.sorted { $0.id < $1.id } }
    /// The custody transfers the book holds, by id (with ``Retention/open``, those still under way).
    public var transfers: [CustodyTransfer] { transferRecords.values.sorted { $0.id < $1.id } }

    public func settlement(id: Int64) -> SettlementRecord? { records[id] }
    public func transfer(id: Int64) -> CustodyTransfer? { transferRecords[id] }

    public func settlement(venue: VenueID, fillId: String) -> SettlementRecord? {
        byExecution["\(venue)/\(fillId)"].flatMap { records[$0] }
    }

    /// Counts of every settlement and transfer there has been, those retired included.
    public func statistics() -> Statistics {
        var statistics = retired
        for record in records.values { statistics.count(record) }
        for transfer in transferRecords.values { statistics.count(transfer) }
        return statistics
    }

    private mutating func retire(_ record: SettlementRecord) {
        retired.count(record)
        records[record.id] = nil
        byExecution[record.executionKey] = nil
        openSettlements.remove(record.id)
    }

    private mutating func retire(_ transfer: CustodyTransfer) {
        retired.count(transfer)
        transferRecords[transfer.id] = nil
        openTransfers.remove(transfer.id)
    }

    // MARK: Opening balances

    /// Opens the ledgers once, when they are empty: every account's holdings (each lot with its
    /// acquisition date) at its designated custody, its cash, and each venue's counterparties'
    /// inventory of what it lists and of its cash asset. Each issuance is reported to the
    /// transfer agent, so the cap table starts equal to the ledgers.
    public mutating func openLedgers(at now: Timestamp) {
        guard ledger.entryCount == 0 else { return }
        let today = CalendarDate(now)
        for account in configuration.accounts {
            let holder = Holder(account.id)
            for (i, lot) in account.holdings.enumerated() {
                guard let security = configuration.security(lot.symbol), lot.quantity.isPositive else { continue }
                let reference = "genesis:\(account.id):holding\(i)"
                post(
                    LedgerEntry(
                        at: now, asset: .token(lot.symbol), amount: lot.quantity.rawValue, from: nil,
                        to: LedgerAccount(holder, account.designatedCustody(of: security)), reference: reference))
                report(
                    TransferAgentReport(
                        at: now, symbol: lot.symbol, from: nil, to: holder, quantity: lot.quantity,
                        acquiredOn: lot.acquiredOn, reference: reference))
            }
            for (i, cash) in (account.cash ?? []).enumerated() where cash.amount.isPositive {
                post(
                    LedgerEntry(
                        at: now, asset: .cash(cash.asset), amount: cash.amount.rawValue, from: nil,
                        to: LedgerAccount(holder, cash.location), reference: "genesis:\(account.id):cash\(i)"))
            }
        }
        for venue in catalog.venues {
            let street = Holder.counterparty(venue.id)
            for listing in venue.listings where configuration.security(listing.symbol) != nil {
                let reference = "genesis:\(street):\(listing.symbol)"
                post(
                    LedgerEntry(
                        at: now, asset: .token(listing.symbol), amount: settings.counterpartyInventory.rawValue,
                        from: nil,
                        to: LedgerAccount(street, venue.tokenLocation), reference: reference))
                report(
                    TransferAgentReport(
                        at: now, symbol: listing.symbol, from: nil, to: street,
                        quantity: settings.counterpartyInventory,
                        acquiredOn: today, reference: reference))
            }
            let cash = venue.cashLeg
            post(
                LedgerEntry(
                    at: now, asset: .cash(cash.asset), amount: settings.counterpartyCash.rawValue, from: nil,
                    to: LedgerAccount(street, cash.location), reference: "genesis:\(street):cash"))
        }
    }

    // MARK: Executions

    /// Creates the settlement of one execution (nothing if it already has one) and instructs it;
    /// a T+0 trade (atomic DvP, custodial book entry) settles at once.
    public mutating func record(_ execution: TradeExecution) {
        guard byExecution[execution.key] == nil, let venue = catalog.venue(execution.venue) else { return }
        let id = lastSettlementId + 1
        let notional =
            (try? Money.notional(price: execution.price, quantity: execution.quantity, rounding: .halfEven)) ?? .zero
        let cash = venue.cashLeg
        let position: Int
        if let index = execution.fillIndex {
            position = index
        } else {
            position = fillsPerChild[execution.childKey, default: 0]
            fillsPerChild[execution.childKey] = position + 1
        }
        var record = SettlementRecord(
            id: id, venue: venue.id, fillId: execution.fillId, orderId: execution.orderId, childKey: execution.childKey,
            account: execution.account, counterparty: .counterparty(venue.id), symbol: execution.symbol,
            side: execution.side,
            quantity: execution.quantity, price: execution.price, notional: notional, fee: execution.fee,
            model: venue.settlement.model, cycle: venue.settlement.cycle, tokenLocation: venue.tokenLocation,
            cashAsset: cash.asset, cashLocation: cash.location, status: .pending, tradedAt: execution.at,
            dueAt: execution.at,
            simulationKey:
                "\(venue.id)/o\(execution.orderId)/p\(execution.orderId)-c\(execution.childNumber)/\(position)",
            steps: [
                .init(
                    status: .pending, at: execution.at,
                    note:
                        "\(execution.side.rawValue) \(execution.quantity) \(execution.symbol) @ \(execution.price) at \(venue.id) (fill \(execution.fillId))"
                )
            ])
        switch (venue.settlement.model, venue.settlement.cycle) {
        case (.fourStep, _):
            record.deadlineAt = execution.at.adding(seconds: Int64(venue.settlement.deadlineHours ?? 24) * 3_600)
            record.dueAt = record.deadlineAt!
        case (_, .t1):
            record.dueAt = Self.nextBusinessDay(after: execution.at)
        default:
            break
        }
        records[id] = record
        lastSettlementId = id
        byExecution[execution.key] = id
        openSettlements.insert(id)
        instruct(id, at: execution.at)
        if records[id]!.status == .instructed, let time = settleTime(records[id]!), time <= execution.at {
            settle(id, at: execution.at)
        }
        touch(id)
    }

    /// Earmarks both legs: the buyer's cash and the seller's tokens (the account's, and the
    /// counterparty's on the other leg). A leg that is not there fails the settlement at once.
    private mutating func instruct(_ id: Int64, at now: Timestamp) {
        var record = records[id]!
        let account = Holder(record.account)
        let token = LedgerAsset.token(record.symbol)
        let cash = LedgerAsset.cash(record.cashAsset)
        let gross = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let (payer, deliverer) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        let payment = LedgerEntry(
            at: now, asset: cash, amount: gross, from: LedgerAccount(payer, record.cashLocation),
            to: LedgerAccount(payer, record.cashLocation, locked: true), reference: "s\(id):lock-cash")
        let delivery = LedgerEntry(
            at: now, asset: token, amount: record.quantity.rawValue,
            from: LedgerAccount(deliverer, record.tokenLocation),
            to: LedgerAccount(deliverer, record.tokenLocation, locked: true), reference: "s\(id):lock-tokens")
        if !ledger.canApply(payment) {
            let has = Money(rawValue: ledger.balance(payer, cash, at: record.cashLocation).available)
            if payer == account {
                fail(
                    &record, code: "insufficient_cash", ds: nil, at: now,
                    reason:
                        "\(record.account) has \(has) \(record.cashAsset.rawValue) free at \(record.cashLocation); the trade needs \(Money(rawValue: gross))",
                    closeOut: closeOut(record, instructed: false))
            } else {
                fail(
                    &record, code: "counterparty_fail", ds: nil, at: now,
                    reason:
                        "the counterparty at \(record.venue) cannot fund \(Money(rawValue: gross)) \(record.cashAsset.rawValue)",
                    closeOut: closeOut(record, instructed: false))
            }
        } else if !ledger.canApply(delivery) {
            let has = Quantity(rawValue: ledger.balance(deliverer, token, at: record.tokenLocation).available)
            if deliverer == account {
                let total = capTable.quantity(of: account, in: record.symbol)
                fail(
                    &record, code: RejectCode.insufficientHolding.rawValue, ds: 15, at: now,
                    reason:
                        "\(record.account) has \(has) \(record.symbol) free at \(record.tokenLocation) (\(total) in all); the trade delivers \(record.quantity) (DS 15)",
                    closeOut: closeOut(record, instructed: false))
            } else {
                fail(
                    &record, code: "counterparty_fail", ds: nil, at: now,
                    reason:
                        "the counterparty at \(record.venue) has \(has) \(record.symbol) to deliver, not \(record.quantity)",
                    closeOut: closeOut(record, instructed: false))
            }
        } else {
            post(payment)
            post(delivery)
            record.status = .instructed
            let note: String
            switch (record.model, record.cycle) {
            case (.fourStep, _):
                note =
                    "the venue notified both parties; they settle bilaterally (\(record.cashAsset.rawValue) by wire, tokens wallet to wallet) by the deadline \(record.deadlineAt!)"
            case (_, .t1):
                note = "instructed for settlement on the next business day, \(record.dueAt)"
            case (.threeStep, _):
                note =
                    "the match triggered the standing settlement instructions: \(record.cashAsset.rawValue) escrowed at \(record.cashLocation), tokens approved for delivery at \(record.tokenLocation)"
            case (.custodialBookEntry, _):
                note = "book-entry transfer instructed at the \(record.venue) custodian"
            }
            record.steps.append(.init(status: .instructed, at: now, note: note))
        }
        records[id] = record
        if record.status.isTerminal { openSettlements.remove(id) }
    }

    /// When an instructed settlement's legs move: its due time, or for four-step the time the
    /// simulated parties settle (nil when they never do; it then fails at the deadline).
    func settleTime(_ record: SettlementRecord) -> Timestamp? {
        guard record.model == .fourStep else { return record.dueAt }
        let outcome = fourStepOutcome(record)
        return outcome.fails ? nil : record.tradedAt.adding(seconds: Int64(outcome.minutes) * 60)
    }

    /// The simulated bilateral settlement of a four-step trade: after how many minutes the
    /// parties settle, or whether the counterparty never does. A function of the seed and the
    /// execution, so a restart replays the same outcome.
    func fourStepOutcome(_ record: SettlementRecord) -> (minutes: Int, fails: Bool) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in record.simulationKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var random = SplitMix64(seed: settings.seed ^ hash)
        let span = settings.fourStepMaximumMinutes - settings.fourStepMinimumMinutes + 1
        let minutes = settings.fourStepMinimumMinutes + random.below(span)
        return (minutes, random.below(10_000) < settings.fourStepFailuresPer10000)
    }

    /// Moves both legs at once, after checking the token's transfer rules again (DS Protocol's
    /// `preTransferCheck` at the moment of transfer); reports the change of ownership to the
    /// transfer agent; sends a buy's tokens on to the account's designated custody.
    private mutating func settle(_ id: Int64, at now: Timestamp) {
        var record = records[id]!
        guard record.status == .instructed else { return }
        let account = Holder(record.account)
        if let investor = configuration.account(record.account), let security = configuration.security(record.symbol),
            let refusal = rules.transferViolations(
                side: record.side, quantity: record.quantity, account: accountView(investor),
                security: security, at: now, holders: capTable.accountHolders(of: record.symbol),
                stopAtFirst: true
            ).first
        {
            release(record, at: now)
            fail(
                &record, code: refusal.code.rawValue, ds: refusal.code.dsProtocolCode, at: now,
                reason: "the token's transfer check at settlement refused it: \(refusal.message)",
                closeOut: closeOut(record, instructed: true))
            records[id] = record
            openSettlements.remove(id)
            return
        }
        let token = LedgerAsset.token(record.symbol)
        let cash = LedgerAsset.cash(record.cashAsset)
        let (buyer, seller) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        let buyerPays = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let fee = record.fee.rawValue
        var legs = [
            LedgerEntry(
                at: now, asset: token, amount: record.quantity.rawValue,
                from: LedgerAccount(seller, record.tokenLocation, locked: true),
                to: LedgerAccount(buyer, record.tokenLocation), reference: "s\(id):deliver"),
            LedgerEntry(
                at: now, asset: cash, amount: buyerPays - fee,
                from: LedgerAccount(buyer, record.cashLocation, locked: true),
                to: LedgerAccount(seller, record.cashLocation), reference: "s\(id):pay"),
        ]
        if fee > 0 {
            legs.append(
                LedgerEntry(
                    at: now, asset: cash, amount: fee, from: LedgerAccount(buyer, record.cashLocation, locked: true),
                    to: LedgerAccount(.fees(record.venue), record.cashLocation), reference: "s\(id):fee"))
        }
        let transfer = TransferAgentReport(
            at: now, symbol: record.symbol, from: seller, to: buyer, quantity: record.quantity,
            acquiredOn: CalendarDate(now), reference: "s\(id)")
        guard postAll(legs), capTable.canRecord(transfer) else {
            release(record, at: now)
            fail(
                &record, code: "ledger_inconsistent", ds: nil, at: now,
                reason: "the earmarked legs were not found in the ledgers", closeOut: closeOut(record, instructed: true)
            )
            records[id] = record
            openSettlements.remove(id)
            return
        }
        report(transfer)
        record.status = .settled
        record.settledAt = now
        let how: String
        switch record.model {
        case .threeStep:
            how =
                "atomic DvP: \(record.quantity) \(record.symbol) and \(Money(rawValue: buyerPays)) \(record.cashAsset.rawValue) moved together"
        case .custodialBookEntry: how = "book entry at the \(record.venue) custodian"
        case .fourStep: how = "the parties settled bilaterally"
        }
        record.steps.append(
            .init(
                status: .settled, at: now,
                note: "\(how); reported to the transfer agent (acquired \(CalendarDate(now)))"))
        records[id] = record
        openSettlements.remove(id)
        if record.side == .buy, let investor = configuration.account(record.account),
            let security = configuration.security(record.symbol)
        {
            let destination = investor.designatedCustody(of: security)
            if destination != record.tokenLocation {
                let transferId = startTransfer(
                    account: record.account, symbol: record.symbol, quantity: record.quantity,
                    from: record.tokenLocation, to: destination, settlementId: id,
                    reason: "consolidate settlement \(id) into \(record.account)'s designated custody", at: now)
                records[id]!.transferId = transferId
            }
        }
    }

    /// Releases both legs' earmarks.
    private mutating func release(_ record: SettlementRecord, at now: Timestamp) {
        let account = Holder(record.account)
        let gross = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let (payer, deliverer) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        post(
            LedgerEntry(
                at: now, asset: .cash(record.cashAsset), amount: gross,
                from: LedgerAccount(payer, record.cashLocation, locked: true),
                to: LedgerAccount(payer, record.cashLocation), reference: "s\(record.id):release-cash"))
        post(
            LedgerEntry(
                at: now, asset: .token(record.symbol), amount: record.quantity.rawValue,
                from: LedgerAccount(deliverer, record.tokenLocation, locked: true),
                to: LedgerAccount(deliverer, record.tokenLocation), reference: "s\(record.id):release-tokens"))
    }

    private mutating func fail(
        _ record: inout SettlementRecord, code: String, ds: Int?, at now: Timestamp, reason: String, closeOut: String
    ) {
        record.status = .failed
        record.failure = .init(code: code, dsProtocolCode: ds, reason: reason, closeOut: closeOut)
        record.steps.append(.init(status: .failed, at: now, note: "\(code): \(reason)"))
    }

    private func closeOut(_ record: SettlementRecord, instructed: Bool) -> String {
        let nothing = instructed ? "earmarks released, neither leg moved" : "nothing was earmarked or moved"
        switch record.model {
        case .threeStep:
            return
                "the atomic DvP did not execute (\(nothing)); the trade is broken with the counterparty at \(record.venue) and reported as a fail"
        case .custodialBookEntry:
            return
                "the custodian did not book the transfer (\(nothing)); the trade is cancelled at \(record.venue) and reported as a fail"
        case .fourStep:
            return
                "closed out: \(record.venue) cancels the trade after its deadline (\(nothing)); the fail is reported to both parties"
        }
    }

    // MARK: Time

    /// Processes everything due by `now`, in time order: settlements whose legs move, four-step
    /// trades past their deadline, custody-transfer hops that arrive. Each is recorded at its own
    /// due time, so advancing a simulated clock by a day gives the same records as living through it.
    public mutating func advance(to now: Timestamp) {
        while true {
            var due: [(at: Timestamp, kind: Int, id: Int64)] = []
            for id in openSettlements {
                let record = records[id]!
                guard record.status == .instructed else { continue }
                if let time = settleTime(record) {
                    if time <= now { due.append((time, 0, id)) }
                } else if let deadline = record.deadlineAt, deadline <= now {
                    due.append((deadline, 1, id))
                }
            }
            for id in openTransfers {
                let transfer = transferRecords[id]!
                if transfer.status == .inFlight, let arrives = transfer.hops[transfer.currentHop].arrivesAt,
                    arrives <= now
                {
                    due.append((arrives, 2, id))
                }
            }
            guard !due.isEmpty else { return }
            due.sort { ($0.at, $0.kind, $0.id) < ($1.at, $1.kind, $1.id) }
            for event in due {
                switch event.kind {
                case 0:
                    settle(event.id, at: event.at)
                    touch(event.id)
                case 1:
                    var record = records[event.id]!
                    release(record, at: event.at)
                    let what = record.side == .buy ? "deliver the tokens" : "pay"
                    fail(
                        &record, code: "counterparty_fail", ds: nil, at: event.at,
                        reason: "the counterparty did not \(what) by the venue's deadline \(event.at)",
                        closeOut: closeOut(record, instructed: true))
                    records[event.id] = record
                    openSettlements.remove(event.id)
                    touch(event.id)
                default:
                    arrive(event.id, at: event.at)
                }
            }
        }
    }

    /// The next business day (Monday to Friday) after `time`, same time of day.
    static func nextBusinessDay(after time: Timestamp) -> Timestamp {
        var next = time.adding(seconds: 86_400)
        while true {
            let days = next.nanosecondsSinceEpoch / 86_400_000_000_000
            let weekday = (days + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
            if weekday != 0 && weekday != 6 { return next }
            next = next.adding(seconds: 86_400)
        }
    }

    // MARK: Custody transfers

    /// The hops from one location to another: out of a custodian to its chain, across a bridge,
    /// into a custodian.
    func route(from: CustodyLocation, to: CustodyLocation) -> [CustodyTransfer.Hop] {
        func chain(_ location: CustodyLocation) -> String? {
            switch location {
            case .wallet(let chain): return chain
            case .custodian(let venue): return catalog.venue(venue)?.chain
            case .bank, .transit: return nil
            }
        }
        guard from != to, let destinationChain = chain(to) else { return [] }
        var hops: [CustodyTransfer.Hop] = []
        var here = from
        if case .custodian = here, let onChain = chain(here) {
            hops.append(
                .init(
                    kind: .withdrawal, from: here, to: .wallet(chain: onChain),
                    minutes: settings.custodianTransferMinutes, fee: .zero))
            here = .wallet(chain: onChain)
        }
        if case .wallet(let current) = here, current != destinationChain {
            hops.append(
                .init(
                    kind: .bridge, from: here, to: .wallet(chain: destinationChain), minutes: settings.bridgeMinutes,
                    fee: settings.bridgeFee))
            here = .wallet(chain: destinationChain)
        }
        if case .custodian = to, here != to {
            hops.append(
                .init(kind: .deposit, from: here, to: to, minutes: settings.custodianTransferMinutes, fee: .zero))
        }
        return hops
    }

    /// Moves tokens an account holds at one location to another (to position them for a sale at
    /// a venue that settles there). Refused when they are not free there or no route exists.
    public mutating func requestTransfer(
        account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation,
        to: CustodyLocation, at now: Timestamp
    ) throws(SettlementError) -> CustodyTransfer {
        guard quantity.isPositive else {
            throw SettlementError(
                code: "quantity_not_positive", field: "quantity", message: "quantity must be greater than zero")
        }
        guard from != to else {
            throw SettlementError(code: "same_location", field: "to", message: "the tokens are already at \(to)")
        }
        guard !route(from: from, to: to).isEmpty, from != .transit, from != .bank else {
            throw SettlementError(
                code: "no_route", field: "to", message: "tokens cannot be moved from \(from) to \(to)")
        }
        let free = Quantity(rawValue: ledger.balance(Holder(account), .token(symbol), at: from).available)
        guard free >= quantity else {
            throw SettlementError(
                code: RejectCode.insufficientHolding.rawValue, field: "quantity",
                message: "\(account) has \(free) \(symbol) free at \(from), not \(quantity)")
        }
        let id = startTransfer(
            account: account, symbol: symbol, quantity: quantity, from: from, to: to, settlementId: nil,
            reason: "requested: position \(symbol) at \(to)", at: now)
        return transferRecords[id]!
    }

    private mutating func startTransfer(
        account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation,
        to: CustodyLocation, settlementId: Int64?, reason: String, at now: Timestamp
    ) -> Int64 {
        let id = lastTransferId + 1
        lastTransferId = id
        transferRecords[id] =
            (CustodyTransfer(
                id: id, account: account, symbol: symbol, quantity: quantity, from: from, to: to,
                settlementId: settlementId, reason: reason, status: .pending, hops: route(from: from, to: to),
                currentHop: 0, createdAt: now))
        openTransfers.insert(id)
        startHop(id, at: now)
        return id
    }

    /// Starts the current hop: the fee is paid (in dollars from the account's bank balance) and
    /// the tokens leave for transit.
    private mutating func startHop(_ id: Int64, at now: Timestamp) {
        var transfer = transferRecords[id]!
        let holder = Holder(transfer.account)
        var hop = transfer.hops[transfer.currentHop]
        var legs = [
            LedgerEntry(
                at: now, asset: .token(transfer.symbol), amount: transfer.quantity.rawValue,
                from: LedgerAccount(holder, hop.from), to: LedgerAccount(holder, .transit),
                reference: "t\(id):hop\(transfer.currentHop + 1):out")
        ]
        if hop.fee.isPositive {
            legs.append(
                LedgerEntry(
                    at: now, asset: .cash(.usd), amount: hop.fee.rawValue, from: LedgerAccount(holder, .bank),
                    to: LedgerAccount(.bridgeFees, .bank), reference: "t\(id):hop\(transfer.currentHop + 1):fee"))
        }
        if postAll(legs) {
            hop.startedAt = now
            hop.arrivesAt = now.adding(seconds: Int64(hop.minutes) * 60)
            transfer.hops[transfer.currentHop] = hop
            transfer.status = .inFlight
        } else {
            let free = Quantity(rawValue: ledger.balance(holder, .token(transfer.symbol), at: hop.from).available)
            let bank = Money(rawValue: ledger.balance(holder, .cash(.usd), at: .bank).available)
            transfer.status = .failed
            transfer.failure =
                free < transfer.quantity
                ? "\(hop.kind.rawValue) from \(hop.from): only \(free) \(transfer.symbol) free there; the tokens stay at \(hop.from)"
                : "\(hop.kind.rawValue) fee \(hop.fee) USD not payable from the bank balance (\(bank)); the tokens stay at \(hop.from)"
            transfer.completedAt = now
            openTransfers.remove(id)
        }
        transferRecords[id] = transfer
        change.transfers.append(transfer)
    }

    private mutating func arrive(_ id: Int64, at now: Timestamp) {
        var transfer = transferRecords[id]!
        let holder = Holder(transfer.account)
        let hop = transfer.hops[transfer.currentHop]
        post(
            LedgerEntry(
                at: now, asset: .token(transfer.symbol), amount: transfer.quantity.rawValue,
                from: LedgerAccount(holder, .transit),
                to: LedgerAccount(holder, hop.to), reference: "t\(id):hop\(transfer.currentHop + 1):in"))
        transfer.hops[transfer.currentHop].completedAt = now
        transfer.currentHop += 1
        if transfer.currentHop == transfer.hops.count {
            transfer.status = .completed
            transfer.completedAt = now
            openTransfers.remove(id)
            transferRecords[id] = transfer
            change.transfers.append(transfer)
        } else {
            transfer.status = .pending
            transferRecords[id] = transfer
            startHop(id, at: now)
        }
    }

    // MARK: Positions

    /// `account` with its holdings as the cap table has them (lots with acquisition dates):
    /// what the rules check for holding periods, holding limits and disposals.
    public func accountView(_ account: Account) -> Account {
        var view = account
        let holder = Holder(account.id)
        view.holdings = configuration.securities.flatMap { security in
            capTable.lots(of: holder, in: security.symbol).map {
                Account.Holding(symbol: security.symbol, quantity: $0.quantity, acquiredOn: $0.acquiredOn)
            }
        }
        return view
    }

    // MARK: Restoring

    /// Replays one ledger entry the journal kept (the `number`th, from 1, for the error).
    public mutating func replay(_ entry: LedgerEntry, number: Int) throws(SettlementError) {
        guard ledger.apply(entry) else {
            throw SettlementError(
                code: "journal_inconsistent", field: nil,
                message: "ledger entry \(number) (\(entry.reference)) does not apply")
        }
    }

    /// Replays one transfer-agent report the journal kept.
    public mutating func replay(_ report: TransferAgentReport, number: Int) throws(SettlementError) {
        guard capTable.record(report) else {
            throw SettlementError(
                code: "journal_inconsistent", field: nil,
                message: "transfer-agent report \(number) (\(report.reference)) does not apply")
        }
    }

    /// Takes back a settlement as the journal last wrote it; the journal's come in id order, 1, 2, 3, ….
    /// A final one only counts in ``retired`` when the book keeps only open work.
    public mutating func restore(_ record: SettlementRecord) throws(SettlementError) {
        guard record.id == lastSettlementId + 1 else {
            throw SettlementError(
                code: "journal_inconsistent", field: nil, message: "settlement ids are not contiguous at \(record.id)")
        }
        lastSettlementId = record.id
        if retention == .everything { fillsPerChild[record.childKey, default: 0] += 1 }
        if retention == .open && record.status.isTerminal {
            retired.count(record)
            return
        }
        records[record.id] = record
        byExecution[record.executionKey] = record.id
        if !record.status.isTerminal { openSettlements.insert(record.id) }
    }

    /// Takes back a custody transfer as the journal last wrote it, in id order.
    public mutating func restore(_ transfer: CustodyTransfer) throws(SettlementError) {
        guard transfer.id == lastTransferId + 1 else {
            throw SettlementError(
                code: "journal_inconsistent", field: nil, message: "transfer ids are not contiguous at \(transfer.id)")
        }
        lastTransferId = transfer.id
        if retention == .open && transfer.status.isTerminal {
            retired.count(transfer)
            return
        }
        transferRecords[transfer.id] = transfer
        if !transfer.status.isTerminal { openTransfers.insert(transfer.id) }
    }

    // MARK: Posting

    private mutating func post(_ entry: LedgerEntry) {
        guard entry.amount > 0, ledger.apply(entry) else { return }
        change.entries.append(entry)
    }

    /// Applies every entry or none: the sources must cover what all of them take together.
    private mutating func postAll(_ entries: [LedgerEntry]) -> Bool {
        var needed: [LedgerAccountKey: Int64] = [:]
        for entry in entries {
            guard entry.amount >= 0 else { return false }
            if let from = entry.from {
                needed[LedgerAccountKey(account: from, asset: entry.asset), default: 0] += entry.amount
            }
        }
        for (key, amount) in needed {
            let balance = ledger.balance(key.account.holder, key.asset, at: key.account.location)
            if (key.account.locked ? balance.locked : balance.available) < amount { return false }
        }
        for entry in entries { post(entry) }
        return true
    }

    private struct LedgerAccountKey: Hashable {
        var account: LedgerAccount
        var asset: LedgerAsset
    }

    private mutating func report(_ report: TransferAgentReport) {
        guard capTable.record(report) else { return }
        change.reports.append(report)
    }

    private mutating func touch(_ id: Int64) {
        change.settlements.append(records[id]!)
    }
}

extension SettlementRecord {
    var executionKey: String { "\(venue)/\(fillId)" }
}
