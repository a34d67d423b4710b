import ATSDomain
import ATSFIX
import ATSOrders
import ATSRouter
import ATSStorage
import ATSWire
import Foundation

/// The session's execution reports, made from its accounts' event streams in the journal's
/// order: live events as they are published, and from the journal whatever was missed (a gap, a
/// restart, another instance's events), so every report is made once and in order.
extension FIXSessionHub {
    /// Follows the router's event stream; dropped as a slow subscriber, it subscribes again and
    /// reads what it missed from the journal.
    func follow(_ first: AsyncThrowingStream<OrderEvent, any Error>) async {
        var events = first
        while !Task.isCancelled {
            do {
                for try await event in events { await consume(event) }
                return
            } catch {
                logger.notice(
                    "fix reports fell behind the event stream; reading the journal", metadata: ["error": "\(error)"])
                events = orders.eventStream.subscribe(buffer: 10_000)
                await catchUp()
            }
        }
    }

    private func consume(_ event: OrderEvent) async {
        await serially {
            guard event.streamSequence > 0, let cursor = cursors[event.account] else { return }
            if event.streamSequence <= cursor { return }
            if event.streamSequence > cursor + 1 {
                await catchUpInTurn(event.account)
            } else {
                await process(event.record, account: event.account)
            }
        }
    }

    /// Reads every account's stream past its cursor.
    func catchUp() async {
        for account in accounts { await serially { await catchUpInTurn(account) } }
    }

    /// Runs `body` when no other event is being turned into reports: the live stream and the
    /// journal's catch-up both feed them, and an event's report awaits the order manager, so
    /// without a turn the same event could be reported twice, or two out of order.
    private func serially(_ body: () async -> Void) async {
        while reporting { await withCheckedContinuation { reportingWaiters.append($0) } }
        reporting = true
        await body()
        reporting = false
        if !reportingWaiters.isEmpty { reportingWaiters.removeFirst().resume() }
    }

    private func catchUpInTurn(_ account: AccountID) async {
        while let cursor = cursors[account] {
            let records: [StreamRecord]
            do {
                records = try await orders.streamRecords(of: account, after: cursor, limit: 500)
            } catch {
                logger.error("fix reports could not read the journal", metadata: ["error": "\(error)"])
                return
            }
            for record in records { await process(record, account: account) }
            if records.count < 500 { return }
        }
    }

    /// One event: its report (if it makes one) sent with the cursor moved past it.
    private func process(_ record: StreamRecord, account: AccountID) async {
        guard let cursor = cursors[account], record.sequence > cursor else { return }
        guard let detail = try? JSONDecoder().decode(APIViews.StreamEventDetail.self, from: Data(record.payload.utf8))
        else {
            cursors[account] = record.sequence
            return
        }
        if let report = await report(record, detail) {
            sendApplication(report, cursor: (account, record.sequence))
        } else {
            cursors[account] = record.sequence
        }
    }

    /// The report `record` makes for this session, if any: New on acceptance, Rejected, a Trade per
    /// fill, Replaced on an amend, and Canceled, Expired or Rejected when the order ends.
    private func report(_ record: StreamRecord, _ detail: APIViews.StreamEventDetail) async -> FIXMessage? {
        let reported = ["accepted", "rejected", "fill", "amended", "final"]
        guard reported.contains(detail.event), var state = await state(of: record, detail) else { return nil }
        guard let parent = await orders.parent(record.order) else { return nil }
        let execID = "\(record.order)-\(record.orderSequence)"
        let expiry = expiries[record.order]
        var kind = ExecutionReports.Kind(execType: "0", ordStatus: "0")
        var origClOrdID: String?
        var fill: (quantity: Quantity, price: Price, venue: String)?
        var text: String?
        switch detail.event {
        case "accepted":
            break
        case "rejected":
            kind = .init(execType: "8", ordStatus: "8")
            text = detail.rejection.map { "\($0.code): \($0.message)" } ?? text
        case "fill":
            guard let view = detail.fill, let quantity = try? Quantity(view.quantity),
                let price = try? Price(view.price)
            else { return nil }
            state.add(quantity: quantity, price: price)
            fill = (quantity, price, view.venue)
            kind = .init(execType: "F", ordStatus: state.workingStatus)
            state.reportedFinal = state.workingStatus == "2"
        case "amended":
            if let quantity = detail.quantity.flatMap({ try? Quantity($0) }) { state.orderQuantity = quantity }
            if let limit = detail.limitPrice.flatMap({ try? Price($0) }) { state.limitPrice = limit }
            if let replacing = pendingReplace.removeValue(forKey: record.order) {
                origClOrdID = state.clOrdID
                rename(&state, record.order, to: replacing, kind: "replace")
            }
            kind = .init(execType: "5", ordStatus: state.workingStatus)
        default:
            guard let final = finalKind(record.order, detail, &state, &origClOrdID) else {
                states[record.order] = nil
                return nil
            }
            kind = final
            text =
                detail.rejection.map { "\($0.code): \($0.message)" }
                ?? (kind.execType == "4" && detail.status == "cancelled" ? nil : detail.note)
        }
        // Known until its final event (a Filled report comes before it).
        states[record.order] = detail.event == "final" ? nil : state
        return ExecutionReports.report(
            parent, state: state, kind: kind, execID: execID, origClOrdID: origClOrdID, fill: fill, text: text,
            rejection: kind.execType == "8" ? detail.rejection?.code : nil, expireTime: expiry, at: record.at)
    }

    /// How an order's end is reported (nil: its last fill already said Filled).
    private func finalKind(
        _ id: OrderID, _ detail: APIViews.StreamEventDetail, _ state: inout FIXOrderState, _ origClOrdID: inout String?
    ) -> ExecutionReports.Kind? {
        defer {
            state.reportedFinal = true
            expiries[id] = nil
            pendingReplace[id] = nil
        }
        switch detail.status {
        case "filled":
            return nil  // its last fill's report said Filled
        case "cancelled":
            if expiring.remove(id) != nil { return .init(execType: "C", ordStatus: "C") }
            if let cancelling = pendingCancel.removeValue(forKey: id) {
                origClOrdID = state.clOrdID
                rename(&state, id, to: cancelling, kind: "cancel")
            }
            return .init(execType: "4", ordStatus: "4")
        case "partially_filled": return .init(execType: "4", ordStatus: "4")
        case "expired": return .init(execType: "C", ordStatus: "C")
        case "rejected": return .init(execType: "8", ordStatus: "8")
        default: return nil
        }
    }

    /// The order goes by `clOrdID` from now on (kept with the next message).
    func rename(_ state: inout FIXOrderState, _ id: OrderID, to clOrdID: String, kind: String) {
        state.clOrdID = clOrdID
        clOrdIDs[clOrdID] = id
        currentClOrdID[id] = clOrdID
        unsavedOrders.append(
            FIXOrderRow(
                session: name, clOrdId: clOrdID, orderId: Int64(id.rawValue), kind: kind, expireAt: nil,
                at: wall.now().nanosecondsSinceEpoch))
    }

    /// What the session knows of `record`'s order, made when it first reports on it: a drop copy
    /// reports every order, an order entry session those entered through it.
    private func state(of record: StreamRecord, _ detail: APIViews.StreamEventDetail) async -> FIXOrderState? {
        let id = record.order
        if let known = states[id] { return known }
        guard let parent = await orders.parent(id) else { return nil }
        var clOrdID = currentClOrdID[id]
        if !entry.isDropCopy && clOrdID == nil {
            // Taken as the session's at its first event only: a later event of another order with the
            // same client order id (entered by the API) is not this session's.
            guard detail.event == "accepted" || detail.event == "rejected", let client = parent.clientOrderId,
                let expiry = entering.removeValue(forKey: client)
            else { return nil }
            adopt(id, clOrdID: client, expiry: expiry)
            clOrdID = client
        }
        var state = FIXOrderState(
            clOrdID: clOrdID ?? parent.clientOrderId ?? parent.id.description, orderQuantity: parent.quantity,
            limitPrice: parent.limitPrice)
        if detail.event != "accepted" && detail.event != "rejected" {
            for (quantity, price) in priorFills(id, before: record.sequence) {
                state.add(quantity: quantity, price: price)
            }
        }
        return state
    }

    /// The fills of order `id` before stream sequence `before`, from the journal (without one the
    /// session has seen every event since it started, and knows its orders' fills already).
    private func priorFills(_ id: OrderID, before: Int) -> [(Quantity, Price)] {
        guard let journal = runtime.journal, let rows = try? journal.events(of: Int64(id.rawValue)) else { return [] }
        return rows.compactMap { row in
            guard let stream = row.streamSequence, stream < before, let payload = row.payload,
                let detail = try? JSONDecoder().decode(APIViews.StreamEventDetail.self, from: Data(payload.utf8)),
                detail.event == "fill", let fill = detail.fill, let quantity = try? Quantity(fill.quantity),
                let price = try? Price(fill.price)
            else { return nil }
            return (quantity, price)
        }
    }
}
