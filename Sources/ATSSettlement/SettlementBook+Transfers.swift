import ATSDomain
import ATSVenues

/// Custody transfers: tokens moved between one holder's locations, hop by hop.
extension SettlementBook {
    /// The hops from one location to another (``CustodyTransfer/route(from:to:catalog:settings:)``).
    func route(from: CustodyLocation, to: CustodyLocation) -> [CustodyTransfer.Hop] {
        CustodyTransfer.route(from: from, to: to, catalog: catalog, settings: settings)
    }

    /// Moves tokens an account holds at one location to another (to position them for a sale at
    /// a venue that settles there). Refused when they are not free there or no route exists.
    public mutating func requestTransfer(
        account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation,
        to: CustodyLocation, parentOrderId: Int64? = nil, at now: Timestamp
    ) throws(SettlementError) -> CustodyTransfer {
        guard quantity.isPositive else {
            throw SettlementError(
                code: SettlementFailure.quantityNotPositive.rawValue, field: "quantity",
                message: "quantity must be greater than zero")
        }
        guard from != to else {
            throw SettlementError(
                code: SettlementFailure.sameLocation.rawValue, field: "to", message: "the tokens are already at \(to)")
        }
        guard !route(from: from, to: to).isEmpty, from != .transit, from != .bank else {
            throw SettlementError(
                code: SettlementFailure.noRoute.rawValue, field: "to",
                message: "tokens cannot be moved from \(from) to \(to)")
        }
        let free = Quantity(rawValue: ledger.balance(Holder(account), .token(symbol), at: from).available)
        guard free >= quantity else {
            throw SettlementError(
                code: RejectCode.insufficientHolding.rawValue, field: "quantity",
                message: "\(account) has \(free) \(symbol) free at \(from), not \(quantity)")
        }
        let id = startTransfer(
            account: account, symbol: symbol, quantity: quantity, from: from, to: to, settlementId: nil,
            parentOrderId: parentOrderId,
            reason: parentOrderId.map { "order \($0): position \(symbol) at \(to) to sell there" }
                ?? "requested: position \(symbol) at \(to)", at: now)
        return transferRecords[id]!
    }

    /// The transfers `order` started that are still under way.
    public func openTransfers(of order: Int64) -> [CustodyTransfer] {
        openTransfers.compactMap { transferRecords[$0] }.filter { $0.parentOrderId == order }.sorted { $0.id < $1.id }
    }

    mutating func startTransfer(
        account: AccountID, symbol: Symbol, quantity: Quantity, from: CustodyLocation,
        to: CustodyLocation, settlementId: Int64?, parentOrderId: Int64? = nil, reason: String, at now: Timestamp
    ) -> Int64 {
        let id = lastTransferId + 1
        lastTransferId = id
        transferRecords[id] =
            (CustodyTransfer(
                id: id, account: account, symbol: symbol, quantity: quantity, from: from, to: to,
                settlementId: settlementId, parentOrderId: parentOrderId, reason: reason, status: .pending,
                hops: route(from: from, to: to), currentHop: 0, createdAt: now))
        openTransfers.insert(id)
        startHop(id, at: now)
        return id
    }

    /// Starts the current hop: the fee is paid (in dollars from the account's bank balance) and
    /// the tokens leave for transit.
    mutating func startHop(_ id: Int64, at now: Timestamp) {
        var transfer = transferRecords[id]!
        let holder = Holder(transfer.account)
        var hop = transfer.hops[transfer.currentHop]
        var legs = [
            LedgerEntry(
                at: now, asset: .token(transfer.symbol), amount: transfer.quantity.rawValue,
                from: LedgerAccount(holder, hop.from), to: LedgerAccount(holder, .transit),
                reference: "t\(id):hop\(transfer.currentHop + 1):out")
        ]
        if hop.fee.isPositive {
            legs.append(
                LedgerEntry(
                    at: now, asset: .cash(.usd), amount: hop.fee.rawValue, from: LedgerAccount(holder, .bank),
                    to: LedgerAccount(.bridgeFees, .bank), reference: "t\(id):hop\(transfer.currentHop + 1):fee"))
        }
        if postAll(legs) {
            hop.startedAt = now
            hop.arrivesAt = now.adding(seconds: Int64(hop.minutes) * 60)
            transfer.hops[transfer.currentHop] = hop
            transfer.status = .inFlight
        } else {
            let free = Quantity(rawValue: ledger.balance(holder, .token(transfer.symbol), at: hop.from).available)
            let bank = Money(rawValue: ledger.balance(holder, .cash(.usd), at: .bank).available)
            transfer.status = .failed
            transfer.failure =
                free < transfer.quantity
                ? "\(hop.kind.rawValue) from \(hop.from): only \(free) \(transfer.symbol) free there; the tokens stay at \(hop.from)"
                : "\(hop.kind.rawValue) fee \(hop.fee) USD not payable from the bank balance (\(bank)); the tokens stay at \(hop.from)"
            transfer.completedAt = now
            openTransfers.remove(id)
        }
        transferRecords[id] = transfer
        change.transfers.append(transfer)
    }

    mutating func arrive(_ id: Int64, at now: Timestamp) {
        var transfer = transferRecords[id]!
        let holder = Holder(transfer.account)
        let hop = transfer.hops[transfer.currentHop]
        post(
            LedgerEntry(
                at: now, asset: .token(transfer.symbol), amount: transfer.quantity.rawValue,
                from: LedgerAccount(holder, .transit),
                to: LedgerAccount(holder, hop.to), reference: "t\(id):hop\(transfer.currentHop + 1):in"))
        transfer.hops[transfer.currentHop].completedAt = now
        transfer.currentHop += 1
        if transfer.currentHop == transfer.hops.count {
            transfer.status = .completed
            transfer.completedAt = now
            openTransfers.remove(id)
            transferRecords[id] = transfer
            change.transfers.append(transfer)
        } else {
            transfer.status = .pending
            transferRecords[id] = transfer
            startHop(id, at: now)
        }
    }
}
