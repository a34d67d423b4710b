import ATSDomain
import ATSOrders
import ATSSettlement
import ATSStorage
import ATSVenues

/// Transfer-then-sell: a DAY or GTC sale with `allowTransfers` whose tokens are not where the
/// venues settle is accepted `pending_transfer`, journalled in the same transaction as the custody
/// transfers that move them (so a restart finds them on their way), and routed once none of
/// them is still under way. If they did not bring the tokens (a hop's fee not payable, the
/// tokens sold meanwhile), it is rejected `transfer_failed` naming where the tokens are.
extension OrderManager {
    /// Marks `parent` waiting for the transfers of `plan`, its note saying what they move, what
    /// they cost and when they are expected.
    func awaitTransfers(_ parent: inout ParentOrder, _ plan: TransferPlan, at now: Timestamp) {
        parent.status = .pendingTransfer
        parent.note = plan.summary(transfers: [], expected: now.adding(seconds: Int64(plan.minutes) * 60))
    }

    /// Every venue's book for `request`'s security when it may move tokens to sell (what prices a
    /// transfer); nil for any other order, which reads no book before it is accepted.
    func transferBook(_ request: ParentOrderRequest) async -> ConsolidatedBook? {
        guard request.allowTransfers && request.side == .sell else { return nil }
        return await context.consolidatedBook(request.symbol)
    }

    /// The first write of a new parent: with the transfers it waits for, in one transaction.
    func journalAcceptance(_ parent: ParentOrder, _ admission: Admission) throws {
        if let plan = admission.transfers {
            let work = journal != nil ? OrderJournal.acceptance(parent) : UnitOfWork()
            _ = try context.settlement.commit(work, starting: transferRequests(parent, plan))
        } else if let journal {
            try journal.accept(parent)
        }
    }

    /// The requests that start the transfers of `plan` for `parent`.
    func transferRequests(_ parent: ParentOrder, _ plan: TransferPlan) -> [SettlementDesk.TransferRequest] {
        plan.moves.map {
            SettlementDesk.TransferRequest(
                account: parent.account, symbol: parent.symbol, quantity: $0.quantity, from: $0.from, to: $0.to,
                order: Int64(parent.id.rawValue))
        }
    }

    /// Re-examines every `pending_transfer` parent whose transfers are no longer under way: routed
    /// when a venue now takes it, else rejected `transfer_failed`.
    public func refreshPendingTransfers() {
        let now = context.clock.now()
        for id in parents.values.filter({ $0.status == .pendingTransfer && !$0.cancelRequested }).map(\.id).sorted() {
            guard var parent = parents[id], owns(parent.account),
                context.settlement.openTransfers(of: Int64(id.rawValue)).isEmpty
            else { continue }
            guard let positions = readmit(&parent, at: now),
                let refusal = context.checks.venueRefusal(parent, positions: positions, now: now)
            else { continue }
            reject(
                &parent,
                Rejection(
                    .transferFailed,
                    "the custody transfers for this order did not leave the tokens where a venue takes them "
                        + "(GET /v1/transfers shows each); \(refusal.message)"), at: now)
            store(parent)
        }
    }
}
