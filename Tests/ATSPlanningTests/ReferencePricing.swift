import ATSDomain
import ATSPlanning

/// An independent, deliberately plain reading of the plan contract: what a set of child
/// quantities executes at, whether it is valid, and what it costs. Shares no code with the planner.
enum ReferencePricing {
    struct Evaluation {
        var valid: Bool { problems.isEmpty }
        var problems: [String] = []
        var filled: Int64 = 0
        /// Notional + fees for a buy, notional − fees for a sell, at 24 decimals.
        var allInCost = ExactAmount.zero
    }

    static func evaluate(plan: Plan, order: PlanOrder, snapshot: PlanSnapshot) throws -> Evaluation {
        var quantities: [String: Quantity] = [:]
        for allocation in plan.allocations { quantities[allocation.venue.rawValue] = allocation.quantity }
        return try evaluate(quantities: quantities, order: order, snapshot: snapshot)
    }

    static func evaluate(quantities: [String: Quantity], order: PlanOrder, snapshot: PlanSnapshot) throws -> Evaluation
    {
        var result = Evaluation()
        var notionalTotal: Int128 = 0
        var feeTotal: Int128 = 0
        for (name, quantity) in quantities where quantity.isPositive {
            guard let venue = snapshot.venues.first(where: { $0.venue.rawValue == name }) else {
                result.problems.append("\(name) is not in the snapshot")
                continue
            }
            if !order.admits(venue.venue) { result.problems.append("\(name) is excluded") }
            let (notional, shortfall) = notional(of: quantity.rawValue, at: venue, order: order)
            if shortfall > 0 { result.problems.append("\(name): \(shortfall) beyond displayed liquidity") }
            if quantity.rawValue % venue.lotSize.rawValue != 0 { result.problems.append("\(name): off lot") }
            if quantity < venue.minQuantity { result.problems.append("\(name): below minimum quantity") }
            if notional < Int128(venue.minNotional.rawValue) * 100_000_000 {
                result.problems.append("\(name): below minimum notional")
            }
            // fee = notional × bps / 10⁴, with bps at 8 decimals: scale 16 + 8 - 4 → to 24 needs × 10⁴ / 10⁴.
            let fee =
                notional * Int128(venue.takerFee.rawValue) / 10_000 + Int128(venue.fixedFee.rawValue)
                * 10_000_000_000_000_000
            notionalTotal += notional * 100_000_000
            feeTotal += fee
            result.filled += quantity.rawValue
        }
        if result.filled > order.quantity.rawValue { result.problems.append("over the order quantity") }
        result.allInCost = ExactAmount(
            rawValue: order.side == .buy ? notionalTotal + feeTotal : notionalTotal - feeTotal)
        return result
    }

    /// Notional at 16 decimals of `quantity` taken in price order within the limit, and what is missing.
    static func notional(of quantity: Int64, at venue: PlanVenue, order: PlanOrder) -> (Int128, Int64) {
        let levels = venue.levels(against: order.side)
            .filter { order.accepts($0.price) }
            .sorted { order.side == .buy ? $0.price < $1.price : $0.price > $1.price }
        var left = quantity
        var notional: Int128 = 0
        for level in levels where left > 0 {
            let taken = min(left, level.quantity.rawValue)
            notional += Int128(level.price.rawValue) * Int128(taken)
            left -= taken
        }
        return (notional, left)
    }
}
