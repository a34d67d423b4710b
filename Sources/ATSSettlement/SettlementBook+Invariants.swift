import ATSDomain
import ATSVenues

extension SettlementBook {
    /// Rebuilds the book from what the journal kept: entries and reports replayed in order,
    /// records as last written. Throws when the replay disagrees with itself (an entry whose
    /// source lacks the amount, a report whose transferor lacks the quantity).
    public init(
        catalog: VenueCatalog, configuration: RouterConfiguration, retention: Retention = .everything,
        entries: [LedgerEntry],
        reports: [TransferAgentReport], settlements: [SettlementRecord], transfers: [CustodyTransfer]
    ) throws(SettlementError) {
        self.init(catalog: catalog, configuration: configuration, retention: retention)
        for (i, entry) in entries.enumerated() { try replay(entry, number: i + 1) }
        for (i, report) in reports.enumerated() { try replay(report, number: i + 1) }
        for record in settlements { try restore(record) }
        for transfer in transfers { try restore(transfer) }
    }

    /// What must always hold, as messages naming each breach (empty when all hold):
    /// - tokens of each security and each cash asset sum, over every holder and location, to what was issued;
    /// - no balance is negative;
    /// - cash is conserved net of fees: the fee collectors hold exactly the fees of settled trades and started bridge hops;
    /// - the cap table equals the ledgers: each holder's lots sum to its tokens across locations;
    /// - every failed settlement or transfer says why, and a settled one has its ownership reported.
    ///
    /// Records the book no longer holds (``Retention/open``) count through ``retired``, as they
    /// were when they left.
    public func invariantViolations() -> [String] {
        var found: [String] = []
        var totals: [LedgerAsset: Int64] = [:]
        var byHolder: [Symbol: [Holder: Int64]] = [:]
        var feesHeld: Int64 = 0
        for (key, balance) in ledger.balances {
            if balance.available < 0 || balance.locked < 0 {
                found.append("negative balance: \(key.holder) \(key.asset) at \(key.location)")
            }
            totals[key.asset, default: 0] += balance.total
            if case .token(let symbol) = key.asset {
                byHolder[symbol, default: [:]][key.holder, default: 0] += balance.total
            }
            if key.holder.isFeeCollector, case .cash = key.asset { feesHeld += balance.total }
        }
        for asset in Set(totals.keys).union(ledger.issued.keys)
        where totals[asset, default: 0] != ledger.issued[asset, default: 0] {
            found.append(
                "\(asset) not conserved: balances sum to \(totals[asset, default: 0]), issued \(ledger.issued[asset, default: 0])"
            )
        }
        let statistics = statistics()
        let feesCharged = statistics.feesCharged
        if feesHeld != feesCharged {
            found.append(
                "cash not conserved net of fees: fee collectors hold \(Money(rawValue: feesHeld)), fees charged \(Money(rawValue: feesCharged))"
            )
        }
        for (symbol, holders) in capTable.lots {
            for (holder, lots) in holders {
                let onTable = lots.reduce(Int64(0)) { $0 + $1.quantity.rawValue }
                let inLedger = byHolder[symbol]?[holder] ?? 0
                if onTable != inLedger {
                    found.append(
                        "cap table \(symbol) \(holder): \(Quantity(rawValue: onTable)) but the ledgers hold \(Quantity(rawValue: inLedger))"
                    )
                }
            }
        }
        for (symbol, holders) in byHolder {
            for (holder, quantity) in holders where quantity != 0 && capTable.lots(of: holder, in: symbol).isEmpty {
                found.append(
                    "\(holder) holds \(Quantity(rawValue: quantity)) \(symbol) in the ledgers but is not on the cap table"
                )
            }
        }
        found += statistics.unexplainedFailures
        return found
    }
}
