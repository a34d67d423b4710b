import ATSDomain

/// What the router files with a venue to onboard an investor there, filled from the investor's
/// identity record (``InvestorRecord``): the venue relies on the broker-dealer's verification.
public struct OnboardingApplicant: Sendable, Hashable, Codable {
    public var legalName: String
    public var jurisdiction: String
    public var usPerson: Bool
    public var accredited: Bool
    /// How accreditation was verified (`income`, `third_party_letter`, …), when it was.
    public var accreditationMethod: String?
    public var qualifiedPurchaser: Bool
    public var professional: Bool
    public var kycProvider: String
    public var kycVerifiedOn: String?
    /// Wallet addresses by chain.
    public var wallets: [String: String]

    public init(
        legalName: String, jurisdiction: String, usPerson: Bool, accredited: Bool, accreditationMethod: String?,
        qualifiedPurchaser: Bool, professional: Bool, kycProvider: String, kycVerifiedOn: String?,
        wallets: [String: String]
    ) {
        self.legalName = legalName
        self.jurisdiction = jurisdiction
        self.usPerson = usPerson
        self.accredited = accredited
        self.accreditationMethod = accreditationMethod
        self.qualifiedPurchaser = qualifiedPurchaser
        self.professional = professional
        self.kycProvider = kycProvider
        self.kycVerifiedOn = kycVerifiedOn
        self.wallets = wallets
    }

    /// The applicant `record` describes on `today`.
    public init(_ record: InvestorRecord, on today: CalendarDate) {
        self.init(
            legalName: record.legalName, jurisdiction: record.jurisdiction, usPerson: record.usPerson,
            accredited: record.isAccredited(for: nil, on: today),
            accreditationMethod: record.accreditation?.method.rawValue,
            qualifiedPurchaser: record.qualifiedPurchaser != nil, professional: record.professional != nil,
            kycProvider: record.kyc.provider, kycVerifiedOn: record.kyc.verifiedOn?.description,
            wallets: record.wallets)
    }
}

/// Where an application to onboard at a venue stands, as the venue says.
public enum OnboardingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Under review.
    case pending
    case approved
    /// The venue needs more before it decides (`reason` says what); a supplement reopens review.
    case needsInformation = "needs_information"
    /// Final: the venue will not onboard the investor (`reason` names its rule).
    case refused
}

extension VenueDefinition {
    /// How long the venue takes to review an application. Real venues take days; the mocks
    /// compress it to seconds (an assumption: `onboardingReviewSeconds` in the venue file, 2 when absent).
    public var onboardingReviewSeconds: Int { eligibility.onboardingReviewSeconds ?? 2 }

    /// The venue's decision on `applicant`, by its own admission rules (the ones the router checks
    /// before sending it orders): refused naming the rule, needs information when the venue
    /// settles to investors' wallets and the applicant gave none, else approved.
    public func onboardingDecision(_ applicant: OnboardingApplicant) -> (status: OnboardingStatus, reason: String?) {
        let e = eligibility
        if e.deniedCountries.contains(applicant.jurisdiction)
            || (!e.allowedCountries.isEmpty && !e.allowedCountries.contains(applicant.jurisdiction))
        {
            return (.refused, "\(name) does not admit investors from \(applicant.jurisdiction)")
        }
        if e.nonUSPersonsOnly && applicant.usPerson { return (.refused, "\(name) admits non-US persons only") }
        if (e.accreditedOnly || (e.usPersonsMustBeAccredited && applicant.usPerson)) && !applicant.accredited {
            return (.refused, "\(name) admits accredited investors only")
        }
        if e.qualifiedPurchaserOnly && !applicant.qualifiedPurchaser {
            return (.refused, "\(name) admits qualified purchasers only")
        }
        if e.professionalOnly && !applicant.professional {
            return (.refused, "\(name) admits professional clients only")
        }
        if settlement.model != .custodialBookEntry && applicant.wallets.isEmpty {
            return (.needsInformation, "\(name) settles to investors' wallets: give a wallet address")
        }
        return (.approved, nil)
    }
}
