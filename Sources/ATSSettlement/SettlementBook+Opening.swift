import ATSDomain
import ATSVenues

/// Opening balances: the ledgers and the cap table opened once, from the configuration.
extension SettlementBook {
    /// Opens the ledgers once, when they are empty: every account's holdings (each lot with its
    /// acquisition date) at its designated custody, its cash, and each venue's counterparties'
    /// inventory of what it lists and of its cash asset. Each issuance is reported to the
    /// transfer agent, so the cap table starts equal to the ledgers.
    public mutating func openLedgers(at now: Timestamp) {
        guard ledger.entryCount == 0 else { return }
        let today = CalendarDate(now)
        for account in configuration.accounts {
            let holder = Holder(account.id)
            for (i, lot) in account.holdings.enumerated() {
                guard let security = configuration.security(lot.symbol), lot.quantity.isPositive else { continue }
                let reference = "genesis:\(account.id):holding\(i)"
                post(
                    LedgerEntry(
                        at: now, asset: .token(lot.symbol), amount: lot.quantity.rawValue, from: nil,
                        to: LedgerAccount(holder, account.designatedCustody(of: security)), reference: reference))
                report(
                    TransferAgentReport(
                        at: now, symbol: lot.symbol, from: nil, to: holder, quantity: lot.quantity,
                        acquiredOn: lot.acquiredOn, reference: reference))
            }
            for (i, cash) in (account.cash ?? []).enumerated() where cash.amount.isPositive {
                post(
                    LedgerEntry(
                        at: now, asset: .cash(cash.asset), amount: cash.amount.rawValue, from: nil,
                        to: LedgerAccount(holder, cash.location), reference: "genesis:\(account.id):cash\(i)"))
            }
        }
        for venue in catalog.venues {
            let street = Holder.counterparty(venue.id)
            for listing in venue.listings where configuration.security(listing.symbol) != nil {
                let reference = "genesis:\(street):\(listing.symbol)"
                post(
                    LedgerEntry(
                        at: now, asset: .token(listing.symbol), amount: settings.counterpartyInventory.rawValue,
                        from: nil,
                        to: LedgerAccount(street, venue.tokenLocation(listing.symbol)), reference: reference))
                report(
                    TransferAgentReport(
                        at: now, symbol: listing.symbol, from: nil, to: street,
                        quantity: settings.counterpartyInventory,
                        acquiredOn: today, reference: reference))
            }
            let cash = venue.cashLeg
            post(
                LedgerEntry(
                    at: now, asset: .cash(cash.asset), amount: settings.counterpartyCash.rawValue, from: nil,
                    to: LedgerAccount(street, cash.location), reference: "genesis:\(street):cash"))
            // The other side of each cash pair the venue converts (INX's USDC/USD): its inventory of that asset.
            for asset in Set((venue.conversions ?? []).flatMap { [$0.base, $0.quote] }).sorted()
            where asset != cash.asset {
                post(
                    LedgerEntry(
                        at: now, asset: .cash(asset), amount: settings.counterpartyCash.rawValue, from: nil,
                        to: LedgerAccount(street, venue.cashLocation(of: asset)),
                        reference: "genesis:\(street):cash:\(asset.rawValue)"))
            }
        }
    }
}
