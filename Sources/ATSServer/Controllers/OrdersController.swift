import ATSAnalytics
import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSVenues
import ATSWire
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/orders`: submit (idempotent by `clientOrderId`), list a page, read one, cancel.
struct OrdersController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let orders = runtime.router.orders
        group.post("orders") { request, context in try await submit(request, context) }
        group.get("orders") { request, context in try await list(request, context) }
        group.get("fills") { request, context in
            var since: Int64 = 0
            if let text = request.uri.queryParameters.get("since") {
                guard text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text) else {
                    throw APIError.invalid(
                        "since", "must be a fill's sequence (0 to 18 digits' worth), not \(text.prefix(40))")
                }
                since = value
            }
            let page = try Page(request)
            let found = try await orders.fills(of: context.account, since: since, limit: page.limit + 1)
            let shown = Array(found.prefix(page.limit))
            return jsonResponse(
                APIViews.FillList(
                    fills: shown.map {
                        APIViews.AccountFillView(
                            sequence: "\($0.sequence)", orderId: $0.order.description, symbol: $0.symbol.rawValue,
                            side: $0.side.rawValue, venue: $0.venue.rawValue, childKey: $0.childKey,
                            fillId: $0.fill.id, quantity: $0.fill.quantity.description,
                            price: $0.fill.price.description, fee: $0.fill.fee.description,
                            recordedAt: $0.recordedAt.description)
                    }, lastSequence: shown.last.map { "\($0.sequence)" }, more: found.count > page.limit))
        }
        group.get("orders/{id}") { request, context in
            let wait = try RouterAPI.waitSeconds(request)
            let parent = try await RouterAPI.ownOrder(context, orders)
            let shown = wait > 0 ? (await orders.doneOrResting(parent.id, timeout: .seconds(wait)) ?? parent) : parent
            return jsonResponse(APIViews.order(shown, detail: true))
        }

        group.patch("orders/{id}") { request, context in try await amend(request, context) }

        group.delete("orders/{id}") { _, context in
            try RouterAPI.ready(runtime)
            let parent = try await RouterAPI.ownOrder(context, orders)
            if parent.status.isTerminal && parent.status != .cancelled {
                throw APIError(
                    .conflict, "order_final",
                    "order \(parent.id) is already \(parent.status.rawValue); nothing is left to cancel")
            }
            let cancelled = await orders.cancel(parent.id) ?? parent
            return jsonResponse(APIViews.order(cancelled, detail: true))
        }
    }

    /// `PATCH /v1/orders/{id}`: a resting order's new quantity or limit (cancel and replace).
    func amend(_ request: Request, _ context: AccountContext) async throws -> Response {
        let orders = runtime.router.orders
        try RouterAPI.ready(runtime)
        let parent = try await RouterAPI.ownOrder(context, orders)
        let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
        let change = try parser.parseAmend(try await RouterAPI.body(request), symbol: parent.symbol)
        do throws(AmendError) {
            let amended = try await orders.amend(
                parent.id, quantity: change.quantity, limitPrice: change.limitPrice)
            return jsonResponse(APIViews.order(amended, detail: true))
        } catch {
            switch error {
            case .notResting: throw APIError(.conflict, "order_not_resting", error.description)
            case .childStillLive: throw APIError(.conflict, "amend_failed", error.description)
            case .refused(let rejection):
                throw APIError(.unprocessableContent, rejection.code.rawValue, error.description)
            case .quantityNotAboveFilled:
                throw APIError(.unprocessableContent, "quantity_below_filled", error.description, field: "quantity")
            }
        }
    }

    /// `POST /v1/orders`: accepted once durable (201; 200 for a replay of the same `clientOrderId`),
    /// waiting up to `wait` seconds for it to be done or resting.
    func submit(_ request: Request, _ context: AccountContext) async throws -> Response {
        let orders = runtime.router.orders
        let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
        let account = context.account
        try RouterAPI.ready(runtime)
        let parsed = try parser.parse(try await RouterAPI.body(request), account: account)
        let wait = try RouterAPI.waitSeconds(request)
        let started: (parent: ParentOrder, replayed: Bool)
        do {
            started = try await orders.start(parsed)
        } catch {
            switch error {
            case .clientOrderIdReused:
                throw APIError(.conflict, error.code, error.description, field: "clientOrderId")
            case .journalUnavailable, .accountElsewhere:
                throw APIError(.serviceUnavailable, error.code, error.description)
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

    /// `GET /v1/orders`: a page of the caller's orders, newest first, by status and symbol.
    func list(_ request: Request, _ context: AccountContext) async throws -> Response {
        let orders = runtime.router.orders
        let query = request.uri.queryParameters
        var status: ParentOrder.Status?
        if let text = query.get("status") {
            guard let value = ParentOrder.Status(rawValue: text.lowercased()) else {
                throw APIError.invalid(
                    "status",
                    "must be one of \(ParentOrder.Status.allCases.map(\.rawValue).joined(separator: ", "))"
                )
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
}
