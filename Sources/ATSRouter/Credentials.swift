import NIOHTTP1

/// The key and secret the router uses at one venue (the broker-dealer's own account there).
public struct VenueCredentials: Sendable, Hashable, Codable {
    public var keyID: String
    public var secret: String

    public init(keyID: String, secret: String) {
        self.keyID = keyID
        self.secret = secret
    }

    /// The embedded venue mocks' credentials: `<venue>-demo` / `<venue>-demo-secret`.
    public static func demo(for venue: String) -> VenueCredentials {
        VenueCredentials(keyID: "\(venue)-demo", secret: "\(venue)-demo-secret")
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
