/// What a journal shared by several router instances adds to ``JournalStore``: writes fenced by
/// account leases, settlement writes ordered among the instances, parent ids unique across them.
/// The embedded SQLite journal has one writer, the process that opened it: its fences are always
/// held, nothing is ever appended by another writer, and its defaults below are all it needs.

/// A lease's proof of ownership, checked in the transaction that writes for the account: the
/// write is refused unless `owner` still holds the account's lease at `epoch` (an instance whose
/// lease another took over writes nothing more for that account).
public struct Fence: Sendable, Hashable {
    public var account: String
    public var owner: String
    public var epoch: Int64

    public init(account: String, owner: String, epoch: Int64) {
        self.account = account
        self.owner = owner
        self.epoch = epoch
    }
}

/// How far a writer has read the settlement rows every writer appends: the last ledger entry and
/// cap-table report (by sequence) and the highest settlement and custody-transfer ids.
public struct SettlementCursor: Sendable, Hashable {
    public var entries: Int64
    public var reports: Int64
    public var settlements: Int64
    public var transfers: Int64

    public init(entries: Int64 = 0, reports: Int64 = 0, settlements: Int64 = 0, transfers: Int64 = 0) {
        self.entries = entries
        self.reports = reports
        self.settlements = settlements
        self.transfers = transfers
    }
}

/// What other writers appended after a ``SettlementCursor``, in the order they committed it.
public struct SettlementNews: Sendable {
    public var entries: [LedgerEntryRow] = []
    public var reports: [CapTableReportRow] = []
    /// Settlements and transfers others made (new ids), as they wrote them.
    public var settlements: [SettlementRow] = []
    public var transfers: [CustodyTransferRow] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty && reports.isEmpty && settlements.isEmpty && transfers.isEmpty }
}

/// The account leases of the instances sharing a journal, as the commit path needs them.
public protocol LeaseHolder: Sendable {
    /// The fence to write `account`'s state under; nil when this instance does not hold its lease.
    func fence(for account: String) -> Fence?
}

/// A write refused because the instance no longer holds the lease of an account it wrote for.
public struct LeaseLost: Error, CustomStringConvertible {
    public var account: String
    public var detail: String

    public init(account: String, detail: String) {
        self.account = account
        self.detail = detail
    }

    public var description: String { "the lease on account \(account) is not held by this instance: \(detail)" }
}

extension JournalStore {
    /// A single writer's settlement commit: nothing is appended by others, so `build` gets no news.
    public func singleWriterCommitSettlement(
        since cursor: SettlementCursor, _ build: (SettlementNews) throws -> UnitOfWork
    ) throws -> SettlementCursor {
        try commit(build(SettlementNews()))
        return cursor
    }
}

/// An instance serving accounts, and where its API is.
public struct InstanceAddress: Sendable, Hashable {
    public var instance: String
    public var apiURL: String

    public init(instance: String, apiURL: String) {
        self.instance = instance
        self.apiURL = apiURL
    }
}

/// What one lease round changed for this instance.
public struct LeaseChanges: Sendable, Hashable {
    /// Accounts this instance now holds that it did not (or held at an older epoch).
    public var gained: Set<String> = []
    /// Accounts another instance took over (their state here is stale).
    public var lost: Set<String> = []
    /// Accounts this instance gave back (idle ones, to another live instance short of its share).
    public var released: Set<String> = []

    public init() {}

    public var isEmpty: Bool { gained.isEmpty && lost.isEmpty && released.isEmpty }
}

/// The leases of the accounts among the instances sharing a journal, as one instance keeps them.
public protocol AccountLeases: LeaseHolder {
    /// This instance's id.
    var instance: String { get }
    /// How long a lease lasts without renewal: the longest an account waits after its owner dies.
    var leaseTime: Duration { get }
    /// The accounts this instance holds.
    var held: Set<String> { get }
    /// How many instances are alive (this one included), as the last round counted them.
    var liveInstances: Int { get }
    /// The instance holding `account` and its API, as the last round read them; nil when none does.
    func owner(of account: String) -> InstanceAddress?
    /// The instance holding `account` as the database says now (a request that found no owner in
    /// the last round's view); nil when none holds an unexpired lease or the database is unreachable.
    func lookUpOwner(of account: String) -> InstanceAddress?
    /// Whether this instance takes `account`'s requests: it holds the lease and has taken the
    /// account over (``adopted(_:)``). Between the two, writes are fenced but requests wait.
    func serves(_ account: String) -> Bool
    /// Marks accounts whose takeover is done (their open work read from the journal).
    func adopted(_ accounts: Set<String>)
    /// One round: heartbeat, renew, take a fair share, give back `releasable` accounts if over it.
    func refresh(releasable: Set<String>) throws -> LeaseChanges
    /// Gives every lease back and leaves (a clean shutdown: others take the accounts at once).
    func releaseAll() throws
}
