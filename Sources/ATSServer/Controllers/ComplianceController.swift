import ATSDomain
import ATSRouter
import ATSVenues
import ATSWire
import Hummingbird

/// `/v1/investors/{account}` and `/v1/compliance/alerts`: the compliance officer's side. Only an
/// officer's key reaches these routes (``ComplianceContext``).
struct ComplianceController {
    let runtime: any RouterService

    func register(on group: RouterGroup<ComplianceContext>) {
        let runtime = runtime
        group.get("investors/:account") { _, context in
            let account = try Self.account(context, runtime)
            return jsonResponse(Self.view(of: account, runtime))
        }

        group.put("investors/:account") { request, context in
            let account = try Self.account(context, runtime)
            try RouterAPI.ready(runtime)
            let parser = InvestorRequestParser(
                parser: OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration))
            let record = try parser.parse(try await RouterAPI.body(request), account: account)
            do throws(InvestorUpdateError) {
                try runtime.router.context.investors.update(record, by: context.officer, at: runtime.clock.now())
            } catch {
                let status: HTTPResponse.Status =
                    switch error.code {
                    case "revision_conflict": .conflict
                    case "invalid_investor": .unprocessableContent
                    case "unknown_account": .notFound
                    default: .serviceUnavailable
                    }
                throw APIError(status, error.code, error.message, field: error.field)
            }
            return jsonResponse(Self.view(of: account, runtime))
        }

        group.get("investors/:account/history") { _, context in
            let account = try Self.account(context, runtime)
            let now = runtime.clock.now()
            let revisions: [InvestorRecord]
            do { revisions = try runtime.router.context.investors.history(of: account) } catch {
                throw APIError(.serviceUnavailable, "journal_unavailable", "the journal could not be read: \(error)")
            }
            return jsonResponse(
                APIViews.InvestorHistory(
                    revisions: revisions.map {
                        APIViews.investor($0, standing: $0.kycRefusal(on: CalendarDate(now)), onboardings: nil)
                    }))
        }
    }

    func registerAlerts(on group: RouterGroup<ComplianceContext>) {
        let runtime = runtime
        group.get("compliance/alerts") { request, _ in
            let query = request.uri.queryParameters
            let status = query.get("status")
            if let status, status != "open" && status != "closed" {
                throw APIError.invalid("status", "must be open or closed")
            }
            var account: AccountID?
            if let text = query.get("account") {
                guard let id = try? AccountID(text), runtime.configuration.account(id) != nil else {
                    throw APIError.invalid("account", "no account \(text.prefix(64))")
                }
                account = id
            }
            let alerts: [ComplianceAlert]
            do { alerts = try runtime.router.compliance.alerts(status: status, account: account) } catch {
                throw APIError(.serviceUnavailable, "journal_unavailable", "the journal could not be read: \(error)")
            }
            return jsonResponse(APIViews.AlertList(alerts: alerts.map(APIViews.alert)))
        }

        group.post("compliance/alerts/:id/close") { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text) else {
                throw APIError(.notFound, "alert_not_found", "no alert \(text.prefix(64))")
            }
            let parser = OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
            let body = try parser.object(try await RouterAPI.body(request))
            try InvestorRequestParser.known(body, ["resolution"], prefix: "")
            guard let resolution = try parser.string(body, "resolution", required: true), !resolution.isEmpty,
                resolution.count <= 1_000
            else { throw APIError.invalid("resolution", "must say how the alert was resolved (1 to 1000 characters)") }
            do throws(AlertError) {
                let closed = try runtime.router.compliance.close(id, by: context.officer, resolution: resolution)
                return jsonResponse(APIViews.alert(closed))
            } catch {
                let status: HTTPResponse.Status =
                    switch error.code {
                    case "alert_not_found": .notFound
                    case "alert_closed": .conflict
                    default: .serviceUnavailable
                    }
                throw APIError(status, error.code, error.message)
            }
        }
    }

    /// The account named in the path; an unknown one is a 404.
    static func account(_ context: ComplianceContext, _ runtime: any RouterService) throws(APIError) -> AccountID {
        let text = context.parameters.get("account") ?? ""
        guard let id = try? AccountID(text), runtime.configuration.account(id) != nil else {
            throw APIError(.notFound, "unknown_account", "no account \(text.prefix(64))")
        }
        return id
    }

    static func view(of account: AccountID, _ runtime: any RouterService) -> APIViews.InvestorView {
        let investors = runtime.router.context.investors
        let record = investors.record(of: account)!
        let now = runtime.clock.now()
        return APIViews.investor(
            record, standing: investors.refusal(of: account, security: nil, side: .sell, at: now),
            onboardings: onboardings(of: account, runtime))
    }

    /// The onboarding at every venue that requires its own.
    /// The onboarding the router filed, else what the configuration says the venue decided.
    static func onboardings(of account: AccountID, _ runtime: any RouterService) -> [APIViews.OnboardingView] {
        guard let configured = runtime.configuration.account(account) else { return [] }
        return runtime.catalog.venues.filter(\.eligibility.kycRequired).map { venue in
            if let filed = runtime.router.onboarding.onboarding(of: account, at: venue.id) {
                return APIViews.OnboardingView(
                    venue: venue.id.rawValue, status: filed.status.rawValue, reference: filed.venueApplicationID,
                    reason: filed.reason, updatedAt: filed.updatedAt.description)
            }
            let status =
                switch configured.kycStatus(at: venue.id) {
                case .approved: "approved"
                case .pending: "pending"
                case .rejected: "refused"
                case nil: "not_filed"
                }
            return APIViews.OnboardingView(
                venue: venue.id.rawValue, status: status, reference: nil, reason: nil, updatedAt: nil)
        }
    }
}
