import ATSDomain
import ATSVenues
import Hummingbird

/// The venue mocks running in this process on free loopback ports: what `serve`, `demo` and the
/// router's tests start when no venues are configured elsewhere.
public final class MockVenueFleet: Sendable {
    /// `http://127.0.0.1:PORT` per venue.
    public let urls: [VenueID: String]
    public let engines: [VenueID: VenueEngine]
    private let task: Task<Void, any Error>

    private init(urls: [VenueID: String], engines: [VenueID: VenueEngine], task: Task<Void, any Error>) {
        self.urls = urls
        self.engines = engines
        self.task = task
    }

    /// Starts one mock per definition and returns once every one is listening.
    public static func start(
        _ definitions: [VenueDefinition], clock: any TradingClock, stepInterval: Duration? = .milliseconds(250),
        credentials: @escaping @Sendable (VenueID) -> MockCredentials = { MockCredentials.demo(for: $0) }
    ) async throws -> MockVenueFleet {
        var engines: [VenueID: VenueEngine] = [:]
        for definition in definitions { engines[definition.id] = VenueEngine(definition: definition, clock: clock) }
        let (ports, continuation) = AsyncStream<(VenueID, Int)>.makeStream()
        let running = engines
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (id, engine) in running {
                    let app = MockVenueServer.application(
                        engine: engine, credentials: credentials(id), clock: clock, stepInterval: stepInterval,
                        onRunning: { port in continuation.yield((id, port)) })
                    group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                }
                try await group.waitForAll()
            }
        }
        var urls: [VenueID: String] = [:]
        for await (id, port) in ports {
            urls[id] = "http://127.0.0.1:\(port)"
            if urls.count == engines.count { break }
        }
        continuation.finish()
        return MockVenueFleet(urls: urls, engines: engines, task: task)
    }

    /// Stops every mock and waits for them to close.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
