import ATSDomain
import ATSOrders
import ATSStorage

/// Instances sharing the journal: each works the orders of the accounts whose leases it holds
/// (``AccountLeases``), takes over an account from the journal when it gains its lease, and lets
/// go of one another instance took.
extension OrderManager {
    /// Whether this instance works `account`'s orders: always, unless instances share the journal
    /// and another holds its lease.
    nonisolated func owns(_ account: AccountID) -> Bool {
        leases.map { $0.fence(for: account.rawValue) != nil } ?? true
    }

    /// Whether this instance takes new orders for `account`: it owns it and has taken it over.
    nonisolated func serves(_ account: AccountID) -> Bool {
        leases.map { $0.serves(account.rawValue) } ?? true
    }

    /// Takes over `accounts` (their leases just gained): each one's open parents read from the
    /// journal, their children asked about at their venues, then carried on — the recovery a
    /// restart does, for these accounts only. Their settlements are the desk's to adopt first.
    public func adopt(_ accounts: Set<AccountID>) async throws -> RecoveryReport {
        guard let journal, !accounts.isEmpty else { return RecoveryReport() }
        try context.settlement.adopt(accounts)
        // Another instance may have written their streams meanwhile: read where they stand anew.
        for account in accounts { streams.last[account] = nil }
        var adopted: [OrderID] = []
        for account in accounts.sorted(by: { $0.rawValue < $1.rawValue }) {
            var before: Int64?
            while true {
                let page = try journal.parents(ParentQuery(account: account.rawValue, before: before, limit: 500))
                guard let last = page.last else { break }
                for parent in page where parents[parent.id] == nil && !parent.isDone {
                    try keepOpen(parent)
                    adopted.append(parent.id)
                }
                before = Int64(last.id.rawValue)
            }
        }
        var report = RecoveryReport()
        report.loaded = adopted.count
        for id in adopted.sorted() {
            report.open += 1
            let (asked, unreachable) = await reconcileChildren(id)
            report.childrenReconciled += asked
            report.childrenUnreachable += unreachable
            if unreachable > 0 {
                unreconciled.insert(id)
            } else {
                resume(id)
                report.resumed += 1
            }
        }
        leases?.adopted(Set(accounts.map(\.rawValue)))
        return report
    }

    /// Lets go of `accounts`, now another instance's: their parents leave memory (the journal has
    /// them; their new owner carries them on), and routing still running for them writes nothing.
    public func forget(_ accounts: Set<AccountID>) {
        for (id, parent) in parents where accounts.contains(parent.account) { abandon(id) }
        for account in accounts { streams.last[account] = nil }
        context.settlement.forget(accounts)
    }

    /// Lets go of one parent whose account another instance owns now: routing still running for
    /// it finds it gone and stops (the new owner reconciles its children from the journal).
    func abandon(_ id: OrderID) {
        if let account = parents[id]?.account { streams.last[account] = nil }
        parents[id] = nil
        eventCounts[id] = nil
        unreconciled.remove(id)
        changeWaiters.resumeAll(id)
    }

    /// The accounts with an order this instance is working, resting or reconciling.
    public func busyAccounts() -> Set<AccountID> {
        Set(parents.values.filter { !$0.isDone }.map(\.account))
    }
}

extension ParentOrder {
    /// Final, with every child final: nothing left to follow.
    var isDone: Bool { status.isTerminal && children.allSatisfy(\.isTerminal) }
}
