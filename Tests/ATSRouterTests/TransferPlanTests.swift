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

    func buy(_ quantity: String, limit: String = "9.00", include: Set<VenueID>) throws -> ParentOrder {
        let order = try sell(quantity, limit: limit, include: include)
        var request = order.request
        request.side = .buy
        return ParentOrder(id: order.id, request: request, createdAt: monday)
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
        #expect(none.summary(expected: monday).contains("20 min (expected by 2026-11-23T15:00Z)"))
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
        #expect(checks.transferPlan(try buy("10", include: [tzero]), book: nil, positions: held, now: monday) == nil)
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

    @Test func aBuyShortOfCashWhereTheVenueSettlesIsPlannedWithAConversionSizedToTheCent() throws {
        // alice: USD at INX's custodian, no USDC in her Ethereum wallet where Securitize settles.
        var held = positions([:])
        let inx = try VenueID("inx")
        held.spendable = [inx: try Money("500000")]
        held.cash = [.init(.usd, at: .custodian(inx)): try Money("500000")]
        let order = try buy("100", limit: "10.50", include: [securitize])
        #expect(!checks.payableInPlace(order, positions: held, now: monday))
        let bids: [VenueID: String] = [:]
        var book = try book(bids: bids)
        let ask = try Price("10.00")
        let venue = try #require(catalog.venue(securitize))
        book.asks = [
            .init(
                venue: securitize, price: ask, quantity: try Quantity("100"),
                allInPrice: allInPrice(ask, fee: venue.takerFee(for: .buy), side: .buy))
        ]
        let plan = try #require(checks.cashPlan(order, book: book, positions: held, now: monday))
        let conversion = try #require(plan.conversion)
        #expect(plan.venue == securitize && plan.moves.isEmpty)
        #expect(conversion.venue == inx && conversion.from == .usd && conversion.to == .usdc)
        #expect(conversion.fromLocation == .custodian(inx) && conversion.toLocation == ethereum)
        // The greatest cost at Securitize: 100 × 10.50 × 1.005 = 1 055.25 USDC, plus the 10 bps margin
        // (1.05525001, rounded up) = 1 056.30525001. At 0.9998 USD per USDC less 10 bps: 1 057.15 USD
        // gives 1 057.36147229 gross, fee 1.05736148, 1 056.30411081 received: a cent short; 1 057.16 is enough.
        #expect(conversion.amount == (try Money("1057.16")))
        #expect(conversion.received >= (try Money("1056.30525001")))
        let pair = try #require(catalog.venue(inx)?.conversions?.first)
        let less = try #require(
            CashConversion.outcome(try Money("1057.15"), from: .usd, pair: pair, price: pair.price))
        #expect(less.received < (try Money("1056.30525001")))
        // The plan buys 100 at 10.00 plus Securitize's 50 bps, with the conversion's fee in the all-in price.
        let expected = (Int128(100_500_000_000) + Int128(conversion.fee.rawValue)) * 100_000_000 / 100
        #expect(plan.allInPrice?.rawValue == Int64(expected / 100_000_000))
        #expect(plan.summary(expected: monday).contains("cash conversion at inx: 1057.16 USD"))
        // Not onboarded at INX: no conversion there, so no plan.
        var unknown = held
        unknown.account.kyc["inx"] = .pending
        #expect(checks.cashPlan(order, book: book, positions: unknown, now: monday) == nil)
        // Too little USD: no plan.
        var poor = held
        poor.cash = [.init(.usd, at: .custodian(inx)): try Money("1000")]
        #expect(checks.cashPlan(order, book: book, positions: poor, now: monday) == nil)
    }
}
