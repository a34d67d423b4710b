import Foundation
import Testing

@testable import ATSDomain

@Suite("Identifiers, orders and time")
struct ModelTests {
    @Test("identifiers validate and name the rule they break")
    func identifiers() throws {
        #expect(try VenueID("tzero").rawValue == "tzero")
        #expect(try Symbol("BUIDL").description == "BUIDL")
        #expect(throws: IdentifierError.self) { try VenueID("") }
        #expect(throws: IdentifierError.self) { try AccountID("has space") }
        #expect(throws: IdentifierError.self) { try Symbol(String(repeating: "A", count: 33)) }
        let badQuote = "bad\"quote"
        do {
            _ = try AccountID(badQuote)
        } catch {
            #expect(error.message.contains("account id"))
            #expect(error.message.contains("'\"'"))
        }
        let decoded = try JSONDecoder().decode([VenueID].self, from: Data(#"["archax"]"#.utf8))
        #expect(decoded == [try VenueID("archax")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([VenueID].self, from: Data(#"["a b"]"#.utf8)) }
    }

    @Test("order ids travel as decimal strings")
    func orderIDs() throws {
        let id = OrderID(18_446_744_073_709_551_615)
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["18446744073709551615"]"#)
        #expect(try JSONDecoder().decode([OrderID].self, from: data) == [id])
        #expect(throws: IdentifierError.self) { try OrderID(parsing: "-1") }
        #expect(throws: IdentifierError.self) { try OrderID(parsing: "+1") }
        #expect(throws: IdentifierError.self) { try OrderID(parsing: "18446744073709551616") }
    }

    @Test("enumerations parse in any letter case")
    func enumerations() {
        #expect(Side(caseInsensitive: "BUY") == .buy)
        #expect(Side(caseInsensitive: "Sell") == .sell)
        #expect(Side(caseInsensitive: "hold") == nil)
        #expect(TimeInForce.Kind(caseInsensitive: "gtc") == .gtc)
        #expect(TimeInForce.Kind(caseInsensitive: "Fok") == .fok)
        #expect(Side.buy.opposite == .sell)
    }

    private func order(_ type: OrderType, _ quantity: String, _ tif: TimeInForce) throws(Rejection) -> Order {
        let account = try! AccountID("acct-1")
        let symbol = try! Symbol("ACME")
        let quantity = try! Quantity(quantity)
        return try Order(
            id: OrderID(1), account: account, symbol: symbol, side: .buy, type: type,
            quantity: quantity, timeInForce: tif, createdAt: Timestamp(secondsSinceEpoch: 100))
    }

    @Test("orders that no venue could accept are refused with a stable code")
    func orderValidation() throws {
        let ten = try Price("10")
        #expect(try order(.limit(ten), "5", .day).quantity == Quantity("5"))
        #expect(throws: Rejection(.quantityNotPositive, "quantity 0 must be greater than zero")) {
            try order(.limit(ten), "0", .day)
        }
        #expect(throws: Rejection.self) { try order(.limit(.zero), "1", .day) }
        #expect(throws: Rejection.self) { try order(.stopLimit(trigger: .zero, limit: ten), "1", .day) }
        #expect(throws: Rejection.self) {
            try order(.limit(ten), "1", .goodTillDate(Timestamp(secondsSinceEpoch: 100)))
        }
        #expect(throws: Rejection.self) { try order(.market, "1", .goodTillCancelled) }
        #expect(try order(.market, "1", .immediateOrCancel).type == .market)
        #expect(try order(.limit(ten), "1", .goodTillDate(Timestamp(secondsSinceEpoch: 101))).timeInForce.expiry != nil)
        do {
            _ = try order(.market, "1", .day)
        } catch {
            #expect(error.code == .marketOrderCannotRest)
        }
    }

    @Test("timestamps print as ISO 8601 UTC")
    func timestamps() {
        #expect(Timestamp.epoch.description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: 1_795_359_600).description == "2026-11-22T15:00:00Z")
        #expect(Timestamp(nanosecondsSinceEpoch: 1_500_000_000).description == "1970-01-01T00:00:01.5Z")
        #expect(Timestamp(nanosecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999999999Z")
        #expect(Timestamp(secondsSinceEpoch: 951_782_400).description == "2000-02-29T00:00:00Z")
    }

    @Test("a manual clock moves only when told")
    func manualClock() {
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 10))
        #expect(clock.now() == Timestamp(secondsSinceEpoch: 10))
        clock.advance(seconds: 5)
        #expect(clock.now() == Timestamp(secondsSinceEpoch: 15))
        #expect(SystemClock().now() > Timestamp(secondsSinceEpoch: 1_700_000_000))
    }
}
