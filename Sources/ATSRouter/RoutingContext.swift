import ATSDomain
import ATSPlanning
import ATSSettlement
import ATSVenues

/// What routing reads: the venues and their rules, the securities and accounts, each venue's
/// gateway (health) and the polled books, and the clock.
public struct RoutingContext: Sendable {
    public let catalog: VenueCatalog
    public let configuration: RouterConfiguration
    public let gateways: [VenueID: VenueGateway]
    public let store: MarketDataStore
    public let clock: any TradingClock
    /// Positions: holdings with acquisition dates, holders, what is sellable where.
    public let settlement: SettlementDesk
    /// The pre-trade checks over the same venues and configuration.
    public let checks: PreTradeChecks
    /// What the router measures (`/metrics`).
    public let instruments: RouterInstruments
    /// The investors' identity records: what the rules see of each account.
    public let investors: InvestorRegistry

    public init(
        catalog: VenueCatalog, configuration: RouterConfiguration, gateways: [VenueID: VenueGateway],
        store: MarketDataStore, clock: any TradingClock, settlement: SettlementDesk,
        investors: InvestorRegistry? = nil, instruments: RouterInstruments = RouterInstruments()
    ) {
        self.instruments = instruments
        // Without a journal the registry reads nothing, so it cannot fail.
        self.investors = investors ?? (try! InvestorRegistry(configuration: configuration, journal: nil))
        self.catalog = catalog
        self.configuration = configuration
        self.gateways = gateways
        self.store = store
        self.clock = clock
        self.settlement = settlement
        self.checks = PreTradeChecks(catalog: catalog, configuration: configuration)
    }

    public var settings: RoutingSettings { configuration.routingSettings }

    /// `account`'s positions in `symbol` now (nil for an unknown account), the account as its
    /// identity record has it now, and what in that record stops an order on `side`.
    public func positions(_ account: AccountID, _ symbol: Symbol, side: Side = .buy) -> AccountPositions? {
        guard let configured = configuration.account(account) else { return nil }
        let now = clock.now()
        let security = configuration.security(symbol)
        var positions = settlement.positions(
            of: investors.view(of: configured, for: security, at: now), in: symbol)
        positions.identityRefusal = investors.refusal(of: account, security: security, side: side, at: now)
        return positions
    }

    /// The consolidated book for `symbol`, filtered to venues where `account` (if given) may trade now.
    public func consolidatedBook(_ symbol: Symbol, account: AccountID? = nil, side: Side? = nil) async
        -> ConsolidatedBook
    {
        let now = clock.now()
        let positions = account.flatMap { self.positions($0, symbol) }
        var bids: [ConsolidatedBook.Level] = []
        var asks: [ConsolidatedBook.Level] = []
        var statuses: [ConsolidatedBook.VenueStatus] = []
        for venue in catalog.venues where venue.listing(symbol) != nil {
            var status = ConsolidatedBook.VenueStatus(
                venue: venue.id, included: false, buyFeeBps: venue.takerFee(for: .buy),
                sellFeeBps: venue.takerFee(for: .sell),
                fixedFee: venue.fees.fixedPerOrder, matching: venue.matching.model.rawValue)
            let book = await store.book(venue: venue.id, symbol: symbol)
            status.sequence = book?.sequence
            status.ageMilliseconds = book?.ageMilliseconds(at: now)
            let healthy = await gateways[venue.id]?.isHealthy ?? false
            let probe = venue.listing(symbol)?.minimumQuantity ?? .zero
            if !healthy {
                (status.code, status.reason) = (
                    "unhealthy", "\(venue.name) is excluded after repeated failures (circuit breaker open)"
                )
            } else if book == nil {
                (status.code, status.reason) = ("no_book", "no book polled from \(venue.name) yet")
            } else if let age = status.ageMilliseconds, age > Int64(settings.stalenessLimitMilliseconds) {
                (status.code, status.reason) = (
                    "stale", "the book is \(age) ms old, over the \(settings.stalenessLimitMilliseconds) ms limit"
                )
            } else if let refusal = checks.eligibility(
                of: venue, symbol: symbol, side: side ?? .buy, quantity: probe, positions: positions,
                now: now)
            {
                (status.code, status.reason) = (refusal.code.rawValue, refusal.message)
                status.unlock = unlock(
                    venue, symbol: symbol, side: side ?? .buy, quantity: probe, positions, refusal, now)
            } else {
                status.included = true
            }
            status.bestBid = book?.bids.first.map { ConsolidatedBook.Top(price: $0.price, quantity: $0.quantity) }
            status.bestAsk = book?.asks.first.map { ConsolidatedBook.Top(price: $0.price, quantity: $0.quantity) }
            statuses.append(status)
            guard status.included, let book else { continue }
            for level in book.bids {
                bids.append(
                    .init(
                        venue: venue.id, price: level.price, quantity: level.quantity,
                        allInPrice: allInPrice(level.price, fee: status.sellFeeBps, side: .sell)))
            }
            for level in book.asks {
                asks.append(
                    .init(
                        venue: venue.id, price: level.price, quantity: level.quantity,
                        allInPrice: allInPrice(level.price, fee: status.buyFeeBps, side: .buy)))
            }
        }
        bids.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice > $1.allInPrice : $0.price > $1.price }
        asks.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice < $1.allInPrice : $0.price < $1.price }
        return ConsolidatedBook(symbol: symbol, account: account, asOf: now, bids: bids, asks: asks, venues: statuses)
    }

    /// What would let the account reach `venue`, refused for `refusal`: its onboarding there,
    /// when that is the only thing missing and the venue has not refused it; its tokens moved
    /// there or its cash converted, when it has them elsewhere (what `allowTransfers` lets the router do).
    func unlock(
        _ venue: VenueDefinition, symbol: Symbol, side: Side, quantity: Quantity, _ positions: AccountPositions?,
        _ refusal: Rejection, _ now: Timestamp
    ) -> String? {
        if refusal.code == .positionNotAtVenue || refusal.code == .insufficientCash, let positions {
            return checks.movingUnlock(venue, symbol: symbol, side: side, quantity: quantity, positions: positions)
        }
        guard refusal.code == .kycNotApproved, var onboarded = positions else { return nil }
        let status = investors.venueStatus(of: onboarded.account.id, at: venue.id)
        guard status != .rejected, onboarded.identityRefusal == nil else { return nil }
        onboarded.account.kyc[venue.id.rawValue] = .approved
        guard
            checks.eligibility(
                of: venue, symbol: symbol, side: side, quantity: quantity, positions: onboarded, now: now)
                == nil
        else { return nil }
        return status == .pending
            ? "onboarding at \(venue.name) is under way"
            : "onboarding at \(venue.name): the router files it from the investor's record when an order needs it"
    }

    /// Polls every venue listing `symbol` now, so that a re-plan sees fresh books.
    public func refreshBooks(_ symbol: Symbol) async {
        let depth = settings.bookDepth
        await withTaskGroup(of: Void.self) { group in
            for venue in catalog.venues where venue.listing(symbol) != nil {
                guard let gateway = gateways[venue.id] else { continue }
                group.addTask {
                    let since = await store.sequence(venue: venue.id, symbol: symbol)
                    if let poll = try? await gateway.call(
                        "book \(symbol)", { try await $0.book(symbol, levels: depth, since: since) })
                    {
                        await store.apply(poll, venue: venue.id, symbol: symbol, at: clock.now())
                    }
                }
            }
        }
    }
}
