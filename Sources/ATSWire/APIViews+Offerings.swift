extension APIViews {
    /// `GET /v1/offerings`: every offering the venues run, asked of each venue now.
    public struct OfferingList: Codable, Hashable, Sendable {
        public var offerings: [OfferingView]
        /// Venues whose offerings could not be read, with why.
        public var unavailable: [UnavailableVenueView]

        public init(offerings: [OfferingView], unavailable: [UnavailableVenueView]) {
            self.offerings = offerings
            self.unavailable = unavailable
        }
    }

    public struct UnavailableVenueView: Codable, Hashable, Sendable {
        public var venue: String
        public var reason: String

        public init(venue: String, reason: String) {
            self.venue = venue
            self.reason = reason
        }
    }

    /// One primary offering: its terms, who may subscribe, and whether the caller may.
    public struct OfferingView: Codable, Hashable, Sendable {
        public var venue: String
        public var id: String
        public var symbol: String
        public var pricePerUnit: String
        public var lotSize: String
        public var minimumInvestment: String
        public var maximumInvestment: String
        public var minimumRaise: String
        public var maximumRaise: String
        public var raised: String
        public var closesOn: String
        public var open: Bool
        public var paymentAsset: String
        public var chain: String
        /// Where issued units are delivered (`custodian:<venue>` or `wallet:<chain>`).
        public var deliveredTo: String
        public var accreditedOnly: Bool
        public var qualifiedPurchaserOnly: Bool
        public var regulationCrowdfunding: Bool
        public var allowedCountries: [String]
        /// The resale holding period the issue date starts (`none`, `12 months`, …).
        public var holdingPeriod: String
        /// Why the caller could not subscribe the minimum investment now; absent when it could.
        public var refusal: RejectionView?

        public init(
            venue: String, id: String, symbol: String, pricePerUnit: String, lotSize: String,
            minimumInvestment: String, maximumInvestment: String, minimumRaise: String, maximumRaise: String,
            raised: String, closesOn: String, open: Bool, paymentAsset: String, chain: String, deliveredTo: String,
            accreditedOnly: Bool, qualifiedPurchaserOnly: Bool, regulationCrowdfunding: Bool,
            allowedCountries: [String], holdingPeriod: String, refusal: RejectionView?
        ) {
            self.venue = venue
            self.id = id
            self.symbol = symbol
            self.pricePerUnit = pricePerUnit
            self.lotSize = lotSize
            self.minimumInvestment = minimumInvestment
            self.maximumInvestment = maximumInvestment
            self.minimumRaise = minimumRaise
            self.maximumRaise = maximumRaise
            self.raised = raised
            self.closesOn = closesOn
            self.open = open
            self.paymentAsset = paymentAsset
            self.chain = chain
            self.deliveredTo = deliveredTo
            self.accreditedOnly = accreditedOnly
            self.qualifiedPurchaserOnly = qualifiedPurchaserOnly
            self.regulationCrowdfunding = regulationCrowdfunding
            self.allowedCountries = allowedCountries
            self.holdingPeriod = holdingPeriod
            self.refusal = refusal
        }
    }

    /// A subscription to a primary offering.
    public struct SubscriptionView: Codable, Hashable, Sendable {
        public var id: String
        public var clientSubscriptionId: String?
        public var account: String
        public var venue: String
        public var offering: String
        public var symbol: String
        public var amount: String
        public var pricePerUnit: String
        /// `reserved`, `pending`, `allocated`, `refunded` or `rejected`.
        public var status: String
        public var venueSubscriptionId: String?
        public var units: String
        public var paid: String
        public var refund: String
        /// The issue date: the units' acquisition date, where holding periods start.
        public var issuedOn: String?
        public var closesOn: String
        public var deliveredTo: String
        public var rejection: RejectionView?
        public var createdAt: String
        public var updatedAt: String
        /// With `GET /v1/subscriptions/{id}`: its journalled events, in order.
        public var events: [SubscriptionEventView]?

        public init(
            id: String, clientSubscriptionId: String?, account: String, venue: String, offering: String,
            symbol: String, amount: String, pricePerUnit: String, status: String, venueSubscriptionId: String?,
            units: String, paid: String, refund: String, issuedOn: String?, closesOn: String, deliveredTo: String,
            rejection: RejectionView?, createdAt: String, updatedAt: String, events: [SubscriptionEventView]? = nil
        ) {
            self.id = id
            self.clientSubscriptionId = clientSubscriptionId
            self.account = account
            self.venue = venue
            self.offering = offering
            self.symbol = symbol
            self.amount = amount
            self.pricePerUnit = pricePerUnit
            self.status = status
            self.venueSubscriptionId = venueSubscriptionId
            self.units = units
            self.paid = paid
            self.refund = refund
            self.issuedOn = issuedOn
            self.closesOn = closesOn
            self.deliveredTo = deliveredTo
            self.rejection = rejection
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.events = events
        }
    }

    public struct SubscriptionEventView: Codable, Hashable, Sendable {
        public var kind: String
        public var detail: String
        public var at: String

        public init(kind: String, detail: String, at: String) {
            self.kind = kind
            self.detail = detail
            self.at = at
        }
    }

    public struct SubscriptionList: Codable, Hashable, Sendable {
        /// Newest first.
        public var subscriptions: [SubscriptionView]
        /// Pass as `cursor` for the next page; absent on the last page.
        public var nextCursor: String?

        public init(subscriptions: [SubscriptionView], nextCursor: String? = nil) {
            self.subscriptions = subscriptions
            self.nextCursor = nextCursor
        }
    }

    /// `POST /v1/subscriptions`.
    public struct SubscriptionRequestBody: Codable, Hashable, Sendable {
        public var venue: String
        public var offering: String
        /// In the offering's payment asset, a decimal string.
        public var amount: String
        public var clientSubscriptionId: String?

        public init(venue: String, offering: String, amount: String, clientSubscriptionId: String? = nil) {
            self.venue = venue
            self.offering = offering
            self.amount = amount
            self.clientSubscriptionId = clientSubscriptionId
        }
    }

    /// `GET /v1/offerings/{venue}/{id}/comparison`: an offering against the secondary books.
    public struct OfferingComparisonView: Codable, Hashable, Sendable {
        public var venue: String
        public var offering: String
        public var symbol: String
        public var amount: String
        /// `primary` or `secondary`.
        public var better: String
        public var reasons: [String]
        public var primary: AcquisitionView
        /// Absent when the books the caller may trade show none of the security.
        public var secondary: AcquisitionView?

        public init(
            venue: String, offering: String, symbol: String, amount: String, better: String, reasons: [String],
            primary: AcquisitionView, secondary: AcquisitionView?
        ) {
            self.venue = venue
            self.offering = offering
            self.symbol = symbol
            self.amount = amount
            self.better = better
            self.reasons = reasons
            self.primary = primary
            self.secondary = secondary
        }
    }

    /// One way to acquire the units: how many, what they cost all-in, where, when delivered and
    /// from when they may be resold.
    public struct AcquisitionView: Codable, Hashable, Sendable {
        public var units: String
        public var cost: String
        public var fees: String
        public var pricePerUnit: String?
        public var venues: [String]
        public var deliveredOn: String
        public var resalableFrom: String

        public init(
            units: String, cost: String, fees: String, pricePerUnit: String?, venues: [String], deliveredOn: String,
            resalableFrom: String
        ) {
            self.units = units
            self.cost = cost
            self.fees = fees
            self.pricePerUnit = pricePerUnit
            self.venues = venues
            self.deliveredOn = deliveredOn
            self.resalableFrom = resalableFrom
        }
    }
}

extension APIViews {
    /// `POST /v1/conversions`.
    public struct ConversionRequestBody: Codable, Hashable, Sendable {
        public var venue: String
        /// `USD` or `USDC`.
        public var from: String
        public var to: String
        public var amount: String

        public init(venue: String, from: String, to: String, amount: String) {
            self.venue = venue
            self.from = from
            self.to = to
            self.amount = amount
        }
    }

    /// A cash conversion at a venue.
    public struct ConversionView: Codable, Hashable, Sendable {
        public var id: String
        public var account: String
        public var venue: String
        public var from: String
        public var fromLocation: String
        public var to: String
        public var toLocation: String
        public var amount: String
        /// `reserved`, `completed` or `rejected`.
        public var status: String
        public var price: String?
        public var fee: String?
        public var received: String?
        public var rejection: RejectionView?
        /// The buy order it pays for (an order with `allowTransfers`).
        public var orderId: String?
        public var createdAt: String
        public var updatedAt: String

        public init(
            id: String, account: String, venue: String, from: String, fromLocation: String, to: String,
            toLocation: String, amount: String, status: String, price: String?, fee: String?, received: String?,
            rejection: RejectionView?, createdAt: String, updatedAt: String, orderId: String? = nil
        ) {
            self.orderId = orderId
            self.id = id
            self.account = account
            self.venue = venue
            self.from = from
            self.fromLocation = fromLocation
            self.to = to
            self.toLocation = toLocation
            self.amount = amount
            self.status = status
            self.price = price
            self.fee = fee
            self.received = received
            self.rejection = rejection
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }

    public struct ConversionList: Codable, Hashable, Sendable {
        /// Oldest first.
        public var conversions: [ConversionView]

        public init(conversions: [ConversionView]) { self.conversions = conversions }
    }
}
