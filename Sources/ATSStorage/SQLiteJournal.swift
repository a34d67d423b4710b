import Foundation
import GRDB

/// The embedded journal: SQLite through GRDB, one file in WAL mode (the default store).
///
/// Every unit of work is one write transaction through cached statements; the database enforces
/// what ``JournalStore`` asks of a store (unique client order ids per account and fills per venue,
/// foreign keys, triggers refusing updates and deletes of events, ledger entries and reports).
public final class SQLiteJournal: JournalStore {
    /// How far a committed write is durable.
    public enum Durability: String, Sendable, Codable, CaseIterable {
        /// Committed to the operating system (WAL, `synchronous=NORMAL`): survives the process
        /// being killed at any moment; the last commits can be lost only if the machine loses power.
        case process
        /// Also forced to the disk on every commit (`synchronous=FULL`): survives power loss.
        case disk
    }

    let pool: DatabasePool
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

    public func commit(_ work: UnitOfWork) throws {
        guard !work.isEmpty else { return }
        try pool.write { db in
            if let p = work.insertedParent {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO parent_order (id, account, clientOrderId, symbol, side, quantity, limitPrice, timeInForce, strategy,
                          includeVenues, excludeVenues, status, note, rejectionCode, rejectionMessage, createdAt, completedAt, cancelRequested,
                          allowTransfers)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    p.id, p.account, p.clientOrderId, p.symbol, p.side, p.quantity, p.limitPrice, p.timeInForce,
                    p.strategy, p.includeVenues, p.excludeVenues, p.status, p.note, p.rejectionCode,
                    p.rejectionMessage, p.createdAt, p.completedAt, p.cancelRequested, p.allowTransfers,
                ])
            }
            if let p = work.updatedParent {
                try db.cachedStatement(
                    sql: """
                        UPDATE parent_order SET status = ?, note = ?, rejectionCode = ?, rejectionMessage = ?, completedAt = ?, cancelRequested = ?,
                          quantity = ?, limitPrice = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [
                    p.status, p.note, p.rejectionCode, p.rejectionMessage, p.completedAt, p.cancelRequested,
                    p.quantity, p.limitPrice, p.id,
                ])
            }
            for c in work.insertedChildren {
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
            for c in work.updatedChildren {
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
            for e in work.executions {
                try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO execution (venue, fillId, childKey, quantity, price, fee, recordedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [e.venue, e.fillId, e.childKey, e.quantity, e.price, e.fee, e.recordedAt])
            }
            for d in work.decisions {
                try db.cachedStatement(
                    sql:
                        "INSERT INTO routing_decision (parentId, position, attempt, at, evidence) VALUES (?, ?, ?, ?, ?)"
                )
                .execute(arguments: [d.parentId, d.position, d.attempt, d.at, d.evidence])
            }
            for e in work.events {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO order_event (parentId, childKey, kind, detail, at, account, orderSequence, streamSequence, payload)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                )
                .execute(arguments: [
                    e.parentId, e.childKey, e.kind, e.detail, e.at, e.account, e.orderSequence, e.streamSequence,
                    e.payload,
                ])
            }
            for s in work.settlements {
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
            for t in work.transfers {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO custody_transfer (id, account, symbol, settlementId, status, updatedAt, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt, record = excluded.record
                        """
                ).execute(arguments: [t.id, t.account, t.symbol, t.settlementId, t.status, t.updatedAt, t.record])
            }
            for e in work.ledgerEntries {
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
            for r in work.capTableReports {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO cap_table_report (at, symbol, fromHolder, toHolder, quantity, acquiredOn, reference) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [r.at, r.symbol, r.fromHolder, r.toHolder, r.quantity, r.acquiredOn, r.reference])
            }
            for u in work.subscriptions {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO subscription (id, account, clientSubscriptionId, venue, offeringId, symbol, status, amount, createdAt,
                          updatedAt, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt, record = excluded.record
                        """
                ).execute(arguments: [
                    u.id, u.account, u.clientSubscriptionId, u.venue, u.offeringId, u.symbol, u.status, u.amount,
                    u.createdAt, u.updatedAt, u.record,
                ])
            }
            for c in work.conversions {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO cash_conversion (id, account, venue, status, createdAt, updatedAt, record) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt, record = excluded.record
                        """
                ).execute(arguments: [c.id, c.account, c.venue, c.status, c.createdAt, c.updatedAt, c.record])
            }
            for e in work.subscriptionEvents {
                try db.cachedStatement(
                    sql: "INSERT INTO subscription_event (subscriptionId, kind, detail, at) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [e.subscriptionId, e.kind, e.detail, e.at])
            }
            try Self.writeCompliance(work, db)
            try Self.writeFIX(work, db)
        }
    }

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

    /// - Complexity: reads only the rows of the parents picked (indexes by account, parent and child).
    public func parents(_ query: ParentQuery) throws -> [StoredParent] {
        try pool.read { db in try Self.stored(Self.request(query), db) }
    }

    public func storedParent(id: Int64) throws -> StoredParent? {
        try pool.read { db in try Self.stored(ParentRecord.filter(key: id), db).first }
    }

    public func countParents(_ query: ParentQuery) throws -> Int {
        var all = query
        all.limit = nil
        return try pool.read { db in try Self.request(all).fetchCount(db) }
    }

    /// The parents `request` picks with their children, fills and decisions: the other tables are
    /// read through `request` as a subquery, so any number of parents is one statement per table.
    static func request(_ query: ParentQuery) -> QueryInterfaceRequest<ParentRecord> {
        var request = ParentRecord.all()
        if let account = query.account { request = request.filter(Column("account") == account) }
        if let status = query.status { request = request.filter(Column("status") == status) }
        if let symbol = query.symbol { request = request.filter(Column("symbol") == symbol) }
        if let from = query.from { request = request.filter(Column("createdAt") >= from) }
        if let to = query.to { request = request.filter(Column("createdAt") < to) }
        if let before = query.before { request = request.filter(Column("id") < before) }
        if let limit = query.limit { return request.order(Column("id").desc).limit(limit) }
        return request.order(Column("id"))
    }

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

    public func events(_ query: ParentQuery) throws -> [EventRecord] {
        try pool.read { db in
            try EventRecord.filter(Self.request(query).select(Column("id")).contains(Column("parentId"))).order(
                Column("sequence")
            ).fetchAll(db)
        }
    }

    public func allEvents() throws -> [EventRecord] {
        try pool.read { db in try EventRecord.order(Column("sequence")).fetchAll(db) }
    }

    public func allExecutions() throws -> [ExecutionRecord] {
        try pool.read { db in try ExecutionRecord.order(Column("rowid")).fetchAll(db) }
    }

    public func fills(account: String, after sequence: Int64, limit: Int) throws -> [FillRow] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.rowid, e.venue, e.fillId, e.childKey, e.quantity, e.price, e.fee, e.recordedAt,
                      p.id, p.symbol, p.side
                    FROM execution e JOIN child_order c ON c.clientKey = e.childKey
                      JOIN parent_order p ON p.id = c.parentId
                    WHERE p.account = ? AND e.rowid > ? ORDER BY e.rowid LIMIT ?
                    """, arguments: [account, sequence, limit]
            ).map { row in
                FillRow(
                    sequence: row[0],
                    execution: ExecutionRecord(
                        venue: row[1], fillId: row[2], childKey: row[3], quantity: row[4], price: row[5], fee: row[6],
                        recordedAt: row[7]), parentId: row[8], symbol: row[9], side: row[10])
            }
        }
    }

    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try JournalSchema.migrator.appliedMigrations(db) }
    }

    public func parent(account: String, clientOrderId: String) throws -> ParentRecord? {
        try pool.read { db in
            try ParentRecord.filter(Column("account") == account && Column("clientOrderId") == clientOrderId).fetchOne(
                db)
        }
    }

    public func parent(id: Int64) throws -> ParentRecord? {
        try pool.read { db in try ParentRecord.fetchOne(db, key: id) }
    }

    public func openChildren() throws -> [ChildRecord] {
        try pool.read { db in
            try ChildRecord.filter(["pending", "open", "partially_filled", "unknown"].contains(Column("status"))).order(
                Column("createdAt")
            ).fetchAll(db)
        }
    }

    public func executions(of childKey: String) throws -> [ExecutionRecord] {
        try pool.read { db in try ExecutionRecord.filter(Column("childKey") == childKey).fetchAll(db) }
    }

    public func eventCount(of parentId: Int64) throws -> Int {
        try pool.read { db in try EventRecord.filter(Column("parentId") == parentId).fetchCount(db) }
    }

    public func streamEvents(account: String, after sequence: Int64, limit: Int) throws -> [EventRecord] {
        try pool.read { db in
            try EventRecord.filter(Column("account") == account && Column("streamSequence") > sequence)
                .order(Column("streamSequence")).limit(limit).fetchAll(db)
        }
    }

    public func lastStreamSequence(account: String) throws -> Int64 {
        try pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT COALESCE(MAX(streamSequence), 0) FROM order_event WHERE account = ?",
                arguments: [account]) ?? 0
        }
    }

    public func events(of parentId: Int64) throws -> [EventRecord] {
        try pool.read { db in
            try EventRecord.filter(Column("parentId") == parentId).order(Column("sequence")).fetchAll(db)
        }
    }

    /// One writer: settlement commits need no ordering among writers.
    public func commitSettlement(since cursor: SettlementCursor, _ build: (SettlementNews) throws -> UnitOfWork) throws
        -> SettlementCursor
    {
        try singleWriterCommitSettlement(since: cursor, build)
    }

    public func newParentID(after known: Int64) throws -> Int64 { known + 1 }

    public func subscriptions(_ query: SubscriptionQuery) throws -> [SubscriptionRow] {
        try pool.read { db in
            guard try db.tableExists("subscription") else { return [] }
            var request = SubscriptionRow.all()
            if let account = query.account { request = request.filter(Column("account") == account) }
            if let id = query.id { request = request.filter(Column("id") == id) }
            if let statuses = query.statuses { request = request.filter(statuses.contains(Column("status"))) }
            if let before = query.before { request = request.filter(Column("id") < before) }
            if let limit = query.limit { return try request.order(Column("id").desc).limit(limit).fetchAll(db) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func subscription(account: String, clientSubscriptionId: String) throws -> SubscriptionRow? {
        try pool.read { db in
            try SubscriptionRow.filter(
                Column("account") == account && Column("clientSubscriptionId") == clientSubscriptionId
            )
            .fetchOne(db)
        }
    }

    public func subscriptionEvents(of subscriptionId: Int64) throws -> [SubscriptionEventRow] {
        try pool.read { db in
            try SubscriptionEventRow.filter(Column("subscriptionId") == subscriptionId).order(Column("sequence"))
                .fetchAll(db)
        }
    }

    public func newSubscriptionID(after known: Int64) throws -> Int64 { known + 1 }

    public func conversions(account: String?, statuses: [String]?) throws -> [ConversionRow] {
        try pool.read { db in
            guard try db.tableExists("cash_conversion") else { return [] }
            var request = ConversionRow.all()
            if let account { request = request.filter(Column("account") == account) }
            if let statuses { request = request.filter(statuses.contains(Column("status"))) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func newConversionID(after known: Int64) throws -> Int64 { known + 1 }

    /// The FIX part of a unit of work: sessions' sequence numbers, sent messages, ClOrdIDs.
    static func writeFIX(_ work: UnitOfWork, _ db: Database) throws {
        for f in work.fixSessions {
            try db.cachedStatement(
                sql: """
                    INSERT INTO fix_session (session, epoch, nextSender, nextTarget, cursors, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(session) DO UPDATE SET epoch = excluded.epoch, nextSender = excluded.nextSender,
                      nextTarget = excluded.nextTarget, cursors = excluded.cursors, updatedAt = excluded.updatedAt
                    """
            ).execute(arguments: [f.session, f.epoch, f.nextSender, f.nextTarget, f.cursors, f.updatedAt])
        }
        for m in work.fixMessages {
            try db.cachedStatement(
                sql: "INSERT INTO fix_message (session, epoch, sequence, body, sentAt) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [m.session, m.epoch, m.sequence, m.body, m.sentAt])
        }
        for o in work.fixOrders {
            try db.cachedStatement(
                sql: """
                    INSERT INTO fix_order (session, clOrdId, orderId, kind, expireAt, at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(session, clOrdId) DO UPDATE SET orderId = excluded.orderId, kind = excluded.kind,
                      expireAt = excluded.expireAt WHERE fix_order.kind = 'entering'
                    """
            ).execute(arguments: [o.session, o.clOrdId, o.orderId, o.kind, o.expireAt, o.at])
        }
    }

    public func fixSession(_ session: String) throws -> FIXSessionRow? {
        try pool.read { db in
            guard try db.tableExists("fix_session") else { return nil }
            return try FIXSessionRow.filter(Column("session") == session).fetchOne(db)
        }
    }

    public func fixMessages(session: String, epoch: Int64, from: Int64, through: Int64) throws -> [FIXMessageRow] {
        try pool.read { db in
            guard try db.tableExists("fix_message") else { return [] }
            return try FIXMessageRow.filter(
                Column("session") == session && Column("epoch") == epoch && Column("sequence") >= from
                    && Column("sequence") <= through
            ).order(Column("sequence")).fetchAll(db)
        }
    }

    public func fixOrders(session: String) throws -> [FIXOrderRow] {
        try pool.read { db in
            guard try db.tableExists("fix_order") else { return [] }
            return try FIXOrderRow.filter(Column("session") == session).order(Column("at"), Column("clOrdId"))
                .fetchAll(db)
        }
    }

    /// The compliance part of a unit of work: investor records with their revisions, onboardings, alerts.
    static func writeCompliance(_ work: UnitOfWork, _ db: Database) throws {
        for i in work.investors {
            try db.cachedStatement(
                sql: """
                    INSERT INTO investor (account, revision, updatedAt, record) VALUES (?, ?, ?, ?)
                    ON CONFLICT(account) DO UPDATE SET revision = excluded.revision, updatedAt = excluded.updatedAt,
                      record = excluded.record
                    """
            ).execute(arguments: [i.account, i.revision, i.updatedAt, i.record])
        }
        for e in work.investorEvents {
            try db.cachedStatement(
                sql: "INSERT INTO investor_event (account, revision, at, \"by\", record) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [e.account, e.revision, e.at, e.by, e.record])
        }
        for o in work.onboardings {
            try db.cachedStatement(
                sql: """
                    INSERT INTO onboarding (account, venue, status, updatedAt, record) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(account, venue) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                      record = excluded.record
                    """
            ).execute(arguments: [o.account, o.venue, o.status, o.updatedAt, o.record])
        }
        for a in work.alerts {
            try db.cachedStatement(
                sql: """
                    INSERT INTO compliance_alert (id, account, kind, status, createdAt, record) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET status = excluded.status, record = excluded.record
                    """
            ).execute(arguments: [a.id, a.account, a.kind, a.status, a.createdAt, a.record])
        }
    }

    public func investors() throws -> [InvestorRow] {
        try pool.read { db in
            guard try db.tableExists("investor") else { return [] }
            return try InvestorRow.order(Column("account")).fetchAll(db)
        }
    }

    public func investorHistory(account: String) throws -> [InvestorEventRow] {
        try pool.read { db in
            guard try db.tableExists("investor_event") else { return [] }
            return try InvestorEventRow.filter(Column("account") == account).order(Column("revision")).fetchAll(db)
        }
    }

    public func onboardings(account: String?) throws -> [OnboardingRow] {
        try pool.read { db in
            guard try db.tableExists("onboarding") else { return [] }
            var request = OnboardingRow.all()
            if let account { request = request.filter(Column("account") == account) }
            return try request.order(Column("account"), Column("venue")).fetchAll(db)
        }
    }

    public func complianceAlerts(account: String?, status: String?) throws -> [ComplianceAlertRow] {
        try pool.read { db in
            guard try db.tableExists("compliance_alert") else { return [] }
            var request = ComplianceAlertRow.all()
            if let account { request = request.filter(Column("account") == account) }
            if let status { request = request.filter(Column("status") == status) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func newAlertID(after known: Int64) throws -> Int64 { known + 1 }

    public func lastAlertID() throws -> Int64 {
        try pool.read { db in
            guard try db.tableExists("compliance_alert") else { return 0 }
            return try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM compliance_alert") ?? 0
        }
    }

    public func lastConversionID() throws -> Int64 {
        try pool.read { db in
            guard try db.tableExists("cash_conversion") else { return 0 }
            return try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM cash_conversion") ?? 0
        }
    }

    public func lastSubscriptionID() throws -> Int64 {
        try pool.read { db in
            guard try db.tableExists("subscription") else { return 0 }
            return try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM subscription") ?? 0
        }
    }

    public func lastParentID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM parent_order") ?? 0 }
    }
}
