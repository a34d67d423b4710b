extension APIViews {
    /// `GET /v1/investors/{account}`: an investor's identity record, what it stops now, and the
    /// onboardings filed for the investor at each venue. `PUT` takes the same shape (without
    /// `standing`, `onboardings`, `updatedBy` and `updatedAt`), its `revision` the one read.
    public struct InvestorView: Codable, Hashable, Sendable {
        public var account: String
        /// 0: the record the configuration declares; each change adds one.
        public var revision: Int
        public var legalName: String
        public var jurisdiction: String
        public var usPerson: Bool
        public var kyc: KYCView
        public var accreditation: AccreditationView?
        public var qualifiedPurchaser: EvidenceView?
        public var professional: EvidenceView?
        /// Wallet addresses by chain.
        public var wallets: [String: String]
        public var updatedBy: String?
        public var updatedAt: String?
        /// What in the record stops a new order today (KYC pending, expired or revoked), absent when nothing does.
        public var standing: RejectionView?
        /// The onboarding at each venue that requires its own: approved, pending, refused or not filed.
        public var onboardings: [OnboardingView]?

        public init(
            account: String, revision: Int, legalName: String, jurisdiction: String, usPerson: Bool, kyc: KYCView,
            accreditation: AccreditationView?, qualifiedPurchaser: EvidenceView?, professional: EvidenceView?,
            wallets: [String: String], updatedBy: String?, updatedAt: String?, standing: RejectionView?,
            onboardings: [OnboardingView]?
        ) {
            self.account = account
            self.revision = revision
            self.legalName = legalName
            self.jurisdiction = jurisdiction
            self.usPerson = usPerson
            self.kyc = kyc
            self.accreditation = accreditation
            self.qualifiedPurchaser = qualifiedPurchaser
            self.professional = professional
            self.wallets = wallets
            self.updatedBy = updatedBy
            self.updatedAt = updatedAt
            self.standing = standing
            self.onboardings = onboardings
        }
    }

    public struct KYCView: Codable, Hashable, Sendable {
        /// `pending`, `approved`, `expired` or `revoked`.
        public var status: String
        public var provider: String
        public var verifiedOn: String?
        public var expiresOn: String?
        public var note: String?

        public init(status: String, provider: String, verifiedOn: String?, expiresOn: String?, note: String?) {
            self.status = status
            self.provider = provider
            self.verifiedOn = verifiedOn
            self.expiresOn = expiresOn
            self.note = note
        }
    }

    public struct AccreditationView: Codable, Hashable, Sendable {
        /// `income`, `net_worth`, `third_party_letter`, `professional_certification`, `entity`, `self_certified`.
        public var method: String
        public var verifiedOn: String
        public var evidence: String
        /// The last day it supports buying a 506(c) security (absent for a self-certification, which never does).
        public var valid506cThrough: String?

        public init(method: String, verifiedOn: String, evidence: String, valid506cThrough: String?) {
            self.method = method
            self.verifiedOn = verifiedOn
            self.evidence = evidence
            self.valid506cThrough = valid506cThrough
        }
    }

    public struct EvidenceView: Codable, Hashable, Sendable {
        public var evidence: String
        public var verifiedOn: String

        public init(evidence: String, verifiedOn: String) {
            self.evidence = evidence
            self.verifiedOn = verifiedOn
        }
    }

    /// The onboarding filed for an investor at one venue.
    public struct OnboardingView: Codable, Hashable, Sendable {
        public var venue: String
        /// `approved`, `not_filed`, `submitted`, `pending`, `needs_information`, `refused`.
        public var status: String
        /// The venue's reference for the application, once it took it.
        public var reference: String?
        /// What the venue asked for, or why it refused.
        public var reason: String?
        public var updatedAt: String?

        public init(venue: String, status: String, reference: String?, reason: String?, updatedAt: String?) {
            self.venue = venue
            self.status = status
            self.reference = reference
            self.reason = reason
            self.updatedAt = updatedAt
        }
    }

    /// `GET /v1/investors/{account}/history`: every revision of the record, oldest first.
    public struct InvestorHistory: Codable, Hashable, Sendable {
        public var revisions: [InvestorView]

        public init(revisions: [InvestorView]) { self.revisions = revisions }
    }

    /// One alert in the compliance queue.
    public struct AlertView: Codable, Hashable, Sendable {
        public var id: String
        public var account: String
        /// `rapid_in_and_out`, `structuring`, `sanctions_match`.
        public var kind: String
        /// `open` or `closed`.
        public var status: String
        public var raisedAt: String
        public var message: String
        /// The orders, subscriptions or transfers that raised it.
        public var references: [String]
        public var closedBy: String?
        public var closedAt: String?
        public var resolution: String?

        public init(
            id: String, account: String, kind: String, status: String, raisedAt: String, message: String,
            references: [String], closedBy: String?, closedAt: String?, resolution: String?
        ) {
            self.id = id
            self.account = account
            self.kind = kind
            self.status = status
            self.raisedAt = raisedAt
            self.message = message
            self.references = references
            self.closedBy = closedBy
            self.closedAt = closedAt
            self.resolution = resolution
        }
    }

    /// `GET /v1/compliance/alerts`.
    public struct AlertList: Codable, Hashable, Sendable {
        public var alerts: [AlertView]

        public init(alerts: [AlertView]) { self.alerts = alerts }
    }
}
