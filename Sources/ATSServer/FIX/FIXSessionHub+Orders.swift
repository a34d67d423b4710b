import ATSDomain
import ATSFIX
import ATSOrders
import ATSRouter
import ATSStorage
import ATSWire
import Foundation

/// Order entry (`docs/fix.md`, "Order entry"): NewOrderSingle, OrderCancelRequest,
/// OrderCancelReplaceRequest and OrderStatusRequest become the router's calls; each answer comes
/// back as execution reports from the event stream, or at once as a refusal naming the rule.
extension FIXSessionHub {
    /// An application message, in sequence.
    func application(_ message: FIXMessage) async {
        let sequence = Int(message[FIXTag.msgSeqNum] ?? "") ?? 0
        if entry.isDropCopy {
            sendApplication(
                ExecutionReports.businessReject(
                    message, sequence: sequence, reason: 6,
                    text: "this is a drop copy session: it receives execution reports and takes no orders"))
            return
        }
        switch message.msgType {
        case FIXMsgType.newOrderSingle: await newOrder(message, sequence: sequence)
        case FIXMsgType.orderCancelRequest: await cancel(message, sequence: sequence)
        case FIXMsgType.orderCancelReplaceRequest: await replace(message, sequence: sequence)
        case FIXMsgType.orderStatusRequest: await status(message, sequence: sequence)
        default:
            if FIXMsgType.knownApplication.contains(message.msgType) {
                sendApplication(
                    ExecutionReports.businessReject(
                        message, sequence: sequence, reason: 3,
                        text: "MsgType \(message.msgType) is not supported (D, F, G and H are; see docs/fix.md)"))
            } else {
                carryOut([
                    .send(
                        FIXSession.reject(
                            sequence, reason: FIXRejectReason.invalidMsgType,
                            text: "MsgType \(message.msgType) is not a FIX 4.4 message type", type: message.msgType))
                ])
            }
        }
    }

    /// A session Reject naming the first of `tags` missing, if any (true: one was missing).
    func missing(_ tags: [Int], in message: FIXMessage, sequence: Int) -> Bool {
        guard let tag = tags.first(where: { message[$0] == nil }) else { return false }
        carryOut([
            .send(
                FIXSession.reject(
                    sequence, reason: FIXRejectReason.requiredTagMissing,
                    text: "\(FIXTagNames.name(tag))(\(tag)) is required", tag: tag, type: message.msgType))
        ])
        return true
    }

    /// A report refusing `message` (an order entry session's: it has an account).
    func refuse(_ message: FIXMessage, sequence: Int, code: String, _ text: String) {
        guard let account = entry.account else { return }
        sendApplication(
            ExecutionReports.refusal(
                message, account: account, execID: "R-\(session.sequences.epoch)-\(sequence)", code: code, text: text,
                at: clock.now()))
    }

    /// NewOrderSingle (D): checked as `POST /v1/orders` checks a body, then started.
    private func newOrder(_ message: FIXMessage, sequence: Int) async {
        let required = [
            FIXTag.clOrdID, FIXTag.symbol, FIXTag.side, FIXTag.orderQty, FIXTag.ordType, FIXTag.transactTime,
        ]
        guard !missing(required, in: message, sequence: sequence), let account = entry.account else { return }
        let clOrdID = message[FIXTag.clOrdID]!
        guard message[FIXTag.side] == "1" || message[FIXTag.side] == "2" else {
            return carryOut([
                .send(
                    FIXSession.reject(
                        sequence, reason: FIXRejectReason.incorrectValue,
                        text: "Side(54) must be 1 (buy) or 2 (sell)", tag: FIXTag.side, type: message.msgType))
            ])
        }
        let resent = message[FIXTag.possDupFlag] == "Y"
        if clOrdIDs[clOrdID] != nil || (entering[clOrdID] != nil && !resent) {
            if resent { return }
            return refuse(
                message, sequence: sequence, code: "duplicate_cl_ord_id",
                "ClOrdID(11) \(clOrdID) was used already in this session")
        }
        guard runtime.isReady else {
            return refuse(
                message, sequence: sequence, code: "not_ready", "the router is recovering; send again shortly")
        }
        let request: ParentOrderRequest
        let expiry: Timestamp?
        do throws(FIXOrderRefusal) {
            (request, expiry) = try FIXOrderTranslation(runtime: runtime, now: clock.now()).request(
                message, account: account)
        } catch {
            return refuse(message, sequence: sequence, code: error.code, error.text)
        }
        // Kept before the order is started: a restart still knows the order is this session's.
        do {
            try store.saveOrders([
                FIXOrderRow(
                    session: name, clOrdId: clOrdID, orderId: 0, kind: "entering",
                    expireAt: expiry?.nanosecondsSinceEpoch, at: wall.now().nanosecondsSinceEpoch)
            ])
        } catch {
            return refuse(
                message, sequence: sequence, code: "journal_unavailable", "the order could not be kept: \(error)")
        }
        entering[clOrdID] = .some(expiry)
        do {
            let started = try await orders.start(request)
            if started.replayed {
                // Entered before (a resend after a restart, or the same order by the API): reported as it stands.
                entering[clOrdID] = nil
                adopt(started.parent.id, clOrdID: clOrdID, expiry: expiry)
                sendApplication(statusReport(started.parent, execID: "S-\(session.sequences.epoch)-\(sequence)"))
            }
        } catch {
            entering[clOrdID] = nil
            refuse(message, sequence: sequence, code: error.code, error.description)
        }
    }

    /// An order this session takes as its own under `clOrdID`.
    func adopt(_ id: OrderID, clOrdID: String, expiry: Timestamp?) {
        clOrdIDs[clOrdID] = id
        currentClOrdID[id] = clOrdID
        if let expiry { expiries[id] = expiry }
        unsavedOrders.append(
            FIXOrderRow(
                session: name, clOrdId: clOrdID, orderId: Int64(id.rawValue), kind: "new",
                expireAt: expiry?.nanosecondsSinceEpoch, at: wall.now().nanosecondsSinceEpoch))
    }

    /// A journalled ClOrdID, as the session had it before a restart.
    func restore(_ row: FIXOrderRow) async {
        if row.kind == "entering" {
            entering[row.clOrdId] = .some(row.expireAt.map { Timestamp(nanosecondsSinceEpoch: $0) })
            return
        }
        let id = OrderID(UInt64(row.orderId))
        clOrdIDs[row.clOrdId] = id
        currentClOrdID[id] = row.clOrdId
        if let expireAt = row.expireAt { expiries[id] = Timestamp(nanosecondsSinceEpoch: expireAt) }
    }

    /// The order a cancel, replace or status request names: by OrigClOrdID (or ClOrdID for a
    /// status request), else by OrderID when it is one of this session's.
    func order(named message: FIXMessage, by tag: Int) -> OrderID? {
        if let name = message[tag], let id = clOrdIDs[name] { return id }
        if let text = message[FIXTag.orderID], let raw = UInt64(text), currentClOrdID[OrderID(raw)] != nil {
            return OrderID(raw)
        }
        return nil
    }

    /// The order a cancel (`responseTo` 1) or replace (2) names, when it can be: known, not
    /// final, under a new ClOrdID, and not being cancelled or replaced already; otherwise an
    /// OrderCancelReject saying which, and nil.
    private func target(of message: FIXMessage, responseTo: String, verb: String) async -> (OrderID, ParentOrder)? {
        let clOrdID = message[FIXTag.clOrdID]!
        func reject(_ id: String, _ status: String, _ reason: String, _ text: String) {
            cancelReject(message, responseTo: responseTo, id, status, reason, text)
        }
        guard let id = order(named: message, by: FIXTag.origClOrdID), let parent = await orders.parent(id) else {
            reject("NONE", "8", "1", "unknown order: OrigClOrdID(41) \(message[FIXTag.origClOrdID]!)")
            return nil
        }
        let status = Self.ordStatus(parent)
        if parent.status.isTerminal {
            reject(id.description, status, "0", "too late to \(verb): the order is \(parent.status.rawValue)")
        } else if clOrdIDs[clOrdID] != nil {
            reject(id.description, status, "6", "ClOrdID(11) \(clOrdID) was used already")
        } else if pendingCancel[id] != nil || pendingReplace[id] != nil {
            reject(id.description, status, "3", "a cancel or replace of this order is in progress")
        } else {
            return (id, parent)
        }
        return nil
    }

    /// An OrderCancelReject of `message`, kept and sent.
    private func cancelReject(
        _ message: FIXMessage, responseTo: String, _ id: String, _ status: String, _ reason: String, _ text: String
    ) {
        sendApplication(
            ExecutionReports.cancelReject(
                message, orderID: id, ordStatus: status, responseTo: responseTo, reason: reason, text: text))
    }

    /// OrderCancelRequest (F).
    private func cancel(_ message: FIXMessage, sequence: Int) async {
        guard !missing([FIXTag.clOrdID, FIXTag.origClOrdID], in: message, sequence: sequence),
            let (id, parent) = await target(of: message, responseTo: "1", verb: "cancel")
        else { return }
        let clOrdID = message[FIXTag.clOrdID]!
        func reject(_ id: String, _ status: String, _ reason: String, _ text: String) {
            cancelReject(message, responseTo: "1", id, status, reason, text)
        }
        pendingCancel[id] = clOrdID
        let after = await orders.cancel(id)
        if let after, after.status.isTerminal, after.status != .cancelled, pendingCancel.removeValue(forKey: id) != nil
        {
            reject(
                id.description, Self.ordStatus(after), "0", "too late to cancel: the order is \(after.status.rawValue)")
        } else if after == nil, pendingCancel.removeValue(forKey: id) != nil {
            reject(id.description, Self.ordStatus(parent), "99", "the order is not worked by this instance")
        }
    }

    /// OrderCancelReplaceRequest (G): a resting order's new OrderQty and Price (cancel and replace
    /// at the venues, as `PATCH /v1/orders/{id}`).
    private func replace(_ message: FIXMessage, sequence: Int) async {
        let required = [FIXTag.clOrdID, FIXTag.origClOrdID, FIXTag.orderQty, FIXTag.ordType]
        guard !missing(required, in: message, sequence: sequence) else { return }
        guard let (id, parent) = await target(of: message, responseTo: "2", verb: "replace") else { return }
        let clOrdID = message[FIXTag.clOrdID]!
        let status = Self.ordStatus(parent)
        func reject(_ id: String, _ status: String, _ reason: String, _ text: String) {
            cancelReject(message, responseTo: "2", id, status, reason, text)
        }
        let change: (quantity: Quantity?, limitPrice: Price?)
        do throws(FIXOrderRefusal) {
            change = try FIXOrderTranslation(runtime: runtime, now: clock.now()).amendment(
                message, symbol: parent.symbol)
        } catch {
            return reject(id.description, status, "99", "\(error.code): \(error.text)")
        }
        pendingReplace[id] = clOrdID
        do throws(AmendError) {
            _ = try await orders.amend(id, quantity: change.quantity, limitPrice: change.limitPrice)
        } catch {
            pendingReplace[id] = nil
            let code =
                switch error {
                case .notResting: "order_not_resting"
                case .childStillLive: "amend_failed"
                case .refused(let rejection): rejection.code.rawValue
                case .quantityNotAboveFilled: "quantity_below_filled"
                }
            let now = await orders.parent(id).map(Self.ordStatus) ?? status
            reject(id.description, now, "99", "\(code): \(error.description)")
        }
    }

    /// OrderStatusRequest (H): an execution report (ExecType I) of the order as it is.
    private func status(_ message: FIXMessage, sequence: Int) async {
        guard !missing([FIXTag.clOrdID], in: message, sequence: sequence), let account = entry.account else { return }
        let execID = "S-\(session.sequences.epoch)-\(sequence)"
        guard let id = order(named: message, by: FIXTag.clOrdID), let parent = await orders.parent(id) else {
            var report = ExecutionReports.refusal(
                message, account: account, execID: execID, code: "unknown_order",
                text: "unknown order: ClOrdID(11) \(message[FIXTag.clOrdID]!)", at: clock.now())
            report.set(FIXTag.execType, "I")
            return sendApplication(report)
        }
        sendApplication(statusReport(parent, execID: execID))
    }

    /// An execution report of type I: the order as it stands now.
    func statusReport(_ parent: ParentOrder, execID: String) -> FIXMessage {
        var state = FIXOrderState(
            clOrdID: currentClOrdID[parent.id] ?? parent.clientOrderId ?? parent.id.description,
            orderQuantity: parent.quantity, limitPrice: parent.limitPrice)
        state.cumulative = parent.filledQuantity.rawValue
        if let average = parent.averagePrice {
            state.notional = Int128(average.rawValue) * Int128(state.cumulative)
        }
        return ExecutionReports.report(
            parent, state: state, kind: .init(execType: "I", ordStatus: Self.ordStatus(parent)), execID: execID,
            text: parent.note, expireTime: expiries[parent.id], at: clock.now())
    }

    /// OrdStatus (39) of a parent as it is.
    static func ordStatus(_ parent: ParentOrder) -> String {
        switch parent.status {
        case .working, .resting, .pendingOnboarding, .pendingTransfer:
            parent.filledQuantity.isPositive ? "1" : "0"
        case .filled: "2"
        case .partiallyFilled, .cancelled: "4"
        case .expired: "C"
        case .rejected: "8"
        }
    }

    /// GTD orders past their ExpireTime: cancelled, and reported Expired.
    func expireDue() async {
        let now = clock.now()
        for (id, expiry) in expiries where expiry <= now && !expiring.contains(id) {
            expiring.insert(id)
            let after = await orders.cancel(id)
            if after == nil || (after!.status.isTerminal && after!.status != .cancelled) {
                expiring.remove(id)
                expiries[id] = nil
            }
        }
    }
}
