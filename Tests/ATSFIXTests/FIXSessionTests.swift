import ATSDomain
import Testing

@testable import ATSFIX

@Suite struct FIXSessionTests {
    let settings = FIXSessionSettings(senderCompID: "ATS", targetCompID: "OMS", heartbeatSeconds: 30)
    let start = Timestamp(secondsSinceEpoch: 1_796_364_000)

    /// A message from the peer numbered `sequence`.
    func peer(_ type: String, _ sequence: Int, _ body: [FIXField] = [], at time: Timestamp? = nil) -> FIXMessage {
        FIXMessage(
            fields: [
                FIXField(35, type), FIXField(49, "OMS"), FIXField(56, "ATS"), FIXField(34, String(sequence)),
                FIXField(52, FIXTime.format(time ?? start)),
            ] + body)
    }

    func logon(_ sequence: Int, heartbeat: String = "30", reset: Bool = false) -> FIXMessage {
        peer("A", sequence, [FIXField(98, "0"), FIXField(108, heartbeat)] + (reset ? [FIXField(141, "Y")] : []))
    }

    func loggedOn(_ sequences: FIXSequences = FIXSequences()) -> FIXSession {
        var session = FIXSession(settings: settings, sequences: sequences)
        session.connected(at: start)
        _ = session.received(logon(sequences.nextTarget), at: start)
        return session
    }

    @Test func logonIsAnsweredAndCounted() {
        var session = FIXSession(settings: settings, sequences: FIXSequences())
        session.connected(at: start)
        let actions = session.received(logon(1), at: start)
        #expect(actions == [.send(FIXMessage("A", [FIXField(98, "0"), FIXField(108, "30")])), .loggedOn])
        #expect(session.phase == .active)
        #expect(session.sequences.nextTarget == 2)
        let out = session.outbound(FIXMessage("A"), at: start)
        #expect(out.description == "35=A|49=ATS|56=OMS|34=1|52=20261204-06:00:00.000")
        #expect(session.sequences.nextSender == 2)
    }

    @Test func aLogonBreakingTheRulesIsLoggedOutNamingTheRule() {
        var session = FIXSession(settings: settings, sequences: FIXSequences(nextSender: 5, nextTarget: 9))
        session.connected(at: start)
        let actions = session.received(logon(9, heartbeat: "10"), at: start)
        #expect(actions.first == .send(FIXMessage("5", [FIXField(58, "HeartBtInt(108) must be 30")])))
        #expect(actions.last == .disconnect("HeartBtInt(108) must be 30"))
        session.connected(at: start)
        let low = session.received(logon(3), at: start)
        #expect(low.first == .send(FIXMessage("5", [FIXField(58, "MsgSeqNum too low, expecting 9 but received 3")])))
        session.connected(at: start)
        #expect(session.received(peer("D", 9), at: start) == [.disconnect("the first message was D, not Logon")])
    }

    @Test func aLogonWhosePasswordIsNotAcceptedIsLoggedOut() {
        var session = FIXSession(settings: settings, sequences: FIXSequences())
        session.connected(at: start)
        let withPassword = peer("A", 1, [FIXField(98, "0"), FIXField(108, "30"), FIXField(554, "secret")])
        var offered: [String?] = []
        let actions = session.received(withPassword, at: start) { password in
            offered.append(password)
            return password == "other"
        }
        #expect(offered == ["secret"])
        #expect(actions.last == .disconnect("Password(554) is missing or not this session's"))
        session.connected(at: start)
        #expect(session.received(withPassword, at: start) { $0 == "secret" }.contains(.loggedOn))
    }

    @Test func aResetLogonStartsANewEpochAtOne() {
        var session = FIXSession(settings: settings, sequences: FIXSequences(epoch: 3, nextSender: 40, nextTarget: 41))
        session.connected(at: start)
        let actions = session.received(logon(1, reset: true), at: start)
        #expect(actions.contains(.send(FIXMessage("A", [FIXField(98, "0"), FIXField(108, "30"), FIXField(141, "Y")]))))
        #expect(session.sequences == FIXSequences(epoch: 4, nextSender: 1, nextTarget: 2))
    }

    @Test func aGapAsksForAResendAndTheGapFillCloses() {
        var session = loggedOn()
        let ahead = session.received(peer("D", 5), at: start)
        #expect(ahead == [.send(FIXMessage("2", [FIXField(7, "2"), FIXField(16, "0")]))])
        // Asked once while the gap stays open.
        #expect(session.received(peer("D", 6), at: start) == [])
        let fill = peer("4", 2, [FIXField(43, "Y"), FIXField(123, "Y"), FIXField(36, "5")])
        #expect(session.received(fill, at: start) == [])
        #expect(session.sequences.nextTarget == 5)
        let order = peer("D", 5, [FIXField(11, "c1")])
        #expect(session.received(order, at: start) == [.deliver(order)])
        #expect(session.sequences.nextTarget == 6)
    }

    @Test func tooLowIsFatalUnlessPossDup() {
        var session = loggedOn(FIXSequences(nextSender: 1, nextTarget: 10))
        #expect(session.received(peer("D", 4, [FIXField(43, "Y")]), at: start) == [.note("duplicate 4 ignored")])
        let actions = session.received(peer("D", 4), at: start)
        #expect(actions.last == .disconnect("MsgSeqNum too low, expecting 11 but received 4"))
        #expect(session.phase == .loggingOut)
    }

    @Test func testRequestsAndResendRequestsAreAnswered() {
        var session = loggedOn()
        for _ in 0..<6 { _ = session.outbound(FIXMessage("8"), at: start) }
        #expect(
            session.received(peer("1", 2, [FIXField(112, "ping")]), at: start) == [
                .send(FIXMessage("0", [FIXField(112, "ping")]))
            ])
        #expect(
            session.received(peer("2", 3, [FIXField(7, "2"), FIXField(16, "0")]), at: start) == [
                .resend(from: 2, through: 6)
            ])
        #expect(
            session.received(peer("2", 4, [FIXField(7, "3"), FIXField(16, "4")]), at: start) == [
                .resend(from: 3, through: 4)
            ])
        let missing = session.received(peer("1", 5), at: start)
        #expect(missing == [.send(FIXSession.reject(5, reason: 1, text: "TestReqID(112) missing", tag: 112))])
    }

    @Test func heartbeatsTestRequestsAndSilenceFollowTheClock() {
        var session = loggedOn()
        #expect(session.tick(at: start.adding(seconds: 29)) == [])
        #expect(session.tick(at: start.adding(seconds: 30)) == [.send(FIXMessage("0"))])
        _ = session.outbound(FIXMessage("0"), at: start.adding(seconds: 30))
        let quiet = session.tick(at: start.adding(seconds: 36))
        guard case .send(let request)? = quiet.first, request.msgType == "1", let id = request[112] else {
            Issue.record("no TestRequest after 36 s of silence: \(quiet)")
            return
        }
        _ = session.outbound(request, at: start.adding(seconds: 36))
        #expect(session.received(peer("0", 2, [FIXField(112, id)]), at: start.adding(seconds: 37)) == [])
        #expect(session.tick(at: start.adding(seconds: 66)) == [.send(FIXMessage("0"))])
        _ = session.outbound(FIXMessage("0"), at: start.adding(seconds: 66))
        let second = session.tick(at: start.adding(seconds: 74))
        #expect(second.first.map { if case .send(let m) = $0 { m.msgType == "1" } else { false } } == true)
        #expect(
            session.tick(at: start.adding(seconds: 104)).last
                == .disconnect("no answer to TestRequest TEST-\(start.adding(seconds: 74).nanosecondsSinceEpoch)"))
    }

    @Test func noLogonInTimeDisconnects() {
        var session = FIXSession(settings: settings, sequences: FIXSequences())
        session.connected(at: start)
        #expect(session.tick(at: start.adding(seconds: 9)) == [])
        #expect(session.tick(at: start.adding(seconds: 10)) == [.disconnect("no Logon within 10.0 seconds")])
    }

    @Test func malformedMessagesAreRejectedAndTheSessionLives() {
        var session = loggedOn()
        let wrongComp = FIXMessage(fields: [
            FIXField(35, "D"), FIXField(49, "X"), FIXField(56, "ATS"), FIXField(34, "2"),
        ])
        #expect(session.received(wrongComp, at: start).last == .disconnect("CompID problem: expected 49=OMS 56=ATS"))
        session = loggedOn()
        let noTime = FIXMessage(fields: [
            FIXField(35, "D"), FIXField(49, "OMS"), FIXField(56, "ATS"), FIXField(34, "2"),
        ])
        #expect(
            session.received(noTime, at: start) == [
                .send(FIXSession.reject(2, reason: 1, text: "SendingTime(52) missing or invalid", tag: 52))
            ])
        #expect(
            session.received(.unreadable(sequence: 3, "bad"), at: start) == [
                .send(FIXSession.reject(3, reason: 0, text: "bad"))
            ])
        #expect(session.received(.garbled("x"), at: start) == [.note("dropped a frame: garbled: x")])
        let order = peer("D", 4)
        #expect(session.received(order, at: start) == [.deliver(order)])
        #expect(session.phase == .active)
    }

    @Test func resentMessagesCarryPossDupAndTheirFirstTime() {
        var session = loggedOn()
        let first = session.outbound(FIXMessage("8", [FIXField(17, "e1")]), at: start)
        let again = session.resent(first, at: start.adding(seconds: 5))
        #expect(
            again.description
                == "35=8|49=ATS|56=OMS|34=1|43=Y|52=20261204-06:00:05.000|122=20261204-06:00:00.000|17=e1")
        #expect(
            session.gapFill(from: 2, to: 4, at: start).description
                == "35=4|49=ATS|56=OMS|34=2|43=Y|52=20261204-06:00:00.000|123=Y|36=4")
    }

    @Test func logoutIsAnswered() {
        var session = loggedOn()
        #expect(
            session.received(peer("5", 2), at: start) == [.send(FIXMessage("5")), .disconnect("the peer logged out")])
    }
}
