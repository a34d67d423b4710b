import ATSDomain
import ATSOrders
import ATSPlanning
import ATSVenueMocks
import ATSVenues
import Testing

@testable import ATSRouter

@Suite struct CircuitBreakerTests {
    @Test func opensAfterConsecutiveFailuresProbesAndReadmits() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 3, openIntervalMilliseconds: 1_000))
        let start = Timestamp(secondsSinceEpoch: 1_000)
        do {
            let result = breaker.recordFailure(.retryable, at: start)
            #expect(result == nil)
        }
        do {
            let result = breaker.recordFailure(.retryable, at: start)
            #expect(result == nil)
        }
        #expect(breaker.isHealthy)
        do {
            let result = breaker.recordSuccess()
            #expect(result == nil)
        }  // a success resets the count
        do {
            let result = breaker.recordFailure(.retryable, at: start)
            #expect(result == nil)
        }
        do {
            let result = breaker.recordFailure(.fatal, at: start)
            #expect(result == nil)
        }
        do {
            let result = breaker.recordFailure(.retryable, at: start)
            #expect(result == .excluded)
        }
        #expect(!breaker.isHealthy)
        do {
            let result = breaker.allowsRequest(at: start.adding(nanoseconds: 999_000_000))
            #expect(!result)
        }
        // After the interval: exactly one probe.
        let later = start.adding(nanoseconds: 1_000_000_000)
        do {
            let result = breaker.allowsRequest(at: later)
            #expect(result)
        }
        do {
            let result = breaker.allowsRequest(at: later)
            #expect(!result)
        }
        // The probe fails: open again for another interval.
        do {
            let result = breaker.recordFailure(.retryable, at: later)
            #expect(result == nil)
        }
        do {
            let result = breaker.allowsRequest(at: later.adding(nanoseconds: 500_000_000))
            #expect(!result)
        }
        let probe = later.adding(nanoseconds: 1_000_000_000)
        do {
            let result = breaker.allowsRequest(at: probe)
            #expect(result)
        }
        do {
            let result = breaker.recordSuccess()
            #expect(result == .readmitted)
        }
        #expect(breaker.isHealthy)
    }

    @Test func refusalsOfOneRequestDoNotCount() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1, openIntervalMilliseconds: 1_000))
        for _ in 0..<10 {
            let result = breaker.recordFailure(.notRetryable, at: .epoch)
            #expect(result == nil)
        }
        #expect(breaker.isHealthy)
    }
}

@Suite(.serialized) struct VenueHealthTests {
    static func fastSettings(_ configuration: inout RouterConfiguration) {
        var settings = RoutingSettings()
        settings.requestTimeoutMilliseconds = 500
        settings.breakerFailureThreshold = 2
        settings.breakerOpenMilliseconds = 300
        configuration.routing = settings
    }

    /// Whether `venue` takes part in `symbol`'s book, polling until it does (at most `seconds`): on
    /// a loaded machine a first poll can outlast the 500 ms request timeout, which says nothing
    /// about exclusion and re-admission.
    static func becomesIncluded(_ live: LiveRouter, _ venue: VenueID, _ symbol: Symbol, within seconds: Int = 30)
        async throws -> Bool
    {
        let deadline = ContinuousClock.now + .seconds(seconds)
        repeat {
            await live.router.pollAll()
            if await live.router.context.consolidatedBook(symbol).venues.first(where: { $0.venue == venue })?.included
                == true
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return false
    }

    @Test(arguments: [VenueFault.hang, .error, .malformed])
    func aFailingVenueIsExcludedThenReadmitted(fault: VenueFault) async throws {
        try await LiveRouter.with(configure: Self.fastSettings) { live in
            let tzero = try VenueID("tzero")
            let acme = try Symbol("ACME")
            #expect(try await Self.becomesIncluded(live, tzero, acme))

            live.fleet.engines[tzero]!.faults.set(fault)
            await live.router.pollAll()
            await live.router.pollAll()
            let down = await live.router.context.consolidatedBook(acme)
            let status = try #require(down.venues.first { $0.venue == tzero })
            #expect(status.included == false)
            #expect(status.code == "unhealthy")
            #expect(!down.asks.contains { $0.venue == tzero })
            // Orders route around it.
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: try AccountID("alice"), symbol: acme, side: .buy, quantity: try Quantity("10"),
                    timeInForce: .ioc))
            #expect(!parent.children.contains { $0.venue == tzero })

            // It recovers; after the open interval a probe re-admits it.
            live.fleet.engines[tzero]!.faults.set(.none)
            try await Task.sleep(for: .milliseconds(350))
            #expect(try await Self.becomesIncluded(live, tzero, acme))
            #expect(await live.router.context.gateways[tzero]!.isHealthy)
        }
    }

    @Test func staleBooksAreLeftOut() async throws {
        try await LiveRouter.with(configure: { configuration in
            var settings = RoutingSettings()
            settings.stalenessLimitMilliseconds = 1_000
            configuration.routing = settings
        }) { live in
            let acme = try Symbol("ACME")
            await live.router.pollAll()
            #expect(await live.router.context.consolidatedBook(acme).venues.contains { $0.included })
            try await Task.sleep(for: .milliseconds(1_100))
            let stale = await live.router.context.consolidatedBook(acme)
            #expect(stale.venues.allSatisfy { !$0.included })
            #expect(stale.venues.contains { $0.code == "stale" })
            #expect(stale.asks.isEmpty)
        }
    }
}

@Suite(.serialized) struct RatePacingTests {
    @Test func thePacerAllowsABurstThenOneOrderPerInterval() {
        var pacer = OrderPacer(VenueDefinition.RateLimit(requestsPerSecond: 20, burst: 40))
        let start = ContinuousClock.now
        // 39 at once (the burst less one, for margin), then each waits one more interval (52.5 ms).
        for _ in 0..<39 { #expect(pacer.reserve(at: start) == .zero) }
        #expect(pacer.reserve(at: start) == .milliseconds(52.5))
        #expect(pacer.reserve(at: start) == .milliseconds(105))
        // Time refills the bucket.
        #expect(pacer.reserve(at: start + .seconds(10)) == .zero)
    }

    @Test func ordersArePacedToTheVenuesPublishedLimit() async throws {
        try await LiveRouter.with { live in
            let tzero = try VenueID("tzero")
            let gateway = try #require(live.router.context.gateways[tzero])
            let limit = try #require(live.router.context.catalog.venue(tzero)).rateLimit  // 20 a second, bursts of 40
            let acme = try Symbol("ACME")
            @Sendable func child(_ n: Int) -> ChildOrderRequest {
                ChildOrderRequest(
                    clientKey: "pace-\(n)", symbol: acme, side: .buy, quantity: try! Quantity("1"),
                    limitPrice: try! Price("9.50"), timeInForce: .day)
            }
            // Paced, more than a burst goes through without one refusal from the venue.
            let start = ContinuousClock.now
            for n in 100..<(100 + limit.burst + 20) {
                await gateway.paceOrder()
                let request = child(n)
                _ = try await gateway.call("submit") { try await $0.submit(request) }
            }
            // However fast the submissions went, they never outran the limit (the bucket holds a
            // burst less one; the rest take an interval each, 5 % above the venue's).
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(Int64(1_000 * 21 / limit.requestsPerSecond)), "\(elapsed)")
        }
    }
}
