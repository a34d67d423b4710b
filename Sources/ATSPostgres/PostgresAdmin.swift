import Logging
import PostgresNIO

/// What an operator does to a PostgreSQL server past the journal: make a database for a journal,
/// drop one, run a statement as `psql` would (tests change a journal by hand with it).
public enum PostgresAdmin {
    /// Makes the database `name` on `server`'s cluster (connecting to `server`'s own database).
    public static func createDatabase(_ name: String, on server: DatabaseURL) throws {
        try execute("CREATE DATABASE \(quoted(name))", at: server)
    }

    public static func dropDatabase(_ name: String, on server: DatabaseURL) throws {
        try execute("DROP DATABASE IF EXISTS \(quoted(name)) WITH (FORCE)", at: server)
    }

    /// Runs `sql` (one statement) on its own connection, outside any journal.
    public static func execute(_ sql: String, at url: DatabaseURL) throws {
        let connection = BlockingConnection(url: url, logger: Logger(label: "ats.journal.postgres.admin"))
        defer { connection.close() }
        _ = try connection.query(PostgresQuery(unsafeSQL: sql))
    }

    /// `name` as a quoted identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
