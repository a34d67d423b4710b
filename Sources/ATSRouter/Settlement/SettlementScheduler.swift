import ATSDomain
import Logging
import ServiceLifecycle

/// Advances settlement with the clock: four-step trades as their parties settle or their
/// deadlines pass, T+1 trades on their day, custody-transfer hops as they arrive.
struct SettlementScheduler: Service {
    let desk: SettlementDesk
    let interval: Duration
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try desk.advance(to: desk.clock.now())
                } catch {
                    logger.error("settlement could not be advanced", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
