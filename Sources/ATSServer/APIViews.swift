import ATSDomain
import ATSOrders
import ATSPlanning
import ATSRouter
import ATSVenues
import ATSWire

/// The API's views of the router's model (the shapes themselves are in `ATSWire`).
extension APIViews {
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
            decisions: detail ? parent.decisions.map(decision) : nil, allowTransfers: parent.allowTransfers ? true : nil
        )
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
            unfilledReason: decision.plan.unfilledReason,
            unreachable: decision.unreachable.map { levels in
                Dictionary(
                    uniqueKeysWithValues: levels.map {
                        (
                            $0.key.rawValue,
                            UnreachableView(
                                code: $0.value.code, price: $0.value.price.description,
                                quantity: $0.value.quantity.description, unlock: $0.value.unlock)
                        )
                    })
            })
    }

    // MARK: Book and venues

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
                    fixedFee: $0.fixedFee.description, matching: $0.matching,
                    bestBid: $0.bestBid.map {
                        LevelSummaryView(price: $0.price.description, quantity: $0.quantity.description)
                    },
                    bestAsk: $0.bestAsk.map {
                        LevelSummaryView(price: $0.price.description, quantity: $0.quantity.description)
                    },
                    unlock: $0.unlock)
            })
    }

}
