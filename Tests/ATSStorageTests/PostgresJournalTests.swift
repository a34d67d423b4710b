import ATSDomain
import ATSJournalTestSupport
import ATSPostgres
import Foundation
import Synchronization
import Testing

@testable import ATSStorage

/// What only the PostgreSQL journal has to show: its URL, instances migrating one database at
/// once, and the same answers as the SQLite journal to every read over the same writes.
@Suite struct PostgresJournalTests {
    /// CI sets `ATS_ROUTER_REQUIRE_TEST_DATABASE`: there, a missing server fails instead of
    /// leaving the journal suites on SQLite alone.
    @Test func theTestServerIsThereOrItsAbsenceIsSaid() throws {
        switch JournalBackend.testServer {
        case .success(let server):
            try PostgresAdmin.execute("SELECT 1", at: server)
        case .failure(let absent):
            if ProcessInfo.processInfo.environment["ATS_ROUTER_REQUIRE_TEST_DATABASE"] != nil {
                Issue.record("PostgreSQL is required here: \(absent)")
            } else {
                print("note: \(absent)")
            }
        }
    }

    @Test func aDatabaseURLIsReadAsLibpqWritesItAndAWrongOneNamesWhatIsWrong() throws {
        let url = try DatabaseURL("postgresql://router:s%40cret@db.internal:6432/ats?sslmode=require", environment: [:])
        #expect(url.user == "router" && url.password == "s@cret" && url.host == "db.internal")
        #expect(url.port == 6432 && url.database == "ats" && url.sslMode == .require)
        #expect(url.description == "postgresql://router@db.internal:6432/ats?sslmode=require")
        let fromEnvironment = try DatabaseURL("postgres://router@127.0.0.1/ats", environment: ["PGPASSWORD": "pw"])
        #expect(fromEnvironment.password == "pw" && fromEnvironment.port == 5432 && fromEnvironment.sslMode == .disable)
        let wrong: [(String, String)] = [
            ("mysql://router@host/ats", "scheme"),
            ("postgresql://host/ats", "no user"),
            ("postgresql://router@host", "no database"),
            ("postgresql://router@host/ats?sslmode=maybe", "sslmode"),
            ("postgresql://router@host/ats?pool=3", "pool"),
            ("postgresql://router:secret@host:70000/ats", "port"),
        ]
        for (text, reason) in wrong {
            do {
                _ = try DatabaseURL(text, environment: [:])
                Issue.record("\(text) was taken")
            } catch {
                #expect("\(error)".contains(reason), "\(text): \(error)")
                #expect(!"\(error)".contains("secret"), "the password is shown: \(error)")
            }
        }
    }

    /// Instances started together on a new database: each applies what is missing under the
    /// migration lock, so the migrations are applied once and every instance sees one tag.
    @Test func instancesOpeningOneNewDatabaseTogetherMigrateItOnce() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let server = try DatabaseURL(made.location)
        let fresh = server.with(database: server.database + "_together")
        try PostgresAdmin.createDatabase(fresh.database, on: server)
        let tags = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask { try PostgresJournal(url: fresh).tag }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tags).count == 1)
        let journal = try PostgresJournal(url: fresh)
        #expect(try journal.appliedMigrations().count == 11)
    }

    @Test func aDatabaseWithAMigrationThisVersionDoesNotKnowIsRefused() throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        try made.executeRaw("INSERT INTO journal_migration (position, name) VALUES (99, 'v99: from the future')")
        #expect {
            _ = try made.reopen()
        } throws: { error in
            "\(error)".contains("v99: from the future") && "\(error)".contains("does not know")
        }
    }

    /// The same seeded stream of units of work written to both journals reads back the same from
    /// both, through every read the protocol has, across pages and filters.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func bothBackendsAnswerEveryReadTheSame(seed: UInt64) throws {
        guard let backend = JournalBackend.postgres else { return }
        let sqlite = try JournalBackend.sqlite.make().store
        let postgres = try backend.make().store
        var random = SplitMix64(seed: seed)
        var stream = UnitOfWorkStream()
        for _ in 0..<400 {
            let work = stream.next(&random)
            try sqlite.commit(work)
            try postgres.commit(work)
        }
        for _ in 0..<60 {
            let query = stream.query(&random)
            #expect(try sqlite.parents(query).map(Compared.init) == postgres.parents(query).map(Compared.init))
            #expect(try sqlite.countParents(query) == postgres.countParents(query))
            #expect(try sqlite.events(query) == postgres.events(query))
            let settlementQuery = stream.settlementQuery(&random)
            #expect(try sqlite.settlements(settlementQuery) == postgres.settlements(settlementQuery))
        }
        let ids = stream.settlementIds.shuffled(using: &random).prefix(5).map { $0 }
        for account in [nil, "alice", "bob"] as [String?] {
            for statuses in [nil, ["moving"]] as [[String]?] {
                #expect(
                    try sqlite.transfers(account: account, settlementIds: ids, orUnlinkedOrIn: statuses)
                        == postgres.transfers(account: account, settlementIds: ids, orUnlinkedOrIn: statuses))
            }
        }
        #expect(try sqlite.openChildren() == postgres.openChildren())
        #expect(try sqlite.allExecutions() == postgres.allExecutions())
        #expect(try sqlite.allEvents() == postgres.allEvents())
        #expect(try sqlite.lastParentID() == postgres.lastParentID())
        for id in 1...stream.lastParent {
            #expect(
                try sqlite.storedParent(id: id).map(Compared.init) == postgres.storedParent(id: id).map(Compared.init))
            #expect(try sqlite.eventCount(of: id) == postgres.eventCount(of: id))
        }
        let (a, b) = (try sqlite.loadSettlement(), try postgres.loadSettlement())
        #expect(a.entries == b.entries && a.reports == b.reports)
        #expect(a.settlements == b.settlements && a.transfers == b.transfers)
    }
}

/// A stored parent as a value that compares (its children are tuples).
struct Compared: Equatable {
    var parent: ParentRecord
    var children: [ChildRecord]
    var executions: [[ExecutionRecord]]
    var decisions: [DecisionRecord]

    init(_ stored: StoredParent) {
        parent = stored.parent
        children = stored.children.map(\.child)
        executions = stored.children.map(\.executions)
        decisions = stored.decisions
    }
}

/// Seeded units of work as the router writes them: new parents with a client order id now and
/// then, children, fills (some sent twice), decisions, events, settlements and transfers written
/// over, ledger entries and cap-table reports; none refused, so both journals number alike.
struct UnitOfWorkStream {
    var lastParent: Int64 = 0
    var children: [ChildRecord] = []
    var fills = 0
    var settlementIds: [Int64] = []
    var transferIds: [Int64] = []
    var clock: Int64 = 1_000
    var positions: [Int64: Int64] = [:]

    static let accounts = ["alice", "bob", "carol"]
    static let symbols = ["ACME", "BOND", "FUND"]
    static let statuses = ["working", "filled", "cancelled", "resting"]
    static let childStatuses = ["pending", "open", "partially_filled", "filled", "cancelled", "unknown"]

    mutating func next(_ random: inout SplitMix64) -> UnitOfWork {
        clock += Int64.random(in: 0...3, using: &random)
        var work = UnitOfWork()
        if lastParent == 0 || Int.random(in: 0..<4, using: &random) == 0 {
            lastParent += 1
            let parent = ParentRecord(
                id: lastParent, account: Self.accounts.randomElement(using: &random)!,
                clientOrderId: Bool.random(using: &random) ? "c-\(lastParent)" : nil,
                symbol: Self.symbols.randomElement(using: &random)!, side: Bool.random(using: &random) ? "buy" : "sell",
                quantity: Int64.random(in: 1...1_000, using: &random) * 100_000_000,
                limitPrice: Bool.random(using: &random) ? Int64.random(in: 1...2_000_000_000, using: &random) : nil,
                timeInForce: "DAY", strategy: "cost", status: "working", note: nil, createdAt: clock)
            work.insertedParent = parent
            work.events.append(EventRecord(parentId: parent.id, kind: "accepted", detail: "working", at: clock))
            return work
        }
        let parentId = Int64.random(in: 1...lastParent, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            let position = positions[parentId, default: 0]
            positions[parentId] = position + 1
            let child = ChildRecord(
                clientKey: "r0-\(parentId)-\(children.count)", parentId: parentId,
                venue: ["tzero", "texture", "archax"].randomElement(using: &random)!,
                quantity: Int64.random(in: 1...100, using: &random) * 100_000_000, limitPrice: 1_000_000_000,
                timeInForce: "IOC", purpose: "take", decision: position, status: "pending", createdAt: clock)
            children.append(child)
            work.insertedChildren = [child]
            work.decisions = [
                DecisionRecord(
                    parentId: parentId, position: position, attempt: 0, at: clock, evidence: "{\"n\":\(position)}")
            ]
            work.events.append(
                EventRecord(
                    parentId: parentId, childKey: child.clientKey, kind: "child_sent", detail: "pending", at: clock))
        case 1 where !children.isEmpty:
            let index = Int.random(in: 0..<children.count, using: &random)
            children[index].status = Self.childStatuses.randomElement(using: &random)!
            children[index].venueOrderId = "v-\(index)"
            let child = children[index]
            work.updatedChildren = [child]
            fills += 1
            let fill = ExecutionRecord(
                venue: child.venue, fillId: "f-\(fills)", childKey: child.clientKey, quantity: 100_000_000,
                price: 1_000_000_000, fee: Int64.random(in: 0...1_000, using: &random), recordedAt: clock)
            // Now and then the same fill comes back in a later poll: recorded once.
            work.executions = Bool.random(using: &random) || fills == 1 ? [fill] : [fill, fill]
            work.events.append(
                EventRecord(
                    parentId: child.parentId, childKey: child.clientKey, kind: "fill", detail: child.status, at: clock))
            settle(&work, child: child, fill: fill, random: &random)
        case 2:
            var parent = ParentRecord(
                id: parentId, account: "alice", clientOrderId: nil, symbol: "ACME", side: "buy", quantity: 1,
                limitPrice: nil, timeInForce: "DAY", strategy: "cost",
                status: Self.statuses.randomElement(using: &random)!,
                createdAt: 0)
            // Text that must survive being written as a literal: quotes, a dollar-quote, a backslash, non-ASCII.
            parent.note =
                Bool.random(using: &random)
                ? ["n\(clock)", "it's 'quoted'", "$ats$ and $ats1$", #"back\slash \'"#, "naïve €—✓"].randomElement(
                    using: &random)
                : nil
            parent.completedAt = parent.status == "working" ? nil : clock
            parent.cancelRequested = Bool.random(using: &random)
            work.updatedParent = parent
            work.events.append(EventRecord(parentId: parentId, kind: "status", detail: parent.status, at: clock))
        default:
            work.events.append(EventRecord(parentId: parentId, kind: "note", detail: "\(clock)", at: clock))
        }
        return work
    }

    mutating func settle(_ work: inout UnitOfWork, child: ChildRecord, fill: ExecutionRecord, random: inout SplitMix64)
    {
        let account = Self.accounts.randomElement(using: &random)!
        if settlementIds.isEmpty || Bool.random(using: &random) {
            let id = Int64(settlementIds.count + 1)
            settlementIds.append(id)
            work.settlements = [
                SettlementRow(
                    id: id, venue: fill.venue, fillId: fill.fillId, parentId: child.parentId, account: account,
                    symbol: "ACME", model: "dvp", status: "instructed", updatedAt: clock, record: "{\"id\":\(id)}")
            ]
        } else {
            let id = settlementIds.randomElement(using: &random)!
            work.settlements = [
                SettlementRow(
                    id: id, venue: "tzero", fillId: "f-s\(id)", parentId: child.parentId, account: account,
                    symbol: "ACME", model: "dvp", status: "settled", updatedAt: clock,
                    record: "{\"id\":\(id),\"done\":true}")
            ]
        }
        if Int.random(in: 0..<3, using: &random) == 0 {
            let id = Int64.random(in: 1...Int64(transferIds.count + 1), using: &random)
            if id > Int64(transferIds.count) { transferIds.append(id) }
            work.transfers = [
                CustodyTransferRow(
                    id: id, account: account, symbol: "ACME",
                    settlementId: Bool.random(using: &random) ? settlementIds.randomElement(using: &random) : nil,
                    status: ["moving", "delivered"].randomElement(using: &random)!, updatedAt: clock, record: "{}")
            ]
        }
        work.ledgerEntries = [
            LedgerEntryRow(
                at: clock, asset: "token:ACME", amount: fill.quantity,
                fromHolder: Bool.random(using: &random) ? nil : "venue",
                fromLocation: "custodian:tzero", fromLocked: Bool.random(using: &random) ? nil : false,
                toHolder: account,
                toLocation: "custodian:tzero", toLocked: Bool.random(using: &random), reference: fill.fillId)
        ]
        work.capTableReports = [
            CapTableReportRow(
                at: clock, symbol: "ACME", fromHolder: Bool.random(using: &random) ? nil : "venue", toHolder: account,
                quantity: fill.quantity, acquiredOn: "2026-12-03", reference: fill.fillId)
        ]
    }

    func query(_ random: inout SplitMix64) -> ParentQuery {
        ParentQuery(
            account: Bool.random(using: &random) ? Self.accounts.randomElement(using: &random) : nil,
            status: Int.random(in: 0..<3, using: &random) == 0 ? Self.statuses.randomElement(using: &random) : nil,
            symbol: Int.random(in: 0..<3, using: &random) == 0 ? Self.symbols.randomElement(using: &random) : nil,
            from: Bool.random(using: &random) ? Int64.random(in: 1_000...clock, using: &random) : nil,
            to: Bool.random(using: &random) ? Int64.random(in: 1_000...clock + 1, using: &random) : nil,
            before: Bool.random(using: &random) ? Int64.random(in: 1...lastParent + 1, using: &random) : nil,
            limit: Bool.random(using: &random) ? Int.random(in: 0...30, using: &random) : nil)
    }

    func settlementQuery(_ random: inout SplitMix64) -> SettlementQuery {
        SettlementQuery(
            account: Bool.random(using: &random) ? Self.accounts.randomElement(using: &random) : nil,
            parentId: Int.random(in: 0..<3, using: &random) == 0
                ? Int64.random(in: 1...lastParent, using: &random) : nil,
            status: Int.random(in: 0..<3, using: &random) == 0
                ? ["instructed", "settled"].randomElement(using: &random) : nil,
            before: Bool.random(using: &random)
                ? Int64.random(in: 1...Int64(settlementIds.count + 1), using: &random) : nil,
            limit: Bool.random(using: &random) ? Int.random(in: 0...20, using: &random) : nil)
    }
}

/// Several instances on one PostgreSQL journal: leases shared fairly and taken over when their
/// holder stops, writes fenced in their own transaction, settlement writes ordered among the
/// instances, parent ids unique across them.
@Suite struct SharedJournalTests {
    static let accounts = ["alice", "bob", "carol", "dave"]

    static func leases(_ made: TestJournal, _ instance: String, lease: Duration = .milliseconds(600)) throws
        -> PostgresLeases
    {
        try PostgresLeases(
            url: try DatabaseURL(made.location), instance: instance, apiURL: "http://\(instance)", accounts: accounts,
            leaseTime: lease)
    }

    @Test func leasesAreSharedFairlyAndTakenOverWhenTheirHolderStops() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let a = try Self.leases(made, "a")
        #expect(try a.refresh(releasable: []).gained == Set(Self.accounts))
        let b = try Self.leases(made, "b")
        #expect(try b.refresh(releasable: []).gained.isEmpty)  // nothing free yet
        // a is over its share with b starved: it gives back the idle accounts it is told of, no more.
        let given = try a.refresh(releasable: ["alice", "bob", "carol"]).released
        #expect(given.count == 2 && given.isSubset(of: ["alice", "bob", "carol"]))
        #expect(try b.refresh(releasable: []).gained == given)
        #expect(a.held.isDisjoint(with: b.held) && a.held.union(b.held) == Set(Self.accounts))
        #expect(b.owner(of: a.held.first!) == InstanceAddress(instance: "a", apiURL: "http://a"))
        // a stops renewing: once its lease time has passed, b takes its accounts at a new epoch.
        let stale = try #require(a.fence(for: a.held.first!))
        try await Task.sleep(for: .milliseconds(900))
        let moved = try b.refresh(releasable: [])
        #expect(moved.gained == a.held && b.held == Set(Self.accounts))
        #expect(try #require(b.fence(for: stale.account)).epoch == stale.epoch + 1)
        // a's next round learns it lost them, and takes nothing back (b is alive and holds all).
        let before = a.held
        let round = try a.refresh(releasable: [])
        #expect(round.lost == before && a.held.isEmpty && round.gained.isEmpty)
    }

    /// A write under a fence whose lease moved on is refused by the database, and nothing of it stays.
    @Test func aWriteFromAnInstanceWhoseLeaseWasTakenIsRefusedWhole() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let journal = try #require(made.store as? PostgresJournal)
        let a = try Self.leases(made, "a")
        _ = try a.refresh(releasable: [])
        let fence = try #require(a.fence(for: "alice"))
        var work = UnitOfWork()
        work.insertedParent = JournalTests.parent(1)
        work.fences = [fence]
        try journal.commit(work)
        try await Task.sleep(for: .milliseconds(900))
        let b = try Self.leases(made, "b")
        _ = try b.refresh(releasable: [])
        work.insertedParent = JournalTests.parent(2)
        #expect(throws: LeaseLost.self) { try journal.commit(work) }
        #expect(try journal.parent(id: 2) == nil)
        // Attached, the journal fences every write by the accounts it touches.
        journal.attach(a)
        work.fences = []
        #expect(throws: LeaseLost.self) { try journal.commit(work) }
        journal.attach(b)
        try journal.commit(work)
        #expect(try journal.parent(id: 2) != nil)
    }

    /// Two instances append ledger entries through commitSettlement: each sees, in commit order,
    /// exactly what the other appended since its cursor, and the cursors end at the same place.
    @Test func settlementWritesAreOrderedAndEachInstanceSeesTheOthers() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let one = made.store
        let two = try made.reopen()
        func entry(_ reference: String) -> LedgerEntryRow {
            LedgerEntryRow(
                at: 1, asset: "cash:USD", amount: 1, fromHolder: nil, fromLocation: nil, fromLocked: nil,
                toHolder: "alice", toLocation: "bank", toLocked: false, reference: reference)
        }
        let seen = Seen()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, store) in [("one", one), ("two", two)] {
                group.addTask {
                    var cursor = SettlementCursor()
                    for n in 0..<60 {
                        cursor = try store.commitSettlement(since: cursor) { news in
                            seen.names.withLock { $0[name, default: []] += news.entries.map(\.reference) }
                            var work = UnitOfWork()
                            work.ledgerEntries = [entry("\(name)-\(n)")]
                            return work
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try one.loadSettlement().entries.map(\.reference)
        #expect(all.count == 120)
        let byOne = seen.names.withLock { $0["one"] ?? [] }
        let byTwo = seen.names.withLock { $0["two"] ?? [] }
        // Each saw only the other's, each once, in the journal's order.
        #expect(byOne == all.filter { $0.hasPrefix("two") && byOne.contains($0) })
        #expect(byTwo == all.filter { $0.hasPrefix("one") && byTwo.contains($0) })
        #expect(Set(byOne).count == byOne.count && Set(byTwo).count == byTwo.count)
        #expect(byOne.allSatisfy { $0.hasPrefix("two") } && byTwo.allSatisfy { $0.hasPrefix("one") })
    }

    @Test func parentIdsAreUniqueAcrossInstances() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let stores = [made.store, try made.reopen(), try made.reopen()]
        let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for store in stores {
                group.addTask { try (0..<100).map { _ in try store.newParentID(after: 0) } }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 300 && ids.min() == 1)
    }
}

/// What each instance saw appended by the other.
final class Seen: Sendable {
    let names = Mutex<[String: [String]]>([:])
}
