import ATSDomain
import ATSOrders
import ATSRouter
import ATSRouterTestSupport
import ATSVenueMocks
import ATSVenues
import Foundation
import Testing

/// INX and Rialto through the whole router (in process): a Rialto listing settles on the chain its
/// issuer chose, tokens elsewhere are not sellable there, and INX charges its token-discounted rate.
@Suite struct NewVenueFlowTests {
    let erin = try! AccountID("erin")
    let rialto = try! VenueID("rialto")
    let inx = try! VenueID("inx")

    @Test(
        "erin's VINE sells at Rialto only, settles four-step T+1 on Polygon; sent to wallet:ethereum it is not sellable there"
    )
    func aRialtoListingSettlesOnItsIssuersChain() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let vine = try Symbol("VINE")
            let venue = try #require(live.router.context.catalog.venue(rialto))
            #expect(live.router.settlement.sellable(erin, vine, at: venue) == (try Quantity("500")))
            let bid = try #require(await live.router.context.consolidatedBook(vine, account: erin, side: .sell).bestBid)
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: erin, symbol: vine, side: .sell, quantity: try Quantity("50"), limitPrice: bid,
                    timeInForce: .ioc))
            #expect(parent.filledQuantity.isPositive, "\(parent.note ?? "") \(String(describing: parent.rejection))")
            #expect(parent.children.allSatisfy { $0.venue == rialto })
            let book = live.router.settlement.book()
            let records = book.settlements.filter { $0.symbol == vine }
            #expect(!records.isEmpty)
            for record in records {
                #expect(record.tokenLocation == .wallet(chain: "polygon"))
                #expect(record.model == .fourStep && record.cycle == .t1)
                #expect(record.cashAsset == .usd && record.cashLocation == .bank)
            }
            #expect(book.invariantViolations() == [])
            // The rest moved to her Ethereum wallet (a bridge hop) is not where Rialto settles VINE.
            let rest = Quantity(rawValue: 500 * Quantity.unit - parent.filledQuantity.rawValue)
            _ = try live.router.settlement.requestTransfer(
                account: erin, symbol: vine, quantity: rest, from: .wallet(chain: "polygon"),
                to: .wallet(chain: "ethereum"))
            #expect(live.router.settlement.sellable(erin, vine, at: venue) == .zero)
            let refused = await live.router.orders.submit(
                ParentOrderRequest(
                    account: erin, symbol: vine, side: .sell, quantity: try Quantity("5"), timeInForce: .ioc))
            #expect(refused.status == .rejected)
            #expect(
                refused.rejection?.message.contains("wallet:polygon") == true,
                "\(String(describing: refused.rejection))")
        }
    }

    @Test("a buy at INX settles in INX's custody and pays 36 bp of the notional, not the published 40")
    func inxChargesTheTokenDiscountedRate() async throws {
        try await InProcessRouter.with { live in
            await live.router.pollAll()
            let acme = try Symbol("ACME")
            let parent = await live.router.orders.submit(
                ParentOrderRequest(
                    account: erin, symbol: acme, side: .buy, quantity: try Quantity("20"), timeInForce: .ioc,
                    includeVenues: [inx]))
            #expect(parent.filledQuantity.isPositive, "\(parent.note ?? "")")
            for child in parent.children {
                for fill in child.fills {
                    // price × quantity × 0.0036, in exact decimal arithmetic.
                    let expected =
                        Decimal(string: fill.price.description)! * Decimal(string: fill.quantity.description)!
                        * Decimal(string: "0.0036")!
                    #expect(Decimal(string: fill.fee.description) == expected, "\(fill)")
                }
            }
            let records = live.router.settlement.book().settlements.filter { $0.venue == inx }
            #expect(!records.isEmpty)
            #expect(records.allSatisfy { $0.tokenLocation == .custodian(inx) && $0.cashLocation == .custodian(inx) })
        }
    }
}
