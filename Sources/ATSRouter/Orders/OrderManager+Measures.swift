import ATSDomain
import ATSOrders

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
