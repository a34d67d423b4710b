import ATSDomain

/// The planner's decision: one child per venue that receives anything.
public struct Plan: Sendable, Hashable, Codable {
    /// One venue's child.
    public struct Allocation: Sendable, Hashable, Codable {
        public var venue: VenueID
        public var quantity: Quantity
        /// `notional / quantity`, rounded half-even to 8 decimals.
        public var averagePrice: Price
        /// The worst level price the child reaches: its limit price when it is sent.
        public var worstPrice: Price
        public var notional: ExactAmount
        /// Proportional fee plus the venue's fixed fee.
        public var fees: ExactAmount
        /// `notional + fees` for a buy, `notional − fees` for a sell.
        public var allInCost: ExactAmount
    }

    public var side: Side
    public var strategy: PlanStrategy
    public var requestedQuantity: Quantity
    public var allocations: [Allocation]
    public var filledQuantity: Quantity
    public var notional: ExactAmount
    public var fees: ExactAmount
    /// Notional plus fees for a buy; net proceeds (notional − fees) for a sell.
    public var allInCost: ExactAmount
    /// Why the plan fills less than requested, when it does.
    public var unfilledReason: String?

    public var unfilledQuantity: Quantity {
        Quantity(rawValue: requestedQuantity.rawValue - filledQuantity.rawValue)
    }

    /// The all-in price per unit: `allInCost / filledQuantity`, rounded half-even; nil when nothing fills.
    public var allInPrice: Price? {
        guard filledQuantity.isPositive else { return nil }
        // (cost / 10^24) / (quantity / 10^8) × 10^8 = cost / (quantity × 10^8)
        let raw = roundedQuotient(
            allInCost.rawValue, Int128(filledQuantity.rawValue) * 100_000_000, rounding: .halfEven)!
        return Int64(exactly: raw).map(Price.init(rawValue:))
    }
}

/// Why a plan cannot be made: the input field at fault and the reason.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, as a path into the snapshot or order (`venues[2].lotSize`, `quantity`).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
