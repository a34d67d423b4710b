import ATSFIX
import ATSServer
import ServiceLifecycle

/// The FIX gateway as a service of the running router: it listens once started and, on graceful
/// shutdown, logs its peers out and stops (`docs/fix.md`).
struct FIXService: Service {
    let gateway: FIXGateway
    let host: String
    let port: Int
    let limits: FIXConnectionLimits
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let acceptor = try await gateway.start(host: host, port: port, limits: limits)
        await onListening(acceptor.port)
        try? await gracefulShutdown()
        await gateway.stop()
        await acceptor.stop()
    }
}
