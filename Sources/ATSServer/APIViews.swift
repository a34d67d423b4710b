import ATSDomain
import ATSRouter
import ATSRouting
import ATSVenues

/// The JSON shapes of the API (`docs/openapi.yaml`): decimals as strings, times as ISO 8601 UTC.
enum APIViews {
    struct RejectionView: Codable, Hashable {
        var code: String
        var message: String
    }

    struct FillView: Codable, Hashable {
        var id: String
        var quantity: String
        var price: String
        var fee: String
    }

    struct ChildView: Codable, Hashable {
        var clientKey: String
        var venue: String
        var quantity: String
        var limitPrice: String
        var timeInForce: String
        var purpose: String
        var decision: Int
        var status: String
        var venueOrderId: String?
        var filledQuantity: String
        var fees: String
        var fills: [FillView]
        var refusal: RejectionView?
        var failure: String?
        var createdAt: String
    }

    struct AllocationView: Codable, Hashable {
        var venue: String
        var quantity: String
        var averagePrice: String
        var childLimitPrice: String
        var fees: String
        var allInCost: String
    }

    struct DecisionView: Codable, Hashable {
        var at: String
        var attempt: Int
        var quoteAgesMs: [String: Int64]
        var excluded: [String: String]
        var allocations: [AllocationView]
        var plannedQuantity: String
        var allInCost: String
        var unfilledReason: String?
    }

    struct OrderView: Codable, Hashable {
        var id: String
        var clientOrderId: String?
        var account: String
        var symbol: String
        var side: String
        var quantity: String
        var limitPrice: String?
        var timeInForce: String
        var strategy: String
        var includeVenues: [String]
        var excludeVenues: [String]
        var status: String
        var filledQuantity: String
        var leavesQuantity: String
        var averagePrice: String?
        var notional: String
        var fees: String
        var venues: [String]
        var rejection: RejectionView?
        var note: String?
        var createdAt: String
        var completedAt: String?
        var children: [ChildView]?
        var decisions: [DecisionView]?
    }

    struct OrderList: Codable, Hashable {
        var orders: [OrderView]
    }

    static func order(_ parent: ParentOrder, detail: Bool) -> OrderView {
        OrderView(
            id: parent.id.description, clientOrderId: parent.clientOrderId, account: parent.account.rawValue,
            symbol: parent.symbol.rawValue, side: parent.side.rawValue, quantity: parent.quantity.description,
            limitPrice: parent.limitPrice?.description, timeInForce: parent.timeInForce.rawValue, strategy: parent.strategy.rawValue,
            includeVenues: parent.includeVenues.map(\.rawValue).sorted(), excludeVenues: parent.excludeVenues.map(\.rawValue).sorted(),
            status: parent.status.rawValue, filledQuantity: parent.filledQuantity.description,
            leavesQuantity: parent.leavesQuantity.description, averagePrice: parent.averagePrice?.description,
            notional: parent.notional.description, fees: parent.fees.description,
            venues: Set(parent.children.filter { $0.filledQuantity.isPositive }.map(\.venue.rawValue)).sorted(),
            rejection: parent.rejection.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            note: parent.note, createdAt: parent.createdAt.description, completedAt: parent.completedAt?.description,
            children: detail ? parent.children.map(child) : nil,
            decisions: detail ? parent.decisions.map(decision) : nil)
    }

    static func child(_ child: ChildOrder) -> ChildView {
        ChildView(
            clientKey: child.clientKey, venue: child.venue.rawValue, quantity: child.quantity.description,
            limitPrice: child.limitPrice.description, timeInForce: child.timeInForce.rawValue, purpose: child.purpose.rawValue,
            decision: child.decision, status: child.status.rawValue, venueOrderId: child.venueOrderID,
            filledQuantity: child.filledQuantity.description, fees: child.fees.description,
            fills: child.fills.map { FillView(id: $0.id, quantity: $0.quantity.description, price: $0.price.description, fee: $0.fee.description) },
            refusal: child.refusal.map { RejectionView(code: $0.code.rawValue, message: $0.message) }, failure: child.failure,
            createdAt: child.createdAt.description)
    }

    static func decision(_ decision: RoutingDecision) -> DecisionView {
        DecisionView(
            at: decision.at.description, attempt: decision.attempt,
            quoteAgesMs: Dictionary(uniqueKeysWithValues: decision.quoteAges.map { ($0.key.rawValue, $0.value) }),
            excluded: Dictionary(uniqueKeysWithValues: decision.excluded.map { ($0.key.rawValue, $0.value) }),
            allocations: decision.plan.allocations.map {
                AllocationView(venue: $0.venue.rawValue, quantity: $0.quantity.description, averagePrice: $0.averagePrice.description,
                               childLimitPrice: $0.worstPrice.description, fees: $0.fees.description, allInCost: $0.allInCost.description)
            },
            plannedQuantity: decision.plan.filledQuantity.description, allInCost: decision.plan.allInCost.description,
            unfilledReason: decision.plan.unfilledReason)
    }

    // MARK: Book and venues

    struct LevelView: Codable, Hashable {
        var venue: String
        var price: String
        var quantity: String
        var allInPrice: String
    }

    struct BookVenueView: Codable, Hashable {
        var venue: String
        var included: Bool
        var code: String?
        var reason: String?
        var sequence: String?
        var ageMilliseconds: Int64?
        var buyFeeBps: String
        var sellFeeBps: String
        var fixedFee: String
        var matching: String
    }

    struct BookView: Codable, Hashable {
        var symbol: String
        var account: String?
        var side: String
        var asOf: String
        var bids: [LevelView]
        var asks: [LevelView]
        var venues: [BookVenueView]
    }

    static func book(_ book: ConsolidatedBook, side: Side, depth: Int) -> BookView {
        func level(_ level: ConsolidatedBook.Level) -> LevelView {
            LevelView(venue: level.venue.rawValue, price: level.price.description, quantity: level.quantity.description,
                      allInPrice: level.allInPrice.description)
        }
        return BookView(
            symbol: book.symbol.rawValue, account: book.account?.rawValue, side: side.rawValue, asOf: book.asOf.description,
            bids: book.bids.prefix(depth).map(level), asks: book.asks.prefix(depth).map(level),
            venues: book.venues.map {
                BookVenueView(venue: $0.venue.rawValue, included: $0.included, code: $0.code, reason: $0.reason,
                              sequence: $0.sequence.map { String($0) }, ageMilliseconds: $0.ageMilliseconds,
                              buyFeeBps: $0.buyFeeBps.description, sellFeeBps: $0.sellFeeBps.description,
                              fixedFee: $0.fixedFee.description, matching: $0.matching)
            })
    }

    struct ListingView: Codable, Hashable {
        var symbol: String
        var quoteAgeMs: Int64?
        var sequence: String?
    }

    struct VenueView: Codable, Hashable {
        var id: String
        var name: String
        var matching: String
        var healthy: Bool
        var breaker: String
        var lastFailure: String?
        var calls: Int
        var failures: Int
        var latencyP50Ms: Double?
        var latencyP99Ms: Double?
        var listings: [ListingView]
    }

    struct VenueList: Codable, Hashable {
        var venues: [VenueView]
    }

    struct HealthView: Codable, Hashable {
        var status: String
        var version: String
        var journal: String
        var venuesHealthy: Int
        var venues: Int
    }
}
