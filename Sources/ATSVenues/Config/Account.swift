import ATSDomain

/// An investor account: who the investor is, where they are onboarded, and what they hold.
public struct Account: Sendable, Hashable, Codable {
    public var id: AccountID
    public var name: String
    public var investorType: InvestorType
    public var accredited: Bool
    public var qualifiedPurchaser: Bool
    /// A professional client or eligible counterparty (UK/EU terms).
    public var professional: Bool
    /// ISO 3166-1 alpha-2 country of residence.
    public var country: String
    /// A US person under Regulation S.
    public var usPerson: Bool
    /// KYC status per venue id; a venue missing here means not onboarded.
    public var kyc: [String: KYCStatus]
    /// Holdings by lot, each with its acquisition date (holding periods run per lot).
    public var holdings: [Holding]
    /// The digests of the keys that authenticate this account's API requests (several while a key
    /// is rotated); `ats-router keys add` makes a key and writes its digest here.
    public var apiKeys: [APIKeyDigest]?
    /// Where settlement consolidates this account's tokens: absent, the account's own wallet on
    /// each token's home chain; or one custodian (`custodian:<venue>`) for every token.
    public var custody: CustodyLocation?
    /// Cash balances when the ledgers are first opened.
    public var cash: [CashBalance]?
    /// Annual income and net worth as the investor declared them (USD): what the Regulation
    /// Crowdfunding investment limit is computed from. Absent counts as zero.
    public var annualIncome: Money?
    public var netWorth: Money?
    /// Wallet addresses by chain, where the investor's tokens settle (screened against the
    /// sanctions list, whitelisted in each token's identity registry). Absent: none declared.
    public var wallets: [String: String]?

    public enum InvestorType: String, Sendable, Hashable, Codable {
        case individual, entity, institution
    }

    public enum KYCStatus: String, Sendable, Hashable, Codable {
        case approved, pending, rejected
    }

    public struct Holding: Sendable, Hashable, Codable {
        public var symbol: Symbol
        public var quantity: Quantity
        public var acquiredOn: CalendarDate

        public init(symbol: Symbol, quantity: Quantity, acquiredOn: CalendarDate) {
            self.symbol = symbol
            self.quantity = quantity
            self.acquiredOn = acquiredOn
        }
    }

    /// Cash of one asset at one location.
    public struct CashBalance: Sendable, Hashable, Codable {
        public var asset: CashAsset
        public var location: CustodyLocation
        public var amount: Money

        public init(asset: CashAsset, location: CustodyLocation, amount: Money) {
            self.asset = asset
            self.location = location
            self.amount = amount
        }
    }

    /// Where settlement moves this account's holdings of `security` once a trade has settled.
    public func designatedCustody(of security: Security) -> CustodyLocation {
        custody ?? .wallet(chain: security.chain)
    }

    public func kycStatus(at venue: VenueID) -> KYCStatus? { kyc[venue.rawValue] }

    /// Everything held of `symbol`, every lot.
    public func holding(of symbol: Symbol) -> Quantity {
        Quantity(rawValue: holdings.filter { $0.symbol == symbol }.reduce(0) { $0 + $1.quantity.rawValue })
    }
}
