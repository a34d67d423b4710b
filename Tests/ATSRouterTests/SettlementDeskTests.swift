import ATSDomain
@testable import ATSRouter
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation
import Testing

/// The desk with its journal: opening balances written once, settlement resumed by a new process
/// on the same journal, and a journal that no longer adds up refused at start.
@Suite struct SettlementDeskTests {
    let start = Timestamp(secondsSinceEpoch: 1_795_446_000)  // 2026-11-23 (Monday) 15:00 UTC

    func fill(_ id: String, _ account: String, _ venue: String, _ symbol: String, _ quantity: String, _ price: String) throws -> TradeExecution {
        TradeExecution(venue: try VenueID(venue), fillId: id, orderId: 1, childKey: "k", account: try AccountID(account),
                       symbol: try Symbol(symbol), side: .buy, quantity: try Quantity(quantity), price: try Price(price), fee: .zero, at: start)
    }

    @Test func anInstructedSettlementIsResumedByTheNextProcess() throws {
        let catalog = try Repository.catalog()
        var configuration = try Repository.configuration(catalog)
        var settings = configuration.settlementSettings
        settings.fourStepFailuresPer10000 = 0
        configuration.settlement = settings
        let (journal, path) = try temporaryJournal()
        let clock = ManualClock(start)
        let first = try SettlementDesk(catalog: catalog, configuration: configuration, journal: journal, clock: clock)
        let opened = try journal.loadSettlement().entries.count
        #expect(opened > 0)
        try first.commit(JournalChange(), fills: [try fill("of-1", "bob", "openfinance", "CFX", "100", "5.00")], reservations: [])
        #expect(first.book().settlements.map(\.status) == [.instructed])
        // The process stops; another opens the same journal: the same book, and nothing issued twice.
        let second = try SettlementDesk(catalog: catalog, configuration: configuration, journal: try Journal(path: path), clock: clock)
        #expect(second.book().settlements == first.book().settlements)
        #expect(second.book().ledger.balances == first.book().ledger.balances)
        #expect(try journal.loadSettlement().entries.filter { $0.reference.hasPrefix("genesis") }.count == opened)
        // The counterparty settles within 30 minutes; the second process carries it through, durably.
        try second.advance(to: start.adding(seconds: 30 * 60))
        #expect(second.book().settlements.map(\.status) == [.settled])
        #expect(try journal.loadSettlement().settlements.map(\.status) == ["settled"])
        #expect(second.book().invariantViolations() == [])
    }

    @Test func aJournalWhoseLedgerDoesNotAddUpIsRefusedAtStart() throws {
        let catalog = try Repository.catalog()
        let configuration = try Repository.configuration(catalog)
        let (journal, path) = try temporaryJournal()
        _ = try SettlementDesk(catalog: catalog, configuration: configuration, journal: journal, clock: ManualClock(start))
        // An entry taking from a balance that never held it.
        var change = JournalChange()
        change.ledgerEntries = [LedgerEntryRow(at: 0, asset: "token:ACME", amount: 1, fromHolder: "nobody", fromLocation: "bank",
                                               fromLocked: false, toHolder: "alice", toLocation: "bank", toLocked: false, reference: "forged")]
        try journal.apply(change)
        #expect(throws: (any Error).self) {
            _ = try SettlementDesk(catalog: catalog, configuration: configuration, journal: try Journal(path: path), clock: ManualClock(start))
        }
    }
}
