import ATSDomain
import ATSVenues

/// Restoring the book from what the journal kept.
extension SettlementBook {
    /// Replays one ledger entry the journal kept (the `number`th, from 1, for the error).
    public mutating func replay(_ entry: LedgerEntry, number: Int) throws(SettlementError) {
        guard ledger.apply(entry) else {
            throw SettlementError(
                code: SettlementFailure.journalInconsistent.rawValue, field: nil,
                message: "ledger entry \(number) (\(entry.reference)) does not apply")
        }
    }

    /// Replays one transfer-agent report the journal kept.
    public mutating func replay(_ report: TransferAgentReport, number: Int) throws(SettlementError) {
        guard capTable.record(report) else {
            throw SettlementError(
                code: SettlementFailure.journalInconsistent.rawValue, field: nil,
                message: "transfer-agent report \(number) (\(report.reference)) does not apply")
        }
    }

    /// Takes back a settlement as the journal last wrote it; the journal's come in id order, 1, 2, 3, ….
    /// A final one only counts in ``retired`` when the book keeps only open work.
    public mutating func restore(_ record: SettlementRecord) throws(SettlementError) {
        guard record.id == lastSettlementId + 1 else {
            throw SettlementError(
                code: SettlementFailure.journalInconsistent.rawValue, field: nil,
                message: "settlement ids are not contiguous at \(record.id)")
        }
        lastSettlementId = record.id
        if retention == .everything { fillsPerChild[record.childKey, default: 0] += 1 }
        if retention == .open && record.status.isTerminal {
            retired.count(record)
            return
        }
        records[record.id] = record
        byExecution[record.executionKey] = record.id
        if !record.status.isTerminal { openSettlements.insert(record.id) }
    }

    /// Takes back a custody transfer as the journal last wrote it, in id order.
    public mutating func restore(_ transfer: CustodyTransfer) throws(SettlementError) {
        guard transfer.id == lastTransferId + 1 else {
            throw SettlementError(
                code: SettlementFailure.journalInconsistent.rawValue, field: nil,
                message: "transfer ids are not contiguous at \(transfer.id)")
        }
        lastTransferId = transfer.id
        if retention == .open && transfer.status.isTerminal {
            retired.count(transfer)
            return
        }
        transferRecords[transfer.id] = transfer
        if !transfer.status.isTerminal { openTransfers.insert(transfer.id) }
    }
}

/// Sharing the journal with other router instances: each instance's book holds the open records of
/// the accounts it owns; the ledgers and the cap table are everyone's.
extension SettlementBook {
    /// Another instance made settlements and transfers up to these ids: they are taken, and none of
    /// them is kept here (its account is not this instance's).
    public mutating func noteOthers(lastSettlementId: Int64, lastTransferId: Int64) {
        self.lastSettlementId = max(self.lastSettlementId, lastSettlementId)
        self.lastTransferId = max(self.lastTransferId, lastTransferId)
    }

    /// Takes over an open settlement of an account this instance now owns, as the journal last
    /// wrote it (a final one is left in the journal).
    public mutating func adopt(_ record: SettlementRecord) {
        guard !record.status.isTerminal else { return }
        lastSettlementId = max(lastSettlementId, record.id)
        records[record.id] = record
        byExecution[record.executionKey] = record.id
        openSettlements.insert(record.id)
    }

    /// Takes over an open custody transfer of an account this instance now owns.
    public mutating func adopt(_ transfer: CustodyTransfer) {
        guard !transfer.status.isTerminal else { return }
        lastTransferId = max(lastTransferId, transfer.id)
        transferRecords[transfer.id] = transfer
        openTransfers.insert(transfer.id)
    }

    /// Lets go of the records of accounts another instance owns now; their journal rows stand.
    public mutating func forget(accounts: Set<AccountID>) {
        for record in records.values where accounts.contains(record.account) {
            records[record.id] = nil
            byExecution[record.executionKey] = nil
            openSettlements.remove(record.id)
        }
        for transfer in transferRecords.values where accounts.contains(transfer.account) {
            transferRecords[transfer.id] = nil
            openTransfers.remove(transfer.id)
        }
    }

    /// The accounts with a settlement or custody transfer under way.
    public var accountsWithOpenWork: Set<AccountID> {
        Set(records.values.filter { !$0.status.isTerminal }.map(\.account))
            .union(transferRecords.values.filter { !$0.status.isTerminal }.map(\.account))
    }
}
