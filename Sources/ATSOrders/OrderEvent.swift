import ATSDomain
import ATSPlanning

/// One change to a parent order, as the journal records it and the event stream publishes it:
/// typed, carrying what changed, numbered per order from 1 (`sequence`) in the order the journal
/// keeps. Applied in order (``ParentOrder/applying(_:)``), a parent's events rebuild it exactly.
public struct OrderEvent: Sendable, Hashable {
    /// The parent's own fields that change over its life.
    public struct Header: Sendable, Hashable {
        public var status: ParentOrder.Status
        public var note: String?
        public var rejection: Rejection?
        public var completedAt: Timestamp?
    }

    public enum Change: Sendable, Hashable {
        /// Accepted: the parent as it was made (no children yet).
        case accepted(ParentOrder)
        /// Refused before anything was sent: the parent with its rejection naming the rule.
        case rejected(ParentOrder)
        /// A routing decision with its evidence; attempt 0 is the first plan, later ones re-plans.
        case decision(RoutingDecision)
        /// A child made: journalled before it is sent (pending), or refused by the checks.
        case childSent(ChildOrder)
        /// A child's state changed (acknowledged, filled, cancelled, failed, unknown, …): the child as it is now.
        case childAnswered(ChildOrder)
        /// A new fill of a child: the fill and the child as it is with it.
        case fill(ChildOrder, VenueFill)
        /// The trader asked to cancel.
        case cancelRequested
        /// The trader changed the quantity or the limit of the resting order (its resting child
        /// is cancelled and the order routed again as amended).
        case amended(quantity: Quantity, limitPrice: Price?)
        /// The parent's status changed: resting, working again, or final.
        case status(Header)
        /// The parent's note (or completion) changed with its status unchanged.
        case noted(Header)
    }

    public var order: OrderID
    public var account: AccountID
    /// The order's own sequence: 1 for its first event, without gaps; after a restart it goes on
    /// from the journal.
    public var sequence: Int
    /// The event's place in its account's stream: from 1, without gaps, in the order committed
    /// (0: not numbered, as in events made by hand).
    public var streamSequence: Int
    public var at: Timestamp
    public var change: Change

    public init(
        order: OrderID, account: AccountID, sequence: Int, streamSequence: Int = 0, at: Timestamp, change: Change
    ) {
        self.order = order
        self.account = account
        self.sequence = sequence
        self.streamSequence = streamSequence
        self.at = at
        self.change = change
    }

    /// The event's name on the wire: `accepted`, `rejected`, `decision`, `replan`, `child_sent`,
    /// `child_answered`, `fill`, `cancel_requested`, `amended`, `resting`, `working`, `final`, `noted`.
    public var kind: String {
        switch change {
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .decision(let decision): decision.attempt == 0 ? "decision" : "replan"
        case .childSent: "child_sent"
        case .childAnswered: "child_answered"
        case .fill: "fill"
        case .cancelRequested: "cancel_requested"
        case .amended: "amended"
        case .status(let header): header.status.isTerminal ? "final" : header.status.rawValue
        case .noted: "noted"
        }
    }

    /// What changed between two states of a parent (nil: it is new), in the order the journal
    /// records it: the parent's cancel and status, each new decision, then each child made or
    /// changed with its new fills.
    public static func changes(from old: ParentOrder?, to new: ParentOrder) -> [Change] {
        guard let old else { return [new.status == .rejected ? .rejected(new) : .accepted(new)] }
        var changes: [Change] = []
        let header = Header(status: new.status, note: new.note, rejection: new.rejection, completedAt: new.completedAt)
        if old.cancelRequested != new.cancelRequested { changes.append(.cancelRequested) }
        if old.quantity != new.quantity || old.limitPrice != new.limitPrice {
            changes.append(.amended(quantity: new.quantity, limitPrice: new.limitPrice))
        }
        if old.status != new.status {
            changes.append(.status(header))
        } else if old.note != new.note || old.rejection != new.rejection || old.completedAt != new.completedAt {
            changes.append(.noted(header))
        }
        for index in old.decisions.count..<max(old.decisions.count, new.decisions.count) {
            changes.append(.decision(new.decisions[index]))
        }
        for (index, child) in new.children.enumerated() {
            let before = index < old.children.count ? old.children[index] : nil
            guard before != child else { continue }
            let known = Set(before?.fills.map(\.id) ?? [])
            let fresh = child.fills.filter { !known.contains($0.id) }
            if before == nil {
                changes.append(.childSent(child))
            } else if before?.status != child.status || fresh.isEmpty {
                changes.append(.childAnswered(child))
            }
            for fill in fresh { changes.append(.fill(child, fill)) }
        }
        return changes
    }
}

extension ParentOrder {
    /// This parent with `event` applied: what a subscriber does to follow an order from its
    /// `accepted` (or `rejected`) event on.
    public func applying(_ event: OrderEvent) -> ParentOrder {
        var parent = self
        switch event.change {
        case .accepted(let made), .rejected(let made):
            return made
        case .decision(let decision):
            parent.decisions.append(decision)
        case .childSent(let child):
            parent.children.append(child)
        case .childAnswered(let child), .fill(let child, _):
            if let index = parent.children.firstIndex(where: { $0.clientKey == child.clientKey }) {
                parent.children[index] = child
            }
        case .cancelRequested:
            parent.cancelRequested = true
        case .amended(let quantity, let limitPrice):
            parent.amend(quantity: quantity, limitPrice: limitPrice)
        case .status(let header), .noted(let header):
            parent.status = header.status
            parent.note = header.note
            parent.rejection = header.rejection
            parent.completedAt = header.completedAt
        }
        return parent
    }
}
