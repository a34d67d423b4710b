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
    var records: [Int64: SettlementRecord] = [:]
    var transferRecords: [Int64: CustodyTransfer] = [:]
    /// The last settlement id given (ids are 1, 2, 3, … in the order executions arrive).
    public internal(set) var lastSettlementId: Int64 = 0
    /// The last custody transfer id given.
    public internal(set) var lastTransferId: Int64 = 0
    /// Accounts the sanctions list matches, with why: their settlements fail at the moment of
    /// transfer (`sanctions_match`) rather than deliver (the desk keeps it up to date).
    public var sanctioned: [AccountID: String] = [:]
    /// What the settlements and transfers that have left the book (``Retention/open``) add up to.
    public internal(set) var retired = Statistics()
    var byExecution: [String: Int64] = [:]
    /// Settlements per child key, numbering the fills of executions that do not carry their ``TradeExecution/fillIndex``.
    var fillsPerChild: [String: Int] = [:]
    var openSettlements: Set<Int64> = []
    var openTransfers: Set<Int64> = []
    /// What has changed since the last ``takeChange()``.
    var change = SettlementChange()
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

    mutating func retire(_ record: SettlementRecord) {
        retired.count(record)
        records[record.id] = nil
        byExecution[record.executionKey] = nil
        openSettlements.remove(record.id)
    }

    mutating func retire(_ transfer: CustodyTransfer) {
        retired.count(transfer)
        transferRecords[transfer.id] = nil
        openTransfers.remove(transfer.id)
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

    // MARK: Posting

    mutating func post(_ entry: LedgerEntry) {
        guard entry.amount > 0, ledger.apply(entry) else { return }
        change.entries.append(entry)
    }

    /// Applies every entry or none: the sources must cover what all of them take together.
    mutating func postAll(_ entries: [LedgerEntry]) -> Bool {
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

    mutating func report(_ report: TransferAgentReport) {
        guard capTable.record(report) else { return }
        change.reports.append(report)
    }

    mutating func touch(_ id: Int64) {
        change.settlements.append(records[id]!)
    }
}

extension SettlementRecord {
    var executionKey: String { "\(venue)/\(fillId)" }
}
