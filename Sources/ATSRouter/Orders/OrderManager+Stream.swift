import ATSDomain
import ATSOrders
import ATSStorage

/// Where each account's event stream stands: the last sequence used, and without a journal the
/// most recent events (the journal keeps them otherwise).
struct AccountStreams {
    /// The last stream sequence used per account owned here (read from the journal the first
    /// time, and again after the account's lease moved).
    var last: [AccountID: Int] = [:]
    /// Without a journal: each account's most recent events, for a client resuming.
    var history: [AccountID: [StreamRecord]] = [:]
    /// The events kept per account without a journal.
    static let historyLimit = 10_000
}

/// A resume from further back than memory keeps (no journal): the oldest sequence still kept.
public struct StreamTooOld: Error, Sendable, Hashable, CustomStringConvertible {
    public var oldest: Int
    public var description: String { "events before \(oldest) are no longer kept (the router runs without a journal)" }
}

/// Each account's event stream: every order event is numbered in its account's stream before it
/// is journalled, in the same transaction as its order's change, so the stream's order is the
/// journal's and a client resuming after sequence N reads the rest from the journal.
extension OrderManager {
    /// `changes` of `parent` numbered: in its order after its last event, and in its account's
    /// stream after the account's last. Nothing is counted until ``published(_:)``.
    func numbered(_ changes: [OrderEvent.Change], of parent: ParentOrder, at now: Timestamp) throws -> [OrderEvent] {
        var sequence = eventCounts[parent.id, default: 0]
        var stream = try lastStreamSequence(parent.account)
        return changes.map { change in
            sequence += 1
            stream += 1
            return OrderEvent(
                order: parent.id, account: parent.account, sequence: sequence, streamSequence: stream, at: now,
                change: change)
        }
    }

    private func lastStreamSequence(_ account: AccountID) throws -> Int {
        if let last = streams.last[account] { return last }
        let last = try journal.map { Int(try $0.journal.lastStreamSequence(account: account.rawValue)) } ?? 0
        streams.last[account] = last
        return last
    }

    /// `events`, now journalled: counted, kept (without a journal) and handed to ``eventStream``.
    func published(_ events: [OrderEvent]) {
        guard let final = events.last else { return }
        eventCounts[final.order] = final.sequence
        streams.last[final.account] = final.streamSequence
        if journal == nil {
            var kept = streams.history[final.account, default: []]
            kept += events.map(\.record)
            if kept.count > AccountStreams.historyLimit { kept.removeFirst(kept.count - AccountStreams.historyLimit) }
            streams.history[final.account] = kept
        }
        logEvents(events)
        eventStream.publish(events)
    }

    /// `account`'s stream after `sequence`, oldest first, at most `limit`: from the journal (whoever
    /// owns the account), or without one from memory.
    /// - Throws: ``StreamTooOld`` when memory no longer keeps the event after `sequence`; the
    ///   journal's error when it cannot be read.
    public func streamRecords(of account: AccountID, after sequence: Int, limit: Int) throws -> [StreamRecord] {
        guard let journal else {
            let kept = streams.history[account, default: []]
            if let oldest = kept.first?.sequence, oldest > sequence + 1 { throw StreamTooOld(oldest: oldest) }
            return Array(kept.drop { $0.sequence <= sequence }.prefix(limit))
        }
        return try journal.journal.streamEvents(account: account.rawValue, after: Int64(sequence), limit: limit)
            .compactMap(Self.record)
    }

    /// The last sequence in `account`'s stream (0: nothing yet), as the journal has it.
    public func streamPosition(of account: AccountID) throws -> Int {
        guard let journal else { return streams.last[account] ?? 0 }
        return Int(try journal.journal.lastStreamSequence(account: account.rawValue))
    }

    /// A journal row as the stream carries it (nil for a row written without its stream fields).
    static func record(_ row: EventRecord) -> StreamRecord? {
        guard let stream = row.streamSequence, let sequence = row.orderSequence, let payload = row.payload,
            row.parentId >= 0
        else { return nil }
        return StreamRecord(
            sequence: Int(stream), order: OrderID(UInt64(row.parentId)), orderSequence: Int(sequence),
            at: Timestamp(nanosecondsSinceEpoch: row.at), payload: payload)
    }
}
