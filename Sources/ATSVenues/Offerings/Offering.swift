import ATSDomain

/// A primary offering a venue runs (`offerings` in `venues/<id>.json`): new units of a security
/// sold by its issuer at a fixed price until a close date, to investors the offering admits.
public struct Offering: Sendable, Hashable, Codable {
    /// The venue's id for the offering, unique at the venue.
    public var id: String
    public var symbol: Symbol
    public var pricePerUnit: Price
    /// Units are allocated in whole multiples of this.
    public var lotSize: Quantity
    /// What one investor may subscribe, in the payment asset.
    public var minimumInvestment: Money
    public var maximumInvestment: Money
    /// Below this in subscriptions at close, the offering is cancelled and everyone refunded.
    public var minimumRaise: Money
    /// The most the issuer sells; oversubscription is allocated pro rata up to it.
    public var maximumRaise: Money
    /// The last day (UTC) it takes subscriptions; it closes at the end of that day, or earlier
    /// when the issuer closes it.
    public var closesOn: CalendarDate
    public var eligibility: Eligibility
    public var paymentAsset: CashAsset
    /// Where the issued tokens are delivered.
    public var chain: String

    /// Who may subscribe.
    public struct Eligibility: Sendable, Hashable, Codable {
        public var accreditedOnly: Bool
        public var qualifiedPurchaserOnly: Bool
        /// A Regulation Crowdfunding offering: non-accredited investors are held to the
        /// 17 CFR 227.100(a)(2) limits over twelve months.
        public var regulationCrowdfunding: Bool
        /// ISO alpha-2 countries admitted; empty admits all.
        public var allowedCountries: [String]

        public init(
            accreditedOnly: Bool, qualifiedPurchaserOnly: Bool, regulationCrowdfunding: Bool, allowedCountries: [String]
        ) {
            self.accreditedOnly = accreditedOnly
            self.qualifiedPurchaserOnly = qualifiedPurchaserOnly
            self.regulationCrowdfunding = regulationCrowdfunding
            self.allowedCountries = allowedCountries
        }
    }

    public init(
        id: String, symbol: Symbol, pricePerUnit: Price, lotSize: Quantity, minimumInvestment: Money,
        maximumInvestment: Money, minimumRaise: Money, maximumRaise: Money, closesOn: CalendarDate,
        eligibility: Eligibility, paymentAsset: CashAsset, chain: String
    ) {
        self.id = id
        self.symbol = symbol
        self.pricePerUnit = pricePerUnit
        self.lotSize = lotSize
        self.minimumInvestment = minimumInvestment
        self.maximumInvestment = maximumInvestment
        self.minimumRaise = minimumRaise
        self.maximumRaise = maximumRaise
        self.closesOn = closesOn
        self.eligibility = eligibility
        self.paymentAsset = paymentAsset
        self.chain = chain
    }

    /// The moment subscriptions stop: the end of ``closesOn`` (UTC).
    public var closesAt: Timestamp { closesOn.adding(days: 1).start }

    /// What one lot costs (zero only if it overflows, which loading's checks keep out of reach).
    public var lotCost: Money {
        (try? Money.notional(price: pricePerUnit, quantity: lotSize, rounding: .down)) ?? .zero
    }

    /// Why the offering's own terms refuse a subscription of `amount`, or nil.
    public func refusal(of amount: Money) -> String? {
        if amount < minimumInvestment { return "\(amount) is below the minimum investment \(minimumInvestment)" }
        if amount > maximumInvestment { return "\(amount) is above the maximum investment \(maximumInvestment)" }
        if lotCost > amount {
            return "\(amount) buys no whole lot of \(lotSize) at \(pricePerUnit)"
        }
        return nil
    }
}

/// What an offering allocates at close, computed exactly from the subscriptions in it.
public enum OfferingAllocation {
    /// One subscription's share: whole lots, what they cost, and the rest refunded.
    public struct Share: Sendable, Hashable {
        public var key: String
        public var units: Quantity
        public var paid: Money
        public var refund: Money
    }

    public enum Outcome: Sendable, Hashable {
        /// Issued: every subscription's share (units may be zero, refunded whole).
        case allocated([Share])
        /// Cancelled: the subscriptions did not reach the minimum raise; every one refunded whole.
        case cancelled(raised: Money)
    }

    /// Allocates `offering` among `subscriptions` (key, amount), in their order.
    ///
    /// Under the maximum raise each gets the whole lots its amount buys. Over it (oversubscribed)
    /// each amount is first scaled by maximum ÷ total, rounded down to the unit, then turned into
    /// whole lots: pro rata, never above the maximum raise, never more than anyone paid; the
    /// lots that rounding leaves over stay with the issuer. Below the minimum raise nothing is issued.
    public static func allocate(_ offering: Offering, _ subscriptions: [(key: String, amount: Money)]) -> Outcome {
        let total = subscriptions.reduce(Int128(0)) { $0 + Int128($1.amount.rawValue) }
        guard total >= Int128(offering.minimumRaise.rawValue) else {
            return .cancelled(raised: Money(rawValue: Int64(total)))
        }
        let lotCost = Int128(offering.lotCost.rawValue)
        let maximum = Int128(offering.maximumRaise.rawValue)
        return .allocated(
            subscriptions.map { subscription in
                let amount = Int128(subscription.amount.rawValue)
                let scaled = total > maximum ? amount * maximum / total : amount
                let lots = lotCost > 0 ? scaled / lotCost : 0
                let paid = lots * lotCost
                return Share(
                    key: subscription.key, units: Quantity(rawValue: Int64(lots * Int128(offering.lotSize.rawValue))),
                    paid: Money(rawValue: Int64(paid)), refund: Money(rawValue: Int64(amount - paid)))
            })
    }
}
