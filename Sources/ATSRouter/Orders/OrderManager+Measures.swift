import ATSDomain
import ATSOrders
import Logging

extension OrderManager {
    /// Records the timings a change completes: a parent coming to its final state or to rest
    /// (from its submission), a child coming to its final state (from when it was made).
    func measure(from old: ParentOrder, to new: ParentOrder, at now: Timestamp) {
        let instruments = context.instruments
        let settled: (ParentOrder.Status) -> Bool = { $0.isTerminal || $0 == .resting }
        if settled(new.status) && !settled(old.status) {
            instruments.parentFinished(
                new.status.rawValue, nanoseconds: now.nanosecondsSinceEpoch - new.createdAt.nanosecondsSinceEpoch)
        }
        guard new.children.count != old.children.count || new.children != old.children else { return }
        let before = Dictionary(old.children.map { ($0.clientKey, $0.isTerminal) }, uniquingKeysWith: { $1 })
        for child in new.children where child.isTerminal && before[child.clientKey] != true {
            instruments.childFinished(
                child.venue, nanoseconds: now.nanosecondsSinceEpoch - child.createdAt.nanosecondsSinceEpoch)
        }
    }
}

extension OrderManager {
    /// Logs each event of a change at debug, with the order, its account and, for a child's
    /// events, the child's key and venue in the metadata: the routing path, traceable by order id.
    func logEvents(_ events: [OrderEvent]) {
        guard logger.logLevel <= .debug else { return }
        for event in events {
            var metadata: Logger.Metadata = [
                "order": "\(event.order)", "account": "\(event.account)", "sequence": "\(event.sequence)",
            ]
            switch event.change {
            case .childSent(let child), .childAnswered(let child), .fill(let child, _):
                metadata["child"] = "\(child.clientKey)"
                metadata["venue"] = "\(child.venue)"
                metadata["child_status"] = "\(child.status.rawValue)"
            default:
                break
            }
            logger.debug("order \(event.kind)", metadata: metadata)
        }
    }
}
