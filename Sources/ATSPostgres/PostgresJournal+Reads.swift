import ATSStorage
import PostgresNIO

// MARK: - Reads

extension PostgresJournal {
    /// Rows read in one go by the keyset-paged reads (settlement replay): bounded memory whatever
    /// the journal's length.
    static let pageSize = 5_000

    public func parents(_ query: ParentQuery) throws -> [StoredParent] {
        let parents = try reader.query(Self.parentSelect(query)).rows.map(Self.parent)
        return try stored(parents)
    }

    public func storedParent(id: Int64) throws -> StoredParent? {
        let parents = try reader.query("SELECT \(unescaped: Columns.parent) FROM parent_order WHERE id = \(id)").rows
            .map(Self.parent)
        return try stored(parents).first
    }

    public func countParents(_ query: ParentQuery) throws -> Int {
        var all = query
        all.limit = nil
        let filter = Self.filter(all)
        let sql = PostgresQuery(
            unsafeSQL: "SELECT COUNT(*)::bigint FROM parent_order" + filter.sql, binds: filter.binds)
        return Int(try reader.query(sql).rows.first?.decode(Int64.self) ?? 0)
    }

    public func parent(id: Int64) throws -> ParentRecord? {
        try reader.query("SELECT \(unescaped: Columns.parent) FROM parent_order WHERE id = \(id)").rows.first.map(
            Self.parent)
    }

    public func parent(account: String, clientOrderId: String) throws -> ParentRecord? {
        try reader.query(
            """
            SELECT \(unescaped: Columns.parent) FROM parent_order
            WHERE account = \(account) AND clientOrderId = \(clientOrderId)
            """
        ).rows.first.map(Self.parent)
    }

    public func openChildren() throws -> [ChildRecord] {
        try reader.query(
            """
            SELECT \(unescaped: Columns.child) FROM child_order
            WHERE status IN ('pending', 'open', 'partially_filled', 'unknown') ORDER BY createdAt, ordinal
            """
        ).rows.map(Self.child)
    }

    public func executions(of childKey: String) throws -> [ExecutionRecord] {
        try reader.query(
            "SELECT \(unescaped: Columns.execution) FROM execution WHERE childKey = \(childKey) ORDER BY ordinal"
        ).rows.map(Self.execution)
    }

    public func fills(account: String, after sequence: Int64, limit: Int) throws -> [FillRow] {
        try reader.query(
            """
            SELECT e.ordinal, e.venue, e.fillId, e.childKey, e.quantity, e.price, e.fee, e.recordedAt, p.id, p.symbol,
              p.side
            FROM execution e JOIN child_order c ON c.clientKey = e.childKey JOIN parent_order p ON p.id = c.parentId
            WHERE p.account = \(account) AND e.ordinal > \(sequence) ORDER BY e.ordinal LIMIT \(Int64(limit))
            """
        ).rows.map {
            let f = try $0.decode(
                (Int64, String, String, String, Int64, Int64, Int64, Int64, Int64, String, String).self)
            return FillRow(
                sequence: f.0,
                execution: ExecutionRecord(
                    venue: f.1, fillId: f.2, childKey: f.3, quantity: f.4, price: f.5, fee: f.6, recordedAt: f.7),
                parentId: f.8, symbol: f.9, side: f.10)
        }
    }

    public func allExecutions() throws -> [ExecutionRecord] {
        try reader.query("SELECT \(unescaped: Columns.execution) FROM execution ORDER BY ordinal").rows.map(
            Self.execution)
    }

    public func events(_ query: ParentQuery) throws -> [EventRecord] {
        let picked = Self.parentSelect(query, columns: "id")
        let sql = PostgresQuery(
            unsafeSQL: "SELECT \(Columns.event) FROM order_event WHERE parentId IN (\(picked.sql)) ORDER BY sequence",
            binds: picked.binds)
        return try reader.query(sql).rows.map(Self.event)
    }

    public func events(of parentId: Int64) throws -> [EventRecord] {
        try reader.query(
            "SELECT \(unescaped: Columns.event) FROM order_event WHERE parentId = \(parentId) ORDER BY sequence"
        ).rows.map(Self.event)
    }

    public func allEvents() throws -> [EventRecord] {
        try reader.query("SELECT \(unescaped: Columns.event) FROM order_event ORDER BY sequence").rows.map(Self.event)
    }

    public func streamEvents(account: String, after sequence: Int64, limit: Int) throws -> [EventRecord] {
        try reader.query(
            """
            SELECT \(unescaped: Columns.event) FROM order_event
            WHERE account = \(account) AND streamSequence > \(sequence) ORDER BY streamSequence LIMIT \(Int64(limit))
            """
        ).rows.map(Self.event)
    }

    public func lastStreamSequence(account: String) throws -> Int64 {
        try reader.query(
            "SELECT COALESCE(MAX(streamSequence), 0)::bigint FROM order_event WHERE account = \(account)"
        ).rows.first?.decode(Int64.self) ?? 0
    }

    public func eventCount(of parentId: Int64) throws -> Int {
        Int(
            try reader.query("SELECT COUNT(*)::bigint FROM order_event WHERE parentId = \(parentId)").rows.first?
                .decode(Int64.self) ?? 0)
    }

    /// Children, fills and decisions of `parents`: one statement per table, whatever their number.
    func stored(_ parents: [ParentRecord]) throws -> [StoredParent] {
        guard !parents.isEmpty else { return [] }
        let ids = parents.map(\.id)
        let children = try reader.query(
            "SELECT \(unescaped: Columns.child) FROM child_order WHERE parentId = ANY(\(ids)) ORDER BY createdAt, ordinal"
        ).rows.map(Self.child)
        let keys = children.map(\.clientKey)
        let executions = Dictionary(
            grouping: keys.isEmpty
                ? []
                : try reader.query(
                    "SELECT \(unescaped: Columns.execution) FROM execution WHERE childKey = ANY(\(keys)) ORDER BY ordinal"
                ).rows.map(Self.execution), by: \.childKey)
        let decisions = Dictionary(
            grouping: try reader.query(
                "SELECT \(unescaped: Columns.decision) FROM routing_decision WHERE parentId = ANY(\(ids)) ORDER BY position"
            ).rows.map(Self.decision), by: \.parentId)
        let byParent = Dictionary(grouping: children, by: \.parentId)
        return parents.map { parent in
            StoredParent(
                parent: parent, children: (byParent[parent.id] ?? []).map { ($0, executions[$0.clientKey] ?? []) },
                decisions: decisions[parent.id] ?? [])
        }
    }

    /// The WHERE clause of `query`'s filters, with its binds.
    static func filter(_ query: ParentQuery) -> Filter {
        var filter = Filter()
        filter.add("account = ?", query.account)
        filter.add("status = ?", query.status)
        filter.add("symbol = ?", query.symbol)
        filter.add("createdAt >= ?", query.from)
        filter.add("createdAt < ?", query.to)
        filter.add("id < ?", query.before)
        return filter
    }

    /// The parents `query` picks, in its order and page.
    static func parentSelect(_ query: ParentQuery, columns: String = Columns.parent) -> PostgresQuery {
        let filter = filter(query)
        var sql = "SELECT \(columns) FROM parent_order" + filter.sql
        if let limit = query.limit { sql += " ORDER BY id DESC LIMIT \(max(0, limit))" } else { sql += " ORDER BY id" }
        return PostgresQuery(unsafeSQL: sql, binds: filter.binds)
    }
}

// MARK: - Settlement reads

extension PostgresJournal {
    public func readSettlement(
        entries: (LedgerEntryRow) throws -> Void, reports: (CapTableReportRow) throws -> Void,
        settlements: (SettlementRow) throws -> Void, transfers: (CustodyTransferRow) throws -> Void
    ) throws {
        try reader.snapshot { read in
            func pages(_ table: String, _ columns: String, key: String, _ each: (PostgresRow) throws -> Void) throws {
                var after = Int64.min
                while true {
                    let rows = try read(
                        PostgresQuery(
                            unsafeSQL:
                                "SELECT \(columns) FROM \(table) WHERE \(key) > $1 ORDER BY \(key) LIMIT \(Self.pageSize)",
                            binds: {
                                var b = PostgresBindings()
                                b.append(after)
                                return b
                            }())
                    ).rows
                    for row in rows {
                        try each(row)
                    }
                    guard rows.count == Self.pageSize, let last = rows.last else { return }
                    after = try last.decode(Int64.self)
                }
            }
            try pages("ledger_entry", Columns.ledgerEntry, key: "sequence") { try entries(Self.ledgerEntry($0)) }
            try pages("cap_table_report", Columns.capTableReport, key: "sequence") { try reports(Self.report($0)) }
            try pages("settlement", Columns.settlement, key: "id") { try settlements(Self.settlement($0)) }
            try pages("custody_transfer", Columns.transfer, key: "id") { try transfers(Self.transfer($0)) }
        }
    }

    public func settlements(_ query: SettlementQuery) throws -> [SettlementRow] {
        var filter = Filter()
        filter.add("account = ?", query.account)
        filter.add("parentId = ?", query.parentId)
        filter.add("status = ?", query.status)
        filter.add("id < ?", query.before)
        var sql = "SELECT \(Columns.settlement) FROM settlement" + filter.sql
        if let limit = query.limit { sql += " ORDER BY id DESC LIMIT \(max(0, limit))" } else { sql += " ORDER BY id" }
        return try reader.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds)).rows.map(Self.settlement)
    }

    public func transfers(account: String?, settlementIds: [Int64], orUnlinkedOrIn statuses: [String]?) throws
        -> [CustodyTransferRow]
    {
        var binds = PostgresBindings()
        binds.append(settlementIds)
        var which = "settlementId = ANY($1)"
        if let statuses {
            binds.append(statuses)
            which = "(\(which) OR settlementId IS NULL OR status = ANY($2))"
        }
        if let account {
            binds.append(account)
            which += " AND account = $\(binds.count)"
        }
        return try reader.query(
            PostgresQuery(
                unsafeSQL: "SELECT \(Columns.transfer) FROM custody_transfer WHERE \(which) ORDER BY id", binds: binds)
        ).rows.map(Self.transfer)
    }
}

// MARK: - Subscription reads

extension PostgresJournal {
    public func subscriptions(_ query: SubscriptionQuery) throws -> [SubscriptionRow] {
        var filter = Filter()
        filter.add("account = ?", query.account)
        filter.add("id = ?", query.id)
        filter.add("status = ANY(?)", query.statuses)
        filter.add("id < ?", query.before)
        var sql = "SELECT \(Columns.subscription) FROM subscription" + filter.sql
        if let limit = query.limit { sql += " ORDER BY id DESC LIMIT \(max(0, limit))" } else { sql += " ORDER BY id" }
        return try reader.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds)).rows.map(Self.subscription)
    }

    public func subscription(account: String, clientSubscriptionId: String) throws -> SubscriptionRow? {
        try reader.query(
            """
            SELECT \(unescaped: Columns.subscription) FROM subscription
            WHERE account = \(account) AND clientSubscriptionId = \(clientSubscriptionId)
            """
        ).rows.first.map(Self.subscription)
    }

    public func subscriptionEvents(of subscriptionId: Int64) throws -> [SubscriptionEventRow] {
        try reader.query(
            """
            SELECT \(unescaped: Columns.subscriptionEvent) FROM subscription_event
            WHERE subscriptionId = \(subscriptionId) ORDER BY sequence
            """
        ).rows.map(Self.subscriptionEvent)
    }

    public func conversions(account: String?, statuses: [String]?) throws -> [ConversionRow] {
        var filter = Filter()
        filter.add("account = ?", account)
        filter.add("status = ANY(?)", statuses)
        return try reader.query(
            PostgresQuery(
                unsafeSQL: "SELECT id, account, venue, status, createdAt, updatedAt, record FROM cash_conversion"
                    + filter.sql + " ORDER BY id", binds: filter.binds)
        ).rows.map {
            let c = try $0.decode((Int64, String, String, String, Int64, Int64, String).self)
            return ConversionRow(
                id: c.0, account: c.1, venue: c.2, status: c.3, createdAt: c.4, updatedAt: c.5, record: c.6)
        }
    }

    public func fixSession(_ session: String) throws -> FIXSessionRow? {
        try reader.query(
            """
            SELECT session, epoch, nextSender, nextTarget, cursors, updatedAt FROM fix_session WHERE session = \(session)
            """
        ).rows.map {
            let c = try $0.decode((String, Int64, Int64, Int64, String, Int64).self)
            return FIXSessionRow(
                session: c.0, epoch: c.1, nextSender: c.2, nextTarget: c.3, cursors: c.4, updatedAt: c.5)
        }.first
    }

    public func fixMessages(session: String, epoch: Int64, from: Int64, through: Int64) throws -> [FIXMessageRow] {
        try reader.query(
            """
            SELECT session, epoch, sequence, body, sentAt FROM fix_message
            WHERE session = \(session) AND epoch = \(epoch) AND sequence >= \(from) AND sequence <= \(through)
            ORDER BY sequence
            """
        ).rows.map {
            let c = try $0.decode((String, Int64, Int64, String, Int64).self)
            return FIXMessageRow(session: c.0, epoch: c.1, sequence: c.2, body: c.3, sentAt: c.4)
        }
    }

    public func fixOrders(session: String) throws -> [FIXOrderRow] {
        try reader.query(
            """
            SELECT session, clOrdId, orderId, kind, expireAt, at FROM fix_order WHERE session = \(session)
            ORDER BY at, clOrdId
            """
        ).rows.map {
            let c = try $0.decode((String, String, Int64, String, Int64?, Int64).self)
            return FIXOrderRow(session: c.0, clOrdId: c.1, orderId: c.2, kind: c.3, expireAt: c.4, at: c.5)
        }
    }

    public func investors() throws -> [InvestorRow] {
        try reader.query("SELECT account, revision, updatedAt, record FROM investor ORDER BY account").rows.map {
            let c = try $0.decode((String, Int64, Int64, String).self)
            return InvestorRow(account: c.0, revision: c.1, updatedAt: c.2, record: c.3)
        }
    }

    public func investorHistory(account: String) throws -> [InvestorEventRow] {
        try reader.query(
            """
            SELECT account, revision, at, "by", record FROM investor_event WHERE account = \(account) ORDER BY revision
            """
        ).rows.map {
            let c = try $0.decode((String, Int64, Int64, String, String).self)
            return InvestorEventRow(account: c.0, revision: c.1, at: c.2, by: c.3, record: c.4)
        }
    }

    public func onboardings(account: String?) throws -> [OnboardingRow] {
        var filter = Filter()
        filter.add("account = ?", account)
        return try reader.query(
            PostgresQuery(
                unsafeSQL: "SELECT account, venue, status, updatedAt, record FROM onboarding" + filter.sql
                    + " ORDER BY account, venue", binds: filter.binds)
        ).rows.map {
            let c = try $0.decode((String, String, String, Int64, String).self)
            return OnboardingRow(account: c.0, venue: c.1, status: c.2, updatedAt: c.3, record: c.4)
        }
    }

    public func complianceAlerts(account: String?, status: String?) throws -> [ComplianceAlertRow] {
        var filter = Filter()
        filter.add("account = ?", account)
        filter.add("status = ?", status)
        return try reader.query(
            PostgresQuery(
                unsafeSQL: "SELECT id, account, kind, status, createdAt, record FROM compliance_alert" + filter.sql
                    + " ORDER BY id", binds: filter.binds)
        ).rows.map {
            let c = try $0.decode((Int64, String, String, String, Int64, String).self)
            return ComplianceAlertRow(id: c.0, account: c.1, kind: c.2, status: c.3, createdAt: c.4, record: c.5)
        }
    }

    public func newAlertID(after known: Int64) throws -> Int64 {
        try writer.query("SELECT nextval('compliance_alert_id')").rows.first?.decode(Int64.self) ?? known + 1
    }

    public func lastAlertID() throws -> Int64 {
        try reader.query("SELECT COALESCE(MAX(id), 0)::bigint FROM compliance_alert").rows.first?.decode(Int64.self)
            ?? 0
    }

    public func newConversionID(after known: Int64) throws -> Int64 {
        try writer.query("SELECT nextval('cash_conversion_id')").rows.first?.decode(Int64.self) ?? known + 1
    }

    public func lastConversionID() throws -> Int64 {
        try reader.query("SELECT COALESCE(MAX(id), 0)::bigint FROM cash_conversion").rows.first?.decode(Int64.self)
            ?? 0
    }

    /// The next value of the `subscription_id` sequence: unique across instances.
    public func newSubscriptionID(after known: Int64) throws -> Int64 {
        try writer.query("SELECT nextval('subscription_id')").rows.first?.decode(Int64.self) ?? known + 1
    }

    public func lastSubscriptionID() throws -> Int64 {
        try reader.query("SELECT COALESCE(MAX(id), 0)::bigint FROM subscription").rows.first?.decode(Int64.self) ?? 0
    }
}

/// A WHERE clause built from the filters a query sets, each value bound, never spliced.
struct Filter {
    private var clauses: [String] = []
    private(set) var binds = PostgresBindings()

    /// Adds `clause` (its `?` the value's placeholder) when `value` is set.
    mutating func add(_ clause: String, _ value: (some PostgresDynamicTypeEncodable)?) {
        guard let value else { return }
        binds.append(value)
        clauses.append(clause.replacingOccurrences(of: "?", with: "$\(binds.count)"))
    }

    var sql: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }
}
