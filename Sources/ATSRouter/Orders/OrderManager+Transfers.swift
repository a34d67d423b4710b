import ATSDomain
import ATSOrders
import ATSSettlement
import ATSStorage
import ATSVenues

/// Transfer-then-sell and convert-then-buy: a DAY or GTC order with `allowTransfers` whose tokens
/// (a sale) or cash (a buy) are not where the venues settle is accepted `pending_transfer`,
/// journalled in the same transaction as the custody transfers that move the tokens or the cash
/// conversion that converts the cash (so a restart finds them under way), and routed once none of
/// them is still under way. If they did not put the tokens or cash there (a hop's fee not payable,
/// the tokens sold meanwhile, a conversion refused), it is rejected `transfer_failed` naming where
/// they are.
extension OrderManager {
    /// Marks `parent` waiting for the transfers of `plan`, its note saying what they move, what
    /// they cost and when they are expected.
    func awaitTransfers(_ parent: inout ParentOrder, _ plan: TransferPlan, at now: Timestamp) {
        parent.status = .pendingTransfer
        parent.note = plan.summary(expected: now.adding(seconds: Int64(plan.minutes) * 60))
    }

    /// Every venue's book for `request`'s security when it may move tokens to sell (what prices a
    /// transfer); nil for any other order, which reads no book before it is accepted.
    func transferBook(_ request: ParentOrderRequest) async -> ConsolidatedBook? {
        guard request.allowTransfers else { return nil }
        return await context.consolidatedBook(request.symbol)
    }

    /// The first write of a new parent: with the transfers or the conversion it waits for, in one
    /// transaction. A conversion is then sent in the background.
    func journalAcceptance(_ parent: ParentOrder, _ admission: Admission, events: [OrderEvent]) throws {
        let work = journal != nil ? OrderJournal.acceptance(parent, events: events) : UnitOfWork()
        if let conversion = admission.transfers?.conversion, let conversions {
            let record = try conversions.take(
                account: parent.account, venue: conversion.venue, from: conversion.from, to: conversion.to,
                amount: conversion.amount, order: Int64(parent.id.rawValue), alongside: work)
            startWork { _ = await conversions.follow(record) }
        } else if let plan = admission.transfers {
            try context.settlement.commit(work, starting: transferRequests(parent, plan))
        } else if let journal {
            try journal.journal.commit(work)
        }
    }

    /// Whether the tokens (a sale) or the cash (a buy) where the venues settle cover the whole order.
    func coveredInPlace(_ parent: ParentOrder, _ positions: AccountPositions, now: Timestamp) -> Bool {
        parent.side == .sell
            ? context.checks.sellableInPlace(parent, positions: positions, now: now) >= parent.quantity
            : context.checks.payableInPlace(parent, positions: positions, now: now)
    }

    /// A sale's custody transfers, or a buy's cash conversion (when the router has a conversion desk).
    func transferPlan(_ parent: ParentOrder, book: ConsolidatedBook?, positions: AccountPositions, now: Timestamp)
        -> TransferPlan?
    {
        parent.side == .sell
            ? context.checks.transferPlan(parent, book: book, positions: positions, now: now)
            : conversions == nil ? nil : context.checks.cashPlan(parent, book: book, positions: positions, now: now)
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
                context.settlement.openTransfers(of: Int64(id.rawValue)).isEmpty,
                conversions?.openConversions(of: Int64(id.rawValue), account: parent.account).isEmpty ?? true
            else { continue }
            guard let (_, refusal) = readmit(&parent, at: now) else { continue }
            reject(
                &parent,
                Rejection(
                    .transferFailed,
                    parent.side == .sell
                        ? "the custody transfers for this order did not leave the tokens where a venue takes them "
                            + "(GET /v1/settlements shows each); \(refusal.message)"
                        : "the cash conversion for this order did not leave the cash where a venue takes it "
                            + "(GET /v1/conversions shows it); \(refusal.message)"), at: now)
            store(parent)
        }
    }
}
