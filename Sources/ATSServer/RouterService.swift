import ATSDomain
import ATSRouter
import ATSStorage
import ATSVenues
import ATSWire

/// What the API's controllers read and call: the router and what surrounds it. The API does not
/// know how it was assembled (embedded venue mocks or external venues, which journal):
/// `RouterRuntime` (`ATSAssembly`) is what `serve`, `demo` and `ats-bench` assemble.
public protocol RouterService: Sendable {
    var catalog: VenueCatalog { get }
    var configuration: RouterConfiguration { get }
    var router: SmartRouter { get }
    var clock: any TradingClock { get }
    /// The journal, when orders are kept in one (else in memory only).
    var journal: (any JournalStore)? { get }
    var metrics: RouterMetrics { get }
    /// Whether recovery is done: until then changes are refused (`not_ready`).
    var isReady: Bool { get }
}

extension RouterService {
    /// The account leases when instances share the journal; nil: this instance serves every account.
    public var leases: (any AccountLeases)? { router.leases }

    /// This instance as `/v1/venues` names it; nil when it is the only one.
    public var instanceView: APIViews.InstanceView? {
        leases.map {
            APIViews.InstanceView(id: $0.instance, accounts: $0.held.sorted(), liveInstances: $0.liveInstances)
        }
    }

    /// The configured account behind an authenticated key.
    func account(_ id: AccountID) throws(APIError) -> Account {
        guard let account = configuration.account(id) else {
            throw APIError(.forbidden, "unknown_account", "the API key's account \(id) is not configured")
        }
        return account
    }

    public func healthyVenues() async -> Int {
        var count = 0
        for gateway in router.context.gateways.values where await gateway.isHealthy { count += 1 }
        return count
    }

    public func venueViews() async -> [APIViews.VenueView] {
        var views: [APIViews.VenueView] = []
        let now = clock.now()
        for venue in catalog.venues {
            guard let gateway = router.context.gateways[venue.id] else { continue }
            let breaker = await gateway.breaker.state
            let latencies = await gateway.recentLatencies.sorted()
            func quantile(_ q: Double) -> Double? {
                guard !latencies.isEmpty else { return nil }
                let index = min(latencies.count - 1, Int((Double(latencies.count) * q).rounded(.up)) - 1)
                return Double(latencies[max(0, index)]) / 1_000_000
            }
            var listings: [APIViews.ListingView] = []
            for listing in venue.listings where configuration.security(listing.symbol) != nil {
                let book = await router.context.store.book(venue: venue.id, symbol: listing.symbol)
                listings.append(
                    .init(
                        symbol: listing.symbol.rawValue, quoteAgeMs: book?.ageMilliseconds(at: now),
                        sequence: book.map { String($0.sequence) }))
            }
            let breakerText =
                switch breaker {
                case .closed: "closed"
                case .open: "open"
                case .halfOpen: "half_open"
                }
            views.append(
                .init(
                    id: venue.id.rawValue, name: venue.name, matching: venue.matching.model.rawValue,
                    healthy: await gateway.isHealthy,
                    breaker: breakerText, lastFailure: await gateway.lastFailure.map { "\($0)" },
                    calls: await gateway.calls,
                    failures: await gateway.failures, latencyP50Ms: quantile(0.5), latencyP99Ms: quantile(0.99),
                    listings: listings))
        }
        return views
    }
}
