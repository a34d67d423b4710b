/// The journal as the order manager, the settlement desk and the reports see it, whatever keeps it.
///
/// One write: ``commit(_:)`` of a ``UnitOfWork``, all of it in one transaction or none of it,
/// returning only once it is durable (callers acknowledge an order, or send a child, after it
/// returns). Reads see only committed units of work. ``SQLiteJournal`` (GRDB, one file in WAL mode)
/// is the embedded implementation; the journal, recovery and settlement-persistence suites run
/// against this protocol so that another backend runs them unchanged.
///
/// Calls are synchronous, as the router's commit discipline needs: the order manager journals a
/// change before it keeps it, and the settlement desk writes while it holds the lock that orders
/// its changes. A backend reached over the network blocks the calling thread on its own event
/// loop until the server answers, as SQLite blocks it on the disk.
///
/// What a store must enforce itself, not trust its callers for: client order ids unique per
/// account, a child's parent and a fill's child present, each `(venue, fillId)` recorded once
/// (a repeat is ignored, not an error), and order events, ledger entries and cap-table reports
/// never updated or deleted.
public protocol JournalStore: Sendable {
    /// This journal's tag: prefixes the venue idempotency keys of its children.
    var tag: String { get }

    /// Writes `work` in one transaction; nothing of it when it throws.
    func commit(_ work: UnitOfWork) throws

    /// The parents `query` picks, each with its children, fills and decisions.
    func parents(_ query: ParentQuery) throws -> [StoredParent]
    /// One parent with its children, fills and decisions; nil when there is none.
    func storedParent(id: Int64) throws -> StoredParent?
    /// How many parents `query` picks (its limit and order ignored).
    func countParents(_ query: ParentQuery) throws -> Int
    func parent(id: Int64) throws -> ParentRecord?
    /// The parent an account already sent with this client order id, if any (idempotent submission).
    func parent(account: String, clientOrderId: String) throws -> ParentRecord?
    /// The largest parent id used, to continue numbering after a restart.
    func lastParentID() throws -> Int64
    /// Children not in a final state, oldest first.
    func openChildren() throws -> [ChildRecord]
    func executions(of childKey: String) throws -> [ExecutionRecord]
    /// Every execution in the order recorded.
    func allExecutions() throws -> [ExecutionRecord]
    /// `account`'s executions recorded after `sequence` (0: from the first), in the order
    /// recorded, at most `limit`, each with its order's id, symbol and side.
    func fills(account: String, after sequence: Int64, limit: Int) throws -> [FillRow]

    /// The events of the parents `query` picks, in the order appended.
    func events(_ query: ParentQuery) throws -> [EventRecord]
    func events(of parentId: Int64) throws -> [EventRecord]
    /// Every event in the order appended (reports and tests).
    func allEvents() throws -> [EventRecord]
    /// How many events a parent has: its last event's per-order sequence.
    func eventCount(of parentId: Int64) throws -> Int
    /// `account`'s events with a stream sequence above `sequence`, in stream order, at most `limit`.
    func streamEvents(account: String, after sequence: Int64, limit: Int) throws -> [EventRecord]
    /// The highest stream sequence `account`'s events carry (0: none yet).
    func lastStreamSequence(account: String) throws -> Int64

    /// Everything settlement keeps, one row at a time, in one consistent read and nothing held:
    /// ledger entries and cap-table reports in the order appended, then settlements and custody
    /// transfers by id, as last written. What the router rebuilds its book from.
    func readSettlement(
        entries: (LedgerEntryRow) throws -> Void, reports: (CapTableReportRow) throws -> Void,
        settlements: (SettlementRow) throws -> Void, transfers: (CustodyTransferRow) throws -> Void
    ) throws
    /// The settlements `query` picks, as last written.
    func settlements(_ query: SettlementQuery) throws -> [SettlementRow]
    /// `account`'s custody transfers (everyone's when nil) made for one of `settlementIds`, and
    /// when `statuses` is given also those not made for a settlement or in one of `statuses`; by id.
    func transfers(account: String?, settlementIds: [Int64], orUnlinkedOrIn statuses: [String]?) throws
        -> [CustodyTransferRow]

    /// The subscriptions `query` picks, as last written.
    func subscriptions(_ query: SubscriptionQuery) throws -> [SubscriptionRow]
    /// The subscription an account already sent with this client subscription id, if any.
    func subscription(account: String, clientSubscriptionId: String) throws -> SubscriptionRow?
    /// A subscription's events in the order appended.
    func subscriptionEvents(of subscriptionId: Int64) throws -> [SubscriptionEventRow]
    /// A new subscription id, unique among every writer of the journal; `known` is the last this
    /// writer used (a single writer continues from it).
    func newSubscriptionID(after known: Int64) throws -> Int64
    /// The largest subscription id used.
    func lastSubscriptionID() throws -> Int64

    /// `account`'s cash conversions (everyone's when nil), in any of `statuses` (nil: all), by id.
    func conversions(account: String?, statuses: [String]?) throws -> [ConversionRow]
    /// A new conversion id, unique among every writer of the journal.
    func newConversionID(after known: Int64) throws -> Int64
    /// The largest conversion id used.
    func lastConversionID() throws -> Int64

    /// Every investor identity record kept (an account without one has the record its configuration declares).
    func investors() throws -> [InvestorRow]
    /// `account`'s record revisions, oldest first.
    func investorHistory(account: String) throws -> [InvestorEventRow]
    /// The onboardings filed for `account` (everyone's when nil), by account and venue.
    func onboardings(account: String?) throws -> [OnboardingRow]
    /// Compliance alerts, `account`'s (everyone's when nil), in `status` (any when nil), by id.
    func complianceAlerts(account: String?, status: String?) throws -> [ComplianceAlertRow]
    /// A new alert id, unique among every writer of the journal.
    func newAlertID(after known: Int64) throws -> Int64
    /// The largest alert id used.
    func lastAlertID() throws -> Int64

    /// The names of the schema migrations applied, in order.
    /// A FIX session's sequence numbers as last written (nil: never written).
    func fixSession(_ session: String) throws -> FIXSessionRow?
    /// The application messages `session` sent in `epoch` numbered `from` through `through`, in order.
    func fixMessages(session: String, epoch: Int64, from: Int64, through: Int64) throws -> [FIXMessageRow]
    /// The ClOrdIDs `session` used, oldest first.
    func fixOrders(session: String) throws -> [FIXOrderRow]

    func appliedMigrations() throws -> [String]

    // Sharing the journal among instances (`SharedJournal.swift`).

    /// Commits what `build` makes, in one transaction that comes after every settlement write
    /// other writers committed: `build` sees what they appended since `cursor` (and must bring its
    /// own view up to date with it before deciding anything). Returns the cursor past everything
    /// committed up to and including this write. A single writer's store just commits.
    func commitSettlement(since cursor: SettlementCursor, _ build: (SettlementNews) throws -> UnitOfWork) throws
        -> SettlementCursor
    /// A new parent id, unique among every writer of the journal; `known` is the last this writer
    /// used (a single writer continues from it).
    func newParentID(after known: Int64) throws -> Int64
}

/// Everything one change to the router's state writes, committed in one transaction by
/// ``JournalStore/commit(_:)``: an order's change (the parent's new state, its new and changed
/// children, new fills, new decisions and the events describing them) together with what
/// settlement made of it (settlements and custody transfers as last written, new ledger entries
/// and cap-table reports). The order manager fills the order part and hands it to the settlement
/// desk, which adds the settlement part and commits the whole, so the journal never holds a fill
/// without its settlement or a settlement without its fill.
public struct UnitOfWork: Sendable {
    public var insertedParent: ParentRecord?
    public var updatedParent: ParentRecord?
    public var insertedChildren: [ChildRecord] = []
    public var updatedChildren: [ChildRecord] = []
    public var executions: [ExecutionRecord] = []
    public var decisions: [DecisionRecord] = []
    public var events: [EventRecord] = []
    /// Settlements and custody transfers in their latest state (written over the previous one).
    public var settlements: [SettlementRow] = []
    public var transfers: [CustodyTransferRow] = []
    public var ledgerEntries: [LedgerEntryRow] = []
    public var capTableReports: [CapTableReportRow] = []
    /// Subscriptions in their latest state (written over the previous one), and their new events.
    public var subscriptions: [SubscriptionRow] = []
    public var subscriptionEvents: [SubscriptionEventRow] = []
    /// Cash conversions in their latest state (written over the previous one).
    public var conversions: [ConversionRow] = []
    /// Investor records in their new revision, each with its event (a revision already written is
    /// refused: the whole unit of work fails).
    public var investors: [InvestorRow] = []
    public var investorEvents: [InvestorEventRow] = []
    /// Onboardings at venues in their latest state.
    public var onboardings: [OnboardingRow] = []
    /// Compliance alerts in their latest state (not fenced: any instance may close one; only an
    /// account's owner raises them).
    public var alerts: [ComplianceAlertRow] = []
    /// FIX sessions' sequence numbers (written over the previous), the application messages they
    /// sent (append-only) and the ClOrdIDs they used (`docs/fix.md`).
    public var fixSessions: [FIXSessionRow] = []
    public var fixMessages: [FIXMessageRow] = []
    public var fixOrders: [FIXOrderRow] = []
    /// The leases this write is made under: a store shared among instances refuses it, in the
    /// same transaction, unless each is still held (see ``Fence``).
    public var fences: [Fence] = []
    /// The account whose order this changes (a change of children alone has no parent row to say it).
    public var orderAccount: String?

    public init() {}

    /// The accounts whose state this writes: the parent's, and each settlement's and transfer's.
    public var accounts: Set<String> {
        var accounts = Set(
            settlements.map(\.account) + transfers.map(\.account) + subscriptions.map(\.account)
                + conversions.map(\.account) + investors.map(\.account) + onboardings.map(\.account))
        if let account = orderAccount ?? insertedParent?.account ?? updatedParent?.account { accounts.insert(account) }
        return accounts
    }

    public var isEmpty: Bool {
        insertedParent == nil && updatedParent == nil && insertedChildren.isEmpty && updatedChildren.isEmpty
            && executions.isEmpty && decisions.isEmpty && events.isEmpty && settlements.isEmpty && transfers.isEmpty
            && ledgerEntries.isEmpty && capTableReports.isEmpty && subscriptions.isEmpty && subscriptionEvents.isEmpty
            && conversions.isEmpty && investors.isEmpty && investorEvents.isEmpty && onboardings.isEmpty
            && alerts.isEmpty && fixSessions.isEmpty && fixMessages.isEmpty && fixOrders.isEmpty
    }
}

/// What a read of parents asks for: whose, which, and which page (newest first when `limit` is set).
public struct ParentQuery: Sendable, Hashable {
    public var account: String?
    public var status: String?
    public var symbol: String?
    /// Created at or after (nanoseconds since the epoch).
    public var from: Int64?
    /// Created before.
    public var to: Int64?
    /// Only ids below this one (a page's cursor).
    public var before: Int64?
    /// At most this many, newest first; nil: all, oldest first.
    public var limit: Int?

    public init(
        account: String? = nil, status: String? = nil, symbol: String? = nil, from: Int64? = nil, to: Int64? = nil,
        before: Int64? = nil, limit: Int? = nil
    ) {
        self.account = account
        self.status = status
        self.symbol = symbol
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}

/// Which settlements to read: whose, of which parent, in which status, which page.
public struct SettlementQuery: Sendable, Hashable {
    public var account: String?
    public var parentId: Int64?
    public var status: String?
    /// Only ids below this one (a page's cursor).
    public var before: Int64?
    /// At most this many, newest first; nil: all, oldest first.
    public var limit: Int?

    public init(
        account: String? = nil, parentId: Int64? = nil, status: String? = nil, before: Int64? = nil,
        limit: Int? = nil
    ) {
        self.account = account
        self.parentId = parentId
        self.status = status
        self.before = before
        self.limit = limit
    }
}

/// Which subscriptions to read: whose, which, in which statuses, which page.
public struct SubscriptionQuery: Sendable, Hashable {
    public var account: String?
    public var id: Int64?
    /// Any of these statuses; nil: every status.
    public var statuses: [String]?
    /// Only ids below this one (a page's cursor).
    public var before: Int64?
    /// At most this many, newest first; nil: all, oldest first.
    public var limit: Int?

    public init(
        account: String? = nil, id: Int64? = nil, statuses: [String]? = nil, before: Int64? = nil, limit: Int? = nil
    ) {
        self.account = account
        self.id = id
        self.statuses = statuses
        self.before = before
        self.limit = limit
    }
}

/// Everything settlement keeps, as loaded at once (offline views and tests).
public struct StoredSettlement: Sendable {
    public var settlements: [SettlementRow]
    public var transfers: [CustodyTransferRow]
    public var entries: [LedgerEntryRow]
    public var reports: [CapTableReportRow]
}

extension JournalStore {
    /// Every parent with its children, fills and decisions, in id order.
    public func loadAll() throws -> [StoredParent] { try parents(ParentQuery()) }

    /// Everything settlement keeps, held at once: records as last written (by id), entries and
    /// reports in the order appended.
    public func loadSettlement() throws -> StoredSettlement {
        var stored = StoredSettlement(settlements: [], transfers: [], entries: [], reports: [])
        try readSettlement(
            entries: { stored.entries.append($0) }, reports: { stored.reports.append($0) },
            settlements: { stored.settlements.append($0) }, transfers: { stored.transfers.append($0) })
        return stored
    }

    // Single-change shorthands for `commit`, for tests and tools.

    /// Records a new parent and its first event, atomically.
    public func recordParent(_ parent: ParentRecord, event: String = "accepted") throws {
        var work = UnitOfWork()
        work.insertedParent = parent
        work.events = [EventRecord(parentId: parent.id, kind: event, detail: parent.status, at: parent.createdAt)]
        try commit(work)
    }

    /// Updates a parent's state and appends the transition.
    public func updateParent(_ parent: ParentRecord, event: String, at time: Int64) throws {
        var work = UnitOfWork()
        work.updatedParent = parent
        work.events = [EventRecord(parentId: parent.id, kind: event, detail: parent.status, at: time)]
        try commit(work)
    }

    /// Records a child before it is sent.
    public func recordChild(_ child: ChildRecord) throws {
        var work = UnitOfWork()
        work.insertedChildren = [child]
        work.events = [
            EventRecord(
                parentId: child.parentId, childKey: child.clientKey, kind: "child_created", detail: child.status,
                at: child.createdAt)
        ]
        try commit(work)
    }

    /// Updates a child's state with its fills: fills already recorded are kept once.
    public func updateChild(_ child: ChildRecord, fills: [ExecutionRecord], at time: Int64) throws {
        var work = UnitOfWork()
        work.updatedChildren = [child]
        work.executions = fills
        work.events = [
            EventRecord(
                parentId: child.parentId, childKey: child.clientKey, kind: "child_updated", detail: child.status,
                at: time)
        ]
        try commit(work)
    }
}
