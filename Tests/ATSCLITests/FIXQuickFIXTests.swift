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

extension FIXQuickFIXTests {
    /// A loopback port free a moment ago (the restarted router must listen where the peer reconnects).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw RecoveryTestError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// QuickFIX's session survives the router being SIGKILLed mid-flow: the restarted router
    /// resumes the sequence numbers from the journal, QuickFIX reconnects by itself and logs on
    /// without a reset, whatever either side missed is resent, every order it sent is at the router
    /// once, and each order's last report says what the router's order says.
    @Test(arguments: JournalBackend.all)
    func aKilledRouterResumesAnOpenFIXSessionWithTheRightSequenceNumbers(backend: JournalBackend) async throws {
        let binary = try CrashRecoveryTests.executable()
        let folder = try Self.folder()
        let (venues, _, config) = try await CrashRecoveryTests.externalVenues(binary, folder: folder)
        defer { venues.stop() }
        let made = try backend.make()
        let arguments = ["--config", config, "--unthrottled-venues"] + CrashRecoveryTests.journalArguments(made)
        let port = try Self.freePort()
        var (router, url, _) = try await Self.startRouter(arguments, fixPort: port)
        var routers = [router]
        defer { for router in routers where router.process.isRunning { router.stop() } }
        let peer = try QuickFIXPeer(port: port, folder: folder + "/peer")
        defer { peer.process.stop() }
        peer.send("logon")
        _ = try await peer.process.lines(containing: "LOGON")
        // Thirty orders as fast as QuickFIX sends them: IOC buys of several sizes, and GTC bids that rest.
        let ids = (0..<30).map { "k\($0)" }
        for (n, id) in ids.enumerated() {
            peer.send(n % 5 == 4 ? "order \(id) 1 20 2 9.00 1" : "order \(id) 1 \(30 + 25 * (n % 4)) 2 10.50 3")
        }
        try await Task.sleep(for: .milliseconds(120))
        let reportsAtKill = peer.received.filter { $0[35] == "8" }.count
        router.kill9()
        (router, url, _) = try await Self.startRouter(arguments, fixPort: port)
        routers.append(router)
        // QuickFIX reconnects on its own (ReconnectInterval 1 s) and logs on again.
        _ = try await peer.process.lines(containing: "LOGON", count: 2, timeout: .seconds(30))
        // Every order is reported to its end, or as resting (GTC).
        func settled(_ id: String) -> Bool {
            peer.received.contains {
                $0[35] == "8" && $0[11] == id && (Self.done($0) || ($0[59] == "1" && $0[150] == "0"))
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !ids.allSatisfy(settled) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(
            ids.allSatisfy(settled), "unsettled: \(ids.filter { !settled($0) }); \(peer.process.text.suffix(4_000))")
        #expect(!peer.process.text.contains("too low"), "a sequence number went back: \(peer.process.text)")
        // No order was refused by the gateway (a resent order meeting a router still recovering, say).
        let refused = peer.received.filter { $0[35] == "8" && $0[37] == "NONE" }
        #expect(refused.isEmpty, "refused: \(refused)")
        let resent = peer.received.filter { $0[43] == "Y" }.count
        print("fix kill: \(reportsAtKill) reports before the kill, \(resent) resent after it")
        // The kill landed mid-flow.
        #expect(reportsAtKill < ids.count * 2, "the orders were done before the kill")
        // One order per ClOrdID at the router; each one's reports, duplicates (resent) aside, end where it is.
        let orders =
            (await CrashRecoveryTests.api(.GET, url, "/v1/orders?limit=1000")?.1["orders"] as? [[String: Any]]) ?? []
        #expect(orders.compactMap { $0["clientOrderId"] as? String }.sorted() == ids.sorted())
        for order in orders {
            let id = order["clientOrderId"] as? String ?? ""
            var byExec: [String: [Int: String]] = [:]
            for report in peer.received where report[35] == "8" && report[11] == id {
                let exec = report[17] ?? ""
                if let seen = byExec[exec] {
                    #expect(
                        seen[14] == report[14] && seen[39] == report[39],
                        "\(id): ExecID \(exec) said twice, differently")
                }
                byExec[exec] = report
            }
            #expect(byExec.values.filter { $0[150] == "0" }.count == 1, "\(id): one New")
            let cumulative = byExec.values.compactMap { try? domainQuantity($0[14] ?? "x") }.max() ?? -1
            #expect(cumulative == (try domainQuantity(order["filledQuantity"] as? String ?? "x")), "\(id): \(order)")
        }
        // Both ends hold the same numbers, which the journal keeps.
        let (nextSender, nextTarget) = try await peer.sequenceNumbers()
        let stored = try #require(try made.reopen().fixSession("ATSROUTER-ALICE-OMS"))
        #expect(stored.nextTarget == Int64(nextSender) && stored.nextSender == Int64(nextTarget), "\(stored)")
        #expect(!peer.process.text.contains("SENT-REJECT"), "\(peer.process.text)")
        await peer.quit()
    }
}
