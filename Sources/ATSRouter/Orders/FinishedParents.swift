import ATSDomain
import ATSOrders

/// The parents that finished last, at most `capacity`, oldest dropped first: what traders read
/// right after their orders end, answered without the journal.
struct FinishedParents: Sendable {
    let capacity: Int
    private var byID: [OrderID: ParentOrder] = [:]
    private var order: [OrderID] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    func parent(_ id: OrderID) -> ParentOrder? { byID[id] }
    var count: Int { byID.count }

    /// - Complexity: amortised O(1).
    mutating func insert(_ parent: ParentOrder) {
        if byID.updateValue(parent, forKey: parent.id) == nil { order.append(parent.id) }
        while order.count - head > capacity {
            byID.removeValue(forKey: order[head])
            head += 1
        }
        if head > capacity {
            order.removeFirst(head)
            head = 0
        }
    }
}
