import ATSJournalTestSupport
import Foundation
import GRDB
import Testing

@testable import ATSStorage

/// What every journal store does, run against each backend in ``JournalBackend/all``; what only
/// the SQLite file does (read-only opening, refusing files that are not journals) is tested on it.
@Suite struct JournalTests {
    static func temporaryPath() -> String {
        let directory = NSTemporaryDirectory() + "ats-journal-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/journal.sqlite"
    }

    static func parent(_ id: Int64, clientOrderId: String? = nil) -> ParentRecord {
        ParentRecord(
            id: id, account: "alice", clientOrderId: clientOrderId, symbol: "ACME", side: "buy",
            quantity: 100 * 100_000_000, limitPrice: 1_010_000_000, timeInForce: "IOC", strategy: "cost",
            status: "working", createdAt: 1_000)
    }

    static func child(_ key: String, parent: Int64, status: String = "pending") -> ChildRecord {
        ChildRecord(
            clientKey: key, parentId: parent, venue: "tzero", quantity: 40 * 100_000_000, limitPrice: 1_005_000_000,
            timeInForce: "DAY", purpose: "take", decision: 0, status: status, createdAt: 2_000)
    }

    @Test(arguments: JournalBackend.all)
    func migrationsAreNamedAppliedOnceAndDataSurvivesAReopen(backend: JournalBackend) throws {
        let made = try backend.make()
        do {
            let journal = made.store
            #expect(
                try journal.appliedMigrations() == [
                    "v1: parents, children, executions, events, decisions",
                    "v2: settlements, custody transfers, ledger entries, cap table reports",
                    "v3: indexes for reading one account's orders, one child's executions, one parent's events",
                    "v4: indexes for reading one account's settlements and custody transfers, a settlement's transfer",
                    "v5: router instances and account leases",
                    "v6: subscriptions to primary offerings and their events",
                    "v7: cash conversions",
                    "v8: investor identity records, onboardings, compliance alerts",
                    "v9: orders that may move the account's tokens or cash",
                    "v10: each order event's place in its account's stream, and its data",
                    "v11: FIX sessions, the messages they sent, their ClOrdIDs",
                ])
            try journal.recordParent(Self.parent(1, clientOrderId: "c-1"))
            try journal.recordChild(Self.child("p1-c1", parent: 1))
        }
        let reopened = try made.reopen()
        #expect(try reopened.appliedMigrations().count == 11)
        #expect(try reopened.parent(id: 1)?.clientOrderId == "c-1")
        #expect(try reopened.parent(account: "alice", clientOrderId: "c-1")?.id == 1)
        #expect(try reopened.openChildren().map(\.clientKey) == ["p1-c1"])
        #expect(try reopened.lastParentID() == 1)
    }

    @Test(arguments: JournalBackend.all)
    func eventsAreAppendOnly(backend: JournalBackend) throws {
        let made = try backend.make()
        let journal = made.store
        try journal.recordParent(Self.parent(7))
        var updated = Self.parent(7)
        updated.status = "filled"
        try journal.updateParent(updated, event: "filled", at: 3_000)
        let events = try journal.events(of: 7)
        #expect(events.map(\.kind) == ["accepted", "filled"])
        let sequences = events.compactMap(\.sequence)
        #expect(sequences.count == 2 && sequences == sequences.sorted())
        // Refused by the database itself, not only by the store's code.
        #expect(throws: (any Error).self) { try made.executeRaw("UPDATE order_event SET kind = 'x'") }
        #expect(throws: (any Error).self) { try made.executeRaw("DELETE FROM order_event") }
        #expect(try journal.events(of: 7).count == 2)
    }

    @Test(arguments: JournalBackend.all)
    func settlementRowsAreWrittenOverWhileEntriesAndReportsAreAppendOnly(backend: JournalBackend) throws {
        let made = try backend.make()
        let journal = made.store
        try journal.recordParent(Self.parent(1))
        var change = UnitOfWork()
        change.settlements = [
            SettlementRow(
                id: 1, venue: "tzero", fillId: "F1", parentId: 1, account: "alice", symbol: "ACME",
                model: "custodial_book_entry", status: "instructed", updatedAt: 1, record: "{}")
        ]
        change.ledgerEntries = [
            LedgerEntryRow(
                at: 1, asset: "token:ACME", amount: 5, fromHolder: nil, fromLocation: nil, fromLocked: nil,
                toHolder: "alice", toLocation: "custodian:tzero", toLocked: false, reference: "genesis")
        ]
        change.capTableReports = [
            CapTableReportRow(
                at: 1, symbol: "ACME", fromHolder: nil, toHolder: "alice", quantity: 5,
                acquiredOn: "2026-11-20", reference: "genesis")
        ]
        try journal.commit(change)
        var settled = change.settlements[0]
        settled.status = "settled"
        var second = UnitOfWork()
        second.settlements = [settled]
        try journal.commit(second)
        let stored = try journal.loadSettlement()
        #expect(stored.settlements.map(\.status) == ["settled"])
        #expect(stored.entries.count == 1 && stored.reports.count == 1)
        for table in ["ledger_entry", "cap_table_report"] {
            #expect(throws: (any Error).self) { try made.executeRaw("UPDATE \(table) SET at = 2") }
            #expect(throws: (any Error).self) { try made.executeRaw("DELETE FROM \(table)") }
        }
        #expect(try journal.loadSettlement().entries.count == 1)
    }

    @Test func aReadOnlySQLiteJournalReadsEverythingAndWritesNothing() throws {
        let path = Self.temporaryPath()
        try SQLiteJournal(path: path).recordParent(Self.parent(1))
        let reader = try SQLiteJournal(path: path, readOnly: true)
        #expect(try reader.parent(id: 1) != nil)
        #expect(throws: DatabaseError.self) { try reader.recordParent(Self.parent(2)) }
        #expect(try reader.parent(id: 2) == nil)
    }

    @Test(arguments: JournalBackend.all)
    func clientOrderIdsAreUniquePerAccountAndChildrenNeedTheirParent(backend: JournalBackend) throws {
        let journal = try backend.make().store
        try journal.recordParent(Self.parent(1, clientOrderId: "same"))
        #expect(throws: (any Error).self) { try journal.recordParent(Self.parent(2, clientOrderId: "same")) }
        #expect(try journal.parent(id: 2) == nil)  // the failed transaction left nothing, not even its event
        #expect(try journal.events(of: 2).isEmpty)
        #expect(throws: (any Error).self) { try journal.recordChild(Self.child("p9-c1", parent: 9)) }
        var bobs = Self.parent(3, clientOrderId: "same")
        bobs.account = "bob"
        try journal.recordParent(bobs)  // per account
    }

    @Test(arguments: JournalBackend.all)
    func fillsAreRecordedOnceAndFinalChildrenLeaveRecovery(backend: JournalBackend) throws {
        let journal = try backend.make().store
        try journal.recordParent(Self.parent(1))
        try journal.recordChild(Self.child("p1-c1", parent: 1))
        try journal.recordChild(Self.child("p1-c2", parent: 1))
        let fills = [
            ExecutionRecord(
                venue: "tzero", fillId: "77-0", childKey: "p1-c1", quantity: 10 * 100_000_000, price: 1_004_000_000,
                fee: 0, recordedAt: 2_100),
            ExecutionRecord(
                venue: "tzero", fillId: "77-1", childKey: "p1-c1", quantity: 30 * 100_000_000, price: 1_005_000_000,
                fee: 0, recordedAt: 2_100),
        ]
        var child = Self.child("p1-c1", parent: 1, status: "partially_filled")
        child.filledQuantity = 10 * 100_000_000
        try journal.updateChild(child, fills: [fills[0]], at: 2_100)
        child.status = "filled"
        child.filledQuantity = 40 * 100_000_000
        try journal.updateChild(child, fills: fills, at: 2_200)  // the first fill again, and the second
        let recorded = try journal.executions(of: "p1-c1")
        #expect(recorded.count == 2)
        #expect(recorded.reduce(0) { $0 + $1.quantity } == child.filledQuantity)
        #expect(try journal.openChildren().map(\.clientKey) == ["p1-c2"])
        #expect(
            try journal.events(of: 1).filter { $0.childKey == "p1-c1" }.map(\.detail) == [
                "pending", "partially_filled", "filled",
            ])
    }

    /// Subscriptions: written over as they change, their events appended only, a client
    /// subscription id once per account, read by account, status and page.
    @Test(arguments: JournalBackend.all)
    func subscriptionsAreWrittenOverAndTheirEventsAppendOnly(backend: JournalBackend) throws {
        let made = try backend.make()
        let journal = made.store
        func row(_ id: Int64, _ account: String, _ client: String?, _ status: String) -> SubscriptionRow {
            SubscriptionRow(
                id: id, account: account, clientSubscriptionId: client, venue: "rialto", offeringId: "VINE-2026B",
                symbol: "VINE", status: status, amount: 120_000_000_000, createdAt: 1_000 + id, updatedAt: 1_000 + id,
                record: "{\"status\":\"\(status)\"}")
        }
        func write(_ row: SubscriptionRow, _ kind: String) throws {
            var work = UnitOfWork()
            work.subscriptions = [row]
            work.subscriptionEvents = [
                SubscriptionEventRow(subscriptionId: row.id, kind: kind, detail: row.status, at: row.updatedAt)
            ]
            try journal.commit(work)
        }
        #expect(try journal.lastSubscriptionID() == 0)
        try write(row(1, "alice", "s-1", "reserved"), "accepted")
        try write(row(2, "erin", "s-1", "reserved"), "accepted")
        try write(row(3, "alice", nil, "rejected"), "rejected")
        try write(row(1, "alice", "s-1", "pending"), "acknowledged")
        try write(row(1, "alice", "s-1", "allocated"), "allocated")
        // The same client id for the same account again (another subscription): refused whole.
        #expect(throws: (any Error).self) { try write(row(4, "alice", "s-1", "reserved"), "accepted") }
        #expect(try journal.subscriptions(SubscriptionQuery(id: 4)).isEmpty)
        #expect(try journal.subscriptionEvents(of: 4).isEmpty)
        #expect(try journal.subscription(account: "alice", clientSubscriptionId: "s-1")?.status == "allocated")
        #expect(try journal.subscription(account: "erin", clientSubscriptionId: "s-1")?.id == 2)
        #expect(try journal.subscriptions(SubscriptionQuery(account: "alice")).map(\.id) == [1, 3])
        #expect(try journal.subscriptions(SubscriptionQuery(statuses: ["reserved", "rejected"])).map(\.id) == [2, 3])
        #expect(try journal.subscriptions(SubscriptionQuery(before: 3, limit: 1)).map(\.id) == [2])
        #expect(try journal.subscriptionEvents(of: 1).map(\.kind) == ["accepted", "acknowledged", "allocated"])
        #expect(try journal.lastSubscriptionID() == 3)
        // Ids given out only grow (on PostgreSQL from a sequence shared by every instance).
        let given = try journal.newSubscriptionID(after: 3)
        #expect(try journal.newSubscriptionID(after: given) > given)
        #expect(throws: (any Error).self) { try made.executeRaw("UPDATE subscription_event SET kind = 'x'") }
        #expect(throws: (any Error).self) { try made.executeRaw("DELETE FROM subscription_event") }
        #expect(try made.reopen().subscriptionEvents(of: 1).count == 3)
    }
}
