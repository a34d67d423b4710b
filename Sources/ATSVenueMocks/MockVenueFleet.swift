import ATSDomain
import ATSVenues
import Hummingbird
import Logging
import ServiceLifecycle

/// The venue mocks running in this process on free loopback ports: what `serve`, `demo` and the
/// router's tests start when no venues are configured elsewhere.
public final class MockVenueFleet: Sendable {
    /// `http://127.0.0.1:PORT` per venue.
    public let urls: [VenueID: String]
    public let engines: [VenueID: VenueEngine]
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    private init(
        urls: [VenueID: String], engines: [VenueID: VenueEngine], task: Task<Void, any Error>, group: ServiceGroup
    ) {
        self.urls = urls
        self.engines = engines
        self.task = task
        self.group = group
    }

    /// Starts one mock per definition and returns once every one is listening.
    public static func start(
        _ definitions: [VenueDefinition], clock: any TradingClock, stepInterval: Duration? = .milliseconds(250),
        logLevel: Logger.Level = .warning, pathSeed: UInt64 = 2026,
        credentials: @escaping @Sendable (VenueID) -> MockCredentials = { MockCredentials.demo(for: $0) }
    ) async throws -> MockVenueFleet {
        var engines: [VenueID: VenueEngine] = [:]
        for definition in definitions {
            engines[definition.id] = VenueEngine(definition: definition, clock: clock, pathSeed: pathSeed)
        }
        let (ports, continuation) = AsyncStream<(VenueID, Int)>.makeStream()
        var services: [any Service] = []
        for (id, engine) in engines {
            services.append(
                MockVenueServer.application(
                    engine: engine, credentials: credentials(id), clock: clock, stepInterval: stepInterval,
                    logLevel: logLevel,
                    onRunning: { port in continuation.yield((id, port)) }))
        }
        var logger = Logger(label: "ats-mock-fleet")
        logger.logLevel = logLevel
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var urls: [VenueID: String] = [:]
        for await (id, port) in ports {
            urls[id] = "http://127.0.0.1:\(port)"
            if urls.count == engines.count { break }
        }
        continuation.finish()
        return MockVenueFleet(urls: urls, engines: engines, task: task, group: group)
    }

    /// Stops every mock and waits for them to close.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
