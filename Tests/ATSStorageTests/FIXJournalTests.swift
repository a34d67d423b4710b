import ATSJournalTestSupport
import Testing

@testable import ATSStorage

/// The FIX gateway's rows: sessions written over, sent messages append-only and read by range,
/// ClOrdIDs unique per session — on every backend.
@Suite struct FIXJournalTests {
    @Test(arguments: JournalBackend.all)
    func sessionsMessagesAndClOrdIDsSurviveAReopen(backend: JournalBackend) throws {
        let made = try backend.make()
        var work = UnitOfWork()
        work.fixSessions = [
            FIXSessionRow(session: "ATS-OMS", epoch: 1, nextSender: 4, nextTarget: 3, cursors: "alice=7", updatedAt: 10)
        ]
        work.fixMessages = (1...3).map {
            FIXMessageRow(session: "ATS-OMS", epoch: 1, sequence: $0, body: "35=8\u{01}34=\($0)\u{01}", sentAt: 10 + $0)
        }
        work.fixOrders = [
            FIXOrderRow(session: "ATS-OMS", clOrdId: "c1", orderId: 5, kind: "new", expireAt: 99, at: 10)
        ]
        #expect(!work.isEmpty)
        try made.store.commit(work)
        var next = UnitOfWork()
        next.fixSessions = [
            FIXSessionRow(session: "ATS-OMS", epoch: 2, nextSender: 1, nextTarget: 1, cursors: "", updatedAt: 20)
        ]
        next.fixMessages = [FIXMessageRow(session: "ATS-OMS", epoch: 2, sequence: 1, body: "35=8\u{01}", sentAt: 20)]
        // The same ClOrdID again is kept as first written.
        next.fixOrders = [
            FIXOrderRow(session: "ATS-OMS", clOrdId: "c1", orderId: 6, kind: "new", expireAt: nil, at: 20)
        ]
        try made.store.commit(next)

        let store = try made.reopen()
        #expect(
            try store.fixSession("ATS-OMS")
                == FIXSessionRow(session: "ATS-OMS", epoch: 2, nextSender: 1, nextTarget: 1, cursors: "", updatedAt: 20)
        )
        #expect(try store.fixSession("ATS-OTHER") == nil)
        #expect(try store.fixMessages(session: "ATS-OMS", epoch: 1, from: 2, through: 9).map(\.sequence) == [2, 3])
        #expect(
            try store.fixMessages(session: "ATS-OMS", epoch: 1, from: 2, through: 2).first?.body
                == "35=8\u{01}34=2\u{01}")
        #expect(try store.fixMessages(session: "ATS-OMS", epoch: 2, from: 1, through: 9).count == 1)
        #expect(
            try store.fixOrders(session: "ATS-OMS") == [
                FIXOrderRow(session: "ATS-OMS", clOrdId: "c1", orderId: 5, kind: "new", expireAt: 99, at: 10)
            ])
        // An order being entered is written first with no id, then as the order it became.
        var entering = UnitOfWork()
        entering.fixOrders = [
            FIXOrderRow(session: "ATS-OMS", clOrdId: "c2", orderId: 0, kind: "entering", expireAt: 77, at: 30)
        ]
        try store.commit(entering)
        var entered = UnitOfWork()
        entered.fixOrders = [
            FIXOrderRow(session: "ATS-OMS", clOrdId: "c2", orderId: 8, kind: "new", expireAt: 77, at: 31)
        ]
        try store.commit(entered)
        #expect(
            try store.fixOrders(session: "ATS-OMS").last
                == FIXOrderRow(session: "ATS-OMS", clOrdId: "c2", orderId: 8, kind: "new", expireAt: 77, at: 30))
        // A message number is written once.
        var again = UnitOfWork()
        again.fixMessages = [FIXMessageRow(session: "ATS-OMS", epoch: 1, sequence: 2, body: "x", sentAt: 30)]
        #expect(throws: (any Error).self) { try store.commit(again) }
        #expect(throws: (any Error).self) { try made.executeRaw("UPDATE fix_message SET body = 'y'") }
        #expect(throws: (any Error).self) { try made.executeRaw("DELETE FROM fix_message") }
    }
}
