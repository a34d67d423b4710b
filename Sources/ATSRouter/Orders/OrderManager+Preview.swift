import ATSDomain
import ATSOrders
import ATSVenues

/// What the router would do with an order now, nothing sent and nothing written
/// (`POST /v1/plans`): admission as for a new order, then the first routing step on the live
/// book for the account.
public struct OrderPreview: Sendable {
    /// The order as admission and the first step leave it: `working` (its children to send),
    /// `rejected` naming the rule, `pending_onboarding` or `pending_transfer` with its note.
    public var parent: ParentOrder
    /// The first routing decision, when it would be routed now.
    public var decision: RoutingDecision?
    /// What a `pending_transfer` order would wait for: the custody transfers or the conversion.
    public var transfers: TransferPlan?
}

extension OrderManager {
    /// The order `request` would make now, planned on the live book, nothing sent and nothing
    /// journalled. Re-plans around children the checks would refuse, as routing does.
    public func preview(_ request: ParentOrderRequest) async -> OrderPreview {
        let transferBook = await transferBook(request)
        var parent = ParentOrder(id: OrderID(0), request: request, createdAt: context.clock.now())
        let admission = admit(&parent, book: transferBook)
        guard parent.status == .working else {
            return OrderPreview(parent: parent, decision: nil, transfers: admission.transfers)
        }
        let book = await context.consolidatedBook(parent.symbol, account: parent.account, side: parent.side)
        guard let positions = context.positions(parent.account, parent.symbol) else {
            return OrderPreview(parent: parent, decision: nil, transfers: nil)
        }
        var refused: [VenueID: String] = [:]
        var outcome = step(
            RoutingStep.Input(parent: parent, book: book, positions: positions, now: context.clock.now()))
        // Around children the checks refuse, as `route` does: at most once per venue.
        for _ in 0..<context.catalog.venues.count {
            guard case .replan(let planned, let more) = outcome else { break }
            refused.merge(more) { $1 }
            outcome = step(
                RoutingStep.Input(
                    parent: planned, book: book, positions: positions, refusedVenues: refused,
                    now: context.clock.now()))
        }
        let after = outcome.parent
        return OrderPreview(parent: after, decision: after.decisions.last, transfers: nil)
    }
}
