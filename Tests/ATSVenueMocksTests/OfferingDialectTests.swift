import ATSDomain
import ATSVenueMocks
import ATSVenues
import Foundation
import HummingbirdTesting
import Testing

/// Primary offerings at the mocks that run them: tZERO's `/pi/v1` investments and Rialto's own
/// subscriptions. Listed open, a subscription taken once per key, its terms enforced, and at close
/// the allocation every subscriber reads back.
@Suite("Venue mocks: primary offerings")
struct OfferingDialectTests {
    @Test(
        "tZERO: assets list the offering; an investment is taken once per key, refused out of range or after close, allocated at close"
    )
    func tzeroInvestments() async throws {
        let venue = try LiveVenue("tzero")
        try await venue.run { client in
            let login = try await client.call(
                .post, "/auth/v1/api/token", body: #"{"clientId":"tzero-demo","clientSecret":"tzero-demo-secret"}"#)
            let auth = [
                "x-apikey": "tzero-demo", "Authorization": "Bearer \(try #require(login.json["accessToken"].string))",
            ]
            #expect(try await client.call(.get, "/pi/v1/assets").status == 401)
            let assets = try await client.call(.get, "/pi/v1/assets", headers: auth)
            #expect(assets.json[0]["assetId"].string == "ACME-2027A" && assets.json[0]["status"].string == "OPEN")
            #expect(assets.json[0]["pricePerShare"].string == "10.05")
            let path = "/pi/v1/assets/ACME-2027A/investments"
            let first = try await client.call(
                .post, path, headers: auth, body: #"{"investmentId":"inv-1","amount":"300000"}"#)
            #expect(first.status == 422 && first.json["errors"][0]["code"].string == "INVESTMENT_OUT_OF_RANGE")
            let made = try await client.call(
                .post, path, headers: auth, body: #"{"investmentId":"inv-1","amount":"2010"}"#)
            #expect(made.status == 201 && made.json["status"].string == "PENDING")
            let again = try await client.call(
                .post, path, headers: auth, body: #"{"investmentId":"inv-1","amount":"2010"}"#)
            #expect(again.status == 200 && again.json["id"].string == made.json["id"].string)
            let other = try await client.call(
                .post, path, headers: auth, body: #"{"investmentId":"inv-1","amount":"3000"}"#)
            #expect(other.status == 409)
            #expect(
                try await client.call(.post, path, headers: auth, body: #"{"investmentId":"inv-2","amount":"2x"}"#)
                    .json["errors"][0]["field"].string == "amount")
            // 51000 in all: over the 50000 minimum raise, under the 500000 maximum: each buys whole units.
            _ = try await client.call(.post, path, headers: auth, body: #"{"investmentId":"inv-3","amount":"48990"}"#)
            let closed = try await client.call(
                .post, "/_mock/offerings/ACME-2027A/close", headers: ["x-mock-admin": "tzero-demo-secret"])
            #expect(closed.json["outcome"].string == "allocated", "\(closed.json ?? "")")
            let id = try #require(made.json["id"].string)
            let allocated = try await client.call(.get, "/pi/v1/investments/\(id)", headers: auth)
            // 2010 buys 200 units at 10.05 (2010.00): nothing refunded; issued on the close day.
            #expect(allocated.json["status"].string == "ALLOCATED" && allocated.json["shares"].string == "200")
            #expect(allocated.json["refund"].string == "0" && allocated.json["issueDate"].string == "2026-11-23")
            let late = try await client.call(
                .post, path, headers: auth, body: #"{"investmentId":"inv-9","amount":"2010"}"#)
            #expect(late.status == 422 && late.json["errors"][0]["code"].string == "OFFERING_CLOSED")
        }
    }

    @Test("Rialto: a subscription needs its Idempotency-Key; below the minimum raise the close refunds it whole")
    func rialtoSubscriptions() async throws {
        let venue = try LiveVenue("rialto")
        try await venue.run { client in
            let auth = ["Authorization": "Basic " + Data("rialto-demo:rialto-demo-secret".utf8).base64EncodedString()]
            let listed = try await client.call(.get, "/api/v2/offerings", headers: auth)
            #expect(listed.json.array?.count == 2)
            #expect(
                listed.json[0]["chain"].string == "polygon"
                    && listed.json[1]["regulation_crowdfunding"] as? Bool == true)
            let path = "/api/v2/offerings/VINE-2026B/subscriptions"
            let body = #"{"amount":{"amount":"1200","currency":"USD"}}"#
            let keyless = try await client.call(.post, path, headers: auth, body: body)
            #expect(keyless.status == 400 && keyless.json["error"]["param"].string == "Idempotency-Key")
            let made = try await client.call(
                .post, path, headers: auth.merging(["Idempotency-Key": "s-1"]) { $1 }, body: body)
            #expect(made.status == 201 && made.json["state"].string == "pending")
            _ = try await venue.engine.offerings.close("VINE-2026B")
            let id = try #require(made.json["id"].string)
            let after = try await client.call(.get, "/api/v2/subscriptions/\(id)", headers: auth)
            #expect(after.json["state"].string == "refunded" && after.json["refund"]["amount"].string == "1200")
            #expect(after.json["units"].string == "0")
        }
    }

    @Test(
        "Texture: its offering listed; a subscription once per clientSubId, refused for a missing id or after close, allocated"
    )
    func textureSubscriptions() async throws {
        let venue = try LiveVenue("texture")
        try await venue.run { client in
            let auth = ["X-API-Key": "texture-demo", "X-API-Secret": "texture-demo-secret"]
            #expect(try await client.call(.get, "/api/v2/offerings").status == 401)
            let listed = try await client.call(.get, "/api/v2/offerings", headers: auth)
            #expect(listed.json[0]["offeringId"].string == "PEQ-2027-S1" && listed.json[0]["payIn"].string == "USDC")
            let path = "/api/v2/offerings/PEQ-2027-S1/subscriptions"
            let idless = try await client.call(.post, path, headers: auth, body: #"{"clientSubId":"","amount":"2500"}"#)
            #expect(idless.status == 400, "\(idless.json ?? "")")
            // 100 000 alone meets the minimum raise: 4 000 units at 25.00.
            let made = try await client.call(
                .post, path, headers: auth, body: #"{"clientSubId":"t-1","amount":"100000"}"#)
            #expect(made.status == 201 && made.json["state"].string == "pending")
            let again = try await client.call(
                .post, path, headers: auth, body: #"{"clientSubId":"t-1","amount":"100000"}"#)
            #expect(again.status == 200 && again.json["subId"].string == made.json["subId"].string)
            _ = try await venue.engine.offerings.close("PEQ-2027-S1")
            let id = try #require(made.json["subId"].string)
            let after = try await client.call(.get, "/api/v2/subscriptions/\(id)", headers: auth)
            #expect(after.json["state"].string == "allocated" && after.json["units"].string == "4000")
            let late = try await client.call(
                .post, path, headers: auth, body: #"{"clientSubId":"t-2","amount":"2500"}"#)
            #expect(late.status == 422, "\(late.json ?? "")")
        }
    }

    @Test(
        "Securitize: its fund offering listed for qualified purchasers; an investment once per externalId, allocated at close"
    )
    func securitizeInvestments() async throws {
        let venue = try LiveVenue("securitize")
        try await venue.run { client in
            let auth = ["Authorization": "apiKey securitize-demo:securitize-demo-secret"]
            #expect(try await client.call(.get, "/v1/offerings").status == 401)
            let listed = try await client.call(.get, "/v1/offerings", headers: auth)
            #expect(listed.json[0]["id"].string == "TRSY-2027-Q1")
            #expect(listed.json[0]["qualifiedPurchaserOnly"] as? Bool == true)
            let path = "/v1/offerings/TRSY-2027-Q1/investments"
            let small = try await client.call(
                .post, path, headers: auth, body: #"{"externalId":"s-0","amount":"4999999"}"#)
            #expect(small.status == 422, "\(small.json ?? "")")
            let made = try await client.call(
                .post, path, headers: auth, body: #"{"externalId":"s-1","amount":"10000000"}"#)
            #expect(made.status == 201 && made.json["status"].string == "pending")
            _ = try await venue.engine.offerings.close("TRSY-2027-Q1")
            let id = try #require(made.json["id"].string)
            let after = try await client.call(.get, "/v1/investments/\(id)", headers: auth)
            #expect(after.json["status"].string == "allocated" && after.json["units"].string == "10000000")
        }
    }
}
