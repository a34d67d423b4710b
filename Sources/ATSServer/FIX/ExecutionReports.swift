import ATSDomain
import ATSFIX
import ATSOrders

/// What a FIX session knows of one order between its execution reports: the ClOrdID it goes by
/// now, and its fills so far (CumQty and AvgPx are summed here, event by event, so each report
/// says what was true when its event happened).
struct FIXOrderState: Sendable {
    var clOrdID: String
    var orderQuantity: Quantity
    var limitPrice: Price?
    var cumulative: Int64 = 0
    /// Σ quantity × price, both raw (10⁻⁸ each).
    var notional: Int128 = 0
    var reportedFinal = false

    var cumQty: Quantity { Quantity(rawValue: cumulative) }
    var leavesQty: Quantity { Quantity(rawValue: max(0, orderQuantity.rawValue - cumulative)) }

    /// Notional ÷ quantity, rounded half-even to 8 decimals (0 before any fill).
    var avgPx: Price {
        guard cumulative > 0 else { return .zero }
        let quotient = roundedQuotient(notional, Int128(cumulative), rounding: .halfEven) ?? 0
        return Price(rawValue: Int64(clamping: quotient))
    }

    mutating func add(quantity: Quantity, price: Price) {
        cumulative += quantity.rawValue
        notional += Int128(quantity.rawValue) * Int128(price.rawValue)
    }

    /// OrdStatus from the fills alone: new, partially filled, filled.
    var workingStatus: String { cumulative == 0 ? "0" : cumulative >= orderQuantity.rawValue ? "2" : "1" }
}

/// Execution reports (35=8) and cancel rejects (35=9) as the gateway writes them (`docs/fix.md`,
/// "Execution reports").
enum ExecutionReports {
    /// ExecType (150) and OrdStatus (39) of one report.
    struct Kind: Sendable, Hashable {
        var execType: String
        var ordStatus: String
    }

    /// An execution report on `parent`, in the state `state` gives.
    static func report(
        _ parent: ParentOrder, state: FIXOrderState, kind: Kind, execID: String, origClOrdID: String? = nil,
        fill: (quantity: Quantity, price: Price, venue: String)? = nil, text: String? = nil,
        rejection: String? = nil, expireTime: Timestamp? = nil, at now: Timestamp
    ) -> FIXMessage {
        let final = ["2", "4", "8", "C"].contains(kind.ordStatus)
        var body = [
            FIXField(FIXTag.orderID, parent.id.description), FIXField(FIXTag.clOrdID, state.clOrdID),
        ]
        if let origClOrdID { body.append(FIXField(FIXTag.origClOrdID, origClOrdID)) }
        body += [
            FIXField(FIXTag.execID, execID), FIXField(FIXTag.execType, kind.execType),
            FIXField(FIXTag.ordStatus, kind.ordStatus), FIXField(FIXTag.account, parent.account.rawValue),
            FIXField(FIXTag.symbol, parent.symbol.rawValue), FIXField(FIXTag.side, parent.side == .buy ? "1" : "2"),
            FIXField(FIXTag.orderQty, state.orderQuantity.description),
            FIXField(FIXTag.ordType, state.limitPrice == nil ? "1" : "2"),
        ]
        if let limit = state.limitPrice { body.append(FIXField(FIXTag.price, limit.description)) }
        if let expireTime {
            body += [FIXField(FIXTag.timeInForce, "6"), FIXField(FIXTag.expireTime, FIXTime.format(expireTime))]
        } else {
            body.append(FIXField(FIXTag.timeInForce, timeInForce(parent.timeInForce)))
        }
        if let fill {
            body += [
                FIXField(FIXTag.lastQty, fill.quantity.description), FIXField(FIXTag.lastPx, fill.price.description),
                FIXField(FIXTag.lastMkt, fill.venue),
            ]
        }
        body += [
            FIXField(FIXTag.leavesQty, final ? "0" : state.leavesQty.description),
            FIXField(FIXTag.cumQty, state.cumQty.description), FIXField(FIXTag.avgPx, state.avgPx.description),
            FIXField(FIXTag.transactTime, FIXTime.format(now)),
        ]
        if let rejection {
            body.append(FIXField(FIXTag.ordRejReason, ordRejReason(rejection)))
            body.append(FIXField(FIXTag.rejectRule, rejection))
        }
        if let text { body.append(FIXField(FIXTag.text, String(text.prefix(400)))) }
        return FIXMessage(FIXMsgType.executionReport, body)
    }

    /// A report refusing an order that never became one (the gateway's own checks): OrderID NONE.
    static func refusal(
        _ message: FIXMessage, account: AccountID, execID: String, code: String, text: String, at now: Timestamp
    ) -> FIXMessage {
        var body = [
            FIXField(FIXTag.orderID, "NONE"), FIXField(FIXTag.clOrdID, message[FIXTag.clOrdID] ?? "NONE"),
            FIXField(FIXTag.execID, execID), FIXField(FIXTag.execType, "8"), FIXField(FIXTag.ordStatus, "8"),
            FIXField(FIXTag.account, account.rawValue), FIXField(FIXTag.symbol, message[FIXTag.symbol] ?? "NONE"),
            FIXField(FIXTag.side, message[FIXTag.side] ?? "1"),
        ]
        if let quantity = message[FIXTag.orderQty] { body.append(FIXField(FIXTag.orderQty, quantity)) }
        body += [
            FIXField(FIXTag.leavesQty, "0"), FIXField(FIXTag.cumQty, "0"), FIXField(FIXTag.avgPx, "0"),
            FIXField(FIXTag.transactTime, FIXTime.format(now)), FIXField(FIXTag.ordRejReason, ordRejReason(code)),
            FIXField(FIXTag.rejectRule, code), FIXField(FIXTag.text, String(text.prefix(400))),
        ]
        return FIXMessage(FIXMsgType.executionReport, body)
    }

    /// OrderCancelReject (35=9): `responseTo` 1 for a cancel, 2 for a replace.
    static func cancelReject(
        _ message: FIXMessage, orderID: String, ordStatus: String, responseTo: String, reason: String, text: String
    ) -> FIXMessage {
        FIXMessage(
            FIXMsgType.orderCancelReject,
            [
                FIXField(FIXTag.orderID, orderID), FIXField(FIXTag.clOrdID, message[FIXTag.clOrdID] ?? "NONE"),
                FIXField(FIXTag.origClOrdID, message[FIXTag.origClOrdID] ?? "NONE"),
                FIXField(FIXTag.ordStatus, ordStatus), FIXField(FIXTag.cxlRejResponseTo, responseTo),
                FIXField(FIXTag.cxlRejReason, reason), FIXField(FIXTag.text, String(text.prefix(400))),
            ])
    }

    /// BusinessMessageReject (35=j) of message `sequence`.
    static func businessReject(_ message: FIXMessage, sequence: Int, reason: Int, text: String) -> FIXMessage {
        var body = [FIXField(FIXTag.refSeqNum, String(sequence)), FIXField(FIXTag.refMsgType, message.msgType)]
        if let id = message[FIXTag.clOrdID] { body.append(FIXField(FIXTag.businessRejectRefID, id)) }
        body += [FIXField(FIXTag.businessRejectReason, String(reason)), FIXField(FIXTag.text, text)]
        return FIXMessage(FIXMsgType.businessMessageReject, body)
    }

    /// TimeInForce (59) of a parent's time in force.
    static func timeInForce(_ kind: TimeInForce.Kind) -> String {
        switch kind {
        case .day: "0"
        case .gtc: "1"
        case .ioc: "3"
        case .fok: "4"
        case .gtd: "6"
        }
    }

    /// OrdRejReason (103) for a rule's code: 1 unknown symbol, 2 closed, 3 exceeds limit (cash,
    /// position, holding limits), 6 duplicate, 11 unsupported characteristic, 13 incorrect
    /// quantity, 99 other (the rule is in Text and in tag 20105).
    static func ordRejReason(_ code: String) -> String {
        switch code {
        case "unknown_symbol": "1"
        case "market_closed", "session_closed", "venue_closed", "not_ready": "2"
        case "insufficient_cash", "insufficient_holding", "insufficient_position", "position_not_at_venue",
            "maximum_holding_exceeded",
            "holding_limit":
            "3"
        case "duplicate_order_id", "client_order_id_reused", "duplicate_cl_ord_id": "6"
        case "order_type_not_supported", "time_in_force_not_supported": "11"
        case "quantity_not_positive", "off_lot", "below_minimum_quantity": "13"
        default: "99"
        }
    }
}
