import ATSStorage
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Instances sharing the journal: a request about an account another instance owns is sent on to
/// that instance and its reply returned as it came, so a client may call any instance. Orders,
/// positions, settlements, transfers and reports are the owner's; the book and the venues any
/// instance answers; an investor's record (`/v1/investors/{account}`) is its account's owner's. A request already forwarded once, or for an account no live instance holds
/// yet (its lease is moving), is a 503 `account_moving` with `Retry-After`: the client retries,
/// with the same `clientOrderId` for an order.
struct AccountForwarding: RouterMiddleware {
    typealias Context = APIContext
    let leases: any AccountLeases

    /// Names the instance a request was forwarded by: it is not forwarded again.
    static let forwardedBy = HTTPField.Name("X-ATS-Forwarded-By")!
    /// Names the instance that answered (set on every reply of an instance sharing the journal).
    static let instance = HTTPField.Name("X-ATS-Instance")!
    /// The paths whose requests belong to the account's owner.
    static let ownersPaths = [
        "orders", "positions", "settlements", "transfers", "reports", "subscriptions", "conversions",
    ]
    /// The client forwarding with: an owner that does not take the connection at once (it died) is
    /// not retried, so the caller hears 503 `account_moving` in a second, not at the deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(1)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The headers of the owner's reply passed back.
    static let replyHeaders = ["content-type", "location", "retry-after", "allow", "x-ats-instance"]

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard let account = context.account?.rawValue ?? Self.investor(request.uri.path), !leases.serves(account),
            context.account == nil || Self.isOwners(request.uri.path)
        else { return try await next(request, context) }
        guard request.headers[Self.forwardedBy] == nil else { throw Self.moving(account) }
        func usable(_ owner: InstanceAddress?) -> InstanceAddress? {
            owner.flatMap { $0.instance != leases.instance && !$0.apiURL.isEmpty ? $0 : nil }
        }
        // The last round's view first; when it names no other owner, the database's now.
        guard let owner = usable(leases.owner(of: account)) ?? usable(leases.lookUpOwner(of: account)) else {
            // An officer naming an account no instance holds (none such, say) is answered here: 404.
            if context.account == nil { return try await next(request, context) }
            throw Self.moving(account)
        }
        return try await forward(request, to: owner, account: account)
    }

    static func isOwners(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        return segments.count >= 2 && segments[0] == "v1" && ownersPaths.contains(String(segments[1]))
    }

    /// The account a compliance officer's `/v1/investors/{account}…` names: its record is kept by its owner.
    static func investor(_ path: String) -> String? {
        let segments = path.split(separator: "/")
        guard segments.count >= 3, segments[0] == "v1", segments[1] == "investors" else { return nil }
        return String(segments[2])
    }

    static func moving(_ account: String) -> APIError {
        APIError(
            .serviceUnavailable, "account_moving",
            "account \(account) is moving between router instances; try again shortly (orders with the same clientOrderId)"
        )
    }

    private func forward(_ request: Request, to owner: InstanceAddress, account: String) async throws -> Response {
        var forwarded = HTTPClientRequest(url: owner.apiURL + request.uri.description)
        forwarded.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where ![.connection, .contentLength, .transferEncoding].contains(field.name) {
            forwarded.headers.add(name: field.name.rawName, value: field.value)
        }
        forwarded.headers.add(name: Self.forwardedBy.rawName, value: leases.instance)
        if request.method == .post || request.method == .put || request.method == .patch {
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: RouterAPI.maximumBodyBytes) } catch {
                throw APIError(
                    .contentTooLarge, "body_too_large", "the body exceeds \(RouterAPI.maximumBodyBytes) bytes")
            }
            forwarded.body = .bytes(body)
        }
        let reply: HTTPClientResponse
        let body: ByteBuffer
        do {
            reply = try await Self.client.execute(
                forwarded, timeout: .seconds(Int64(RouterAPI.maximumWaitSeconds) + 10))
            body = try await reply.body.collect(upTo: 256 * 1024 * 1024)
        } catch {
            // The owner did not answer (it may have just died): its lease runs out and the account moves.
            throw Self.moving(account)
        }
        var headers = HTTPFields()
        for header in reply.headers where Self.replyHeaders.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: Int(reply.status.code)), headers: headers, body: .init(byteBuffer: body))
    }
}
