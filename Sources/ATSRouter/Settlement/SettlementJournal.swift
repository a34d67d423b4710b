import ATSDomain
import ATSSettlement
import ATSStorage
import ATSVenues
import Foundation

/// Settlement's durable side: a ``SettlementChange`` as journal rows (records as JSON, entries and
/// reports as columns), and the book rebuilt from them on start.
enum SettlementJournal {
    struct CorruptRecord: Error, CustomStringConvertible {
        var description: String
    }

    static func rows(_ change: SettlementChange, at now: Timestamp) -> (
        settlements: [SettlementRow], transfers: [CustodyTransferRow],
        entries: [LedgerEntryRow], reports: [CapTableReportRow]
    ) {
        let encoder = JSONEncoder()
        func json<T: Encodable>(_ value: T) -> String {
            (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
        }
        let time = now.nanosecondsSinceEpoch
        return (
            change.settlements.map {
                SettlementRow(
                    id: $0.id, venue: $0.venue.rawValue, fillId: $0.fillId, parentId: Int64($0.orderId),
                    account: $0.account.rawValue,
                    symbol: $0.symbol.rawValue, model: $0.model.rawValue, status: $0.status.rawValue, updatedAt: time,
                    record: json($0))
            },
            change.transfers.map {
                CustodyTransferRow(
                    id: $0.id, account: $0.account.rawValue, symbol: $0.symbol.rawValue, settlementId: $0.settlementId,
                    status: $0.status.rawValue, updatedAt: time, record: json($0))
            },
            change.entries.map {
                LedgerEntryRow(
                    at: $0.at.nanosecondsSinceEpoch, asset: $0.asset.description, amount: $0.amount,
                    fromHolder: $0.from?.holder.rawValue, fromLocation: $0.from?.location.description,
                    fromLocked: $0.from?.locked,
                    toHolder: $0.to.holder.rawValue, toLocation: $0.to.location.description, toLocked: $0.to.locked,
                    reference: $0.reference)
            },
            change.reports.map {
                CapTableReportRow(
                    at: $0.at.nanosecondsSinceEpoch, symbol: $0.symbol.rawValue, fromHolder: $0.from?.rawValue,
                    toHolder: $0.to.rawValue, quantity: $0.quantity.rawValue, acquiredOn: $0.acquiredOn.description,
                    reference: $0.reference)
            }
        )
    }

    /// Adds `change`'s rows to a unit of work.
    static func append(_ change: SettlementChange, to work: inout UnitOfWork, at now: Timestamp) {
        guard !change.isEmpty else { return }
        let rows = rows(change, at: now)
        work.settlements += rows.settlements
        work.transfers += rows.transfers
        work.ledgerEntries += rows.entries
        work.capTableReports += rows.reports
    }

    /// The book as the journal kept it, keeping what `retention` says; nil when the journal holds
    /// no ledger yet. Rows are read one at a time: with ``SettlementBook/Retention/open`` only the
    /// open records stay in memory, however long the journal.
    static func load(
        _ journal: any JournalStore, catalog: VenueCatalog, configuration: RouterConfiguration,
        retention: SettlementBook.Retention = .everything
    ) throws -> SettlementBook? {
        try loadShared(journal, catalog: catalog, configuration: configuration, retention: retention)?.book
    }

    /// ``load(_:catalog:configuration:retention:)`` with the cursor past every row read; with
    /// `accounts`, only their records are kept (an instance sharing the journal holds the accounts
    /// it owns; the ledgers and cap table are everyone's).
    static func loadShared(
        _ journal: any JournalStore, catalog: VenueCatalog, configuration: RouterConfiguration,
        retention: SettlementBook.Retention, keeping accounts: Set<AccountID>? = nil
    ) throws -> (book: SettlementBook, cursor: SettlementCursor)? {
        var book = SettlementBook(catalog: catalog, configuration: configuration, retention: retention)
        var cursor = SettlementCursor()
        let decoder = JSONDecoder()
        var entries = 0
        var reports = 0
        try journal.readSettlement(
            entries: { row in
                entries += 1
                cursor.entries = max(cursor.entries, row.sequence ?? 0)
                try book.replay(try entry(row), number: entries)
            },
            reports: { row in
                reports += 1
                cursor.reports = max(cursor.reports, row.sequence ?? 0)
                try book.replay(try report(row), number: reports)
            },
            settlements: { row in
                cursor.settlements = row.id
                let record = try settlement(row, decoder: decoder)
                if let accounts, !accounts.contains(record.account) {
                    book.noteOthers(lastSettlementId: row.id, lastTransferId: 0)
                } else {
                    try book.restore(record)
                }
            },
            transfers: { row in
                cursor.transfers = row.id
                let transfer = try transfer(row, decoder: decoder)
                if let accounts, !accounts.contains(transfer.account) {
                    book.noteOthers(lastSettlementId: 0, lastTransferId: row.id)
                } else {
                    try book.restore(transfer)
                }
            })
        return entries == 0 ? nil : (book, cursor)
    }

    /// Brings `book` up to what other instances appended (`news`, in the order they committed it).
    static func catchUp(_ book: inout SettlementBook, with news: SettlementNews) throws {
        for row in news.entries { try book.replay(try entry(row), number: Int(row.sequence ?? 0)) }
        for row in news.reports { try book.replay(try report(row), number: Int(row.sequence ?? 0)) }
        book.noteOthers(
            lastSettlementId: news.settlements.map(\.id).max() ?? 0,
            lastTransferId: news.transfers.map(\.id).max() ?? 0)
    }

    static func settlement(_ row: SettlementRow, decoder: JSONDecoder = JSONDecoder()) throws -> SettlementRecord {
        guard let record = try? decoder.decode(SettlementRecord.self, from: Data(row.record.utf8)) else {
            throw CorruptRecord(description: "journal: settlement \(row.id) does not read back")
        }
        return record
    }

    static func transfer(_ row: CustodyTransferRow, decoder: JSONDecoder = JSONDecoder()) throws -> CustodyTransfer {
        guard let transfer = try? decoder.decode(CustodyTransfer.self, from: Data(row.record.utf8)) else {
            throw CorruptRecord(description: "journal: custody transfer \(row.id) does not read back")
        }
        return transfer
    }

    static func entry(_ row: LedgerEntryRow) throws -> LedgerEntry {
        guard let asset = LedgerAsset(row.asset), let to = CustodyLocation(row.toLocation) else {
            throw CorruptRecord(description: "journal: ledger entry \(row.sequence ?? 0) does not read back")
        }
        var from: LedgerAccount?
        if let holder = row.fromHolder {
            guard let location = row.fromLocation.flatMap(CustodyLocation.init) else {
                throw CorruptRecord(description: "journal: ledger entry \(row.sequence ?? 0) does not read back")
            }
            from = LedgerAccount(Holder(rawValue: holder), location, locked: row.fromLocked ?? false)
        }
        return LedgerEntry(
            at: Timestamp(nanosecondsSinceEpoch: row.at), asset: asset, amount: row.amount, from: from,
            to: LedgerAccount(Holder(rawValue: row.toHolder), to, locked: row.toLocked), reference: row.reference)
    }

    static func report(_ row: CapTableReportRow) throws -> TransferAgentReport {
        guard let symbol = try? Symbol(row.symbol), let date = CalendarDate(row.acquiredOn) else {
            throw CorruptRecord(description: "journal: cap table report \(row.sequence ?? 0) does not read back")
        }
        return TransferAgentReport(
            at: Timestamp(nanosecondsSinceEpoch: row.at), symbol: symbol,
            from: row.fromHolder.map(Holder.init(rawValue:)),
            to: Holder(rawValue: row.toHolder), quantity: Quantity(rawValue: row.quantity), acquiredOn: date,
            reference: row.reference)
    }
}
