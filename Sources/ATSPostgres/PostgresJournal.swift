import ATSStorage
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// The journal on PostgreSQL, for router instances that outgrow one machine's SQLite file: the
/// same ``ATSStorage/JournalStore`` as ``ATSStorage/SQLiteJournal``, with the same constraints
/// enforced by the database (``PostgresSchema``).
///
/// Every unit of work is one transaction on the writer connection; reads go through a second
/// connection so that a long read (a report, a restart's settlement replay) does not hold up
/// commits. Calls block their thread until the server answers (see ``BlockingConnection``).
public final class PostgresJournal: JournalStore {
    public let url: DatabaseURL
    public let tag: String
    let writer: BlockingConnection
    let reader: BlockingConnection

    /// Why a database is not taken as a journal.
    public struct RefusedJournal: Error, CustomStringConvertible {
        public var url: DatabaseURL
        public var reason: String
        public var description: String { "the journal \(url) is refused: \(reason)" }
    }

    /// Connects to `url`, applies every migration not yet applied (instances starting together
    /// take turns), and checks the journal's tag. The database must exist; its tables are made.
    /// With `readOnly`, nothing is made or migrated and the sessions are read-only: every write
    /// fails (the offline `settlements`, `positions` and `report` commands).
    public init(url: DatabaseURL, readOnly: Bool = false, logger: Logger = Logger(label: "ats.journal.postgres"))
        throws
    {
        self.url = url
        // Literals in written units of work rely on standard strings (a backslash is a character).
        let session =
            ["SET standard_conforming_strings = on"]
            + (readOnly ? ["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"] : [])
        writer = BlockingConnection(url: url, logger: logger, onConnect: session)
        reader = BlockingConnection(url: url, logger: logger, onConnect: session)
        if readOnly {
            try PostgresSchema.checkKnown(reader)
        } else {
            try PostgresSchema.migrate(writer)
        }
        let tags = try reader.query("SELECT tag FROM journal_meta").rows.map { try $0.decode(String.self) }
        guard tags.count == 1, let tag = tags.first, !tag.isEmpty else {
            throw RefusedJournal(url: url, reason: "journal_meta does not hold exactly one tag")
        }
        self.tag = tag
    }

    public convenience init(
        url text: String, readOnly: Bool = false, logger: Logger = Logger(label: "ats.journal.postgres")
    ) throws {
        try self.init(url: try DatabaseURL(text), readOnly: readOnly, logger: logger)
    }

    /// The leases this instance's writes are fenced by (``attach(_:)``); nil: a single instance,
    /// whose writes are not fenced.
    private let leaseHolder = NIOLockedValueBox<(any LeaseHolder)?>(nil)

    /// Fences every later write with `holder`'s leases: a unit of work for an account whose lease
    /// this instance does not hold is refused before it is sent, and one whose lease was taken
    /// over meanwhile is refused by the database in its own transaction.
    public func attach(_ holder: any LeaseHolder) {
        leaseHolder.withLockedValue { $0 = holder }
    }

    public func commit(_ work: UnitOfWork) throws {
        guard !work.isEmpty else { return }
        do {
            _ = try writer.query(try InlineSQL.block(try fenced(work) + Self.statements(work)))
        } catch let error as JournalDatabaseError where error.sqlState == "AT001" {
            throw LeaseLost(account: work.accounts.sorted().joined(separator: ", "), detail: error.message)
        }
    }

    /// The fence statements `work` is written under: its own, and the attached leases' for every
    /// account it writes; plus the settlement lock when it writes settlement rows, so that ledger
    /// entries are numbered in the order they are committed.
    func fenced(_ work: UnitOfWork) throws -> [InlineSQL] {
        var fences = work.fences
        if let holder = leaseHolder.withLockedValue({ $0 }) {
            for account in work.accounts.sorted() {
                guard let fence = holder.fence(for: account) else {
                    throw LeaseLost(account: account, detail: "no lease held")
                }
                fences.append(fence)
            }
        }
        var statements: [InlineSQL] = []
        if !(work.settlements.isEmpty && work.transfers.isEmpty && work.ledgerEntries.isEmpty
            && work.capTableReports.isEmpty)
        {
            statements.append("PERFORM pg_advisory_xact_lock(\(PostgresSchema.settlementLock))")
        }
        for fence in fences {
            statements.append("PERFORM journal_fence(\(fence.account), \(fence.owner), \(fence.epoch))")
        }
        return statements
    }

    /// Under the settlement lock: reads what others appended since `cursor`, lets `build` make the
    /// unit of work from it, writes it, and reads the cursor past it, all in one transaction.
    public func commitSettlement(since cursor: SettlementCursor, _ build: (SettlementNews) throws -> UnitOfWork)
        throws -> SettlementCursor
    {
        do {
            return try writer.interactive { transaction in
                _ = try transaction.read("SELECT pg_advisory_xact_lock(\(PostgresSchema.settlementLock))")
                // What is there now (read after the lock, so everything committed before it is seen):
                // the tables are read only where another writer appended since the cursor.
                let now = try Self.cursor(try transaction.read(Self.cursorQuery))
                let news = now == cursor ? SettlementNews() : try Self.news(since: cursor, transaction.read)
                let work = try build(news)
                let statements = work.isEmpty ? [] : [try InlineSQL.block(try fenced(work) + Self.statements(work))]
                let results = try transaction.finish(with: statements + [Self.cursorQuery])
                guard let last = results.last else { return cursor }
                return try Self.cursor(last)
            }
        } catch let error as JournalDatabaseError where error.sqlState == "AT001" {
            throw LeaseLost(account: "(settlement)", detail: error.message)
        }
    }

    /// Every account's lease as the database has it: its owner (nil: none) and epoch.
    public func leases() throws -> [(account: String, owner: String?, epoch: Int64)] {
        try reader.query("SELECT account, owner, epoch FROM account_lease ORDER BY account").rows.map {
            let (account, owner, epoch) = try $0.decode((String, String?, Int64).self)
            return (account, owner, epoch)
        }
    }

    /// The next value of the `parent_order_id` sequence: unique across instances, and continuing
    /// after a restart as the single writer's numbering does (one round trip per order).
    public func newParentID(after known: Int64) throws -> Int64 {
        try writer.query("SELECT nextval('parent_order_id')").rows.first?.decode(Int64.self) ?? known + 1
    }

    public func appliedMigrations() throws -> [String] { try PostgresSchema.applied(reader) }

    public func lastParentID() throws -> Int64 {
        try reader.query("SELECT COALESCE(MAX(id), 0)::bigint FROM parent_order").rows.first?.decode(Int64.self) ?? 0
    }
}

// MARK: - Writes

extension PostgresJournal {
    /// The cursor past everything committed: the last ledger entry and report, the highest ids.
    static let cursorQuery: PostgresQuery = """
        SELECT (SELECT COALESCE(MAX(sequence), 0) FROM ledger_entry)::bigint,
          (SELECT COALESCE(MAX(sequence), 0) FROM cap_table_report)::bigint,
          (SELECT COALESCE(MAX(id), 0) FROM settlement)::bigint,
          (SELECT COALESCE(MAX(id), 0) FROM custody_transfer)::bigint
        """

    /// The cursor ``cursorQuery`` read.
    static func cursor(_ result: PostgresQueryResult) throws -> SettlementCursor {
        guard let row = result.rows.first else { return SettlementCursor() }
        let (entries, reports, settlements, transfers) = try row.decode((Int64, Int64, Int64, Int64).self)
        return SettlementCursor(entries: entries, reports: reports, settlements: settlements, transfers: transfers)
    }

    /// What was appended after `cursor`, in the order committed (read under the settlement lock).
    static func news(since cursor: SettlementCursor, _ read: (PostgresQuery) throws -> PostgresQueryResult) throws
        -> SettlementNews
    {
        var news = SettlementNews()
        news.entries = try read(
            "SELECT \(unescaped: Columns.ledgerEntry) FROM ledger_entry WHERE sequence > \(cursor.entries) ORDER BY sequence"
        ).rows.map(ledgerEntry)
        news.reports = try read(
            "SELECT \(unescaped: Columns.capTableReport) FROM cap_table_report WHERE sequence > \(cursor.reports) ORDER BY sequence"
        ).rows.map(report)
        news.settlements = try read(
            "SELECT \(unescaped: Columns.settlement) FROM settlement WHERE id > \(cursor.settlements) ORDER BY id"
        ).rows.map(settlement)
        news.transfers = try read(
            "SELECT \(unescaped: Columns.transfer) FROM custody_transfer WHERE id > \(cursor.transfers) ORDER BY id"
        ).rows.map(transfer)
        return news
    }

    /// The statements of one unit of work, in the order the SQLite journal writes them.
    static func statements(_ work: UnitOfWork) -> [InlineSQL] {
        var statements: [InlineSQL] = []
        if let p = work.insertedParent {
            statements.append(
                """
                INSERT INTO parent_order (id, account, clientOrderId, symbol, side, quantity, limitPrice, timeInForce,
                  strategy, includeVenues, excludeVenues, status, note, rejectionCode, rejectionMessage, createdAt,
                  completedAt, cancelRequested, allowTransfers)
                VALUES (\(p.id), \(p.account), \(p.clientOrderId), \(p.symbol), \(p.side), \(p.quantity), \(p.limitPrice),
                  \(p.timeInForce), \(p.strategy), \(p.includeVenues), \(p.excludeVenues), \(p.status), \(p.note),
                  \(p.rejectionCode), \(p.rejectionMessage), \(p.createdAt), \(p.completedAt), \(p.cancelRequested),
                  \(p.allowTransfers))
                """)
        }
        if let p = work.updatedParent {
            statements.append(
                """
                UPDATE parent_order SET status = \(p.status), note = \(p.note), rejectionCode = \(p.rejectionCode),
                  rejectionMessage = \(p.rejectionMessage), completedAt = \(p.completedAt),
                  cancelRequested = \(p.cancelRequested), quantity = \(p.quantity), limitPrice = \(p.limitPrice)
                WHERE id = \(p.id)
                """)
        }
        for c in work.insertedChildren {
            statements.append(
                """
                INSERT INTO child_order (clientKey, parentId, venue, quantity, limitPrice, timeInForce, purpose, decision,
                  status, venueOrderId, filledQuantity, fees, refusalCode, refusalMessage, failure, createdAt)
                VALUES (\(c.clientKey), \(c.parentId), \(c.venue), \(c.quantity), \(c.limitPrice), \(c.timeInForce),
                  \(c.purpose), \(c.decision), \(c.status), \(c.venueOrderId), \(c.filledQuantity), \(c.fees),
                  \(c.refusalCode), \(c.refusalMessage), \(c.failure), \(c.createdAt))
                """)
        }
        for c in work.updatedChildren {
            statements.append(
                """
                UPDATE child_order SET status = \(c.status), venueOrderId = \(c.venueOrderId),
                  filledQuantity = \(c.filledQuantity), fees = \(c.fees), refusalCode = \(c.refusalCode),
                  refusalMessage = \(c.refusalMessage), failure = \(c.failure)
                WHERE clientKey = \(c.clientKey)
                """)
        }
        for e in work.executions {
            statements.append(
                """
                INSERT INTO execution (venue, fillId, childKey, quantity, price, fee, recordedAt)
                VALUES (\(e.venue), \(e.fillId), \(e.childKey), \(e.quantity), \(e.price), \(e.fee), \(e.recordedAt))
                ON CONFLICT (venue, fillId) DO NOTHING
                """)
        }
        for d in work.decisions {
            statements.append(
                """
                INSERT INTO routing_decision (parentId, position, attempt, at, evidence)
                VALUES (\(d.parentId), \(d.position), \(d.attempt), \(d.at), \(d.evidence))
                """)
        }
        for e in work.events {
            statements.append(
                """
                INSERT INTO order_event (parentId, childKey, kind, detail, at, account, orderSequence, streamSequence,
                  payload)
                VALUES (\(e.parentId), \(e.childKey), \(e.kind), \(e.detail), \(e.at), \(e.account), \(e.orderSequence),
                  \(e.streamSequence), \(e.payload))
                """)
        }
        statements += settlementStatements(work)
        statements += subscriptionStatements(work)
        statements += complianceStatements(work)
        statements += fixStatements(work)
        return statements
    }

    static func fixStatements(_ work: UnitOfWork) -> [InlineSQL] {
        var statements: [InlineSQL] = []
        for f in work.fixSessions {
            statements.append(
                """
                INSERT INTO fix_session (session, epoch, nextSender, nextTarget, cursors, updatedAt)
                VALUES (\(f.session), \(f.epoch), \(f.nextSender), \(f.nextTarget), \(f.cursors), \(f.updatedAt))
                ON CONFLICT (session) DO UPDATE SET epoch = excluded.epoch, nextSender = excluded.nextSender,
                  nextTarget = excluded.nextTarget, cursors = excluded.cursors, updatedAt = excluded.updatedAt
                """)
        }
        for m in work.fixMessages {
            statements.append(
                """
                INSERT INTO fix_message (session, epoch, sequence, body, sentAt)
                VALUES (\(m.session), \(m.epoch), \(m.sequence), \(m.body), \(m.sentAt))
                """)
        }
        for o in work.fixOrders {
            statements.append(
                """
                INSERT INTO fix_order (session, clOrdId, orderId, kind, expireAt, at)
                VALUES (\(o.session), \(o.clOrdId), \(o.orderId), \(o.kind), \(o.expireAt), \(o.at))
                ON CONFLICT (session, clOrdId) DO UPDATE SET orderId = excluded.orderId, kind = excluded.kind,
                  expireAt = excluded.expireAt WHERE fix_order.kind = 'entering'
                """)
        }
        return statements
    }

    static func settlementStatements(_ work: UnitOfWork) -> [InlineSQL] {
        var statements: [InlineSQL] = []
        for s in work.settlements {
            statements.append(
                """
                INSERT INTO settlement (id, venue, fillId, parentId, account, symbol, model, status, updatedAt, record)
                VALUES (\(s.id), \(s.venue), \(s.fillId), \(s.parentId), \(s.account), \(s.symbol), \(s.model), \(s.status),
                  \(s.updatedAt), \(s.record))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for t in work.transfers {
            statements.append(
                """
                INSERT INTO custody_transfer (id, account, symbol, settlementId, status, updatedAt, record)
                VALUES (\(t.id), \(t.account), \(t.symbol), \(t.settlementId), \(t.status), \(t.updatedAt), \(t.record))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for e in work.ledgerEntries {
            statements.append(
                """
                INSERT INTO ledger_entry (at, asset, amount, fromHolder, fromLocation, fromLocked, toHolder, toLocation,
                  toLocked, reference)
                VALUES (\(e.at), \(e.asset), \(e.amount), \(e.fromHolder), \(e.fromLocation), \(e.fromLocked),
                  \(e.toHolder), \(e.toLocation), \(e.toLocked), \(e.reference))
                """)
        }
        for r in work.capTableReports {
            statements.append(
                """
                INSERT INTO cap_table_report (at, symbol, fromHolder, toHolder, quantity, acquiredOn, reference)
                VALUES (\(r.at), \(r.symbol), \(r.fromHolder), \(r.toHolder), \(r.quantity), \(r.acquiredOn),
                  \(r.reference))
                """)
        }
        return statements
    }

    static func complianceStatements(_ work: UnitOfWork) -> [InlineSQL] {
        var statements: [InlineSQL] = []
        for i in work.investors {
            statements.append(
                """
                INSERT INTO investor (account, revision, updatedAt, record)
                VALUES (\(i.account), \(i.revision), \(i.updatedAt), \(i.record))
                ON CONFLICT (account) DO UPDATE SET revision = excluded.revision, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for e in work.investorEvents {
            statements.append(
                """
                INSERT INTO investor_event (account, revision, at, "by", record)
                VALUES (\(e.account), \(e.revision), \(e.at), \(e.by), \(e.record))
                """)
        }
        for o in work.onboardings {
            statements.append(
                """
                INSERT INTO onboarding (account, venue, status, updatedAt, record)
                VALUES (\(o.account), \(o.venue), \(o.status), \(o.updatedAt), \(o.record))
                ON CONFLICT (account, venue) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for a in work.alerts {
            statements.append(
                """
                INSERT INTO compliance_alert (id, account, kind, status, createdAt, record)
                VALUES (\(a.id), \(a.account), \(a.kind), \(a.status), \(a.createdAt), \(a.record))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record
                """)
        }
        return statements
    }

    static func subscriptionStatements(_ work: UnitOfWork) -> [InlineSQL] {
        var statements: [InlineSQL] = []
        for u in work.subscriptions {
            statements.append(
                """
                INSERT INTO subscription (id, account, clientSubscriptionId, venue, offeringId, symbol, status, amount,
                  createdAt, updatedAt, record)
                VALUES (\(u.id), \(u.account), \(u.clientSubscriptionId), \(u.venue), \(u.offeringId), \(u.symbol),
                  \(u.status), \(u.amount), \(u.createdAt), \(u.updatedAt), \(u.record))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for c in work.conversions {
            statements.append(
                """
                INSERT INTO cash_conversion (id, account, venue, status, createdAt, updatedAt, record)
                VALUES (\(c.id), \(c.account), \(c.venue), \(c.status), \(c.createdAt), \(c.updatedAt), \(c.record))
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, updatedAt = excluded.updatedAt,
                  record = excluded.record
                """)
        }
        for e in work.subscriptionEvents {
            statements.append(
                """
                INSERT INTO subscription_event (subscriptionId, kind, detail, at)
                VALUES (\(e.subscriptionId), \(e.kind), \(e.detail), \(e.at))
                """)
        }
        return statements
    }
}
