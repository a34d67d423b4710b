import ATSDomain
import ATSOrders
import ATSPlanning
import ATSRouter
import ATSVenues

/// The JSON shapes of the API (`docs/openapi.yaml`): decimals as strings, times as ISO 8601 UTC.
public enum APIViews {
    public struct RejectionView: Codable, Hashable {
        public var code: String
        public var message: String
    }

    public struct FillView: Codable, Hashable {
        public var id: String
        public var quantity: String
        public var price: String
        public var fee: String
    }

    public struct ChildView: Codable, Hashable {
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
    }

    public struct AllocationView: Codable, Hashable {
        public var venue: String
        public var quantity: String
        public var averagePrice: String
        public var childLimitPrice: String
        public var fees: String
        public var allInCost: String
    }

    public struct DecisionView: Codable, Hashable {
        public var at: String
        public var attempt: Int
        public var quoteAgesMs: [String: Int64]
        public var excluded: [String: String]
        public var allocations: [AllocationView]
        public var plannedQuantity: String
        public var allInCost: String
        public var unfilledReason: String?
    }

    public struct OrderView: Codable, Hashable {
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
    }

    public struct OrderList: Codable, Hashable {
        /// Newest first.
        public var orders: [OrderView]
        /// Pass as `cursor` for the next page; absent on the last page.
        public var nextCursor: String?
    }

    public static func order(_ parent: ParentOrder, detail: Bool) -> OrderView {
        OrderView(
            id: parent.id.description, clientOrderId: parent.clientOrderId, account: parent.account.rawValue,
            symbol: parent.symbol.rawValue, side: parent.side.rawValue, quantity: parent.quantity.description,
            limitPrice: parent.limitPrice?.description, timeInForce: parent.timeInForce.rawValue,
            strategy: parent.strategy.rawValue,
            includeVenues: parent.includeVenues.map(\.rawValue).sorted(),
            excludeVenues: parent.excludeVenues.map(\.rawValue).sorted(),
            status: parent.status.rawValue, filledQuantity: parent.filledQuantity.description,
            leavesQuantity: parent.leavesQuantity.description, averagePrice: parent.averagePrice?.description,
            notional: parent.notional.description, fees: parent.fees.description,
            venues: Set(parent.children.filter { $0.filledQuantity.isPositive }.map(\.venue.rawValue)).sorted(),
            rejection: parent.rejection.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            note: parent.note, createdAt: parent.createdAt.description, completedAt: parent.completedAt?.description,
            children: detail ? parent.children.map(child) : nil,
            decisions: detail ? parent.decisions.map(decision) : nil)
    }

    public static func child(_ child: ChildOrder) -> ChildView {
        ChildView(
            clientKey: child.clientKey, venue: child.venue.rawValue, quantity: child.quantity.description,
            limitPrice: child.limitPrice.description, timeInForce: child.timeInForce.rawValue,
            purpose: child.purpose.rawValue,
            decision: child.decision, status: child.status.rawValue, venueOrderId: child.venueOrderID,
            filledQuantity: child.filledQuantity.description, fees: child.fees.description,
            fills: child.fills.map {
                FillView(
                    id: $0.id, quantity: $0.quantity.description, price: $0.price.description, fee: $0.fee.description)
            },
            refusal: child.refusal.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            failure: child.failure,
            createdAt: child.createdAt.description)
    }

    public static func decision(_ decision: RoutingDecision) -> DecisionView {
        DecisionView(
            at: decision.at.description, attempt: decision.attempt,
            quoteAgesMs: Dictionary(uniqueKeysWithValues: decision.quoteAges.map { ($0.key.rawValue, $0.value) }),
            excluded: Dictionary(uniqueKeysWithValues: decision.excluded.map { ($0.key.rawValue, $0.value) }),
            allocations: decision.plan.allocations.map {
                AllocationView(
                    venue: $0.venue.rawValue, quantity: $0.quantity.description,
                    averagePrice: $0.averagePrice.description,
                    childLimitPrice: $0.worstPrice.description, fees: $0.fees.description,
                    allInCost: $0.allInCost.description)
            },
            plannedQuantity: decision.plan.filledQuantity.description, allInCost: decision.plan.allInCost.description,
            unfilledReason: decision.plan.unfilledReason)
    }

    // MARK: Book and venues

    public struct LevelView: Codable, Hashable {
        public var venue: String
        public var price: String
        public var quantity: String
        public var allInPrice: String
    }

    public struct BookVenueView: Codable, Hashable {
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
    }

    public struct BookView: Codable, Hashable {
        public var symbol: String
        public var account: String?
        public var side: String
        public var asOf: String
        public var bids: [LevelView]
        public var asks: [LevelView]
        public var venues: [BookVenueView]
    }

    public static func book(_ book: ConsolidatedBook, side: Side, depth: Int) -> BookView {
        func level(_ level: ConsolidatedBook.Level) -> LevelView {
            LevelView(
                venue: level.venue.rawValue, price: level.price.description, quantity: level.quantity.description,
                allInPrice: level.allInPrice.description)
        }
        return BookView(
            symbol: book.symbol.rawValue, account: book.account?.rawValue, side: side.rawValue,
            asOf: book.asOf.description,
            bids: book.bids.prefix(depth).map(level), asks: book.asks.prefix(depth).map(level),
            venues: book.venues.map {
                BookVenueView(
                    venue: $0.venue.rawValue, included: $0.included, code: $0.code, reason: $0.reason,
                    sequence: $0.sequence.map { String($0) }, ageMilliseconds: $0.ageMilliseconds,
                    buyFeeBps: $0.buyFeeBps.description, sellFeeBps: $0.sellFeeBps.description,
                    fixedFee: $0.fixedFee.description, matching: $0.matching)
            })
    }

    public struct ListingView: Codable, Hashable {
        public var symbol: String
        public var quoteAgeMs: Int64?
        public var sequence: String?
    }

    public struct VenueView: Codable, Hashable {
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
    }

    public struct VenueList: Codable, Hashable {
        public var venues: [VenueView]
    }

    public struct HealthView: Codable, Hashable {
        public var status: String
        public var version: String
        public var journal: String
        public var venuesHealthy: Int
        public var venues: Int
    }

    /// `GET /ready`: whether the router takes orders (recovery done, journal writable).
    public struct ReadyView: Codable, Hashable {
        public var ready: Bool
        public var reason: String?
    }
}
