import ATSDomain
import ATSJournalTestSupport
import ATSRouter
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
        return try SmartRouter(
            catalog: catalog, configuration: try Repository.configuration(catalog), urls: fleet.urls, clock: clock,
            journal: journal)
    }

    func stop() async {
        await router.shutdown()
        await fleet.stop()
    }
}

/// A new, empty journal on `backend`: its store, and the journal to reopen (a restart) or change by hand.
func temporaryJournal(_ backend: JournalBackend = .sqlite) throws -> (any JournalStore, TestJournal) {
    let made = try backend.make()
    return (made.store, made)
}
