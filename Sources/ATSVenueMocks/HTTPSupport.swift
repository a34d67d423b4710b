import ATSDomain
import ATSVenues
import Foundation
import Hummingbird

/// The credentials a mock venue accepts: one key id and secret per client (the broker-dealer).
public struct MockCredentials: Sendable, Hashable {
    public var keyID: String
    public var secret: String
    /// The public key requests are signed with, for a venue that checks signatures (INX).
    public var publicKeyPEM: String?

    public init(keyID: String, secret: String, publicKeyPEM: String? = nil) {
        self.keyID = keyID
        self.secret = secret
        self.publicKeyPEM = publicKeyPEM
    }

    /// The default demo credentials for a venue: `<id>-demo` / `<id>-demo-secret` (also the
    /// `/_mock` admin secret), and for INX the demo public key of ``InxSigning``.
    public static func demo(for venue: VenueID) -> MockCredentials {
        MockCredentials(
            keyID: "\(venue)-demo", secret: "\(venue)-demo-secret",
            publicKeyPEM: venue.rawValue == "inx" ? InxSigning.demoPublicKeyPEM : nil)
    }
}

/// Bearer tokens issued by a venue's login endpoint, valid for an hour.
actor TokenStore {
    private var tokens: [String: (owner: String, expires: Timestamp)] = [:]
    private var counter: UInt64 = 0
    private let clock: any TradingClock

    init(clock: any TradingClock) { self.clock = clock }

    /// A fresh JWT-shaped token for `owner`; expired tokens are forgotten.
    func issue(for owner: String, lifetimeSeconds: Int64 = 3_600) -> String {
        let now = clock.now()
        tokens = tokens.filter { $0.value.expires > now }
        counter += 1
        let header = Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8).base64URL
        let expires = clock.now().adding(seconds: lifetimeSeconds)
        let payload = Data(
            #"{"sub":"\#(owner)","exp":\#(expires.nanosecondsSinceEpoch / 1_000_000_000),"jti":\#(counter)}"#.utf8
        ).base64URL
        let signature = Data("\(owner).\(counter).\(fnv1a(owner + String(counter)))".utf8).base64URL
        let token = "\(header).\(payload).\(signature)"
        tokens[token] = (owner, expires)
        return token
    }

    /// The owner of a valid token, or nil.
    func owner(of token: String) -> String? {
        guard let entry = tokens[token], clock.now() < entry.expires else { return nil }
        return entry.owner
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The largest request body a mock venue reads.
let maximumBodyBytes = 64 * 1024

/// Reads a JSON body as `T`; anything wrong becomes a `bad_request` naming the field.
func decodeBody<T: Decodable>(_ request: Request, as type: T.Type) async throws(VenueError) -> T {
    try decodeJSON(try await rawBody(request), as: type)
}

/// The request's body bytes, at most ``maximumBodyBytes``.
func rawBody(_ request: Request) async throws(VenueError) -> [UInt8] {
    do {
        return Array(try await request.body.collect(upTo: maximumBodyBytes).readableBytesView)
    } catch {
        throw VenueError(.badRequest, code: "body_too_large", "the request body exceeds \(maximumBodyBytes) bytes")
    }
}

/// Reads JSON `bytes` as `T`; anything wrong becomes a `bad_request` naming the field.
func decodeJSON<T: Decodable>(_ bytes: [UInt8], as type: T.Type) throws(VenueError) -> T {
    let data = Data(bytes)
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = fieldPath(context.codingPath + [key])
            throw VenueError(.badRequest, code: "missing_field", field: field, "\(field) is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = fieldPath(context.codingPath)
            throw VenueError(
                .badRequest, code: "invalid_field", field: field,
                "\(field) has the wrong type: \(context.debugDescription)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                throw VenueError(.badRequest, code: "malformed_json", "the body is not valid JSON")
            }
            let field = fieldPath(context.codingPath)
            throw VenueError(.badRequest, code: "invalid_field", field: field, "\(field): \(context.debugDescription)")
        @unknown default:
            throw VenueError(.badRequest, code: "malformed_json", "the body could not be read: \(error)")
        }
    } catch {
        throw VenueError(.badRequest, code: "malformed_json", "the body could not be read")
    }
}

func fieldPath(_ codingPath: [any CodingKey]) -> String {
    codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        .replacingOccurrences(of: ".[", with: "[")
}

/// A JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    return Response(
        status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// Parses a decimal string field, or throws `bad_request` naming it.
func decimal<T: FixedPointDecimal>(_ text: String, _ type: T.Type, field: String) throws(VenueError) -> T {
    do {
        return try T(text)
    } catch {
        throw VenueError(.badRequest, code: "invalid_field", field: field, "\(field): \(error.message)")
    }
}

func symbol(_ text: String, field: String) throws(VenueError) -> Symbol {
    do {
        return try Symbol(text)
    } catch {
        throw VenueError(.badRequest, code: "invalid_field", field: field, "\(field): \(error.message)")
    }
}

func orderID(_ text: String?) throws(VenueError) -> OrderID {
    guard let text, let value = UInt64(text) else { throw VenueError(.notFound, "no order \(text ?? "")") }
    return OrderID(value)
}

/// A header value.
func header(_ request: Request, _ name: String) -> String? {
    let wanted = name.lowercased()
    return request.headers.first { $0.name.canonicalName == wanted }?.value
}

/// A fixed-point value sent as an integer scaled by 10^decimals, or `bad_request` naming the field.
func scaledDecimal<T: FixedPointDecimal>(_ value: Int64, decimals: Int, _ type: T.Type, field: String)
    throws(VenueError) -> T
{
    do {
        return try T(scaled: value, decimals: decimals)
    } catch {
        throw VenueError(.badRequest, code: "invalid_field", field: field, "\(field): \(error.message)")
    }
}
