import ATSDomain
import ATSMatching
import ATSVenueMocks
import ATSVenues
import Testing

@Suite("Venue engine and market simulation")
struct VenueEngineTests {
    private func engine(_ id: String, at time: Timestamp = Fixtures.monday, seed: UInt64 = 2026) throws -> (
        VenueEngine, ManualClock
    ) {
        let clock = ManualClock(time)
        return (VenueEngine(definition: try Fixtures.venue(id), clock: clock, pathSeed: seed), clock)
    }

    private func snapshot(_ engine: VenueEngine, _ symbol: String) async throws -> BookDepth {
        try await engine.book(try Symbol(symbol)).depth(levels: 50)
    }

    @Test("the same seeds give the same market, step for step")
    func deterministic() async throws {
        let (a, _) = try engine("tzero")
        let (b, _) = try engine("tzero")
        for _ in 0..<20 {
            await a.step()
            await b.step()
            #expect(try await snapshot(a, "ACME") == snapshot(b, "ACME"))
        }
        let (c, _) = try engine("tzero", seed: 99)
        await c.step(count: 20)
        #expect(try await snapshot(a, "ACME") != snapshot(c, "ACME"))
    }

    @Test("fill ids are unique at a venue across its books and across restarts (execution ids count per book)")
    func fillIdsAreUniquePerVenue() async throws {
        var ids: [String] = []
        for _ in 0..<2 {  // two instances of the venue, as after a restart
            let (engine, _) = try engine("securitize")
            for symbol in ["ACME", "PEQ"] {
                let ask = try #require(try await snapshot(engine, symbol).asks.first)
                let order = try await engine.submit(
                    VenueOrderRequest(
                        clientKey: "take-\(symbol)", symbol: try Symbol(symbol), side: .buy, type: .limit,
                        limitPrice: ask.price,
                        quantity: ask.quantity, timeInForce: .immediateOrCancel), owner: "t"
                ).order
                #expect(!order.fills.isEmpty)
                ids += order.fills.map(\.id)
            }
        }
        #expect(Set(ids).count == ids.count, "\(ids)")
    }

    @Test("books move while the simulation runs, and stand still while it is paused")
    func movesUnlessPaused() async throws {
        let (engine, _) = try engine("tzero")
        let start = try await snapshot(engine, "ACME")
        await engine.step(count: 5)
        let moved = try await snapshot(engine, "ACME")
        #expect(moved.sequence > start.sequence)
        #expect(moved != start)
        await engine.pause()
        await engine.step(count: 5)
        #expect(try await snapshot(engine, "ACME") == moved)
        await engine.resume()
        await engine.step()
        #expect(try await snapshot(engine, "ACME").sequence > moved.sequence)
        #expect(await engine.tradedVolume(try Symbol("ACME")).isPositive)
    }

    @Test("the same security differs across venues: level, spread and depth")
    func venuesDiffer() async throws {
        let (tzero, _) = try engine("tzero")
        let (securitize, _) = try engine("securitize")
        let left = try await snapshot(tzero, "ACME")
        let right = try await snapshot(securitize, "ACME")
        #expect(left.bids.first?.price != right.bids.first?.price || left.asks.first?.price != right.asks.first?.price)
        func spread(_ depth: BookDepth) -> Int64? {
            guard let bid = depth.bids.first?.price, let ask = depth.asks.first?.price else { return nil }
            return ask.rawValue - bid.rawValue
        }
        #expect(spread(left) != spread(right))
        for depth in [left, right] {
            let bid = try #require(depth.bids.first?.price)
            let ask = try #require(depth.asks.first?.price)
            #expect(bid < ask)
        }
    }

    @Test("a closed venue refuses orders and its simulation does not trade")
    func closedSession() async throws {
        let saturday = Timestamp(secondsSinceEpoch: 1_795_359_600 - 86_400)
        let (engine, _) = try engine("tzero", at: saturday)
        let before = try await snapshot(engine, "ACME")
        await engine.step(count: 3)
        #expect(try await snapshot(engine, "ACME") == before)
        let order = VenueOrderRequest(
            clientKey: "k", symbol: try Symbol("ACME"), side: .buy, type: .limit,
            limitPrice: try Price("10"), quantity: try Quantity("1"), timeInForce: .day)
        await #expect(throws: VenueError.self) { try await engine.submit(order, owner: "o") }
    }

    @Test("Texture uncrosses on its schedule: not before the auction minute, once at it")
    func scheduledAuction() async throws {
        // 09:59 ET on Monday; the 10:00 auction is next.
        let (engine, clock) = try engine("texture", at: Fixtures.monday.adding(seconds: -60))
        await engine.pause()
        let bestAsk = try #require(try await engine.book(try Symbol("ACME")).bestAsk)
        let order = VenueOrderRequest(
            clientKey: "k", symbol: try Symbol("ACME"), side: .buy, type: .limit,
            limitPrice: bestAsk, quantity: try Quantity("10"), timeInForce: .day)
        let placed = try await engine.submit(order, owner: "o").order
        await engine.step()
        #expect(try await engine.order(placed.id, owner: "o").status == .open)
        clock.set(Fixtures.monday)
        await engine.step()
        #expect(try await engine.order(placed.id, owner: "o").status == .filled)
        #expect(
            engine.nextAuction(after: Fixtures.monday.adding(seconds: 1)) == Fixtures.monday.adding(seconds: 15 * 60))
    }

    @Test("the rate limit refuses a burst beyond the venue's, then recovers")
    func rateLimit() async throws {
        let (engine, clock) = try engine("openfinance")  // 5 a second, bursts of 10
        await engine.pause()
        let symbol = try Symbol("BLDG")
        for index in 0..<10 {
            let order = VenueOrderRequest(
                clientKey: "k\(index)", symbol: symbol, side: .buy, type: .limit,
                limitPrice: try Price("45"), quantity: try Quantity("1"), timeInForce: .goodTillCancelled)
            _ = try await engine.submit(order, owner: "o")
        }
        let one = VenueOrderRequest(
            clientKey: "k10", symbol: symbol, side: .buy, type: .limit, limitPrice: try Price("45"),
            quantity: try Quantity("1"), timeInForce: .goodTillCancelled)
        do {
            _ = try await engine.submit(one, owner: "o")
            Issue.record("the eleventh order in one instant was admitted")
        } catch {
            #expect(error.kind == .rateLimited)
            #expect(error.httpStatus == 429)
        }
        clock.advance(seconds: 1)
        _ = try await engine.submit(one, owner: "o")
    }

    @Test("DAY orders expire when the session ends; a client sees its order expired")
    func dayExpiry() async throws {
        // 19:59 ET, in tZERO's POST session.
        let evening = Fixtures.monday.adding(seconds: 9 * 3_600 + 59 * 60)
        let (engine, clock) = try engine("tzero", at: evening)
        await engine.pause()
        let order = VenueOrderRequest(
            clientKey: "k", symbol: try Symbol("ACME"), side: .buy, type: .limit,
            limitPrice: try Price("9.50"), quantity: try Quantity("1"), timeInForce: .day)
        let placed = try await engine.submit(order, owner: "o").order
        await engine.step()
        #expect(try await engine.order(placed.id, owner: "o").status == .open)
        clock.advance(seconds: 120)
        await engine.step()
        #expect(try await engine.order(placed.id, owner: "o").status == .expired)
        await #expect(throws: VenueError.self) { try await engine.order(placed.id, owner: "someone else") }
    }
}
