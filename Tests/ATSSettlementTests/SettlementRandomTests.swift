import ATSDomain
import ATSSettlement
import ATSVenues
import Testing

/// Seeded random flows: thousands of executions on every venue, model and account, custody
/// transfers, and time passing in random steps. The invariants hold after every step; every
/// settlement and transfer ends terminal; the state rebuilt from what the journal would keep is
/// the same; and each account's holdings equal a brute-force sum over its settled trades.
///
/// The flow and each check are their own functions: the test's frame stays small (Swift Testing
/// runs tests on the cooperative pool's threads, whose stacks are small in debug builds).
@Suite struct SettlementRandomTests {
    /// What a journal would keep of a flow: entries and reports in order, records in their latest state.
    struct Kept {
        var entries: [LedgerEntry] = []
        var reports: [TransferAgentReport] = []
        var settlements: [Int64: SettlementRecord] = [:]
        var transfers: [Int64: CustodyTransfer] = [:]

        mutating func collect(_ book: inout SettlementBook) {
            let change = book.takeChange()
            entries += change.entries
            reports += change.reports
            for record in change.settlements { settlements[record.id] = record }
            for transfer in change.transfers { transfers[transfer.id] = transfer }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomFlowsKeepEveryInvariant(seed: UInt64) throws {
        let catalog = try Repository.catalog()
        var (book, kept, violations) = try Self.flow(seed: seed, catalog: catalog)
        #expect(violations == [])
        book.advance(to: book.settlements.map(\.tradedAt).max()!.adding(seconds: 10 * 86_400))
        kept.collect(&book)
        try Self.checkFinal(book, kept: kept, catalog: catalog)
        Self.checkBruteForce(book)
    }

    /// 2,000 random steps; the invariants checked every 50 (the breaches found, by step).
    static func flow(seed: UInt64, catalog: VenueCatalog) throws -> (SettlementBook, Kept, [String]) {
        var random = SplitMix64(seed: seed)
        let start = utc("2026-11-16T14:00")
        var book = try openBook(at: start, catalog: catalog) { $0.fourStepFailuresPer10000 = 1_500 }
        let accounts = book.configuration.accounts.map(\.id)
        var now = start
        var kept = Kept()
        var violations: [String] = []
        kept.collect(&book)
        for step in 0..<2_000 {
            now = now.adding(seconds: Int64(random.below(40 * 60)))
            if random.below(12) == 0 {
                requestRandomTransfer(&book, account: accounts[random.below(accounts.count)], random: &random, at: now)
            } else {
                recordRandomExecution(&book, step: step, accounts: accounts, catalog: catalog, random: &random, at: now)
            }
            book.advance(to: now)
            kept.collect(&book)
            if step % 50 == 0 { violations += book.invariantViolations().map { "step \(step): \($0)" } }
        }
        return (book, kept, violations)
    }

    /// Positions some of an account's free tokens elsewhere (refusals are part of the flow).
    static func requestRandomTransfer(
        _ book: inout SettlementBook, account: AccountID, random: inout SplitMix64, at now: Timestamp
    ) {
        let held = book.ledger.balances(of: Holder(account)).filter {
            $0.key.asset.isToken && $0.balance.available > 0 && $0.key.location != .transit
        }
        guard let pick = held.randomElement(using: &random), case .token(let symbol) = pick.key.asset else { return }
        let destinations = ["wallet:ethereum", "wallet:plume", "wallet:hedera", "custodian:tzero", "custodian:archax"]
        let to = CustodyLocation(destinations[random.below(destinations.count)])!
        let quantity = Quantity(rawValue: max(1, pick.balance.available / Quantity.unit / 2) * Quantity.unit)
        _ = try? book.requestTransfer(
            account: account, symbol: symbol, quantity: quantity, from: pick.key.location, to: to, at: now)
    }

    static func recordRandomExecution(
        _ book: inout SettlementBook, step: Int, accounts: [AccountID], catalog: VenueCatalog,
        random: inout SplitMix64, at now: Timestamp
    ) {
        let venue = catalog.venues[random.below(catalog.venues.count)]
        let listing = venue.listings[random.below(venue.listings.count)]
        let quantity = Quantity(rawValue: Int64(1 + random.below(300)) * Quantity.unit)
        let price = Price(rawValue: listing.referencePrice.rawValue + Int64(random.below(41)) * 1_000_000 - 20_000_000)
        let notional = (try? Money.notional(price: price, quantity: quantity)) ?? .zero
        let fee = Money(rawValue: notional.rawValue / 10_000 * Int64(random.below(200)))
        book.record(
            TradeExecution(
                venue: venue.id, fillId: "r\(step)", orderId: UInt64(step), childKey: "k\(step)", childNumber: 1,
                account: accounts[random.below(accounts.count)], symbol: listing.symbol,
                side: random.below(2) == 0 ? .buy : .sell, quantity: quantity, price: price, fee: fee, at: now))
    }

    /// Terminal states, every path exercised, and the book rebuilt from the kept rows equal to the live one.
    static func checkFinal(_ book: SettlementBook, kept: Kept, catalog: VenueCatalog) throws {
        #expect(book.invariantViolations() == [])
        #expect(book.settlements.allSatisfy { $0.status.isTerminal })
        #expect(book.transfers.allSatisfy { $0.status.isTerminal })
        for model in [VenueDefinition.SettlementModel.threeStep, .fourStep, .custodialBookEntry] {
            #expect(book.settlements.contains { $0.model == model && $0.status == .settled }, "\(model) settled")
        }
        let failures = Set(book.settlements.compactMap(\.failure?.code))
        #expect(
            failures.isSuperset(of: ["counterparty_fail", "insufficient_holding", "insufficient_cash"]), "\(failures)")
        #expect(book.transfers.contains { $0.status == .completed && $0.hops.count >= 2 })
        let rebuilt = try SettlementBook(
            catalog: catalog, configuration: book.configuration, entries: kept.entries, reports: kept.reports,
            settlements: kept.settlements.values.sorted { $0.id < $1.id },
            transfers: kept.transfers.values.sorted { $0.id < $1.id })
        #expect(rebuilt.ledger.balances == book.ledger.balances)
        #expect(rebuilt.capTable.lots == book.capTable.lots)
        #expect(rebuilt.settlements == book.settlements && rebuilt.transfers == book.transfers)
    }

    /// Each account: opening holdings plus settled buys minus settled sells, per security; cash the
    /// opening balances plus the net cash of every settled trade, less bridge fees.
    static func checkBruteForce(_ book: SettlementBook) {
        for account in book.configuration.accounts {
            for security in book.configuration.securities {
                var expected = account.holding(of: security.symbol).rawValue
                for record in book.settlements
                where record.account == account.id && record.symbol == security.symbol && record.status == .settled {
                    expected += record.side == .buy ? record.quantity.rawValue : -record.quantity.rawValue
                }
                #expect(
                    book.capTable.quantity(of: Holder(account.id), in: security.symbol).rawValue == expected,
                    "\(account.id) \(security.symbol)")
                #expect(book.ledger.total(Holder(account.id), .token(security.symbol)) == expected)
            }
            var cash = (account.cash ?? []).reduce(Int64(0)) { $0 + $1.amount.rawValue }
            for record in book.settlements where record.account == account.id && record.status == .settled {
                cash += record.netCash.rawValue
            }
            for transfer in book.transfers where transfer.account == account.id {
                cash -= transfer.hops.filter { $0.startedAt != nil }.reduce(Int64(0)) { $0 + $1.fee.rawValue }
            }
            let held = CashAsset.allCases.reduce(Int64(0)) { $0 + book.ledger.total(Holder(account.id), .cash($1)) }
            #expect(held == cash, "\(account.id) cash")
        }
    }
}
