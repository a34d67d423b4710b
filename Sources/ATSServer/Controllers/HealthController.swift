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

/// /health, /ready and /metrics: open, no key.
struct HealthController {
    let runtime: any RouterService

    func register(on router: Router<APIContext>) {
        let runtime = runtime
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
    }
}
