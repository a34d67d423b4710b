import ATSAnalytics
import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSVenues
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A request's context before authentication: every route starts here.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The account the request's API key belongs to, once ``AuthenticationMiddleware`` has checked it.
    public var account: AccountID? {
        get { caller.account }
        set { caller.account = newValue }
    }
    /// The compliance officer the request's key belongs to, when it is an officer's.
    public var officer: String? {
        get { caller.officer }
        set { caller.officer = newValue }
    }
    /// Shared by every copy of this request's context, so the access log, written outside the
    /// routes, names the account a route authenticated.
    let caller = Caller()

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// The account behind a request, once known.
final class Caller: Sendable {
    private let value = Mutex<AccountID?>(nil)
    private let officerValue = Mutex<String?>(nil)
    var account: AccountID? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
    var officer: String? {
        get { officerValue.withLock { $0 } }
        set { officerValue.withLock { $0 = newValue } }
    }
}

/// The context of every `/v1` route: the caller's account, always present. Routes reach it only
/// through the `/v1` group, after the key is checked; building it without an account is a 401,
/// so no handler ever runs for nobody, however the path was spelled.
public struct AccountContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let account: AccountID

    public init(context: APIContext) throws {
        guard let account = context.account else {
            if context.officer != nil {
                throw APIError(
                    .forbidden, "compliance_key",
                    "a compliance officer's key keeps investors' records and alerts (/v1/investors, /v1/compliance); it trades for no account"
                )
            }
            throw APIError(.unauthorized, "unauthorized", "send the header Authorization: Bearer <api key>")
        }
        coreContext = context.coreContext
        self.account = account
    }
}

/// The context of `/v1/investors` and `/v1/compliance`: a compliance officer, always present.
/// An account's key is refused here (403): traders do not keep their own records.
public struct ComplianceContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let officer: String

    public init(context: APIContext) throws {
        guard let officer = context.officer else {
            if context.account != nil {
                throw APIError(
                    .forbidden, "compliance_only",
                    "investors' records and the compliance queue need a compliance officer's key")
            }
            throw APIError(.unauthorized, "unauthorized", "send the header Authorization: Bearer <api key>")
        }
        coreContext = context.coreContext
        self.officer = officer
    }
}

/// `Authorization: Bearer <key>` on the `/v1` group: it runs after the router matched a `/v1`
/// route (not on the spelling of the path), so `//v1/orders` is checked exactly as `/v1/orders`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let keys: APIKeys

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "send the header Authorization: Bearer <api key>")
        }
        guard let key = APIKeys.bearerKey(header), let principal = keys.principal(for: key) else {
            throw APIError(.unauthorized, "unauthorized", "the API key is not recognised")
        }
        var context = context
        switch principal {
        case .account(let account): context.account = account
        case .officer(let officer): context.officer = officer
        }
        return try await next(request, context)
    }
}

/// The router's HTTP API (`docs/openapi.yaml`).
public enum RouterAPI {
    /// The largest request body read.
    public static let maximumBodyBytes = 16 * 1024
    /// The most orders one `GET /v1/reports` reads (a larger window is 422 `report_too_large`).
    public static let maximumReportOrders = 20_000
    /// The longest `wait` a request may ask for, in seconds.
    public static let maximumWaitSeconds = 30

    /// Every operation `router(_:)` serves, as documented in `docs/openapi.yaml` (a test keeps the two equal).
    public static let endpoints: Set<String> = [
        "GET /health", "GET /ready", "GET /metrics", "POST /v1/orders", "GET /v1/orders", "GET /v1/orders/{id}",
        "DELETE /v1/orders/{id}", "PATCH /v1/orders/{id}",
        "GET /v1/book/{symbol}", "GET /v1/venues", "GET /v1/settlements", "GET /v1/positions", "POST /v1/transfers",
        "GET /v1/reports", "GET /v1/offerings", "POST /v1/subscriptions", "GET /v1/subscriptions",
        "GET /v1/subscriptions/{id}", "GET /v1/offerings/{venue}/{id}/comparison",
        "POST /v1/conversions", "GET /v1/conversions", "GET /v1/investors/{account}",
        "PUT /v1/investors/{account}", "GET /v1/investors/{account}/history", "GET /v1/compliance/alerts",
        "POST /v1/compliance/alerts/{id}/close", "POST /v1/plans", "GET /v1/securities", "GET /v1/fills",
        "GET /v1/stream", "GET /",
    ]

    public static func router(_ runtime: any RouterService) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(
            middleware: ErrorMiddleware(
                metrics: runtime.metrics, allowedMethods: allowedMethods, instance: runtime.leases?.instance))
        // Every route under /v1 needs a key; the check belongs to the routes, not to how a path starts.
        let keys = APIKeys(runtime.configuration.accounts, officers: runtime.configuration.complianceOfficers ?? [])
        var authenticated = router.group("v1").add(middleware: AuthenticationMiddleware(keys: keys))
        if let leases = runtime.leases {
            authenticated = authenticated.add(middleware: AccountForwarding(leases: leases))
        }
        let v1 = authenticated.group(context: AccountContext.self)
        HealthController(runtime: runtime).register(on: router)
        // The blotter: a page, no key needed to load it (it asks for one and sends it with each call).
        router.get("/") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    .init("Content-Security-Policy")!:
                        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
                ],
                body: .init(byteBuffer: ByteBuffer(string: BlotterPage.html)))
        }
        // The stream is a WebSocket (``streamRouter(_:settings:)`` takes the upgrade); a plain GET learns how.
        router.get("v1/stream") { request, _ -> Response in
            if let text = request.uri.queryParameters.get("resume"),
                text.isEmpty || text.count > 18 || !text.allSatisfy({ $0.isASCII && $0.isNumber })
            {
                throw APIError.invalid("resume", "must be the last sequence seen (a whole number, 0 or more)")
            }
            throw APIError(
                .upgradeRequired, "upgrade_required",
                "GET /v1/stream is a WebSocket: send Connection: Upgrade and Upgrade: websocket")
        }
        OrdersController(runtime: runtime).register(on: v1)
        MarketController(runtime: runtime).register(on: v1)
        SettlementController(runtime: runtime).register(on: v1)
        ReportsController(runtime: runtime).register(on: v1)
        OfferingsController(runtime: runtime).register(on: v1)
        ConversionsController(runtime: runtime).register(on: v1)
        let compliance = authenticated.group(context: ComplianceContext.self)
        ComplianceController(runtime: runtime).register(on: compliance)
        ComplianceController(runtime: runtime).registerAlerts(on: compliance)
        return router
    }

    /// The WebSocket upgrade's router: `GET /v1/stream` (``EventStreamEndpoint``).
    public static func streamRouter(_ runtime: any RouterService, settings: StreamSettings) -> Router<StreamContext> {
        let router = Router(context: StreamContext.self)
        EventStreamEndpoint.register(on: router, runtime: runtime, settings: settings)
        return router
    }

    /// Changes wait for recovery: until it is done the journal's open orders are still being reconciled.
    static func ready(_ runtime: any RouterService) throws(APIError) {
        guard runtime.isReady else {
            throw APIError(
                .serviceUnavailable, "not_ready",
                "the router is recovering its journal; try again shortly (GET /ready)")
        }
    }

    /// The methods served at `path` (spelt as the router matches it: empty segments ignored), for
    /// the `Allow` header of a 405; empty when no endpoint has this path.
    static func allowedMethods(_ path: String) -> [String] {
        let segments = path.split(separator: "/")
        return endpoints.compactMap { endpoint -> String? in
            let parts = endpoint.split(separator: " ")
            let pattern = parts[1].split(separator: "/")
            guard pattern.count == segments.count,
                zip(pattern, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 })
            else { return nil }
            return String(parts[0])
        }.sorted()
    }

    /// The request body, at most ``maximumBodyBytes``, sent as `application/json` (charset, if
    /// named, UTF-8); anything else is a 415.
    static func body(_ request: Request) async throws(APIError) -> Data {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard type.first == "application/json",
            type.dropFirst().allSatisfy({ $0 == "charset=utf-8" || $0 == "charset=\"utf-8\"" })
        else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json, not \(request.headers[.contentType].map { "\"\($0.prefix(64))\"" } ?? "none")"
            )
        }
        do {
            return Data(try await request.body.collect(upTo: maximumBodyBytes).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the body exceeds \(maximumBodyBytes) bytes")
        }
    }

    /// The caller's own order named in the path; anyone else's is indistinguishable from none.
    static func ownOrder(_ context: AccountContext, _ orders: OrderManager) async throws(APIError) -> ParentOrder {
        let text = context.parameters.get("id") ?? ""
        guard let raw = UInt64(text), let parent = await orders.parent(OrderID(raw)), parent.account == context.account
        else {
            throw APIError(.notFound, "order_not_found", "no order \(text) for this account")
        }
        return parent
    }

    static func waitSeconds(_ request: Request) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("wait") else { return 0 }
        guard let value = Int(text), (0...maximumWaitSeconds).contains(value) else {
            throw APIError.invalid("wait", "must be whole seconds from 0 to \(maximumWaitSeconds)")
        }
        return value
    }
}
