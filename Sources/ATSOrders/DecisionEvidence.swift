import ATSDomain
import ATSPlanning

/// A routing decision's evidence as JSON, written directly: the same document `JSONEncoder`
/// makes of ``RoutingDecision`` (so `JSONDecoder` reads it back), at a fraction of the cost —
/// every decision is journalled on the order path.
enum DecisionEvidence {
    static func json(_ decision: RoutingDecision) -> String {
        var out =
            "{\"at\":{\"nanosecondsSinceEpoch\":\(decision.at.nanosecondsSinceEpoch)},\"attempt\":\(decision.attempt)"
        out += ",\"snapshot\":{"
        if let symbol = decision.snapshot.symbol { out += "\"symbol\":" + JSONText.quoted(symbol.rawValue) + "," }
        out += "\"venues\":["
        for (index, venue) in decision.snapshot.venues.enumerated() {
            if index > 0 { out += "," }
            out += "{\"venue\":" + JSONText.quoted(venue.venue.rawValue)
            out +=
                ",\"lotSize\":\"\(venue.lotSize)\",\"minQuantity\":\"\(venue.minQuantity)\",\"minNotional\":\"\(venue.minNotional)\""
            out += ",\"takerFee\":\"\(venue.takerFee)\",\"fixedFee\":\"\(venue.fixedFee)\""
            if let maximum = venue.maxQuantity { out += ",\"maxQuantity\":\"\(maximum)\"" }
            out += ",\"bids\":" + levels(venue.bids) + ",\"asks\":" + levels(venue.asks) + "}"
        }
        out += "]},\"quoteAges\":{"
        out += decision.quoteAges.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key.rawValue) + ":\($0.value)" }
            .joined(separator: ",")
        out += "},\"excluded\":{"
        out += decision.excluded.sorted { $0.key < $1.key }.map {
            JSONText.quoted($0.key.rawValue) + ":" + JSONText.quoted($0.value)
        }.joined(separator: ",")
        let plan = decision.plan
        out += "},\"plan\":{\"side\":\"\(plan.side.rawValue)\",\"strategy\":\"\(plan.strategy.rawValue)\""
        out += ",\"requestedQuantity\":\"\(plan.requestedQuantity)\",\"filledQuantity\":\"\(plan.filledQuantity)\""
        out += ",\"notional\":\"\(plan.notional)\",\"fees\":\"\(plan.fees)\",\"allInCost\":\"\(plan.allInCost)\""
        if let reason = plan.unfilledReason { out += ",\"unfilledReason\":" + JSONText.quoted(reason) }
        out += ",\"allocations\":["
        for (index, allocation) in plan.allocations.enumerated() {
            if index > 0 { out += "," }
            out +=
                "{\"venue\":" + JSONText.quoted(allocation.venue.rawValue) + ",\"quantity\":\"\(allocation.quantity)\""
            out += ",\"averagePrice\":\"\(allocation.averagePrice)\",\"worstPrice\":\"\(allocation.worstPrice)\""
            out +=
                ",\"notional\":\"\(allocation.notional)\",\"fees\":\"\(allocation.fees)\",\"allInCost\":\"\(allocation.allInCost)\"}"
        }
        out += "]}"
        if let unreachable = decision.unreachable {
            out += ",\"unreachable\":{"
            out += unreachable.sorted { $0.key < $1.key }.map { venue, level in
                JSONText.quoted(venue.rawValue) + ":{\"code\":" + JSONText.quoted(level.code)
                    + ",\"price\":\"\(level.price)\",\"quantity\":\"\(level.quantity)\""
                    + (level.unlock.map { ",\"unlock\":" + JSONText.quoted($0) } ?? "") + "}"
            }.joined(separator: ",")
            out += "}"
        }
        return out + "}"
    }

    private static func levels(_ levels: [PlanLevel]) -> String {
        "[" + levels.map { "{\"price\":\"\($0.price)\",\"quantity\":\"\($0.quantity)\"}" }.joined(separator: ",") + "]"
    }
}
