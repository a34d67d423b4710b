import ATSDomain
import ATSVenueMocks
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// What every dialect must do, driven through each one's own endpoints and shapes.
@Suite("Venue mocks: behaviour common to every dialect")
struct CommonBehaviourTests {
    /// How to talk to one dialect.
    struct Driver: Sendable, CustomTestStringConvertible {
        let venue: String
        let symbol: String
        /// Logs in if the dialect needs it and returns the headers that authenticate.
        let authenticate: @Sendable (TestClientProtocol) async throws -> [String: String]
        let ordersPath: String
        /// A body that buys `quantity` at `price` under `key`, taking liquidity.
        let order: @Sendable (_ key: String, _ price: Price, _ quantity: Quantity) throws -> String
        let idField: @Sendable (Any?) -> String?
        let cancel: @Sendable (_ id: String) -> (HTTPRequest.Method, String)
        var testDescription: String { venue }
    }

    static let drivers: [Driver] = [
        Driver(
            venue: "tzero", symbol: "ACME",
            authenticate: { client in
                let token =
                    try await client.call(
                        .post, "/auth/v1/api/token",
                        body: #"{"clientId":"tzero-demo","clientSecret":"tzero-demo-secret"}"#
                    ).json["accessToken"].string ?? ""
                return ["x-apikey": "tzero-demo", "Authorization": "Bearer \(token)"]
            }, ordersPath: "/trading/v1/accounts/tzero-demo/orders",
            order: { key, price, quantity in
                #"{"transactionId":"\#(key)","symbol":"ACME","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":"\#(quantity)","limitPrice":"\#(price)"}"#
            }, idField: { $0["id"].string }, cancel: { (.delete, "/trading/v1/accounts/tzero-demo/orders/\($0)") }),
        Driver(
            venue: "archax", symbol: "GILT",
            authenticate: { client in
                let jwt =
                    try await client.call(
                        .post, "/login", body: #"{"email":"archax-demo","password":"archax-demo-secret"}"#
                    ).json["data"]["jwt"].string ?? ""
                return ["Authorization": "Bearer \(jwt)"]
            }, ordersPath: "/orders",
            order: { key, price, quantity in
                #"{"actionRef":"\#(key)","instrumentId":3,"limitPrice":\#(try price.scaled(toDecimals: 4)),"orderType":0,"quantity":\#(try quantity.scaled(toDecimals: 2)),"side":0,"organisationId":"archax-demo"}"#
            }, idField: { $0["orderId"].string }, cancel: { (.post, "/orders/\($0)/cancel") }),
        Driver(
            venue: "securitize", symbol: "TRSY",
            authenticate: { _ in
                ["Authorization": "apiKey securitize-demo:securitize-demo-secret"]
            }, ordersPath: "/v1/orders",
            order: { key, price, quantity in
                #"{"clientOrderId":"\#(key)","assetId":"TRSY","side":"buy","quantity":"\#(quantity)","price":"\#(price)","timeInForce":"GTC"}"#
            }, idField: { $0["orderId"].string }, cancel: { (.delete, "/v1/orders/\($0)") }),
        Driver(
            venue: "openfinance", symbol: "SPCE",
            authenticate: { _ in
                [
                    "Authorization": "Basic "
                        + Data("openfinance-demo:openfinance-demo-secret".utf8).base64EncodedString()
                ]
            }, ordersPath: "/of/v1/orders",
            order: { key, price, quantity in
                #"{"idempotencyKey":"\#(key)","market":"SPCE-USD","direction":"BUY","orderType":"LIMIT","amount":"\#(quantity)","price":"\#(price)","timeInForce":"GTC"}"#
            }, idField: { $0["order"]["id"].string }, cancel: { (.delete, "/of/v1/orders/\($0)") }),
        Driver(
            venue: "texture", symbol: "PEQ",
            authenticate: { _ in
                ["X-API-Key": "texture-demo", "X-API-Secret": "texture-demo-secret"]
            }, ordersPath: "/api/v2/orders",
            order: { key, price, quantity in
                #"{"clientRef":"\#(key)","symbol":"PEQ","side":"bid","qty":"\#(quantity)","limit":"\#(price)","duration":"day"}"#
            }, idField: { $0["orderId"].string }, cancel: { (.delete, "/api/v2/orders/\($0)") }),
    ]

    @Test("no or wrong credentials: 401; malformed JSON: 400; neither takes the server down", arguments: drivers)
    func badInput(_ driver: Driver) async throws {
        let venue = try LiveVenue(driver.venue)
        try await venue.run { client in
            #expect(try await client.call(.post, driver.ordersPath, body: "{}").status == 401)
            #expect(
                try await client.call(.post, driver.ordersPath, headers: ["Authorization": "Bearer forged"], body: "{}")
                    .status == 401)
            let auth = try await driver.authenticate(client)
            for body in ["{", "not json", "", "[1,2]", String(repeating: "x", count: 70_000)] {
                let reply = try await client.call(.post, driver.ordersPath, headers: auth, body: body)
                #expect(reply.status == 400, "\(driver.venue): \(body.prefix(10)) → \(reply.status)")
            }
            #expect(try await client.call(.get, "/health").status == 200)
            // An unknown path answers 404 in the venue's own error shape.
            let unknown = try await client.call(.get, "/no/such/endpoint", headers: auth)
            #expect(unknown.status == 404)
            #expect(unknown.json != nil, "\(driver.venue): the 404 has no JSON body")
        }
    }

    @Test(
        "a resubmission under the same key returns the same order; a filled order cannot be cancelled",
        arguments: drivers)
    func idempotencyAndCancel(_ driver: Driver) async throws {
        let venue = try LiveVenue(driver.venue)
        let symbol = try Symbol(driver.symbol)
        let ask = try #require(try await venue.engine.book(symbol).topOfBook.ask)
        let listing = try #require(venue.definition.listing(symbol))
        let quantity = Quantity.minimum(ask.quantity, listing.maximumOrderQuantity)
        try await venue.run { client in
            let auth = try await driver.authenticate(client)
            let body = try driver.order("key-1", ask.price, quantity)
            let first = try await client.call(.post, driver.ordersPath, headers: auth, body: body)
            #expect(first.status == 201, "\(driver.venue): \(String(describing: first.json))")
            let id = try #require(driver.idField(first.json))
            let second = try await client.call(.post, driver.ordersPath, headers: auth, body: body)
            #expect(second.status == 200)
            #expect(driver.idField(second.json) == id)
            if venue.definition.matching.model == .callAuction {
                _ = await venue.engine.runAuctions()
            }
            let order = try await venue.engine.order(try OrderID(parsing: id), owner: venue.credentials.keyID)
            #expect(order.status == .filled, "\(driver.venue): \(order.status)")
            let (method, path) = driver.cancel(id)
            let refused = try await client.call(method, path, headers: auth)
            #expect(refused.status == 422, "\(driver.venue): cancel of a filled order → \(refused.status)")
        }
    }

    @Test(
        "hundreds of mutated order bodies: every reply is a 2xx or 4xx in the venue's shape, never a 5xx",
        arguments: drivers)
    func mutatedBodies(_ driver: Driver) async throws {
        let venue = try LiveVenue(driver.venue)
        let symbol = try Symbol(driver.symbol)
        let ask = try #require(try await venue.engine.book(symbol).topOfBook.ask)
        let valid = try driver.order("fuzz", ask.price, try Quantity("1"))
        let replacements = [
            "\"\"", "null", "true", "-1", "0", "1e309", "\"-5\"", "\"0\"", "\"1.000000001\"", "[]", "{}",
            "\"99999999999999999999\"", "\"\\u0000\"", "\"ÄÖÜ\"", "92233720368547758070", "\"abc\"",
        ]
        var random = SplitMix64(seed: fnvSeed(driver.venue))
        let cuts = (0..<60).map { _ in random.below(valid.count) }
        try await venue.run { client in
            let auth = try await driver.authenticate(client)
            // Every value in the valid body, replaced in turn by each hostile value; then random cuts.
            let data = Data(valid.utf8)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            var bodies: [String] = []
            for key in object.keys.sorted() {
                for replacement in replacements {
                    var copy = object
                    copy.removeValue(forKey: key)
                    let rest = String(
                        decoding: try JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys]),
                        as: UTF8.self)
                    bodies.append(rest.dropLast() + (copy.isEmpty ? "" : ",") + "\"\(key)\":\(replacement)}")
                }
            }
            for cut in cuts { bodies.append(String(valid.prefix(cut))) }
            var statuses: [Int: Int] = [:]
            for (index, body) in bodies.enumerated() {
                let reply = try await client.call(
                    .post, driver.ordersPath, headers: auth,
                    body: body.replacingOccurrences(of: "fuzz", with: "fuzz-\(index)"))
                statuses[reply.status, default: 0] += 1
                #expect(reply.status < 500, "\(driver.venue): \(body) → \(reply.status)")
                #expect(reply.json != nil, "\(driver.venue): \(body) → no JSON")
            }
            #expect(statuses.keys.contains { (400..<500).contains($0) })
            #expect(try await client.call(.get, "/health").status == 200)
        }
    }
}

private func fnvSeed(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}
