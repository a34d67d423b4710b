import ATSDomain
import ATSMatching
import ATSVenues

/// A mock venue's trading core, in neutral terms: its books (one ``OrderBook`` per listing, matching
/// continuously or by call auction as the venue does), its clients' orders, idempotency, venue
/// rules, fees, and the background market simulation. Each dialect translates HTTP to these calls.
public actor VenueEngine {
    public nonisolated let definition: VenueDefinition
    /// Faults injected into this venue's HTTP replies (see ``FaultSwitch``).
    public nonisolated let faults = FaultSwitch()
    /// The primary offerings this venue runs and their subscriptions.
    public nonisolated let offerings: MockOfferings
    /// The cash pairs this venue converts and the conversions it carried out.
    public nonisolated let conversions: MockConversions
    /// The onboarding applications investors' brokers filed here.
    public nonisolated let onboarding: MockOnboarding
    private let clock: any TradingClock
    private let rules = RulesEngine()
    private var books: [Symbol: OrderBook] = [:]
    private var orders: [OrderID: VenueOrder] = [:]
    private var keys: [String: OrderID] = [:]
    /// How many times each key was submitted (the first time and every idempotent replay).
    private var submissions: [String: Int] = [:]
    private var limiters: [String: RateLimiter] = [:]
    private var simulation: MarketSimulation
    private var nextOrderID: UInt64 = 1
    /// Prefixes this instance's fill ids: a venue never reuses an execution id, not even after a restart.
    private let instance = String(UInt32.random(in: 0...UInt32.max) & 0xFF_FFFF, radix: 16)
    private var lastTrade: [Symbol: Price] = [:]
    /// Stop orders waiting for their trigger, per symbol, in arrival order.
    private var pendingStops: [Symbol: [OrderID]] = [:]
    private var volume: [Symbol: Quantity] = [:]
    private var wasInSession: Bool
    private var lastAuctionMinute: Int64 = -1

    /// Whether background participants act on ``step()``; a paused venue still takes client orders.
    public private(set) var isPaused = false

    /// - Parameters:
    ///   - pathSeed: the seed of the reference price path shared by all venues.
    public init(definition: VenueDefinition, clock: any TradingClock, pathSeed: UInt64 = 2026) {
        self.definition = definition
        self.clock = clock
        offerings = MockOfferings(venue: definition, clock: clock)
        conversions = MockConversions(venue: definition)
        onboarding = MockOnboarding(venue: definition, clock: clock)
        simulation = MarketSimulation(parameters: definition.simulation, path: ReferencePath(seed: pathSeed))
        wasInSession = definition.session(at: clock.now()) != nil
        for listing in definition.listings {
            let matching: MatchingModel = definition.matching.model == .callAuction ? .callAuction : .continuous
            books[listing.symbol] = OrderBook(
                configuration: .init(
                    matching: matching, selfTradePrevention: .cancelResting, tickSize: listing.tickSize,
                    referencePrice: listing.referencePrice))
        }
    }

    private var seeded = false

    /// Places the opening background quotes the first time the venue is used.
    private func ensureSeeded() {
        guard !seeded else { return }
        seeded = true
        for listing in definition.listings { seed(listing) }
    }

    // MARK: Market data

    public func book(_ symbol: Symbol) throws(VenueError) -> OrderBook {
        ensureSeeded()
        guard let book = books[symbol] else {
            throw VenueError(.notFound, code: "unknown_symbol", "\(symbol) is not listed on \(definition.name)")
        }
        return book
    }

    public func lastTradePrice(_ symbol: Symbol) -> Price? { lastTrade[symbol] }
    public func tradedVolume(_ symbol: Symbol) -> Quantity { volume[symbol] ?? .zero }

    /// The fee the venue would charge a taker for `quantity` at `price` on `side`.
    public nonisolated func feeQuote(side: Side, price: Price, quantity: Quantity) -> (
        fee: Money, commission: Money, tax: Money
    ) {
        let notional = (try? Money.notional(price: price, quantity: quantity, rounding: .halfEven)) ?? .zero
        return charges(notional: notional, side: side, liquidity: .taker, firstFill: true)
    }

    // MARK: Client orders

    /// Places an order for `owner`. A resubmission with a key already used by this owner returns
    /// the original order (and `replayed`), or a conflict if it asks for something else.
    public func submit(_ request: VenueOrderRequest, owner: String) throws(VenueError) -> (
        order: VenueOrder, replayed: Bool
    ) {
        ensureSeeded()
        let now = clock.now()
        do {
            try limiters[owner, default: RateLimiter(definition.rateLimit)].admit(at: now)
        } catch {
            throw VenueError(error)
        }
        let key = owner + "\u{1F}" + request.clientKey
        submissions[key, default: 0] += 1
        if let existing = keys[key], let order = orders[existing] {
            guard order.matches(request) else {
                throw VenueError(
                    .conflict, code: "idempotency_key_reused",
                    "key \(request.clientKey) was used for a different order (\(order.id))")
            }
            return (order, true)
        }
        guard books[request.symbol] != nil else {
            throw VenueError(
                .rejected, code: RejectCode.notListed.rawValue, "\(request.symbol) is not listed on \(definition.name)")
        }
        let ticket = OrderTicket(
            side: request.side, type: request.type, quantity: request.quantity,
            limitPrice: request.limitPrice, timeInForce: request.timeInForce.kind)
        if let refusal = rules.venueViolations(
            ticket, symbol: request.symbol, venue: definition, at: now,
            referencePrice: lastTrade[request.symbol], stopAtFirst: true
        ).first {
            throw VenueError(refusal)
        }
        if request.type == .stopLimit {
            throw VenueError(
                .rejected, code: RejectCode.orderTypeNotSupported.rawValue,
                "\(definition.name) takes stop orders that become market orders, not stop-limit orders")
        }
        let id = OrderID(nextOrderID)
        nextOrderID += 1
        if request.type == .stop {
            return try placeStop(request, id: id, key: key, owner: owner, at: now)
        }
        let bookOrder = BookOrder(
            id: id, account: try? AccountID(owner), side: request.side, limitPrice: request.limitPrice,
            quantity: request.quantity, timeInForce: request.timeInForce)
        let events: EventLog
        do {
            events = try withBook(request.symbol) { book throws(Rejection) in
                _ = try book.submit(bookOrder, at: now)
                return book.events
            }
        } catch {
            throw VenueError(error)
        }
        orders[id] = VenueOrder(
            id: id, clientKey: request.clientKey, owner: owner, symbol: request.symbol, side: request.side,
            type: request.type, limitPrice: request.limitPrice, triggerPrice: nil, quantity: request.quantity,
            timeInForce: request.timeInForce, createdAt: now, status: .open)
        keys[key] = id
        apply(events, symbol: request.symbol, at: now)
        triggerStops(request.symbol, at: now)
        return (orders[id]!, false)
    }

    /// Holds a stop order off the book until the last trade reaches its trigger (at or above for a
    /// buy, at or below for a sell); it then goes to the book as a market order, IOC.
    private func placeStop(_ request: VenueOrderRequest, id: OrderID, key: String, owner: String, at now: Timestamp)
        throws(VenueError) -> (order: VenueOrder, replayed: Bool)
    {
        guard let trigger = request.triggerPrice, trigger.isPositive else {
            throw VenueError(
                .badRequest, code: "missing_field", field: "stopPrice", "a stop order needs a positive trigger price")
        }
        if let listing = definition.listing(request.symbol), !trigger.isMultiple(of: listing.tickSize) {
            throw VenueError(
                .rejected, code: RejectCode.offTick.rawValue,
                "trigger price \(trigger) is not a multiple of the tick size \(listing.tickSize)")
        }
        orders[id] = VenueOrder(
            id: id, clientKey: request.clientKey, owner: owner, symbol: request.symbol, side: request.side,
            type: .stop, limitPrice: nil, triggerPrice: trigger, quantity: request.quantity,
            timeInForce: request.timeInForce, createdAt: now, status: .open)
        keys[key] = id
        pendingStops[request.symbol, default: []].append(id)
        triggerStops(request.symbol, at: now)
        return (orders[id]!, false)
    }

    /// Sends every pending stop whose trigger the last trade has reached to the book, in arrival
    /// order, until none is left to trigger (a triggered stop's trades may trigger others).
    private func triggerStops(_ symbol: Symbol, at now: Timestamp) {
        while let last = lastTrade[symbol],
            let index = pendingStops[symbol]?.firstIndex(where: { id in
                guard let order = orders[id], let trigger = order.triggerPrice else { return false }
                return order.side == .buy ? last >= trigger : last <= trigger
            })
        {
            let id = pendingStops[symbol]!.remove(at: index)
            guard var order = orders[id] else { continue }
            order.isTriggered = true
            orders[id] = order
            let market = BookOrder(
                id: id, account: try? AccountID(order.owner), side: order.side, limitPrice: nil,
                quantity: order.quantity, timeInForce: .immediateOrCancel)
            let events = withBook(symbol) { book -> EventLog? in
                (try? book.submit(market, at: now)) != nil ? book.events : nil
            }
            if let events {
                apply(events, symbol: symbol, at: now)
            } else {
                orders[id]?.status = .cancelled
            }
        }
    }

    /// The owner's order, with its fills.
    /// Every client order with how many times its key was submitted: what a test checks to prove
    /// that no child reached the venue twice (one order per key, whatever the replays).
    public func clientOrders() -> [ClientOrderSummary] {
        orders.values.sorted { $0.id < $1.id }.map { order in
            ClientOrderSummary(
                clientKey: order.clientKey, owner: order.owner, orderId: order.id.description,
                symbol: order.symbol.rawValue,
                side: order.side.rawValue, status: order.status.rawValue, quantity: order.quantity.description,
                filledQuantity: order.filledQuantity.description, fills: order.fills.count,
                submissions: submissions[order.owner + "\u{1F}" + order.clientKey] ?? 0)
        }
    }

    public func order(_ id: OrderID, owner: String) throws(VenueError) -> VenueOrder {
        guard let order = orders[id], order.owner == owner else { throw VenueError(.notFound, "no order \(id)") }
        return order
    }

    /// Cancels what is left of the owner's order.
    /// - Throws: `not_found`, or `not_cancellable` when it is already filled, cancelled or expired.
    public func cancel(_ id: OrderID, owner: String) throws(VenueError) -> VenueOrder {
        let order = try order(id, owner: owner)
        guard !order.status.isTerminal else {
            throw VenueError(
                .notCancellable, code: "not_cancellable",
                "order \(id) is \(order.status.rawValue) and cannot be cancelled")
        }
        if let index = pendingStops[order.symbol]?.firstIndex(of: id) {
            pendingStops[order.symbol]!.remove(at: index)
            orders[id]!.status = .cancelled
            return orders[id]!
        }
        let events: EventLog
        do {
            events = try withBook(order.symbol) { book throws(Rejection) in
                try book.cancel(id)
                return book.events
            }
        } catch {
            throw VenueError(.notCancellable, code: "not_cancellable", "order \(id) no longer rests: \(error.message)")
        }
        apply(events, symbol: order.symbol, at: clock.now())
        return orders[id]!
    }

    // MARK: Simulation

    public func pause() { isPaused = true }
    public func resume() { isPaused = false }

    /// Advances the venue: expiries, the auction if one is due, and (unless paused) the background
    /// participants, `count` times.
    public func step(count: Int = 1) {
        ensureSeeded()
        for _ in 0..<count {
            let now = clock.now()
            let inSession = definition.session(at: now) != nil
            expire(at: now, endOfDay: wasInSession && !inSession)
            wasInSession = inSession
            if !isPaused && inSession {
                simulation.advance(symbols: definition.listings.map(\.symbol))
                for listing in definition.listings {
                    trade(listing, at: now)
                    triggerStops(listing.symbol, at: now)
                }
            }
            if definition.matching.model == .callAuction && definition.isAuctionMinute(now) {
                let minute = now.nanosecondsSinceEpoch / 60_000_000_000
                if minute != lastAuctionMinute {
                    lastAuctionMinute = minute
                    runAuctions()
                }
            }
        }
    }

    /// Runs every listing's call auction now (Texture's uncross), whatever the schedule says.
    @discardableResult
    public func runAuctions() -> [Symbol: AuctionIndication] {
        ensureSeeded()
        var results: [Symbol: AuctionIndication] = [:]
        let now = clock.now()
        for symbol in books.keys.sorted() {
            let (result, events) = withBook(symbol) { book in ((try? book.uncross()) ?? nil, book.events) }
            if let result { results[symbol] = result }
            apply(events, symbol: symbol, at: now)
            triggerStops(symbol, at: now)
        }
        return results
    }

    /// The next scheduled auction at or after `time`, if the venue runs auctions.
    public nonisolated func nextAuction(after time: Timestamp) -> Timestamp? {
        guard definition.matching.auction != nil else { return nil }
        var minute = (time.nanosecondsSinceEpoch + 59_999_999_999) / 60_000_000_000
        for _ in 0..<(8 * 24 * 60) {
            let candidate = Timestamp(secondsSinceEpoch: minute * 60)
            if definition.isAuctionMinute(candidate) { return candidate }
            minute += 1
        }
        return nil
    }

    // MARK: Internals

    private func seed(_ listing: VenueDefinition.Listing) {
        place(simulation.orders(for: listing, initial: true), symbol: listing.symbol, at: clock.now())
    }

    private func trade(_ listing: VenueDefinition.Listing, at now: Timestamp) {
        // Background participants withdraw some quotes that drifted from the path, then quote and trade.
        let symbol = listing.symbol
        let mid = simulation.mid(for: listing).rawValue
        let limit =
            listing.tickSize.rawValue * Int64(definition.simulation.depthLevels + 4)
            + mid / 10_000 * definition.simulation.halfSpreadBps.rawValue / BasisPoints.unit
        var live: [OrderID] = []
        for id in simulation.resting[symbol] ?? [] {
            guard let order = books[symbol]?.restingOrder(id) else { continue }
            if abs(order.price.rawValue - mid) > limit || simulation.random.below(10) == 0 {
                let events = withBook(symbol) { book in
                    _ = try? book.cancel(id)
                    return book.events
                }
                apply(events, symbol: symbol, at: now)
            } else {
                live.append(id)
            }
        }
        simulation.resting[symbol] = live
        place(simulation.orders(for: listing, initial: false), symbol: symbol, at: now)
    }

    private func place(
        _ quotes: [(side: Side, price: Price, quantity: Quantity, crossing: Bool)], symbol: Symbol, at now: Timestamp
    ) {
        let auction = definition.matching.model == .callAuction
        for quote in quotes {
            let id = OrderID(nextOrderID)
            nextOrderID += 1
            let order = BookOrder(
                id: id, side: quote.side, limitPrice: quote.price, quantity: quote.quantity,
                timeInForce: quote.crossing && !auction ? .immediateOrCancel : .goodTillCancelled)
            let (events, rests) = withBook(symbol) { book -> (EventLog?, Bool) in
                guard (try? book.submit(order, at: now)) != nil else { return (nil, false) }
                return (book.events, book.restingOrder(id) != nil)
            }
            if let events { apply(events, symbol: symbol, at: now) }
            if rests { simulation.resting[symbol, default: []].append(id) }
        }
    }

    private func expire(at now: Timestamp, endOfDay: Bool) {
        for symbol in books.keys.sorted() {
            let events = withBook(symbol) { book in
                book.expireOrders(asOf: now, endOfDay: endOfDay)
                return book.events
            }
            apply(events, symbol: symbol, at: now)
        }
    }

    /// Runs `body` on the book of `symbol` in place, so the book's storage stays uniquely owned
    /// (reading it out of the dictionary and writing it back would copy the whole book each time).
    private func withBook<R, E: Error>(_ symbol: Symbol, _ body: (inout OrderBook) throws(E) -> R) throws(E) -> R {
        try body(&books[symbol]!)
    }

    /// Brings client orders up to date with what a book just did.
    private func apply(_ events: EventLog, symbol: Symbol, at now: Timestamp) {
        for event in events {
            switch event {
            case .execution(let execution):
                lastTrade[symbol] = execution.price
                volume[symbol] = Quantity(rawValue: (volume[symbol]?.rawValue ?? 0) + execution.quantity.rawValue)
                let auction = execution.aggressorSide == nil
                record(execution, orderID: execution.makerOrderID, liquidity: auction ? .auction : .maker, at: now)
                record(execution, orderID: execution.takerOrderID, liquidity: auction ? .auction : .taker, at: now)
            case .cancelled(let id, _, let reason):
                guard var order = orders[id] else { continue }
                switch reason {
                case .reduced, .replaced: continue
                case .expired: order.status = .expired
                case .requested, .unfilled, .selfTrade: order.status = .cancelled
                }
                orders[id] = order
            case .rested:
                break
            }
        }
    }

    /// When each client order (by its key) first filled here: for measuring how long a fill takes
    /// to reach the router's clients (`ats-bench stream`).
    public func firstFillTimes() -> [String: Timestamp] {
        var times: [String: Timestamp] = [:]
        for order in orders.values { if let first = order.fills.first { times[order.clientKey] = first.time } }
        return times
    }

    private func record(_ execution: Execution, orderID: OrderID, liquidity: VenueOrder.Liquidity, at now: Timestamp) {
        guard var order = orders[orderID] else { return }
        let notional =
            (try? Money.notional(price: execution.price, quantity: execution.quantity, rounding: .halfEven)) ?? .zero
        let (fee, commission, tax) = charges(
            notional: notional, side: order.side, liquidity: liquidity, firstFill: order.fills.isEmpty)
        order.fills.append(
            VenueOrder.Fill(
                id: "\(instance)-\(order.symbol)-\(execution.id)", executionID: execution.id, time: now,
                quantity: execution.quantity, price: execution.price,
                fee: fee, commission: commission, tax: tax, liquidity: liquidity))
        order.filledQuantity = Quantity(rawValue: order.filledQuantity.rawValue + execution.quantity.rawValue)
        order.notional = Money(rawValue: order.notional.rawValue + notional.rawValue)
        order.status = order.filledQuantity == order.quantity ? .filled : .partiallyFilled
        orders[orderID] = order
    }

    /// The venue's charges on one fill: the taker or maker rate plus the buyer or seller rate as the
    /// fee (with the fixed per-order fee on an order's first fill), and commission and tax apart.
    private nonisolated func charges(notional: Money, side: Side, liquidity: VenueOrder.Liquidity, firstFill: Bool)
        -> (fee: Money, commission: Money, tax: Money)
    {
        let fees = definition.fees
        let liquidityRate = liquidity == .maker ? fees.maker : fees.taker
        let sideRate = side == .buy ? fees.buyerBps : fees.sellerBps
        let rate = BasisPoints(rawValue: liquidityRate.rawValue + sideRate.rawValue)
        var fee = (try? notional.fee(basisPoints: rate, rounding: .halfEven)) ?? .zero
        if firstFill { fee = Money(rawValue: fee.rawValue + fees.fixedPerOrder.rawValue) }
        let commission = (try? notional.fee(basisPoints: fees.commissionBps, rounding: .halfEven)) ?? .zero
        let tax = (try? notional.fee(basisPoints: fees.taxBps, rounding: .halfEven)) ?? .zero
        return (fee, commission, tax)
    }
}

/// One client order as `GET /_mock/orders` lists it.
public struct ClientOrderSummary: Sendable, Hashable, Codable {
    public var clientKey: String
    public var owner: String
    public var orderId: String
    public var symbol: String
    public var side: String
    public var status: String
    public var quantity: String
    public var filledQuantity: String
    public var fills: Int
    /// Times the key was submitted: 1, or more when the client replayed it (never a second order).
    public var submissions: Int
}
