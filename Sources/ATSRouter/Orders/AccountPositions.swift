import ATSDomain
import ATSSettlement
import ATSVenues

/// What the pre-trade checks and the planner read of one account's positions in one security,
/// taken at one moment (``SettlementDesk/positions(of:in:)``): a value, so that the checks
/// and the routing step are pure functions of it.
public struct AccountPositions: Sendable, Hashable {
    /// A location where the account holds the security free (before what working orders promise).
    public struct Holding: Sendable, Hashable {
        public var location: CustodyLocation
        public var quantity: Quantity

        public init(location: CustodyLocation, quantity: Quantity) {
            self.location = location
            self.quantity = quantity
        }
    }

    /// The account with its holdings as the cap table has them (what holding-period and
    /// holding-limit rules read).
    public var account: Account
    public var symbol: Symbol
    /// How many accounts hold the security (a maximum-holders rule reads it).
    public var holders: Int
    /// What the account can sell at each venue: its free tokens where the venue settles, less
    /// what its working sells there promise.
    public var sellable: [VenueID: Quantity]
    /// What the account can spend at each venue: its free cash in the venue's asset where it
    /// settles, less what its working buys there may cost.
    public var spendable: [VenueID: Money]
    /// Where the account holds the security free, for refusal messages.
    public var freeHoldings: [Holding]
    /// Cash by asset and place, free less what working buys there may cost: at each venue's cash
    /// leg and where each venue converts cash (what a buy with `allowTransfers` may convert).
    public var cash: [CashPlace: Money] = [:]
    /// What the investor's identity record says stops a new order (KYC pending, expired or
    /// revoked; a stale accreditation): checked before any venue's rules.
    public var identityRefusal: Rejection?

    public init(
        account: Account, symbol: Symbol, holders: Int, sellable: [VenueID: Quantity], spendable: [VenueID: Money],
        freeHoldings: [Holding]
    ) {
        self.account = account
        self.symbol = symbol
        self.holders = holders
        self.sellable = sellable
        self.spendable = spendable
        self.freeHoldings = freeHoldings
    }

    /// Cash of one asset at one place.
    public struct CashPlace: Sendable, Hashable {
        public var asset: CashAsset
        public var location: CustodyLocation

        public init(_ asset: CashAsset, at location: CustodyLocation) {
            self.asset = asset
            self.location = location
        }
    }

    public func sellable(at venue: VenueID) -> Quantity { sellable[venue] ?? .zero }
    public func spendable(at venue: VenueID) -> Money { spendable[venue] ?? .zero }
}

extension SettlementDesk {
    /// `account`'s positions in `symbol` now, at every venue of the catalog, read under one lock.
    public func positions(of account: Account, in symbol: Symbol) -> AccountPositions {
        state.withLock { state in
            var sellable: [VenueID: Quantity] = [:]
            var spendable: [VenueID: Money] = [:]
            var cash: [AccountPositions.CashPlace: Money] = [:]
            for venue in catalog.venues {
                let places =
                    [venue.cashLeg]
                    + (venue.conversions ?? []).flatMap { [$0.base, $0.quote] }.map { ($0, venue.cashLocation(of: $0)) }
                for (asset, location) in places {
                    cash[.init(asset, at: location)] = Money(
                        rawValue: state.unpromised(account.id, .cash(asset), at: location))
                }
                sellable[venue.id] = Quantity(
                    rawValue: state.unpromised(account.id, .token(symbol), at: venue.tokenLocation(symbol)))
                spendable[venue.id] = cash[.init(venue.cashLeg.asset, at: venue.cashLeg.location)]
            }
            let free = state.freeHoldings(account.id, symbol).map {
                AccountPositions.Holding(location: $0.location, quantity: $0.quantity)
            }
            var positions = AccountPositions(
                account: state.book.accountView(account), symbol: symbol,
                holders: state.book.capTable.accountHolders(of: symbol), sellable: sellable, spendable: spendable,
                freeHoldings: free)
            positions.cash = cash
            return positions
        }
    }
}
