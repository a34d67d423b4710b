import ATSDomain
import ATSFIX
import ATSStorage
import Synchronization

/// Where a FIX session keeps what a restart resumes from: its sequence numbers, the application
/// messages it sent (for resends), where it stands in each account's event stream, and its
/// ClOrdIDs — in the journal (`fix_session`, `fix_message`, `fix_order`), or without one in memory.
final class FIXSessionStore: Sendable {
    let name: String
    private let journal: (any JournalStore)?
    private let memory = Mutex(Memory())

    private struct Memory {
        var row: FIXSessionRow?
        var messages: [Int64: [Int64: FIXMessageRow]] = [:]
        var orders: [FIXOrderRow] = []
    }

    /// Messages kept per epoch without a journal.
    static let memoryLimit = 20_000

    init(name: String, journal: (any JournalStore)?) {
        self.name = name
        self.journal = journal
    }

    /// The session as last saved: its sequences and stream cursors (nil: never saved), and its ClOrdIDs.
    func load() throws -> (sequences: FIXSequences, cursors: [AccountID: Int], saved: Bool, orders: [FIXOrderRow]) {
        let row = try journal.map { try $0.fixSession(name) } ?? memory.withLock { $0.row }
        let orders = try journal.map { try $0.fixOrders(session: name) } ?? memory.withLock { $0.orders }
        guard let row else { return (FIXSequences(), [:], false, orders) }
        return (
            FIXSequences(epoch: row.epoch, nextSender: Int(row.nextSender), nextTarget: Int(row.nextTarget)),
            Self.cursors(row.cursors), true, orders
        )
    }

    /// Saves the sequences and cursors with `messages` and `orders`, in one transaction.
    func save(
        _ sequences: FIXSequences, cursors: [AccountID: Int], messages: [FIXMessageRow] = [],
        orders: [FIXOrderRow] = [],
        at now: Timestamp
    ) throws {
        let row = FIXSessionRow(
            session: name, epoch: sequences.epoch, nextSender: Int64(sequences.nextSender),
            nextTarget: Int64(sequences.nextTarget), cursors: Self.text(cursors), updatedAt: now.nanosecondsSinceEpoch)
        guard let journal else {
            memory.withLock { memory in
                memory.row = row
                for message in messages { memory.messages[message.epoch, default: [:]][message.sequence] = message }
                if let kept = memory.messages[sequences.epoch], kept.count > Self.memoryLimit {
                    for key in kept.keys.sorted().prefix(kept.count - Self.memoryLimit) {
                        memory.messages[sequences.epoch]?[key] = nil
                    }
                }
                memory.orders = Self.merged(memory.orders, orders)
            }
            return
        }
        var work = UnitOfWork()
        work.fixSessions = [row]
        work.fixMessages = messages
        work.fixOrders = orders
        try journal.commit(work)
    }

    /// Saves ClOrdID rows alone (the sequence numbers as they were last saved).
    func saveOrders(_ orders: [FIXOrderRow]) throws {
        guard let journal else {
            memory.withLock { memory in
                memory.orders = Self.merged(memory.orders, orders)
            }
            return
        }
        var work = UnitOfWork()
        work.fixOrders = orders
        try journal.commit(work)
    }

    /// The application messages sent in `epoch` numbered `from` through `through`.
    func messages(epoch: Int64, from: Int, through: Int) throws -> [FIXMessageRow] {
        if let journal {
            return try journal.fixMessages(session: name, epoch: epoch, from: Int64(from), through: Int64(through))
        }
        return memory.withLock { memory in
            (from...max(from, through)).compactMap { memory.messages[epoch]?[Int64($0)] }
        }
    }

    /// `kept` with `new` added as the journal adds them: a ClOrdID is written once, except that an
    /// `entering` row becomes the order it entered.
    static func merged(_ kept: [FIXOrderRow], _ new: [FIXOrderRow]) -> [FIXOrderRow] {
        var rows = kept
        for row in new {
            if let index = rows.firstIndex(where: { $0.clOrdId == row.clOrdId }) {
                if rows[index].kind == "entering" {
                    rows[index] = FIXOrderRow(
                        session: row.session, clOrdId: row.clOrdId, orderId: row.orderId, kind: row.kind,
                        expireAt: row.expireAt, at: rows[index].at)
                }
            } else {
                rows.append(row)
            }
        }
        return rows
    }

    static func cursors(_ text: String) -> [AccountID: Int] {
        var cursors: [AccountID: Int] = [:]
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let account = try? AccountID(String(parts[0])), let value = Int(parts[1]) else {
                continue
            }
            cursors[account] = value
        }
        return cursors
    }

    static func text(_ cursors: [AccountID: Int]) -> String {
        cursors.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(
            separator: " ")
    }

    /// A stored body as the message it was.
    static func message(_ row: FIXMessageRow) -> FIXMessage? {
        (try? FIXCodec.fields(Array(row.body.utf8)[...])).map { FIXMessage(fields: $0) }
    }

    /// A message as stored: its fields, SOH-separated, without the frame.
    static func body(_ message: FIXMessage) -> String {
        message.fields.map { "\($0.tag)=\($0.value)\u{01}" }.joined()
    }
}
