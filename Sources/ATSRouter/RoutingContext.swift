import ATSDomain
import ATSRouting
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
    public let rules = RulesEngine()

    public init(catalog: VenueCatalog, configuration: RouterConfiguration, gateways: [VenueID: VenueGateway],
                store: MarketDataStore, clock: any TradingClock, settlement: SettlementDesk) {
        self.catalog = catalog
        self.configuration = configuration
        self.gateways = gateways
        self.store = store
        self.clock = clock
        self.settlement = settlement
    }

    public var settings: RoutingSettings { configuration.routingSettings }

    /// Rule codes about the shape of one particular child, not about whether the account may
    /// trade the security at the venue at all.
    static let childShapeCodes: Set<RejectCode> = [
        .offTick, .offLot, .belowMinimumQuantity, .belowMinimumValue, .aboveMaximumSize, .outsidePriceBand,
        .orderTypeNotSupported, .timeInForceNotSupported, .rateLimited,
    ]

    /// Why `account` may not trade `symbol` on `side` at `venue` now, ignoring the child's shape; nil if it may.
    public func eligibility(of venue: VenueDefinition, symbol: Symbol, side: Side, quantity: Quantity,
                            account: Account?, now: Timestamp) -> Rejection? {
        guard let listing = venue.listing(symbol) else { return Rejection(.notListed, "\(symbol) is not listed on \(venue.name)") }
        let ticket = OrderTicket(side: side, type: .limit, quantity: quantity, limitPrice: listing.referencePrice,
                                 timeInForce: venue.timeInForce.first ?? .gtc)
        guard let account, let security = configuration.security(symbol) else {
            return rules.venueViolations(ticket, symbol: symbol, venue: venue, at: now).first { !Self.childShapeCodes.contains($0.code) }
        }
        let found = rules.violations(ticket, account: settlement.accountView(account), venue: venue, security: security, at: now,
                                     holders: settlement.holderCount(of: symbol))
        if let refusal = found.first(where: { !Self.childShapeCodes.contains($0.code) }) { return refusal }
        let smallest = max(listing.minimumQuantity, listing.lotSize)
        switch side {
        case .sell:
            if settlement.sellable(account.id, symbol, at: venue) < smallest { return positionRefusal(account.id, symbol, at: venue) }
        case .buy:
            let cost = venue.greatestBuyCost(smallest, at: listing.referencePrice)
            if settlement.spendable(account.id, at: venue) < max(cost, listing.minimumOrderValue) {
                return cashRefusal(account.id, at: venue, wanted: nil)
            }
        }
        return nil
    }

    /// Why `account` cannot buy at `venue`: not enough cash free where the venue settles.
    func cashRefusal(_ account: AccountID, at venue: VenueDefinition, wanted: Money?) -> Rejection {
        let (asset, location) = venue.cashLeg
        return Rejection(.insufficientCash,
                         "\(venue.name) settles in \(asset.rawValue) at \(location), where \(account) has \(settlement.spendable(account, at: venue)) free"
                            + " (after working buy orders)" + (wanted.map { "; this child may cost \($0) with fees" } ?? ""))
    }

    /// Why `account` cannot sell `symbol` at `venue` although it may hold enough: its tokens are
    /// not free where the venue settles.
    func positionRefusal(_ account: AccountID, _ symbol: Symbol, at venue: VenueDefinition, wanted: Quantity? = nil) -> Rejection {
        let here = settlement.sellable(account, symbol, at: venue)
        let elsewhere = settlement.freeHoldings(account, symbol).filter { $0.location != venue.tokenLocation }
            .map { $0.location == .transit ? "\($0.quantity) in transit" : "\($0.quantity) at \($0.location)" }.joined(separator: ", ")
        return Rejection(.positionNotAtVenue,
                         "\(venue.name) settles at \(venue.tokenLocation), where \(account) has \(here) \(symbol) free to sell"
                            + (wanted.map { " (this child needs \($0))" } ?? "")
                            + (elsewhere.isEmpty ? "" : "; free elsewhere: \(elsewhere) — a custody transfer (POST /v1/transfers) moves it"))
    }

    /// The consolidated book for `symbol`, filtered to venues where `account` (if given) may trade now.
    public func consolidatedBook(_ symbol: Symbol, account: AccountID? = nil, side: Side? = nil) async -> ConsolidatedBook {
        let now = clock.now()
        let investor = account.flatMap { configuration.account($0) }
        var bids: [ConsolidatedBook.Level] = []
        var asks: [ConsolidatedBook.Level] = []
        var statuses: [ConsolidatedBook.VenueStatus] = []
        for venue in catalog.venues where venue.listing(symbol) != nil {
            var status = ConsolidatedBook.VenueStatus(
                venue: venue.id, included: false, buyFeeBps: venue.takerFee(for: .buy), sellFeeBps: venue.takerFee(for: .sell),
                fixedFee: venue.fees.fixedPerOrder, matching: venue.matching.model.rawValue)
            let book = await store.book(venue: venue.id, symbol: symbol)
            status.sequence = book?.sequence
            status.ageMilliseconds = book?.ageMilliseconds(at: now)
            let healthy = await gateways[venue.id]?.isHealthy ?? false
            let probe = venue.listing(symbol)?.minimumQuantity ?? .zero
            if !healthy {
                (status.code, status.reason) = ("unhealthy", "\(venue.name) is excluded after repeated failures (circuit breaker open)")
            } else if book == nil {
                (status.code, status.reason) = ("no_book", "no book polled from \(venue.name) yet")
            } else if let age = status.ageMilliseconds, age > Int64(settings.stalenessLimitMilliseconds) {
                (status.code, status.reason) = ("stale", "the book is \(age) ms old, over the \(settings.stalenessLimitMilliseconds) ms limit")
            } else if let refusal = eligibility(of: venue, symbol: symbol, side: side ?? .buy, quantity: probe, account: investor, now: now) {
                (status.code, status.reason) = (refusal.code.rawValue, refusal.message)
            } else {
                status.included = true
            }
            statuses.append(status)
            guard status.included, let book else { continue }
            for level in book.bids {
                bids.append(.init(venue: venue.id, price: level.price, quantity: level.quantity,
                                  allInPrice: allInPrice(level.price, fee: status.sellFeeBps, side: .sell)))
            }
            for level in book.asks {
                asks.append(.init(venue: venue.id, price: level.price, quantity: level.quantity,
                                  allInPrice: allInPrice(level.price, fee: status.buyFeeBps, side: .buy)))
            }
        }
        bids.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice > $1.allInPrice : $0.price > $1.price }
        asks.sort { $0.allInPrice != $1.allInPrice ? $0.allInPrice < $1.allInPrice : $0.price < $1.price }
        return ConsolidatedBook(symbol: symbol, account: account, asOf: now, bids: bids, asks: asks, venues: statuses)
    }

    /// Polls every venue listing `symbol` now, so that a re-plan sees fresh books.
    public func refreshBooks(_ symbol: Symbol) async {
        let depth = settings.bookDepth
        await withTaskGroup(of: Void.self) { group in
            for venue in catalog.venues where venue.listing(symbol) != nil {
                guard let gateway = gateways[venue.id] else { continue }
                group.addTask {
                    let since = await store.sequence(venue: venue.id, symbol: symbol)
                    if let poll = try? await gateway.call("book \(symbol)", { try await $0.book(symbol, levels: depth, since: since) }) {
                        await store.apply(poll, venue: venue.id, symbol: symbol, at: clock.now())
                    }
                }
            }
        }
    }

    /// The planner's snapshot from a consolidated book: continuous venues only (a call-auction
    /// venue's book waits for its auction and cannot be taken now), with each listing's terms.
    /// For an account, each venue's maximum is also what it can sell there (``SettlementDesk/sellable(_:_:at:)``)
    /// or buy with the cash it has there (``SettlementDesk/spendable(_:at:)``), to the venue's lot.
    public func planSnapshot(_ book: ConsolidatedBook, side: Side) -> PlanSnapshot {
        var venues: [PlanVenue] = []
        for status in book.venues where status.included {
            guard let venue = catalog.venue(status.venue), venue.isContinuous, let listing = venue.listing(book.symbol) else { continue }
            var maximum = listing.maximumOrderQuantity
            if let account = book.account {
                let affordable: Int64
                if side == .sell {
                    affordable = settlement.sellable(account, book.symbol, at: venue).rawValue
                } else {
                    // At the venue's dearest ask in the snapshot, fees included: never more than the cash there buys.
                    let dearest = book.asks.filter { $0.venue == venue.id }.map(\.price).max() ?? listing.referencePrice
                    let unit = venue.greatestBuyCost(Quantity(rawValue: Quantity.unit), at: dearest).rawValue - venue.fees.fixedPerOrder.rawValue
                    let cash = settlement.spendable(account, at: venue).rawValue - venue.fees.fixedPerOrder.rawValue
                    affordable = unit > 0 ? Int64(clamping: Int128(max(0, cash)) * Int128(Quantity.unit) / Int128(unit)) : maximum.rawValue
                }
                maximum = Quantity(rawValue: min(maximum.rawValue, affordable - affordable % max(1, listing.lotSize.rawValue)))
            }
            venues.append(PlanVenue(
                venue: venue.id, lotSize: listing.lotSize, minQuantity: listing.minimumQuantity,
                minNotional: listing.minimumOrderValue, takerFee: side == .buy ? status.buyFeeBps : status.sellFeeBps,
                fixedFee: venue.fees.fixedPerOrder,
                bids: book.bids.filter { $0.venue == venue.id }.map { PlanLevel(price: $0.price, quantity: $0.quantity) }
                    .sorted { $0.price > $1.price },
                asks: book.asks.filter { $0.venue == venue.id }.map { PlanLevel(price: $0.price, quantity: $0.quantity) }
                    .sorted { $0.price < $1.price },
                maxQuantity: maximum))
        }
        return PlanSnapshot(symbol: book.symbol, venues: venues)
    }
}
