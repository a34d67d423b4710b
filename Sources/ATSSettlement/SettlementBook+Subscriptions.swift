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
        let holder = Holder(legs.account)
        let entry = LedgerEntry(
            at: now, asset: .cash(legs.cash), amount: amount.rawValue, from: LedgerAccount(holder, legs.cashLocation),
            to: LedgerAccount(holder, legs.cashLocation, locked: true), reference: reference)
        guard amount.isPositive, postAll([entry]) else {
            throw SettlementError(
                code: RejectCode.insufficientCash.rawValue, field: "amount",
                message:
                    "\(legs.account) has \(Money(rawValue: ledger.balance(holder, .cash(legs.cash), at: legs.cashLocation).available)) \(legs.cash.rawValue) free at \(legs.cashLocation), not \(amount)"
            )
        }
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
