import ATSDomain
import ATSVenues
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import _CryptoExtras

@testable import ATSVenueMocks

/// The INX mock's door: what a correctly signed request gets, and each way a request can be
/// refused (no signature, another key's, a signature over another request, a stale timestamp, a
/// reused nonce, an unknown key, too many requests), each with its own code.
@Suite("INX: signed requests and rate limits")
struct InxDialectTests {
    static let key = try! _RSA.Signing.PrivateKey(pemRepresentation: InxSigning.demoPrivateKeyPEM)

    /// The four headers for `method path body`, signed with `key` (the demo key unless given).
    static func signed(
        _ method: String, _ path: String, body: String = "", keyID: String = "inx-demo",
        key: _RSA.Signing.PrivateKey = key, nonce: String = UUID().uuidString, timestamp: Int64? = nil,
        signedPath: String? = nil, signedBody: String? = nil
    ) throws -> [String: String] {
        let stamp = timestamp ?? SystemClock().now().nanosecondsSinceEpoch / 1_000_000
        let message = InxSigning.message(
            timestampMilliseconds: stamp, nonce: nonce, keyID: keyID, method: method,
            pathAndQuery: signedPath ?? path, body: Array((signedBody ?? body).utf8))
        return [
            InxSigning.keyHeader: keyID, InxSigning.nonceHeader: nonce, InxSigning.timestampHeader: String(stamp),
            InxSigning.signatureHeader: try key.signature(for: message).rawRepresentation.base64EncodedString(),
        ]
    }

    static func code(_ reply: (status: Int, json: Any?)) -> String? { reply.json["error"]["code"].string }

    @Test(
        "a signed request is answered; unsigned, another key's, altered, stale, replayed and unknown-key requests are 401 naming why"
    )
    func signatures() async throws {
        let venue = try LiveVenue("inx")
        try await venue.run { client in
            let path = "/api/v1/instruments"
            let good = try await client.call(.get, path, headers: try Self.signed("GET", path))
            #expect(good.status == 200)
            #expect(good.json.array?.count == 3)
            let unsigned = try await client.call(.get, path)
            #expect(unsigned.status == 401 && Self.code(unsigned) == "missing_signature")
            #expect(unsigned.json["success"] as? Bool == false)
            let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let otherKey = try await client.call(.get, path, headers: try Self.signed("GET", path, key: stranger))
            #expect(otherKey.status == 401 && Self.code(otherKey) == "invalid_signature")
            let books = "/api/v1/market-data/books?depth=5"
            let otherPath = try await client.call(.get, books, headers: try Self.signed("GET", books, signedPath: path))
            #expect(otherPath.status == 401 && Self.code(otherPath) == "invalid_signature")
            let order =
                #"{"clientOrderId":"k-1","symbol":"ACME","side":"BUY","type":"LIMIT","quantity":"1","price":"9.00","timeInForce":"GTC"}"#
            let altered = try await client.call(
                .post, "/api/v1/orders",
                headers: try Self.signed(
                    "POST", "/api/v1/orders", body: order,
                    signedBody: order.replacingOccurrences(of: "9.00", with: "8.00")), body: order)
            #expect(altered.status == 401 && Self.code(altered) == "invalid_signature")
            let old = SystemClock().now().nanosecondsSinceEpoch / 1_000_000 - 60_000
            let stale = try await client.call(.get, path, headers: try Self.signed("GET", path, timestamp: old))
            #expect(stale.status == 401 && Self.code(stale) == "invalid_timestamp")
            let once = try Self.signed("GET", path, nonce: "nonce-once-1")
            #expect(try await client.call(.get, path, headers: once).status == 200)
            let replayed = try await client.call(.get, path, headers: once)
            #expect(replayed.status == 401 && Self.code(replayed) == "nonce_reused")
            let unknown = try await client.call(.get, path, headers: try Self.signed("GET", path, keyID: "someone"))
            #expect(unknown.status == 401 && Self.code(unknown) == "invalid_api_key")
            // The refusals changed nothing: the signed order still rests.
            let placed = try await client.call(
                .post, "/api/v1/orders", headers: try Self.signed("POST", "/api/v1/orders", body: order), body: order)
            #expect(placed.status == 201 && placed.json["status"].string == "NEW")
        }
    }

    @Test("a taker pays the taker rate less the token discount (36 bp of 40), reported as an INX fee")
    func feesAreDiscountedWhenPaidInTheToken() async throws {
        let venue = try LiveVenue("inx")
        #expect(venue.definition.fees.taker.description == "36")
        #expect(venue.definition.fees.maker.description == "18")
        let ask = try #require(try await venue.engine.book(try Symbol("ACME")).topOfBook.ask)
        let quantity = min(ask.quantity, try Quantity("10"))
        try await venue.run { client in
            let order =
                #"{"clientOrderId":"fee-1","symbol":"ACME","side":"BUY","type":"LIMIT","quantity":"\#(quantity)","price":"\#(ask.price)","timeInForce":"IOC"}"#
            let placed = try await client.call(
                .post, "/api/v1/orders", headers: try Self.signed("POST", "/api/v1/orders", body: order), body: order)
            #expect(placed.json["status"].string == "FILLED")
            #expect(placed.json["feeAsset"].string == "INX")
            // Hand arithmetic: price × quantity × 0.0036, exact in decimal.
            let expected =
                Decimal(string: ask.price.description)! * Decimal(string: quantity.description)!
                * Decimal(string: "0.0036")!
            #expect(Decimal(string: placed.json["fee"].string ?? "") == expected, "\(placed.json ?? "")")
        }
    }

    @Test("the eleventh request in any second and the hundred-and-first in any minute are refused")
    func rateWindows() async throws {
        let gate = InxGate(
            keyID: "k", publicKeyPEM: nil, limit: .init(requestsPerSecond: 10, burst: 10, requestsPerMinute: 100))
        var refused: [Int64] = []
        // 12 requests in each of 10 seconds, 5 ms apart: 10 pass in each second until the minute's 100.
        for second in Int64(0)..<10 {
            for n in Int64(0)..<12 {
                let at = second * 1_000 + n * 5
                do { try await gate.throttle(at: at) } catch { refused.append(at) }
            }
        }
        #expect(refused.count == 20, "\(refused)")
        #expect(refused.allSatisfy { $0 % 1_000 >= 50 })  // the 11th and 12th of each second
        for n in Int64(0)..<5 {
            do {
                try await gate.throttle(at: 20_000 + n)
                Issue.record("the 101st request of the minute was admitted")
            } catch { #expect(error.code == "rate_limit_exceeded") }
        }
        // A minute after the first, its slot is free again.
        try await gate.throttle(at: 60_001)
    }

    @Test("over the limit a request is 429 rate_limit_exceeded with Retry-After")
    func rateLimits() async throws {
        // Five a minute (the second's limit out of reach): the sixth request is refused.
        let allowed = 5
        var definition = try Fixtures.venue("inx")
        definition.rateLimit = .init(requestsPerSecond: 1_000, burst: 1_000, requestsPerMinute: allowed)
        let clock = ManualClock(Fixtures.monday)
        let engine = VenueEngine(definition: definition, clock: clock)
        await engine.pause()
        let app = MockVenueServer.application(
            engine: engine, credentials: .demo(for: definition.id), clock: clock, stepInterval: nil)
        try await app.test(.live) { client in
            let path = "/api/v1/instruments"
            // Signed ahead, so that the requests go out within the second.
            let requests = try (0...allowed).map { _ in try Self.signed("GET", path) }
            var statuses: [Int] = []
            for headers in requests { statuses.append(try await client.call(.get, path, headers: headers).status) }
            #expect(statuses.prefix(allowed).allSatisfy { $0 == 200 }, "\(statuses)")
            #expect(statuses.last == 429, "\(statuses)")
            let refused = try await client.execute(
                uri: path, method: .get,
                headers: HTTPFields(
                    try Self.signed("GET", path).map { HTTPField(name: .init($0.key)!, value: $0.value) })
            ) { response in (response.status.code, response.headers[.retryAfter]) }
            #expect(refused.0 == 429 && refused.1 == "1")
        }
    }
}
