import PostgresNIO

/// The journal's schema on PostgreSQL: the same named migrations as the SQLite journal's
/// (`JournalSchema`), each applied once in its own transaction and recorded in
/// `journal_migration`; never edited once shipped (a change is a new migration).
///
/// The constraints are SQLite's: client order ids unique per account, children need their
/// parent and fills their child, `(venue, fillId)` unique, and `order_event`, `ledger_entry` and
/// `cap_table_report` append-only (triggers refuse UPDATE, DELETE and TRUNCATE). Column names are
/// the SQLite journal's, folded to lower case as PostgreSQL folds unquoted names, so the same SQL
/// reads both. `ordinal` columns keep insertion order where SQLite has its rowid.
enum PostgresSchema {
    struct Migration {
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "v1: parents, children, executions, events, decisions",
            statements: [
                """
                CREATE TABLE journal_meta (tag TEXT NOT NULL, createdAt BIGINT NOT NULL)
                """,
                """
                INSERT INTO journal_meta (tag, createdAt)
                VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 6), extract(epoch FROM now())::bigint)
                """,
                """
                CREATE TABLE parent_order (
                  id BIGINT PRIMARY KEY, account TEXT NOT NULL, clientOrderId TEXT, symbol TEXT NOT NULL,
                  side TEXT NOT NULL, quantity BIGINT NOT NULL, limitPrice BIGINT, timeInForce TEXT NOT NULL,
                  strategy TEXT NOT NULL, includeVenues TEXT NOT NULL, excludeVenues TEXT NOT NULL,
                  status TEXT NOT NULL, note TEXT, rejectionCode TEXT, rejectionMessage TEXT,
                  createdAt BIGINT NOT NULL, completedAt BIGINT, cancelRequested BOOLEAN NOT NULL DEFAULT FALSE,
                  UNIQUE (account, clientOrderId))
                """,
                """
                CREATE TABLE child_order (
                  clientKey TEXT PRIMARY KEY, parentId BIGINT NOT NULL REFERENCES parent_order (id),
                  venue TEXT NOT NULL, quantity BIGINT NOT NULL, limitPrice BIGINT NOT NULL,
                  timeInForce TEXT NOT NULL, purpose TEXT NOT NULL, decision BIGINT NOT NULL, status TEXT NOT NULL,
                  venueOrderId TEXT, filledQuantity BIGINT NOT NULL, fees BIGINT NOT NULL, refusalCode TEXT,
                  refusalMessage TEXT, failure TEXT, createdAt BIGINT NOT NULL,
                  ordinal BIGINT GENERATED ALWAYS AS IDENTITY)
                """,
                "CREATE INDEX parent_order_by_status ON parent_order (status)",
                "CREATE INDEX child_order_by_parent ON child_order (parentId)",
                """
                CREATE TABLE execution (
                  venue TEXT NOT NULL, fillId TEXT NOT NULL, childKey TEXT NOT NULL REFERENCES child_order (clientKey),
                  quantity BIGINT NOT NULL, price BIGINT NOT NULL, fee BIGINT NOT NULL, recordedAt BIGINT NOT NULL,
                  ordinal BIGINT GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (venue, fillId))
                """,
                """
                CREATE TABLE order_event (
                  sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                  parentId BIGINT NOT NULL REFERENCES parent_order (id), childKey TEXT, kind TEXT NOT NULL,
                  detail TEXT NOT NULL, at BIGINT NOT NULL)
                """,
                """
                CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
                END $$
                """,
                """
                CREATE TABLE routing_decision (
                  parentId BIGINT NOT NULL REFERENCES parent_order (id), position BIGINT NOT NULL,
                  attempt BIGINT NOT NULL, at BIGINT NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY (parentId, position))
                """,
            ] + appendOnly("order_event")),
        Migration(
            name: "v2: settlements, custody transfers, ledger entries, cap table reports",
            statements: [
                """
                CREATE TABLE settlement (
                  id BIGINT PRIMARY KEY, venue TEXT NOT NULL, fillId TEXT NOT NULL, parentId BIGINT NOT NULL,
                  account TEXT NOT NULL, symbol TEXT NOT NULL, model TEXT NOT NULL, status TEXT NOT NULL,
                  updatedAt BIGINT NOT NULL, record TEXT NOT NULL, UNIQUE (venue, fillId))
                """,
                "CREATE INDEX settlement_by_parent ON settlement (parentId)",
                """
                CREATE TABLE custody_transfer (
                  id BIGINT PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL, settlementId BIGINT,
                  status TEXT NOT NULL, updatedAt BIGINT NOT NULL, record TEXT NOT NULL)
                """,
                """
                CREATE TABLE ledger_entry (
                  sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL, asset TEXT NOT NULL,
                  amount BIGINT NOT NULL, fromHolder TEXT, fromLocation TEXT, fromLocked BOOLEAN,
                  toHolder TEXT NOT NULL, toLocation TEXT NOT NULL, toLocked BOOLEAN NOT NULL, reference TEXT NOT NULL)
                """,
                """
                CREATE TABLE cap_table_report (
                  sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL, symbol TEXT NOT NULL,
                  fromHolder TEXT, toHolder TEXT NOT NULL, quantity BIGINT NOT NULL, acquiredOn TEXT NOT NULL,
                  reference TEXT NOT NULL)
                """,
            ] + appendOnly("ledger_entry") + appendOnly("cap_table_report")),
        Migration(
            name: "v3: indexes for reading one account's orders, one child's executions, one parent's events",
            statements: [
                "CREATE INDEX parent_order_by_account ON parent_order (account, id)",
                "CREATE INDEX execution_by_child ON execution (childKey)",
                "CREATE INDEX order_event_by_parent ON order_event (parentId)",
            ]),
        Migration(
            name: "v4: indexes for reading one account's settlements and custody transfers, a settlement's transfer",
            statements: [
                "CREATE INDEX settlement_by_account ON settlement (account, id)",
                "CREATE INDEX custody_transfer_by_account ON custody_transfer (account, id)",
                "CREATE INDEX custody_transfer_by_settlement ON custody_transfer (settlementId)",
            ]),
        Migration(
            name: "v5: router instances and account leases",
            statements: [
                // Each serving instance, its API's URL (where others forward its accounts' requests)
                // and its heartbeat; times are the database's clock, never an instance's.
                """
                CREATE TABLE router_instance (
                  id TEXT PRIMARY KEY, apiUrl TEXT NOT NULL, startedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
                  heartbeatAt TIMESTAMPTZ NOT NULL DEFAULT now())
                """,
                // One row per account: who owns it, until when, and the epoch that fences its writes
                // (raised by every takeover).
                """
                CREATE TABLE account_lease (
                  account TEXT PRIMARY KEY, owner TEXT, epoch BIGINT NOT NULL DEFAULT 0,
                  expiresAt TIMESTAMPTZ NOT NULL DEFAULT '-infinity')
                """,
                "CREATE INDEX account_lease_by_owner ON account_lease (owner)",
                // Parent ids unique across instances, continuing from any already used.
                "CREATE SEQUENCE parent_order_id",
                "SELECT setval('parent_order_id', (SELECT COALESCE(MAX(id), 0) + 1 FROM parent_order), false)",
                // The fence: refuses the transaction unless `owner` still holds `account` at `epoch`,
                // and keeps the lease row locked until it commits, so a takeover waits for it.
                """
                CREATE FUNCTION journal_fence(fenced TEXT, holder TEXT, held BIGINT) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM 1 FROM account_lease WHERE account = fenced AND owner = holder AND epoch = held FOR SHARE;
                  IF NOT FOUND THEN
                    RAISE EXCEPTION 'the lease on account % is not held by % at epoch %', fenced, holder, held
                      USING ERRCODE = 'AT001';
                  END IF;
                END $$
                """,
            ]),
        Migration(
            name: "v6: subscriptions to primary offerings and their events",
            statements: [
                """
                CREATE TABLE subscription (
                  id BIGINT PRIMARY KEY, account TEXT NOT NULL, clientSubscriptionId TEXT, venue TEXT NOT NULL,
                  offeringId TEXT NOT NULL, symbol TEXT NOT NULL, status TEXT NOT NULL, amount BIGINT NOT NULL,
                  createdAt BIGINT NOT NULL, updatedAt BIGINT NOT NULL, record TEXT NOT NULL,
                  UNIQUE (account, clientSubscriptionId))
                """,
                "CREATE INDEX subscription_by_account ON subscription (account, id)",
                "CREATE INDEX subscription_by_status ON subscription (status)",
                """
                CREATE TABLE subscription_event (
                  sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                  subscriptionId BIGINT NOT NULL REFERENCES subscription (id), kind TEXT NOT NULL,
                  detail TEXT NOT NULL, at BIGINT NOT NULL)
                """,
                "CREATE INDEX subscription_event_by_subscription ON subscription_event (subscriptionId)",
                // Subscription ids unique across instances.
                "CREATE SEQUENCE subscription_id",
            ] + appendOnly("subscription_event")),
        Migration(
            name: "v7: cash conversions",
            statements: [
                """
                CREATE TABLE cash_conversion (
                  id BIGINT PRIMARY KEY, account TEXT NOT NULL, venue TEXT NOT NULL, status TEXT NOT NULL,
                  createdAt BIGINT NOT NULL, updatedAt BIGINT NOT NULL, record TEXT NOT NULL)
                """,
                "CREATE INDEX cash_conversion_by_account ON cash_conversion (account, id)",
                "CREATE INDEX cash_conversion_by_status ON cash_conversion (status)",
                "CREATE SEQUENCE cash_conversion_id",
            ]),
        Migration(
            name: "v8: investor identity records, onboardings, compliance alerts",
            statements: [
                """
                CREATE TABLE investor (
                  account TEXT PRIMARY KEY, revision BIGINT NOT NULL, updatedAt BIGINT NOT NULL, record TEXT NOT NULL)
                """,
                """
                CREATE TABLE investor_event (
                  sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account TEXT NOT NULL,
                  revision BIGINT NOT NULL, at BIGINT NOT NULL, "by" TEXT NOT NULL, record TEXT NOT NULL,
                  UNIQUE (account, revision))
                """,
                """
                CREATE TABLE onboarding (
                  account TEXT NOT NULL, venue TEXT NOT NULL, status TEXT NOT NULL, updatedAt BIGINT NOT NULL,
                  record TEXT NOT NULL, PRIMARY KEY (account, venue))
                """,
                """
                CREATE TABLE compliance_alert (
                  id BIGINT PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
                  createdAt BIGINT NOT NULL, record TEXT NOT NULL)
                """,
                "CREATE INDEX compliance_alert_by_status ON compliance_alert (status, id)",
                "CREATE SEQUENCE compliance_alert_id",
            ] + appendOnly("investor_event")),
        Migration(
            name: "v9: orders that may move the account's tokens or cash",
            statements: ["ALTER TABLE parent_order ADD COLUMN allowTransfers BOOLEAN NOT NULL DEFAULT false"]),
        Migration(
            name: "v10: each order event's place in its account's stream, and its data",
            statements: [
                "ALTER TABLE order_event ADD COLUMN account TEXT",
                "ALTER TABLE order_event ADD COLUMN orderSequence BIGINT",
                "ALTER TABLE order_event ADD COLUMN streamSequence BIGINT",
                "ALTER TABLE order_event ADD COLUMN payload TEXT",
                """
                CREATE UNIQUE INDEX order_event_by_stream ON order_event (account, streamSequence)
                  WHERE streamSequence IS NOT NULL
                """,
            ]),
        Migration(
            name: "v11: FIX sessions, the messages they sent, their ClOrdIDs",
            statements: [
                """
                CREATE TABLE fix_session (
                  session TEXT PRIMARY KEY, epoch BIGINT NOT NULL, nextSender BIGINT NOT NULL,
                  nextTarget BIGINT NOT NULL, cursors TEXT NOT NULL, updatedAt BIGINT NOT NULL)
                """,
                """
                CREATE TABLE fix_message (
                  session TEXT NOT NULL, epoch BIGINT NOT NULL, sequence BIGINT NOT NULL, body TEXT NOT NULL,
                  sentAt BIGINT NOT NULL, PRIMARY KEY (session, epoch, sequence))
                """,
                """
                CREATE TABLE fix_order (
                  session TEXT NOT NULL, clOrdId TEXT NOT NULL, orderId BIGINT NOT NULL, kind TEXT NOT NULL,
                  expireAt BIGINT, at BIGINT NOT NULL, PRIMARY KEY (session, clOrdId))
                """,
            ] + appendOnly("fix_message")),
    ]

    /// Triggers refusing every UPDATE, DELETE and TRUNCATE of `table`.
    static func appendOnly(_ table: String) -> [String] {
        [
            """
            CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
            FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()
            """,
            """
            CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()
            """,
        ]
    }

    /// A key for `pg_advisory_xact_lock` taken by every transaction that writes settlement rows:
    /// instances write the shared ledger one at a time, so entries are numbered in commit order
    /// and each reads what the others appended before it decides.
    static let settlementLock: Int64 = 0x4154_5352_5345_5454  // "ATSRSETT"

    /// A key for `pg_advisory_xact_lock`: instances starting together migrate one at a time.
    static let migrationLock: Int64 = 0x4154_5352_4d49_4752  // "ATSRMIGR"

    /// Applies every migration not yet applied, one transaction each under the migration lock;
    /// refuses a database that has a migration this version does not know.
    static func migrate(_ connection: BlockingConnection) throws {
        try connection.transaction([
            "SELECT pg_advisory_xact_lock(\(migrationLock))",
            """
            CREATE TABLE IF NOT EXISTS journal_migration (
              position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, appliedAt TIMESTAMPTZ NOT NULL DEFAULT now())
            """,
        ])
        for (position, migration) in migrations.enumerated() {
            let statements: [PostgresQuery] =
                [
                    "SELECT pg_advisory_xact_lock(\(migrationLock))",
                    // Fails the transaction when another instance applied it first (the name is unique):
                    // that instance's schema stands, and the check below finds it applied.
                    "INSERT INTO journal_migration (position, name) VALUES (\(position), \(migration.name))",
                ] + migration.statements.map { PostgresQuery(unsafeSQL: $0) }
            if try applied(connection).contains(migration.name) { continue }
            do { try connection.transaction(statements) } catch let error as JournalDatabaseError
                where error.sqlState == "23505"
            {
                continue
            }
        }
        try checkKnown(connection)
    }

    /// Refuses a database with no journal, or with a migration this version does not know.
    static func checkKnown(_ connection: BlockingConnection) throws {
        let present = try connection.query("SELECT to_regclass('journal_migration') IS NOT NULL").rows.first?.decode(
            Bool.self)
        guard present == true, case let names = try applied(connection), !names.isEmpty else {
            throw PostgresJournal.RefusedJournal(
                url: connection.url, reason: "it holds no journal (no migrations applied: has a router served on it?)")
        }
        let known = Set(migrations.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw PostgresJournal.RefusedJournal(
                url: connection.url,
                reason: "it has the migration \"\(unknown)\", which this version does not know (a newer journal?)")
        }
    }

    static func applied(_ connection: BlockingConnection) throws -> [String] {
        try connection.query("SELECT name FROM journal_migration ORDER BY position").rows.map {
            try $0.decode(String.self)
        }
    }
}
