import ATSAnalytics
import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSVenues
import Foundation
import HTTPTypes
import Hummingbird

/// A request's context before authentication: every route starts here.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The account the request's API key belongs to, once ``AuthenticationMiddleware`` has checked it.
    public var account: AccountID?

    public init(source: Source) {
        coreContext = .init(source: source)
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
            throw APIError(.unauthorized, "unauthorized", "send the header Authorization: Bearer <api key>")
        }
        coreContext = context.coreContext
        self.account = account
    }
}

/// `Authorization: Bearer <key>` on the `/v1` group: it runs after the router matched a `/v1`
/// route (not on the spelling of the path), so `//v1/orders` is checked exactly as `/v1/orders`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let accounts: [String: AccountID]

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "unauthorized", "send the header Authorization: Bearer <api key>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let account = accounts[String(parts[1])] else {
            throw APIError(.unauthorized, "unauthorized", "the API key is not recognised")
        }
        var context = context
        context.account = account
        return try await next(request, context)
    }
}

extension RouterRuntime {
    /// The configured account behind an authenticated key.
    func account(_ id: AccountID) throws(APIError) -> Account {
        guard let account = configuration.account(id) else {
            throw APIError(.forbidden, "unknown_account", "the API key's account \(id) is not configured")
        }
        return account
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
        "DELETE /v1/orders/{id}",
        "GET /v1/book/{symbol}", "GET /v1/venues", "GET /v1/settlements", "GET /v1/positions", "POST /v1/transfers",
        "GET /v1/reports",
    ]

    public static func router(_ runtime: RouterRuntime) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: ErrorMiddleware(metrics: runtime.metrics, allowedMethods: allowedMethods))
        var keys: [String: AccountID] = [:]
        for account in runtime.configuration.accounts { if let key = account.apiKey { keys[key] = account.id } }
        // Every route under /v1 needs a key; the check belongs to the routes, not to how a path starts.
        let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(accounts: keys)).group(
            context: AccountContext.self)
        /// Changes wait for recovery: until it is done the journal's open orders are still being reconciled.
        @Sendable func ready() throws(APIError) {
            guard runtime.isReady else {
                throw APIError(
                    .serviceUnavailable, "not_ready",
                    "the router is recovering its journal; try again shortly (GET /ready)")
            }
        }
        let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
        let orders = runtime.router.orders

        router.get("/health") { _, _ in
            let healthy = await runtime.healthyVenues()
            let failure = await orders.journalFailure
            // The journal's state only: its path and the error's text stay in the server's log.
            let journal = failure != nil ? "failed" : (runtime.journal == nil ? "memory" : "ok")
            let view = APIViews.HealthView(
                status: failure == nil ? "ok" : "degraded", version: ATSRouterRelease.version,
                journal: journal, venuesHealthy: healthy, venues: runtime.router.context.gateways.count)
            return jsonResponse(view, status: failure == nil ? .ok : .serviceUnavailable)
        }
        router.get("/ready") { _, _ in
            let ready = runtime.isReady
            let failure = await orders.journalFailure
            let view = APIViews.ReadyView(
                ready: ready && failure == nil,
                reason: failure != nil
                    ? "the journal failed; no new orders are accepted"
                    : (ready ? nil : "recovering the journal"))
            return jsonResponse(view, status: view.ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let text = await runtime.metrics.render(runtime)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }

        v1.post("orders") { request, context in
            let account = context.account
            try ready()
            let parsed = try parser.parse(try await body(request), account: account)
            let wait = try waitSeconds(request)
            let started: (parent: ParentOrder, replayed: Bool)
            do {
                started = try await orders.start(parsed)
            } catch let error as SubmissionError {
                switch error {
                case .clientOrderIdReused:
                    throw APIError(.conflict, error.code, error.description, field: "clientOrderId")
                case .journalUnavailable: throw APIError(.serviceUnavailable, error.code, error.description)
                }
            }
            runtime.metrics.orderAccepted(replayed: started.replayed)
            var parent = started.parent
            if wait > 0, let settled = await orders.doneOrResting(parent.id, timeout: .seconds(wait)) {
                parent = settled
            }
            return jsonResponse(
                APIViews.order(parent, detail: true), status: started.replayed ? .ok : .created,
                headers: [.location: "/v1/orders/\(parent.id)"])
        }

        v1.get("orders") { request, context in
            let query = request.uri.queryParameters
            var status: ParentOrder.Status?
            if let text = query.get("status") {
                guard let value = ParentOrder.Status(rawValue: text.lowercased()) else {
                    throw APIError.invalid(
                        "status",
                        "must be one of working, resting, filled, partially_filled, expired, cancelled, rejected")
                }
                status = value
            }
            let page = try Page(request)
            var symbol: Symbol?
            if let text = query.get("symbol") {
                // A symbol that cannot exist matches no order.
                guard let value = try? Symbol(text.uppercased()) else {
                    return jsonResponse(APIViews.OrderList(orders: []))
                }
                symbol = value
            }
            // One more than the page: whether there is a next page, without counting.
            let fetched: [ParentOrder]
            do {
                fetched = try await orders.page(
                    of: context.account, status: status, symbol: symbol,
                    before: page.before.map { OrderID(UInt64($0)) }, limit: page.limit + 1)
            } catch {
                throw APIError(
                    .serviceUnavailable, "journal_unavailable", "the orders could not be read from the journal")
            }
            let (items, next) = page.take(fetched) { Int64(clamping: $0.id.rawValue) }
            return jsonResponse(
                APIViews.OrderList(orders: items.map { APIViews.order($0, detail: false) }, nextCursor: next))
        }

        v1.get("orders/{id}") { request, context in
            let wait = try waitSeconds(request)
            let parent = try await ownOrder(context, orders)
            let shown = wait > 0 ? (await orders.doneOrResting(parent.id, timeout: .seconds(wait)) ?? parent) : parent
            return jsonResponse(APIViews.order(shown, detail: true))
        }

        v1.delete("orders/{id}") { _, context in
            try ready()
            let parent = try await ownOrder(context, orders)
            if parent.status.isTerminal && parent.status != .cancelled {
                throw APIError(
                    .conflict, "order_final",
                    "order \(parent.id) is already \(parent.status.rawValue); nothing is left to cancel")
            }
            let cancelled = await orders.cancel(parent.id) ?? parent
            return jsonResponse(APIViews.order(cancelled, detail: true))
        }

        v1.get("book/{symbol}") { request, context in
            let text = context.parameters.get("symbol") ?? ""
            guard let symbol = try? Symbol(text.uppercased()), runtime.configuration.security(symbol) != nil else {
                throw APIError(.notFound, "unknown_symbol", "no security \(text)")
            }
            let query = request.uri.queryParameters
            var side = Side.buy
            if let text = query.get("side") {
                guard let value = Side(caseInsensitive: String(text)) else {
                    throw APIError.invalid("side", "must be buy or sell")
                }
                side = value
            }
            var depth = 10
            if let text = query.get("depth") {
                guard let value = Int(text), (1...100).contains(value) else {
                    throw APIError.invalid("depth", "must be from 1 to 100")
                }
                depth = value
            }
            let book = await runtime.router.context.consolidatedBook(symbol, account: context.account, side: side)
            return jsonResponse(APIViews.book(book, side: side, depth: depth))
        }

        v1.get("venues") { _, _ in
            jsonResponse(APIViews.VenueList(venues: await runtime.venueViews()))
        }

        let desk = runtime.router.settlement
        v1.get("settlements") { request, context in
            let query = request.uri.queryParameters
            var order: UInt64?
            if let text = query.get("order") {
                guard let value = UInt64(text) else {
                    throw APIError.invalid("order", "must be an order id (a whole number)")
                }
                order = value
            }
            var status: SettlementRecord.Status?
            if let text = query.get("status") {
                guard let value = SettlementRecord.Status(rawValue: text.lowercased()) else {
                    throw APIError.invalid(
                        "status",
                        "must be one of \(SettlementRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = value
            }
            let page = try Page(request)
            let selection = SettlementBook.Query(
                account: context.account, order: order, status: status, before: page.before, limit: page.limit)
            return jsonResponse(APIViews.settlements(try desk.settlements(selection)))
        }

        v1.get("positions") { _, context in
            let account = try runtime.account(context.account)
            return jsonResponse(
                APIViews.positions(
                    desk.book(), account: account, catalog: runtime.catalog, asOf: runtime.clock.now(),
                    reserved: desk.reservations(of: account.id)))
        }

        v1.post("transfers") { request, context in
            let account = try runtime.account(context.account)
            try ready()
            let parsed = try parser.parseTransfer(try await body(request), account: account)
            do {
                let transfer = try desk.requestTransfer(
                    account: account.id, symbol: parsed.symbol, quantity: parsed.quantity,
                    from: parsed.from, to: parsed.to)
                return jsonResponse(APIViews.transfer(transfer), status: .created)
            } catch let error as SettlementError {
                throw APIError(.unprocessableContent, error.code, error.message, field: error.field)
            }
        }
        v1.get("reports") { request, context in
            let query = request.uri.queryParameters
            func bound(_ name: String) throws(APIError) -> Timestamp? {
                guard let text = query.get(name) else { return nil }
                guard let time = ReportTime.parse(String(text)) else {
                    throw APIError.invalid(
                        name, "must be a date (2026-11-23) or a UTC time (2026-11-23T15:30:00Z) from 1678 to 2261")
                }
                return time
            }
            let from = try bound("from")
            let to = try bound("to")
            if let from, let to, to < from { throw APIError.invalid("to", "must not be before from") }
            let account = context.account
            let now = runtime.clock.now()
            // From the journal (fill times and events too) when there is one; else the orders in memory.
            let input: ReportInput
            if let journal = runtime.journal {
                do {
                    input = try ReportInput.journal(
                        journal, account: account, from: from, to: to, generatedAt: now,
                        maximumOrders: maximumReportOrders)
                } catch let error as ReportTooLarge {
                    throw APIError(
                        .unprocessableContent, "report_too_large", error.description, field: from == nil ? "from" : "to"
                    )
                }
            } else {
                input = ReportInput(
                    parents: await orders.parents(of: account), fillTimes: [:], events: [], from: from, to: to,
                    scope: "account \(account)", generatedAt: now)
            }
            return jsonResponse(ReportBuilder.build(input))
        }
        return router
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
