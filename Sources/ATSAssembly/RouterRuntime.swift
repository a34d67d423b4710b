import ATSDomain
import ATSFIX
import ATSPostgres
import ATSRouter
import ATSServer
import ATSStorage
import ATSVenueMocks
import ATSVenues
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Everything `serve` and `demo` run, assembled: the venue mocks (those `config.json` does not
/// place elsewhere) on free loopback ports, the journal in the data folder, the router with its
/// pollers and resting monitor, and the HTTP API.
///
/// The mocks trade in a simulated session that starts at the next weekday's 15:00 UTC (inside
/// every venue's hours) and runs at real speed, so that everything works any day of the week;
/// when every venue is external the real clock is used unless `simulatedSession` asks otherwise
/// (for venues started with `ats-router venue serve --simulated-session`).
public final class RouterRuntime: Sendable {
    public let catalog: VenueCatalog
    public let configuration: RouterConfiguration
    public let router: SmartRouter
    public let fleet: MockVenueFleet?
    public let clock: any TradingClock
    public let journal: (any JournalStore)?
    /// Where the journal is: its file, or its database's URL (password left out); nil when orders stay in memory.
    public let journalLocation: String?
    public let metrics: RouterMetrics
    public let isSimulatedSession: Bool
    let idleTimeout: Duration
    /// How `GET /v1/stream` paces itself and treats a slow client.
    let streamSettings: StreamSettings
    let fixLimits: FIXConnectionLimits
    let logger: Logger
    /// The URL other instances forward this one's accounts' requests to (default: where it serves).
    let advertisedURL: String?
    /// The accounts whose leases this instance took at start: taken over once recovery is done.
    let initiallyHeld: Set<String>
    private let readiness = Atomic<Bool>(false)

    /// Whether recovery is done: until then `/ready` says no and orders, cancels and transfers are refused (503).
    public var isReady: Bool { readiness.load(ordering: .acquiring) }

    public struct Options: Sendable {
        /// Where the journal (and reports) live; nil keeps orders in memory only.
        public var dataDirectory: String?
        /// The journal on PostgreSQL at this URL instead of SQLite in ``dataDirectory``.
        public var databaseURL: String?
        /// On PostgreSQL: this instance's id among those sharing the journal (default: host name and
        /// a random suffix), how long its account leases last, and the URL others reach its API at
        /// (default: the address it serves on).
        public var instanceID: String?
        public var leaseTime: Duration = .seconds(3)
        public var advertisedURL: String?
        /// Use the simulated session clock even when every venue is external.
        public var simulatedSession = false
        /// How often the embedded mocks' background traders act; nil freezes their books.
        public var stepInterval: Duration? = .milliseconds(250)
        /// Lift the embedded venues' published order rate limits (router pacing and mock limiter): for load benchmarks.
        public var unthrottledVenues = false
        public var durability: SQLiteJournal.Durability = .process
        /// The seed of the embedded venues' shared reference price path.
        public var marketSeed: UInt64 = 2026
        public var logLevel: Logger.Level = .warning
        /// Make a new journal in a file that is there but is not a journal (otherwise refused).
        public var initialiseJournal = false
        /// How long a connection may send nothing before it is closed, half-sent requests included
        /// (a request being answered, `?wait=` too, does not count as idle).
        public var idleTimeout: Duration = .seconds(10)
        /// How `GET /v1/stream` paces itself (heartbeats, book checks) and how far a client may fall behind.
        public var streamSettings = StreamSettings()
        /// What a FIX connection may hold for a peer that does not read (`docs/fix.md`).
        public var fixLimits = FIXConnectionLimits()
        /// The secrets of venues served elsewhere (from the environment or the secrets file).
        public var venueSecrets = VenueSecrets()
        /// The sanctions list (the bundled sample unless `config.json` names one).
        public var sanctions = SanctionsSource()

        public init(dataDirectory: String? = nil) { self.dataDirectory = dataDirectory }
    }

    private init(
        catalog: VenueCatalog, configuration: RouterConfiguration, router: SmartRouter, fleet: MockVenueFleet?,
        clock: any TradingClock, journal: (any JournalStore)?, journalLocation: String?, isSimulatedSession: Bool,
        idleTimeout: Duration, streamSettings: StreamSettings, fixLimits: FIXConnectionLimits, metrics: RouterMetrics,
        advertisedURL: String?, logger: Logger
    ) {
        self.streamSettings = streamSettings
        self.fixLimits = fixLimits
        self.advertisedURL = advertisedURL
        self.initiallyHeld = router.leases?.held ?? []
        self.metrics = metrics
        self.catalog = catalog
        self.configuration = configuration
        self.router = router
        self.fleet = fleet
        self.clock = clock
        self.journal = journal
        self.journalLocation = journalLocation
        self.isSimulatedSession = isSimulatedSession
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    public static func start(catalog: VenueCatalog, configuration: RouterConfiguration, options: Options) async throws
        -> RouterRuntime
    {
        var logger = Logger(label: "ats.router")
        logger.logLevel = options.logLevel
        let catalog = options.unthrottledVenues ? catalog.liftingRateLimits() : catalog
        let (journal, journalLocation) = try openJournal(options)
        let leases = try shareJournal(journal, options: options, configuration: configuration)
        let endpoints = configuration.routingSettings.venues
        let embedded = catalog.venues.filter { endpoints[$0.id.rawValue] == nil }
        var urls: [VenueID: String] = [:]
        for venue in catalog.venues { if let endpoint = endpoints[venue.id.rawValue] { urls[venue.id] = endpoint.url } }
        let simulated = !embedded.isEmpty || options.simulatedSession
        let clock: any TradingClock =
            simulated
            ? RunningClock(startingAt: RunningClock.nextWeekdaySessionStart(after: SystemClock().now())) : SystemClock()
        var fleet: MockVenueFleet?
        if !embedded.isEmpty {
            let started = try await MockVenueFleet.start(
                embedded, clock: clock, stepInterval: options.stepInterval,
                pathSeed: options.marketSeed)
            for (venue, url) in started.urls { urls[venue] = url }
            fleet = started
        }
        let metrics = RouterMetrics()
        let router = try SmartRouter(
            catalog: catalog, configuration: configuration, urls: urls, clock: clock, journal: journal, leases: leases,
            secrets: options.venueSecrets, sanctions: options.sanctions, instruments: metrics.instruments,
            logger: logger)
        return RouterRuntime(
            catalog: catalog, configuration: configuration, router: router, fleet: fleet, clock: clock,
            journal: journal, journalLocation: journalLocation, isSimulatedSession: simulated,
            idleTimeout: options.idleTimeout, streamSettings: options.streamSettings, fixLimits: options.fixLimits,
            metrics: metrics, advertisedURL: options.advertisedURL, logger: logger)
    }

    /// On PostgreSQL, this instance joins the others sharing the journal: registered, its first
    /// share of account leases taken, and every write fenced by them. Nil on SQLite (one instance).
    static func shareJournal(_ journal: (any JournalStore)?, options: Options, configuration: RouterConfiguration)
        throws -> PostgresLeases?
    {
        guard let journal = journal as? PostgresJournal else { return nil }
        let instance = options.instanceID ?? Self.defaultInstanceID()
        do {
            let leases = try PostgresLeases(
                url: journal.url, instance: instance, apiURL: options.advertisedURL ?? "",
                accounts: configuration.accounts.map(\.id.rawValue), leaseTime: options.leaseTime)
            _ = try leases.refresh(releasable: [])
            journal.attach(leases)
            return leases
        } catch {
            throw RuntimeError("the account leases at \(journal.url) could not be taken: \(error)")
        }
    }

    /// The host's name and six random hex digits.
    static func defaultInstanceID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "router"
        return "\(host)-" + String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
    }

    /// The journal `options` name: PostgreSQL at its URL, else SQLite in the data folder, else none.
    static func openJournal(_ options: Options) throws -> ((any JournalStore)?, String?) {
        if let text = options.databaseURL {
            let url: DatabaseURL
            do { url = try DatabaseURL(text) } catch { throw RuntimeError("\(error)") }
            do {
                return (try PostgresJournal(url: url), url.description)
            } catch let refused as PostgresJournal.RefusedJournal {
                throw RuntimeError("\(refused)")
            } catch {
                throw RuntimeError("the journal at \(url) could not be opened: \(error)")
            }
        }
        guard let directory = options.dataDirectory else { return (nil, nil) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = (directory as NSString).appendingPathComponent("journal.sqlite")
            let journal = try SQLiteJournal(
                path: path, durability: options.durability, initialiseExisting: options.initialiseJournal)
            return (journal, path)
        } catch let refused as SQLiteJournal.RefusedJournal {
            throw RuntimeError("\(refused)")
        } catch {
            throw RuntimeError("the journal in \(directory) could not be opened: \(error)")
        }
    }

    /// Polls every venue once, then loads the journal and reconciles its open orders with their venues.
    public func recover() async throws -> OrderManager.RecoveryReport {
        try await loadJournal()
        return await reconcile()
    }

    /// Reads the journal into memory, each row validated (``OrderManager/loadJournal()``).
    /// - Throws: ``RuntimeError`` naming the journal's file and the row that does not read back.
    public func loadJournal() async throws {
        do {
            try await router.orders.loadJournal()
        } catch {
            throw RuntimeError("the journal \(journalLocation ?? "") is refused: \(error)")
        }
    }

    /// Polls every venue once, reconciles the open orders with their venues, and marks the router ready.
    public func reconcile() async -> OrderManager.RecoveryReport {
        await router.pollAll()
        let report = await router.orders.reconcileOpenOrders()
        router.leases?.adopted(initiallyHeld)
        readiness.store(true, ordering: .releasing)
        return report
    }

    /// The HTTP API on `host:port` (0 picks a free port; `onRunning` learns which) with the
    /// router's pollers and resting monitor running beside it; on SIGINT/SIGTERM (when
    /// `signals`) it stops taking requests, lets routing in flight finish (bounded), and returns.
    public func application(
        host: String = "127.0.0.1", port: Int = 0,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: RouterAPI.router(self),
            server: GuardedUpgradeChannel.builder(
                webSocketRouter: RouterAPI.streamRouter(self, settings: streamSettings),
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [MalformedRequestBody()],
                        idleTimeout: .nanoseconds(idleTimeout.nanoseconds)),
                    ws: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: streamSettings.heartbeat))),
                idleTimeout: idleTimeout),
            configuration: .init(address: .hostname(host, port: port), serverName: "ats-router"),
            services: router.services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Runs the API until `group` is shut down; returns the bound port through `onRunning`.
    ///
    /// Recovery's venue half (``reconcile()``) runs once the API is up, so that `/health`, `/ready`
    /// and reads answer meanwhile; `onReady` learns its report. Load the journal first (``loadJournal()``).
    /// With `fixPort`, the FIX gateway listens there too once the router is ready (`onFIX` learns its port).
    public func serve(
        host: String = "127.0.0.1", port: Int = 0, fixPort: Int? = nil, signals: [UnixSignal] = [.sigterm, .sigint],
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onFIX: @escaping @Sendable (Int) async -> Void = { _ in },
        onReady: @escaping @Sendable (OrderManager.RecoveryReport) async -> Void = { _ in }
    ) async throws {
        let running: @Sendable (Int) async -> Void = { port in
            self.advertise("http://\(host):\(port)")
            await onRunning(port)
            Task { await onReady(await self.reconcile()) }
        }
        var services: [any Service] = [application(host: host, port: port, onRunning: running)]
        if let fixPort { services.append(fixService(host: host, port: fixPort, onListening: onFIX)) }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
        try await group.run()
        await router.orders.drain(timeout: .seconds(5))
    }

    /// Starts the API on a free loopback port in the background (the demo, tests); stop it with
    /// ``RunningServer/stop()``.
    /// With `fix`, the FIX gateway listens on a free port too (``RunningServer/fixPort``), once the
    /// router is ready (``recover()`` first).
    public func startServing(host: String = "127.0.0.1", fix: Bool = false) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let (fixPorts, fixContinuation) = AsyncStream<Int>.makeStream()
        var services: [any Service] = [application(host: host, port: 0, onRunning: { continuation.yield($0) })]
        if fix { services.append(fixService(host: host, port: 0, onListening: { fixContinuation.yield($0) })) }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        continuation.finish()
        guard port > 0 else { throw RuntimeError("the API did not start") }
        var fixPort: Int?
        if fix {
            for await bound in fixPorts {
                fixPort = bound
                break
            }
            guard fixPort != nil else { throw RuntimeError("the FIX gateway did not start") }
        }
        fixContinuation.finish()
        advertise("http://\(host):\(port)")
        return RunningServer(
            url: "http://\(host):\(port)", fixPort: fixPort, group: group, task: task, orders: router.orders)
    }

    /// The FIX gateway over this runtime's sessions (`config.json` `fix`).
    func fixService(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void) -> FIXService {
        FIXService(
            gateway: FIXGateway(runtime: self, logger: logger), host: host, port: port, limits: fixLimits,
            onListening: onListening, isReady: { [self] in isReady })
    }

    /// Recovers the journal, serves the API in the background, runs `body` with the server's
    /// URL, then stops the server and the runtime, whether `body` returns or throws.
    public func serving<T>(_ body: (String) async throws -> T) async throws -> T {
        let server: RunningServer
        do {
            _ = try await recover()
            server = try await startServing()
        } catch {
            await stop()
            throw error
        }
        let result: T
        do {
            result = try await body(server.url)
        } catch {
            await server.stop()
            await stop()
            throw error
        }
        await server.stop()
        await stop()
        return result
    }

    /// Stops the router's HTTP client and the embedded mocks; gives this instance's account leases
    /// back, so that the others take its accounts at once rather than after the lease time.
    public func stop() async {
        try? router.leases?.releaseAll()
        await router.shutdown()
        await fleet?.stop()
    }

    /// Where others reach this instance's API: `--advertise-url`, else the address it serves on.
    func advertise(_ serving: String) {
        (router.leases as? PostgresLeases)?.advertise(advertisedURL ?? serving)
    }
}

/// A start-up failure with a message for the operator.
public struct RuntimeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The API running in the background of this process.
public struct RunningServer: Sendable {
    public let url: String
    /// The FIX gateway's port, when it was started.
    public let fixPort: Int?
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let orders: OrderManager

    /// Stops taking requests, lets routing in flight finish (bounded) and waits for the server to close.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
        await orders.drain(timeout: .seconds(5))
    }
}

extension RouterRuntime: RouterService {}
