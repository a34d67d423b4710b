import ATSDomain
import ATSPlanning
import ATSStorage
import Foundation

/// The order manager's durable side: turns each change to a parent into one journal transaction
/// (the parent's new state, children journalled before they are sent, fills recorded once, new
/// decisions with their evidence, and an event per transition), and loads parents back on start.
public struct OrderJournal: Sendable {
    public let journal: any JournalStore

    public init(journal: any JournalStore) {
        self.journal = journal
    }

    /// The first write of a parent: its row and its `accepted` (or `rejected`) event.
    public func accept(_ parent: ParentOrder) throws {
        try journal.commit(Self.acceptance(parent))
    }

    /// The rows of a parent's first write (committed alone by ``accept(_:)``, or with what else
    /// must happen in the same transaction); `events`, when given, number its event rows.
    public static func acceptance(_ parent: ParentOrder, events: [OrderEvent]? = nil) -> UnitOfWork {
        var change = UnitOfWork()
        change.orderAccount = parent.account.rawValue
        change.insertedParent = record(parent)
        change.events = (events?.map(\.change) ?? OrderEvent.changes(from: nil, to: parent)).map {
            event(of: $0, parent: parent, at: parent.createdAt.nanosecondsSinceEpoch)
        }
        if let events { stamp(&change, with: events) }
        return change
    }

    public static func change(from old: ParentOrder, to new: ParentOrder, at now: Timestamp) -> UnitOfWork {
        change(from: old, to: new, changes: OrderEvent.changes(from: old, to: new), at: now)
    }

    /// ``change(from:to:changes:at:)`` of numbered events: each event row carries its account,
    /// its sequences and its payload (what the stream replays from the journal).
    public static func change(from old: ParentOrder, to new: ParentOrder, events: [OrderEvent], at now: Timestamp)
        -> UnitOfWork
    {
        var work = change(from: old, to: new, changes: events.map(\.change), at: now)
        stamp(&work, with: events)
        return work
    }

    /// Fills in `work`'s event rows (one per event, in order) from `events`.
    static func stamp(_ work: inout UnitOfWork, with events: [OrderEvent]) {
        precondition(work.events.count == events.count, "one event row per event")
        for (index, event) in events.enumerated() {
            work.events[index].account = event.account.rawValue
            work.events[index].orderSequence = Int64(event.sequence)
            work.events[index].streamSequence = Int64(event.streamSequence)
            work.events[index].payload = event.payload
        }
    }

    /// The rows of one change to a parent: its new state, new decisions with their evidence,
    /// children made or changed, new fills once, and one event row per ``OrderEvent/Change``
    /// (`changes`, from ``OrderEvent/changes(from:to:)``: the events the stream publishes).
    public static func change(
        from old: ParentOrder, to new: ParentOrder, changes: [OrderEvent.Change], at now: Timestamp
    ) -> UnitOfWork {
        var change = UnitOfWork()
        change.orderAccount = new.account.rawValue
        let parentId = Int64(new.id.rawValue)
        let time = now.nanosecondsSinceEpoch
        if old.status != new.status || old.note != new.note || old.rejection != new.rejection
            || old.completedAt != new.completedAt || old.cancelRequested != new.cancelRequested
            || old.request != new.request
        {
            change.updatedParent = record(new)
        }
        for index in old.decisions.count..<max(old.decisions.count, new.decisions.count) {
            let decision = new.decisions[index]
            change.decisions.append(
                DecisionRecord(
                    parentId: parentId, position: Int64(index), attempt: Int64(decision.attempt),
                    at: decision.at.nanosecondsSinceEpoch, evidence: DecisionEvidence.json(decision)))
        }
        for (index, child) in new.children.enumerated() {
            let before = index < old.children.count ? old.children[index] : nil
            guard before != child else { continue }
            let row = record(child, parent: parentId)
            if before == nil { change.insertedChildren.append(row) } else { change.updatedChildren.append(row) }
            let known = Set(before?.fills.map(\.id) ?? [])
            for fill in child.fills where !known.contains(fill.id) {
                change.executions.append(
                    ExecutionRecord(
                        venue: child.venue.rawValue, fillId: fill.id, childKey: child.clientKey,
                        quantity: fill.quantity.rawValue, price: fill.price.rawValue,
                        fee: fill.fee.rawValue, recordedAt: time))
            }
        }
        change.events = changes.map { event(of: $0, parent: new, at: time) }
        return change
    }

    /// The journal's row for one change: its kind (`accepted`, `rejected`, `decision`,
    /// `child_created`, `child_status`, `fill`, `cancel_requested`, `status`, `note`) and a
    /// line a person reads.
    static func event(of change: OrderEvent.Change, parent: ParentOrder, at time: Int64) -> EventRecord {
        let parentId = Int64(parent.id.rawValue)
        switch change {
        case .accepted(let made), .rejected(let made):
            return EventRecord(
                parentId: parentId, kind: made.status == .rejected ? "rejected" : "accepted",
                detail: made.rejection.map { "\($0.code): \($0.message)" } ?? made.status.rawValue, at: time)
        case .decision(let decision):
            let split = decision.plan.allocations.map { "\($0.venue) \($0.quantity)" }.joined(separator: ", ")
            return EventRecord(
                parentId: parentId, kind: "decision",
                detail: "attempt \(decision.attempt): \(split.isEmpty ? "nothing to send" : split)", at: time)
        case .childSent(let child):
            return EventRecord(
                parentId: parentId, childKey: child.clientKey, kind: "child_created",
                detail:
                    "\(child.venue) \(child.quantity) @ \(child.limitPrice) \(child.timeInForce.rawValue) \(child.status.rawValue)",
                at: time)
        case .childAnswered(let child):
            let why = child.refusal.map { ": \($0.code)" } ?? child.failure.map { ": \($0)" } ?? ""
            return EventRecord(
                parentId: parentId, childKey: child.clientKey, kind: "child_status",
                detail: child.status.rawValue + why, at: time)
        case .fill(let child, let fill):
            return EventRecord(
                parentId: parentId, childKey: child.clientKey, kind: "fill",
                detail: "\(child.venue) \(fill.quantity) @ \(fill.price) fee \(fill.fee)", at: time)
        case .cancelRequested:
            return EventRecord(parentId: parentId, kind: "cancel_requested", detail: parent.status.rawValue, at: time)
        case .amended(let quantity, let limitPrice):
            return EventRecord(
                parentId: parentId, kind: "amended",
                detail: "quantity \(quantity), limit \(limitPrice.map { "\($0)" } ?? "none")", at: time)
        case .status(let header):
            return EventRecord(
                parentId: parentId, kind: "status",
                detail: header.status.rawValue + (header.note.map { ": \($0)" } ?? ""), at: time)
        case .noted(let header):
            return EventRecord(parentId: parentId, kind: "note", detail: header.note ?? "", at: time)
        }
    }

    // MARK: Records

    static func record(_ parent: ParentOrder) -> ParentRecord {
        ParentRecord(
            id: Int64(parent.id.rawValue), account: parent.account.rawValue, clientOrderId: parent.clientOrderId,
            symbol: parent.symbol.rawValue, side: parent.side.rawValue, quantity: parent.quantity.rawValue,
            limitPrice: parent.limitPrice?.rawValue, timeInForce: parent.timeInForce.rawValue,
            strategy: parent.strategy.rawValue,
            includeVenues: encode(parent.includeVenues.sorted()), excludeVenues: encode(parent.excludeVenues.sorted()),
            status: parent.status.rawValue, note: parent.note, rejectionCode: parent.rejection?.code.rawValue,
            rejectionMessage: parent.rejection?.message, createdAt: parent.createdAt.nanosecondsSinceEpoch,
            completedAt: parent.completedAt?.nanosecondsSinceEpoch, cancelRequested: parent.cancelRequested,
            allowTransfers: parent.allowTransfers)
    }

    static func record(_ child: ChildOrder, parent: Int64) -> ChildRecord {
        ChildRecord(
            clientKey: child.clientKey, parentId: parent, venue: child.venue.rawValue,
            quantity: child.quantity.rawValue,
            limitPrice: child.limitPrice.rawValue, timeInForce: child.timeInForce.rawValue,
            purpose: child.purpose.rawValue,
            decision: Int64(child.decision), status: child.status.rawValue, venueOrderId: child.venueOrderID,
            filledQuantity: child.filledQuantity.rawValue, fees: child.fees.rawValue,
            refusalCode: child.refusal?.code.rawValue,
            refusalMessage: child.refusal?.message, failure: child.failure,
            createdAt: child.createdAt.nanosecondsSinceEpoch)
    }

    // MARK: Loading

    /// Every journalled parent rebuilt, or an error naming the record that does not read back.
    public func load() throws -> [ParentOrder] {
        try journal.loadAll().map(Self.parent(from:))
    }

    /// The parents `query` picks, rebuilt and validated.
    public func parents(_ query: ParentQuery) throws -> [ParentOrder] {
        try journal.parents(query).map(Self.parent(from:))
    }

    public func parent(id: Int64) throws -> ParentOrder? {
        try journal.storedParent(id: id).map(Self.parent(from:))
    }

    public func parentID(account: AccountID, clientOrderId: String) throws -> OrderID? {
        try journal.parent(account: account.rawValue, clientOrderId: clientOrderId).map { OrderID(UInt64($0.id)) }
    }

    /// A journal row that does not read back as an order, naming what is wrong.
    public struct CorruptRecord: Error, CustomStringConvertible {
        public var description: String
    }

    public static func parent(from stored: StoredParent) throws -> ParentOrder {
        let row = stored.parent
        func fail(_ field: String) -> CorruptRecord {
            CorruptRecord(description: "journal: parent \(row.id): \(field) does not read back")
        }
        guard let account = try? AccountID(row.account) else { throw fail("account") }
        guard let symbol = try? Symbol(row.symbol) else { throw fail("symbol") }
        guard let side = Side(rawValue: row.side) else { throw fail("side") }
        guard let tif = TimeInForce.Kind(rawValue: row.timeInForce) else { throw fail("timeInForce") }
        guard let strategy = PlanStrategy(rawValue: row.strategy) else { throw fail("strategy") }
        guard let status = ParentOrder.Status(rawValue: row.status) else { throw fail("status") }
        guard row.id > 0 else { throw fail("id") }
        guard row.quantity > 0 else { throw fail("quantity (\(row.quantity) is not positive)") }
        guard row.limitPrice.map({ $0 > 0 }) ?? true else { throw fail("limitPrice (not positive)") }
        guard let include = decode([VenueID].self, row.includeVenues),
            let exclude = decode([VenueID].self, row.excludeVenues)
        else { throw fail("venues") }
        var parent = ParentOrder(
            id: OrderID(UInt64(row.id)), account: account, clientOrderId: row.clientOrderId, symbol: symbol, side: side,
            quantity: Quantity(rawValue: row.quantity), limitPrice: row.limitPrice.map(Price.init(rawValue:)),
            timeInForce: tif,
            strategy: strategy, includeVenues: Set(include), excludeVenues: Set(exclude),
            allowTransfers: row.allowTransfers, createdAt: Timestamp(nanosecondsSinceEpoch: row.createdAt))
        parent.status = status
        parent.note = row.note
        parent.rejection = row.rejectionCode.map { Rejection(RejectCode(rawValue: $0), row.rejectionMessage ?? "") }
        parent.completedAt = row.completedAt.map(Timestamp.init(nanosecondsSinceEpoch:))
        parent.cancelRequested = row.cancelRequested
        for decision in stored.decisions {
            guard let value = decode(RoutingDecision.self, decision.evidence) else {
                throw fail("decision \(decision.position)")
            }
            parent.decisions.append(value)
        }
        for (row, executions) in stored.children {
            guard let venue = try? VenueID(row.venue), let tif = TimeInForce.Kind(rawValue: row.timeInForce),
                let purpose = ChildOrder.Purpose(rawValue: row.purpose),
                let status = ChildOrder.Status(rawValue: row.status)
            else { throw fail("child \(row.clientKey)") }
            guard row.quantity > 0, row.limitPrice > 0, (0...row.quantity).contains(row.filledQuantity), row.fees >= 0,
                parent.decisions.isEmpty || (0..<Int64(parent.decisions.count)).contains(row.decision)
            else {
                throw fail("child \(row.clientKey): quantity, price, filled quantity, fees or decision out of range")
            }
            guard executions.allSatisfy({ $0.quantity > 0 && $0.price > 0 && $0.fee >= 0 })
            else { throw fail("child \(row.clientKey): an execution's quantity, price or fee is out of range") }
            var child = ChildOrder(
                clientKey: row.clientKey, venue: venue, quantity: Quantity(rawValue: row.quantity),
                limitPrice: Price(rawValue: row.limitPrice), timeInForce: tif, purpose: purpose,
                decision: Int(row.decision), createdAt: Timestamp(nanosecondsSinceEpoch: row.createdAt))
            child.status = status
            child.venueOrderID = row.venueOrderId
            child.filledQuantity = Quantity(rawValue: row.filledQuantity)
            child.fees = Money(rawValue: row.fees)
            child.fills = executions.map {
                VenueFill(
                    id: $0.fillId, quantity: Quantity(rawValue: $0.quantity), price: Price(rawValue: $0.price),
                    fee: Money(rawValue: $0.fee))
            }
            child.refusal = row.refusalCode.map { Rejection(RejectCode(rawValue: $0), row.refusalMessage ?? "") }
            child.failure = row.failure
            parent.children.append(child)
        }
        guard parent.filledQuantity <= parent.quantity else {
            throw fail("children (filled \(parent.filledQuantity) of \(parent.quantity))")
        }
        guard status != .filled || parent.leavesQuantity.isZero else {
            throw fail("status (filled with \(parent.leavesQuantity) left)")
        }
        return parent
    }

    private static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension OrderJournal {
    /// Every parent a journal holds, rebuilt, read without changing it (reports, offline tools).
    public static func parents(in journal: any JournalStore) throws -> [ParentOrder] {
        try OrderJournal(journal: journal).load()
    }

    /// The parents `query` picks, rebuilt, with when each of their fills was recorded (`venue/fillId`).
    public static func parents(in journal: any JournalStore, _ query: ParentQuery) throws -> (
        [ParentOrder], [String: Timestamp]
    ) {
        let stored = try journal.parents(query)
        var fillTimes: [String: Timestamp] = [:]
        for parent in stored {
            for (_, executions) in parent.children {
                for execution in executions {
                    fillTimes["\(execution.venue)/\(execution.fillId)"] = Timestamp(
                        nanosecondsSinceEpoch: execution.recordedAt)
                }
            }
        }
        return (try stored.map(OrderJournal.parent(from:)), fillTimes)
    }
}
