import ATSDomain
import ATSSettlement
import ATSVenues
import Testing

/// Seeded random flows: thousands of executions on every venue, model and account, custody
/// transfers, and time passing in random steps. The invariants hold after every step; every
/// settlement and transfer ends terminal; the state rebuilt from what the journal would keep is
/// the same; and each account's holdings equal a brute-force sum over its settled trades.
@Suite struct SettlementRandomTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func randomFlowsKeepEveryInvariant(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let catalog = try Repository.catalog()
        let start = utc("2026-11-16T14:00")
        var book = try openBook(at: start, catalog: catalog) { $0.fourStepFailuresPer10000 = 1_500 }
        let configuration = book.configuration
        let accounts = configuration.accounts.map(\.id)
        var now = start
        var entries: [LedgerEntry] = []
        var reports: [TransferAgentReport] = []
        var settlements: [Int64: SettlementRecord] = [:]
        var transfers: [Int64: CustodyTransfer] = [:]
        func collect() {
            let change = book.takeChange()
            entries += change.entries
            reports += change.reports
            for record in change.settlements { settlements[record.id] = record }
            for transfer in change.transfers { transfers[transfer.id] = transfer }
        }
        collect()
        for step in 0..<2_000 {
            now = now.adding(seconds: Int64(random.below(40 * 60)))
            if random.below(12) == 0 {
                // Position some tokens elsewhere.
                let account = accounts[random.below(accounts.count)]
                let held = book.ledger.balances(of: Holder(account)).filter { $0.key.asset.isToken && $0.balance.available > 0 && $0.key.location != .transit }
                if let pick = held.randomElement(using: &random), case .token(let symbol) = pick.key.asset {
                    let destinations = ["wallet:ethereum", "wallet:plume", "wallet:hedera", "custodian:tzero", "custodian:archax"]
                    let to = CustodyLocation(destinations[random.below(destinations.count)])!
                    let quantity = Quantity(rawValue: max(1, pick.balance.available / Quantity.unit / 2) * Quantity.unit)
                    _ = try? book.requestTransfer(account: account, symbol: symbol, quantity: quantity, from: pick.key.location, to: to, at: now)
                }
            } else {
                let venue = catalog.venues[random.below(catalog.venues.count)]
                let listing = venue.listings[random.below(venue.listings.count)]
                let quantity = Quantity(rawValue: Int64(1 + random.below(300)) * Quantity.unit)
                let price = Price(rawValue: listing.referencePrice.rawValue + Int64(random.below(41)) * 1_000_000 - 20_000_000)
                let notional = try Money.notional(price: price, quantity: quantity)
                let fee = Money(rawValue: notional.rawValue / 10_000 * Int64(random.below(200)))
                book.record(TradeExecution(venue: venue.id, fillId: "r\(step)", orderId: UInt64(step), childKey: "k\(step)",
                                           account: accounts[random.below(accounts.count)], symbol: listing.symbol,
                                           side: random.below(2) == 0 ? .buy : .sell, quantity: quantity, price: price, fee: fee, at: now))
            }
            book.advance(to: now)
            collect()
            if step % 50 == 0 { #expect(book.invariantViolations() == [], "step \(step)") }
        }
        book.advance(to: now.adding(seconds: 10 * 86_400))
        collect()
        #expect(book.invariantViolations() == [])
        #expect(book.settlements.allSatisfy { $0.status.isTerminal })
        #expect(book.transfers.allSatisfy { $0.status.isTerminal })
        // Every path is exercised.
        for model in [VenueDefinition.SettlementModel.threeStep, .fourStep, .custodialBookEntry] {
            #expect(book.settlements.contains { $0.model == model && $0.status == .settled }, "\(model) settled")
        }
        let failures = Set(book.settlements.compactMap(\.failure?.code))
        #expect(failures.isSuperset(of: ["counterparty_fail", "insufficient_holding", "insufficient_cash"]), "\(failures)")
        #expect(book.transfers.contains { $0.status == .completed && $0.hops.count >= 2 })

        // Rebuilt from the journal's rows: the same state.
        let rebuilt = try SettlementBook(catalog: catalog, configuration: configuration, entries: entries, reports: reports,
                                         settlements: settlements.values.sorted { $0.id < $1.id },
                                         transfers: transfers.values.sorted { $0.id < $1.id })
        #expect(rebuilt.ledger.balances == book.ledger.balances)
        #expect(rebuilt.capTable.lots == book.capTable.lots)
        #expect(rebuilt.settlements == book.settlements && rebuilt.transfers == book.transfers)

        // Brute force: opening holdings plus settled buys minus settled sells, per account and security.
        for account in configuration.accounts {
            for security in configuration.securities {
                var expected = account.holding(of: security.symbol).rawValue
                for record in book.settlements where record.account == account.id && record.symbol == security.symbol && record.status == .settled {
                    expected += record.side == .buy ? record.quantity.rawValue : -record.quantity.rawValue
                }
                #expect(book.capTable.quantity(of: Holder(account.id), in: security.symbol).rawValue == expected,
                        "\(account.id) \(security.symbol)")
                #expect(book.ledger.total(Holder(account.id), .token(security.symbol)) == expected)
            }
            // Cash: the opening balances plus the net cash of every settled trade, less bridge fees.
            var cash = (account.cash ?? []).reduce(Int64(0)) { $0 + $1.amount.rawValue }
            for record in book.settlements where record.account == account.id && record.status == .settled { cash += record.netCash.rawValue }
            for transfer in book.transfers where transfer.account == account.id {
                cash -= transfer.hops.filter { $0.startedAt != nil }.reduce(Int64(0)) { $0 + $1.fee.rawValue }
            }
            let held = CashAsset.allCases.reduce(Int64(0)) { $0 + book.ledger.total(Holder(account.id), .cash($1)) }
            #expect(held == cash, "\(account.id) cash")
        }
    }
}
