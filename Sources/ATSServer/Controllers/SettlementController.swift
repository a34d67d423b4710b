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

/// `/v1/settlements` (a page from the journal), `/v1/positions`, `POST /v1/transfers`.
struct SettlementController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let runtime = runtime
        let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
        let desk = runtime.router.settlement
        group.get("settlements") { request, context in
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

        group.get("positions") { _, context in
            let account = try runtime.account(context.account)
            return jsonResponse(
                APIViews.positions(
                    desk.book(), account: account, catalog: runtime.catalog, asOf: runtime.clock.now(),
                    reserved: desk.reservations(of: account.id)))
        }

        group.post("transfers") { request, context in
            let account = try runtime.account(context.account)
            try RouterAPI.ready(runtime)
            let parsed = try parser.parseTransfer(try await RouterAPI.body(request), account: account)
            do {
                let transfer = try desk.requestTransfer(
                    account: account.id, symbol: parsed.symbol, quantity: parsed.quantity,
                    from: parsed.from, to: parsed.to)
                return jsonResponse(APIViews.transfer(transfer), status: .created)
            } catch let error as SettlementError {
                throw APIError(.unprocessableContent, error.code, error.message, field: error.field)
            }
        }
    }
}
