import GRDB

/// The journal's schema: named migrations, applied in order and never edited once shipped (a
/// change is a new migration). `order_event` is append-only, enforced by triggers.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: parents, children, executions, events, decisions") { db in
            // One row: this journal's tag, which prefixes every child's venue idempotency key so that
            // two journals (a fresh data folder against the same venues) never share a key.
            try db.create(table: "journal_meta") { t in
                t.column("tag", .text).notNull()
                t.column("createdAt", .integer).notNull()
            }
            try db.execute(
                sql:
                    "INSERT INTO journal_meta (tag, createdAt) VALUES (lower(hex(randomblob(3))), CAST(strftime('%s','now') AS INTEGER))"
            )
            try db.create(table: "parent_order") { t in
                t.primaryKey("id", .integer)
                t.column("account", .text).notNull()
                t.column("clientOrderId", .text)
                t.column("symbol", .text).notNull()
                t.column("side", .text).notNull()
                t.column("quantity", .integer).notNull()  // raw, 8 decimals
                t.column("limitPrice", .integer)
                t.column("timeInForce", .text).notNull()
                t.column("strategy", .text).notNull()
                t.column("includeVenues", .text).notNull()  // JSON array
                t.column("excludeVenues", .text).notNull()
                t.column("status", .text).notNull()
                t.column("note", .text)
                t.column("rejectionCode", .text)
                t.column("rejectionMessage", .text)
                t.column("createdAt", .integer).notNull()  // nanoseconds since the epoch
                t.column("completedAt", .integer)
                t.column("cancelRequested", .boolean).notNull().defaults(to: false)
                t.uniqueKey(["account", "clientOrderId"])
            }
            try db.create(table: "child_order") { t in
                t.primaryKey("clientKey", .text)
                t.column("parentId", .integer).notNull().references("parent_order")
                t.column("venue", .text).notNull()
                t.column("quantity", .integer).notNull()
                t.column("limitPrice", .integer).notNull()
                t.column("timeInForce", .text).notNull()
                t.column("purpose", .text).notNull()
                t.column("decision", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("venueOrderId", .text)
                t.column("filledQuantity", .integer).notNull()
                t.column("fees", .integer).notNull()
                t.column("refusalCode", .text)
                t.column("refusalMessage", .text)
                t.column("failure", .text)
                t.column("createdAt", .integer).notNull()
            }
            try db.create(index: "parent_order_by_status", on: "parent_order", columns: ["status"])
            try db.create(index: "child_order_by_parent", on: "child_order", columns: ["parentId"])
            try db.create(table: "execution") { t in
                t.column("venue", .text).notNull()
                t.column("fillId", .text).notNull()
                t.column("childKey", .text).notNull().references("child_order")
                t.column("quantity", .integer).notNull()
                t.column("price", .integer).notNull()
                t.column("fee", .integer).notNull()
                t.column("recordedAt", .integer).notNull()
                t.primaryKey(["venue", "fillId"])
            }
            try db.create(table: "order_event") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("parentId", .integer).notNull().references("parent_order")
                t.column("childKey", .text)
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("at", .integer).notNull()
            }
            try db.execute(
                sql: """
                    CREATE TRIGGER order_event_no_update BEFORE UPDATE ON order_event
                    BEGIN SELECT RAISE(ABORT, 'order_event is append-only'); END;
                    CREATE TRIGGER order_event_no_delete BEFORE DELETE ON order_event
                    BEGIN SELECT RAISE(ABORT, 'order_event is append-only'); END;
                    """)
            try db.create(table: "routing_decision") { t in
                t.column("parentId", .integer).notNull().references("parent_order")
                t.column("position", .integer).notNull()
                t.column("attempt", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("evidence", .text).notNull()  // JSON: snapshot, quote ages, exclusions, plan
                t.primaryKey(["parentId", "position"])
            }
        }
        migrator.registerMigration("v2: settlements, custody transfers, ledger entries, cap table reports") { db in
            try db.create(table: "settlement") { t in
                t.primaryKey("id", .integer)
                t.column("venue", .text).notNull()
                t.column("fillId", .text).notNull()
                t.column("parentId", .integer).notNull()
                t.column("account", .text).notNull()
                t.column("symbol", .text).notNull()
                t.column("model", .text).notNull()
                t.column("status", .text).notNull()
                t.column("updatedAt", .integer).notNull()
                t.column("record", .text).notNull()  // JSON: the whole settlement record with its steps
                t.uniqueKey(["venue", "fillId"])
            }
            try db.create(index: "settlement_by_parent", on: "settlement", columns: ["parentId"])
            try db.create(table: "custody_transfer") { t in
                t.primaryKey("id", .integer)
                t.column("account", .text).notNull()
                t.column("symbol", .text).notNull()
                t.column("settlementId", .integer)
                t.column("status", .text).notNull()
                t.column("updatedAt", .integer).notNull()
                t.column("record", .text).notNull()  // JSON: the transfer with its hops
            }
            // Double-entry: every row moves `amount` from one balance to another; `from` NULL is an issuance.
            try db.create(table: "ledger_entry") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("at", .integer).notNull()
                t.column("asset", .text).notNull()
                t.column("amount", .integer).notNull()
                t.column("fromHolder", .text)
                t.column("fromLocation", .text)
                t.column("fromLocked", .boolean)
                t.column("toHolder", .text).notNull()
                t.column("toLocation", .text).notNull()
                t.column("toLocked", .boolean).notNull()
                t.column("reference", .text).notNull()
            }
            try db.create(table: "cap_table_report") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("at", .integer).notNull()
                t.column("symbol", .text).notNull()
                t.column("fromHolder", .text)
                t.column("toHolder", .text).notNull()
                t.column("quantity", .integer).notNull()
                t.column("acquiredOn", .text).notNull()
                t.column("reference", .text).notNull()
            }
            for table in ["ledger_entry", "cap_table_report"] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        """)
            }
        }
        migrator.registerMigration(
            "v3: indexes for reading one account's orders, one child's executions, one parent's events"
        ) { db in
            try db.create(index: "parent_order_by_account", on: "parent_order", columns: ["account", "id"])
            try db.create(index: "execution_by_child", on: "execution", columns: ["childKey"])
            try db.create(index: "order_event_by_parent", on: "order_event", columns: ["parentId"])
        }
        migrator.registerMigration(
            "v4: indexes for reading one account's settlements and custody transfers, a settlement's transfer"
        ) { db in
            try db.create(index: "settlement_by_account", on: "settlement", columns: ["account", "id"])
            try db.create(index: "custody_transfer_by_account", on: "custody_transfer", columns: ["account", "id"])
            try db.create(index: "custody_transfer_by_settlement", on: "custody_transfer", columns: ["settlementId"])
        }
        migrator.registerMigration("v5: router instances and account leases") { db in
            // Used by instances sharing a PostgreSQL journal (the same migration there); an embedded
            // journal has one instance and leaves them empty, so both schemas stay one.
            try db.create(table: "router_instance") { t in
                t.primaryKey("id", .text)
                t.column("apiUrl", .text).notNull()
                t.column("startedAt", .integer).notNull()
                t.column("heartbeatAt", .integer).notNull()
            }
            try db.create(table: "account_lease") { t in
                t.primaryKey("account", .text)
                t.column("owner", .text)
                t.column("epoch", .integer).notNull().defaults(to: 0)
                t.column("expiresAt", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v6: subscriptions to primary offerings and their events") { db in
            try db.create(table: "subscription") { t in
                t.primaryKey("id", .integer)
                t.column("account", .text).notNull()
                t.column("clientSubscriptionId", .text)
                t.column("venue", .text).notNull()
                t.column("offeringId", .text).notNull()
                t.column("symbol", .text).notNull()
                t.column("status", .text).notNull()
                t.column("amount", .integer).notNull()  // raw, 8 decimals, in the payment asset
                t.column("createdAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
                t.column("record", .text).notNull()  // JSON: the whole subscription
                t.uniqueKey(["account", "clientSubscriptionId"])
            }
            try db.create(index: "subscription_by_account", on: "subscription", columns: ["account", "id"])
            try db.create(index: "subscription_by_status", on: "subscription", columns: ["status"])
            try db.create(table: "subscription_event") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("subscriptionId", .integer).notNull().references("subscription")
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("at", .integer).notNull()
            }
            try db.create(
                index: "subscription_event_by_subscription", on: "subscription_event", columns: ["subscriptionId"])
            try db.execute(
                sql: """
                    CREATE TRIGGER subscription_event_no_update BEFORE UPDATE ON subscription_event
                    BEGIN SELECT RAISE(ABORT, 'subscription_event is append-only'); END;
                    CREATE TRIGGER subscription_event_no_delete BEFORE DELETE ON subscription_event
                    BEGIN SELECT RAISE(ABORT, 'subscription_event is append-only'); END;
                    """)
        }
        migrator.registerMigration("v7: cash conversions") { db in
            try db.create(table: "cash_conversion") { t in
                t.primaryKey("id", .integer)
                t.column("account", .text).notNull()
                t.column("venue", .text).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
                t.column("record", .text).notNull()  // JSON: the whole conversion
            }
            try db.create(index: "cash_conversion_by_account", on: "cash_conversion", columns: ["account", "id"])
            try db.create(index: "cash_conversion_by_status", on: "cash_conversion", columns: ["status"])
        }
        migrator.registerMigration("v8: investor identity records, onboardings, compliance alerts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE investor (
                      account TEXT PRIMARY KEY, revision INTEGER NOT NULL, updatedAt INTEGER NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE investor_event (
                      sequence INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, revision INTEGER NOT NULL,
                      at INTEGER NOT NULL, "by" TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (account, revision));
                    CREATE TRIGGER investor_event_no_update BEFORE UPDATE ON investor_event
                    BEGIN SELECT RAISE(ABORT, 'investor_event is append-only'); END;
                    CREATE TRIGGER investor_event_no_delete BEFORE DELETE ON investor_event
                    BEGIN SELECT RAISE(ABORT, 'investor_event is append-only'); END;
                    CREATE TABLE onboarding (
                      account TEXT NOT NULL, venue TEXT NOT NULL, status TEXT NOT NULL, updatedAt INTEGER NOT NULL,
                      record TEXT NOT NULL, PRIMARY KEY (account, venue));
                    CREATE TABLE compliance_alert (
                      id INTEGER PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
                      createdAt INTEGER NOT NULL, record TEXT NOT NULL);
                    CREATE INDEX compliance_alert_by_status ON compliance_alert (status, id);
                    """)
        }
        migrator.registerMigration("v9: orders that may move the account's tokens or cash") { db in
            try db.execute(sql: "ALTER TABLE parent_order ADD COLUMN allowTransfers BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v10: each order event's place in its account's stream, and its data") { db in
            try db.execute(
                sql: """
                    ALTER TABLE order_event ADD COLUMN account TEXT;
                    ALTER TABLE order_event ADD COLUMN orderSequence INTEGER;
                    ALTER TABLE order_event ADD COLUMN streamSequence INTEGER;
                    ALTER TABLE order_event ADD COLUMN payload TEXT;
                    CREATE UNIQUE INDEX order_event_by_stream ON order_event (account, streamSequence)
                      WHERE streamSequence IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v11: FIX sessions, the messages they sent, their ClOrdIDs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE fix_session (
                      session TEXT PRIMARY KEY, epoch INTEGER NOT NULL, nextSender INTEGER NOT NULL,
                      nextTarget INTEGER NOT NULL, cursors TEXT NOT NULL, updatedAt INTEGER NOT NULL);
                    CREATE TABLE fix_message (
                      session TEXT NOT NULL, epoch INTEGER NOT NULL, sequence INTEGER NOT NULL, body TEXT NOT NULL,
                      sentAt INTEGER NOT NULL, PRIMARY KEY (session, epoch, sequence));
                    CREATE TRIGGER fix_message_no_update BEFORE UPDATE ON fix_message
                    BEGIN SELECT RAISE(ABORT, 'fix_message is append-only'); END;
                    CREATE TRIGGER fix_message_no_delete BEFORE DELETE ON fix_message
                    BEGIN SELECT RAISE(ABORT, 'fix_message is append-only'); END;
                    CREATE TABLE fix_order (
                      session TEXT NOT NULL, clOrdId TEXT NOT NULL, orderId INTEGER NOT NULL, kind TEXT NOT NULL,
                      expireAt INTEGER, at INTEGER NOT NULL, PRIMARY KEY (session, clOrdId));
                    """)
        }
        return migrator
    }
}
