import ATSDomain
import ATSOrders

extension OrderManager {
    /// Counts over every parent, for `/metrics`.
    public struct Statistics: Sendable, Hashable {
        public var parentsByStatus: [ParentOrder.Status: Int] = [:]
        /// Parent rejections and child refusals, by rule code.
        public var rejectionsByCode: [String: Int] = [:]
        public var fillsByVenue: [VenueID: Int] = [:]
        public var childrenByVenue: [VenueID: Int] = [:]
        public var children = 0

        mutating func add(_ parent: ParentOrder) {
            parentsByStatus[parent.status, default: 0] += 1
            if let rejection = parent.rejection { rejectionsByCode[rejection.code.rawValue, default: 0] += 1 }
            for child in parent.children {
                children += 1
                childrenByVenue[child.venue, default: 0] += 1
                fillsByVenue[child.venue, default: 0] += child.fills.count
                if let refusal = child.refusal { rejectionsByCode[refusal.code.rawValue, default: 0] += 1 }
            }
        }
    }

    /// Counts over every parent: those that left memory (kept as counts) and those working.
    /// - Complexity: O(parents working).
    public func statistics() -> Statistics {
        var result = retired
        for parent in parents.values { result.add(parent) }
        return result
    }
}
