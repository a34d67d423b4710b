import ATSDomain
import ATSPlanning
import ATSRouter
import ATSVenueMocks
import ATSVenues
import AsyncHTTPClient
import Testing

/// Each dialect's adapter against its running mock over real HTTP.
@Suite(.serialized) struct AdapterTests {
    static let venues = ["tzero", "archax", "openfinance", "securitize", "texture", "inx", "rialto"]

    /// Runs `body` with every mock up and an adapter for `venue`.
    func withAdapter(
        _ venue: String, credentials: VenueCredentials? = nil,
        _ body: (any VenueAdapter, VenueDefinition, VenueEngine) async throws -> Void
    ) async throws {
        let catalog = try Repository.catalog()
        let fleet = try await MockVenueFleet.start(
            catalog.venues, clock: RunningClock(startingAt: monday), stepInterval: nil)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let definition = try #require(catalog.venue(try VenueID(venue)))
        let adapter = VenueAdapters.make(
            for: definition, baseURL: fleet.urls[definition.id]!,
            credentials: credentials ?? .demo(for: venue), client: client, timeout: .seconds(2))
        do {
            try await body(adapter, definition, fleet.engines[definition.id]!)
        } catch {
            try? await client.shutdown()
            await fleet.stop()
            throw error
        }
        try? await client.shutdown()
        await fleet.stop()
    }

    @Test(arguments: venues)
    func booksArriveExactlyAndOnlyWhenChanged(venue: String) async throws {
        try await withAdapter(venue) { adapter, definition, engine in
            let symbol = definition.listings[0].symbol
            guard
                case .changed(let sequence, let bids, let asks) = try await adapter.book(symbol, levels: 10, since: nil)
            else {
                Issue.record("first poll must carry the book")
                return
            }
            // Exactly the engine's own depth, level for level.
            let depth = try await engine.book(symbol).depth(levels: 10)
            #expect(bids.map(\.price) == depth.bids.map(\.price))
            #expect(bids.map(\.quantity) == depth.bids.map(\.quantity))
            #expect(asks.map(\.price) == depth.asks.map(\.price))
            #expect(asks.map(\.quantity) == depth.asks.map(\.quantity))
            #expect(try await adapter.book(symbol, levels: 10, since: sequence) == .unchanged(sequence: sequence))
            await engine.step(count: 20)
            // INX serves every book from one snapshot, reused by the symbols of one poll round.
            if venue == "inx" { try await Task.sleep(for: .milliseconds(250)) }
            let after = try await adapter.book(symbol, levels: 10, since: sequence)
            #expect(after.sequence != sequence)
        }
    }

    @Test(arguments: venues)
    func childOrdersSubmitFillReplayAndCancel(venue: String) async throws {
        try await withAdapter(venue) { adapter, definition, engine in
            let listing = definition.listings[0]
            let symbol = listing.symbol
            guard case .changed(_, _, let asks) = try await adapter.book(symbol, levels: 10, since: nil),
                let best = asks.first
            else {
                Issue.record("no asks")
                return
            }
            // Enough to meet the minimums, within the best level.
            let lot = listing.lotSize.rawValue
            let byValue =
                (Int128(listing.minimumOrderValue.rawValue) * Int128(Quantity.unit) + Int128(best.price.rawValue) - 1)
                / Int128(best.price.rawValue)
            var raw = max(listing.minimumQuantity.rawValue, lot * 3, Int64(byValue))
            raw = (raw + lot - 1) / lot * lot
            try #require(raw <= best.quantity.rawValue, "the best level is too small for a test child")
            let quantity = Quantity(rawValue: raw)
            let tif: TimeInForce.Kind =
                definition.timeInForce.contains(.ioc) ? .ioc : (definition.timeInForce.contains(.day) ? .day : .gtc)
            let request = ChildOrderRequest(
                clientKey: "t-\(venue)-1", symbol: symbol, side: .buy, quantity: quantity,
                limitPrice: best.price, timeInForce: tif)
            let placed = try await adapter.submit(request)
            #expect(placed.clientKey == request.clientKey)
            #expect(placed.quantity == quantity)
            if definition.isContinuous {
                #expect(placed.status == .filled, "\(placed)")
                #expect(placed.filledQuantity == quantity)
                #expect(placed.fills.reduce(0) { $0 + $1.quantity.rawValue } == quantity.rawValue)
                #expect(placed.fills.allSatisfy { $0.price <= best.price })
            } else {
                #expect(placed.status == .open)  // waits for the next auction
            }
            // The same key again is the same order, not a second one.
            let replayed = try await adapter.submit(request)
            #expect(replayed.venueOrderID == placed.venueOrderID)
            let fetched = try await adapter.order(placed.venueOrderID, symbol: symbol)
            #expect(fetched.filledQuantity == placed.filledQuantity)
            // The engine agrees on what happened.
            let truth = try await engine.order(try OrderID(parsing: placed.venueOrderID), owner: "\(venue)-demo")
            #expect(truth.filledQuantity == fetched.filledQuantity)

            // A resting child far from the market, then cancelled.
            let bidPrice = try listing.referencePrice.scaled(numerator: 95, denominator: 100, rounding: .down)
            let resting = ChildOrderRequest(
                clientKey: "t-\(venue)-2", symbol: symbol, side: .buy, quantity: quantity,
                limitPrice: Price(rawValue: bidPrice.rawValue / listing.tickSize.rawValue * listing.tickSize.rawValue),
                timeInForce: definition.timeInForce.contains(.gtc) ? .gtc : .day)
            let open = try await adapter.submit(resting)
            #expect(open.status == .open, "\(open)")
            let cancelled = try await adapter.cancel(open.venueOrderID, symbol: symbol)
            #expect(cancelled.status == .cancelled)
        }
    }

    @Test(arguments: venues)
    func refusalsAndBadCredentialsAreClassified(venue: String) async throws {
        try await withAdapter(venue) { adapter, definition, _ in
            let listing = definition.listings[0]
            // Off tick: the venue refuses this request; retrying will not help.
            let offTick = Price(rawValue: listing.referencePrice.rawValue + max(1, listing.tickSize.rawValue / 3))
            do {
                _ = try await adapter.submit(
                    ChildOrderRequest(
                        clientKey: "bad-\(venue)", symbol: listing.symbol, side: .buy,
                        quantity: listing.lotSize, limitPrice: offTick,
                        timeInForce: definition.timeInForce.contains(.gtc) ? .gtc : .day))
                Issue.record("an off-tick order was accepted")
            } catch let failure as VenueFailure {
                // Refused by the venue (4xx) or, where the dialect cannot carry the price, by the adapter.
                #expect(failure.kind == .notRetryable, "\(failure)")
                #expect(failure.httpStatus.map { (400..<500).contains($0) } ?? (failure.code == "precision"))
            }
            do {
                _ = try await adapter.order("999999", symbol: listing.symbol)
                Issue.record("an unknown order was found")
            } catch let failure as VenueFailure {
                #expect(failure.kind == .notRetryable)
                #expect(failure.httpStatus == 404)
            }
        }
        try await withAdapter(venue, credentials: VenueCredentials(keyID: "\(venue)-demo", secret: "wrong")) {
            adapter, definition, _ in
            do {
                _ = try await adapter.book(definition.listings[0].symbol, levels: 5, since: nil)
                Issue.record("wrong credentials were accepted")
            } catch let failure as VenueFailure {
                #expect(failure.kind == .fatal, "\(failure)")
            }
        }
    }

    @Test func inxMarketDataOverItsShareOfTheMinuteIsThrottledNotStale() async throws {
        let catalog = try Repository.catalog()
        let fleet = try await MockVenueFleet.start(
            catalog.venues, clock: RunningClock(startingAt: monday), stepInterval: nil)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let inx = try #require(catalog.venue(try VenueID("inx")))
        // 10 a minute: 3 kept for orders, so market data may ask 7 times.
        let adapter = InxAdapter(
            http: VenueHTTP(
                venue: inx.id, baseURL: fleet.urls[inx.id]!, client: client, timeout: .seconds(2),
                errorShape: { _ in nil }),
            credentials: .demo(for: "inx"), rateLimit: .init(requestsPerSecond: 100, burst: 100, requestsPerMinute: 10))
        let store = MarketDataStore()
        let acme = try Symbol("ACME")
        var polls: [BookPoll] = []
        for round in 0..<8 {
            let poll = try await adapter.book(acme, levels: 5, since: UInt64?.none)
            await store.apply(poll, venue: inx.id, symbol: acme, at: Timestamp(secondsSinceEpoch: Int64(round)))
            polls.append(poll)
            try await Task.sleep(for: .milliseconds(220))  // past the snapshot's reuse within a round
        }
        #expect(polls.prefix(7).allSatisfy { $0 != .throttled })
        #expect(polls.last == .throttled)
        // The throttled poll left the book as old as the seventh poll made it.
        #expect(await store.book(venue: inx.id, symbol: acme)?.confirmedAt == Timestamp(secondsSinceEpoch: 6))
        // Orders still have their three.
        #expect(try await adapter.instruments().count == 3)
        try? await client.shutdown()
        await fleet.stop()
    }

    @Test func faultsAreRetryableAndMalformedRepliesClassified() async throws {
        try await withAdapter("securitize") { adapter, definition, engine in
            let symbol = definition.listings[0].symbol
            engine.faults.set(.malformed)
            do {
                _ = try await adapter.book(symbol, levels: 5, since: nil)
                Issue.record("a malformed reply was accepted")
            } catch let failure as VenueFailure {
                #expect(failure.kind == .retryable)
                #expect(failure.code == "malformed_reply")
            }
            engine.faults.set(.error)
            do {
                _ = try await adapter.book(symbol, levels: 5, since: nil)
                Issue.record("a 503 was accepted")
            } catch let failure as VenueFailure {
                #expect(failure.kind == .retryable)
                #expect(failure.httpStatus == 503)
            }
            engine.faults.set(.none)
            _ = try await adapter.book(symbol, levels: 5, since: nil)
        }
    }
}

@Suite(.serialized) struct InstrumentTests {
    @Test func everyVenuePublishesTheRulesItsDefinitionStates() async throws {
        try await LiveRouter.with { live in
            #expect(await live.router.verifyInstruments() == [])
            // Each adapter reads every listing, with at least tick and lot exact.
            for venue in live.router.context.catalog.venues {
                let published = try await live.router.context.gateways[venue.id]!.call("instruments") {
                    try await $0.instruments()
                }
                #expect(Set(published.map(\.symbol)) == Set(venue.listings.map(\.symbol)), "\(venue.id)")
            }
        }
    }

    @Test func aDisagreementIsNamed() throws {
        let venue = try #require(try Repository.catalog().venue(try VenueID("tzero")))
        let listing = venue.listings[0]
        var published = VenueInstrument(symbol: listing.symbol, tickSize: listing.tickSize, lotSize: listing.lotSize)
        #expect(InstrumentCheck.mismatches(venue, published: [published]).count == venue.listings.count - 1)
        published.lotSize = Quantity(rawValue: listing.lotSize.rawValue * 10)
        let found = InstrumentCheck.mismatches(venue, published: [published])
        #expect(
            found.contains(
                "tzero \(listing.symbol) lotSize: published \(published.lotSize), configured \(listing.lotSize)"))
    }
}
