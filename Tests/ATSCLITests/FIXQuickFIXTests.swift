import ATSDomain
import ATSJournalTestSupport
import ATSStorage
import Foundation
import NIOHTTP1
import Testing

/// The FIX gateway proven against QuickFIX, a FIX engine no one here wrote (`QuickFIXPeer`): it
/// logs on to a real `serve --fix-port`, trades across venues, replaces, cancels, is refused
/// naming the rule, sends garbage that is rejected while the session lives, disconnects and gets
/// what it missed by resend; and its session survives the router being SIGKILLed with the right
/// sequence numbers. Every message the gateway sends is validated by QuickFIX against FIX44.xml.
@Suite(.serialized, .enabled(if: QuickFIXPeer.enabled)) struct FIXQuickFIXTests {
    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "ats-fix-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `serve` with the FIX gateway; its API URL and FIX port.
    static func startRouter(_ arguments: [String], fixPort: Int = 0) async throws -> (Spawned, String, Int) {
        let router = try Spawned(
            try CrashRecoveryTests.executable(),
            [
                "serve", "--venues", CrashRecoveryTests.root.appendingPathComponent("venues").path, "--port", "0",
                "--fix-port", String(fixPort), "--simulated-session", "--log-level", "error",
            ] + arguments)
        do {
            let line = try await router.lines(containing: "serving http://").first!
            let url = String(line[line.range(of: "http://")!.lowerBound...].prefix { $0 != " " })
            let fix = try await router.lines(containing: "FIX 4.4 gateway on ").first!
            let port = Int(fix.split(separator: ":").last?.split(separator: ",").first ?? "") ?? 0
            _ = try await router.lines(containing: "ready")
            return (router, url, port)
        } catch {
            router.stop()
            throw error
        }
    }

    static func report(_ clOrdID: String, _ condition: @escaping ([Int: String]) -> Bool) -> ([Int: String]) -> Bool {
        { $0[35] == "8" && $0[11] == clOrdID && condition($0) }
    }

    static func done(_ message: [Int: String]) -> Bool { ["2", "4", "8", "C"].contains(message[39] ?? "") }

    @Test func quickFIXTradesReplacesCancelsIsRefusedAndGetsWhatItMissed() async throws {
        let folder = try Self.folder()
        let (router, url, port) = try await Self.startRouter(["--data-dir", folder + "/data"])
        defer { router.stop() }
        let peer = try QuickFIXPeer(port: port, folder: folder + "/peer")
        defer { peer.process.stop() }
        peer.send("logon")
        _ = try await peer.process.lines(containing: "LOGON")

        // An IOC buy the router splits: a report per fill naming its venue, totals that add up.
        peer.send("order q1 1 1500 2 10.50 3")
        let q1 = try await peer.wait("q1's last report", Self.report("q1", Self.done))
        let fills = peer.received.filter { $0[35] == "8" && $0[11] == "q1" && $0[150] == "F" && $0[32] != nil }
        #expect(Set(fills.compactMap { $0[30] }).count >= 2, "fills at several venues: \(fills)")
        let summed = try fills.reduce(Int64(0)) { $0 + (try domainQuantity($1[32] ?? "x")) }
        #expect(summed == (try domainQuantity(q1[14] ?? "x")), "\(q1)")
        let order = await CrashRecoveryTests.api(.GET, url, "/v1/orders/\(q1[37] ?? "")")
        #expect(order?.1["filledQuantity"] as? String == q1[14] && order?.1["clientOrderId"] as? String == "q1")

        // A DAY bid below the market rests; replaced to 80 at 9.10; then cancelled.
        peer.send("order q2 1 50 2 9.00 0")
        try await peer.wait("q2 new", Self.report("q2") { $0[150] == "0" })
        try await Task.sleep(for: .milliseconds(300))
        peer.send("replace q3 q2 1 80 9.10")
        let replaced = try await peer.wait("q3 replaced", Self.report("q3") { $0[150] == "5" })
        #expect(replaced[41] == "q2" && replaced[38] == "80" && replaced[44] == "9.1", "\(replaced)")
        peer.send("cancel q4 q3 1")
        let cancelled = try await peer.wait("q4 cancelled", Self.report("q4") { $0[150] == "4" })
        #expect(cancelled[41] == "q3" && cancelled[39] == "4" && cancelled[151] == "0", "\(cancelled)")
        peer.send("cancel q5 q4 1")
        let late = try await peer.wait("a cancel reject") { $0[35] == "9" && $0[11] == "q5" }
        #expect(late[102] == "0" && late[434] == "1", "\(late)")

        // Refused by the router's rule, named in Text and tag 20105.
        peer.send("order q6 2 10000000 2 9.00 3")
        let refused = try await peer.wait("q6 rejected", Self.report("q6") { $0[150] == "8" })
        #expect(refused[20105] == "insufficient_holding" && refused[58]?.hasPrefix("insufficient_holding") == true)

        // Garbage: an unknown MsgType, an order without its Symbol, a message type not taken.
        peer.send("send ZZ 58=garbage")
        let reject = try await peer.wait("a Reject of ZZ") { $0[35] == "3" && $0[372] == "ZZ" }
        #expect(reject[373] == "11", "\(reject)")
        peer.send("send D 11=nosym 54=1 38=1 40=1 60=20261204-06:00:00")
        let missing = try await peer.wait("a Reject naming Symbol") { $0[35] == "3" && $0[371] == "55" }
        #expect(missing[373] == "1", "\(missing)")
        peer.send("send AE 571=r1")
        let business = try await peer.wait("a BusinessMessageReject") { $0[35] == "j" }
        #expect(business[380] == "3" && business[372] == "AE", "\(business)")
        // The session lives on.
        peer.send("order q7 1 5 2 10.50 3")
        try await peer.wait("q7 filled", Self.report("q7") { $0[39] == "2" })

        // Away: a GTC bid is cancelled through the API while the peer is logged out; logging on
        // again, QuickFIX sees the gap, asks, and gets the report by resend (PossDupFlag).
        peer.send("order q8 1 40 2 9.00 1")
        let q8 = try await peer.wait("q8 new", Self.report("q8") { $0[150] == "0" })
        peer.send("logout")
        _ = try await peer.process.lines(containing: "LOGOUT")
        let gone = await CrashRecoveryTests.api(.DELETE, url, "/v1/orders/\(q8[37] ?? "")")
        #expect(gone?.1["status"] as? String == "cancelled")
        peer.send("logon")
        let resent = try await peer.wait("q8's cancel, resent", Self.report("q8") { $0[150] == "4" })
        #expect(resent[43] == "Y" && resent[122] != nil, "\(resent)")

        // Every Trade report carries its fill; no order is reported done twice.
        let reports = peer.received.filter { $0[35] == "8" && $0[43] == nil }
        #expect(reports.filter { $0[150] == "F" }.allSatisfy { $0[32] != nil && $0[31] != nil && $0[30] != nil })
        let finals = reports.filter { Self.done($0) && $0[150] != "I" }.compactMap { $0[37] }
        #expect(finals.count == Set(finals).count, "\(finals)")
        #expect(Set(reports.compactMap { $0[17] }).count == reports.count, "every ExecID once")

        // Both ends agree on the numbers, as the journal keeps them; QuickFIX rejected nothing.
        try await Task.sleep(for: .milliseconds(300))
        let (nextSender, nextTarget) = try await peer.sequenceNumbers()
        let journal = try SQLiteJournal(path: folder + "/data/journal.sqlite", readOnly: true)
        let session = try #require(try journal.fixSession("ATSROUTER-ALICE-OMS"))
        #expect(session.nextTarget == Int64(nextSender) && session.nextSender == Int64(nextTarget), "\(session)")
        #expect(peer.count("SENT-REJECT") == 0 && !peer.process.text.contains("SENT-REJECT"), "\(peer.process.text)")
        await peer.quit()
    }
}
