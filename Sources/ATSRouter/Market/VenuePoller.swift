import ATSDomain
import Logging
import ServiceLifecycle

/// Polls one venue's books for the securities it lists, asking only for what changed.
public struct VenuePoller: Service {
    public let gateway: VenueGateway
    public let symbols: [Symbol]
    public let store: MarketDataStore
    public let interval: Duration
    public let depth: Int
    public let clock: any TradingClock

    public init(
        gateway: VenueGateway, symbols: [Symbol], store: MarketDataStore, interval: Duration, depth: Int,
        clock: any TradingClock
    ) {
        self.gateway = gateway
        self.symbols = symbols
        self.store = store
        self.interval = interval
        self.depth = depth
        self.clock = clock
    }

    /// Polls every symbol once. Failures are recorded by the gateway (and its breaker).
    public func pollOnce() async {
        for symbol in symbols {
            let since = await store.sequence(venue: gateway.venue, symbol: symbol)
            let depth = depth
            // The quote is as old as the question: a reply that took long to arrive is not fresher for it.
            let asked = clock.now()
            if let poll = try? await gateway.call(
                "book \(symbol)", { try await $0.book(symbol, levels: depth, since: since) })
            {
                await store.apply(poll, venue: gateway.venue, symbol: symbol, at: asked)
            }
        }
    }

    public func run() async throws {
        // A graceful shutdown cancels the wait at once rather than after a whole interval.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pollOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
