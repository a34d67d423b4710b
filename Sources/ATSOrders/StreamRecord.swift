import ATSDomain
import ATSPlanning

/// An order event as the account's event stream carries it: numbered in the account's stream
/// (`sequence`, from 1 without gaps, in the order the journal committed them) as well as in its
/// order (`orderSequence`), with its data as JSON (`payload`, written once when the event is
/// journalled, so a replay from the journal reads exactly what the live stream sent).
public struct StreamRecord: Sendable, Hashable {
    public var sequence: Int
    public var order: OrderID
    public var orderSequence: Int
    public var at: Timestamp
    /// `{"event": kind, ...}`: the event's name (``OrderEvent/kind``) and what changed
    /// (`docs/api.md`, "The event stream"; `StreamEventDetail` in ATSWire reads it).
    public var payload: String

    public init(sequence: Int, order: OrderID, orderSequence: Int, at: Timestamp, payload: String) {
        self.sequence = sequence
        self.order = order
        self.orderSequence = orderSequence
        self.at = at
        self.payload = payload
    }
}

extension OrderEvent {
    /// This event as its account's stream carries it (``streamSequence`` must be set).
    public var record: StreamRecord {
        StreamRecord(sequence: streamSequence, order: order, orderSequence: sequence, at: at, payload: payload)
    }

    /// The event's data as JSON, written directly (the order path journals every event): its
    /// name, then per kind the parent's status, note and rejection; the decision's attempt and
    /// allocations; the child as it is now; the fill.
    public var payload: String {
        var out = "{\"event\":" + JSONText.quoted(kind)
        switch change {
        case .accepted(let parent), .rejected(let parent):
            out += Self.header(status: parent.status, note: parent.note, rejection: parent.rejection)
        case .decision(let decision):
            out += ",\"attempt\":\(decision.attempt),\"allocations\":["
            out += decision.plan.allocations.map {
                "{\"venue\":" + JSONText.quoted($0.venue.rawValue) + ",\"quantity\":\"\($0.quantity)\""
                    + ",\"averagePrice\":\"\($0.averagePrice)\"}"
            }.joined(separator: ",")
            out += "]"
            if let reason = decision.plan.unfilledReason { out += ",\"unfilledReason\":" + JSONText.quoted(reason) }
        case .childSent(let child), .childAnswered(let child):
            out += ",\"child\":" + Self.child(child)
        case .fill(let child, let fill):
            out += ",\"child\":" + Self.child(child)
            out +=
                ",\"fill\":{\"id\":" + JSONText.quoted(fill.id) + ",\"venue\":" + JSONText.quoted(child.venue.rawValue)
            out += ",\"quantity\":\"\(fill.quantity)\",\"price\":\"\(fill.price)\",\"fee\":\"\(fill.fee)\"}"
        case .cancelRequested:
            break
        case .amended(let quantity, let limitPrice):
            out += ",\"quantity\":\"\(quantity)\""
            if let limitPrice { out += ",\"limitPrice\":\"\(limitPrice)\"" }
        case .status(let header), .noted(let header):
            out += Self.header(status: header.status, note: header.note, rejection: header.rejection)
        }
        return out + "}"
    }

    private static func header(status: ParentOrder.Status, note: String?, rejection: Rejection?) -> String {
        var out = ",\"status\":\"\(status.rawValue)\""
        if let note { out += ",\"note\":" + JSONText.quoted(note) }
        if let rejection { out += ",\"rejection\":" + self.rejection(rejection) }
        return out
    }

    private static func rejection(_ rejection: Rejection) -> String {
        "{\"code\":" + JSONText.quoted(rejection.code.rawValue) + ",\"message\":" + JSONText.quoted(rejection.message)
            + "}"
    }

    private static func child(_ child: ChildOrder) -> String {
        var out = "{\"clientKey\":" + JSONText.quoted(child.clientKey) + ",\"venue\":"
        out += JSONText.quoted(child.venue.rawValue) + ",\"quantity\":\"\(child.quantity)\""
        out += ",\"limitPrice\":\"\(child.limitPrice)\",\"timeInForce\":\"\(child.timeInForce.rawValue)\""
        out += ",\"status\":\"\(child.status.rawValue)\",\"filledQuantity\":\"\(child.filledQuantity)\""
        if let refusal = child.refusal { out += ",\"refusal\":" + rejection(refusal) }
        if let failure = child.failure { out += ",\"failure\":" + JSONText.quoted(failure) }
        return out + "}"
    }
}
