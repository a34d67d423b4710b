import ATSDomain
import ATSOrders
import ATSPlanning
import ATSRouter
import ATSVenueMocks
import ATSVenues
import Testing

/// The order manager against the seven venues in this process (``InProcessRouter``); a venue
/// failing over HTTP runs against the mocks over sockets (``LiveRouter``).
@Suite(.serialized) struct RouterFlowTests {
    let alice = try! AccountID("alice")
    let acme = try! Symbol("ACME")

    /// The parent's figures follow from its children exactly; each child's from its fills.
    func checkInvariants(_ parent: ParentOrder, engines: [VenueID: VenueEngine]) async throws {
        #expect(parent.filledQuantity.rawValue == parent.children.reduce(0) { $0 + $1.filledQuantity.rawValue })
        #expect(parent.filledQuantity <= parent.quantity)
        for child in parent.children {
            #expect(child.fills.reduce(0) { $0 + $1.quantity.rawValue } == child.filledQuantity.rawValue, "\(child)")
            #expect(child.filledQuantity <= child.quantity)
            if let limit = parent.limitPrice {
                #expect(child.fills.allSatisfy { parent.side == .buy ? $0.price <= limit : $0.price >= limit })
            }
            // The venue agrees.
            if let venueOrderID = child.venueOrderID, let engine = engines[child.venue] {
                let truth = try await engine.order(try OrderID(parsing: venueOrderID), owner: "\(child.venue)-demo")
                #expect(
                    truth.filledQuantity == child.filledQuantity || !child.isTerminal,
                    "\(child.venue) \(child.clientKey)")
            }
        }
        #expect(parent.fees.rawValue == parent.children.reduce(0) { $0 + $1.fees.rawValue })
        if parent.status == .filled { #expect(parent.leavesQuantity.isZero) }
        if parent.status == .rejected { #expect(parent.children.allSatisfy { $0.venueOrderID == nil }) }
        if let average = parent.averagePrice {
            let prices = parent.children.flatMap(\.fills).map(\.price)
            #expect(average >= prices.min()! && average <= prices.max()!)
        }
    }

    @Test func anIOCBuySplitsAcrossVenuesAtTheBestAllInPrice() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let displayed = book.asks.filter { live.router.context.catalog.venue($0.venue)!.isContinuous }
                .reduce(0) { $0 + $1.quantity.rawValue }
            let quantity = Quantity(rawValue: displayed / 2 / Quantity.unit * Quantity.unit)
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: quantity, timeInForce: .ioc))
            #expect(parent.status == .filled, "\(parent.status) \(parent.note ?? "")")
            #expect(parent.filledQuantity == quantity)
            #expect(Set(parent.children.map(\.venue)).count >= 2)
            #expect(parent.decisions.count == 1)
            // The decision kept its evidence: the snapshot, the quote ages, the plan it executed.
            let decision = try #require(parent.decisions.first)
            #expect(!decision.snapshot.venues.isEmpty)
            #expect(decision.plan.filledQuantity == quantity)
            let texture = try VenueID("texture")
            #expect(decision.excluded[texture] != nil)  // a call auction is not takeable now
            try await checkInvariants(parent, engines: live.engines)
        }
    }

    @Test func vanishedLiquidityIsReroutedOnFreshBooks() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let tzero = try VenueID("tzero")
            let engine = live.engines[tzero]!
            let asks = try await engine.book(acme).depth(levels: 100).asks
            let planned = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let tzeroSize = planned.asks.filter { $0.venue == tzero }.reduce(0) { $0 + $1.quantity.rawValue }
            // Between the poll and the arrival, someone else takes tZERO's offers.
            let sweep = try await engine.submit(
                VenueOrderRequest(
                    clientKey: "sweep", symbol: acme, side: .buy, type: .limit, limitPrice: asks.last!.price,
                    quantity: Quantity(rawValue: asks.reduce(0) { $0 + $1.quantity.rawValue }), timeInForce: .day),
                owner: "sweeper")
            if sweep.order.leavesQuantity.isPositive { _ = try await engine.cancel(sweep.order.id, owner: "sweeper") }
            let quantity = Quantity(rawValue: tzeroSize)
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: quantity, timeInForce: .ioc))
            #expect(parent.decisions.count >= 2, "re-planned after the short fill")
            let first = try #require(parent.children.first { $0.venue == tzero })
            #expect(first.filledQuantity < first.quantity)
            #expect(parent.children.contains { $0.venue != tzero && $0.filledQuantity.isPositive })
            #expect(parent.filledQuantity.isPositive)
            try await checkInvariants(parent, engines: live.engines)
        }
    }

    /// Over HTTP: the venue answers 503, which is the point.
    @Test func aVenueThatFailsItsChildIsWorkedAround() async throws {
        try await LiveRouter.with { live in
            await live.router.pollAll()
            let tzero = try VenueID("tzero")
            // tZERO's book is fresh and it looks healthy, but it fails the order when it arrives.
            live.engines[tzero]!.faults.set(.error)
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("300"), timeInForce: .ioc))
            let failed = try #require(parent.children.first { $0.venue == tzero })
            #expect(failed.status == .failed)
            #expect(failed.failure?.contains("HTTP 503") == true, "\(failed.failure ?? "")")
            #expect(parent.decisions.count >= 2)
            #expect(parent.decisions.last?.excluded[tzero]?.hasPrefix("failed") == true)
            #expect(parent.children.filter { $0.venue == tzero }.count == 1, "not sent to the failing venue again")
            #expect(parent.filledQuantity.isPositive)
            try await checkInvariants(parent, engines: live.engines)
        }
    }

    @Test func fillOrKillIsSentOnlyWhenConsolidatedLiquidityCoversIt() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("1000000"), timeInForce: .fok))
            #expect(parent.status == .rejected)
            #expect(parent.rejection?.code == .fillOrKillNotFillable)
            #expect(parent.children.isEmpty)
            let small = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("5"), timeInForce: .fok))
            #expect(small.status == .filled)
        }
    }

    @Test func aComplianceRefusalNamesTheRule() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            // bob is onboarded at tZERO only of ACME's venues, and tZERO admits accredited investors only.
            let bob = try AccountID("bob")
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: bob, symbol: acme, side: .buy, quantity: try Quantity("10"), timeInForce: .ioc))
            #expect(parent.status == .rejected)
            #expect(parent.rejection?.code == .kycNotApproved, "\(String(describing: parent.rejection))")
            #expect(parent.rejection?.message.contains("tzero: not_accredited") == true)
            #expect(parent.children.isEmpty)
            let atTZero = await live.router.orders.submit(
                ParentOrderRequest(
                    account: bob, symbol: acme, side: .buy, quantity: try Quantity("10"), timeInForce: .ioc,
                    includeVenues: [try VenueID("tzero")]))
            #expect(atTZero.rejection?.code == .notAccredited)
        }
    }

    @Test func aDayResidualRestsAndCancellingTheParentCancelsIt() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let bestAsk = try #require(book.bestAsk)
            // 0.50 under the market
            let limit = Price(rawValue: (bestAsk.rawValue - 50_000_000) / 1_000_000 * 1_000_000)
            var parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("25"), limitPrice: limit,
                    timeInForce: .day))
            for _ in 0..<500 where parent.status != .resting {
                try await Task.sleep(for: .milliseconds(10))
                parent = await live.router.orders.parent(parent.id)!
            }
            #expect(parent.status == .resting)
            let resting = try #require(parent.children.last)
            #expect(resting.purpose == .rest)
            #expect(resting.status == .open)
            #expect(resting.limitPrice == limit)
            let cancelled = try #require(await live.router.orders.cancel(parent.id))
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.children.allSatisfy { $0.isTerminal })
            let truth = try await live.engines[resting.venue]!.order(
                try OrderID(parsing: try #require(resting.venueOrderID)), owner: "\(resting.venue)-demo")
            #expect(truth.status == .cancelled)
        }
    }

    @Test func aSellIsCappedByTheTokensFreeWhereEachVenueSettlesNetOfWorkingSells() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let securitize = try VenueID("securitize")
            let venue = try #require(live.router.context.catalog.venue(securitize))
            // alice's 700 ACME sit in her Ethereum wallet, where Securitize settles (tZERO: its custodian; Texture: Plume).
            #expect(live.router.settlement.sellable(alice, acme, at: venue) == (try Quantity("700")))
            // 500 offered far above the market rest at Securitize: promised, no longer sellable.
            let offer = try await live.router.orders.doneOrResting(
                live.router.orders.submit(
                    ParentOrderRequest(
                        account: alice, symbol: acme, side: .sell, quantity: try Quantity("500"),
                        limitPrice: try Price("10.80"),
                        timeInForce: .gtc, includeVenues: [securitize])
                ).id, timeout: .seconds(10))
            #expect(offer?.status == .resting, "\(String(describing: offer))")
            #expect(live.router.settlement.sellable(alice, acme, at: venue) == (try Quantity("200")))
            // Selling 300 more now: only 200 are free where any continuous venue would settle it.
            let more = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .sell, quantity: try Quantity("300"), timeInForce: .ioc))
            #expect(more.filledQuantity <= (try Quantity("200")), "\(more)")
            #expect(
                more.children.filter { $0.venue == securitize }.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
                    <= (try Quantity("200")).rawValue)
            // Cancelling the offer frees what it promised.
            _ = await live.router.orders.cancel(try #require(offer).id)
            #expect(
                live.router.settlement.sellable(alice, acme, at: venue)
                    == Quantity(rawValue: (try Quantity("700")).rawValue - more.filledQuantity.rawValue))
            // At tZERO nothing is free: a sell restricted to it is refused, naming the rule.
            let tzeroOnly = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .sell, quantity: try Quantity("10"), timeInForce: .ioc,
                    includeVenues: [try VenueID("tzero")]))
            #expect(tzeroOnly.rejection?.code == .positionNotAtVenue, "\(tzeroOnly)")
        }
    }

    @Test func aBuyIsCappedByTheCashFreeWhereEachVenueSettlesNetOfWorkingBuys() async throws {
        let tzero = try VenueID("tzero")
        // alice keeps only 1,000 USD at tZERO's custodian.
        try await InProcessRouter.with(configure: { configuration in
            let index = configuration.accounts.firstIndex { $0.id.rawValue == "alice" }!
            configuration.accounts[index].cash = configuration.accounts[index].cash!.map {
                var cash = $0
                if cash.location.description == "custodian:tzero" { cash.amount = try! Money("1000") }
                return cash
            }
        }) { live in
            await live.router.pollAll()
            let venue = try #require(live.router.context.catalog.venue(tzero))
            #expect(live.router.settlement.spendable(alice, at: venue) == (try Money("1000")))
            // A bid below the market (within tZERO's price band) rests and promises 50 × 9.10 (tZERO charges no fee).
            let bid = try await live.router.orders.doneOrResting(
                live.router.orders.submit(
                    ParentOrderRequest(
                        account: alice, symbol: acme, side: .buy, quantity: try Quantity("50"),
                        limitPrice: try Price("9.10"),
                        timeInForce: .day, includeVenues: [tzero])
                ).id, timeout: .seconds(10))
            #expect(bid?.status == .resting, "\(String(describing: bid))")
            #expect(live.router.settlement.spendable(alice, at: venue) == (try Money("545")))
            // Taking 100 at tZERO: no more than 545 USD buys.
            let take = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("100"), timeInForce: .ioc,
                    includeVenues: [tzero]))
            let hundred = try Quantity("100")
            #expect(take.filledQuantity.isPositive && take.filledQuantity < hundred, "\(take)")
            let paid = try take.notional.money(rounding: .halfEven)
            #expect(paid <= (try Money("545")), "\(paid)")
            // What is left buys less than one share: refused, naming the rule.
            let more = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("100"), timeInForce: .ioc,
                    includeVenues: [tzero]))
            #expect(more.rejection?.code == .insufficientCash, "\(more)")
            // The settled buys were paid from the custodian balance; cancelling the bid frees its promise.
            _ = await live.router.orders.cancel(try #require(bid).id)
            let thousand = try Money("1000")
            #expect(live.router.settlement.spendable(alice, at: venue).rawValue == thousand.rawValue - paid.rawValue)
        }
    }

    @Test func aCancelThatArrivesAfterTheRestingChildFilledLosesNoFill() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let tzero = try VenueID("tzero")
            // One tick above tZERO's best bid (below every offer): the resting child is first in line.
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let limit = Price(
                rawValue: try #require(book.bids.filter { $0.venue == tzero }.map(\.price).max()).rawValue + 1_000_000)
            try #require(limit < (try #require(book.asks.filter { $0.venue == tzero }.map(\.price).min())))
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("20"), limitPrice: limit,
                    timeInForce: .day,
                    includeVenues: [tzero]))
            #expect(parent.status == .resting)
            // A seller fills the resting child at tZERO before the trader's cancel arrives.
            _ = try await live.engines[tzero]!.submit(
                VenueOrderRequest(
                    clientKey: "late-seller", symbol: acme, side: .sell, type: .limit, limitPrice: limit,
                    quantity: try Quantity("20"),
                    timeInForce: .day), owner: "late-seller")
            let final = try #require(await live.router.orders.cancel(parent.id))
            #expect(final.status == .filled, "\(final.status)")
            #expect(final.filledQuantity == (try Quantity("20")))
            try await checkInvariants(final, engines: live.engines)
        }
    }

    @Test func aRestingOrderTheVenueEndsEndsItsParent() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let tzero = try VenueID("tzero")
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let limit = Price(rawValue: (try #require(book.bestBid).rawValue - 20_000_000) / 1_000_000 * 1_000_000)
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("20"), limitPrice: limit,
                    timeInForce: .day,
                    includeVenues: [tzero]))
            #expect(parent.status == .resting)
            let resting = try #require(parent.children.last)
            // The venue cancels it (as it would expire a DAY order at the session's end).
            _ = try await live.engines[tzero]!.cancel(
                try OrderID(parsing: try #require(resting.venueOrderID)),
                owner: "tzero-demo")
            await live.router.orders.refreshResting()
            let ended = try #require(await live.router.orders.parent(parent.id))
            #expect(ended.status == .expired, "\(ended.status)")
            #expect(ended.note?.contains("ended cancelled") == true, "\(ended.note ?? "")")
            try await checkInvariants(ended, engines: live.engines)
        }
    }

    @Test func aRestingResidualMovesWhenLiquidityAppearsElsewhere() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            // A limit one tick above Securitize's best bid: below every offer, so the parent rests
            // (at tZERO, the cheaper venue), and a seller at the limit would rest at Securitize.
            let other = try VenueID("securitize")
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let otherBid = try #require(book.bids.filter { $0.venue == other }.map(\.price).max())
            let limit = Price(rawValue: otherBid.rawValue + 1_000_000)
            try #require(limit < (try #require(book.bestAsk)))
            var parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: alice, symbol: acme, side: .buy, quantity: try Quantity("25"), limitPrice: limit,
                    timeInForce: .gtc))
            for _ in 0..<500 where parent.status != .resting {
                try await Task.sleep(for: .milliseconds(10))
                parent = await live.router.orders.parent(parent.id)!
            }
            let resting = try #require(parent.children.last)
            #expect(parent.status == .resting)
            #expect(resting.venue != other)
            // A seller arrives at Securitize, at the parent's limit.
            _ = try await live.engines[other]!.submit(
                VenueOrderRequest(
                    clientKey: "seller", symbol: acme, side: .sell, type: .limit, limitPrice: limit,
                    quantity: try Quantity("25"),
                    timeInForce: .goodTillCancelled), owner: "seller")
            await live.router.pollAll()
            await live.router.orders.refreshResting()
            parent = await live.router.orders.parent(parent.id)!
            #expect(parent.status == .filled, "\(parent.status) \(parent.note ?? "")")
            #expect(parent.children.first { $0.clientKey == resting.clientKey }?.status == .cancelled)
            #expect(parent.children.contains { $0.venue == other && $0.filledQuantity == (try! Quantity("25")) })
            try await checkInvariants(parent, engines: live.engines)
        }
    }

    @Test func aCancelWhileChildrenAreWorkingLeavesNothingLiveAtAnyVenue() async throws {
        // A fill window keeps tZERO's limit children working, so that the cancel meets them live.
        try await InProcessRouter.with(configure: {
            var settings = $0.routingSettings
            settings.fillWindowMilliseconds = 400
            $0.routing = settings
        }) { live in
            await live.router.pollAll()
            let book = await live.router.context.consolidatedBook(acme, account: alice, side: .buy)
            let limit = try #require(book.bestAsk)
            // Only tZERO: DAY children that work through a fill window, so the cancel meets them live.
            let orders = live.router.orders
            // (50,000: more than tZERO shows, and within the 1,000,000 USD alice keeps at tZERO's custodian.)
            let request = ParentOrderRequest(
                account: alice, symbol: acme, side: .buy, quantity: try Quantity("50000"),
                limitPrice: limit, timeInForce: .day, includeVenues: [try VenueID("tzero")])
            let working = Task { await orders.submit(request) }
            // Cancel once the first child is working at tZERO.
            var found: OrderID?
            for _ in 0..<1_000 {
                if let parent = await orders.allParents().first,
                    parent.children.contains(where: { $0.venueOrderID != nil })
                {
                    found = parent.id
                    break
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            let id = try #require(found)
            let cancelled = try #require(await orders.cancel(id))
            #expect(cancelled.status == .cancelled)
            _ = await working.value
            let final = try #require(await orders.parent(id))
            #expect(final.status == .cancelled)
            for child in final.children {
                guard let venueOrderID = child.venueOrderID else { continue }
                let truth = try await live.engines[child.venue]!.order(
                    try OrderID(parsing: venueOrderID),
                    owner: "\(child.venue)-demo")
                #expect(
                    truth.status != .open && truth.status != .partiallyFilled,
                    "\(child.clientKey) is live at \(child.venue)")
            }
            try await checkInvariants(final, engines: live.engines)
        }
    }

    @Test func randomOrderFlowsKeepEveryParentConsistent() async throws {
        try await InProcessRouter.with { live in
            var random = SplitMix64(seed: 77)
            let accounts = ["alice", "dave", "erin", "carol", "frank"].map { try! AccountID($0) }
            let symbols = live.router.context.configuration.securities.map(\.symbol)
            var outcomes: [ParentOrder.Status: Int] = [:]
            for round in 0..<60 {
                if round % 5 == 0 {
                    for engine in live.engines.values { await engine.step(count: 3) }
                    await live.router.pollAll()
                }
                let symbol = symbols[random.below(symbols.count)]
                let side: Side = random.below(2) == 0 ? .buy : .sell
                let tif: TimeInForce.Kind = [.ioc, .ioc, .fok][random.below(3)]
                let book = await live.router.context.consolidatedBook(symbol)
                var limit: Price?
                if random.below(2) == 0, let reference = side == .buy ? book.bestAsk : book.bestBid {
                    let ticks = Int64(random.below(5)) * 1_000_000
                    limit = Price(
                        rawValue: side == .buy ? reference.rawValue + ticks : max(1_000_000, reference.rawValue - ticks)
                    )
                }
                let parent = await live.router.orders.submit(
                    ParentOrderRequest(
                        account: accounts[random.below(accounts.count)], symbol: symbol, side: side,
                        quantity: Quantity(rawValue: Int64(1 + random.below(300)) * Quantity.unit), limitPrice: limit,
                        timeInForce: tif))
                #expect(parent.status.isTerminal)
                outcomes[parent.status, default: 0] += 1
                try await checkInvariants(parent, engines: live.engines)
            }
            // Every fill has its settlement, under its venue's model, and the ledgers balance.
            let settlement = live.router.settlement.book()
            let parents = await live.router.orders.allParents()
            let fills = parents.flatMap { parent in
                parent.children.flatMap { child in child.fills.map { (parent, child, $0) } }
            }
            #expect(settlement.settlements.count == fills.count)
            for (parent, child, fill) in fills {
                let record = settlement.settlement(venue: child.venue, fillId: fill.id)
                #expect(
                    record?.account == parent.account && record?.side == parent.side
                        && record?.quantity == fill.quantity
                        && record?.price == fill.price
                        && record?.model == live.router.context.catalog.venue(child.venue)?.settlement.model,
                    "\(child.venue) \(fill.id)")
            }
            #expect(settlement.invariantViolations() == [])
            // No sell was sent for more than the account had free where its venue settles.
            for parent in parents where parent.side == .sell {
                #expect(!parent.children.contains { $0.refusal?.code == .positionNotAtVenue && $0.status != .refused })
            }
            // The flow exercised fills, partial fills and refusals, not only one of them.
            #expect((outcomes[.filled] ?? 0) >= 10, "\(outcomes)")
            #expect((outcomes[.rejected] ?? 0) >= 5, "\(outcomes)")
            #expect((outcomes[.partiallyFilled] ?? 0) >= 1, "\(outcomes)")
        }
    }
}
