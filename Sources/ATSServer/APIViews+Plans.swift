import ATSOrders
import ATSRouter
import ATSWire

extension APIViews {
    public static func preview(_ preview: OrderPreview) -> PlanPreviewView {
        let parent = preview.parent
        return PlanPreviewView(
            symbol: parent.symbol.rawValue, side: parent.side.rawValue, quantity: parent.quantity.description,
            status: parent.status.rawValue,
            rejection: parent.rejection.map { RejectionView(code: $0.code.rawValue, message: $0.message) },
            note: parent.note, decision: preview.decision.map(decision),
            children: parent.children.map {
                PreviewChildView(
                    venue: $0.venue.rawValue, quantity: $0.quantity.description, limitPrice: $0.limitPrice.description,
                    timeInForce: $0.timeInForce.rawValue,
                    refusal: $0.refusal.map { RejectionView(code: $0.code.rawValue, message: $0.message) })
            },
            transfer: preview.transfers.map(transferPlan))
    }

    static func transferPlan(_ plan: TransferPlan) -> TransferPlanView {
        TransferPlanView(
            venue: plan.venue.rawValue, fee: plan.fee.description, minutes: plan.minutes,
            allInPrice: plan.allInPrice?.description,
            moves: plan.moves.map {
                MoveView(
                    from: $0.from.description, to: $0.to.description, quantity: $0.quantity.description,
                    fee: $0.fee.description, minutes: $0.minutes)
            },
            conversion: plan.conversion.map {
                PlannedConversionView(
                    venue: $0.venue.rawValue, from: $0.from.rawValue, fromLocation: $0.fromLocation.description,
                    to: $0.to.rawValue, toLocation: $0.toLocation.description, amount: $0.amount.description,
                    received: $0.received.description, fee: $0.fee.description)
            })
    }
}
