import ATSStorage
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// The account leases of one router instance among several sharing a PostgreSQL journal.
///
/// Every instance registers itself (`router_instance`: its id and the URL of its API) and, on
/// each ``refresh(releasable:)``, in one transaction: beats its heart, renews the leases it holds,
/// counts the live instances (a heartbeat within the lease time), and takes accounts whose lease
/// is unowned or expired until it holds its fair share (the accounts divided by the live
/// instances, rounded up); holding more than its share while another live instance holds less, it
/// gives back the accounts the caller says are idle. Each takeover raises the account's epoch:
/// writes are fenced by `(owner, epoch)` (`journal_fence`), so an instance whose lease was taken
/// writes nothing more for that account. Time is the database's clock throughout.
public final class PostgresLeases: AccountLeases {
    public let instance: String
    public let leaseTime: Duration
    let connection: BlockingConnection
    private let state: NIOLockedValueBox<State>

    struct State {
        /// Account → the epoch this instance holds it at.
        var held: [String: Int64] = [:]
        /// Held accounts whose takeover is done: their requests are taken.
        var adopted: Set<String> = []
        /// Account → the instance holding it and that instance's API (others' included).
        var owners: [String: InstanceAddress] = [:]
        var liveInstances = 1
        /// Where this instance's API is, as the next round registers it.
        var apiURL: String
    }

    /// Registers `instance` (its API at `apiURL`) and an unowned lease row for each of `accounts`.
    ///
    /// An instance restarted under the same id takes back the leases it held, at a new epoch (so
    /// anything still running under the old one is fenced out) — but only once the id's last
    /// heartbeat is older than the lease time: while it is fresh, another process may be alive
    /// under that id, and this one waits (at most the lease time) rather than share its leases.
    public init(
        url: DatabaseURL, instance: String, apiURL: String, accounts: [String], leaseTime: Duration = .seconds(3),
        logger: Logger = Logger(label: "ats.journal.leases")
    ) throws {
        self.instance = instance
        self.leaseTime = leaseTime
        state = NIOLockedValueBox(State(apiURL: apiURL))
        connection = BlockingConnection(url: url, logger: logger)
        let lease = leaseMilliseconds
        let deadline = ContinuousClock.now + leaseTime + .seconds(1)
        while ContinuousClock.now < deadline {
            let fresh = try connection.query(
                """
                SELECT COUNT(*)::bigint FROM router_instance
                WHERE id = \(instance) AND heartbeatAt > now() - make_interval(secs => \(lease)::float8 / 1000)
                """
            ).rows.first?.decode(Int64.self)
            guard fresh == 1 else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        var statements: [PostgresQuery] = [
            """
            INSERT INTO router_instance (id, apiUrl) VALUES (\(instance), \(apiURL))
            ON CONFLICT (id) DO UPDATE SET apiUrl = excluded.apiUrl, startedAt = now(), heartbeatAt = now()
            """,
            """
            UPDATE account_lease SET epoch = epoch + 1, expiresAt = now() + make_interval(secs => \(lease)::float8 / 1000)
            WHERE owner = \(instance)
            """,
        ]
        for account in accounts {
            statements.append(
                "INSERT INTO account_lease (account) VALUES (\(account)) ON CONFLICT (account) DO NOTHING")
        }
        try connection.transaction(statements)
    }

    var leaseMilliseconds: Int64 {
        let (seconds, attoseconds) = leaseTime.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Where this instance's API is; others forward its accounts' requests there.
    public var apiURL: String { state.withLockedValue { $0.apiURL } }

    /// Sets where this instance's API is (once its port is known); registered by the next round.
    public func advertise(_ url: String) {
        state.withLockedValue { $0.apiURL = url }
        _ = try? connection.query("UPDATE router_instance SET apiUrl = \(url) WHERE id = \(instance)")
    }

    public func fence(for account: String) -> Fence? {
        state.withLockedValue { state in
            state.held[account].map { Fence(account: account, owner: instance, epoch: $0) }
        }
    }

    public var held: Set<String> { state.withLockedValue { Set($0.held.keys) } }

    public func owner(of account: String) -> InstanceAddress? { state.withLockedValue { $0.owners[account] } }

    public func lookUpOwner(of account: String) -> InstanceAddress? {
        let rows = try? connection.query(
            """
            SELECT i.id, i.apiUrl FROM account_lease l JOIN router_instance i ON i.id = l.owner
            WHERE l.account = \(account) AND l.expiresAt > now()
            """
        ).rows
        guard let row = rows?.first, let (instance, url) = try? row.decode((String, String).self) else { return nil }
        let owner = InstanceAddress(instance: instance, apiURL: url)
        state.withLockedValue { $0.owners[account] = owner }
        return owner
    }

    public func serves(_ account: String) -> Bool {
        state.withLockedValue { $0.held[account] != nil && $0.adopted.contains(account) }
    }

    public func adopted(_ accounts: Set<String>) {
        state.withLockedValue { state in state.adopted.formUnion(accounts.filter { state.held[$0] != nil }) }
    }

    public var liveInstances: Int { state.withLockedValue { $0.liveInstances } }

    public func refresh(releasable: Set<String>) throws -> LeaseChanges {
        let lease = leaseMilliseconds
        let apiURL = self.apiURL
        var changes = LeaseChanges()
        try connection.interactive { transaction in
            _ = try transaction.read(
                """
                INSERT INTO router_instance (id, apiUrl) VALUES (\(instance), \(apiURL))
                ON CONFLICT (id) DO UPDATE SET heartbeatAt = now(), apiUrl = excluded.apiUrl
                """)
            let renewed = try transaction.read(
                """
                UPDATE account_lease SET expiresAt = now() + make_interval(secs => \(lease)::float8 / 1000)
                WHERE owner = \(instance) RETURNING account, epoch
                """
            ).rows.map { try $0.decode((String, Int64).self) }
            var held = Dictionary(renewed, uniquingKeysWith: { a, _ in a })
            let (accounts, live) = try transaction.read(
                """
                SELECT (SELECT COUNT(*) FROM account_lease)::bigint,
                  (SELECT COUNT(*) FROM router_instance
                   WHERE heartbeatAt > now() - make_interval(secs => \(lease)::float8 / 1000))::bigint
                """
            ).rows.first!.decode((Int64, Int64).self)
            let share = Int((accounts + max(live, 1) - 1) / max(live, 1))
            if held.count < share {
                let taken = try transaction.read(
                    """
                    UPDATE account_lease SET owner = \(instance), epoch = epoch + 1,
                      expiresAt = now() + make_interval(secs => \(lease)::float8 / 1000)
                    WHERE account IN (
                      SELECT account FROM account_lease WHERE owner IS NULL OR expiresAt < now()
                      ORDER BY account LIMIT \(Int64(share - held.count)) FOR UPDATE SKIP LOCKED)
                    RETURNING account, epoch
                    """
                ).rows.map { try $0.decode((String, Int64).self) }
                for (account, epoch) in taken { held[account] = epoch }
            } else if held.count > share {
                // Give back idle accounts only while another live instance holds less than its share.
                let starved = try transaction.read(
                    """
                    SELECT COUNT(*)::bigint FROM router_instance i
                    WHERE i.heartbeatAt > now() - make_interval(secs => \(lease)::float8 / 1000)
                      AND (SELECT COUNT(*) FROM account_lease l WHERE l.owner = i.id AND l.expiresAt > now()) < \(Int64(share))
                    """
                ).rows.first!.decode(Int64.self)
                if starved > 0 {
                    let giving = Array(releasable.intersection(held.keys).sorted().prefix(held.count - share))
                    if !giving.isEmpty {
                        _ = try transaction.read(
                            """
                            UPDATE account_lease SET owner = NULL, expiresAt = '-infinity'
                            WHERE owner = \(instance) AND account = ANY(\(giving))
                            """)
                        for account in giving { held[account] = nil }
                        changes.released = Set(giving)
                    }
                }
            }
            let owners = try transaction.read(
                """
                SELECT l.account, i.id, i.apiUrl FROM account_lease l JOIN router_instance i ON i.id = l.owner
                WHERE l.expiresAt > now()
                """
            ).rows.map { try $0.decode((String, String, String).self) }
            _ = try transaction.finish(with: [])
            state.withLockedValue { state in
                let before = state.held
                changes.gained = Set(held.keys.filter { before[$0] == nil || before[$0] != held[$0] })
                changes.lost = Set(before.keys.filter { held[$0] == nil || held[$0] != before[$0] })
                    .subtracting(changes.released)
                state.held = held
                state.adopted.subtract(changes.gained.union(changes.lost).union(changes.released))
                state.owners = Dictionary(
                    owners.map { ($0.0, InstanceAddress(instance: $0.1, apiURL: $0.2)) },
                    uniquingKeysWith: { a, _ in a })
                state.liveInstances = Int(max(live, 1))
            }
        }
        return changes
    }

    public func releaseAll() throws {
        let accounts = state.withLockedValue { state in
            defer {
                state.held = [:]
                state.adopted = []
            }
            return Array(state.held.keys)
        }
        try connection.transaction([
            """
            UPDATE account_lease SET owner = NULL, expiresAt = '-infinity'
            WHERE owner = \(instance) AND account = ANY(\(accounts))
            """,
            "DELETE FROM router_instance WHERE id = \(instance)",
        ])
    }
}
