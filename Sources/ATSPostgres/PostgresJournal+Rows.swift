import ATSStorage
import PostgresNIO

/// The columns each read selects, in the order the decoders below take them.
enum Columns {
    static let parent = """
        id, account, clientOrderId, symbol, side, quantity, limitPrice, timeInForce, strategy, includeVenues,
        excludeVenues, status, note, rejectionCode, rejectionMessage, createdAt, completedAt, cancelRequested,
        allowTransfers
        """
    static let child = """
        clientKey, parentId, venue, quantity, limitPrice, timeInForce, purpose, decision, status, venueOrderId,
        filledQuantity, fees, refusalCode, refusalMessage, failure, createdAt
        """
    static let execution = "venue, fillId, childKey, quantity, price, fee, recordedAt"
    static let event = "sequence, parentId, childKey, kind, detail, at, account, orderSequence, streamSequence, payload"
    static let decision = "parentId, position, attempt, at, evidence"
    static let settlement = "id, venue, fillId, parentId, account, symbol, model, status, updatedAt, record"
    static let transfer = "id, account, symbol, settlementId, status, updatedAt, record"
    static let ledgerEntry = """
        sequence, at, asset, amount, fromHolder, fromLocation, fromLocked, toHolder, toLocation, toLocked, reference
        """
    static let capTableReport = "sequence, at, symbol, fromHolder, toHolder, quantity, acquiredOn, reference"
    static let subscription = """
        id, account, clientSubscriptionId, venue, offeringId, symbol, status, amount, createdAt, updatedAt, record
        """
    static let subscriptionEvent = "sequence, subscriptionId, kind, detail, at"
}

extension PostgresJournal {
    static func parent(_ row: PostgresRow) throws -> ParentRecord {
        let p = try row.decode(
            (
                Int64, String, String?, String, String, Int64, Int64?, String, String, String, String, String, String?,
                String?, String?, Int64, Int64?, Bool, Bool
            ).self)
        return ParentRecord(
            id: p.0, account: p.1, clientOrderId: p.2, symbol: p.3, side: p.4, quantity: p.5, limitPrice: p.6,
            timeInForce: p.7, strategy: p.8, includeVenues: p.9, excludeVenues: p.10, status: p.11, note: p.12,
            rejectionCode: p.13, rejectionMessage: p.14, createdAt: p.15, completedAt: p.16, cancelRequested: p.17,
            allowTransfers: p.18)
    }

    static func child(_ row: PostgresRow) throws -> ChildRecord {
        let c = try row.decode(
            (
                String, Int64, String, Int64, Int64, String, String, Int64, String, String?, Int64, Int64, String?,
                String?, String?, Int64
            ).self)
        return ChildRecord(
            clientKey: c.0, parentId: c.1, venue: c.2, quantity: c.3, limitPrice: c.4, timeInForce: c.5, purpose: c.6,
            decision: c.7, status: c.8, venueOrderId: c.9, filledQuantity: c.10, fees: c.11, refusalCode: c.12,
            refusalMessage: c.13, failure: c.14, createdAt: c.15)
    }

    static func execution(_ row: PostgresRow) throws -> ExecutionRecord {
        let e = try row.decode((String, String, String, Int64, Int64, Int64, Int64).self)
        return ExecutionRecord(
            venue: e.0, fillId: e.1, childKey: e.2, quantity: e.3, price: e.4, fee: e.5, recordedAt: e.6)
    }

    static func event(_ row: PostgresRow) throws -> EventRecord {
        let e = try row.decode((Int64, Int64, String?, String, String, Int64, String?, Int64?, Int64?, String?).self)
        var event = EventRecord(parentId: e.1, childKey: e.2, kind: e.3, detail: e.4, at: e.5)
        event.sequence = e.0
        event.account = e.6
        event.orderSequence = e.7
        event.streamSequence = e.8
        event.payload = e.9
        return event
    }

    static func decision(_ row: PostgresRow) throws -> DecisionRecord {
        let d = try row.decode((Int64, Int64, Int64, Int64, String).self)
        return DecisionRecord(parentId: d.0, position: d.1, attempt: d.2, at: d.3, evidence: d.4)
    }

    static func settlement(_ row: PostgresRow) throws -> SettlementRow {
        let s = try row.decode((Int64, String, String, Int64, String, String, String, String, Int64, String).self)
        return SettlementRow(
            id: s.0, venue: s.1, fillId: s.2, parentId: s.3, account: s.4, symbol: s.5, model: s.6, status: s.7,
            updatedAt: s.8, record: s.9)
    }

    static func subscription(_ row: PostgresRow) throws -> SubscriptionRow {
        let u = try row.decode(
            (Int64, String, String?, String, String, String, String, Int64, Int64, Int64, String).self)
        return SubscriptionRow(
            id: u.0, account: u.1, clientSubscriptionId: u.2, venue: u.3, offeringId: u.4, symbol: u.5, status: u.6,
            amount: u.7, createdAt: u.8, updatedAt: u.9, record: u.10)
    }

    static func subscriptionEvent(_ row: PostgresRow) throws -> SubscriptionEventRow {
        let e = try row.decode((Int64, Int64, String, String, Int64).self)
        var event = SubscriptionEventRow(subscriptionId: e.1, kind: e.2, detail: e.3, at: e.4)
        event.sequence = e.0
        return event
    }

    static func transfer(_ row: PostgresRow) throws -> CustodyTransferRow {
        let t = try row.decode((Int64, String, String, Int64?, String, Int64, String).self)
        return CustodyTransferRow(
            id: t.0, account: t.1, symbol: t.2, settlementId: t.3, status: t.4, updatedAt: t.5, record: t.6)
    }

    static func ledgerEntry(_ row: PostgresRow) throws -> LedgerEntryRow {
        let e = try row.decode(
            (Int64, Int64, String, Int64, String?, String?, Bool?, String, String, Bool, String).self)
        var entry = LedgerEntryRow(
            at: e.1, asset: e.2, amount: e.3, fromHolder: e.4, fromLocation: e.5, fromLocked: e.6, toHolder: e.7,
            toLocation: e.8, toLocked: e.9, reference: e.10)
        entry.sequence = e.0
        return entry
    }

    static func report(_ row: PostgresRow) throws -> CapTableReportRow {
        let r = try row.decode((Int64, Int64, String, String?, String, Int64, String, String).self)
        var report = CapTableReportRow(
            at: r.1, symbol: r.2, fromHolder: r.3, toHolder: r.4, quantity: r.5, acquiredOn: r.6, reference: r.7)
        report.sequence = r.0
        return report
    }
}
