import ATSDomain
import Foundation

/// What the broker-dealer has verified about one investor, once, for every venue: KYC with its
/// provider and expiry, accreditation with its method and date, qualified-purchaser and
/// professional status with their evidence, jurisdiction, and wallets by chain.
///
/// The compliance officer keeps it (`PUT /v1/investors/{account}`); the journal keeps every
/// revision. An account nobody has verified yet has the record its configuration declares
/// (``init(declaredBy:)``, revision 0): what `config.json` says, taken as verified by
/// `configuration` with no expiry.
public struct InvestorRecord: Sendable, Hashable, Codable {
    public var account: AccountID
    /// 0 for the record the configuration declares; each change the compliance officer makes adds one.
    public var revision: Int
    public var legalName: String
    /// ISO 3166-1 alpha-2 country of residence (or incorporation).
    public var jurisdiction: String
    /// A US person under Regulation S.
    public var usPerson: Bool
    public var kyc: KYC
    public var accreditation: Accreditation?
    public var qualifiedPurchaser: Evidence?
    /// A professional client or eligible counterparty (UK/EU terms).
    public var professional: Evidence?
    /// Wallet addresses by chain (`ethereum`, `polygon`, …): where tokens settle to, whitelisted in
    /// each token's identity registry, screened against the sanctions list.
    public var wallets: [String: String]
    /// Who last changed it and when (nil for the declared record).
    public var updatedBy: String?
    public var updatedAt: Timestamp?

    public struct KYC: Sendable, Hashable, Codable {
        public var status: Status
        /// Who verified the investor's identity (a KYC vendor, or `configuration`).
        public var provider: String
        public var verifiedOn: CalendarDate?
        /// The first day the verification no longer holds; nil: it does not expire.
        public var expiresOn: CalendarDate?
        /// Why it was revoked or is pending, for the record.
        public var note: String?

        public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
            case pending, approved, expired, revoked
        }

        public init(
            status: Status, provider: String, verifiedOn: CalendarDate? = nil, expiresOn: CalendarDate? = nil,
            note: String? = nil
        ) {
            self.status = status
            self.provider = provider
            self.verifiedOn = verifiedOn
            self.expiresOn = expiresOn
            self.note = note
        }
    }

    /// How the investor's accredited status was established (17 CFR 230.501(a), 230.506(c)(2)(ii)).
    public struct Accreditation: Sendable, Hashable, Codable {
        public var method: Method
        public var verifiedOn: CalendarDate
        /// What was seen: a letter's issuer, a return's year, a licence number.
        public var evidence: String

        public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
            /// Income verified from IRS forms (506(c)(2)(ii)(A)).
            case income
            /// Net worth verified from statements and a credit report (506(c)(2)(ii)(B)).
            case netWorth = "net_worth"
            /// A written confirmation by a broker-dealer, adviser, lawyer or CPA (506(c)(2)(ii)(C)).
            case thirdPartyLetter = "third_party_letter"
            /// Series 7, 65 or 82 holder in good standing (501(a)(10)).
            case professionalCertification = "professional_certification"
            /// An entity with more than 5 000 000 in assets, or owned by accredited investors.
            case entity
            /// The investor's own statement: enough under 506(b), never under 506(c).
            case selfCertified = "self_certified"
        }

        public init(method: Method, verifiedOn: CalendarDate, evidence: String) {
            self.method = method
            self.verifiedOn = verifiedOn
            self.evidence = evidence
        }
    }

    /// A status established from evidence on a date.
    public struct Evidence: Sendable, Hashable, Codable {
        public var evidence: String
        public var verifiedOn: CalendarDate

        public init(evidence: String, verifiedOn: CalendarDate) {
            self.evidence = evidence
            self.verifiedOn = verifiedOn
        }
    }

    public init(
        account: AccountID, revision: Int, legalName: String, jurisdiction: String, usPerson: Bool, kyc: KYC,
        accreditation: Accreditation?, qualifiedPurchaser: Evidence?, professional: Evidence?,
        wallets: [String: String], updatedBy: String? = nil, updatedAt: Timestamp? = nil
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
    }

    /// The record `account`'s configuration declares: approved by `configuration`, never expiring;
    /// accredited (by the `configuration` as a third party, dated `latest`, so no 90-day limit
    /// runs) when the account says so.
    public init(declaredBy account: Account) {
        let declared = "declared in config.json"
        self.init(
            account: account.id, revision: 0, legalName: account.name, jurisdiction: account.country,
            usPerson: account.usPerson, kyc: KYC(status: .approved, provider: "configuration"),
            accreditation: account.accredited
                ? Accreditation(method: .thirdPartyLetter, verifiedOn: .latest, evidence: declared) : nil,
            qualifiedPurchaser: account.qualifiedPurchaser ? Evidence(evidence: declared, verifiedOn: .latest) : nil,
            professional: account.professional ? Evidence(evidence: declared, verifiedOn: .latest) : nil,
            wallets: account.wallets ?? [:])
    }
}

extension InvestorRecord {
    /// How long a verification of accredited status by income, net worth or a third party's letter
    /// supports a purchase of a 506(c) security: the SEC's reasonable-steps guidance treats a
    /// verification older than three months as stale (an assumption of 90 calendar days).
    public static let accreditationValidityDays = 90

    /// Why this record stops new orders and subscriptions on `today`, if it does: KYC not
    /// approved, expired or revoked. Checked before any venue's rules.
    public func kycRefusal(on today: CalendarDate) -> Rejection? {
        switch kyc.status {
        case .approved:
            guard let expires = kyc.expiresOn, expires <= today else { return nil }
            return Rejection(
                .kycExpired,
                "\(account)'s KYC by \(kyc.provider) expired on \(expires); the compliance officer must renew it")
        case .expired:
            return Rejection(
                .kycExpired,
                "\(account)'s KYC by \(kyc.provider) has expired\(kyc.expiresOn.map { " (\($0))" } ?? ""); the compliance officer must renew it"
            )
        case .revoked:
            return Rejection(
                .kycRevoked, "\(account)'s KYC was revoked\(kyc.note.map { ": \($0)" } ?? ""); no new orders")
        case .pending:
            return Rejection(
                .kycPending, "\(account)'s KYC by \(kyc.provider) is still pending; no orders until it is approved")
        }
    }

    /// Whether the record's accreditation supports acquiring `security` on `today`: any
    /// accreditation for a 506(b) or non-US offering; for 506(c), one verified (not self-certified)
    /// within the last ``accreditationValidityDays`` days.
    public func isAccredited(for security: Security?, on today: CalendarDate) -> Bool {
        guard let accreditation else { return false }
        guard security?.exemption == .regD506c else { return true }
        return accreditation.method != .selfCertified
            && today < accreditation.verifiedOn.adding(days: Self.accreditationValidityDays)
    }

    /// Why acquiring `security` on `today` needs a new verification of accredited status: the
    /// security admits accredited investors only and the record's accreditation, though present,
    /// no longer supports it. Nil when it does, or when there is none (the rules say
    /// `not_accredited` then).
    public func accreditationRefusal(for security: Security, on today: CalendarDate) -> Rejection? {
        guard security.transferRules.accreditedOnly, let accreditation, !isAccredited(for: security, on: today)
        else { return nil }
        let why =
            accreditation.method == .selfCertified
            ? "was self-certified, which a 506(c) offering may not rely on"
            : "was verified on \(accreditation.verifiedOn), more than \(Self.accreditationValidityDays) days ago"
        return Rejection(
            .accreditationExpired,
            "\(security.symbol) is a 506(c) security: \(account)'s accredited status \(why); it must be verified again")
    }

    /// `account` as the rules see it under this record on `today`, for acquiring `security`:
    /// jurisdiction, US person, accreditation (valid for `security`), qualified purchaser and
    /// professional status from the record; venue onboarding, wallets and holdings as `account` has them.
    public func applied(to account: Account, for security: Security?, on today: CalendarDate) -> Account {
        var view = account
        view.name = legalName
        view.country = jurisdiction
        view.usPerson = usPerson
        view.accredited = isAccredited(for: security, on: today)
        view.qualifiedPurchaser = qualifiedPurchaser != nil
        view.professional = professional != nil
        return view
    }

    /// The record's problems as a compliance officer would be told them: each a field and why.
    public func problems() -> [(field: String, reason: String)] {
        var found: [(String, String)] = []
        if legalName.trimmingCharacters(in: .whitespaces).isEmpty { found.append(("legalName", "must not be empty")) }
        if jurisdiction.count != 2 || !jurisdiction.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            found.append(("jurisdiction", "must be an ISO 3166-1 alpha-2 code such as US or GB"))
        }
        if kyc.provider.trimmingCharacters(in: .whitespaces).isEmpty {
            found.append(("kyc.provider", "must name who verified the investor"))
        }
        if kyc.status == .approved && kyc.verifiedOn == nil && kyc.provider != "configuration" {
            found.append(("kyc.verifiedOn", "an approved KYC needs the date it was verified"))
        }
        if let verified = kyc.verifiedOn, let expires = kyc.expiresOn, expires <= verified {
            found.append(("kyc.expiresOn", "must be after kyc.verifiedOn (\(verified))"))
        }
        for (chain, address) in wallets.sorted(by: { $0.key < $1.key }) where !Self.isWalletAddress(address) {
            found.append(("wallets.\(chain)", "must be 6 to 128 letters and digits (an address such as 0x…)"))
        }
        return found
    }

    static func isWalletAddress(_ address: String) -> Bool {
        (6...128).contains(address.count) && address.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
