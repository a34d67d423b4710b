import ATSDomain
import ATSJournalTestSupport
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation
import Testing

@testable import ATSRouter

/// The desk with its journal: opening balances written once, settlement resumed by a new process
/// on the same journal, and a journal that no longer adds up refused at start.
@Suite struct SettlementDeskTests {
    let start = Timestamp(secondsSinceEpoch: 1_795_446_000)  // 2026-11-23 (Monday) 15:00 UTC

    func fill(_ id: String, _ account: String, _ venue: String, _ symbol: String, _ quantity: String, _ price: String)
        throws -> TradeExecution
    {
        TradeExecution(
            venue: try VenueID(venue), fillId: id, orderId: 1, childKey: "k", childNumber: 1,
            account: try AccountID(account),
            symbol: try Symbol(symbol), side: .buy, quantity: try Quantity(quantity), price: try Price(price),
            fee: .zero, at: start)
    }

    /// The repository's venues and accounts, four-step counterparties failing this often.
    func setup(fourStepFailuresPer10000 failures: Int) throws -> (VenueCatalog, RouterConfiguration) {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        var settings = configuration.settlementSettings
        settings.fourStepFailuresPer10000 = failures
        configuration.settlement = settings
        return (catalog, configuration)
    }

    @Test(arguments: JournalBackend.all)
    func anInstructedSettlementIsResumedByTheNextProcess(backend: JournalBackend) throws {
        let (catalog, configuration) = try setup(fourStepFailuresPer10000: 0)
        let (journal, made) = try temporaryJournal(backend)
        let clock = ManualClock(start)
        let first = try SettlementDesk(catalog: catalog, configuration: configuration, journal: journal, clock: clock)
        let opened = try journal.loadSettlement().entries.count
        #expect(opened > 0)
        try first.commit(
            UnitOfWork(), fills: [try fill("of-1", "bob", "openfinance", "CFX", "100", "5.00")], reservations: [])
        #expect(first.book().settlements.map(\.status) == [.instructed])
        // The process stops; another opens the same journal: the same book, and nothing issued twice.
        let second = try SettlementDesk(
            catalog: catalog, configuration: configuration, journal: try made.reopen(), clock: clock)
        #expect(second.book().settlements == first.book().settlements)
        #expect(second.book().ledger.balances == first.book().ledger.balances)
        #expect(try journal.loadSettlement().entries.filter { $0.reference.hasPrefix("genesis") }.count == opened)
        // The counterparty settles within 30 minutes; the second process carries it through, durably.
        try second.advance(to: start.adding(seconds: 30 * 60))
        #expect(try second.wholeBook().settlements.map(\.status) == [.settled])
        #expect(try journal.loadSettlement().settlements.map(\.status) == ["settled"])
        #expect(second.book().invariantViolations() == [])
        #expect(try second.wholeBook().invariantViolations() == [])
        // Settled, it has left the desk's memory; the counts still have it.
        #expect(second.book().settlements.isEmpty)
        #expect(second.statistics().settlements(in: .settled) == 1)
    }

    @Test(arguments: JournalBackend.all)
    func aJournalWhoseLedgerDoesNotAddUpIsRefusedAtStart(backend: JournalBackend) throws {
        let catalog = try Repository.catalog()
        let configuration = try Repository.configuration(catalog)
        let (journal, made) = try temporaryJournal(backend)
        _ = try SettlementDesk(
            catalog: catalog, configuration: configuration, journal: journal, clock: ManualClock(start))
        // An entry taking from a balance that never held it.
        var change = UnitOfWork()
        change.ledgerEntries = [
            LedgerEntryRow(
                at: 0, asset: "token:ACME", amount: 1, fromHolder: "nobody", fromLocation: "bank",
                fromLocked: false, toHolder: "alice", toLocation: "bank", toLocked: false, reference: "forged")
        ]
        try journal.commit(change)
        #expect(throws: (any Error).self) {
            _ = try SettlementDesk(
                catalog: catalog, configuration: configuration, journal: try made.reopen(),
                clock: ManualClock(start))
        }
    }

    /// Over a journal the desk holds only open work and reads the rest back: every page of every
    /// query it answers from the journal is the page the whole book answers, across a seeded day of
    /// fills on every venue, custody transfers and time passing; and what it holds stays small.
    @Test(arguments: JournalBackend.all)
    func pagesReadFromTheJournalAreThePagesOfTheWholeBook(backend: JournalBackend) throws {
        let (catalog, configuration) = try setup(fourStepFailuresPer10000: 2_000)
        let (journal, _) = try temporaryJournal(backend)
        let clock = ManualClock(start)
        let desk = try SettlementDesk(catalog: catalog, configuration: configuration, journal: journal, clock: clock)
        var random = SplitMix64(seed: 11)
        let accounts = configuration.accounts.map(\.id)
        var now = start
        var largestHeld = 0
        for step in 0..<400 {
            now = now.adding(seconds: Int64(random.below(20 * 60)))
            clock.set(now)
            let account = accounts[random.below(accounts.count)]
            if random.below(10) == 0 {
                let free = desk.freeHoldings(account, try Symbol("ACME")).filter { $0.location != .transit }
                if let pick = free.first {
                    _ = try? desk.requestTransfer(
                        account: account, symbol: try Symbol("ACME"), quantity: Quantity(rawValue: Quantity.unit),
                        from: pick.location,
                        to: pick.location == .custodian(try VenueID("tzero"))
                            ? .wallet(chain: "ethereum") : .custodian(try VenueID("tzero")))
                }
            } else {
                let venue = catalog.venues[random.below(catalog.venues.count)]
                let listing = venue.listings[random.below(venue.listings.count)]
                let execution = TradeExecution(
                    venue: venue.id, fillId: "f\(step)", orderId: UInt64(1 + random.below(40)), childKey: "k\(step)",
                    childNumber: 1,
                    fillIndex: 0, account: account, symbol: listing.symbol, side: random.below(2) == 0 ? .buy : .sell,
                    quantity: Quantity(rawValue: Int64(1 + random.below(50)) * Quantity.unit),
                    price: listing.referencePrice, fee: .zero, at: now)
                try desk.commit(UnitOfWork(), fills: [execution], reservations: [])
            }
            try desk.advance(to: now)
            largestHeld = max(largestHeld, desk.book().settlements.count + desk.book().transfers.count)
        }
        let whole = try desk.wholeBook()
        #expect(whole.settlements.count > 250)
        #expect(
            whole.transfers.filter { $0.settlementId == nil }.count > 10
                && whole.transfers.filter { $0.settlementId != nil }.count > 10)
        #expect(largestHeld < whole.settlements.count / 4, "held at most \(largestHeld) of \(whole.settlements.count)")
        #expect(desk.statistics() == whole.statistics())
        #expect(desk.book().invariantViolations() == [] && whole.invariantViolations() == [])
        var mismatches: [String] = []
        for _ in 0..<40 {
            var query = SettlementBook.Query(limit: [4, 25, 1_000][random.below(3)])
            if random.below(4) != 0 { query.account = accounts[random.below(accounts.count)] }
            if random.below(3) == 0 { query.order = UInt64(1 + random.below(40)) }
            if random.below(3) == 0 { query.status = SettlementRecord.Status.allCases[random.below(4)] }
            // The first pages, then (as a cursor from further back would) pages from a random point on.
            for page in 0..<8 {
                let fromJournal = try desk.settlements(query)
                let fromBook = whole.select(query)
                if fromJournal != fromBook {
                    mismatches.append(
                        "\(query): \(fromJournal.settlements.map(\.id)) vs \(fromBook.settlements.map(\.id))")
                }
                guard fromBook.more, let last = fromBook.settlements.last else { break }
                query.before = page == 3 ? Int64(1 + random.below(Int(last.id))) : last.id
            }
        }
        #expect(mismatches == [])
    }
}
