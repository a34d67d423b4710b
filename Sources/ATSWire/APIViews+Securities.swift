extension APIViews {
    /// `GET /v1/securities`: every security the router trades.
    public struct SecurityList: Codable, Hashable, Sendable {
        public var securities: [SecurityView]

        public init(securities: [SecurityView]) { self.securities = securities }
    }

    /// One security: what it is, the token's transfer rules, and where it lists on what terms.
    public struct SecurityView: Codable, Hashable, Sendable {
        public var symbol: String
        public var name: String
        public var issuer: String
        public var identifier: String
        /// `reg_d_506c`, `reg_s`, `reg_a_tier2`, `reg_cf` or `fund_3c7`.
        public var exemption: String
        /// How long an acquisition is held before it may be resold (`none`, `12 months`, `40 days`).
        public var holdingPeriod: String
        public var tokenStandard: String
        public var chain: String
        public var transferRules: TransferRulesView
        public var listings: [SecurityListingView]

        public init(
            symbol: String, name: String, issuer: String, identifier: String, exemption: String,
            holdingPeriod: String, tokenStandard: String, chain: String, transferRules: TransferRulesView,
            listings: [SecurityListingView]
        ) {
            self.symbol = symbol
            self.name = name
            self.issuer = issuer
            self.identifier = identifier
            self.exemption = exemption
            self.holdingPeriod = holdingPeriod
            self.tokenStandard = tokenStandard
            self.chain = chain
            self.transferRules = transferRules
            self.listings = listings
        }
    }

    /// The token's transfer restrictions, checked before a trade and again at settlement.
    public struct TransferRulesView: Codable, Hashable, Sendable {
        /// ISO alpha-2 countries whose residents may not acquire it.
        public var restrictedCountries: [String]
        public var accreditedOnly: Bool
        public var qualifiedPurchaserOnly: Bool
        public var maximumHolders: Int?
        public var minimumHolding: String?
        public var maximumHolding: String?
        /// Until this date US persons may not acquire it (Reg S flowback).
        public var flowbackEndsOn: String?

        public init(
            restrictedCountries: [String], accreditedOnly: Bool, qualifiedPurchaserOnly: Bool,
            maximumHolders: Int? = nil, minimumHolding: String? = nil, maximumHolding: String? = nil,
            flowbackEndsOn: String? = nil
        ) {
            self.restrictedCountries = restrictedCountries
            self.accreditedOnly = accreditedOnly
            self.qualifiedPurchaserOnly = qualifiedPurchaserOnly
            self.maximumHolders = maximumHolders
            self.minimumHolding = minimumHolding
            self.maximumHolding = maximumHolding
            self.flowbackEndsOn = flowbackEndsOn
        }
    }

    /// Where a security lists and on what terms.
    public struct SecurityListingView: Codable, Hashable, Sendable {
        public var venue: String
        public var venueName: String
        /// `continuous` or `call_auction`.
        public var matching: String
        /// `three_step`, `four_step` or `custodial_book_entry`, and its cycle.
        public var settlement: String
        public var cycle: String
        /// Where the tokens must be to sell there, and the cash to buy.
        public var tokenLocation: String
        public var cashAsset: String
        public var cashLocation: String
        public var tickSize: String
        public var lotSize: String
        public var minimumQuantity: String
        public var minimumOrderValue: String
        public var maximumOrderQuantity: String
        public var referencePrice: String

        public init(
            venue: String, venueName: String, matching: String, settlement: String, cycle: String,
            tokenLocation: String, cashAsset: String, cashLocation: String, tickSize: String, lotSize: String,
            minimumQuantity: String, minimumOrderValue: String, maximumOrderQuantity: String, referencePrice: String
        ) {
            self.venue = venue
            self.venueName = venueName
            self.matching = matching
            self.settlement = settlement
            self.cycle = cycle
            self.tokenLocation = tokenLocation
            self.cashAsset = cashAsset
            self.cashLocation = cashLocation
            self.tickSize = tickSize
            self.lotSize = lotSize
            self.minimumQuantity = minimumQuantity
            self.minimumOrderValue = minimumOrderValue
            self.maximumOrderQuantity = maximumOrderQuantity
            self.referencePrice = referencePrice
        }
    }
}
