import ATSDomain
import ATSVenues

extension Holder {
    /// The issuer of `symbol`: who is paid for new units sold in a primary offering.
    public static func issuer(_ symbol: Symbol) -> Holder { Holder(rawValue: "issuer@\(symbol)") }
}

/// Where a subscription's cash is earmarked and its units are delivered.
public struct SubscriptionLegs: Sendable, Hashable, Codable {
    public var account: AccountID
    public var symbol: Symbol
    public var cash: CashAsset
    /// Where the cash is paid from (the venue's cash leg).
    public var cashLocation: CustodyLocation
    /// Where the issued units are delivered.
    public var tokenLocation: CustodyLocation

    public init(
        account: AccountID, symbol: Symbol, cash: CashAsset, cashLocation: CustodyLocation,
        tokenLocation: CustodyLocation
    ) {
        self.account = account
        self.symbol = symbol
        self.cash = cash
        self.cashLocation = cashLocation
        self.tokenLocation = tokenLocation
    }
}

extension SettlementBook {
    /// Earmarks `amount` of the account's free cash for a subscription (`reference`, say
    /// `u7:reserve`): it stays the account's, but neither orders nor other subscriptions can spend it.
    public mutating func reserveSubscription(
        _ legs: SubscriptionLegs, amount: Money, reference: String, at now: Timestamp
    ) throws(SettlementError) {
        try earmarkCash(legs.account, legs.cash, at: legs.cashLocation, amount: amount, reference: reference, at: now)
    }

    /// Settles an allocation: `paid` of the earmarked cash to the issuer, the `refund` back to the
    /// account's free cash, and `units` newly issued to the account where they are delivered, reported
    /// to the transfer agent as an issuance acquired on `issuedOn` (holding periods start there).
    public mutating func allocateSubscription(
        _ legs: SubscriptionLegs, paid: Money, refund: Money, units: Quantity, issuedOn: CalendarDate,
        reference: String, at now: Timestamp
    ) throws(SettlementError) {
        let holder = Holder(legs.account)
        let locked = LedgerAccount(holder, legs.cashLocation, locked: true)
        var entries: [LedgerEntry] = []
        if paid.isPositive {
            entries.append(
                LedgerEntry(
                    at: now, asset: .cash(legs.cash), amount: paid.rawValue, from: locked,
                    to: LedgerAccount(.issuer(legs.symbol), legs.cashLocation), reference: "\(reference):pay"))
        }
        if refund.isPositive {
            entries.append(
                LedgerEntry(
                    at: now, asset: .cash(legs.cash), amount: refund.rawValue, from: locked,
                    to: LedgerAccount(holder, legs.cashLocation), reference: "\(reference):refund"))
        }
        guard postAll(entries) else {
            throw SettlementError(
                code: "reservation_missing", field: nil,
                message:
                    "\(legs.account)'s earmarked \(legs.cash.rawValue) at \(legs.cashLocation) does not cover \(paid) paid and \(refund) refunded"
            )
        }
        guard units.isPositive else { return }
        post(
            LedgerEntry(
                at: now, asset: .token(legs.symbol), amount: units.rawValue, from: nil,
                to: LedgerAccount(holder, legs.tokenLocation), reference: "\(reference):issue"))
        report(
            TransferAgentReport(
                at: now, symbol: legs.symbol, from: nil, to: holder, quantity: units, acquiredOn: issuedOn,
                reference: "\(reference):issue"))
    }
}

extension SettlementBook {
    /// Earmarks `amount` of the account's free `asset` at `location` (a subscription, a cash
    /// conversion): it stays the account's, but neither orders nor anything else can spend it.
    public mutating func earmarkCash(
        _ account: AccountID, _ asset: CashAsset, at location: CustodyLocation, amount: Money, reference: String,
        at now: Timestamp
    ) throws(SettlementError) {
        let holder = Holder(account)
        let entry = LedgerEntry(
            at: now, asset: .cash(asset), amount: amount.rawValue, from: LedgerAccount(holder, location),
            to: LedgerAccount(holder, location, locked: true), reference: reference)
        guard amount.isPositive, postAll([entry]) else {
            throw SettlementError(
                code: RejectCode.insufficientCash.rawValue, field: "amount",
                message:
                    "\(account) has \(Money(rawValue: ledger.balance(holder, .cash(asset), at: location).available)) \(asset.rawValue) free at \(location), not \(amount)"
            )
        }
    }

    /// Settles a cash conversion at `venue`: the earmarked `amount` of `from` to the venue's
    /// counterparty, and `received` of `to` from it to the account's free balance; or, `received`
    /// nil (the venue refused it), the earmark released.
    public mutating func settleConversion(
        _ account: AccountID, venue: VenueID, from: (asset: CashAsset, location: CustodyLocation), amount: Money,
        to: (asset: CashAsset, location: CustodyLocation), received: Money?, reference: String, at now: Timestamp
    ) throws(SettlementError) {
        let holder = Holder(account)
        let street = Holder.counterparty(venue)
        let locked = LedgerAccount(holder, from.location, locked: true)
        var entries = [
            LedgerEntry(
                at: now, asset: .cash(from.asset), amount: amount.rawValue, from: locked,
                to: received == nil ? LedgerAccount(holder, from.location) : LedgerAccount(street, from.location),
                reference: "\(reference):\(received == nil ? "release" : "pay")")
        ]
        if let received {
            entries.append(
                LedgerEntry(
                    at: now, asset: .cash(to.asset), amount: received.rawValue,
                    from: LedgerAccount(street, to.location),
                    to: LedgerAccount(holder, to.location), reference: "\(reference):receive"))
        }
        guard postAll(entries) else {
            throw SettlementError(
                code: "conversion_unbalanced", field: nil,
                message:
                    "the conversion's earmark or \(venue)'s \(to.asset.rawValue) at \(to.location) does not cover it")
        }
    }
}
