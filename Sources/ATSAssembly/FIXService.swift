import ATSFIX
import ATSServer
import ServiceLifecycle

/// The FIX gateway as a service of the running router: it listens once the router is ready
/// (recovery done: a peer reconnecting after a restart resends its orders, and they must find the
/// router taking orders, not be refused `not_ready`) and, on graceful shutdown, logs its peers
/// out and stops (`docs/fix.md`).
struct FIXService: Service {
    let gateway: FIXGateway
    let host: String
    let port: Int
    let limits: FIXConnectionLimits
    let onListening: @Sendable (Int) async -> Void
    let isReady: @Sendable () -> Bool

    func run() async throws {
        while !isReady() {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let acceptor = try await gateway.start(host: host, port: port, limits: limits)
        await onListening(acceptor.port)
        try? await gracefulShutdown()
        await gateway.stop()
        await acceptor.stop()
    }
}
