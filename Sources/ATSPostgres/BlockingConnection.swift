import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection to PostgreSQL used from synchronous code, as ``ATSStorage/JournalStore`` is
/// called: each call blocks its thread until the server answers, the way SQLite blocks on the disk.
///
/// The connection runs on an event loop of its own (``eventLoops``), which nothing else in the
/// process uses, so a thread waiting here never waits on itself. One call at a time: callers queue
/// on the lock. A connection the server or the network closed is made again on the next call; the
/// call that found it broken fails (its outcome is reported as unknown when it was a commit).
final class BlockingConnection: Sendable {
    /// The event loops every journal connection in the process runs on: only PostgreSQL's I/O.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    let url: DatabaseURL
    let logger: Logger
    /// Run on each new connection before anything else (a read-only session's setting).
    let onConnect: [String]
    private let state = NIOLockedValueBox<PostgresConnection?>(nil)
    private let ids = NIOLockedValueBox(0)

    init(url: DatabaseURL, logger: Logger, onConnect: [String] = []) {
        self.url = url
        self.logger = logger
        self.onConnect = onConnect
    }

    /// Runs `body` with the connection, connecting first when there is none or it was closed.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try state.withLockedValue { current in
            if current == nil || current?.isClosed == true {
                let id = ids.withLockedValue { value in
                    value += 1
                    return value
                }
                do {
                    let connection = try PostgresConnection.connect(
                        on: Self.eventLoops.next(), configuration: try url.configuration(), id: id, logger: logger
                    ).wait()
                    current = connection
                    for statement in onConnect {
                        _ = try connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).wait()
                    }
                } catch {
                    throw JournalDatabaseError(error, doing: "connect to \(url)")
                }
            }
            return try body(current!)
        }
    }

    /// One statement, all its rows.
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try withConnection { connection in try Transaction(connection: connection, logger: logger).read(query) }
    }

    /// `statements` in one transaction at `isolation`: sent one after another without waiting in
    /// between, then every answer awaited. The first statement refused is the error, and the
    /// server then rolls the whole transaction back (its COMMIT answers ROLLBACK).
    func transaction(_ statements: [PostgresQuery], isolation: String = "READ COMMITTED") throws {
        try interactive(isolation: isolation) { transaction in try transaction.finish(with: statements) }
    }

    /// One transaction whose statements depend on what it reads first: `body` reads through the
    /// handle, then ends with ``Transaction/finish(with:)``; anything thrown before rolls it back.
    func interactive<T>(isolation: String = "READ COMMITTED", _ body: (inout Transaction) throws -> T) throws -> T {
        try withConnection { connection in
            var transaction = Transaction(connection: connection, logger: logger)
            _ = try transaction.read("BEGIN ISOLATION LEVEL \(unescaped: isolation)")
            do {
                let result = try body(&transaction)
                guard transaction.finished else {
                    _ = try? transaction.read("ROLLBACK")
                    throw JournalDatabaseError(message: "the transaction was not finished", sqlState: nil, doing: "")
                }
                return result
            } catch {
                if !transaction.finished { _ = try? transaction.read("ROLLBACK") }
                throw error
            }
        }
    }

    /// A transaction under way on the connection.
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger
        fileprivate(set) var finished = false

        /// One statement, its rows (the transaction stays open).
        func read(_ query: PostgresQuery) throws -> PostgresQueryResult {
            do { return try connection.query(query, logger: logger).wait() } catch {
                throw JournalDatabaseError(error, doing: query.sql)
            }
        }

        /// Sends `statements` and COMMIT without waiting in between, then awaits every answer;
        /// returns each statement's rows. The first refusal is the error (the server rolls back).
        mutating func finish(with statements: [PostgresQuery]) throws -> [PostgresQueryResult] {
            finished = true
            let sent = statements.map { connection.query($0, logger: logger) }
            let commit = connection.query("COMMIT", logger: logger)
            var results: [PostgresQueryResult] = []
            var firstError: (any Error)?
            for (index, future) in sent.enumerated() {
                do { results.append(try future.wait()) } catch  where firstError == nil {
                    firstError = JournalDatabaseError(error, doing: statements[index].sql)
                } catch {}
            }
            let committed: PostgresQueryResult
            do { committed = try commit.wait() } catch {
                throw firstError
                    ?? JournalDatabaseError(error, doing: "COMMIT (whether it was committed is not known)")
            }
            if let firstError { throw firstError }
            guard committed.metadata.command == "COMMIT" else {
                throw JournalDatabaseError(message: "the transaction was rolled back", sqlState: nil, doing: "COMMIT")
            }
            return results
        }
    }

    /// Reads in one consistent snapshot (REPEATABLE READ, READ ONLY): `body` may run several
    /// statements through `read`, all seeing the same committed state.
    func snapshot(_ body: ((PostgresQuery) throws -> PostgresQueryResult) throws -> Void) throws {
        try interactive(isolation: "REPEATABLE READ READ ONLY") { transaction in
            try body(transaction.read)
            _ = try transaction.finish(with: [])
        }
    }

    /// Closes the connection (the next call connects again).
    func close() {
        state.withLockedValue { current in
            if let connection = current { Self.close(connection) }
            current = nil
        }
    }

    deinit {
        if let connection = state.withLockedValue({ $0 }) { Self.close(connection) }
    }

    /// Waits for the close, except on the connection's own event loop, where waiting would never
    /// end: there the close completes later, the connection kept until it has.
    private static func close(_ connection: PostgresConnection) {
        if connection.eventLoop.inEventLoop {
            connection.close().whenComplete { _ in _ = connection }
        } else {
            try? connection.close().wait()
        }
    }
}

/// A statement PostgreSQL refused, or a connection that failed: the server's message and SQLSTATE
/// (postgres-nio's own error hides both from `description`).
public struct JournalDatabaseError: Error, CustomStringConvertible {
    public var message: String
    /// The server's SQLSTATE (`23505` a unique violation, `23503` a foreign key, `P0001` a
    /// trigger's refusal); nil when the server did not answer.
    public var sqlState: String?
    /// What was being done: the statement, or the connection.
    public var doing: String

    public var description: String {
        "PostgreSQL: \(message)\(sqlState.map { " [\($0)]" } ?? "") (\(doing.prefix(160)))"
    }

    init(message: String, sqlState: String?, doing: String) {
        self.message = message
        self.sqlState = sqlState
        self.doing = doing
    }

    init(_ error: any Error, doing: String) {
        if let known = error as? JournalDatabaseError {
            self = known
            return
        }
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                self.init(
                    message: info[.message] ?? "\(psql.code)", sqlState: info[.sqlState], doing: doing)
            } else {
                let underlying = psql.underlying.map { ": \($0)" } ?? ""
                self.init(message: "\(psql.code)\(underlying)", sqlState: nil, doing: doing)
            }
        } else {
            self.init(message: "\(error)", sqlState: nil, doing: doing)
        }
    }
}
