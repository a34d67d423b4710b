import ATSDomain
import Foundation
import Testing

/// `PATCH /v1/orders/{id}`: a resting order's quantity or limit changed by cancel and replace;
/// anything else refused naming why, the order unchanged.
@Suite(.serialized) struct AmendTests {
    static let resting = #"{"symbol":"ACME","side":"buy","quantity":"50","limitPrice":"9.00","timeInForce":"DAY"}"#

    @Test func aRestingOrderIsCancelledAndReplacedAsAmendedAndItsFillsStand() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            let placed = try await client.call(.post, "/v1/orders?wait=10", body: Self.resting)
            #expect(placed.object["status"] as? String == "resting", "\(placed.text)")
            let id = try #require(placed.object["id"] as? String)
            let before = try #require((placed.object["children"] as? [[String: Any]])?.last)
            // Larger and higher: the old child is cancelled at its venue, a new one rests for 80 at 9.10.
            let amended = try await client.call(
                .patch, "/v1/orders/\(id)", body: #"{"quantity":"80","limitPrice":"9.10"}"#)
            #expect(amended.status == 200, "\(amended.text)")
            #expect(amended.object["status"] as? String == "resting", "\(amended.text)")
            #expect(amended.object["quantity"] as? String == "80" && amended.object["limitPrice"] as? String == "9.1")
            let children = try #require(amended.object["children"] as? [[String: Any]])
            #expect(children.first?["clientKey"] as? String == before["clientKey"] as? String)
            #expect(children.first?["status"] as? String == "cancelled", "\(children)")
            let live = children.filter {
                !["cancelled", "filled", "expired", "refused", "failed"].contains($0["status"] as? String ?? "")
            }
            #expect(
                live.count == 1 && live.first?["quantity"] as? String == "80"
                    && live.first?["limitPrice"] as? String == "9.1", "\(children)")
            // The journal keeps the amend: the order's row and its event.
            let journal = try #require(api.runtime.journal)
            let row = try #require(try journal.parent(id: Int64(id)!))
            let (quantity, limit) = (try Quantity("80"), try Price("9.10"))
            #expect(row.quantity == quantity.rawValue && row.limitPrice == limit.rawValue)
            let kinds = try journal.events(of: Int64(id)!).map(\.kind)
            #expect(kinds.contains("amended"), "\(kinds)")
            // A marketable limit: the replacement takes the asks within it and the order fills.
            let taken = try await client.call(.patch, "/v1/orders/\(id)", body: #"{"limitPrice":"10.50"}"#)
            #expect(taken.object["status"] as? String == "filled", "\(taken.text)")
            #expect(taken.object["filledQuantity"] as? String == "80")
            // Final: nothing to amend.
            let late = try await client.call(.patch, "/v1/orders/\(id)", body: #"{"quantity":"90"}"#)
            #expect(late.status == 409 && late.errorCode == "order_not_resting", "\(late.text)")
        }
    }

    @Test func badAmendsAreRefusedNamingTheFieldAndTheOrderIsUnchanged() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            let placed = try await client.call(.post, "/v1/orders?wait=10", body: Self.resting)
            let id = try #require(placed.object["id"] as? String)
            for (body, status, code, field) in [
                (#"{"quantity":"0"}"#, 400, "invalid_field", "quantity"),
                (#"{"quantity":5}"#, 400, "invalid_field", "quantity"),
                ("{}", 400, "missing_field", "quantity"),
                (#"{"side":"sell"}"#, 400, "unknown_field", "side"),
                (#"{"limitPrice":"9.001"}"#, 422, "off_tick", "limitPrice"),
                (#"{"limitPrice":"-1"}"#, 400, "invalid_field", "limitPrice"),
            ] {
                let reply = try await client.call(.patch, "/v1/orders/\(id)", body: body)
                #expect(
                    reply.status == status && reply.errorCode == code && reply.errorField == field,
                    "\(body): \(reply.text)")
            }
            #expect(try await client.call(.patch, "/v1/orders/\(id)", key: Keys.bob, body: "{}").status == 404)
            #expect(try await client.call(.patch, "/v1/orders/999999", body: #"{"quantity":"1"}"#).status == 404)
            #expect(try await client.call(.patch, "/v1/orders/\(id)", key: nil, body: "{}").status == 401)
            let after = try await client.call(.get, "/v1/orders/\(id)")
            #expect(after.object["quantity"] as? String == "50" && after.object["limitPrice"] as? String == "9")
            #expect(after.object["status"] as? String == "resting")
            // More than the account's cash pays for: refused naming the rule, the order resting as it was.
            let huge = try await client.call(.patch, "/v1/orders/\(id)", body: #"{"quantity":"99000"}"#)
            #expect(huge.status == 422 && huge.errorCode == "insufficient_cash", "\(huge.text)")
            let kept = try await client.call(.get, "/v1/orders/\(id)?wait=5")
            #expect(
                kept.object["status"] as? String == "resting" && kept.object["quantity"] as? String == "50",
                "\(kept.text)")
            // An IOC is never resting: nothing to amend.
            let ioc = try await client.call(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"buy","quantity":"5","limitPrice":"10.50","timeInForce":"IOC"}"#)
            let done = try await client.call(
                .patch, "/v1/orders/\(ioc.object["id"] as? String ?? "")", body: #"{"quantity":"6"}"#)
            #expect(done.status == 409 && done.errorCode == "order_not_resting", "\(done.text)")
        }
    }
}
