import ATSDomain
import ATSRouter
import ATSWire
import Hummingbird

/// `/v1/conversions`: cash converted at a venue that lists a cash pair (INX's USDC/USD).
struct ConversionsController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let runtime = runtime
        group.post("conversions") { request, context in
            _ = try runtime.account(context.account)
            try RouterAPI.ready(runtime)
            let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
            let asked = try parser.parseConversion(try await RouterAPI.body(request))
            let record: CashConversionRecord
            do throws(SubscriptionError) {
                record = try await runtime.router.conversions.convert(
                    account: context.account, venue: asked.venue, from: asked.from, to: asked.to, amount: asked.amount)
            } catch {
                throw OfferingsController.apiError(error)
            }
            return jsonResponse(APIViews.conversion(record), status: .created)
        }

        group.get("conversions") { _, context in
            jsonResponse(
                APIViews.ConversionList(
                    conversions: try runtime.router.conversions.conversions(account: context.account).map(
                        APIViews.conversion)))
        }

    }
}
