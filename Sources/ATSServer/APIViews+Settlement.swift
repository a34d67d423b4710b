import ATSDomain
import ATSRouter
import ATSSettlement
import ATSVenues
import ATSWire

extension APIViews {
    public static func settlement(_ record: SettlementRecord) -> SettlementView {
        SettlementView(
            id: "\(record.id)", orderId: "\(record.orderId)", venue: record.venue.rawValue, fillId: record.fillId,
            account: record.account.rawValue, counterparty: record.counterparty.rawValue,
            symbol: record.symbol.rawValue,
            side: record.side.rawValue, quantity: record.quantity.description, price: record.price.description,
            notional: record.notional.description, fee: record.fee.description, netCash: record.netCash.description,
            model: record.model.rawValue, cycle: record.cycle.rawValue, status: record.status.rawValue,
            tokenLocation: record.tokenLocation.description, cashAsset: record.cashAsset.rawValue,
            cashLocation: record.cashLocation.description,
            tradedAt: record.tradedAt.description, dueAt: record.dueAt.description,
            deadlineAt: record.deadlineAt?.description,
            settledAt: record.settledAt?.description,
            failure: record.failure.map {
                SettlementFailureView(
                    code: $0.code, dsProtocolCode: $0.dsProtocolCode, reason: $0.reason, closeOut: $0.closeOut)
            },
            transferId: record.transferId.map { "\($0)" },
            steps: record.steps.map {
                SettlementStepView(status: $0.status.rawValue, at: $0.at.description, note: $0.note)
            })
    }

    public static func transfer(_ transfer: CustodyTransfer) -> TransferView {
        TransferView(
            id: "\(transfer.id)", account: transfer.account.rawValue, symbol: transfer.symbol.rawValue,
            quantity: transfer.quantity.description,
            from: transfer.from.description, to: transfer.to.description, location: transfer.location.description,
            settlementId: transfer.settlementId.map { "\($0)" }, reason: transfer.reason,
            status: transfer.status.rawValue,
            hops: transfer.hops.map {
                HopView(
                    kind: $0.kind.rawValue, from: $0.from.description, to: $0.to.description, minutes: $0.minutes,
                    fee: $0.fee.description,
                    startedAt: $0.startedAt?.description, arrivesAt: $0.arrivesAt?.description,
                    completedAt: $0.completedAt?.description)
            },
            createdAt: transfer.createdAt.description, completedAt: transfer.completedAt?.description,
            failure: transfer.failure, orderId: transfer.parentOrderId.map { "\($0)" })
    }

    /// A read of settlements as the API shows it: each settlement, then the custody transfers
    /// with it, and the cursor of the next page when there is one.
    public static func settlements(_ selection: SettlementBook.Selection) -> SettlementList {
        let next = selection.more ? selection.settlements.last.map { Page.cursor(after: $0.id) } : nil
        return SettlementList(
            settlements: selection.settlements.map(settlement), transfers: selection.transfers.map(transfer),
            nextCursor: next)
    }

    /// `account`'s positions: each security's lots (cap table) and balances by location with what
    /// is sellable at each venue, its cash, and its transfers under way. `reserved` is what working
    /// orders promise (none when read offline from a journal).
    public static func positions(
        _ book: SettlementBook, account: Account, catalog: VenueCatalog, asOf: Timestamp,
        reserved: [(asset: LedgerAsset, location: CustodyLocation, amount: Int64)] = []
    ) -> PositionsView {
        let holder = Holder(account.id)
        let balances = book.ledger.balances(of: holder)
        func reservedAt(_ asset: LedgerAsset, _ location: CustodyLocation) -> Int64 {
            reserved.filter { $0.asset == asset && $0.location == location }.reduce(0) { $0 + $1.amount }
        }
        func reservedAt(_ symbol: Symbol, _ location: CustodyLocation) -> Int64 { reservedAt(.token(symbol), location) }
        var securities: [SecurityPositionView] = []
        for security in book.configuration.securities {
            let lots = book.capTable.lots(of: holder, in: security.symbol)
            let here = balances.filter { $0.key.asset == .token(security.symbol) }
            guard !lots.isEmpty || !here.isEmpty else { continue }
            var sellable: [String: String] = [:]
            for venue in catalog.venues(listing: security.symbol) {
                let free = book.ledger.balance(
                    holder, .token(security.symbol), at: venue.tokenLocation(security.symbol)
                ).available
                sellable[venue.id.rawValue] =
                    Quantity(rawValue: max(0, free - reservedAt(security.symbol, venue.tokenLocation(security.symbol))))
                    .description
            }
            securities.append(
                SecurityPositionView(
                    symbol: security.symbol.rawValue,
                    quantity: book.capTable.quantity(of: holder, in: security.symbol).description,
                    designatedCustody: account.designatedCustody(of: security).description,
                    lots: lots.map {
                        LotView(quantity: $0.quantity.description, acquiredOn: $0.acquiredOn.description)
                    },
                    locations: here.map {
                        LocationBalanceView(
                            location: $0.key.location.description,
                            available: Quantity(rawValue: $0.balance.available).description,
                            locked: Quantity(rawValue: $0.balance.locked).description,
                            reservedForOpenSells: Quantity(rawValue: reservedAt(security.symbol, $0.key.location))
                                .description)
                    },
                    sellableAt: sellable))
        }
        let cash = balances.compactMap { entry -> CashPositionView? in
            guard case .cash(let asset) = entry.key.asset else { return nil }
            return CashPositionView(
                asset: asset.rawValue, location: entry.key.location.description,
                available: Money(rawValue: entry.balance.available).description,
                locked: Money(rawValue: entry.balance.locked).description,
                reservedForOpenBuys: Money(rawValue: reservedAt(entry.key.asset, entry.key.location)).description)
        }
        return PositionsView(
            account: account.id.rawValue, asOf: asOf.description, securities: securities, cash: cash,
            transfersInFlight: book.transfers.filter { $0.account == account.id && !$0.status.isTerminal }.map(
                transfer),
            buyingPower: buyingPower(book, account: account, catalog: catalog, reserved: reservedAt))
    }

    /// Per venue `account` is onboarded at: free cash in its settlement asset where it settles, less
    /// `reserved` there, and what the other asset of its cash pair adds once converted.
    static func buyingPower(
        _ book: SettlementBook, account: Account, catalog: VenueCatalog,
        reserved reservedAt: (LedgerAsset, CustodyLocation) -> Int64
    ) -> [BuyingPowerView] {
        let holder = Holder(account.id)
        var power: [BuyingPowerView] = []
        for venue in catalog.venues where account.kycStatus(at: venue.id) == .approved {
            func free(_ asset: CashAsset, at location: CustodyLocation) -> Int64 {
                max(
                    0,
                    book.ledger.balance(holder, .cash(asset), at: location).available
                        - reservedAt(.cash(asset), location))
            }
            let (asset, location) = venue.cashLeg
            let spendable = free(asset, at: location)
            var convertible: Int64?
            for pair in venue.conversions ?? [] where pair.converts(asset == pair.base ? pair.quote : pair.base, asset)
            {
                let other = asset == pair.base ? pair.quote : pair.base
                let amount = Money(rawValue: free(other, at: venue.cashLocation(of: other)))
                let received = CashConversion.outcome(amount, from: other, pair: pair, price: pair.price)?.received
                convertible = (convertible ?? 0) + (received?.rawValue ?? 0)
            }
            power.append(
                BuyingPowerView(
                    venue: venue.id.rawValue, asset: asset.rawValue, spendable: Money(rawValue: spendable).description,
                    convertible: convertible.map { Money(rawValue: $0).description },
                    total: Money(rawValue: spendable + (convertible ?? 0)).description))
        }
        return power
    }
}
