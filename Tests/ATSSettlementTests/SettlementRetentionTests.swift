import ATSDomain
import ATSSettlement
import ATSVenues
import Testing

/// A book that keeps only open work (`Retention.open`, the router's over a journal) against one
/// that keeps everything, driven in lockstep by the same seeded flow: the same changes for the
/// journal, the same ledgers and cap table, the same counts, the open book holding exactly the
/// other's open records, and both rebuilt alike from what the journal would keep.
@Suite struct SettlementRetentionTests {
    @Test(arguments: [UInt64(7), 8])
    func anOpenBookIsTheWholeBookLessWhatIsFinished(seed: UInt64) throws {
        let catalog = try Repository.catalog()
        let start = utc("2026-11-16T14:00")
        var whole = try openBook(at: start, catalog: catalog) { $0.fourStepFailuresPer10000 = 1_500 }
        var open = SettlementBook(catalog: catalog, configuration: whole.configuration, retention: .open)
        open.openLedgers(at: start)
        var kept = SettlementRandomTests.Kept()
        var keptOpen = SettlementRandomTests.Kept()
        kept.collect(&whole)
        keptOpen.collect(&open)
        var random = SplitMix64(seed: seed)
        let accounts = whole.configuration.accounts.map(\.id)
        var now = start
        var mismatches: [String] = []
        var largestHeld = 0
        for step in 0..<1_500 {
            now = now.adding(seconds: Int64(random.below(40 * 60)))
            var twin = random
            if random.below(12) == 0 {
                _ = twin.below(12)
                let account = accounts[random.below(accounts.count)]
                _ = twin.below(accounts.count)
                SettlementRandomTests.requestRandomTransfer(&whole, account: account, random: &random, at: now)
                SettlementRandomTests.requestRandomTransfer(&open, account: account, random: &twin, at: now)
            } else {
                _ = twin.below(12)
                SettlementRandomTests.recordRandomExecution(
                    &whole, step: step, accounts: accounts, catalog: catalog, random: &random, at: now)
                SettlementRandomTests.recordRandomExecution(
                    &open, step: step, accounts: accounts, catalog: catalog, random: &twin, at: now)
            }
            whole.advance(to: now)
            open.advance(to: now)
            let before = (kept.settlements.count, kept.transfers.count, kept.entries.count)
            kept.collect(&whole)
            keptOpen.collect(&open)
            if (kept.settlements.count, kept.transfers.count, kept.entries.count) != (
                keptOpen.settlements.count, keptOpen.transfers.count, keptOpen.entries.count
            )
                || kept.entries.count != before.2
                    && kept.entries.suffix(kept.entries.count - before.2)
                        != keptOpen.entries.suffix(kept.entries.count - before.2)
            {
                mismatches.append("step \(step): the journal would see different changes")
            }
            largestHeld = max(largestHeld, open.settlements.count + open.transfers.count)
            guard step % 25 == 0 else { continue }
            if open.ledger.balances != whole.ledger.balances || open.capTable.lots != whole.capTable.lots {
                mismatches.append("step \(step): ledgers differ")
            }
            if open.statistics() != whole.statistics() { mismatches.append("step \(step): counts differ") }
            if open.settlements != whole.settlements.filter({ !$0.status.isTerminal }) {
                mismatches.append("step \(step): open settlements differ")
            }
            if open.transfers != whole.transfers.filter({ !$0.status.isTerminal }) {
                mismatches.append("step \(step): open transfers differ")
            }
            mismatches += open.invariantViolations().map { "step \(step): \($0)" }
        }
        #expect(mismatches == [])
        #expect(kept.settlements == keptOpen.settlements && kept.transfers == keptOpen.transfers)
        // What it let go of is most of the day: well over a thousand settlements, a few dozen held at most.
        #expect(whole.settlements.count > 1_000)
        #expect(largestHeld < whole.settlements.count / 4, "held at most \(largestHeld)")
        #expect(open.retired.settlementCount + open.settlements.count == whole.settlements.count)
        #expect(open.lastSettlementId == whole.lastSettlementId && open.lastTransferId == whole.lastTransferId)

        // Rebuilt from the journal's rows, each keeps what its retention says.
        let records = kept.settlements.values.sorted { $0.id < $1.id }
        let transfers = kept.transfers.values.sorted { $0.id < $1.id }
        let reopened = try SettlementBook(
            catalog: catalog, configuration: whole.configuration, retention: .open, entries: kept.entries,
            reports: kept.reports, settlements: records, transfers: transfers)
        #expect(reopened.settlements == open.settlements && reopened.transfers == open.transfers)
        #expect(reopened.statistics() == open.statistics() && reopened.retired == open.retired)
        #expect(reopened.ledger.balances == open.ledger.balances)
        #expect(reopened.invariantViolations() == [])
    }

    /// A settlement that has left the book still counts in the invariants, as it was when it left:
    /// a journal whose settled record claims a fee the fee collector never received is caught by
    /// a book that only counts that record.
    @Test func aRetiredSettlementStillCountsInTheInvariants() throws {
        var open = try openBook()
        open = SettlementBook(catalog: open.catalog, configuration: open.configuration, retention: .open)
        open.openLedgers(at: utc("2026-11-20T15:00"))
        var kept = SettlementRandomTests.Kept()
        kept.collect(&open)
        // Securitize: three-step, T+0 atomic: settled at once, then retired when the change is taken.
        open.record(execution("alice", .buy, "10", "ACME", at: "securitize", price: "10.00", fee: "0.50"))
        kept.collect(&open)
        #expect(open.settlements.isEmpty && open.lastSettlementId == 1)
        #expect(open.retired.settlements(in: .settled) == 1 && open.retired.feesCharged == amount("0.50"))
        #expect(open.invariantViolations() == [])
        func reopened(_ settlements: [SettlementRecord]) throws -> SettlementBook {
            try SettlementBook(
                catalog: open.catalog, configuration: open.configuration, retention: .open, entries: kept.entries,
                reports: kept.reports, settlements: settlements, transfers: [])
        }
        let record = try #require(kept.settlements[1])
        #expect(try reopened([record]).invariantViolations() == [])
        var tampered = record
        tampered.fee = try Money("5.00")
        #expect(
            try reopened([tampered]).invariantViolations().contains { $0.hasPrefix("cash not conserved net of fees") })
        var unexplained = record
        unexplained.status = .failed
        unexplained.failure = nil
        #expect(try reopened([unexplained]).invariantViolations().contains("settlement 1 failed without a reason"))
    }
}
