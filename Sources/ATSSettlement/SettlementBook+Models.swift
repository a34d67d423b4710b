import ATSDomain
import ATSVenues

/// The settlement of one execution under its venue's model: instructed, then settled or failed.
extension SettlementBook {
    /// Creates the settlement of one execution (nothing if it already has one) and instructs it;
    /// a T+0 trade (atomic DvP, custodial book entry) settles at once.
    public mutating func record(_ execution: TradeExecution) {
        guard byExecution[execution.key] == nil, let venue = catalog.venue(execution.venue) else { return }
        let id = lastSettlementId + 1
        let notional =
            (try? Money.notional(price: execution.price, quantity: execution.quantity, rounding: .halfEven)) ?? .zero
        let cash = venue.cashLeg
        let position: Int
        if let index = execution.fillIndex {
            position = index
        } else {
            position = fillsPerChild[execution.childKey, default: 0]
            fillsPerChild[execution.childKey] = position + 1
        }
        var record = SettlementRecord(
            id: id, venue: venue.id, fillId: execution.fillId, orderId: execution.orderId, childKey: execution.childKey,
            account: execution.account, counterparty: .counterparty(venue.id), symbol: execution.symbol,
            side: execution.side,
            quantity: execution.quantity, price: execution.price, notional: notional, fee: execution.fee,
            model: venue.settlement.model, cycle: venue.settlement.cycle,
            tokenLocation: venue.tokenLocation(execution.symbol),
            cashAsset: cash.asset, cashLocation: cash.location, status: .pending, tradedAt: execution.at,
            dueAt: execution.at,
            simulationKey:
                "\(venue.id)/o\(execution.orderId)/p\(execution.orderId)-c\(execution.childNumber)/\(position)",
            steps: [
                .init(
                    status: .pending, at: execution.at,
                    note:
                        "\(execution.side.rawValue) \(execution.quantity) \(execution.symbol) @ \(execution.price) at \(venue.id) (fill \(execution.fillId))"
                )
            ])
        switch (venue.settlement.model, venue.settlement.cycle) {
        case (.fourStep, _):
            record.deadlineAt = execution.at.adding(seconds: Int64(venue.settlement.deadlineHours ?? 24) * 3_600)
            record.dueAt = record.deadlineAt!
        case (_, .t1):
            record.dueAt = Self.nextBusinessDay(after: execution.at)
        default:
            break
        }
        records[id] = record
        lastSettlementId = id
        byExecution[execution.key] = id
        openSettlements.insert(id)
        instruct(id, at: execution.at)
        if records[id]!.status == .instructed, let time = settleTime(records[id]!), time <= execution.at {
            settle(id, at: execution.at)
        }
        touch(id)
    }

    /// Earmarks both legs: the buyer's cash and the seller's tokens (the account's, and the
    /// counterparty's on the other leg). A leg that is not there fails the settlement at once.
    mutating func instruct(_ id: Int64, at now: Timestamp) {
        var record = records[id]!
        let account = Holder(record.account)
        let token = LedgerAsset.token(record.symbol)
        let cash = LedgerAsset.cash(record.cashAsset)
        let gross = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let (payer, deliverer) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        let payment = LedgerEntry(
            at: now, asset: cash, amount: gross, from: LedgerAccount(payer, record.cashLocation),
            to: LedgerAccount(payer, record.cashLocation, locked: true), reference: "s\(id):lock-cash")
        let delivery = LedgerEntry(
            at: now, asset: token, amount: record.quantity.rawValue,
            from: LedgerAccount(deliverer, record.tokenLocation),
            to: LedgerAccount(deliverer, record.tokenLocation, locked: true), reference: "s\(id):lock-tokens")
        if !ledger.canApply(payment) {
            let has = Money(rawValue: ledger.balance(payer, cash, at: record.cashLocation).available)
            if payer == account {
                fail(
                    &record, code: SettlementFailure.insufficientCash.rawValue, ds: nil, at: now,
                    reason:
                        "\(record.account) has \(has) \(record.cashAsset.rawValue) free at \(record.cashLocation); the trade needs \(Money(rawValue: gross))",
                    closeOut: closeOut(record, instructed: false))
            } else {
                fail(
                    &record, code: SettlementFailure.counterpartyFail.rawValue, ds: nil, at: now,
                    reason:
                        "the counterparty at \(record.venue) cannot fund \(Money(rawValue: gross)) \(record.cashAsset.rawValue)",
                    closeOut: closeOut(record, instructed: false))
            }
        } else if !ledger.canApply(delivery) {
            let has = Quantity(rawValue: ledger.balance(deliverer, token, at: record.tokenLocation).available)
            if deliverer == account {
                let total = capTable.quantity(of: account, in: record.symbol)
                fail(
                    &record, code: RejectCode.insufficientHolding.rawValue, ds: 15, at: now,
                    reason:
                        "\(record.account) has \(has) \(record.symbol) free at \(record.tokenLocation) (\(total) in all); the trade delivers \(record.quantity) (DS 15)",
                    closeOut: closeOut(record, instructed: false))
            } else {
                fail(
                    &record, code: SettlementFailure.counterpartyFail.rawValue, ds: nil, at: now,
                    reason:
                        "the counterparty at \(record.venue) has \(has) \(record.symbol) to deliver, not \(record.quantity)",
                    closeOut: closeOut(record, instructed: false))
            }
        } else {
            post(payment)
            post(delivery)
            record.status = .instructed
            let note: String
            switch (record.model, record.cycle) {
            case (.fourStep, _):
                note =
                    "the venue notified both parties; they settle bilaterally (\(record.cashAsset.rawValue) by wire, tokens wallet to wallet) by the deadline \(record.deadlineAt!)"
            case (_, .t1):
                note = "instructed for settlement on the next business day, \(record.dueAt)"
            case (.threeStep, _):
                note =
                    "the match triggered the standing settlement instructions: \(record.cashAsset.rawValue) escrowed at \(record.cashLocation), tokens approved for delivery at \(record.tokenLocation)"
            case (.custodialBookEntry, _):
                note = "book-entry transfer instructed at the \(record.venue) custodian"
            }
            record.steps.append(.init(status: .instructed, at: now, note: note))
        }
        records[id] = record
        if record.status.isTerminal { openSettlements.remove(id) }
    }

    /// When an instructed settlement's legs move: its due time, or for four-step the time the
    /// simulated parties settle (nil when they never do; it then fails at the deadline).
    func settleTime(_ record: SettlementRecord) -> Timestamp? {
        guard record.model == .fourStep else { return record.dueAt }
        let outcome = fourStepOutcome(record)
        return outcome.fails ? nil : record.tradedAt.adding(seconds: Int64(outcome.minutes) * 60)
    }

    /// The simulated bilateral settlement of a four-step trade: after how many minutes the
    /// parties settle, or whether the counterparty never does. A function of the seed and the
    /// execution, so a restart replays the same outcome.
    func fourStepOutcome(_ record: SettlementRecord) -> (minutes: Int, fails: Bool) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in record.simulationKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var random = SplitMix64(seed: settings.seed ^ hash)
        let span = settings.fourStepMaximumMinutes - settings.fourStepMinimumMinutes + 1
        let minutes = settings.fourStepMinimumMinutes + random.below(span)
        return (minutes, random.below(10_000) < settings.fourStepFailuresPer10000)
    }

    /// Moves both legs at once, after checking the token's transfer rules again (DS Protocol's
    /// `preTransferCheck` at the moment of transfer); reports the change of ownership to the
    /// transfer agent; sends a buy's tokens on to the account's designated custody.
    mutating func settle(_ id: Int64, at now: Timestamp) {
        var record = records[id]!
        guard record.status == .instructed else { return }
        let account = Holder(record.account)
        if let hit = sanctioned[record.account] {
            release(record, at: now)
            fail(
                &record, code: "sanctions_match", ds: nil, at: now,
                reason: "screening at settlement: \(hit); nothing is delivered to or from a sanctioned party",
                closeOut: closeOut(record, instructed: true))
            records[id] = record
            openSettlements.remove(id)
            return
        }
        if let investor = configuration.account(record.account), let security = configuration.security(record.symbol),
            let refusal = rules.transferViolations(
                side: record.side, quantity: record.quantity, account: accountView(investor),
                security: security, at: now, holders: capTable.accountHolders(of: record.symbol),
                stopAtFirst: true
            ).first
        {
            release(record, at: now)
            fail(
                &record, code: refusal.code.rawValue, ds: refusal.code.dsProtocolCode, at: now,
                reason: "the token's transfer check at settlement refused it: \(refusal.message)",
                closeOut: closeOut(record, instructed: true))
            records[id] = record
            openSettlements.remove(id)
            return
        }
        let token = LedgerAsset.token(record.symbol)
        let cash = LedgerAsset.cash(record.cashAsset)
        let (buyer, seller) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        let buyerPays = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let fee = record.fee.rawValue
        var legs = [
            LedgerEntry(
                at: now, asset: token, amount: record.quantity.rawValue,
                from: LedgerAccount(seller, record.tokenLocation, locked: true),
                to: LedgerAccount(buyer, record.tokenLocation), reference: "s\(id):deliver"),
            LedgerEntry(
                at: now, asset: cash, amount: buyerPays - fee,
                from: LedgerAccount(buyer, record.cashLocation, locked: true),
                to: LedgerAccount(seller, record.cashLocation), reference: "s\(id):pay"),
        ]
        if fee > 0 {
            legs.append(
                LedgerEntry(
                    at: now, asset: cash, amount: fee, from: LedgerAccount(buyer, record.cashLocation, locked: true),
                    to: LedgerAccount(.fees(record.venue), record.cashLocation), reference: "s\(id):fee"))
        }
        let transfer = TransferAgentReport(
            at: now, symbol: record.symbol, from: seller, to: buyer, quantity: record.quantity,
            acquiredOn: CalendarDate(now), reference: "s\(id)")
        guard postAll(legs), capTable.canRecord(transfer) else {
            release(record, at: now)
            fail(
                &record, code: SettlementFailure.ledgerInconsistent.rawValue, ds: nil, at: now,
                reason: "the earmarked legs were not found in the ledgers", closeOut: closeOut(record, instructed: true)
            )
            records[id] = record
            openSettlements.remove(id)
            return
        }
        report(transfer)
        record.status = .settled
        record.settledAt = now
        let how: String
        switch record.model {
        case .threeStep:
            how =
                "atomic DvP: \(record.quantity) \(record.symbol) and \(Money(rawValue: buyerPays)) \(record.cashAsset.rawValue) moved together"
        case .custodialBookEntry: how = "book entry at the \(record.venue) custodian"
        case .fourStep: how = "the parties settled bilaterally"
        }
        record.steps.append(
            .init(
                status: .settled, at: now,
                note: "\(how); reported to the transfer agent (acquired \(CalendarDate(now)))"))
        records[id] = record
        openSettlements.remove(id)
        if record.side == .buy, let investor = configuration.account(record.account),
            let security = configuration.security(record.symbol)
        {
            let destination = investor.designatedCustody(of: security)
            if destination != record.tokenLocation {
                let transferId = startTransfer(
                    account: record.account, symbol: record.symbol, quantity: record.quantity,
                    from: record.tokenLocation, to: destination, settlementId: id,
                    reason: "consolidate settlement \(id) into \(record.account)'s designated custody", at: now)
                records[id]!.transferId = transferId
            }
        }
    }

    /// Releases both legs' earmarks.
    mutating func release(_ record: SettlementRecord, at now: Timestamp) {
        let account = Holder(record.account)
        let gross = record.notional.rawValue + (record.side == .buy ? record.fee.rawValue : 0)
        let (payer, deliverer) = record.side == .buy ? (account, record.counterparty) : (record.counterparty, account)
        post(
            LedgerEntry(
                at: now, asset: .cash(record.cashAsset), amount: gross,
                from: LedgerAccount(payer, record.cashLocation, locked: true),
                to: LedgerAccount(payer, record.cashLocation), reference: "s\(record.id):release-cash"))
        post(
            LedgerEntry(
                at: now, asset: .token(record.symbol), amount: record.quantity.rawValue,
                from: LedgerAccount(deliverer, record.tokenLocation, locked: true),
                to: LedgerAccount(deliverer, record.tokenLocation), reference: "s\(record.id):release-tokens"))
    }

    mutating func fail(
        _ record: inout SettlementRecord, code: String, ds: Int?, at now: Timestamp, reason: String, closeOut: String
    ) {
        record.status = .failed
        record.failure = .init(code: code, dsProtocolCode: ds, reason: reason, closeOut: closeOut)
        record.steps.append(.init(status: .failed, at: now, note: "\(code): \(reason)"))
    }

    func closeOut(_ record: SettlementRecord, instructed: Bool) -> String {
        let nothing = instructed ? "earmarks released, neither leg moved" : "nothing was earmarked or moved"
        switch record.model {
        case .threeStep:
            return
                "the atomic DvP did not execute (\(nothing)); the trade is broken with the counterparty at \(record.venue) and reported as a fail"
        case .custodialBookEntry:
            return
                "the custodian did not book the transfer (\(nothing)); the trade is cancelled at \(record.venue) and reported as a fail"
        case .fourStep:
            return
                "closed out: \(record.venue) cancels the trade after its deadline (\(nothing)); the fail is reported to both parties"
        }
    }
}
