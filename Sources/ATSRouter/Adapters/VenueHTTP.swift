import ATSDomain
import ATSPlanning
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP side every adapter shares: one pooled `HTTPClient`, a base URL, a per-request
/// deadline, and the classification of everything that can go wrong into ``VenueFailure``.
///
/// `timeout` is a deadline over the whole exchange (connecting, sending, the reply's head and
/// every byte of its body), not an idle timer: a venue that trickles its reply a byte at a time
/// fails with `timeout` like one that never answers.
public struct VenueHTTP: Sendable {
    public let venue: VenueID
    public let baseURL: String
    public let client: HTTPClient
    public let timeout: Duration
    /// Extracts the venue's error code, message and field from an error body in its dialect.
    let errorShape: @Sendable (Data) -> (code: String, message: String, field: String?)?

    /// The largest reply body accepted; a larger one is a malformed reply.
    public static let maximumBody = 4 << 20

    public init(
        venue: VenueID, baseURL: String, client: HTTPClient, timeout: Duration,
        errorShape: @escaping @Sendable (Data) -> (code: String, message: String, field: String?)?
    ) {
        self.venue = venue
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.timeout = timeout
        self.errorShape = errorShape
    }

    /// Sends a request and returns the body of a 2xx reply.
    /// - Throws: ``VenueFailure`` for anything else.
    public func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
        headers: [(String, String)] = [], body: Data? = nil
    ) async throws -> Data {
        var url = baseURL + path
        if !query.isEmpty {
            url +=
                "?"
                + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }
                .joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let (status, data) = try await exchange(request, method: method, path: path)
        if (200..<300).contains(status) { return data }
        let shape = errorShape(data)
        let kind: VenueFailure.Kind
        switch status {
        case 408, 425, 429, 500...599: kind = .retryable
        case 401, 403: kind = .fatal
        default: kind = .notRetryable
        }
        throw VenueFailure(
            venue: venue, kind: kind, code: shape?.code ?? "http_\(status)",
            message: shape?.message ?? "\(method.rawValue) \(path) answered HTTP \(status)",
            httpStatus: status, field: shape?.field)
    }

    /// One request and its whole reply within the deadline, or the failure classified: a
    /// timeout, a failed connect (nothing sent), an unreadable or oversized reply.
    func exchange(_ request: HTTPClientRequest, method: HTTPMethod, path: String) async throws -> (Int, Data) {
        do {
            let client = client
            return try await Self.within(timeout) {
                let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                let buffer = try await response.body.collect(upTo: Self.maximumBody)
                return (Int(response.status.code), Data(buffer.readableBytesView))
            }
        } catch is DeadlineExceeded {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "timeout",
                message: "\(method.rawValue) \(path): no complete reply within \(timeout)")
        } catch let error as HTTPClientError where error == .connectTimeout {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "connect_failed", message: "\(method.rawValue) \(path): \(error)")
        } catch let error as NIOConnectionError {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "connect_failed", message: "\(method.rawValue) \(path): \(error)")
        } catch let error as HTTPClientError {
            let timedOut = [HTTPClientError.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(
                error)
            throw VenueFailure(
                venue: venue, kind: .retryable, code: timedOut ? "timeout" : "unreachable",
                message: "\(method.rawValue) \(path): \(error)")
        } catch is NIOTooManyBytesError {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply",
                message: "\(method.rawValue) \(path): reply larger than \(Self.maximumBody) bytes")
        } catch {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "unreachable", message: "\(method.rawValue) \(path): \(error)")
        }
    }

    struct DeadlineExceeded: Error {}

    /// Runs `operation` and gives up at `timeout`, cancelling it (a deadline, not an idle timer).
    /// - Throws: ``DeadlineExceeded`` at the deadline, else what `operation` throws.
    static func within<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
            return value
        }
    }

    /// Decodes a reply (snake_case keys as camelCase properties when `snakeCase`); a reply that
    /// does not decode is a retryable `malformed_reply`.
    public func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String, snakeCase: Bool = false) throws -> T {
        do {
            let decoder = JSONDecoder()
            if snakeCase { decoder.keyDecodingStrategy = .convertFromSnakeCase }
            return try decoder.decode(type, from: data)
        } catch {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply",
                message: "\(what): the reply does not decode: \(describeDecoding(error))")
        }
    }

    /// Encodes a request body.
    public func encode(_ value: some Encodable) throws -> Data {
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw VenueFailure(venue: venue, kind: .fatal, code: "encoding", message: "\(error)")
        }
    }

    /// A decimal string from a venue as a fixed-point value; anything else is a malformed reply.
    public func decimal<T: FixedPointDecimal>(_ text: String?, _ type: T.Type, field: String) throws -> T {
        guard let text else {
            throw VenueFailure(venue: venue, kind: .retryable, code: "malformed_reply", message: "\(field) is missing")
        }
        do {
            return try T(text)
        } catch {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply", message: "\(field): \(error.message)")
        }
    }

    /// An integer scaled by `10^decimals` (Archax) as a fixed-point value.
    public func scaled<T: FixedPointDecimal>(_ value: Int64, decimals: Int, _ type: T.Type, field: String) throws -> T {
        do {
            return try T(scaled: value, decimals: decimals)
        } catch {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply", message: "\(field): \(error.message)")
        }
    }

    /// The query of a book poll: `levels`, and the last sequence seen under the dialect's name for it.
    public func bookQuery(levels: Int, since: UInt64?, named name: String) -> [(String, String)] {
        var query = [("levels", String(levels))]
        if let since { query.append((name, String(since))) }
        return query
    }

    /// A symbol from a venue; anything else is a malformed reply.
    public func symbol(_ text: String, field: String) throws -> Symbol {
        do {
            return try Symbol(text)
        } catch {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply", message: "\(field): \(error.message)")
        }
    }

    /// A venue status name outside the documented set is a malformed reply.
    public func unknownStatus(_ status: String) -> VenueFailure {
        VenueFailure(
            venue: venue, kind: .retryable, code: "malformed_reply", message: "unknown order status \"\(status)\"")
    }
}

private func describeDecoding(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        return context.codingPath.isEmpty
            ? context.debugDescription : "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}

/// Parses `[[price, size], …]` from a venue into plan levels.
func levels(_ pairs: [[String]]?, http: VenueHTTP, field: String) throws -> [PlanLevel] {
    try (pairs ?? []).enumerated().map { index, pair in
        guard pair.count == 2 else {
            throw VenueFailure(
                venue: http.venue, kind: .retryable, code: "malformed_reply",
                message: "\(field)[\(index)] is not [price, size]")
        }
        return PlanLevel(
            price: try http.decimal(pair[0], Price.self, field: "\(field)[\(index)][0]"),
            quantity: try http.decimal(pair[1], Quantity.self, field: "\(field)[\(index)][1]"))
    }
}
