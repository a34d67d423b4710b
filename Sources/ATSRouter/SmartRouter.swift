import ATSDomain
import ATSPlanning
import ATSSettlement
import ATSStorage
import ATSVenues
import AsyncHTTPClient
import Logging
import ServiceLifecycle

/// The live router assembled: a pooled HTTP client, one gateway and one poller per venue, the
/// market data store, the settlement desk, the routing context and the order manager.
public final class SmartRouter: Sendable {
    public let context: RoutingContext
    public let orders: OrderManager
    /// Subscriptions to the venues' primary offerings.
    public let subscriptions: SubscriptionDesk
    /// Cash conversions at the venues that list a cash pair (INX's USDC/USD).
    public let conversions: ConversionDesk
    /// Investors' onboardings at the venues, filed from their identity records.
    public let onboarding: OnboardingDesk
    /// The compliance queue: sanctions screening and the monitoring rules' alerts.
    public let compliance: ComplianceDesk
    public let pollers: [VenuePoller]
    public let client: HTTPClient
    /// The account leases when instances share the journal (nil: this instance serves every account).
    public let leases: (any AccountLeases)?

    /// - Parameter urls: each venue's base URL (the embedded mocks' or those in `config.json`).
    /// - Parameter journal: where orders and settlement are made durable; nil keeps them in memory only.
    /// - Parameter secrets: the secrets of venues served elsewhere whose `keyId` `config.json` gives.
    /// - Throws: when the journal's settlement records do not read back.
    public convenience init(
        catalog: VenueCatalog, configuration: RouterConfiguration, urls: [VenueID: String], clock: any TradingClock,
        journal: (any JournalStore)? = nil, leases: (any AccountLeases)? = nil, secrets: VenueSecrets = VenueSecrets(),
        sanctions: SanctionsSource = SanctionsSource(), instruments: RouterInstruments = RouterInstruments(),
        logger: Logger = Logger(label: "ats.router")
    ) throws {
        let settings = configuration.routingSettings
        // INX signs with an RSA key: a secret that is not one is a configuration error at start.
        for venue in catalog.venues where venue.dialect == .inx && urls[venue.id] != nil {
            guard settings.venues[venue.id.rawValue]?.keyId != nil else { continue }
            guard InxAdapter.isSigningKey(secrets[venue.id] ?? "") else {
                throw ConfigurationError(
                    file: "config.json", key: "routing.venues.\(venue.id).keyId",
                    reason:
                        "its secret (\(VenueSecrets.variable(for: venue.id)) or the secrets file) is not an RSA private key in PEM"
                )
            }
        }
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .milliseconds(Int64(settings.requestTimeoutMilliseconds)))))
        try self.init(
            catalog: catalog, configuration: configuration, client: client, clock: clock, journal: journal,
            leases: leases, sanctions: sanctions, instruments: instruments, logger: logger
        ) { venue in
            guard let url = urls[venue.id] else { return nil }
            let endpoint = settings.venues[venue.id.rawValue]
            let credentials =
                endpoint?.keyId.map { VenueCredentials(keyID: $0, secret: secrets[venue.id] ?? "") }
                ?? VenueCredentials.demo(for: venue.id.rawValue)
            return VenueAdapters.make(
                for: venue, baseURL: url, credentials: credentials, client: client,
                timeout: .milliseconds(settings.requestTimeoutMilliseconds))
        }
    }

    /// A router over adapters made elsewhere (an in-process venue, say), one per venue routed to.
    public convenience init(
        catalog: VenueCatalog, configuration: RouterConfiguration, adapters: [VenueID: any VenueAdapter],
        clock: any TradingClock, journal: (any JournalStore)? = nil,
        instruments: RouterInstruments = RouterInstruments(), logger: Logger = Logger(label: "ats.router")
    ) throws {
        try self.init(
            catalog: catalog, configuration: configuration, client: HTTPClient(eventLoopGroupProvider: .singleton),
            clock: clock, journal: journal, leases: nil, sanctions: SanctionsSource(), instruments: instruments,
            logger: logger
        ) { adapters[$0.id] }
    }

    init(
        catalog: VenueCatalog, configuration: RouterConfiguration, client: HTTPClient, clock: any TradingClock,
        journal: (any JournalStore)?, leases: (any AccountLeases)?, sanctions: SanctionsSource,
        instruments: RouterInstruments, logger: Logger, adapter: (VenueDefinition) -> (any VenueAdapter)?
    ) throws {
        let settings = configuration.routingSettings
        self.client = client
        let store = MarketDataStore()
        var gateways: [VenueID: VenueGateway] = [:]
        var pollers: [VenuePoller] = []
        let securities = Set(configuration.securities.map(\.symbol))
        for venue in catalog.venues {
            guard let adapter = adapter(venue) else { continue }
            let gateway = VenueGateway(
                adapter: adapter,
                breaker: .init(
                    failureThreshold: settings.breakerFailureThreshold,
                    openIntervalMilliseconds: Int64(settings.breakerOpenMilliseconds)),
                clock: clock, rateLimit: venue.rateLimit, instruments: instruments, logger: logger)
            gateways[venue.id] = gateway
            pollers.append(
                VenuePoller(
                    gateway: gateway, symbols: venue.listings.map(\.symbol).filter(securities.contains),
                    store: store,
                    interval: max(.milliseconds(settings.pollIntervalMilliseconds), adapter.minimumPollInterval),
                    depth: settings.bookDepth, clock: clock))
        }
        let settlement = try SettlementDesk(
            catalog: catalog, configuration: configuration, journal: journal, clock: clock, leases: leases,
            instruments: instruments)
        context = RoutingContext(
            catalog: catalog, configuration: configuration, gateways: gateways, store: store, clock: clock,
            settlement: settlement,
            investors: try InvestorRegistry(configuration: configuration, journal: journal, sanctions: sanctions.list),
            instruments: instruments)
        onboarding = try OnboardingDesk(context: context, journal: journal, leases: leases, logger: logger)
        compliance = try ComplianceDesk(
            context: context, journal: journal, leases: leases, sanctionsFile: sanctions.file, logger: logger)
        compliance.screen()
        conversions = try ConversionDesk(context: context, journal: journal, leases: leases, logger: logger)
        orders = OrderManager(
            context: context, journal: journal, leases: leases, logger: logger, onboarding: onboarding,
            compliance: compliance, conversions: conversions)
        subscriptions = try SubscriptionDesk(context: context, journal: journal, leases: leases, logger: logger)
        self.pollers = pollers
        self.leases = leases
    }

    public var settlement: SettlementDesk { context.settlement }

    /// The long-running parts: one poller per venue, the resting monitor and the settlement scheduler.
    public var services: [any Service] {
        pollers + [
            RestingMonitor(orders: orders, interval: .milliseconds(context.settings.pollIntervalMilliseconds)),
            SettlementScheduler(desk: context.settlement, interval: .seconds(1), logger: orders.logger),
            SubscriptionMonitor(
                desk: subscriptions, conversions: conversions, onboarding: onboarding, compliance: compliance,
                interval: .seconds(1)),
        ] + (leases.map { [LeaseKeeper(leases: $0, router: self, logger: orders.logger)] } ?? [])
    }

    /// Asks every venue for its instruments and compares them with the venue definitions; returns
    /// each disagreement (and each venue that could not be asked). Run at start: routing uses the
    /// definitions' ticks, lots and minimums.
    public func verifyInstruments() async -> [String] {
        var found: [String] = []
        for venue in context.catalog.venues {
            guard let gateway = context.gateways[venue.id] else { continue }
            do {
                let published = try await gateway.call("instruments") { try await $0.instruments() }
                found += InstrumentCheck.mismatches(venue, published: published)
            } catch {
                found.append("\(venue.id): instruments could not be read: \(error)")
            }
        }
        return found
    }

    /// Polls every venue once, concurrently.
    public func pollAll() async {
        await withTaskGroup(of: Void.self) { group in
            for poller in pollers { group.addTask { await poller.pollOnce() } }
        }
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        try? await client.shutdown()
    }
}

/// The sanctions list the router screens against, and the file to read again when it changes
/// (nil: the bundled sample, which does not).
public struct SanctionsSource: Sendable {
    public var list: SanctionsList
    public var file: String?

    public init(list: SanctionsList = .bundled, file: String? = nil) {
        self.list = list
        self.file = file
    }
}
