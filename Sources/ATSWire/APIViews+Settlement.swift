extension APIViews {
    public struct SettlementFailureView: Codable, Hashable, Sendable {
        public var code: String
        public var dsProtocolCode: Int?
        public var reason: String
        public var closeOut: String

        public init(code: String, dsProtocolCode: Int? = nil, reason: String, closeOut: String) {
            self.code = code
            self.dsProtocolCode = dsProtocolCode
            self.reason = reason
            self.closeOut = closeOut
        }
    }

    public struct SettlementStepView: Codable, Hashable, Sendable {
        public var status: String
        public var at: String
        public var note: String

        public init(status: String, at: String, note: String) {
            self.status = status
            self.at = at
            self.note = note
        }
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

        public init(
            id: String, orderId: String, venue: String, fillId: String, account: String, counterparty: String,
            symbol: String, side: String, quantity: String, price: String, notional: String, fee: String,
            netCash: String, model: String, cycle: String, status: String, tokenLocation: String, cashAsset: String,
            cashLocation: String, tradedAt: String, dueAt: String, deadlineAt: String? = nil, settledAt: String? = nil,
            failure: SettlementFailureView? = nil, transferId: String? = nil, steps: [SettlementStepView]
        ) {
            self.id = id
            self.orderId = orderId
            self.venue = venue
            self.fillId = fillId
            self.account = account
            self.counterparty = counterparty
            self.symbol = symbol
            self.side = side
            self.quantity = quantity
            self.price = price
            self.notional = notional
            self.fee = fee
            self.netCash = netCash
            self.model = model
            self.cycle = cycle
            self.status = status
            self.tokenLocation = tokenLocation
            self.cashAsset = cashAsset
            self.cashLocation = cashLocation
            self.tradedAt = tradedAt
            self.dueAt = dueAt
            self.deadlineAt = deadlineAt
            self.settledAt = settledAt
            self.failure = failure
            self.transferId = transferId
            self.steps = steps
        }
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

        public init(
            kind: String, from: String, to: String, minutes: Int, fee: String, startedAt: String? = nil,
            arrivesAt: String? = nil, completedAt: String? = nil
        ) {
            self.kind = kind
            self.from = from
            self.to = to
            self.minutes = minutes
            self.fee = fee
            self.startedAt = startedAt
            self.arrivesAt = arrivesAt
            self.completedAt = completedAt
        }
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
        /// The order that moves them to sell them (an order with `allowTransfers`).
        public var orderId: String?
        public var reason: String
        public var status: String
        public var hops: [HopView]
        public var createdAt: String
        public var completedAt: String?
        public var failure: String?

        public init(
            id: String, account: String, symbol: String, quantity: String, from: String, to: String, location: String,
            settlementId: String? = nil, reason: String, status: String, hops: [HopView], createdAt: String,
            completedAt: String? = nil, failure: String? = nil, orderId: String? = nil
        ) {
            self.orderId = orderId
            self.id = id
            self.account = account
            self.symbol = symbol
            self.quantity = quantity
            self.from = from
            self.to = to
            self.location = location
            self.settlementId = settlementId
            self.reason = reason
            self.status = status
            self.hops = hops
            self.createdAt = createdAt
            self.completedAt = completedAt
            self.failure = failure
        }
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

        public init(quantity: String, acquiredOn: String) {
            self.quantity = quantity
            self.acquiredOn = acquiredOn
        }
    }

    public struct LocationBalanceView: Codable, Hashable, Sendable {
        public var location: String
        public var available: String
        public var locked: String
        /// Promised to sell orders still working at venues that settle here.
        public var reservedForOpenSells: String

        public init(location: String, available: String, locked: String, reservedForOpenSells: String) {
            self.location = location
            self.available = available
            self.locked = locked
            self.reservedForOpenSells = reservedForOpenSells
        }
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

        public init(
            symbol: String, quantity: String, designatedCustody: String, lots: [LotView],
            locations: [LocationBalanceView], sellableAt: [String: String]
        ) {
            self.symbol = symbol
            self.quantity = quantity
            self.designatedCustody = designatedCustody
            self.lots = lots
            self.locations = locations
            self.sellableAt = sellableAt
        }
    }

    public struct CashPositionView: Codable, Hashable, Sendable {
        public var asset: String
        public var location: String
        public var available: String
        public var locked: String
        /// What buy orders still working at venues that settle here may cost.
        public var reservedForOpenBuys: String

        public init(asset: String, location: String, available: String, locked: String, reservedForOpenBuys: String) {
            self.asset = asset
            self.location = location
            self.available = available
            self.locked = locked
            self.reservedForOpenBuys = reservedForOpenBuys
        }
    }

    /// What the account can spend at one venue: free cash in the venue's settlement asset where it
    /// settles (less what working buys promise), and what its other cash there would add once
    /// converted at the venue's cash pair (INX: USDC in the wallet → USD at the custodian), at the
    /// pair's price less its fee.
    public struct BuyingPowerView: Codable, Hashable, Sendable {
        public var venue: String
        public var asset: String
        public var spendable: String
        /// Nil where the venue converts nothing.
        public var convertible: String?
        public var total: String

        public init(venue: String, asset: String, spendable: String, convertible: String?, total: String) {
            self.venue = venue
            self.asset = asset
            self.spendable = spendable
            self.convertible = convertible
            self.total = total
        }
    }

    public struct PositionsView: Codable, Hashable, Sendable {
        public var account: String
        public var asOf: String
        public var securities: [SecurityPositionView]
        public var cash: [CashPositionView]
        public var transfersInFlight: [TransferView]
        /// Per venue the account is onboarded at.
        public var buyingPower: [BuyingPowerView]?

        public init(
            account: String, asOf: String, securities: [SecurityPositionView], cash: [CashPositionView],
            transfersInFlight: [TransferView], buyingPower: [BuyingPowerView]? = nil
        ) {
            self.buyingPower = buyingPower
            self.account = account
            self.asOf = asOf
            self.securities = securities
            self.cash = cash
            self.transfersInFlight = transfersInFlight
        }
    }
}
