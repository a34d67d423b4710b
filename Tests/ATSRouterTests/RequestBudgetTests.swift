import ATSDomain
import ATSVenues
import Testing

@testable import ATSRouter

/// INX's request budget: never more than the published limits in any window, market data never
/// taking the minute's last requests kept for orders, and a refused request told when to ask again.
struct RequestBudgetTests {
    @Test(
        "over seeded arrival streams no second holds more than 10 and no minute more than 100; market data stops at 70")
    func theLimitsHoldInEveryWindow() async throws {
        for seed in UInt64(1)...20 {
            var random = SplitMix64(seed: seed)
            let budget = RequestBudget(perSecond: 10, perMinute: 100)
            let start = ContinuousClock.now
            var now = start
            var admitted: [(at: ContinuousClock.Instant, marketData: Bool)] = []
            for _ in 0..<3_000 {
                now = now + .milliseconds(Int64(random.below(400)))
                let marketData = random.below(3) != 0
                if let wake = await budget.admit(at: now, marketData: marketData) {
                    #expect(wake > now)
                    // Asked again at the moment it names, it is admitted (nothing else arrived meanwhile).
                    #expect(await budget.admit(at: wake, marketData: marketData) == nil, "seed \(seed)")
                    now = wake
                }
                admitted.append((now, marketData))
            }
            // Brute force: every window that ends at an admitted request, counted by walking back.
            for (index, request) in admitted.enumerated() {
                var lastSecond = 0
                var lastMinute = 0
                for earlier in admitted[...index].reversed() {
                    guard request.at - earlier.at < .seconds(60) else { break }
                    lastMinute += 1
                    if request.at - earlier.at < .seconds(1) { lastSecond += 1 }
                }
                #expect(lastSecond <= 10, "seed \(seed): \(lastSecond) in a second")
                #expect(lastMinute <= 100, "seed \(seed): \(lastMinute) in a minute")
                if request.marketData {
                    #expect(lastMinute <= 70, "seed \(seed): market data as the \(lastMinute)th in a minute")
                }
            }
        }
    }

    @Test("with 70 requests in the minute market data waits and an order goes; at 100 the order waits a minute")
    func ordersKeepTheirReserve() async throws {
        let budget = RequestBudget(perSecond: 1_000, perMinute: 100)
        let start = ContinuousClock.now
        for i in 0..<70 { #expect(await budget.admit(at: start + .milliseconds(i), marketData: true) == nil) }
        let later = start + .milliseconds(100)
        // Market data is told to come back when the first request of the minute ages out.
        #expect(await budget.admit(at: later, marketData: true) == start + .seconds(60))
        for _ in 0..<30 { #expect(await budget.admit(at: later, marketData: false) == nil) }
        #expect(await budget.admit(at: later, marketData: false) == start + .seconds(60))
        #expect(await budget.admit(at: start + .seconds(60), marketData: false) == nil)
    }

    @Test(
        "no slot within the deadline: nothing counted, not sent; a 429 holds every request back; market data spaced to its share"
    )
    func deadlinesPausesAndSpacing() async throws {
        let budget = RequestBudget(perSecond: 1_000, perMinute: 10)
        for _ in 0..<7 { #expect(await budget.take(marketData: true, within: .milliseconds(10))) }
        #expect(!(await budget.take(marketData: true, within: .milliseconds(20))))
        #expect(await budget.take(marketData: false, within: .milliseconds(10)))
        await budget.pause(for: .seconds(30))
        let now = ContinuousClock.now
        let wake = try #require(await budget.admit(at: now, marketData: false))
        #expect(wake > now + .seconds(29))
        #expect(!(await budget.take(marketData: false, within: .milliseconds(20))))
        // INX: 70 market-data requests a minute, so snapshots at least 60 s / 70 apart.
        #expect(RequestBudget(perSecond: 10, perMinute: 100).marketDataSpacing == .seconds(60) / 70)
        #expect(RequestBudget(perSecond: 10, perMinute: nil).marketDataSpacing == .milliseconds(200))
    }
}

/// INX's secret is its RSA signing key: a router given anything else refuses to start, naming it.
struct InxSigningKeyTests {
    @Test func aSecretThatIsNotAnRSAKeyIsAConfigurationErrorAtStart() async throws {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        var settings = configuration.routingSettings
        settings.venues = ["inx": .init(url: "http://127.0.0.1:9", keyId: "broker-1")]
        configuration.routing = settings
        let inx = try VenueID("inx")
        let urls = [inx: "http://127.0.0.1:9"]
        #expect(throws: ConfigurationError.self) {
            _ = try SmartRouter(
                catalog: catalog, configuration: configuration, urls: urls, clock: ManualClock(),
                secrets: VenueSecrets([inx: "inx-demo-secret"]))
        }
        do {
            _ = try SmartRouter(
                catalog: catalog, configuration: configuration, urls: urls, clock: ManualClock(),
                secrets: VenueSecrets([inx: "not a key"]))
            Issue.record("the router started with a secret that is not a key")
        } catch let error as ConfigurationError {
            #expect(error.key == "routing.venues.inx.keyId" && error.reason.contains("ATS_ROUTER_VENUE_SECRET_INX"))
        }
        let router = try SmartRouter(
            catalog: catalog, configuration: configuration, urls: urls, clock: ManualClock(),
            secrets: VenueSecrets([inx: InxSigning.demoPrivateKeyPEM]))
        #expect(router.context.gateways[inx] != nil)
        await router.shutdown()
    }
}
