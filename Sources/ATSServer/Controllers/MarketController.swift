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

/// `/v1/book/{symbol}` (the consolidated book for the caller), `/v1/venues`, and `POST /v1/plans`
/// (what the router would do with an order now, nothing sent).
struct MarketController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let runtime = runtime
        group.get("book/{symbol}") { request, context in
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

        group.post("plans") { request, context in
            let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
            let parsed = try parser.parse(try await RouterAPI.body(request), account: context.account)
            return jsonResponse(APIViews.preview(await runtime.router.orders.preview(parsed)))
        }

        group.get("securities") { _, _ in
            jsonResponse(APIViews.securities(runtime.configuration, catalog: runtime.catalog))
        }

        group.get("venues") { _, _ in
            jsonResponse(APIViews.VenueList(venues: await runtime.venueViews(), instance: runtime.instanceView))
        }
    }
}
