import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL journal is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`
/// (`postgres://` too), as libpq and every managed PostgreSQL print it.
///
/// The password may instead come from `PGPASSWORD`, as libpq takes it, so that it is not on a
/// command line. `sslmode` is `disable` (the default on loopback), `prefer` or `require`; with
/// `require`, the server's certificate is checked against the system's trust roots.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    /// Why a URL is not a database URL, naming the part that is wrong.
    public struct Invalid: Error, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "the database URL \(url) is not usable: \(reason)" }
    }

    public init(
        user: String, password: String? = nil, host: String, port: Int = 5432, database: String,
        sslMode: SSLMode = .disable
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
    }

    /// Parses `text`; the password falls back to `environment["PGPASSWORD"]`.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let shown = Self.redacted(text)
        func invalid(_ reason: String) -> Invalid { Invalid(url: shown, reason: reason) }
        guard let components = URLComponents(string: text) else { throw invalid("it is not a URL") }
        guard let scheme = components.scheme, ["postgresql", "postgres"].contains(scheme) else {
            throw invalid("the scheme must be postgresql:// (or postgres://)")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("it names no host") }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("it names no user (postgresql://USER@HOST:PORT/DATABASE)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw invalid("it names no database (postgresql://USER@HOST:PORT/DATABASE)")
        }
        if let port = components.port, !(1...65_535).contains(port) { throw invalid("the port is out of range") }
        var mode = SSLMode.disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw invalid("sslmode must be one of disable, prefer, require")
                }
                mode = value
            default:
                throw invalid("the parameter \(item.name) is not known (sslmode is)")
            }
        }
        self.init(
            user: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"],
            host: host, port: components.port ?? 5432, database: database.removingPercentEncoding ?? database,
            sslMode: mode)
    }

    /// The same server and user, another database.
    public func with(database: String) -> DatabaseURL {
        var url = self
        url.database = database
        return url
    }

    /// The URL with its password left out: what logs and messages show.
    public var description: String {
        let query = sslMode == .disable ? "" : "?sslmode=\(sslMode.rawValue)"
        return "postgresql://\(user)@\(host):\(port)/\(database)\(query)"
    }

    /// The URL as it connects, password included (a test's journal location).
    public var connectionString: String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        let query = sslMode == .disable ? "" : "?sslmode=\(sslMode.rawValue)"
        return "postgresql://\(credentials)@\(host):\(port)/\(database)\(query)"
    }

    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    func configuration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
