import Foundation
import GRDB

/// The durable journal: SQLite through GRDB, in WAL mode on disk.
///
/// Every write is one transaction through ``apply(_:)`` (the `record…`/`update…` methods are
/// single-change shorthands for it); a method returns only once its write is committed, so
/// callers acknowledge an order, or send a child, after the call returns.
public final class Journal: Sendable {
    /// How far a committed write is durable.
    public enum Durability: String, Sendable, Codable, CaseIterable {
        /// Committed to the operating system (WAL, `synchronous=NORMAL`): survives the process
        /// being killed at any moment; the last commits can be lost only if the machine loses power.
        case process
        /// Also forced to the disk on every commit (`synchronous=FULL`): survives power loss.
        case disk
    }

    let pool: DatabasePool
    /// This journal's tag: prefixes the venue idempotency keys of its children.
    public let tag: String

    /// Why an existing file is not taken as a journal.
    public struct RefusedJournal: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "the journal \(path) is refused: \(reason)" }
    }

    /// Opens the journal at `path`, creating a new one only where there is no file, and applies any
    /// migration not yet applied. A file that is there but is not a whole journal (empty, no
    /// `journal_meta` row or no migrations, a migration this version does not know, a failed
    /// integrity or foreign-key check) is refused with ``RefusedJournal`` naming the file, unless
    /// `initialiseExisting` says the operator wants a new journal made in it.
    /// With `readOnly`, opens an existing journal for reading only: nothing is created or migrated,
    /// and every write fails (the offline `settlements` and `positions` commands).
    public init(
        path: String, durability: Durability = .process, readOnly: Bool = false, initialiseExisting: Bool = false
    ) throws {
        let existed = path != ":memory:" && FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = readOnly
        if !readOnly {
            configuration.prepareDatabase { db in
                try db.execute(sql: durability == .disk ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            }
        }
        if existed && !initialiseExisting,
            ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) == 0
        {
            // Checked before SQLite opens it: opening would write a header, and the file would no longer be as it was.
            throw Self.refusal(path, "it is empty (an empty file has no migrations and no orders)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError where existed && error.resultCode == .SQLITE_NOTADB {
            throw Self.refusal(path, "it is not an SQLite database")
        }
        if existed && !initialiseExisting { try Self.check(pool, path: path) }
        if !readOnly { try JournalSchema.migrator.migrate(pool) }
        tag = try pool.read { db in try String.fetchOne(db, sql: "SELECT tag FROM journal_meta") } ?? "r0"
    }

    /// Refuses an existing file that is not a whole journal: see ``init(path:durability:readOnly:initialiseExisting:)``.
    static func refusal(_ path: String, _ reason: String) -> RefusedJournal {
        RefusedJournal(
            path: path,
            reason: reason + " (move the file away, or start with --initialise-journal to make a new journal in it)")
    }

    static func check(_ pool: DatabasePool, path: String) throws {
        func refuse(_ reason: String) -> RefusedJournal { refusal(path, reason) }
        try pool.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard integrity == ["ok"] else {
                throw refuse("the integrity check failed: \(integrity.prefix(3).joined(separator: "; "))")
            }
            let known = JournalSchema.migrator.migrations
            guard try db.tableExists("grdb_migrations") else {
                throw refuse("it has no migrations (an empty or foreign file)")
            }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            guard !applied.isEmpty else { throw refuse("it has no migrations (an empty or foreign file)") }
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw refuse("it has the migration \"\(unknown)\", which this version does not know (a newer journal?)")
            }
            guard try db.tableExists("journal_meta"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal_meta") == 1,
                let tag = try String.fetchOne(db, sql: "SELECT tag FROM journal_meta"), !tag.isEmpty
            else {
                throw refuse("journal_meta does not hold exactly one tag")
            }
            let broken = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            if let first = broken.first {
                let table: String = first[0]
                let parent: String = first[2]
                throw refuse("\(broken.count) row(s) refer to rows that are gone, the first in \(table) (to \(parent))")
            }
        }
    }

    /// Writes one change (a parent's new state, its new and changed children, new fills, new
    /// decisions and the events describing them) in one transaction, through cached statements
    /// (the order path writes several of these per parent).
    public func apply(_ change: JournalChange) throws {
        guard !change.isEmpty else { return }
        try pool.write { db in
            if let p = change.insertedParent {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO parent_order (id, account, clientOrderId, symbol, side, quantity, limitPrice, timeInForce, strategy,
                          includeVenues, excludeVenues, status, note, rejectionCode, rejectionMessage, createdAt, completedAt, cancelRequested)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    p.id, p.account, p.clientOrderId, p.symbol, p.side, p.quantity, p.limitPrice, p.timeInForce,
                    p.strategy, p.includeVenues, p.excludeVenues, p.status, p.note, p.rejectionCode,
                    p.rejectionMessage, p.createdAt, p.completedAt, p.cancelRequested,
                ])
            }
            if let p = change.updatedParent {
                try db.cachedStatement(
                    sql: """
                        UPDATE parent_order SET status = ?, note = ?, rejectionCode = ?, rejectionMessage = ?, completedAt = ?, cancelRequested = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [
                    p.status, p.note, p.rejectionCode, p.rejectionMessage, p.completedAt, p.cancelRequested, p.id,
                ])
            }
            for c in change.insertedChildren {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO child_order (clientKey, parentId, venue, quantity, limitPrice, timeInForce, purpose, decision, status,
                          venueOrderId, filledQuantity, fees, refusalCode, refusalMessage, failure, createdAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    c.clientKey, c.parentId, c.venue, c.quantity, c.limitPrice, c.timeInForce, c.purpose, c.decision,
                    c.status, c.venueOrderId, c.filledQuantity, c.fees, c.refusalCode, c.refusalMessage, c.failure,
                    c.createdAt,
                ])
            }
            for c in change.updatedChildren {
                try db.cachedStatement(
                    sql: """
                        UPDATE child_order SET status = ?, venueOrderId = ?, filledQuantity = ?, fees = ?, refusalCode = ?, refusalMessage = ?,
                          failure = ? WHERE clientKey = ?
                        """
                ).execute(arguments: [
                    c.status, c.venueOrderId, c.filledQuantity, c.fees, c.refusalCode, c.refusalMessage, c.failure,
                    c.clientKey,
                ])
            }
            for e in change.executions {
                try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO execution (venue, fillId, childKey, quantity, price, fee, recordedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [e.venue, e.fillId, e.childKey, e.quantity, e.price, e.fee, e.recordedAt])
            }
            for d in change.decisions {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO routing_decision (parentId, position, attempt, at, evidence) VALUES (?, ?, ?, ?, ?)"
                )
                .execute(arguments: [d.parentId, d.position, d.attempt, d.at, d.evidence])
            }
            for e in change.events {
                try db.cachedStatement(
                    sql: "INSERT INTO order_event (parentId, childKey, kind, detail, at) VALUES (?, ?, ?, ?, ?)"
                )
                .execute(arguments: [e.parentId, e.childKey, e.kind, e.detail, e.at])
            }
            for s in change.settlements {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO settlement (id, venue, fillId, parentId, account, symbol, model, status, updatedAt, record)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt, record = excluded.record
                        """
                ).execute(arguments: [
                    s.id, s.venue, s.fillId, s.parentId, s.account, s.symbol, s.model, s.status, s.updatedAt, s.record,
                ])
            }
            for t in change.transfers {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO custody_transfer (id, account, symbol, settlementId, status, updatedAt, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt, record = excluded.record
                        """
                ).execute(arguments: [t.id, t.account, t.symbol, t.settlementId, t.status, t.updatedAt, t.record])
            }
            for e in change.ledgerEntries {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO ledger_entry (at, asset, amount, fromHolder, fromLocation, fromLocked, toHolder, toLocation, toLocked, reference)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    e.at, e.asset, e.amount, e.fromHolder, e.fromLocation, e.fromLocked, e.toHolder, e.toLocation,
                    e.toLocked, e.reference,
                ])
            }
            for r in change.capTableReports {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO cap_table_report (at, symbol, fromHolder, toHolder, quantity, acquiredOn, reference) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [r.at, r.symbol, r.fromHolder, r.toHolder, r.quantity, r.acquiredOn, r.reference])
            }
        }
    }

    /// Everything settlement keeps: records as last written (by id), entries and reports in the order appended.
    public func loadSettlement() throws -> StoredSettlement {
        try pool.read { db in
            guard try db.tableExists("settlement") else {
                return StoredSettlement(settlements: [], transfers: [], entries: [], reports: [])
            }
            return StoredSettlement(
                settlements: try SettlementRow.order(Column("id")).fetchAll(db),
                transfers: try CustodyTransferRow.order(Column("id")).fetchAll(db),
                entries: try LedgerEntryRow.order(Column("sequence")).fetchAll(db),
                reports: try CapTableReportRow.order(Column("sequence")).fetchAll(db))
        }
    }

    /// Everything settlement keeps, one row at a time, in one read (a consistent snapshot) and
    /// nothing held: ledger entries and cap-table reports in the order appended, then settlements
    /// and custody transfers by id, as last written. What the router rebuilds its book from.
    public func readSettlement(
        entries: (LedgerEntryRow) throws -> Void, reports: (CapTableReportRow) throws -> Void,
        settlements: (SettlementRow) throws -> Void, transfers: (CustodyTransferRow) throws -> Void
    ) throws {
        try pool.read { db in
            guard try db.tableExists("settlement") else { return }
            let entryRows = try LedgerEntryRow.order(Column("sequence")).fetchCursor(db)
            while let row = try entryRows.next() { try entries(row) }
            let reportRows = try CapTableReportRow.order(Column("sequence")).fetchCursor(db)
            while let row = try reportRows.next() { try reports(row) }
            let settlementRows = try SettlementRow.order(Column("id")).fetchCursor(db)
            while let row = try settlementRows.next() { try settlements(row) }
            let transferRows = try CustodyTransferRow.order(Column("id")).fetchCursor(db)
            while let row = try transferRows.next() { try transfers(row) }
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

    /// The settlements `query` picks, as last written.
    /// - Complexity: reads through the indexes by account and by parent.
    public func settlements(_ query: SettlementQuery) throws -> [SettlementRow] {
        try pool.read { db in
            var request = SettlementRow.all()
            if let account = query.account { request = request.filter(Column("account") == account) }
            if let parentId = query.parentId { request = request.filter(Column("parentId") == parentId) }
            if let status = query.status { request = request.filter(Column("status") == status) }
            if let before = query.before { request = request.filter(Column("id") < before) }
            if let limit = query.limit { return try request.order(Column("id").desc).limit(limit).fetchAll(db) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    /// `account`'s custody transfers (everyone's when nil) made for one of `settlementIds`, and
    /// when `statuses` is given also those not made for a settlement or in one of `statuses`; by id.
    public func transfers(account: String?, settlementIds: [Int64], orUnlinkedOrIn statuses: [String]?) throws
        -> [CustodyTransferRow]
    {
        try pool.read { db in
            var which = settlementIds.contains(Column("settlementId"))
            if let statuses { which = which || Column("settlementId") == nil || statuses.contains(Column("status")) }
            var request = CustodyTransferRow.filter(which)
            if let account { request = request.filter(Column("account") == account) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    /// Every parent with its children, fills and decisions, in id order: what the router loads on start.
    public func loadAll() throws -> [StoredParent] {
        try parents(ParentQuery())
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

        func request() -> QueryInterfaceRequest<ParentRecord> {
            var request = ParentRecord.all()
            if let account { request = request.filter(Column("account") == account) }
            if let status { request = request.filter(Column("status") == status) }
            if let symbol { request = request.filter(Column("symbol") == symbol) }
            if let from { request = request.filter(Column("createdAt") >= from) }
            if let to { request = request.filter(Column("createdAt") < to) }
            if let before { request = request.filter(Column("id") < before) }
            if let limit { return request.order(Column("id").desc).limit(limit) }
            return request.order(Column("id"))
        }
    }

    /// The parents `query` picks, each with its children, fills and decisions.
    /// - Complexity: reads only the rows of the parents picked (indexes by account, parent and child).
    public func parents(_ query: ParentQuery) throws -> [StoredParent] {
        try pool.read { db in try Self.stored(query.request(), db) }
    }

    /// One parent with its children, fills and decisions; nil when there is none.
    public func storedParent(id: Int64) throws -> StoredParent? {
        try pool.read { db in try Self.stored(ParentRecord.filter(key: id), db).first }
    }

    /// How many parents `query` picks (its limit and order ignored).
    public func countParents(_ query: ParentQuery) throws -> Int {
        var all = query
        all.limit = nil
        return try pool.read { db in try all.request().fetchCount(db) }
    }

    /// The parents `request` picks with their children, fills and decisions: the other tables are
    /// read through `request` as a subquery, so any number of parents is one statement per table.
    private static func stored(_ request: QueryInterfaceRequest<ParentRecord>, _ db: Database) throws -> [StoredParent]
    {
        let parents = try request.fetchAll(db)
        guard !parents.isEmpty else { return [] }
        let picked = request.select(Column("id"))
        let childRows = ChildRecord.filter(picked.contains(Column("parentId")))
        let children = Dictionary(
            grouping: try childRows.order(Column("createdAt"), Column("rowid")).fetchAll(db), by: \.parentId)
        let executions = Dictionary(
            grouping: try ExecutionRecord.filter(childRows.select(Column("clientKey")).contains(Column("childKey")))
                .order(Column("rowid")).fetchAll(db), by: \.childKey)
        let decisions = Dictionary(
            grouping: try DecisionRecord.filter(picked.contains(Column("parentId"))).order(Column("position"))
                .fetchAll(db), by: \.parentId)
        return parents.map { parent in
            StoredParent(
                parent: parent, children: (children[parent.id] ?? []).map { ($0, executions[$0.clientKey] ?? []) },
                decisions: decisions[parent.id] ?? [])
        }
    }

    /// The events of the parents `query` picks, in order.
    public func events(_ query: ParentQuery) throws -> [EventRecord] {
        try pool.read { db in
            try EventRecord.filter(query.request().select(Column("id")).contains(Column("parentId"))).order(
                Column("sequence")
            ).fetchAll(db)
        }
    }

    /// Every event in order (for reports and tests).
    public func allEvents() throws -> [EventRecord] {
        try pool.read { db in try EventRecord.order(Column("sequence")).fetchAll(db) }
    }

    /// Every execution in the order recorded.
    public func allExecutions() throws -> [ExecutionRecord] {
        try pool.read { db in try ExecutionRecord.order(Column("rowid")).fetchAll(db) }
    }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try JournalSchema.migrator.appliedMigrations(db) }
    }

    /// Records a new parent and its first event, atomically.
    public func recordParent(_ parent: ParentRecord, event: String = "accepted") throws {
        var change = JournalChange()
        change.insertedParent = parent
        change.events = [EventRecord(parentId: parent.id, kind: event, detail: parent.status, at: parent.createdAt)]
        try apply(change)
    }

    /// The parent an account already sent with this client order id, if any (idempotent submission).
    public func parent(account: String, clientOrderId: String) throws -> ParentRecord? {
        try pool.read { db in
            try ParentRecord.filter(Column("account") == account && Column("clientOrderId") == clientOrderId).fetchOne(
                db)
        }
    }

    public func parent(id: Int64) throws -> ParentRecord? {
        try pool.read { db in try ParentRecord.fetchOne(db, key: id) }
    }

    /// Updates a parent's state and appends the transition.
    public func updateParent(_ parent: ParentRecord, event: String, at time: Int64) throws {
        var change = JournalChange()
        change.updatedParent = parent
        change.events = [EventRecord(parentId: parent.id, kind: event, detail: parent.status, at: time)]
        try apply(change)
    }

    /// Records a child before it is sent.
    public func recordChild(_ child: ChildRecord) throws {
        var change = JournalChange()
        change.insertedChildren = [child]
        change.events = [
            EventRecord(
                parentId: child.parentId, childKey: child.clientKey, kind: "child_created", detail: child.status,
                at: child.createdAt)
        ]
        try apply(change)
    }

    /// Updates a child's state with its fills: fills already recorded are kept once.
    public func updateChild(_ child: ChildRecord, fills: [ExecutionRecord], at time: Int64) throws {
        var change = JournalChange()
        change.updatedChildren = [child]
        change.executions = fills
        change.events = [
            EventRecord(
                parentId: child.parentId, childKey: child.clientKey, kind: "child_updated", detail: child.status,
                at: time)
        ]
        try apply(change)
    }

    public func recordDecision(_ decision: DecisionRecord) throws {
        var change = JournalChange()
        change.decisions = [decision]
        try apply(change)
    }

    /// Children not in a final state: what recovery reconciles with the venues on start.
    public func openChildren() throws -> [ChildRecord] {
        try pool.read { db in
            try ChildRecord.filter(["pending", "open", "partially_filled", "unknown"].contains(Column("status"))).order(
                Column("createdAt")
            ).fetchAll(db)
        }
    }

    public func children(of parentId: Int64) throws -> [ChildRecord] {
        try pool.read { db in
            try ChildRecord.filter(Column("parentId") == parentId).order(Column("createdAt")).fetchAll(db)
        }
    }

    public func executions(of childKey: String) throws -> [ExecutionRecord] {
        try pool.read { db in try ExecutionRecord.filter(Column("childKey") == childKey).fetchAll(db) }
    }

    /// How many events a parent has: its last event's per-order sequence.
    public func eventCount(of parentId: Int64) throws -> Int {
        try pool.read { db in try EventRecord.filter(Column("parentId") == parentId).fetchCount(db) }
    }

    public func events(of parentId: Int64) throws -> [EventRecord] {
        try pool.read { db in
            try EventRecord.filter(Column("parentId") == parentId).order(Column("sequence")).fetchAll(db)
        }
    }

    /// The largest parent id used, to continue numbering after a restart.
    public func lastParentID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM parent_order") ?? 0 }
    }
}
