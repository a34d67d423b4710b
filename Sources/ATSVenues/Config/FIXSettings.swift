import ATSDomain

/// The FIX gateway's sessions (`config.json` `fix`; `docs/fix.md`). The gateway listens only
/// when `serve --fix-port` is given.
public struct FIXSettings: Sendable, Hashable, Codable {
    public var sessions: [FIXSessionEntry]

    public init(sessions: [FIXSessionEntry]) { self.sessions = sessions }
}

/// One FIX session: the CompIDs, the account its orders trade for (or a drop copy of every
/// account's execution reports), its heartbeat and whether each logon starts the sequence numbers
/// again.
public struct FIXSessionEntry: Sendable, Hashable, Codable {
    /// Our CompID in this session (the peer's TargetCompID).
    public var senderCompID: String
    /// The peer's CompID (its SenderCompID).
    public var targetCompID: String
    /// The account the session's orders are for; absent for a drop copy.
    public var account: AccountID?
    /// A read-only session receiving every account's execution reports.
    public var dropCopy: Bool?
    /// HeartBtInt the peer must log on with (30 when absent).
    public var heartbeatSeconds: Int?
    /// Every Logon starts both sequence numbers at 1.
    public var resetOnLogon: Bool?

    public init(
        senderCompID: String, targetCompID: String, account: AccountID? = nil, dropCopy: Bool? = nil,
        heartbeatSeconds: Int? = nil, resetOnLogon: Bool? = nil
    ) {
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.account = account
        self.dropCopy = dropCopy
        self.heartbeatSeconds = heartbeatSeconds
        self.resetOnLogon = resetOnLogon
    }

    public var isDropCopy: Bool { dropCopy ?? false }

    /// Checks the entry at `key` of `file`: CompIDs of 1 to 32 printable characters without `=`,
    /// an account for order entry (a configured one) and none for a drop copy, a heartbeat of 1 to 300 s.
    func validate(key: String, file: String, accounts: Set<AccountID>) throws(ConfigurationError) {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, key: "\(key).\(field)", reason: reason)
        }
        for (field, value) in [("senderCompID", senderCompID), ("targetCompID", targetCompID)] {
            guard (1...32).contains(value.utf8.count), value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3D })
            else { throw fail(field, "must be 1 to 32 printable ASCII characters without spaces or '='") }
        }
        if isDropCopy {
            if account != nil {
                throw fail("account", "a drop copy session receives every account's reports; leave it out")
            }
        } else {
            guard let account else {
                throw fail("account", "an order entry session needs the account its orders are for")
            }
            guard accounts.contains(account) else { throw fail("account", "\(account) is not a configured account") }
        }
        if let heartbeatSeconds, !(1...300).contains(heartbeatSeconds) {
            throw fail("heartbeatSeconds", "must be 1 to 300, not \(heartbeatSeconds)")
        }
    }
}
