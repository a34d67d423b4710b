import ATSAnalytics
import ATSDomain
import ATSOrders
import ATSRouter
import ATSSettlement
import ATSVenues
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/reports`: the routing analytics report of the caller's orders in a window.
struct ReportsController {
    let runtime: any RouterService

    func register(on group: RouterGroup<AccountContext>) {
        let runtime = runtime
        let orders = runtime.router.orders
        group.get("reports") { request, context in
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
                        maximumOrders: RouterAPI.maximumReportOrders)
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
    }
}
