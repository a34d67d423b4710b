import ATSPostgres
import ATSStorage
import Foundation
import GRDB

/// A backend the journal, recovery and settlement-persistence suites run against: they take
/// ``JournalBackend/all`` as their arguments and see only ``JournalStore``, so a second backend
/// added here runs them unchanged.
public struct JournalBackend: Sendable, CustomStringConvertible {
    public let description: String
    /// Makes a new, empty journal of its own (a folder, a database), returning where it is.
    let makeLocation: @Sendable () throws -> String
    let open: @Sendable (_ location: String) throws -> any JournalStore
    let execute: @Sendable (_ location: String, _ sql: String) throws -> Void

    /// A new, empty journal, open.
    public func make() throws -> TestJournal {
        let location = try makeLocation()
        return TestJournal(backend: self, location: location, store: try open(location))
    }

    /// Every backend the suites run on: SQLite always, and PostgreSQL when
    /// `ATS_ROUTER_TEST_DATABASE_URL` names a server (`.ci/run` always sets it;
    /// `scripts/test-postgres` does for a developer).
    public static var all: [JournalBackend] { [.sqlite] + (postgres.map { [$0] } ?? []) }

    /// The server `ATS_ROUTER_TEST_DATABASE_URL` names, or why there is none to test on.
    public static let testServer: Result<DatabaseURL, TestServerAbsent> = {
        guard let text = ProcessInfo.processInfo.environment["ATS_ROUTER_TEST_DATABASE_URL"], !text.isEmpty else {
            return .failure(
                TestServerAbsent(
                    reason:
                        "ATS_ROUTER_TEST_DATABASE_URL is not set: the journal suites ran on SQLite only (scripts/test-postgres runs them on PostgreSQL too)"
                ))
        }
        do { return .success(try DatabaseURL(text)) } catch {
            return .failure(TestServerAbsent(reason: "ATS_ROUTER_TEST_DATABASE_URL: \(error)"))
        }
    }()

    public struct TestServerAbsent: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// PostgreSQL: a new database on the test server for each journal.
    public static let postgres: JournalBackend? = {
        guard case .success(let server) = testServer else { return nil }
        return JournalBackend(
            description: "postgresql",
            makeLocation: {
                let name =
                    "ats_journal_" + UUID().uuidString.prefix(13).lowercased().replacingOccurrences(of: "-", with: "")
                try PostgresAdmin.createDatabase(name, on: server)
                return server.with(database: name).connectionString
            },
            open: { try PostgresJournal(url: try DatabaseURL($0)) },
            execute: { url, sql in try PostgresAdmin.execute(sql, at: try DatabaseURL(url)) })
    }()

    /// The embedded journal, one file in a fresh temporary folder.
    public static let sqlite = JournalBackend(
        description: "sqlite",
        makeLocation: {
            let directory = NSTemporaryDirectory() + "ats-journal-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory + "/journal.sqlite"
        },
        open: { try SQLiteJournal(path: $0) },
        execute: { path, sql in
            // As an operator with `sqlite3` would: foreign keys off, triggers as they are.
            var configuration = Configuration()
            configuration.foreignKeysEnabled = false
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        })
}

/// A journal made for one test: its store, and the same journal opened again as a restart would.
public struct TestJournal: Sendable {
    public let backend: JournalBackend
    /// Where it is (a file's path, a database's URL).
    public let location: String
    public let store: any JournalStore

    /// The same journal opened again, as a restarted process opens it.
    public func reopen() throws -> any JournalStore { try backend.open(location) }

    /// Runs `sql` on the database directly, past the store (foreign-key checks off): what the
    /// database itself refuses, and what a journal changed by hand does to the router.
    public func executeRaw(_ sql: String) throws { try backend.execute(location, sql) }
}
