import ATSDomain
import ATSSettlement
import ATSVenues
import Testing

/// Each settlement model on a hand-computed case against the repository's venues and accounts.
@Suite struct SettlementModelTests {
    @Test func threeStepIsAtomicDvPAtTheMatch() throws {
        var book = try openBook()
        let usdc = book.available("alice", "cash:USDC", "wallet:ethereum")
        // Securitize: three-step, T+0 atomic, on Ethereum; 10 ACME at 10.00 with a 50 bp fee of 0.50.
        book.record(execution("alice", .buy, "10", "ACME", at: "securitize", price: "10.00", fee: "0.50"))
        let record = try #require(book.settlements.first)
        #expect(record.model == .threeStep && record.status == .settled)
        #expect(record.steps.map(\.status) == [.pending, .instructed, .settled])
        #expect(book.available("alice", "cash:USDC", "wallet:ethereum") == usdc - amount("100.50"))
        #expect(
            book.available("street@securitize", "cash:USDC", "wallet:ethereum") == amount("10000000000") + amount("100")
        )
        #expect(book.available("fees@securitize", "cash:USDC", "wallet:ethereum") == amount("0.50"))
        #expect(book.available("alice", "token:ACME", "wallet:ethereum") == amount("710"))
        #expect(book.locked("alice", "cash:USDC", "wallet:ethereum") == 0)
        // Already at alice's designated custody (her wallet on ACME's home chain): no transfer.
        #expect(record.transferId == nil && book.transfers.isEmpty)
        let lots = book.capTable.lots(of: Holder(rawValue: "alice"), in: try Symbol("ACME"))
        #expect(lots.map(\.quantity) == [try Quantity("500"), try Quantity("200"), try Quantity("10")])
        #expect(lots.last?.acquiredOn == CalendarDate("2026-11-20"))
        #expect(book.invariantViolations() == [])
    }

    @Test func custodialBookEntryThenWithdrawalToTheDesignatedWallet() throws {
        var book = try openBook()
        let start = utc("2026-11-20T15:00")
        book.record(execution("alice", .buy, "20", "ACME", at: "tzero", price: "10.02", time: start))
        let record = try #require(book.settlements.first)
        #expect(
            record.model == .custodialBookEntry && record.status == .settled
                && record.tokenLocation.description == "custodian:tzero")
        #expect(book.available("alice", "cash:USD", "custodian:tzero") == amount("1000000") - amount("200.40"))
        // Settled at the custodian, then withdrawn to alice's Ethereum wallet (60 minutes).
        let transfer = try #require(book.transfers.first)
        #expect(record.transferId == transfer.id && transfer.status == .inFlight)
        #expect(transfer.hops.map(\.kind) == [.withdrawal] && transfer.location == .transit)
        #expect(book.available("alice", "token:ACME", "transit") == amount("20"))
        book.advance(to: start.adding(seconds: 59 * 60))
        #expect(book.transfers[0].status == .inFlight)
        book.advance(to: start.adding(seconds: 60 * 60))
        #expect(book.transfers[0].status == .completed && book.transfers[0].completedAt == start.adding(seconds: 3_600))
        #expect(book.available("alice", "token:ACME", "wallet:ethereum") == amount("720"))
        #expect(
            book.available("alice", "token:ACME", "custodian:tzero") == 0
                && book.available("alice", "token:ACME", "transit") == 0)
        #expect(book.invariantViolations() == [])
    }

    @Test func aBuyOnAnotherChainIsBridgedForItsFee() throws {
        var book = try openBook()
        let start = utc("2026-11-20T15:00")
        let bank = book.available("alice", "cash:USD", "bank")
        // Texture settles on Plume; ACME's home chain is Ethereum: a 20-minute bridge for 15.00 USD.
        book.record(execution("alice", .buy, "5", "ACME", at: "texture", price: "9.90", fee: "0.495", time: start))
        let transfer = try #require(book.transfers.first)
        #expect(transfer.hops.map(\.kind) == [.bridge] && transfer.hops[0].from.description == "wallet:plume")
        #expect(book.available("alice", "cash:USD", "bank") == bank - amount("15"))
        #expect(book.available("fees@bridge", "cash:USD", "bank") == amount("15"))
        book.advance(to: start.adding(seconds: 20 * 60))
        #expect(book.transfers[0].status == .completed)
        #expect(book.available("alice", "token:ACME", "wallet:ethereum") == amount("705"))
        #expect(book.invariantViolations() == [])
    }

    @Test func fourStepSettlesWhenThePartiesDoOrFailsAtTheDeadline() throws {
        let start = utc("2026-11-20T15:00")
        // Every counterparty settles, between 5 and 30 minutes after the match.
        var settles = try openBook { $0.fourStepFailuresPer10000 = 0 }
        settles.record(
            execution("bob", .buy, "100", "CFX", at: "openfinance", price: "5.00", fee: "12.50", time: start))
        #expect(settles.settlements[0].status == .instructed)
        #expect(settles.settlements[0].deadlineAt == start.adding(seconds: 24 * 3_600))
        #expect(settles.locked("bob", "cash:USD", "bank") == amount("512.50"))
        settles.advance(to: start.adding(seconds: 4 * 60))
        #expect(settles.settlements[0].status == .instructed)
        settles.advance(to: start.adding(seconds: 30 * 60))
        let settled = settles.settlements[0]
        #expect(settled.status == .settled)
        #expect(try #require(settled.settledAt) >= start.adding(seconds: 5 * 60))
        #expect(settles.available("bob", "cash:USD", "bank") == amount("50000") - amount("512.50"))
        #expect(settles.available("bob", "token:CFX", "wallet:ethereum") == amount("200"))
        // No counterparty ever settles: the trade fails at the deadline, closed out, nothing moved.
        var fails = try openBook { $0.fourStepFailuresPer10000 = 10_000 }
        fails.record(execution("bob", .buy, "100", "CFX", at: "openfinance", price: "5.00", fee: "12.50", time: start))
        fails.advance(to: start.adding(seconds: 24 * 3_600 - 1))
        #expect(fails.settlements[0].status == .instructed)
        fails.advance(to: start.adding(seconds: 24 * 3_600))
        let failed = fails.settlements[0]
        #expect(failed.status == .failed && failed.failure?.code == "counterparty_fail")
        #expect(failed.failure?.closeOut.contains("closed out") == true)
        #expect(
            fails.available("bob", "cash:USD", "bank") == amount("50000")
                && fails.locked("bob", "cash:USD", "bank") == 0)
        #expect(fails.available("bob", "token:CFX", "wallet:ethereum") == amount("100"))
        #expect(settles.invariantViolations() == [] && fails.invariantViolations() == [])
    }

    @Test func tPlusOneSettlesTheNextBusinessDay() throws {
        let catalog = try catalog(changing: "tzero") { $0.settlement.cycle = .t1 }
        // Friday 15:00 UTC: due Monday 15:00.
        var book = try openBook(catalog: catalog)
        book.record(execution("dave", .buy, "10", "ACME", at: "tzero", price: "10.00", time: utc("2026-11-20T15:00")))
        #expect(book.settlements[0].status == .instructed && book.settlements[0].dueAt == utc("2026-11-23T15:00"))
        book.advance(to: utc("2026-11-23T14:59"))
        #expect(book.settlements[0].status == .instructed)
        #expect(book.locked("dave", "cash:USD", "custodian:tzero") == amount("100"))
        book.advance(to: utc("2026-11-23T15:00"))
        #expect(book.settlements[0].status == .settled && book.settlements[0].settledAt == utc("2026-11-23T15:00"))
        // The acquisition date is the settlement date.
        #expect(
            book.capTable.lots(of: Holder(rawValue: "dave"), in: try Symbol("ACME")).last?.acquiredOn
                == CalendarDate("2026-11-23"))
        #expect(book.invariantViolations() == [])
    }

    @Test func transferRulesAreCheckedAgainAtSettlement() throws {
        // CFX allows at most 2,000 per holder. bob holds 100; two four-step buys of 1,500 and
        // 1,000 each pass alone, but whichever settles second would take him to 2,600.
        var book = try openBook { $0.fourStepFailuresPer10000 = 0 }
        let start = utc("2026-11-20T15:00")
        book.record(execution("bob", .buy, "1500", "CFX", at: "openfinance", price: "5.00", time: start))
        book.record(execution("bob", .buy, "1000", "CFX", at: "openfinance", price: "5.00", time: start))
        book.advance(to: start.adding(seconds: 3_600))
        let statuses = book.settlements.map(\.status)
        #expect(statuses.filter { $0 == .settled }.count == 1 && statuses.filter { $0 == .failed }.count == 1)
        let failed = try #require(book.settlements.first { $0.status == .failed })
        #expect(failed.failure?.code == "above_maximum_holding" && failed.failure?.dsProtocolCode == 52)
        #expect(failed.steps.map(\.status) == [.pending, .instructed, .failed])
        let holding = book.capTable.quantity(of: Holder(rawValue: "bob"), in: try Symbol("CFX"))
        #expect(holding == (failed.quantity == (try Quantity("1000")) ? try Quantity("1600") : try Quantity("1100")))
        #expect(book.invariantViolations() == [])
    }

    @Test func legsThatAreNotThereFailAtOnceNamingTheRule() throws {
        var book = try openBook()
        // alice's ACME is in her Ethereum wallet, not at the tZERO custodian.
        book.record(execution("alice", .sell, "10", "ACME", at: "tzero", price: "10.00"))
        #expect(book.settlements[0].status == .failed && book.settlements[0].failure?.code == "insufficient_holding")
        #expect(book.settlements[0].failure?.dsProtocolCode == 15)
        #expect(book.settlements[0].failure?.reason.contains("custodian:tzero") == true)
        // bob has 25,000 USD at tZERO's custodian.
        book.record(execution("bob", .buy, "1000", "BLDG", at: "tzero", price: "52.00"))
        #expect(book.settlements[1].status == .failed && book.settlements[1].failure?.code == "insufficient_cash")
        #expect(book.available("bob", "cash:USD", "custodian:tzero") == amount("25000"))
        // The same fill twice is one settlement.
        let fill = execution("alice", .buy, "1", "ACME", at: "securitize", price: "10.00", fill: "same")
        book.record(fill)
        book.record(fill)
        #expect(book.settlements.count == 3)
        #expect(book.invariantViolations() == [])
    }

    @Test func aSaleSettlesFromTheLocationItIsHeldAndReducesTheOldestLots() throws {
        var book = try openBook()
        // Securitize settles in alice's Ethereum wallet, where her 700 ACME are (500 from 2025-01-15, 200 from 2026-10-01).
        book.record(execution("alice", .sell, "500", "ACME", at: "securitize", price: "10.00", fee: "25.00"))
        #expect(book.settlements[0].status == .settled)
        #expect(book.available("alice", "cash:USDC", "wallet:ethereum") == amount("1000000") + amount("4975"))
        let lots = book.capTable.lots(of: Holder(rawValue: "alice"), in: try Symbol("ACME"))
        #expect(lots.map(\.quantity) == [try Quantity("200")] && lots[0].acquiredOn == CalendarDate("2026-10-01"))
        // 150 more would come out of the 2026-10-01 lot, still in its one-year holding period (Rule 144, DS 32).
        book.record(execution("alice", .sell, "150", "ACME", at: "securitize", price: "10.00"))
        #expect(
            book.settlements[1].status == .failed && book.settlements[1].failure?.code == "holding_period_not_elapsed")
        #expect(book.settlements[1].failure?.dsProtocolCode == 32)
        #expect(book.available("alice", "token:ACME", "wallet:ethereum") == amount("200"))
        #expect(book.invariantViolations() == [])
    }

    @Test func requestedTransfersHopAcrossCustodiansAndChains() throws {
        var book = try openBook()
        let start = utc("2026-11-20T15:00")
        // carol keeps GILT at the Archax custodian (Hedera); to her Ethereum wallet: withdraw, then bridge.
        let transfer = try book.requestTransfer(
            account: try AccountID("carol"), symbol: try Symbol("GILT"), quantity: try Quantity("300"),
            from: try #require(CustodyLocation("custodian:archax")),
            to: try #require(CustodyLocation("wallet:ethereum")), at: start)
        #expect(transfer.hops.map(\.kind) == [.withdrawal, .bridge])
        #expect(transfer.hops.map(\.to.description) == ["wallet:hedera", "wallet:ethereum"])
        book.advance(to: start.adding(seconds: 60 * 60))
        #expect(book.transfers[0].currentHop == 1 && book.transfers[0].status == .inFlight)
        book.advance(to: start.adding(seconds: 80 * 60))
        #expect(book.transfers[0].status == .completed)
        #expect(book.available("carol", "token:GILT", "wallet:ethereum") == amount("300"))
        #expect(book.available("carol", "token:GILT", "custodian:archax") == amount("1700"))
        #expect(throws: SettlementError.self) {
            _ = try book.requestTransfer(
                account: try AccountID("carol"), symbol: try Symbol("GILT"), quantity: try Quantity("5000"),
                from: CustodyLocation("custodian:archax")!, to: CustodyLocation("wallet:ethereum")!, at: start)
        }
        #expect(book.invariantViolations() == [])
    }
}
