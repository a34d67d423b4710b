import ATSDomain
import ATSOrders
import ATSPlanning
import ATSSettlement
import ATSVenues
import Testing

@testable import ATSRouter

/// Planning a sale with the custody transfer inside it, without I/O: the venue chosen by what the
/// book pays net of the transfer's fee (hand-computed), the moves that put the tokens there, and
/// over seeded random holdings and books the moves' invariants.
@Suite struct TransferPlanTests {
    let catalog: VenueCatalog
    let configuration: RouterConfiguration
    let checks: PreTradeChecks
    let acme = try! Symbol("ACME")
    let texture = try! VenueID("texture")
    let tzero = try! VenueID("tzero")
    let securitize = try! VenueID("securitize")
    let ethereum = CustodyLocation.wallet(chain: "ethereum")

    init() throws {
        catalog = try Repository.catalog()
        configuration = try Repository.configuration(catalog)
        checks = PreTradeChecks(catalog: catalog, configuration: configuration)
    }

    /// alice's positions in ACME with `tokens` free at each location (and so sellable at every
    /// venue settling there).
    func positions(_ tokens: [CustodyLocation: Quantity]) -> AccountPositions {
        let account = configuration.accounts.first { $0.id.rawValue == "alice" }!
        var sellable: [VenueID: Quantity] = [:]
        for venue in catalog.venues { sellable[venue.id] = tokens[venue.tokenLocation(acme)] ?? .zero }
        return AccountPositions(
            account: account, symbol: acme, holders: 3, sellable: sellable, spendable: [:],
            freeHoldings: tokens.map { .init(location: $0.key, quantity: $0.value) })
    }

    func sell(_ quantity: String, limit: String = "9.00", include: Set<VenueID>) throws -> ParentOrder {
        ParentOrder(
            id: OrderID(1), account: try AccountID("alice"), clientOrderId: nil, symbol: acme, side: .sell,
            quantity: try Quantity(quantity), limitPrice: try Price(limit), timeInForce: .day, strategy: .cost,
            includeVenues: include, excludeVenues: [], allowTransfers: true, createdAt: monday)
    }

    /// Every listing venue of ACME included, with one bid per venue in `bids` (100 each).
    func book(bids: [VenueID: String]) throws -> ConsolidatedBook {
        var statuses: [ConsolidatedBook.VenueStatus] = []
        var levels: [ConsolidatedBook.Level] = []
        for venue in catalog.venues(listing: acme) {
            statuses.append(
                .init(
                    venue: venue.id, included: true, sequence: 1, ageMilliseconds: 0,
                    buyFeeBps: venue.takerFee(for: .buy), sellFeeBps: venue.takerFee(for: .sell),
                    fixedFee: venue.fees.fixedPerOrder, matching: venue.matching.model.rawValue))
            if let bid = bids[venue.id] {
                let price = try Price(bid)
                levels.append(
                    .init(
                        venue: venue.id, price: price, quantity: try Quantity("100"),
                        allInPrice: allInPrice(price, fee: venue.takerFee(for: .sell), side: .sell)))
            }
        }
        return ConsolidatedBook(symbol: acme, asOf: monday, bids: levels, asks: [], venues: statuses)
    }

    @Test func theVenueIsChosenByWhatTheBookPaysNetOfTheTransfersFee() throws {
        // 700 ACME in alice's Plume wallet (bought at Texture). Securitize (Ethereum wallet, 50 bps):
        // a bridge, 20 min, 15.00 USD. tZERO (its custodian, 0 bps): the bridge, then a deposit,
        // 80 min, 15.00 USD.
        let held = positions([.wallet(chain: "plume"): try Quantity("700")])
        let order = try sell("100", include: [securitize, tzero])
        let hundred = try Quantity("100")
        let bridgeFee = try Money("15.00")
        // Securitize bids 10.10: 1 010.00 - 5.05 - 15.00 = 989.95; tZERO bids 10.00: 1 000.00 - 15.00 = 985.00.
        let dear = try #require(
            checks.transferPlan(
                order, book: try book(bids: [tzero: "10.00", securitize: "10.10"]), positions: held, now: monday))
        #expect(dear.venue == securitize)
        #expect(dear.moves.count == 1)
        #expect(dear.moves.first?.from == .wallet(chain: "plume") && dear.moves.first?.to == ethereum)
        #expect(dear.quantity == hundred && dear.fee == bridgeFee && dear.minutes == 20)
        #expect(dear.allInPrice == (try Price("9.8995")))
        // Securitize at 10.04: 1 004.00 - 5.02 - 15.00 = 983.98 < 985.00 at tZERO.
        let cheap = try #require(
            checks.transferPlan(
                order, book: try book(bids: [tzero: "10.00", securitize: "10.04"]), positions: held, now: monday))
        #expect(cheap.venue == tzero)
        #expect(cheap.moves.first?.to == .custodian(tzero) && cheap.fee == bridgeFee && cheap.minutes == 80)
        #expect(cheap.allInPrice == (try Price("9.85")))
        // Nothing in the book within the limit, the same fee: the sooner (20 min against 80).
        let none = try #require(checks.transferPlan(order, book: try book(bids: [:]), positions: held, now: monday))
        #expect(none.venue == securitize && none.plan == nil && none.allInPrice == nil)
        #expect(none.summary(transfers: [7], expected: monday).contains("transfer 7"))
        // From the Ethereum wallet: a deposit at tZERO (no fee) before a bridge to Texture (15.00).
        let fromEthereum = try #require(
            checks.transferPlan(
                try sell("100", include: [texture, tzero]), book: try book(bids: [:]),
                positions: positions([ethereum: try Quantity("700")]), now: monday))
        #expect(fromEthereum.venue == tzero && fromEthereum.fee == .zero && fromEthereum.minutes == 60)
    }

    @Test func onlyTheShortfallIsMovedAndNothingWhenTheAccountHasTooLittle() throws {
        // 60 already at tZERO's custodian, 60 in the wallet: selling 100 there moves 40.
        let held = positions([.custodian(tzero): try Quantity("60"), ethereum: try Quantity("60")])
        let plan = try #require(
            checks.transferPlan(try sell("100", include: [tzero]), book: nil, positions: held, now: monday))
        let forty = try Quantity("40")
        #expect(plan.venue == tzero && plan.quantity == forty && plan.moves.first?.from == ethereum)
        #expect(
            checks.sellableInPlace(try sell("100", include: [tzero]), positions: held, now: monday)
                == (try Quantity("60")))
        // 120 in all: 130 cannot be put anywhere.
        #expect(checks.transferPlan(try sell("130", include: [tzero]), book: nil, positions: held, now: monday) == nil)
        // A buy is never planned with a token transfer.
        var buy = try sell("10", include: [tzero])
        buy = ParentOrder(
            id: buy.id,
            request: {
                var r = buy.request
                r.side = .buy
                return r
            }(), createdAt: monday)
        #expect(checks.transferPlan(buy, book: nil, positions: held, now: monday) == nil)
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func movesNeverExceedWhatIsFreeAndPutExactlyTheShortfallAtTheVenue(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let locations: [CustodyLocation] = [
            ethereum, .wallet(chain: "plume"), .custodian(tzero), .custodian(try VenueID("inx")), .bank, .transit,
        ]
        let venues = catalog.venues(listing: acme).map(\.id)
        var planned = 0
        for n in 0..<1_500 {
            var tokens: [CustodyLocation: Quantity] = [:]
            for location in locations where random.below(2) == 0 {
                tokens[location] = Quantity(rawValue: Int64(random.below(200)) * Quantity.unit)
            }
            let held = positions(tokens)
            let include: Set<VenueID> = random.below(2) == 0 ? [venues[random.below(venues.count)]] : []
            let order = try sell("\(1 + random.below(300))", include: include)
            guard let plan = checks.transferPlan(order, book: nil, positions: held, now: monday) else {
                // None: no venue the order may use can be given the whole quantity from what is free.
                for venue in catalog.venues(listing: acme) where order.admitsVenue(venue.id) {
                    var moved = held
                    moved.sellable[venue.id] = order.quantity
                    guard
                        checks.eligibility(
                            of: venue, symbol: acme, side: .sell, quantity: order.quantity, positions: moved,
                            now: monday)
                            == nil
                    else { continue }
                    let target = venue.tokenLocation(acme)
                    let reachable = tokens.filter { $0.key != target && $0.key != .bank && $0.key != .transit }
                        .reduce(Int64(0)) { $0 + $1.value.rawValue }
                    #expect(
                        held.sellable(at: venue.id).rawValue >= order.quantity.rawValue
                            || held.sellable(at: venue.id).rawValue + reachable < order.quantity.rawValue,
                        "case \(n): \(venue.id) could have been given \(order.quantity)")
                }
                continue
            }
            planned += 1
            let venue = try #require(catalog.venue(plan.venue))
            #expect(order.admitsVenue(plan.venue), "case \(n)")
            // Exactly the shortfall at the venue, from distinct locations, none from the bank or in transit.
            #expect(
                plan.quantity.rawValue == order.quantity.rawValue - held.sellable(at: plan.venue).rawValue, "case \(n)")
            #expect(Set(plan.moves.map(\.from)).count == plan.moves.count, "case \(n)")
            for move in plan.moves {
                #expect(move.to == venue.tokenLocation(acme) && move.from != move.to, "case \(n)")
                #expect(move.from != .bank && move.from != .transit, "case \(n)")
                #expect(move.quantity.isPositive && move.quantity <= tokens[move.from]!, "case \(n)")
                let hops = CustodyTransfer.route(
                    from: move.from, to: move.to, catalog: catalog, settings: configuration.settlementSettings)
                #expect(move.fee.rawValue == hops.reduce(0) { $0 + $1.fee.rawValue }, "case \(n)")
                #expect(move.minutes == hops.reduce(0) { $0 + $1.minutes }, "case \(n)")
            }
        }
        #expect(planned > 300, "\(planned) of 1 500 cases planned a transfer")
    }
}
