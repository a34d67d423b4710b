import ATSDomain
import ATSJournalTestSupport
import ATSRouter
import ATSRouterTestSupport
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Foundation

/// The repository root, found from this file, for venues/ and config.json.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func catalog() throws -> VenueCatalog {
        try VenueCatalog.load(directory: root.appendingPathComponent("venues").path)
    }
    static func configuration(_ catalog: VenueCatalog) throws -> RouterConfiguration {
        try RouterConfiguration.load(from: root.appendingPathComponent("config.json").path, venues: catalog)
    }
}

/// Monday 2026-11-23 10:00 New York: every venue in session.
let monday = Timestamp(secondsSinceEpoch: 1_795_446_000)

/// The five venue mocks on real loopback sockets and a router polling them over HTTP.
struct LiveRouter {
    let fleet: MockVenueFleet
    let router: SmartRouter
    let clock: RunningClock

    static func start(
        configure: (inout RouterConfiguration) -> Void = { _ in }, urls override: [VenueID: String] = [:],
        journal: (any JournalStore)? = nil
    ) async throws -> LiveRouter {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        configuration.routing = Self.tolerant(configuration.routingSettings)
        configure(&configuration)
        let clock = RunningClock(startingAt: monday)
        let fleet = try await MockVenueFleet.start(catalog.venues, clock: clock, stepInterval: nil)
        var urls = fleet.urls
        for (venue, url) in override { urls[venue] = url }
        let router = try SmartRouter(
            catalog: catalog, configuration: configuration, urls: urls, clock: clock, journal: journal)
        return LiveRouter(fleet: fleet, router: router, clock: clock)
    }

    /// Runs `body` with the router and mocks up, and always stops them, even when `body` throws.
    static func with(
        configure: (inout RouterConfiguration) -> Void = { _ in }, journal: (any JournalStore)? = nil,
        _ body: (LiveRouter) async throws -> Void
    ) async throws {
        let live = try await start(configure: configure, journal: journal)
        do {
            try await body(live)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    /// A second router process on the same venues and clock, as after a restart.
    func restarted(journal: any JournalStore) async throws -> SmartRouter {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        configuration.routing = Self.tolerant(configuration.routingSettings)
        return try SmartRouter(
            catalog: catalog, configuration: configuration, urls: fleet.urls, clock: clock, journal: journal)
    }

    /// Deadlines a loaded test machine keeps: a venue call may take 5 s and a book stays fresh for
    /// 30 s (the suite runs on two cores beside PostgreSQL and child processes: a test can wait
    /// seconds for a thread), so that a slow moment is not taken for a failing venue or a stale
    /// book. Tests of timeouts and staleness set their own.
    static func tolerant(_ settings: RoutingSettings) -> RoutingSettings {
        var settings = settings
        settings.requestTimeoutMilliseconds = 5_000
        settings.stalenessLimitMilliseconds = 30_000
        return settings
    }

    /// `symbol`'s best all-in ask for `account`, polling until there is one (at most 10 s).
    func bestAsk(_ symbol: Symbol, for account: AccountID) async throws -> Price? {
        let deadline = ContinuousClock.now + .seconds(10)
        repeat {
            await router.pollAll()
            if let ask = await router.context.consolidatedBook(symbol, account: account, side: .buy).bestAsk {
                return ask
            }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return nil
    }

    /// The venues' engines, whose books and orders the mocks serve.
    var engines: [VenueID: VenueEngine] { fleet.engines }

    func stop() async {
        await router.shutdown()
        await fleet.stop()
    }
}

/// The router and the seven venues in this process, through ``InProcessVenueAdapter``: the same
/// engines, books, rules, idempotent keys and fees as ``LiveRouter``, without a socket. Router
/// flows run here; where the network is the point (dialects, timeouts, HTTP faults, a restart
/// against venues that stay up) tests use ``LiveRouter``.
struct InProcessRouter {
    let engines: [VenueID: VenueEngine]
    let router: SmartRouter
    let clock: RunningClock

    static func start(
        configure: (inout RouterConfiguration) -> Void = { _ in }, journal: (any JournalStore)? = nil
    ) throws -> InProcessRouter {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        configuration.routing = LiveRouter.tolerant(configuration.routingSettings)
        configure(&configuration)
        let clock = RunningClock(startingAt: monday)
        var engines: [VenueID: VenueEngine] = [:]
        var adapters: [VenueID: any VenueAdapter] = [:]
        for venue in catalog.venues {
            let engine = VenueEngine(definition: venue, clock: clock)
            engines[venue.id] = engine
            // The owner the mocks' demo credentials give, so a child reads back as over HTTP.
            adapters[venue.id] = InProcessVenueAdapter(engine: engine, definition: venue, owner: "\(venue.id)-demo")
        }
        let router = try SmartRouter(
            catalog: catalog, configuration: configuration, adapters: adapters, clock: clock, journal: journal)
        return InProcessRouter(engines: engines, router: router, clock: clock)
    }

    /// Runs `body` with the router up, and always shuts it down, even when `body` throws.
    static func with(
        configure: (inout RouterConfiguration) -> Void = { _ in }, journal: (any JournalStore)? = nil,
        _ body: (InProcessRouter) async throws -> Void
    ) async throws {
        let running = try start(configure: configure, journal: journal)
        do {
            try await body(running)
        } catch {
            await running.router.shutdown()
            throw error
        }
        await running.router.shutdown()
    }
}

/// A new, empty journal on `backend`: its store, and the journal to reopen (a restart) or change by hand.
func temporaryJournal(_ backend: JournalBackend = .sqlite) throws -> (any JournalStore, TestJournal) {
    let made = try backend.make()
    return (made.store, made)
}
