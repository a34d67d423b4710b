import ATSDomain
import ATSVenues

/// The onboarding the router filed for an investor at one venue, from the investor's identity
/// record, followed until the venue decides and the investor's wallet is whitelisted in each
/// token's identity registry. Journalled at each step (`onboarding`), recovered after a restart.
public struct Onboarding: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Journalled; not yet taken by the venue (sent again under its key until it answers).
        case submitted
        /// The venue is reviewing it.
        case pending
        /// The venue (or the router, before filing) needs more: `reason` says what; a change to the
        /// investor's record sends it again.
        case needsInformation = "needs_information"
        /// The venue approved; the wallet is being whitelisted in the tokens' registries.
        case registering
        /// Done: the investor trades at the venue.
        case approved
        /// Final: the venue refused (`reason` names its rule), or the router could not file it.
        case refused

        public var isOpen: Bool { self != .approved && self != .refused }
    }

    /// A wallet whitelisted in a token's identity registry (DS Protocol's registry service, an
    /// ERC-3643 identity registry, an ERC-1400 controller's list), effective at `readyAt`.
    public struct Registration: Sendable, Hashable, Codable {
        public var symbol: Symbol
        public var standard: String
        public var chain: String
        public var wallet: String
        public var readyAt: Timestamp
    }

    public struct Step: Sendable, Hashable, Codable {
        public var at: Timestamp
        public var status: Status
        public var detail: String
    }

    public var account: AccountID
    public var venue: VenueID
    public var status: Status
    /// The router's key for the application (idempotent at the venue).
    public var key: String
    public var venueApplicationID: String?
    public var reason: String?
    /// The revision of the investor's record the last submission was made from.
    public var filedRevision: Int
    public var registrations: [Registration]
    public var steps: [Step]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    /// Moves to `status` at `now`, noting why.
    mutating func move(_ status: Status, at now: Timestamp, _ detail: String, reason: String? = nil) {
        self.status = status
        self.reason = reason
        updatedAt = now
        steps.append(Step(at: now, status: status, detail: detail))
    }

    /// The venue-KYC status the rules see while this onboarding stands.
    public var kycStatus: Account.KYCStatus {
        switch status {
        case .approved: .approved
        case .refused: .rejected
        default: .pending
        }
    }
}

/// How long whitelisting a wallet takes in each token standard's identity registry: the
/// transaction and its confirmations, compressed to seconds as the venues' review is (an
/// assumption; on Ethereum a registration is a transaction of a few blocks).
public enum IdentityRegistry {
    public static func whitelistSeconds(_ standard: String) -> Int64 {
        switch standard {
        case "ERC-3643": 2  // an ONCHAINID identity and its claim, then the registry entry
        case "DS Protocol": 1  // the registry service's registerWallet
        default: 1  // ERC-1400 and others: the controller's whitelist
        }
    }
}
