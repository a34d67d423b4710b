import ATSDomain
import ATSPlanning
import Foundation
import Testing

@testable import ATSOrders

/// The order model's own mappings, without a router or a journal.
@Suite struct DecisionEvidenceTests {
    @Test func decisionEvidenceReadsBackAsTheDecision() throws {
        let venue = PlanVenue(
            venue: try VenueID("tzero"), lotSize: try Quantity("0.5"), minQuantity: try Quantity("1"),
            minNotional: try Money("100"),
            takerFee: try BasisPoints("12.5"), fixedFee: try Money("0.25"),
            bids: [PlanLevel(price: try Price("9.99"), quantity: try Quantity("10"))],
            asks: [PlanLevel(price: try Price("10.01"), quantity: try Quantity("7.5"))],
            maxQuantity: try Quantity("1000"))
        let snapshot = PlanSnapshot(symbol: nil, venues: [venue])
        let plan = try Planner.plan(
            PlanOrder(side: .buy, quantity: try Quantity("20"), limitPrice: try Price("10.01")), on: snapshot)
        let decision = RoutingDecision(
            at: Timestamp(nanosecondsSinceEpoch: 1_795_446_000_123_456_789), attempt: 2, snapshot: snapshot,
            quoteAges: [try VenueID("tzero"): 17, try VenueID("archax"): 0],
            excluded: [try VenueID("texture"): "call \"auction\"\nnot now \\ \u{1}"], plan: plan,
            unreachable: [
                try VenueID("rialto"): .init(
                    code: "kyc_not_approved", price: try Price("10.5"), quantity: try Quantity("3"),
                    unlock: "onboarding at \"Rialto\""),
                try VenueID("inx"): .init(
                    code: "position_not_at_venue", price: try Price("9"), quantity: try Quantity("1")),
            ])
        let text = DecisionEvidence.json(decision)
        let read = try JSONDecoder().decode(RoutingDecision.self, from: Data(text.utf8))
        #expect(read == decision)
        var without = decision
        without.unreachable = nil
        #expect(
            try JSONDecoder().decode(RoutingDecision.self, from: Data(DecisionEvidence.json(without).utf8)) == without)
        #expect(plan.unfilledReason != nil)  // the optional fields are exercised
    }
}
