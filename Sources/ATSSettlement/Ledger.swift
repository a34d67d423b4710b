import ATSDomain
import ATSVenues

/// One balance: what a holder has of an asset at a location, free and earmarked for a settlement.
public struct Balance: Sendable, Hashable, Codable {
    public var available: Int64 = 0
    public var locked: Int64 = 0
    public var total: Int64 { available + locked }
}

public struct BalanceKey: Sendable, Hashable, Comparable {
    public var holder: Holder
    public var asset: LedgerAsset
    public var location: CustodyLocation

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.holder, lhs.asset, lhs.location) < (rhs.holder, rhs.asset, rhs.location)
    }
}

/// One side of a ledger movement: a holder's free or earmarked balance at a location.
public struct LedgerAccount: Sendable, Hashable, Codable {
    public var holder: Holder
    public var location: CustodyLocation
    public var locked: Bool

    public init(_ holder: Holder, _ location: CustodyLocation, locked: Bool = false) {
        self.holder = holder
        self.location = location
        self.locked = locked
    }
}

/// One movement of an asset, appended and never changed. `from` is nil for an issuance (the
/// opening balances); a lock moves an amount from a holder's free balance to its earmarked one.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var at: Timestamp
    public var asset: LedgerAsset
    /// Raw fixed-point units (8 decimals) of the asset.
    public var amount: Int64
    public var from: LedgerAccount?
    public var to: LedgerAccount
    /// What caused it: `genesis:…`, `s<settlement>:…`, `t<transfer>:…`.
    public var reference: String

    public init(
        at: Timestamp, asset: LedgerAsset, amount: Int64, from: LedgerAccount?, to: LedgerAccount, reference: String
    ) {
        self.at = at
        self.asset = asset
        self.amount = amount
        self.from = from
        self.to = to
        self.reference = reference
    }
}

/// The token ledgers (one per chain, plus the custodians' books) and the cash ledger in one
/// double-entry book: every entry moves an amount from one balance to another, so what an asset
/// totals changes only by issuance.
public struct Ledger: Sendable {
    public private(set) var balances: [BalanceKey: Balance] = [:]
    /// Issued per asset: what every balance of it must sum to.
    public private(set) var issued: [LedgerAsset: Int64] = [:]
    public private(set) var entryCount = 0

    public init() {}

    public func balance(_ holder: Holder, _ asset: LedgerAsset, at location: CustodyLocation) -> Balance {
        balances[BalanceKey(holder: holder, asset: asset, location: location)] ?? Balance()
    }

    /// Whether `entry` can be applied: its source holds the amount.
    public func canApply(_ entry: LedgerEntry) -> Bool {
        guard entry.amount >= 0 else { return false }
        guard let from = entry.from else { return true }
        let balance = self.balance(from.holder, entry.asset, at: from.location)
        return (from.locked ? balance.locked : balance.available) >= entry.amount
    }

    /// Applies `entry`; false (and nothing changed) when its source lacks the amount.
    /// - Complexity: O(1) expected.
    @discardableResult
    public mutating func apply(_ entry: LedgerEntry) -> Bool {
        guard canApply(entry) else { return false }
        if let from = entry.from {
            let key = BalanceKey(holder: from.holder, asset: entry.asset, location: from.location)
            if from.locked {
                balances[key, default: Balance()].locked -= entry.amount
            } else {
                balances[key, default: Balance()].available -= entry.amount
            }
        } else {
            issued[entry.asset, default: 0] += entry.amount
        }
        let key = BalanceKey(holder: entry.to.holder, asset: entry.asset, location: entry.to.location)
        if entry.to.locked {
            balances[key, default: Balance()].locked += entry.amount
        } else {
            balances[key, default: Balance()].available += entry.amount
        }
        entryCount += 1
        return true
    }

    /// Every balance of `holder`, by asset and location.
    public func balances(of holder: Holder) -> [(key: BalanceKey, balance: Balance)] {
        balances.filter { $0.key.holder == holder && ($0.value.available != 0 || $0.value.locked != 0) }
            .map { (key: $0.key, balance: $0.value) }.sorted { $0.key < $1.key }
    }

    /// What `holder` has of `asset` across every location, free and earmarked.
    public func total(_ holder: Holder, _ asset: LedgerAsset) -> Int64 {
        balances.reduce(0) { $0 + ($1.key.holder == holder && $1.key.asset == asset ? $1.value.total : 0) }
    }
}
