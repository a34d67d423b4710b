import ATSDomain

/// SessionRejectReason (373) values the session uses.
public enum FIXRejectReason {
    public static let invalidTagNumber = 0
    public static let requiredTagMissing = 1
    public static let incorrectValue = 5
    public static let incorrectDataFormat = 6
    public static let compIDProblem = 9
    public static let sendingTimeAccuracy = 10
    public static let invalidMsgType = 11
    public static let other = 99
}

extension FIXSession {
    /// A frame that is not a message: a garbled one is dropped (its number is not consumed, so a
    /// later gap asks for it again); one with unreadable fields is rejected when it is the one expected.
    public mutating func received(_ error: FIXFrameError, at now: Timestamp) -> [Action] {
        lastReceivedNow(now)
        if case .unreadable(let sequence?, let reason) = error, phase == .active, sequence == sequences.nextTarget {
            sequences.nextTarget += 1
            return [.send(Self.reject(sequence, reason: FIXRejectReason.invalidTagNumber, text: reason))]
        }
        return [.note("dropped a frame: \(error)")]
    }

    /// A message from the peer. `accepts` decides whether a Logon's Password (554) admits it.
    public mutating func received(
        _ message: FIXMessage, at now: Timestamp, accepts: (String?) -> Bool = { _ in true }
    ) -> [Action] {
        lastReceivedNow(now)
        switch phase {
        case .disconnected: return []
        case .awaitingLogon: return logon(message, at: now, accepts: accepts)
        case .active, .loggingOut: return inSession(message, at: now)
        }
    }

    /// Time passed: heartbeats due, a TestRequest when the peer is quiet, a disconnect when it
    /// stays quiet or never logs on.
    public mutating func tick(at now: Timestamp) -> [Action] {
        switch phase {
        case .disconnected:
            return []
        case .awaitingLogon:
            return connectedSince.nanoseconds(until: now) >= logonTimeoutNanoseconds
                ? [.disconnect("no Logon within \(settings.logonTimeout)")] : []
        case .loggingOut:
            return (logoutSince.map { $0.nanoseconds(until: now) >= heartbeatNanoseconds } ?? true)
                ? [.disconnect("no Logout answered ours")] : []
        case .active:
            var actions: [Action] = []
            if let pending = pendingTestRequest {
                if pending.at.nanoseconds(until: now) >= heartbeatNanoseconds {
                    return [.disconnect("no answer to TestRequest \(pending.id)")]
                }
            } else if lastReceivedAt.nanoseconds(until: now) >= heartbeatNanoseconds + heartbeatNanoseconds / 5 {
                let id = "TEST-\(now.nanosecondsSinceEpoch)"
                setTestRequest(id, at: now)
                actions.append(.send(FIXMessage(FIXMsgType.testRequest, [FIXField(FIXTag.testReqID, id)])))
            }
            if actions.isEmpty, lastSentAt.nanoseconds(until: now) >= heartbeatNanoseconds {
                actions.append(.send(FIXMessage(FIXMsgType.heartbeat)))
            }
            return actions
        }
    }

    private mutating func logon(_ message: FIXMessage, at now: Timestamp, accepts: (String?) -> Bool) -> [Action] {
        guard message.msgType == FIXMsgType.logon else {
            return [.disconnect("the first message was \(message.msgType), not Logon")]
        }
        guard message[FIXTag.senderCompID] == settings.targetCompID,
            message[FIXTag.targetCompID] == settings.senderCompID
        else { return [.disconnect("Logon from an unknown CompID pair")] }
        guard let sequence = message[FIXTag.msgSeqNum].flatMap(Int.init), sequence > 0 else {
            return [.disconnect("Logon without a MsgSeqNum")]
        }
        guard accepts(message[FIXTag.password]) else {
            return refuseLogon("Password(554) is missing or not this session's", at: now)
        }
        guard message[FIXTag.encryptMethod] == "0" else {
            return refuseLogon("EncryptMethod(98) must be 0 (none)", at: now)
        }
        guard message[FIXTag.heartBtInt] == String(settings.heartbeatSeconds) else {
            return refuseLogon("HeartBtInt(108) must be \(settings.heartbeatSeconds)", at: now)
        }
        let reset = settings.resetOnLogon || message[FIXTag.resetSeqNumFlag] == "Y"
        if reset {
            guard sequence == 1 else { return refuseLogon("a reset Logon must be MsgSeqNum 1", at: now) }
            sequences = FIXSequences(epoch: sequences.epoch + 1, nextSender: 1, nextTarget: 1)
        }
        if sequence < sequences.nextTarget {
            return refuseLogon(
                "MsgSeqNum too low, expecting \(sequences.nextTarget) but received \(sequence)", at: now)
        }
        phase = .active
        var body = [
            FIXField(FIXTag.encryptMethod, "0"), FIXField(FIXTag.heartBtInt, String(settings.heartbeatSeconds)),
        ]
        if reset { body.append(FIXField(FIXTag.resetSeqNumFlag, "Y")) }
        var actions: [Action] = [.send(FIXMessage(FIXMsgType.logon, body)), .loggedOn]
        if sequence == sequences.nextTarget {
            sequences.nextTarget += 1
        } else {
            actions.append(askResend(through: sequence))
        }
        return actions
    }

    private mutating func refuseLogon(_ text: String, at now: Timestamp) -> [Action] {
        phase = .active
        return logout(text, at: now) + [.disconnect(text)]
    }

    private mutating func inSession(_ message: FIXMessage, at now: Timestamp) -> [Action] {
        guard let sequence = message[FIXTag.msgSeqNum].flatMap(Int.init), sequence > 0 else {
            return logout("MsgSeqNum(34) missing or not a number", at: now) + [.disconnect("no MsgSeqNum")]
        }
        if message[FIXTag.senderCompID] != settings.targetCompID
            || message[FIXTag.targetCompID] != settings.senderCompID
        {
            let text = "CompID problem: expected 49=\(settings.targetCompID) 56=\(settings.senderCompID)"
            return [.send(Self.reject(sequence, reason: FIXRejectReason.compIDProblem, text: text))]
                + logout(text, at: now) + [.disconnect(text)]
        }
        let type = message.msgType
        if type == FIXMsgType.sequenceReset && message[FIXTag.gapFillFlag] != "Y" {
            return sequenceReset(message, sequence: sequence)
        }
        if sequence < sequences.nextTarget {
            if message[FIXTag.possDupFlag] == "Y" { return [.note("duplicate \(sequence) ignored")] }
            let text = "MsgSeqNum too low, expecting \(sequences.nextTarget) but received \(sequence)"
            return logout(text, at: now) + [.disconnect(text)]
        }
        if sequence > sequences.nextTarget {
            // Ahead: ask for the gap; a ResendRequest or a Logout is still acted on.
            var actions: [Action] = []
            if (awaitingResend ?? 0) < sequence - 1 { actions.append(askResend(through: sequence)) }
            if type == FIXMsgType.resendRequest || type == FIXMsgType.logout {
                actions += dispatch(message, sequence: sequence, at: now)
            }
            return actions
        }
        sequences.nextTarget += 1
        if let awaited = awaitingResend, sequences.nextTarget > awaited { clearResend() }
        guard message[FIXTag.sendingTime].flatMap(FIXTime.parse) != nil else {
            return [
                .send(
                    Self.reject(
                        sequence, reason: FIXRejectReason.requiredTagMissing,
                        text: "SendingTime(52) missing or invalid",
                        tag: FIXTag.sendingTime))
            ]
        }
        return dispatch(message, sequence: sequence, at: now)
    }

    private mutating func dispatch(_ message: FIXMessage, sequence: Int, at now: Timestamp) -> [Action] {
        switch message.msgType {
        case FIXMsgType.heartbeat:
            if let id = message[FIXTag.testReqID], id == pendingTestRequest?.id { clearTestRequest() }
            return []
        case FIXMsgType.testRequest:
            guard let id = message[FIXTag.testReqID] else {
                return [
                    .send(
                        Self.reject(
                            sequence, reason: FIXRejectReason.requiredTagMissing, text: "TestReqID(112) missing",
                            tag: FIXTag.testReqID))
                ]
            }
            return [.send(FIXMessage(FIXMsgType.heartbeat, [FIXField(FIXTag.testReqID, id)]))]
        case FIXMsgType.resendRequest:
            guard let begin = message[FIXTag.beginSeqNo].flatMap(Int.init), begin > 0,
                let end = message[FIXTag.endSeqNo].flatMap(Int.init), end >= 0
            else {
                return [
                    .send(
                        Self.reject(
                            sequence, reason: FIXRejectReason.requiredTagMissing,
                            text: "BeginSeqNo(7) and EndSeqNo(16) are required", tag: FIXTag.beginSeqNo))
                ]
            }
            let last = sequences.nextSender - 1
            let through = end == 0 ? last : min(end, last)
            return begin <= through ? [.resend(from: begin, through: through)] : []
        case FIXMsgType.reject:
            return [.note("the peer rejected our \(message[FIXTag.refSeqNum] ?? "?"): \(message[FIXTag.text] ?? "")")]
        case FIXMsgType.sequenceReset:
            return sequenceReset(message, sequence: sequence)
        case FIXMsgType.logout:
            if phase == .loggingOut { return [.disconnect("logged out")] }
            phase = .loggingOut
            return [.send(FIXMessage(FIXMsgType.logout)), .disconnect("the peer logged out")]
        case FIXMsgType.logon:
            let text = "Logon received in an active session"
            return [.send(Self.reject(sequence, reason: FIXRejectReason.other, text: text))]
        default:
            if FIXMsgType.admin.contains(message.msgType) || message.msgType.isEmpty {
                return [.send(Self.reject(sequence, reason: FIXRejectReason.invalidMsgType, text: "invalid MsgType"))]
            }
            return phase == .active ? [.deliver(message)] : []
        }
    }

    /// SequenceReset: GapFill moves the expected number up (never down); Reset sets it outright.
    private mutating func sequenceReset(_ message: FIXMessage, sequence: Int) -> [Action] {
        guard let newSeqNo = message[FIXTag.newSeqNo].flatMap(Int.init) else {
            return [
                .send(
                    Self.reject(
                        sequence, reason: FIXRejectReason.requiredTagMissing, text: "NewSeqNo(36) missing",
                        tag: FIXTag.newSeqNo))
            ]
        }
        let gapFill = message[FIXTag.gapFillFlag] == "Y"
        let current = gapFill ? sequence + 1 : sequences.nextTarget
        guard newSeqNo >= current else {
            return [
                .send(
                    Self.reject(
                        sequence, reason: FIXRejectReason.incorrectValue,
                        text: "NewSeqNo \(newSeqNo) would move MsgSeqNum back from \(current)", tag: FIXTag.newSeqNo))
            ]
        }
        sequences.nextTarget = newSeqNo
        if let awaited = awaitingResend, sequences.nextTarget > awaited { clearResend() }
        return []
    }

    private mutating func askResend(through sequence: Int) -> Action {
        setAwaitingResend(sequence)
        return .send(
            FIXMessage(
                FIXMsgType.resendRequest,
                [FIXField(FIXTag.beginSeqNo, String(sequences.nextTarget)), FIXField(FIXTag.endSeqNo, "0")]))
    }

    /// A session-level Reject (35=3) of message `sequence`.
    public static func reject(_ sequence: Int, reason: Int, text: String, tag: Int? = nil, type: String? = nil)
        -> FIXMessage
    {
        var body = [FIXField(FIXTag.refSeqNum, String(sequence))]
        if let tag { body.append(FIXField(FIXTag.refTagID, String(tag))) }
        if let type { body.append(FIXField(FIXTag.refMsgType, type)) }
        body.append(FIXField(FIXTag.sessionRejectReason, String(reason)))
        body.append(FIXField(FIXTag.text, String(text.prefix(200))))
        return FIXMessage(FIXMsgType.reject, body)
    }
}
