/// The JSON shapes of the API (`docs/openapi.yaml`), Codable and nothing else: decimals as
/// strings, times as ISO 8601 UTC. The server encodes them (mapping its model in `ATSServer`) and
/// the CLI decodes them, so the two agree on every field by construction.
public enum APIViews {
    public struct RejectionView: Codable, Hashable, Sendable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public struct FillView: Codable, Hashable, Sendable {
        public var id: String
        public var quantity: String
        public var price: String
        public var fee: String

        public init(id: String, quantity: String, price: String, fee: String) {
            self.id = id
            self.quantity = quantity
            self.price = price
            self.fee = fee
        }
    }

    public struct ChildView: Codable, Hashable, Sendable {
        public var clientKey: String
        public var venue: String
        public var quantity: String
        public var limitPrice: String
        public var timeInForce: String
        public var purpose: String
        public var decision: Int
        public var status: String
        public var venueOrderId: String?
        public var filledQuantity: String
        public var fees: String
        public var fills: [FillView]
        public var refusal: RejectionView?
        public var failure: String?
        public var createdAt: String

        public init(
            clientKey: String, venue: String, quantity: String, limitPrice: String, timeInForce: String,
            purpose: String, decision: Int, status: String, venueOrderId: String? = nil, filledQuantity: String,
            fees: String, fills: [FillView], refusal: RejectionView? = nil, failure: String? = nil, createdAt: String
        ) {
            self.clientKey = clientKey
            self.venue = venue
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.timeInForce = timeInForce
            self.purpose = purpose
            self.decision = decision
            self.status = status
            self.venueOrderId = venueOrderId
            self.filledQuantity = filledQuantity
            self.fees = fees
            self.fills = fills
            self.refusal = refusal
            self.failure = failure
            self.createdAt = createdAt
        }
    }

    public struct AllocationView: Codable, Hashable, Sendable {
        public var venue: String
        public var quantity: String
        public var averagePrice: String
        public var childLimitPrice: String
        public var fees: String
        public var allInCost: String

        public init(
            venue: String, quantity: String, averagePrice: String, childLimitPrice: String, fees: String,
            allInCost: String
        ) {
            self.venue = venue
            self.quantity = quantity
            self.averagePrice = averagePrice
            self.childLimitPrice = childLimitPrice
            self.fees = fees
            self.allInCost = allInCost
        }
    }

    public struct DecisionView: Codable, Hashable, Sendable {
        public var at: String
        public var attempt: Int
        public var quoteAgesMs: [String: Int64]
        public var excluded: [String: String]
        public var allocations: [AllocationView]
        public var plannedQuantity: String
        public var allInCost: String
        public var unfilledReason: String?
        /// Venues a rule about the account left out, with their best level on the order's side and
        /// what would unlock them.
        public var unreachable: [String: UnreachableView]?

        public init(
            at: String, attempt: Int, quoteAgesMs: [String: Int64], excluded: [String: String],
            allocations: [AllocationView], plannedQuantity: String, allInCost: String, unfilledReason: String? = nil,
            unreachable: [String: UnreachableView]? = nil
        ) {
            self.unreachable = unreachable
            self.at = at
            self.attempt = attempt
            self.quoteAgesMs = quoteAgesMs
            self.excluded = excluded
            self.allocations = allocations
            self.plannedQuantity = plannedQuantity
            self.allInCost = allInCost
            self.unfilledReason = unfilledReason
        }
    }

    /// A venue's best level the account could not reach, and why.
    public struct UnreachableView: Codable, Hashable, Sendable {
        public var code: String
        public var price: String
        public var quantity: String
        public var unlock: String?

        public init(code: String, price: String, quantity: String, unlock: String? = nil) {
            self.code = code
            self.price = price
            self.quantity = quantity
            self.unlock = unlock
        }
    }

    public struct OrderView: Codable, Hashable, Sendable {
        public var id: String
        public var clientOrderId: String?
        public var account: String
        public var symbol: String
        public var side: String
        public var quantity: String
        public var limitPrice: String?
        public var timeInForce: String
        public var strategy: String
        public var includeVenues: [String]
        public var excludeVenues: [String]
        /// Present (true) when the order may move the account's tokens first.
        public var allowTransfers: Bool?
        public var status: String
        public var filledQuantity: String
        public var leavesQuantity: String
        public var averagePrice: String?
        public var notional: String
        public var fees: String
        public var venues: [String]
        public var rejection: RejectionView?
        public var note: String?
        public var createdAt: String
        public var completedAt: String?
        public var children: [ChildView]?
        public var decisions: [DecisionView]?

        public init(
            id: String, clientOrderId: String? = nil, account: String, symbol: String, side: String, quantity: String,
            limitPrice: String? = nil, timeInForce: String, strategy: String, includeVenues: [String],
            excludeVenues: [String], status: String, filledQuantity: String, leavesQuantity: String,
            averagePrice: String? = nil, notional: String, fees: String, venues: [String],
            rejection: RejectionView? = nil, note: String? = nil, createdAt: String, completedAt: String? = nil,
            children: [ChildView]? = nil, decisions: [DecisionView]? = nil, allowTransfers: Bool? = nil
        ) {
            self.allowTransfers = allowTransfers
            self.id = id
            self.clientOrderId = clientOrderId
            self.account = account
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.limitPrice = limitPrice
            self.timeInForce = timeInForce
            self.strategy = strategy
            self.includeVenues = includeVenues
            self.excludeVenues = excludeVenues
            self.status = status
            self.filledQuantity = filledQuantity
            self.leavesQuantity = leavesQuantity
            self.averagePrice = averagePrice
            self.notional = notional
            self.fees = fees
            self.venues = venues
            self.rejection = rejection
            self.note = note
            self.createdAt = createdAt
            self.completedAt = completedAt
            self.children = children
            self.decisions = decisions
        }
    }

    public struct OrderList: Codable, Hashable, Sendable {
        /// Newest first.
        public var orders: [OrderView]
        /// Pass as `cursor` for the next page; absent on the last page.
        public var nextCursor: String?

        public init(orders: [OrderView], nextCursor: String? = nil) {
            self.orders = orders
            self.nextCursor = nextCursor
        }
    }

    public struct LevelView: Codable, Hashable, Sendable {
        public var venue: String
        public var price: String
        public var quantity: String
        public var allInPrice: String

        public init(venue: String, price: String, quantity: String, allInPrice: String) {
            self.venue = venue
            self.price = price
            self.quantity = quantity
            self.allInPrice = allInPrice
        }
    }

    public struct BookVenueView: Codable, Hashable, Sendable {
        public var venue: String
        public var included: Bool
        public var code: String?
        public var reason: String?
        public var sequence: String?
        public var ageMilliseconds: Int64?
        public var buyFeeBps: String
        public var sellFeeBps: String
        public var fixedFee: String
        public var matching: String
        /// The venue's best bid and ask (price, size), reachable or not.
        public var bestBid: LevelSummaryView?
        public var bestAsk: LevelSummaryView?
        /// What would let the account reach a venue left out for want of onboarding.
        public var unlock: String?

        public init(
            venue: String, included: Bool, code: String? = nil, reason: String? = nil, sequence: String? = nil,
            ageMilliseconds: Int64? = nil, buyFeeBps: String, sellFeeBps: String, fixedFee: String, matching: String,
            bestBid: LevelSummaryView? = nil, bestAsk: LevelSummaryView? = nil, unlock: String? = nil
        ) {
            self.bestBid = bestBid
            self.bestAsk = bestAsk
            self.unlock = unlock
            self.venue = venue
            self.included = included
            self.code = code
            self.reason = reason
            self.sequence = sequence
            self.ageMilliseconds = ageMilliseconds
            self.buyFeeBps = buyFeeBps
            self.sellFeeBps = sellFeeBps
            self.fixedFee = fixedFee
            self.matching = matching
        }
    }

    public struct LevelSummaryView: Codable, Hashable, Sendable {
        public var price: String
        public var quantity: String

        public init(price: String, quantity: String) {
            self.price = price
            self.quantity = quantity
        }
    }

    public struct BookView: Codable, Hashable, Sendable {
        public var symbol: String
        public var account: String?
        public var side: String
        public var asOf: String
        public var bids: [LevelView]
        public var asks: [LevelView]
        public var venues: [BookVenueView]

        public init(
            symbol: String, account: String? = nil, side: String, asOf: String, bids: [LevelView], asks: [LevelView],
            venues: [BookVenueView]
        ) {
            self.symbol = symbol
            self.account = account
            self.side = side
            self.asOf = asOf
            self.bids = bids
            self.asks = asks
            self.venues = venues
        }
    }

    public struct ListingView: Codable, Hashable, Sendable {
        public var symbol: String
        public var quoteAgeMs: Int64?
        public var sequence: String?

        public init(symbol: String, quoteAgeMs: Int64? = nil, sequence: String? = nil) {
            self.symbol = symbol
            self.quoteAgeMs = quoteAgeMs
            self.sequence = sequence
        }
    }

    public struct VenueView: Codable, Hashable, Sendable {
        public var id: String
        public var name: String
        public var matching: String
        public var healthy: Bool
        public var breaker: String
        public var lastFailure: String?
        public var calls: Int
        public var failures: Int
        public var latencyP50Ms: Double?
        public var latencyP99Ms: Double?
        public var listings: [ListingView]

        public init(
            id: String, name: String, matching: String, healthy: Bool, breaker: String, lastFailure: String? = nil,
            calls: Int, failures: Int, latencyP50Ms: Double? = nil, latencyP99Ms: Double? = nil, listings: [ListingView]
        ) {
            self.id = id
            self.name = name
            self.matching = matching
            self.healthy = healthy
            self.breaker = breaker
            self.lastFailure = lastFailure
            self.calls = calls
            self.failures = failures
            self.latencyP50Ms = latencyP50Ms
            self.latencyP99Ms = latencyP99Ms
            self.listings = listings
        }
    }

    /// A router instance among several sharing one journal: its id, the accounts whose leases it
    /// holds, and how many instances are alive.
    public struct InstanceView: Codable, Hashable, Sendable {
        public var id: String
        public var accounts: [String]
        public var liveInstances: Int

        public init(id: String, accounts: [String], liveInstances: Int) {
            self.id = id
            self.accounts = accounts
            self.liveInstances = liveInstances
        }
    }

    public struct VenueList: Codable, Hashable, Sendable {
        public var venues: [VenueView]
        /// The router instance that answered, when several share the journal.
        public var instance: InstanceView?

        public init(venues: [VenueView], instance: InstanceView? = nil) {
            self.instance = instance
            self.venues = venues
        }
    }

    public struct HealthView: Codable, Hashable, Sendable {
        public var status: String
        public var version: String
        public var journal: String
        public var venuesHealthy: Int
        public var venues: Int

        public init(status: String, version: String, journal: String, venuesHealthy: Int, venues: Int) {
            self.status = status
            self.version = version
            self.journal = journal
            self.venuesHealthy = venuesHealthy
            self.venues = venues
        }
    }

    /// `GET /ready`: whether the router takes orders (recovery done, journal writable).
    public struct ReadyView: Codable, Hashable, Sendable {
        public var ready: Bool
        public var reason: String?

        public init(ready: Bool, reason: String? = nil) {
            self.ready = ready
            self.reason = reason
        }
    }
}
