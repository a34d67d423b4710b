import ATSDomain
import ATSPlanning
import Foundation
import Testing

/// The public solved cases of the plan contract, copied from the shared examples.
@Suite struct PlannerCaseTests {
    static let caseNames = (0...5).map { String(format: "case-%03d", $0) }

    struct SolvedCase {
        var snapshot: PlanSnapshot
        var order: PlanOrder
        var filledQuantity: Quantity
        var allInCost: ExactAmount
        var allocations: [String: Quantity]
    }

    static func load(_ name: String) throws -> SolvedCase {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/plan/\(name)", withExtension: "json"))
        let data = try Data(contentsOf: url)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let snapshot = try PlanContract.decodeSnapshot(
            JSONSerialization.data(withJSONObject: try #require(object["snapshot"])), file: name)
        let order = try PlanContract.decodeOrder(
            JSONSerialization.data(withJSONObject: try #require(object["order"])), file: name)
        let optimum = try #require(object["optimum"] as? [String: Any])
        let allocations = try #require(optimum["allocations"] as? [String: String])
        return SolvedCase(
            snapshot: snapshot, order: order,
            filledQuantity: try Quantity(try #require(optimum["filledQuantity"] as? String)),
            allInCost: try exactAmount(try #require(optimum["allInCost"] as? String)),
            allocations: try allocations.mapValues { try Quantity($0) }
        )
    }

    @Test(arguments: caseNames)
    func matchesTheSolvedOptimum(name: String) throws {
        let solved = try Self.load(name)
        let plan = try Planner.plan(solved.order, on: solved.snapshot)
        #expect(plan.filledQuantity == solved.filledQuantity)
        #expect(plan.allInCost == solved.allInCost, "\(name): \(plan.allInCost) against \(solved.allInCost)")
        // The plan's own figures are those of its children, recomputed independently.
        let check = try ReferencePricing.evaluate(plan: plan, order: solved.order, snapshot: solved.snapshot)
        #expect(check.valid, "\(name): \(check.problems)")
        #expect(check.allInCost == plan.allInCost)
        // The solver's allocation is valid and costs the same, so the optimum is not beaten either way.
        let theirs = try ReferencePricing.evaluate(
            quantities: solved.allocations, order: solved.order, snapshot: solved.snapshot)
        #expect(theirs.valid, "\(name): the published optimum fails \(theirs.problems)")
        #expect(theirs.allInCost == solved.allInCost)
    }

    @Test func encodesTheContractFields() throws {
        let solved = try Self.load("case-005")
        let plan = try Planner.plan(solved.order, on: solved.snapshot)
        let text = PlanContract.encode(plan)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["filledQuantity"] as? String == "54")
        #expect(object["allInCost"] as? String == "5404.31892")
        let allocations = try #require(object["allocations"] as? [[String: Any]])
        #expect(allocations.count == 1)
        #expect(allocations.first?["venue"] as? String == "securitize")
        #expect(allocations.first?["quantity"] as? String == "54")
        for key in ["averagePrice", "notional", "fees"] { #expect(allocations.first?[key] is String) }
    }
}

/// Parses a decimal string into an exact amount (24 decimals).
func exactAmount(_ text: String) throws -> ExactAmount {
    var digits = Substring(text)
    let negative = digits.first == "-"
    if negative { digits = digits.dropFirst() }
    let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
    let whole = try #require(Int128(String(parts[0])))
    var fraction = parts.count > 1 ? String(parts[1]) : ""
    try #require(fraction.count <= 24)
    fraction += String(repeating: "0", count: 24 - fraction.count)
    let raw = whole * ExactAmount.unit + (try #require(Int128(fraction)))
    return ExactAmount(rawValue: negative ? -raw : raw)
}
