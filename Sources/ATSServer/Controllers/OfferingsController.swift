import ATSDomain
import ATSRouter
import ATSVenues
import ATSWire
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/offerings` (every venue's primary offerings, asked now) and `/v1/subscriptions`.
struct OfferingsController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let runtime = runtime
        let desk = runtime.router.subscriptions
        group.get("offerings") { _, context in
            jsonResponse(await Self.offerings(runtime, account: try runtime.account(context.account)))
        }

        group.get("offerings/{venue}/{id}/comparison") { request, context in
            try await Self.comparison(runtime, request, context)
        }

        group.post("subscriptions") { request, context in
            _ = try runtime.account(context.account)
            try RouterAPI.ready(runtime)
            let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
            let parsed = try parser.parseSubscription(try await RouterAPI.body(request), account: context.account)
            do {
                let (subscription, replayed) = try await desk.subscribe(parsed)
                return jsonResponse(APIViews.subscription(subscription), status: replayed ? .ok : .created)
            } catch let error as SubscriptionError {
                throw Self.apiError(error)
            }
        }

        group.get("subscriptions") { request, context in
            let page = try Page(request)
            var statuses: [Subscription.Status]?
            if let text = request.uri.queryParameters.get("status") {
                guard let status = Subscription.Status(rawValue: text.lowercased()) else {
                    throw APIError.invalid(
                        "status",
                        "must be one of \(Subscription.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                statuses = [status]
            }
            let picked = try desk.subscriptions(
                account: context.account, statuses: statuses, before: page.before, limit: page.limit + 1)
            let (items, next) = page.take(picked, key: \.id)
            return jsonResponse(
                APIViews.SubscriptionList(subscriptions: items.map { APIViews.subscription($0) }, nextCursor: next))
        }

        group.get("subscriptions/{id}") { _, context in
            guard let text = context.parameters.get("id"), let id = Int64(text), id > 0,
                let subscription = try desk.subscription(id, account: context.account)
            else {
                throw APIError(
                    .notFound, "not_found", "no subscription \(context.parameters.get("id") ?? "") for this account")
            }
            return jsonResponse(APIViews.subscription(subscription, events: try desk.events(of: id)))
        }
    }

    /// Every venue's offerings, each with why `account` could not subscribe its minimum now.
    static func offerings(_ runtime: any RouterService, account: Account) async -> APIViews.OfferingList {
        let desk = runtime.router.subscriptions
        let (offerings, unavailable) = await desk.offerings()
        let now = runtime.clock.now()
        let committed = (try? desk.committedToRegulationCrowdfunding(account.id, at: now)) ?? .zero
        let book = runtime.router.settlement.book()
        let view = book.accountView(account)
        let views = offerings.map { listed in
            let venue = runtime.catalog.venue(listed.venue)
            let security = runtime.configuration.security(listed.offering.symbol)
            var refusal: Rejection?
            if !listed.isOpen {
                refusal = Rejection(.offeringClosed, "offering \(listed.offering.id) has closed")
            } else if let venue, let security {
                refusal = SubscriptionRules().check(
                    listed.offering.minimumInvestment, to: listed.offering, at: venue, account: view,
                    security: security, at: now, committedToRegulationCrowdfunding: committed,
                    holding: book.capTable.quantity(of: .init(account.id), in: security.symbol),
                    holders: book.capTable.accountHolders(of: security.symbol))
            }
            return APIViews.offering(listed, venue: venue, security: security, refusal: refusal)
        }
        return APIViews.OfferingList(
            offerings: views, unavailable: unavailable.map { .init(venue: $0.venue.rawValue, reason: $0.reason) })
    }

    /// `GET /v1/offerings/{venue}/{id}/comparison?amount=`: the offering against the books.
    static func comparison(_ runtime: any RouterService, _ request: Request, _ context: AccountContext) async throws
        -> Response
    {
        let desk = runtime.router.subscriptions
        let venueText = context.parameters.get("venue") ?? ""
        guard let venue = runtime.catalog.venue(try? VenueID(venueText.lowercased())) else {
            throw APIError(.notFound, "not_found", "no venue \(venueText.prefix(64))")
        }
        guard let text = request.uri.queryParameters.get("amount") else {
            throw APIError(.badRequest, "missing_field", "amount is required", field: "amount")
        }
        guard let amount = try? Money(String(text)), amount.isPositive else {
            throw APIError.invalid("amount", "must be a positive decimal amount in the offering's payment asset")
        }
        let comparison: OfferingComparison
        do throws(SubscriptionError) {
            comparison = try await desk.compare(
                venue: venue.id, offering: context.parameters.get("id") ?? "", amount: amount,
                account: context.account)
        } catch {
            let missing = error.code == "unknown_offering"
            throw APIError(
                missing ? .notFound : .serviceUnavailable, missing ? "not_found" : error.code, error.message,
                field: error.field)
        }
        return jsonResponse(APIViews.comparison(comparison))
    }

    static func apiError(_ error: SubscriptionError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case "client_subscription_id_reused": .conflict
            case "venue_unavailable", "journal_unavailable", "account_moving": .serviceUnavailable
            default: .unprocessableContent
            }
        return APIError(status, error.code, error.message, field: error.field)
    }
}
