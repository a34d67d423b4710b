import ATSDomain
import ATSRouter
import ATSSettlement
import ATSVenues

extension APIViews {
    public struct SettlementFailureView: Codable, Hashable, Sendable {
        public var code: String
        public var dsProtocolCode: Int?
        public var reason: String
        public var closeOut: String
    }

    public struct SettlementStepView: Codable, Hashable, Sendable {
        public var status: String
        public var at: String
        public var note: String
    }

    public struct SettlementView: Codable, Hashable, Sendable {
        public var id: String
        public var orderId: String
        public var venue: String
        public var fillId: String
        public var account: String
        public var counterparty: String
        public var symbol: String
        public var side: String
        public var quantity: String
        public var price: String
        public var notional: String
        public var fee: String
        /// What the account pays (negative) or receives, net of the fee.
        public var netCash: String
        public var model: String
        public var cycle: String
        public var status: String
        public var tokenLocation: String
        public var cashAsset: String
        public var cashLocation: String
        public var tradedAt: String
        public var dueAt: String
        public var deadlineAt: String?
        public var settledAt: String?
        public var failure: SettlementFailureView?
        public var transferId: String?
        public var steps: [SettlementStepView]
    }

    public struct HopView: Codable, Hashable, Sendable {
        public var kind: String
        public var from: String
        public var to: String
        public var minutes: Int
        public var fee: String
        public var startedAt: String?
        public var arrivesAt: String?
        public var completedAt: String?
    }

    public struct TransferView: Codable, Hashable, Sendable {
        public var id: String
        public var account: String
        public var symbol: String
        public var quantity: String
        public var from: String
        public var to: String
        /// Where the tokens are now (`transit` while a hop is under way).
        public var location: String
        public var settlementId: String?
        public var reason: String
        public var status: String
        public var hops: [HopView]
        public var createdAt: String
        public var completedAt: String?
        public var failure: String?
    }

    public struct SettlementList: Codable, Hashable, Sendable {
        /// Newest first.
        public var settlements: [SettlementView]
        public var transfers: [TransferView]
        /// Pass as `cursor` for the next page of settlements; absent on the last page.
        public var nextCursor: String?

        public init(settlements: [SettlementView], transfers: [TransferView], nextCursor: String? = nil) {
            self.settlements = settlements
            self.transfers = transfers
            self.nextCursor = nextCursor
        }
    }

    public struct LotView: Codable, Hashable, Sendable {
        public var quantity: String
        public var acquiredOn: String
    }

    public struct LocationBalanceView: Codable, Hashable, Sendable {
        public var location: String
        public var available: String
        public var locked: String
        /// Promised to sell orders still working at venues that settle here.
        public var reservedForOpenSells: String
    }

    public struct SecurityPositionView: Codable, Hashable, Sendable {
        public var symbol: String
        /// Everything held, as the transfer agent's cap table has it.
        public var quantity: String
        public var designatedCustody: String
        public var lots: [LotView]
        public var locations: [LocationBalanceView]
        /// What could be sold now at each venue listing it: free where the venue settles, less open sells.
        public var sellableAt: [String: String]
    }

    public struct CashPositionView: Codable, Hashable, Sendable {
        public var asset: String
        public var location: String
        public var available: String
        public var locked: String
        /// What buy orders still working at venues that settle here may cost.
        public var reservedForOpenBuys: String
    }

    public struct PositionsView: Codable, Hashable, Sendable {
        public var account: String
        public var asOf: String
        public var securities: [SecurityPositionView]
        public var cash: [CashPositionView]
        public var transfersInFlight: [TransferView]
    }

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
            failure: transfer.failure)
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
                let free = book.ledger.balance(holder, .token(security.symbol), at: venue.tokenLocation).available
                sellable[venue.id.rawValue] =
                    Quantity(rawValue: max(0, free - reservedAt(security.symbol, venue.tokenLocation))).description
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
            transfersInFlight: book.transfers.filter { $0.account == account.id && !$0.status.isTerminal }.map(transfer)
        )
    }
}
