import ArgumentParser
import ATSDomain
import ATSRouter
import ATSVenueMocks
import ATSVenues

/// Options of commands that run the router: the venue definitions and `config.json`.
struct RouterOptions: ParsableArguments {
    @OptionGroup var venues: VenueDirectoryOptions
    @Option(help: "The router's configuration: securities, accounts, routing settings.")
    var config = "config.json"

    func load() throws -> (VenueCatalog, RouterConfiguration) {
        let catalog = try venues.catalog()
        do {
            return (catalog, try RouterConfiguration.load(from: config, venues: catalog))
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// The router on the embedded default: venues that `config.json` does not place elsewhere run
/// in this process as mocks on free loopback ports.
///
/// The mocks trade in a simulated session that starts at the next weekday's 15:00 UTC (inside
/// every venue's hours) and runs at real speed, so that the demo and `book` work any day of the
/// week; when every venue is external, the real clock is used.
struct EmbeddedRouter {
    let router: SmartRouter
    let fleet: MockVenueFleet?
    let clock: any TradingClock
    var isSimulatedSession: Bool { fleet != nil }

    static func start(catalog: VenueCatalog, configuration: RouterConfiguration,
                      stepInterval: Duration? = .milliseconds(250)) async throws -> EmbeddedRouter {
        let endpoints = configuration.routingSettings.venues
        let embedded = catalog.venues.filter { endpoints[$0.id.rawValue] == nil }
        var urls: [VenueID: String] = [:]
        for venue in catalog.venues { if let endpoint = endpoints[venue.id.rawValue] { urls[venue.id] = endpoint.url } }
        var fleet: MockVenueFleet?
        let clock: any TradingClock
        if embedded.isEmpty {
            clock = SystemClock()
        } else {
            clock = RunningClock(startingAt: RunningClock.nextWeekdaySessionStart(after: SystemClock().now()))
            let started = try await MockVenueFleet.start(embedded, clock: clock, stepInterval: stepInterval)
            for (venue, url) in started.urls { urls[venue] = url }
            fleet = started
        }
        let router = SmartRouter(catalog: catalog, configuration: configuration, urls: urls, clock: clock)
        return EmbeddedRouter(router: router, fleet: fleet, clock: clock)
    }

    func stop() async {
        await router.shutdown()
        await fleet?.stop()
    }
}
