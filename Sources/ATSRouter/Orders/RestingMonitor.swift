import ServiceLifecycle

/// Re-examines resting parents every interval: fills of resting children are picked up, and a
/// residual is moved when the books move (liquidity within its limit appears elsewhere).
public struct RestingMonitor: Service {
    public let orders: OrderManager
    public let interval: Duration

    public init(orders: OrderManager, interval: Duration) {
        self.orders = orders
        self.interval = interval
    }

    public func run() async throws {
        // A graceful shutdown cancels the wait at once rather than after a whole interval.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await orders.refreshResting()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
