import ATSDomain
import ATSRouter
import ATSRouting
import ATSVenueMocks
import ATSVenues
import Testing

@Suite(.serialized) struct RouterFlowTests {
    @Test func pollsEveryVenueAndBuildsTheConsolidatedBook() async throws {
        let live = try await LiveRouter.start()
        await live.router.pollAll()
        let book = await live.router.context.consolidatedBook(try Symbol("ACME"), account: try AccountID("alice"))
        print(book.venues.map { "\($0.venue) \($0.included) \($0.code ?? "")" })
        #expect(!book.asks.isEmpty)
        #expect(book.venues.contains { $0.included })
        let parent = await live.router.orders.submit(ParentOrderRequest(
            account: try AccountID("alice"), symbol: try Symbol("ACME"), side: .buy, quantity: try Quantity("150"),
            limitPrice: nil, timeInForce: .ioc))
        print(parent.status, parent.filledQuantity, parent.children.map { "\($0.venue) \($0.quantity) \($0.status) \($0.filledQuantity) \($0.failure ?? "")" })
        await live.stop()
    }
}
