import Foundation
import Testing

@testable import ATSDomain

@Suite("Fixed-point numbers")
struct FixedPointTests {
    @Test(
        "parses plain decimals exactly",
        arguments: [
            ("10.02", Int64(1_002_000_000)), ("0.5", 50_000_000), ("0", 0), ("7", 700_000_000),
            ("0.00000001", 1), ("1.000000000", 100_000_000), ("00012.50", 1_250_000_000),
            ("92233720368.54775807", Int64.max),
        ])
    func parses(text: String, raw: Int64) throws {
        #expect(try Price(text).rawValue == raw)
    }

    @Test(
        "prints the shortest exact form",
        arguments: [
            (Int64(1_002_000_000), "10.02"), (50_000_000, "0.5"), (0, "0"), (700_000_000, "7"), (1, "0.00000001"),
            (Int64.max, "92233720368.54775807"), (-150_000_000, "-1.5"), (Int64.min, "-92233720368.54775808"),
        ])
    func prints(raw: Int64, text: String) {
        #expect(Money(rawValue: raw).description == text)
    }

    @Test("formats with a minimum number of decimals without rounding")
    func formats() throws {
        #expect(try Money("4008").formatted(minimumFractionDigits: 2) == "4008.00")
        #expect(try Money("4.008").formatted(minimumFractionDigits: 2) == "4.008")
        #expect(try Money("-0.1").formatted(minimumFractionDigits: 3) == "-0.100")
    }

    @Test(
        "refuses malformed text with a reason",
        arguments: [
            "", " 1", "1 ", "+1", "1e5", ".5", "5.", "1.2.3", "1,000", "--1", "-", "abc", "1_000", "0x10", "١٢",
        ])
    func refusesMalformed(text: String) {
        #expect(throws: FixedPointError.self) { try Money(text) }
        do {
            _ = try Money(text)
        } catch {
            #expect(error.message.contains("money"))
            switch error.kind {
            case .empty, .malformed: break
            default: Issue.record("unexpected kind \(error.kind) for \(text)")
            }
        }
    }

    @Test("refuses more decimals than the scale, unless they are trailing zeros")
    func refusesTooManyDecimals() throws {
        #expect(throws: FixedPointError(.tooManyDecimals(allowed: 8), type: "price", input: "0.000000001")) {
            try Price("0.000000001")
        }
        #expect(try Price("0.100000000000") == Price("0.1"))
    }

    @Test("refuses negatives for prices and quantities, accepts them for money")
    func negatives() throws {
        #expect(throws: FixedPointError(.negative, type: "price", input: "-1")) { try Price("-1") }
        #expect(throws: FixedPointError(.negative, type: "quantity", input: "-0.5")) { try Quantity("-0.5") }
        #expect(try Money("-1.25").rawValue == -125_000_000)
        #expect(try Price("-0").rawValue == 0)
    }

    @Test("refuses values beyond 64 bits")
    func overflow() {
        #expect(throws: FixedPointError(.overflow, type: "price", input: "92233720368.54775808")) {
            try Price("92233720368.54775808")
        }
        #expect(throws: FixedPointError.self) { try Money("99999999999999999999999") }
        #expect(throws: FixedPointError.self) { try Money("-92233720368.54775809") }
        #expect((try? Money("-92233720368.54775808"))?.rawValue == Int64.min)
    }

    @Test("printing and parsing round-trip over random values")
    func roundTrip() throws {
        var random = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let raw = Int64(bitPattern: random.next()) >> Int64(random.next() % 64)
            let money = Money(rawValue: raw)
            #expect(try Money(money.description) == money)
            if raw >= 0 {
                let price = Price(rawValue: raw)
                #expect(try Price(price.description) == price)
                #expect(try Price(price.formatted(minimumFractionDigits: 8)) == price)
            }
        }
    }

    @Test("arithmetic is exact and reports overflow and sign errors")
    func arithmetic() throws {
        #expect(try Price("0.1") + Price("0.2") == Price("0.3"))
        #expect(try Quantity("10") - Quantity("2.5") == Quantity("7.5"))
        #expect(throws: FixedPointError.self) { try Quantity("1") - Quantity("2") }
        #expect(try Money("1") - Money("2") == Money("-1"))
        #expect(throws: FixedPointError.self) { try Money(rawValue: .max) + Money(rawValue: 1) }
        #expect(throws: FixedPointError.self) { try Money(rawValue: .min) - Money(rawValue: 1) }
        #expect(throws: FixedPointError.self) { try Money(rawValue: .max).multiplied(by: 2) }
        #expect(throws: FixedPointError.self) { try Money(rawValue: .min).negated() }
        #expect(try Quantity("3").multiplied(by: 4) == Quantity("12"))
    }

    @Test("notional is price times quantity, exact or rounded as asked")
    func notional() throws {
        #expect(try Money.notional(price: Price("10.02"), quantity: Quantity("400")) == Money("4008"))
        #expect(try Money.notional(price: Price("0.3333"), quantity: Quantity("0.5")) == Money("0.16665"))
        // 0.00000003 × 0.5 = 0.000000015: not representable at 8 places.
        let price = try Price("0.00000003")
        let half = try Quantity("0.5")
        #expect(throws: FixedPointError.self) { try Money.notional(price: price, quantity: half) }
        #expect(try Money.notional(price: price, quantity: half, rounding: .down) == Money("0.00000001"))
        #expect(try Money.notional(price: price, quantity: half, rounding: .up) == Money("0.00000002"))
        #expect(try Money.notional(price: price, quantity: half, rounding: .halfEven) == Money("0.00000002"))
        #expect(throws: FixedPointError.self) {
            try Money.notional(price: Price(rawValue: .max), quantity: Quantity("2"))
        }
    }

    @Test("fees in basis points: 10 bp of 4008 is 4.008")
    func fees() throws {
        #expect(try Money("4008").fee(basisPoints: BasisPoints("10"), rounding: .exact) == Money("4.008"))
        #expect(try Money("100").fee(basisPoints: BasisPoints("2.5"), rounding: .exact) == Money("0.025"))
        #expect(try Money("0.00000001").fee(basisPoints: BasisPoints("1"), rounding: .up) == Money("0.00000001"))
        #expect(try Money("0.00000001").fee(basisPoints: BasisPoints("1"), rounding: .down) == Money("0"))
        #expect(try Money("100").fee(basisPoints: BasisPoints("-5"), rounding: .exact) == Money("-0.05"))
    }

    @Test("half-even rounding goes to the even neighbour on exact halves, both signs")
    func halfEven() throws {
        // raw 5 × 1 / 2 = 2.5 → 2; raw 15 / 2 = 7.5 → 8; −2.5 → −2; −7.5 → −8
        #expect(try Money(rawValue: 5).scaled(numerator: 1, denominator: 2, rounding: .halfEven).rawValue == 2)
        #expect(try Money(rawValue: 15).scaled(numerator: 1, denominator: 2, rounding: .halfEven).rawValue == 8)
        #expect(try Money(rawValue: -5).scaled(numerator: 1, denominator: 2, rounding: .halfEven).rawValue == -2)
        #expect(try Money(rawValue: -15).scaled(numerator: 1, denominator: 2, rounding: .halfEven).rawValue == -8)
        #expect(try Money(rawValue: -5).scaled(numerator: 1, denominator: 2, rounding: .down).rawValue == -3)
        #expect(try Money(rawValue: -5).scaled(numerator: 1, denominator: 2, rounding: .up).rawValue == -2)
        #expect(throws: FixedPointError.self) {
            try Money(rawValue: 1).scaled(numerator: 1, denominator: 0, rounding: .down)
        }
    }

    @Test("average price of a notional over a quantity")
    func averagePrice() throws {
        #expect(
            try Price.average(notional: Money("4008"), quantity: Quantity("400"), rounding: .exact) == Price("10.02"))
        #expect(
            try Price.average(notional: Money("10"), quantity: Quantity("3"), rounding: .halfEven)
                == Price("3.33333333"))
        #expect(throws: FixedPointError.self) {
            try Price.average(notional: Money("1"), quantity: .zero, rounding: .down)
        }
    }

    @Test("venue scaling converts exactly or reports a scale mismatch")
    func venueScaling() throws {
        #expect(try Price(scaled: 1002, decimals: 2) == Price("10.02"))
        #expect(try Price("10.02").scaled(toDecimals: 2) == 1002)
        #expect(try Quantity(scaled: 1_500_000_000_000_000_000, decimals: 18) == Quantity("1.5"))
        #expect(throws: FixedPointError(.scaleMismatch(found: 18, allowed: 8), type: "quantity", input: "1e-18")) {
            try Quantity(scaled: 1, decimals: 18)
        }
        #expect(throws: FixedPointError(.scaleMismatch(found: 3, allowed: 2), type: "price", input: "10.025")) {
            try Price("10.025").scaled(toDecimals: 2)
        }
        #expect(throws: FixedPointError.self) { try Price(scaled: 1, decimals: 19) }
        #expect(throws: FixedPointError.self) { try Price(scaled: .max, decimals: 0) }
        #expect(try Price("10.025").decimalPlaces == 3)
    }

    @Test("JSON carries decimal strings; numbers and bad strings are refused naming the field")
    func json() throws {
        struct Quote: Codable, Equatable {
            var price: Price
            var quantity: Quantity
        }
        let quote = Quote(price: try Price("10.02"), quantity: try Quantity("400"))
        let data = try JSONEncoder().encode(quote)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"price\":\"10.02\""))
        #expect(try JSONDecoder().decode(Quote.self, from: data) == quote)
        do {
            _ = try JSONDecoder().decode(Quote.self, from: Data(#"{"price": 10.02, "quantity": "1"}"#.utf8))
            Issue.record("a JSON number was accepted")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.last?.stringValue == "price")
            #expect(context.debugDescription.contains("decimal string"))
        }
        do {
            _ = try JSONDecoder().decode(Quote.self, from: Data(#"{"price": "10.02", "quantity": "-1"}"#.utf8))
            Issue.record("a negative quantity was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.last?.stringValue == "quantity")
            #expect(context.debugDescription.contains("negative"))
        }
    }

    @Test("ordering and hashing follow the value")
    func comparable() throws {
        #expect(try Price("9.99") < Price("10"))
        #expect(try Price("10.0") == Price("10"))
        #expect(Set([try Price("1.0"), try Price("1")]).count == 1)
        #expect(Quantity.minimum(try Quantity("2"), try Quantity("1.5")) == (try Quantity("1.5")))
        #expect(try Price("10.05").isMultiple(of: Price("0.05")))
        #expect(try !Price("10.03").isMultiple(of: Price("0.05")))
    }
}
