import ATSDomain

/// One FIX session's rules of engagement: who is who, the heartbeat, and whether a logon starts
/// the sequence numbers again.
public struct FIXSessionSettings: Sendable, Hashable {
    /// Our CompID: the peer's TargetCompID (56) and our SenderCompID (49).
    public var senderCompID: String
    /// The peer's CompID: its SenderCompID and our TargetCompID.
    public var targetCompID: String
    /// HeartBtInt (108) the peer must log on with, in seconds.
    public var heartbeatSeconds: Int
    /// Every logon starts both sequences at 1 (as if the peer sent ResetSeqNumFlag 141=Y).
    public var resetOnLogon: Bool
    /// How long a connection has to log on.
    public var logonTimeout: Duration

    public init(
        senderCompID: String, targetCompID: String, heartbeatSeconds: Int = 30, resetOnLogon: Bool = false,
        logonTimeout: Duration = .seconds(10)
    ) {
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.heartbeatSeconds = heartbeatSeconds
        self.resetOnLogon = resetOnLogon
        self.logonTimeout = logonTimeout
    }

    /// `SENDER-TARGET`, how the journal names the session.
    public var name: String { "\(senderCompID)-\(targetCompID)" }
}

/// The sequence numbers a session persists: the next MsgSeqNum it sends and the next it expects,
/// in an epoch counted up by each reset.
public struct FIXSequences: Sendable, Hashable {
    public var epoch: Int64
    public var nextSender: Int
    public var nextTarget: Int

    public init(epoch: Int64 = 1, nextSender: Int = 1, nextTarget: Int = 1) {
        self.epoch = epoch
        self.nextSender = nextSender
        self.nextTarget = nextTarget
    }
}

/// The FIX 4.4 session layer as a value (`docs/fix.md`, "Session"): logon, heartbeats and test
/// requests, sequence numbers with gap detection and resend requests, sequence resets, session
/// rejects and logout. It does no I/O: each input returns the actions its owner carries out, and
/// every outgoing message is numbered by ``outbound(_:at:)`` so nothing is sent unnumbered.
public struct FIXSession: Sendable {
    public enum Phase: Sendable, Hashable {
        /// Connected, waiting for the peer's Logon.
        case awaitingLogon
        case active
        /// We sent Logout and wait for the peer's.
        case loggingOut
        /// Not connected.
        case disconnected
    }

    public enum Action: Sendable, Hashable {
        /// Number and send this session message.
        case send(FIXMessage)
        /// Send again the application messages numbered `from` through `through` (PossDupFlag),
        /// with a SequenceReset-GapFill for the numbers that were session messages.
        case resend(from: Int, through: Int)
        /// An application message, in sequence, for the application.
        case deliver(FIXMessage)
        /// The peer is logged on (after our Logon reply is sent).
        case loggedOn
        /// Close the connection (after sending what came before).
        case disconnect(String)
        /// Something worth a log line that needs no answer.
        case note(String)
    }

    public let settings: FIXSessionSettings
    public internal(set) var sequences: FIXSequences
    public internal(set) var phase: Phase = .disconnected
    private var heartbeat: Int64
    private var connectedAt = Timestamp.epoch
    private var lastReceived = Timestamp.epoch
    private var lastSent = Timestamp.epoch
    private var testRequest: (id: String, at: Timestamp)?
    /// A ResendRequest we sent: messages up to this number are awaited.
    private var awaitingResendThrough: Int?
    private var logoutAt: Timestamp?

    var heartbeatNanoseconds: Int64 { heartbeat }
    var connectedSince: Timestamp { connectedAt }
    var logoutSince: Timestamp? { logoutAt }
    var lastReceivedAt: Timestamp { lastReceived }
    var lastSentAt: Timestamp { lastSent }
    var pendingTestRequest: (id: String, at: Timestamp)? { testRequest }
    var awaitingResend: Int? { awaitingResendThrough }
    mutating func lastReceivedNow(_ now: Timestamp) { lastReceived = now }
    mutating func setTestRequest(_ id: String, at now: Timestamp) { testRequest = (id, now) }
    mutating func clearTestRequest() { testRequest = nil }
    mutating func setAwaitingResend(_ through: Int) { awaitingResendThrough = through }
    mutating func clearResend() { awaitingResendThrough = nil }

    public init(settings: FIXSessionSettings, sequences: FIXSequences) {
        self.settings = settings
        self.sequences = sequences
        self.heartbeat = Int64(settings.heartbeatSeconds) * 1_000_000_000
    }

    /// The logon timeout in nanoseconds.
    var logonTimeoutNanoseconds: Int64 {
        let parts = settings.logonTimeout.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }

    /// Puts the sequences back as they were before a message that could not be kept.
    public mutating func restore(_ saved: FIXSequences) { sequences = saved }

    /// A connection opened: the peer has `logonTimeout` to log on.
    public mutating func connected(at now: Timestamp) {
        phase = .awaitingLogon
        connectedAt = now
        lastReceived = now
        lastSent = now
        testRequest = nil
        awaitingResendThrough = nil
        logoutAt = nil
    }

    /// The connection closed.
    public mutating func disconnected() { phase = .disconnected }

    /// `message` with the standard header, numbered with the next sequence number (which is
    /// counted: the caller persists ``sequences`` before the bytes leave).
    public mutating func outbound(_ message: FIXMessage, at now: Timestamp) -> FIXMessage {
        var fields = [FIXField(FIXTag.msgType, message.msgType)]
        fields += [
            FIXField(FIXTag.senderCompID, settings.senderCompID), FIXField(FIXTag.targetCompID, settings.targetCompID),
            FIXField(FIXTag.msgSeqNum, String(sequences.nextSender)),
            FIXField(FIXTag.sendingTime, FIXTime.format(now)),
        ]
        fields += message.fields.dropFirst()
        sequences.nextSender += 1
        lastSent = now
        return FIXMessage(fields: fields)
    }

    /// A stored application message sent again: PossDupFlag, its first SendingTime as
    /// OrigSendingTime, a new SendingTime; its own sequence number.
    public mutating func resent(_ stored: FIXMessage, at now: Timestamp) -> FIXMessage {
        var message = stored
        let original = message[FIXTag.sendingTime] ?? FIXTime.format(now)
        message.set(FIXTag.sendingTime, FIXTime.format(now))
        if let index = message.fields.firstIndex(where: { $0.tag == FIXTag.sendingTime }) {
            message.fields.insert(FIXField(FIXTag.possDupFlag, "Y"), at: index)
            message.fields.insert(FIXField(FIXTag.origSendingTime, original), at: index + 2)
        }
        lastSent = now
        return message
    }

    /// A SequenceReset-GapFill standing for the session messages numbered `from` up to `newSeqNo`.
    public mutating func gapFill(from: Int, to newSeqNo: Int, at now: Timestamp) -> FIXMessage {
        lastSent = now
        return FIXMessage(fields: [
            FIXField(FIXTag.msgType, FIXMsgType.sequenceReset), FIXField(FIXTag.senderCompID, settings.senderCompID),
            FIXField(FIXTag.targetCompID, settings.targetCompID), FIXField(FIXTag.msgSeqNum, String(from)),
            FIXField(FIXTag.possDupFlag, "Y"), FIXField(FIXTag.sendingTime, FIXTime.format(now)),
            FIXField(FIXTag.gapFillFlag, "Y"), FIXField(FIXTag.newSeqNo, String(newSeqNo)),
        ])
    }

    /// We end the session: Logout sent, the peer's awaited for a heartbeat interval at most.
    public mutating func logout(_ text: String, at now: Timestamp) -> [Action] {
        guard phase == .active else { return [.disconnect(text)] }
        phase = .loggingOut
        logoutAt = now
        return [.send(FIXMessage(FIXMsgType.logout, [FIXField(FIXTag.text, text)]))]
    }
}
