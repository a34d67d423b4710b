import ATSAssembly
import ATSDomain
import ATSFIX
import ATSRouter
import Foundation
import Testing

@testable import ATSServer

/// The FIX gateway over real TCP with a bare initiator: order entry, execution reports, cancel
/// and replace, refusals naming the rule, resend of what a disconnected peer missed, the drop
/// copy, and garbage that leaves the session alive. (`FIXQuickFIXTests` runs QuickFIX against it.)
@Suite(.serialized) struct FIXGatewayTests {
    static func serving(
        journal: Bool = true, limits: FIXConnectionLimits = FIXConnectionLimits(),
        _ body: (Int, RouterRuntime) async throws -> Void
    ) async throws {
        let catalog = try Repository.catalog()
        var options = RouterRuntime.Options(
            dataDirectory: journal ? NSTemporaryDirectory() + "ats-fix-test-" + UUID().uuidString : nil)
        options.stepInterval = nil
        options.fixLimits = limits
        let configuration = try Repository.tolerantConfiguration(catalog)
        let runtime = try await RouterRuntime.start(catalog: catalog, configuration: configuration, options: options)
        _ = try await runtime.recover()
        let server = try await runtime.startServing(fix: true)
        do {
            await runtime.router.pollAll()
            try await body(try #require(server.fixPort), runtime)
        } catch {
            await server.stop()
            await runtime.stop()
            throw error
        }
        await server.stop()
        await runtime.stop()
    }

    static func loggedOn(_ port: Int, sender: String = "ALICE-OMS", first: Int = 1) async throws -> FIXTestClient {
        let client = try await FIXTestClient(port: port, sender: sender, firstSequence: first)
        client.logon()
        let logon = try await client.until { $0.msgType == "A" || $0.msgType == "5" }
        #expect(logon.last?.msgType == "A", "\(logon)")
        return client
    }

    /// The last of `messages` (`#require` must not wrap an `await`: it may evaluate it twice).
    static func last(_ messages: [FIXMessage]) throws -> FIXMessage {
        guard let last = messages.last else { throw FIXTestFailure("no message") }
        return last
    }

    static func reports(_ messages: [FIXMessage]) -> [FIXMessage] { messages.filter { $0.msgType == "8" } }

    static func done(_ message: FIXMessage) -> Bool {
        message.msgType == "8" && ["2", "4", "8", "C"].contains(message[39] ?? "")
    }

    @Test func anOrderFillsAcrossVenuesAndEachFillIsReportedWithItsVenueAndTotals() async throws {
        try await Self.serving { port, runtime in
            let client = try await Self.loggedOn(port)
            client.order("buy-1", quantity: "1500", price: "10.50", tif: "3")
            let reports = Self.reports(try await client.until(Self.done))
            #expect(reports.first?[150] == "0" && reports.first?[39] == "0" && reports.first?[11] == "buy-1")
            let fills = reports.filter { $0[150] == "F" }
            #expect(!fills.isEmpty, "\(reports.map(\.description))")
            // CumQty adds up the LastQty of every fill so far; AvgPx is their notional over it.
            var cumulative = Quantity.zero
            var notional = 0.0
            for fill in fills {
                let quantity = try Quantity(try #require(fill[32]))
                cumulative = try cumulative + quantity
                notional += Double(quantity.rawValue) * Double(try Price(try #require(fill[31])).rawValue)
                #expect(fill[14] == cumulative.description, "\(fill)")
                #expect(runtime.catalog.venue(try? VenueID(fill[30] ?? "")) != nil, "LastMkt names a venue: \(fill)")
                let average = try Price(try #require(fill[6]))
                #expect(abs(Double(average.rawValue) - notional / Double(cumulative.rawValue)) <= 1, "\(fill)")
            }
            let last = try Self.last(reports)
            let found = await runtime.router.orders.parent(OrderID(UInt64(last[37] ?? "") ?? 0))
            let parent = try #require(found)
            // One report per fill the router recorded, each naming the fill's venue.
            let recorded = parent.children.flatMap { child in child.fills.map { (child.venue.rawValue, $0) } }
            #expect(fills.count == recorded.count, "\(fills.count) reports, \(recorded.count) fills")
            #expect(fills.compactMap { $0[30] }.sorted() == recorded.map(\.0).sorted())
            #expect(last[14] == parent.filledQuantity.description)
            #expect(parent.clientOrderId == "buy-1" && parent.timeInForce == .ioc)
            // Every ExecID once.
            #expect(Set(reports.compactMap { $0[17] }).count == reports.count)
            await client.close()
        }
    }

    @Test func refusalsNameTheRuleAndTheSessionCarriesOn() async throws {
        try await Self.serving { port, _ in
            let client = try await Self.loggedOn(port)
            // More than alice holds: the router's rule, in Text and tag 20105.
            client.order("big-1", side: "2", quantity: "10000000", price: "9.00")
            let big = try Self.last(Self.reports(try await client.until(Self.done)))
            #expect(big[150] == "8" && big[39] == "8", "\(big)")
            #expect(big[20105] == "insufficient_holding" && big[103] == "3", "\(big)")
            #expect(big[58]?.contains("insufficient_holding") == true, "\(big)")
            // The gateway's own checks name the tag.
            for (id, extra, tif, price, code, text) in [
                ("gtd-1", [FIXField](), "6", "10.50", "invalid_field", "ExpireTime(126)"),
                ("opg-1", [], "2", "10.50", "time_in_force_not_supported", "TimeInForce(59) 2"),
                ("tick-1", [], "3", "10.001", "off_tick", "Price(44)"),
                (
                    "sym-1", [FIXField(20100, "1"), FIXField(20101, "nowhere"), FIXField(20102, "E")], "3", "10.50",
                    "unknown_venue", "NoRoutingVenues(20100)"
                ),
            ] {
                client.order(
                    id, side: id == "bad-side" ? "7" : "1", quantity: "10", price: price, tif: tif, extra: extra)
                let report = try Self.last(Self.reports(try await client.until(Self.done)))
                #expect(report[11] == id && report[150] == "8" && report[20105] == code, "\(report)")
                #expect(report[58]?.contains(text) == true, "\(report)")
            }
            // A Side that is not one is a session Reject naming the tag.
            let badSide = client.order("bad-side", side: "7", quantity: "10")
            let sideReject = try Self.last(try await client.until { $0.msgType == "3" })
            #expect(
                sideReject[45] == String(badSide) && sideReject[371] == "54" && sideReject[373] == "5", "\(sideReject)")
            // A NewOrderSingle without its Symbol is a session Reject naming the tag.
            let sequence = client.send(
                "D",
                [
                    FIXField(11, "nosym"), FIXField(54, "1"), FIXField(38, "1"), FIXField(40, "1"),
                    FIXField(60, "20261204-06:00:00"),
                ])
            let reject = try Self.last(try await client.until { $0.msgType == "3" })
            #expect(reject[45] == String(sequence) && reject[371] == "55" && reject[373] == "1", "\(reject)")
            // Still alive: an order goes through.
            client.order("after-1", quantity: "5", price: "10.50")
            let after = try Self.last(Self.reports(try await client.until(Self.done)))
            #expect(after[11] == "after-1" && after[39] == "2", "\(after)")
            await client.close()
        }
    }

    @Test func aRestingOrderIsReplacedThenCancelledUnderNewClOrdIDs() async throws {
        try await Self.serving { port, _ in
            let client = try await Self.loggedOn(port)
            client.order("rest-1", quantity: "50", price: "9.00", tif: "0")
            let new = try Self.last(Self.reports(try await client.until { $0.msgType == "8" }))
            #expect(new[150] == "0" && new[11] == "rest-1", "\(new)")
            let orderID = try #require(new[37])
            // Let it rest before replacing it.
            try await Task.sleep(for: .milliseconds(300))
            client.send(
                "G",
                [
                    FIXField(11, "rest-2"), FIXField(41, "rest-1"), FIXField(37, orderID), FIXField(55, "ACME"),
                    FIXField(54, "1"), FIXField(38, "80"), FIXField(40, "2"), FIXField(44, "9.10"),
                    FIXField(60, FIXTime.format(SystemClock().now())),
                ])
            let replaced = try Self.last(
                try await client.until { $0.msgType == "8" && $0[150] == "5" || $0.msgType == "9" })
            #expect(replaced[150] == "5" && replaced[11] == "rest-2" && replaced[41] == "rest-1", "\(replaced)")
            #expect(replaced[38] == "80" && replaced[44] == "9.1" && replaced[37] == orderID, "\(replaced)")
            // A cancel of an unknown order, then of this one by its new ClOrdID.
            client.send(
                "F",
                [
                    FIXField(11, "c-x"), FIXField(41, "nope"), FIXField(55, "ACME"), FIXField(54, "1"),
                    FIXField(60, "20261204-06:00:00"),
                ])
            let unknown = try Self.last(try await client.until { $0.msgType == "9" })
            #expect(unknown[102] == "1" && unknown[434] == "1" && unknown[41] == "nope", "\(unknown)")
            client.send(
                "F",
                [
                    FIXField(11, "rest-3"), FIXField(41, "rest-2"), FIXField(55, "ACME"), FIXField(54, "1"),
                    FIXField(60, "20261204-06:00:00"),
                ])
            let cancelled = try Self.last(Self.reports(try await client.until(Self.done)))
            #expect(
                cancelled[150] == "4" && cancelled[39] == "4" && cancelled[11] == "rest-3" && cancelled[41] == "rest-2",
                "\(cancelled)")
            #expect(cancelled[151] == "0")
            // Too late to cancel again; the status request says cancelled.
            client.send(
                "F",
                [
                    FIXField(11, "rest-4"), FIXField(41, "rest-3"), FIXField(55, "ACME"), FIXField(54, "1"),
                    FIXField(60, "20261204-06:00:00"),
                ])
            let late = try Self.last(try await client.until { $0.msgType == "9" })
            #expect(late[102] == "0" && late[39] == "4", "\(late)")
            client.send("H", [FIXField(11, "rest-3"), FIXField(55, "ACME"), FIXField(54, "1")])
            let status = try Self.last(try await client.until { $0.msgType == "8" && $0[150] == "I" })
            #expect(status[39] == "4" && status[37] == orderID, "\(status)")
            await client.close()
        }
    }

    /// On the journal, and without one (the session's numbers and messages then kept in memory).
    @Test(arguments: [true, false])
    func whatAPeerMissedWhileAwayIsResentAndTheNumbersHold(journal: Bool) async throws {
        try await Self.serving(journal: journal) { port, runtime in
            var client = try await Self.loggedOn(port)
            client.order("away-1", quantity: "40", price: "9.00", tif: "1")
            let first = try await client.until { $0.msgType == "8" }
            let new = try #require(first.last)
            let lastSeen = Int(new[34] ?? "") ?? 0
            client.send("5")
            _ = try await client.until { $0.msgType == "5" }
            let sent = client.nextSequence.withLock { $0 }
            await client.close()
            // Away: the order is cancelled through the API; its report is numbered and kept.
            let id = OrderID(UInt64(new[37] ?? "") ?? 0)
            let cancelled = await runtime.router.orders.cancel(id)
            #expect(cancelled?.status == .cancelled)
            try await Task.sleep(for: .milliseconds(300))
            client = try await FIXTestClient(port: port, firstSequence: sent)
            client.logon()
            let logon = try Self.last(try await client.until { $0.msgType == "A" })
            // Our Logon is numbered past the report it missed: it asks for them.
            let ours = try #require(Int(logon[34] ?? ""))
            #expect(ours > lastSeen + 2, "logon \(logon), last seen \(lastSeen)")
            client.send("2", [FIXField(7, String(lastSeen + 1)), FIXField(16, "0")])
            let resent = try await client.until { $0.msgType == "8" && $0[150] == "4" }
            let report = try #require(resent.last)
            #expect(report[43] == "Y" && report[122] != nil && report[11] == "away-1", "\(report)")
            // Session messages in the range come back as gap fills, never resent.
            #expect(resent.allSatisfy { $0.msgType == "4" || $0[43] == "Y" }, "\(resent.map(\.description))")
            // Numbering carries on.
            client.send("1", [FIXField(112, "t1")])
            let heartbeat = try Self.last(try await client.until { $0.msgType == "0" && $0[112] == "t1" })
            #expect(Int(heartbeat[34] ?? "") == ours + 1, "\(heartbeat)")
            await client.close()
        }
    }

    @Test func aGTDOrderRestsUntilItsExpireTimeAndIsReportedExpired() async throws {
        try await Self.serving { port, runtime in
            let client = try await Self.loggedOn(port)
            let expiry = runtime.clock.now().adding(seconds: 2)
            client.order(
                "gtd-1", quantity: "30", price: "9.00", tif: "6", extra: [FIXField(126, FIXTime.format(expiry))])
            let new = try Self.last(try await client.until { $0.msgType == "8" })
            #expect(new[150] == "0" && new[59] == "6" && new[126] == FIXTime.format(expiry), "\(new)")
            let id = OrderID(UInt64(new[37] ?? "") ?? 0)
            let order = await runtime.router.orders.doneOrResting(id, timeout: .seconds(5))
            #expect(order?.status == .resting, "\(String(describing: order?.status))")
            let expired = try Self.last(
                try await client.until(timeout: .seconds(15)) { $0.msgType == "8" && $0[150] == "C" })
            #expect(expired[39] == "C" && expired[11] == "gtd-1" && expired[151] == "0", "\(expired)")
            #expect(runtime.clock.now() >= expiry)
            let after = await runtime.router.orders.parent(OrderID(UInt64(new[37] ?? "") ?? 0))
            #expect(after?.status == .cancelled)
            await client.close()
        }
    }

    @Test func garbageIsDroppedOrRejectedAndTheSessionLivesOn() async throws {
        try await Self.serving { port, runtime in
            let client = try await Self.loggedOn(port)
            client.sendRaw(Array("this is not FIX\u{01}".utf8))
            var corrupted = FIXCodec.encode(
                FIXMessage(fields: [
                    FIXField(35, "0"), FIXField(49, "ALICE-OMS"), FIXField(56, "ATSROUTER"), FIXField(34, "2"),
                ]))
            corrupted[corrupted.count - 3] =
                corrupted[corrupted.count - 3] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            client.sendRaw(corrupted)
            // The garbled frame did not take number 2: the next message is 2.
            let zz = client.send("ZZ", sequence: 2)
            client.nextSequence.withLock { $0 = 3 }
            let reject = try Self.last(try await client.until { $0.msgType == "3" })
            #expect(reject[45] == String(zz) && reject[373] == "11", "\(reject)")
            client.send("AE", [FIXField(571, "r1")])
            let business = try Self.last(try await client.until { $0.msgType == "j" })
            #expect(business[380] == "3" && business[372] == "AE", "\(business)")
            client.order("alive-1", quantity: "5", price: "10.50")
            let after = try Self.last(Self.reports(try await client.until(Self.done)))
            #expect(after[11] == "alive-1" && after[39] == "2", "\(after)")
            // /metrics counts the session's messages, the unknown type as other, and says it is logged on.
            let metrics = await runtime.metrics.render(runtime)
            let session = #"session="ATSROUTER-ALICE-OMS""#
            #expect(metrics.contains(#"ats_fix_session_logged_on{\#(session)} 1"#), "\(metrics)")
            for (direction, type) in [("in", "other"), ("in", "D"), ("out", "3"), ("out", "j"), ("out", "8")] {
                #expect(
                    metrics.contains(
                        #"ats_fix_messages_total{\#(session),direction="\#(direction)",msg_type="\#(type)"}"#),
                    "\(direction) \(type)")
            }
            await client.close()
        }
    }

    @Test func unknownCompIDsWrongPasswordsAndWrongHeartbeatsAreRefusedAtLogon() async throws {
        try await Self.serving { port, _ in
            let stranger = try await FIXTestClient(port: port, sender: "MALLORY")
            stranger.logon()
            let logout = try Self.last(try await stranger.until { $0.msgType == "5" })
            #expect(logout[58]?.contains("unknown CompID") == true, "\(logout)")
            #expect(await stranger.isClosed())
            // alice's session takes only alice's keys: bob's is refused, and so is none.
            for password in ["ak-bob-2d8e41c06a9b5f37", "not-a-key"] {
                let impostor = try await FIXTestClient(port: port)
                impostor.logon(password: password)
                let refused = try Self.last(try await impostor.until { $0.msgType == "5" })
                #expect(refused[58] == "Password(554) is missing or not this session's", "\(refused)")
                #expect(await impostor.isClosed())
            }
            let slow = try await FIXTestClient(port: port)
            slow.logon(heartbeat: 5)
            let refused = try Self.last(try await slow.until { $0.msgType == "5" })
            #expect(refused[58] == "HeartBtInt(108) must be 30", "\(refused)")
            #expect(await slow.isClosed())
        }
    }

    /// A drop copy that logs on and then reads nothing is let go once more than a little has waited
    /// for it for a while (the process does not grow for it); logging on again, it gets every report
    /// by resend — a resend far over the mark, read as it comes, is not taken for a stalled peer.
    @Test func aPeerThatReadsNothingIsLetGoAndGetsEverythingByResend() async throws {
        let limits = FIXConnectionLimits(
            writeBufferHigh: 16 * 1024, writeBufferLow: 4 * 1024, stalledPeerTimeout: .seconds(2),
            socketSendBuffer: 4096)
        try await Self.serving(limits: limits) { port, runtime in
            let silent = try SilentFIXPeer(port: port, receiveBuffer: 4096)
            silent.write(
                FIXCodec.encode(
                    FIXMessage(fields: [
                        FIXField(35, "A"), FIXField(49, "COMPLIANCE"), FIXField(56, "ATSROUTER"), FIXField(34, "1"),
                        FIXField(52, FIXTime.format(SystemClock().now())), FIXField(98, "0"), FIXField(108, "30"),
                        FIXField(554, "ak-compliance-5e0d3b7a9c1f4826"),
                    ])))
            let ids = (0..<150).map { "s-\($0)" }
            let alice = try await Self.loggedOn(port)
            for (n, id) in ids.enumerated() {
                alice.order(id, side: n % 2 == 0 ? "1" : "2", quantity: String(1 + n % 3), price: nil)
            }
            var done = Set<String>()
            _ = try await alice.until(timeout: .seconds(60)) { message in
                if Self.done(message), let id = message[11] { done.insert(id) }
                return done.count == ids.count
            }
            await alice.close()
            let gone = #"ats_fix_session_logged_on{session="ATSROUTER-COMPLIANCE"} 0"#
            let deadline = ContinuousClock.now + .seconds(20)
            while !(await runtime.metrics.render(runtime)).contains(gone) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect((await runtime.metrics.render(runtime)).contains(gone), "the silent peer is still held")
            silent.close()
            let copy = try await FIXTestClient(port: port, sender: "COMPLIANCE", firstSequence: 2)
            copy.logon()
            _ = try await copy.until { $0.msgType == "A" }
            copy.send("2", [FIXField(7, "2"), FIXField(16, "0")])
            var finals = Set<String>()
            let seen = try await copy.until(timeout: .seconds(60)) { message in
                if Self.done(message), let id = message[11] { finals.insert(id) }
                return finals.count == ids.count
            }
            #expect(finals == Set(ids))
            #expect(seen.filter { $0.msgType == "8" }.allSatisfy { $0[43] == "Y" }, "all of it by resend")
            await copy.close()
        }
    }

    /// Orders alice sends in the burst (bob sends half as many): enough to last several of the
    /// drop copy's one-second reads of the journal.
    static let burst = 240

    /// A burst from two sessions while the drop copy's catch-up from the journal runs beside the
    /// live stream: every report once, each order's in order.
    @Test func theDropCopyReceivesEveryAccountsReportsOnceInOrderAndTakesNoOrders() async throws {
        try await Self.serving { port, _ in
            let copy = try await Self.loggedOn(port, sender: "COMPLIANCE")
            let alice = try await Self.loggedOn(port)
            let bob = try await Self.loggedOn(port, sender: "BOB-OMS")
            for n in 0..<Self.burst {
                alice.order("a-\(n)", side: n % 2 == 0 ? "1" : "2", quantity: String(1 + n % 5), price: nil)
                if n % 2 == 0 { bob.order("b-\(n)", quantity: String(1 + n % 3), price: "10.50") }
            }
            var aliceDone = Set<String>()
            _ = try await alice.until(timeout: .seconds(60)) { message in
                if Self.done(message), let id = message[11] { aliceDone.insert(id) }
                return aliceDone.count == Self.burst
            }
            var bobDone = Set<String>()
            _ = try await bob.until(timeout: .seconds(60)) { message in
                if Self.done(message), let id = message[11] { bobDone.insert(id) }
                return bobDone.count == Self.burst / 2
            }
            var finals = Set<String>()
            let seen = try await copy.until(timeout: .seconds(60)) { message in
                if Self.done(message), let id = message[11] { finals.insert(id) }
                return finals.count == Self.burst * 3 / 2
            }
            let reports = seen.filter { $0.msgType == "8" }
            #expect(Set(reports.compactMap { $0[1] }) == ["alice", "bob"])
            #expect(Set(reports.compactMap { $0[17] }).count == reports.count, "every ExecID once")
            // Each order's first report is its New, or its Rejected when refused at once, and only one.
            let firsts = reports.filter { $0[150] == "0" || ($0[150] == "8" && $0[14] == "0") }
            #expect(
                firsts.count == finals.count && Set(firsts.compactMap { $0[11] }).count == finals.count,
                "\(firsts.count)")
            for id in finals {
                let cumulative = reports.filter { $0[11] == id }.compactMap { try? Quantity($0[14] ?? "").rawValue }
                #expect(cumulative == cumulative.sorted(), "\(id): CumQty in order \(cumulative)")
            }
            copy.order("c-1", quantity: "1", price: "10.50")
            let refused = try Self.last(try await copy.until { $0.msgType == "j" })
            #expect(refused[380] == "6", "\(refused)")
            for client in [copy, alice, bob] { await client.close() }
        }
    }
}
