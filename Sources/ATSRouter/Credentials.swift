import ATSVenues
import Foundation
import NIOHTTP1

/// The key and secret the router uses at one venue (the broker-dealer's own account there). Its
/// description never shows the secret.
public struct VenueCredentials: Sendable, Hashable, CustomStringConvertible {
    public var keyID: String
    public var secret: String

    public init(keyID: String, secret: String) {
        self.keyID = keyID
        self.secret = secret
    }

    public var description: String { "key \(keyID), secret (\(secret.count) characters, not shown)" }

    /// The embedded venue mocks' credentials: `<venue>-demo` / `<venue>-demo-secret`; at INX,
    /// which checks RSA signatures, the secret is the demo private key (``InxSigning``).
    public static func demo(for venue: String) -> VenueCredentials {
        VenueCredentials(
            keyID: "\(venue)-demo", secret: venue == "inx" ? InxSigning.demoPrivateKeyPEM : "\(venue)-demo-secret")
    }
}

/// A login token shared by concurrent requests; fetched once, refreshed after a 401.
actor TokenCache {
    private var token: String?
    private var pending: Task<String, any Error>?

    func value(_ fetch: @escaping @Sendable () async throws -> String) async throws -> String {
        if let token { return token }
        if let pending { return try await pending.value }
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let fetched = try await task.value
        token = fetched
        return fetched
    }

    func invalidate() { token = nil }
}

/// Requests to a venue that logs in for a bearer token (tZERO, Archax): the token is fetched once
/// and shared, and fetched again once when the venue answers 401.
struct TokenSession: Sendable {
    let http: VenueHTTP
    let token = TokenCache()
    /// Logs in and returns the token.
    let login: @Sendable () async throws -> String
    /// The headers that carry a token.
    let headers: @Sendable (String) -> [(String, String)]

    func send(_ method: HTTPMethodName, _ path: String, query: [(String, String)] = [], body: Data? = nil) async throws
        -> Data
    {
        do {
            return try await http.send(
                method.nio, path, query: query, headers: headers(try await token.value(login)), body: body)
        } catch let failure as VenueFailure where failure.httpStatus == 401 {
            await token.invalidate()
            return try await http.send(
                method.nio, path, query: query, headers: headers(try await token.value(login)), body: body)
        }
    }
}

/// The HTTP methods adapters use, spelled once.
enum HTTPMethodName {
    case get, post, delete

    var nio: HTTPMethod {
        switch self {
        case .get: return .GET
        case .post: return .POST
        case .delete: return .DELETE
        }
    }
}
