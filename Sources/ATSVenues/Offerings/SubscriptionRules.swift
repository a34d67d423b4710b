import ATSDomain

extension RejectCode {
    // Primary offerings
    /// The offering has closed (its close date passed, or its issuer closed it).
    public static let offeringClosed = RejectCode(rawValue: "offering_closed")
    /// The amount is outside the offering's minimum and maximum investment, or buys no whole lot.
    public static let investmentOutOfRange = RejectCode(rawValue: "investment_out_of_range")
    /// A Regulation Crowdfunding subscription above the investor's twelve-month limit (17 CFR 227.100(a)(2)).
    public static let regulationCrowdfundingLimit = RejectCode(rawValue: "reg_cf_limit_exceeded")
    /// The offering is paid in a cash asset its venue does not settle in (nothing earmarks it).
    public static let paymentAssetNotSettled = RejectCode(rawValue: "payment_asset_not_settled")
}

/// Whether an account may subscribe an amount to an offering, and if not which rule refuses it.
///
/// In order: the offering is open, the amount is within its terms, the investor is onboarded at the
/// venue, resides where both the offering and the token admit, is accredited and a qualified
/// purchaser where either asks it, stays within the Regulation Crowdfunding limit, and would hold
/// neither less nor more than the token allows (before any pro rata scaling at close). Pure: the caller gives the time, what the account already
/// committed to Reg CF offerings in the last twelve months, and what it holds of the security.
/// Cash is the caller's check: it needs the ledgers.
public struct SubscriptionRules: Sendable {
    public init() {}

    /// 17 CFR 227.100(a)(2) as amended in 2021: the threshold and the floor, in dollars.
    public static let regulationCrowdfundingThreshold = Money(rawValue: 124_000 * Money.unit)
    public static let regulationCrowdfundingFloor = Money(rawValue: 2_500 * Money.unit)

    /// What a non-accredited investor may put into Reg CF offerings over twelve months: the greater
    /// of $2,500 or 5 % of the greater of annual income and net worth when either is below
    /// $124,000, else 10 % of the greater, at most $124,000. Nil: no limit (accredited investors).
    /// An account without income or net worth on record counts them as zero (the $2,500 floor).
    public static func regulationCrowdfundingLimit(for account: Account) -> Money? {
        guard !account.accredited else { return nil }
        let income = account.annualIncome?.rawValue ?? 0
        let worth = account.netWorth?.rawValue ?? 0
        let greater = max(income, worth)
        let threshold = regulationCrowdfundingThreshold.rawValue
        if min(income, worth) < threshold {
            return Money(rawValue: max(regulationCrowdfundingFloor.rawValue, greater / 20))
        }
        return Money(rawValue: min(threshold, greater / 10))
    }

    /// The first rule that refuses `account` subscribing `amount` to `offering` at `venue`, or nil.
    /// - Parameters:
    ///   - committedToRegulationCrowdfunding: what the account subscribed in the last twelve months
    ///     to Reg CF offerings and was not refunded.
    ///   - holding: what the account holds of the offering's security now.
    ///   - holders: how many accounts hold the security now (its maximum holders).
    public func check(
        _ amount: Money, to offering: Offering, at venue: VenueDefinition, account: Account, security: Security,
        at now: Timestamp, committedToRegulationCrowdfunding: Money, holding: Quantity, holders: Int = 0
    ) -> Rejection? {
        if now >= offering.closesAt {
            return Rejection(.offeringClosed, "offering \(offering.id) closed on \(offering.closesOn)")
        }
        if let refusal = offering.refusal(of: amount) {
            return Rejection(.investmentOutOfRange, "offering \(offering.id): \(refusal)")
        }
        if venue.eligibility.kycRequired, account.kycStatus(at: venue.id) != .approved {
            return Rejection(
                .kycNotApproved,
                "\(account.id) is \(account.kycStatus(at: venue.id).map { "KYC \($0.rawValue)" } ?? "not onboarded") at \(venue.name)"
            )
        }
        let countries = offering.eligibility.allowedCountries
        if !countries.isEmpty && !countries.contains(account.country) {
            return Rejection(
                .countryRestricted,
                "offering \(offering.id) admits investors from \(countries.joined(separator: ", ")), not \(account.country)"
            )
        }
        if security.transferRules.restrictedCountries.contains(account.country) {
            return Rejection(
                .countryRestricted, "\(security.symbol) may not be acquired by residents of \(account.country)")
        }
        if (offering.eligibility.accreditedOnly || security.transferRules.accreditedOnly) && !account.accredited {
            return Rejection(.notAccredited, "offering \(offering.id) admits accredited investors only")
        }
        if (offering.eligibility.qualifiedPurchaserOnly || security.transferRules.qualifiedPurchaserOnly)
            && !account.qualifiedPurchaser
        {
            return Rejection(.notQualifiedPurchaser, "offering \(offering.id) admits qualified purchasers only")
        }
        if offering.eligibility.regulationCrowdfunding, let limit = Self.regulationCrowdfundingLimit(for: account) {
            let total = committedToRegulationCrowdfunding.rawValue + amount.rawValue
            if total > limit.rawValue {
                return Rejection(
                    .regulationCrowdfundingLimit,
                    "\(account.id) may invest \(limit) in Reg CF offerings over twelve months (17 CFR 227.100(a)(2)); \(committedToRegulationCrowdfunding) is committed, so \(amount) more exceeds it"
                )
            }
        }
        if let most = security.transferRules.maximumHolders, holding.isZero, holders >= most {
            return Rejection(
                .maximumHoldersReached,
                "\(security.symbol) has \(holders) holders, the most its issuer allows; \(account.id) would be another")
        }
        if let minimum = security.transferRules.minimumHolding {
            // The least the amount buys: its whole lots.
            let lots = offering.lotCost.rawValue > 0 ? amount.rawValue / offering.lotCost.rawValue : 0
            let units = Int128(lots) * Int128(offering.lotSize.rawValue)
            if Int128(holding.rawValue) + units < Int128(minimum.rawValue) {
                return Rejection(
                    .belowMinimumHolding,
                    "\(account.id) would hold \(Quantity(rawValue: Int64(clamping: Int128(holding.rawValue) + units))) \(security.symbol), below the least one holder may hold, \(minimum)"
                )
            }
        }
        if let maximum = security.transferRules.maximumHolding {
            // The most the amount can buy: its whole lots, before any pro rata scaling.
            let lots = offering.lotCost.rawValue > 0 ? amount.rawValue / offering.lotCost.rawValue : 0
            let units = Int128(lots) * Int128(offering.lotSize.rawValue)
            if Int128(holding.rawValue) + units > Int128(maximum.rawValue) {
                return Rejection(
                    .aboveMaximumHolding,
                    "\(account.id) holds \(holding) \(security.symbol); up to \(Quantity(rawValue: Int64(clamping: units))) more would exceed the most one holder may hold, \(maximum)"
                )
            }
        }
        return nil
    }
}
