import ATSDomain
import ATSVenues

/// What the issuer's transfer agent is told of one change of ownership. `from` is nil for the
/// original issuance.
public struct TransferAgentReport: Sendable, Hashable, Codable {
    public var at: Timestamp
    public var symbol: Symbol
    public var from: Holder?
    public var to: Holder
    public var quantity: Quantity
    /// The new holder's acquisition date (the settlement date): holding periods run from it.
    public var acquiredOn: CalendarDate
    public var reference: String

    public init(
        at: Timestamp, symbol: Symbol, from: Holder?, to: Holder, quantity: Quantity, acquiredOn: CalendarDate,
        reference: String
    ) {
        self.at = at
        self.symbol = symbol
        self.from = from
        self.to = to
        self.quantity = quantity
        self.acquiredOn = acquiredOn
        self.reference = reference
    }
}

/// The transfer agent's cap table: per security, each holder's lots (one per acquisition date,
/// oldest first). A disposal reduces the holder's oldest lots first.
public struct CapTable: Sendable {
    public struct Lot: Sendable, Hashable, Codable {
        public var quantity: Quantity
        public var acquiredOn: CalendarDate
    }

    public private(set) var lots: [Symbol: [Holder: [Lot]]] = [:]

    public init() {}

    public func lots(of holder: Holder, in symbol: Symbol) -> [Lot] { lots[symbol]?[holder] ?? [] }

    public func quantity(of holder: Holder, in symbol: Symbol) -> Quantity {
        Quantity(rawValue: lots(of: holder, in: symbol).reduce(0) { $0 + $1.quantity.rawValue })
    }

    /// Investor accounts holding some of `symbol` (counterparties and fee collectors are not counted).
    public func accountHolders(of symbol: Symbol) -> Int {
        guard let holders = lots[symbol] else { return 0 }
        var count = 0
        for (holder, held) in holders where !held.isEmpty && holder.isAccount { count += 1 }
        return count
    }

    /// Whether `report` can be recorded: the transferor holds the quantity.
    public func canRecord(_ report: TransferAgentReport) -> Bool {
        guard report.quantity.isPositive else { return false }
        guard let from = report.from else { return true }
        return quantity(of: from, in: report.symbol) >= report.quantity
    }

    /// Records `report`; false (nothing changed) when the transferor lacks the quantity.
    @discardableResult
    public mutating func record(_ report: TransferAgentReport) -> Bool {
        guard canRecord(report) else { return false }
        if let from = report.from {
            var remaining = report.quantity.rawValue
            var held = lots[report.symbol]![from]!
            while remaining > 0 {
                let take = min(remaining, held[0].quantity.rawValue)
                remaining -= take
                held[0].quantity = Quantity(rawValue: held[0].quantity.rawValue - take)
                if held[0].quantity.isZero { held.removeFirst() }
            }
            lots[report.symbol]![from] = held.isEmpty ? nil : held
        }
        // Lots acquired the same day are one lot (their holding periods run together).
        var held = lots[report.symbol]?[report.to] ?? []
        if let same = held.firstIndex(where: { $0.acquiredOn == report.acquiredOn }) {
            held[same].quantity = Quantity(rawValue: held[same].quantity.rawValue + report.quantity.rawValue)
        } else {
            held.append(Lot(quantity: report.quantity, acquiredOn: report.acquiredOn))
            held.sort { $0.acquiredOn < $1.acquiredOn }
        }
        lots[report.symbol, default: [:]][report.to] = held
        return true
    }
}
