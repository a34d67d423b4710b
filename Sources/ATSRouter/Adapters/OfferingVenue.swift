import ATSDomain
import ATSVenues
import Foundation

/// A venue that runs primary offerings: its open and closed offerings, subscriptions taken under
/// the router's idempotency key, and where each stands. Throws only ``VenueFailure``s.
public protocol OfferingVenue: Sendable {
    /// Every offering the venue runs, as it publishes them now.
    func offerings() async throws -> [VenueOffering]
    /// Subscribes `amount` to an offering. Idempotent per `key`: the same key again returns the same
    /// subscription, which is how one whose reply was lost is reconciled.
    func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription
    /// A subscription's current state.
    func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription
}

/// One offering as a venue publishes it.
public struct VenueOffering: Sendable, Hashable {
    public var venue: VenueID
    public var offering: Offering
    public var isOpen: Bool
    /// What has been subscribed so far.
    public var raised: Money

    public init(venue: VenueID, offering: Offering, isOpen: Bool, raised: Money) {
        self.venue = venue
        self.offering = offering
        self.isOpen = isOpen
        self.raised = raised
    }
}

/// A subscription as the venue keeps it.
public struct VenueSubscription: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Taken; the offering has not closed.
        case pending
        /// Issued: `units` for `paid`, the rest of the amount refunded.
        case allocated
        /// Cancelled or below the minimum raise: refunded whole.
        case refunded
    }

    public var id: String
    public var key: String
    public var offering: String
    public var status: Status
    public var amount: Money
    public var units: Quantity
    public var paid: Money
    public var refund: Money
    public var issuedOn: CalendarDate?

    public init(
        id: String, key: String, offering: String, status: Status, amount: Money, units: Quantity, paid: Money,
        refund: Money, issuedOn: CalendarDate?
    ) {
        self.id = id
        self.key = key
        self.offering = offering
        self.status = status
        self.amount = amount
        self.units = units
        self.paid = paid
        self.refund = refund
        self.issuedOn = issuedOn
    }
}

extension VenueHTTP {
    /// A `YYYY-MM-DD` date in a reply.
    func date(_ text: String, field: String) throws -> CalendarDate {
        guard let date = CalendarDate(text) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply", message: "\(field) \"\(text)\" is not a date")
        }
        return date
    }

    /// A cash asset in a reply.
    func cashAsset(_ text: String, field: String) throws -> CashAsset {
        guard let asset = CashAsset(rawValue: text) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply",
                message: "\(field) \"\(text)\" is not a cash asset")
        }
        return asset
    }

    /// A subscription's state in a reply.
    func subscriptionStatus(_ text: String) throws -> VenueSubscription.Status {
        guard let status = VenueSubscription.Status(rawValue: text.lowercased()) else {
            throw VenueFailure(
                venue: venue, kind: .retryable, code: "malformed_reply",
                message: "unknown subscription status \"\(text)\"")
        }
        return status
    }
}

// MARK: - tZERO (`/pi/v1`: offerings as assets, subscriptions as investments)

extension TZeroAdapter: OfferingVenue {
    struct Asset: Decodable {
        let assetId: String, symbol: String, pricePerShare: String, lotSize: String, minInvestment: String
        let maxInvestment: String, minRaise: String, maxRaise: String, closeDate: String, status: String
        let amountRaised: String, paymentAsset: String, chain: String, accreditedOnly: Bool
        let qualifiedPurchaserOnly: Bool, regCF: Bool, countries: [String]
    }
    struct Investment: Decodable {
        let id: String, investmentId: String, assetId: String, amount: String, status: String, shares: String
        let amountAllocated: String, refund: String, issueDate: String?
    }

    public func offerings() async throws -> [VenueOffering] {
        try http.decode([Asset].self, try await session.send(.get, "/pi/v1/assets"), what: "assets").map { asset in
            VenueOffering(
                venue: venue,
                offering: Offering(
                    id: asset.assetId, symbol: try http.symbol(asset.symbol, field: "symbol"),
                    pricePerUnit: try http.decimal(asset.pricePerShare, Price.self, field: "pricePerShare"),
                    lotSize: try http.decimal(asset.lotSize, Quantity.self, field: "lotSize"),
                    minimumInvestment: try http.decimal(asset.minInvestment, Money.self, field: "minInvestment"),
                    maximumInvestment: try http.decimal(asset.maxInvestment, Money.self, field: "maxInvestment"),
                    minimumRaise: try http.decimal(asset.minRaise, Money.self, field: "minRaise"),
                    maximumRaise: try http.decimal(asset.maxRaise, Money.self, field: "maxRaise"),
                    closesOn: try http.date(asset.closeDate, field: "closeDate"),
                    eligibility: Offering.Eligibility(
                        accreditedOnly: asset.accreditedOnly, qualifiedPurchaserOnly: asset.qualifiedPurchaserOnly,
                        regulationCrowdfunding: asset.regCF, allowedCountries: asset.countries),
                    paymentAsset: try http.cashAsset(asset.paymentAsset, field: "paymentAsset"), chain: asset.chain),
                isOpen: asset.status == "OPEN",
                raised: try http.decimal(asset.amountRaised, Money.self, field: "amountRaised"))
        }
    }

    public func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription {
        let body = try http.encode(["investmentId": key, "amount": amount.description])
        return try investment(try await session.send(.post, "/pi/v1/assets/\(offering)/investments", body: body))
    }

    public func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription {
        try investment(try await session.send(.get, "/pi/v1/investments/\(venueSubscriptionID)"))
    }

    func investment(_ data: Data) throws -> VenueSubscription {
        let item = try http.decode(Investment.self, data, what: "investment")
        return VenueSubscription(
            id: item.id, key: item.investmentId, offering: item.assetId,
            status: try http.subscriptionStatus(item.status),
            amount: try http.decimal(item.amount, Money.self, field: "amount"),
            units: try http.decimal(item.shares, Quantity.self, field: "shares"),
            paid: try http.decimal(item.amountAllocated, Money.self, field: "amountAllocated"),
            refund: try http.decimal(item.refund, Money.self, field: "refund"),
            issuedOn: try item.issueDate.map { try http.date($0, field: "issueDate") })
    }
}

// MARK: - Rialto (`/api/v2/offerings`, subscriptions with an `Idempotency-Key`)

extension RialtoAdapter: OfferingVenue {
    struct OfferingItem: Decodable {
        let id: String, security: String, chain: String, unitPrice: Amount, lotSize: String
        let minimumInvestment: Amount, maximumInvestment: Amount, minimumRaise: Amount, maximumRaise: Amount
        let closesOn: String, state: String, raised: Amount, accreditedOnly: Bool, qualifiedPurchaserOnly: Bool
        let regulationCrowdfunding: Bool, countries: [String]
    }
    struct SubscriptionItem: Decodable {
        let id: String, idempotencyKey: String, offering: String, amount: Amount, state: String, units: String
        let paid: Amount, refund: Amount, issuedOn: String?
    }

    public func offerings() async throws -> [VenueOffering] {
        let data = try await http.send(.GET, "/api/v2/offerings", headers: headers)
        return try http.decode([OfferingItem].self, data, what: "offerings", snakeCase: true).map { item in
            VenueOffering(
                venue: venue,
                offering: Offering(
                    id: item.id, symbol: try http.symbol(item.security, field: "security"),
                    pricePerUnit: try dollars(item.unitPrice, Price.self, field: "unit_price"),
                    lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lot_size"),
                    minimumInvestment: try dollars(item.minimumInvestment, Money.self, field: "minimum_investment"),
                    maximumInvestment: try dollars(item.maximumInvestment, Money.self, field: "maximum_investment"),
                    minimumRaise: try dollars(item.minimumRaise, Money.self, field: "minimum_raise"),
                    maximumRaise: try dollars(item.maximumRaise, Money.self, field: "maximum_raise"),
                    closesOn: try http.date(item.closesOn, field: "closes_on"),
                    eligibility: Offering.Eligibility(
                        accreditedOnly: item.accreditedOnly, qualifiedPurchaserOnly: item.qualifiedPurchaserOnly,
                        regulationCrowdfunding: item.regulationCrowdfunding, allowedCountries: item.countries),
                    paymentAsset: .usd, chain: item.chain),
                isOpen: item.state == "open", raised: try dollars(item.raised, Money.self, field: "raised"))
        }
    }

    public func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription {
        let body = try http.encode(["amount": ["amount": amount.description, "currency": "USD"]])
        return try subscriptionState(
            try await http.send(
                .POST, "/api/v2/offerings/\(offering)/subscriptions",
                headers: headers + [("Idempotency-Key", key)], body: body))
    }

    public func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription {
        try subscriptionState(
            try await http.send(.GET, "/api/v2/subscriptions/\(venueSubscriptionID)", headers: headers))
    }

    func subscriptionState(_ data: Data) throws -> VenueSubscription {
        let item = try http.decode(SubscriptionItem.self, data, what: "subscription", snakeCase: true)
        return VenueSubscription(
            id: item.id, key: item.idempotencyKey, offering: item.offering,
            status: try http.subscriptionStatus(item.state),
            amount: try dollars(item.amount, Money.self, field: "amount"),
            units: try http.decimal(item.units, Quantity.self, field: "units"),
            paid: try dollars(item.paid, Money.self, field: "paid"),
            refund: try dollars(item.refund, Money.self, field: "refund"),
            issuedOn: try item.issuedOn.map { try http.date($0, field: "issued_on") })
    }
}

// MARK: - Texture (`/api/v2/offerings`, subscriptions with a `clientSubId`)

extension TextureAdapter: OfferingVenue {
    struct OfferingItem: Decodable {
        let offeringId: String, symbol: String, px: String, lot: String, minInvest: String, maxInvest: String
        let minRaise: String, maxRaise: String, closeDate: String, open: Bool, raised: String, payIn: String
        let chain: String, accredited: Bool, qp: Bool, regCF: Bool, countries: [String]
    }
    struct SubscriptionItem: Decodable {
        let subId: String, clientSubId: String, offeringId: String, amount: String, state: String, units: String
        let paid: String, refund: String, issueDate: String?
    }

    public func offerings() async throws -> [VenueOffering] {
        let data = try await http.send(.GET, "/api/v2/offerings", headers: headers)
        return try http.decode([OfferingItem].self, data, what: "offerings").map { item in
            VenueOffering(
                venue: venue,
                offering: Offering(
                    id: item.offeringId, symbol: try http.symbol(item.symbol, field: "symbol"),
                    pricePerUnit: try http.decimal(item.px, Price.self, field: "px"),
                    lotSize: try http.decimal(item.lot, Quantity.self, field: "lot"),
                    minimumInvestment: try http.decimal(item.minInvest, Money.self, field: "minInvest"),
                    maximumInvestment: try http.decimal(item.maxInvest, Money.self, field: "maxInvest"),
                    minimumRaise: try http.decimal(item.minRaise, Money.self, field: "minRaise"),
                    maximumRaise: try http.decimal(item.maxRaise, Money.self, field: "maxRaise"),
                    closesOn: try http.date(item.closeDate, field: "closeDate"),
                    eligibility: Offering.Eligibility(
                        accreditedOnly: item.accredited, qualifiedPurchaserOnly: item.qp,
                        regulationCrowdfunding: item.regCF, allowedCountries: item.countries),
                    paymentAsset: try http.cashAsset(item.payIn, field: "payIn"), chain: item.chain),
                isOpen: item.open, raised: try http.decimal(item.raised, Money.self, field: "raised"))
        }
    }

    public func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription {
        let body = try http.encode(["clientSubId": key, "amount": amount.description])
        return try subscriptionState(
            try await http.send(.POST, "/api/v2/offerings/\(offering)/subscriptions", headers: headers, body: body))
    }

    public func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription {
        try subscriptionState(
            try await http.send(.GET, "/api/v2/subscriptions/\(venueSubscriptionID)", headers: headers))
    }

    func subscriptionState(_ data: Data) throws -> VenueSubscription {
        let item = try http.decode(SubscriptionItem.self, data, what: "subscription")
        return VenueSubscription(
            id: item.subId, key: item.clientSubId, offering: item.offeringId,
            status: try http.subscriptionStatus(item.state),
            amount: try http.decimal(item.amount, Money.self, field: "amount"),
            units: try http.decimal(item.units, Quantity.self, field: "units"),
            paid: try http.decimal(item.paid, Money.self, field: "paid"),
            refund: try http.decimal(item.refund, Money.self, field: "refund"),
            issuedOn: try item.issueDate.map { try http.date($0, field: "issueDate") })
    }
}

// MARK: - Securitize (`/v1/offerings`, investments with an `externalId`)

extension SecuritizeAdapter: OfferingVenue {
    struct OfferingItem: Decodable {
        let id: String, assetId: String, unitPrice: String, lotSize: String, minimumInvestment: String
        let maximumInvestment: String, minimumRaise: String, maximumRaise: String, closesOn: String
        let status: String, committed: String, currency: String, network: String, accreditedOnly: Bool
        let qualifiedPurchaserOnly: Bool, regulationCrowdfunding: Bool, jurisdictions: [String]
    }
    struct InvestmentItem: Decodable {
        let id: String, externalId: String, offeringId: String, amount: String, status: String, units: String
        let paid: String, refunded: String, issuedOn: String?
    }

    public func offerings() async throws -> [VenueOffering] {
        let data = try await http.send(.GET, "/v1/offerings", headers: headers)
        return try http.decode([OfferingItem].self, data, what: "offerings").map { item in
            VenueOffering(
                venue: venue,
                offering: Offering(
                    id: item.id, symbol: try http.symbol(item.assetId, field: "assetId"),
                    pricePerUnit: try http.decimal(item.unitPrice, Price.self, field: "unitPrice"),
                    lotSize: try http.decimal(item.lotSize, Quantity.self, field: "lotSize"),
                    minimumInvestment: try http.decimal(item.minimumInvestment, Money.self, field: "minimumInvestment"),
                    maximumInvestment: try http.decimal(item.maximumInvestment, Money.self, field: "maximumInvestment"),
                    minimumRaise: try http.decimal(item.minimumRaise, Money.self, field: "minimumRaise"),
                    maximumRaise: try http.decimal(item.maximumRaise, Money.self, field: "maximumRaise"),
                    closesOn: try http.date(item.closesOn, field: "closesOn"),
                    eligibility: Offering.Eligibility(
                        accreditedOnly: item.accreditedOnly, qualifiedPurchaserOnly: item.qualifiedPurchaserOnly,
                        regulationCrowdfunding: item.regulationCrowdfunding, allowedCountries: item.jurisdictions),
                    paymentAsset: try http.cashAsset(item.currency, field: "currency"), chain: item.network),
                isOpen: item.status == "open",
                raised: try http.decimal(item.committed, Money.self, field: "committed"))
        }
    }

    public func subscribe(offering: String, key: String, amount: Money) async throws -> VenueSubscription {
        let body = try http.encode(["externalId": key, "amount": amount.description])
        return try investment(
            try await http.send(.POST, "/v1/offerings/\(offering)/investments", headers: headers, body: body))
    }

    public func subscription(_ venueSubscriptionID: String) async throws -> VenueSubscription {
        try investment(try await http.send(.GET, "/v1/investments/\(venueSubscriptionID)", headers: headers))
    }

    func investment(_ data: Data) throws -> VenueSubscription {
        let item = try http.decode(InvestmentItem.self, data, what: "investment")
        return VenueSubscription(
            id: item.id, key: item.externalId, offering: item.offeringId,
            status: try http.subscriptionStatus(item.status),
            amount: try http.decimal(item.amount, Money.self, field: "amount"),
            units: try http.decimal(item.units, Quantity.self, field: "units"),
            paid: try http.decimal(item.paid, Money.self, field: "paid"),
            refund: try http.decimal(item.refunded, Money.self, field: "refunded"),
            issuedOn: try item.issuedOn.map { try http.date($0, field: "issuedOn") })
    }
}
