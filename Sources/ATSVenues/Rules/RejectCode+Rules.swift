import ATSDomain

extension RejectCode {
    // Venue rules
    public static let notListed = RejectCode(rawValue: "not_listed")
    public static let sessionClosed = RejectCode(rawValue: "session_closed")
    public static let offTick = RejectCode(rawValue: "off_tick")
    public static let offLot = RejectCode(rawValue: "off_lot")
    public static let belowMinimumQuantity = RejectCode(rawValue: "below_minimum_quantity")
    public static let belowMinimumValue = RejectCode(rawValue: "below_minimum_value")
    public static let aboveMaximumSize = RejectCode(rawValue: "above_maximum_size")
    public static let outsidePriceBand = RejectCode(rawValue: "outside_price_band")
    public static let rateLimited = RejectCode(rawValue: "rate_limited")
    // Investor and token rules, modelled on DS Protocol's compliance codes
    public static let kycNotApproved = RejectCode(rawValue: "kyc_not_approved")
    public static let notAccredited = RejectCode(rawValue: "not_accredited")
    public static let notQualifiedPurchaser = RejectCode(rawValue: "not_qualified_purchaser")
    public static let notProfessional = RejectCode(rawValue: "not_professional")
    public static let usPersonRestricted = RejectCode(rawValue: "us_person_restricted")
    public static let countryRestricted = RejectCode(rawValue: "country_restricted")
    public static let holdingPeriodNotElapsed = RejectCode(rawValue: "holding_period_not_elapsed")
    public static let insufficientHolding = RejectCode(rawValue: "insufficient_holding")
    public static let maximumHoldersReached = RejectCode(rawValue: "maximum_holders_reached")
    public static let aboveMaximumHolding = RejectCode(rawValue: "above_maximum_holding")
    public static let belowMinimumHolding = RejectCode(rawValue: "below_minimum_holding")
    public static let flowback = RejectCode(rawValue: "flowback")
    /// The account holds enough, but not where this venue settles (another custodian or chain).
    public static let positionNotAtVenue = RejectCode(rawValue: "position_not_at_venue")
    /// The custody transfers an order with `allowTransfers` started did not leave its tokens where
    /// a venue takes them (a hop's fee not payable, the tokens sold meanwhile).
    public static let transferFailed = RejectCode(rawValue: "transfer_failed")
    // The investor's identity record (the broker-dealer's own KYC and verification)
    /// The investor's KYC verification has expired: the compliance officer must renew it.
    public static let kycExpired = RejectCode(rawValue: "kyc_expired")
    /// The investor's KYC was revoked.
    public static let kycRevoked = RejectCode(rawValue: "kyc_revoked")
    /// The investor's KYC is not yet approved.
    public static let kycPending = RejectCode(rawValue: "kyc_pending")
    /// The investor's name or a wallet matches an entry of the sanctions list.
    public static let sanctionsMatch = RejectCode(rawValue: "sanctions_match")
    /// Every venue that could have taken the order refused the investor's onboarding.
    public static let onboardingRefused = RejectCode(rawValue: "onboarding_refused")
    /// The investor's verification of accredited status is too old (or self-certified) for a 506(c) security.
    public static let accreditationExpired = RejectCode(rawValue: "accreditation_expired")
    /// The account has not the cash, free where this venue settles, that the order may cost.
    public static let insufficientCash = RejectCode(rawValue: "insufficient_cash")

    /// The DS Protocol `preTransferCheck` code this rule corresponds to, where there is one.
    public var dsProtocolCode: Int? {
        switch self {
        case .insufficientHolding: return 15
        case .kycNotApproved: return 20
        case .flowback: return 25
        case .countryRestricted, .usPersonRestricted: return 26
        case .holdingPeriodNotElapsed: return 32
        case .maximumHoldersReached: return 40
        case .belowMinimumHolding: return 51
        case .aboveMaximumHolding: return 52
        case .notAccredited: return 61
        default: return nil
        }
    }
}
