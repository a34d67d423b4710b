import ATSDomain
import ATSRouter
import ATSServer
import Foundation
import HTTPTypes
import Testing

/// What a hostile client tried: paths spelt to dodge the key check, dates and numbers past what
/// the types hold, bodies that are not JSON, wrong methods, locations that do not exist, and what
/// `/health` and `/metrics` give away. Each is a 4xx naming the field (or a 401/405/415), never a
/// crash, and nothing is created.
@Suite(.serialized) struct HostileClientTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "orders"), (.post, "orders"), (.get, "orders/1"), (.delete, "orders/1"), (.get, "book/ACME"),
        (.get, "venues"),
        (.get, "settlements"), (.get, "positions"), (.post, "transfers"), (.get, "reports"),
    ]

    @Test func everyV1RouteNeedsAKeyHoweverItsPathIsSpelt() async throws {
        try await LiveAPI.with { _, client in
            for (method, route) in Self.routes {
                for spelling in ["/v1/\(route)", "//v1/\(route)", "/v1//\(route)", "/v1/\(route)/", "///v1///\(route)"]
                {
                    let reply = try await client.call(method, spelling, key: nil, body: method == .post ? "{}" : nil)
                    // Either the route (then 401) or no route at all (404): never an answer, never a crash.
                    #expect(
                        reply.status == 401 || reply.status == 404,
                        "\(method) \(spelling): \(reply.status) \(reply.text)")
                    #expect(
                        reply.status != 404 || spelling.hasPrefix("///"),
                        "\(method) \(spelling) should reach the route: \(reply.text)")
                }
            }
            // The open routes stay open.
            for path in ["/health", "/ready", "/metrics", "//health"] {
                #expect(try await client.call(.get, path, key: nil).status == 200, "\(path)")
            }
        }
    }

    @Test func datesAndNumbersPastTheirTypesAre400sNamingTheField() async throws {
        try await LiveAPI.with { _, client in
            for (query, field) in [
                ("from=2262-04-12", "from"), ("to=9999-12-31", "to"), ("from=1677-09-21", "from"),
                ("from=2261-12-31T23:59:59Z&to=2262-01-01", "to"), ("from=0001-01-01", "from"),
            ] {
                let reply = try await client.call(.get, "/v1/reports?\(query)")
                #expect(reply.status == 400 && reply.errorField == field, "\(query): \(reply.text)")
            }
            #expect(try await client.call(.get, "/v1/reports?from=2261-12-31").status == 200)
            // Quantities and prices at the edge of what a fixed-point value holds: refused or routed, never a trap.
            var random = SplitMix64(seed: 13)
            let edges = [
                "92233720368", "92233720368.54775807", "92233720367.99999999", "0.00000001", "1",
                "46116860184.27387903",
            ]
            for _ in 0..<40 {
                let quantity = edges[random.below(edges.count)]
                let limit = random.below(3) == 0 ? nil : edges[random.below(edges.count)]
                let side = random.below(2) == 0 ? "buy" : "sell"
                let body =
                    #"{"symbol":"ACME","side":"\#(side)","quantity":"\#(quantity)""#
                    + (limit.map { #","limitPrice":"\#($0)""# } ?? "") + "}"
                let reply = try await client.call(.post, "/v1/orders?wait=5", body: body)
                #expect((200..<500).contains(reply.status), "\(body): \(reply.status) \(reply.text)")
                if reply.status < 300 {
                    #expect(
                        ["rejected", "expired", "filled", "partially_filled"].contains(
                            reply.object["status"] as? String ?? ""), "\(body): \(reply.text)")
                }
            }
            #expect(try await client.call(.get, "/health", key: nil).status == 200)
        }
    }

    @Test func bodiesThatAreNotUTF8JSONAndWrongMethodsAreRefused() async throws {
        try await LiveAPI.with { _, client in
            let order = Array(#"{"symbol":"ACME","side":"buy","quantity":"1"}"#.utf8)
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(Keys.alice)"
            for type in [
                nil, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
                "application/jsonx",
            ] {
                var headers = fields
                if let type { headers[.contentType] = type }
                let reply = try await client.raw(.post, "/v1/orders", headers: headers, body: order)
                #expect(
                    reply.status == 415 && reply.errorCode == "unsupported_media_type",
                    "\(type ?? "none"): \(reply.text)")
            }
            fields[.contentType] = "application/json; charset=UTF-8"
            let utf16 = Array(#"{"symbol":"ACME","side":"buy","quantity":"1"}"#.data(using: .utf16LittleEndian)!)
            for body in [
                [0xEF, 0xBB, 0xBF] + order, [0xFF, 0xFE] + utf16, utf16, Array(order.dropLast()) + [0xC3, 0x28, 0x7D],
            ] {
                let reply = try await client.raw(.post, "/v1/orders", headers: fields, body: body)
                #expect(reply.status == 400 && reply.errorCode == "malformed_json", "\(body.prefix(4)): \(reply.text)")
            }
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/v1/orders", "GET, POST"), (.post, "/v1/orders/1", "DELETE, GET, PATCH"),
                (.post, "/health", "GET"), (.delete, "/v1/venues", "GET"), (.post, "//v1/book/ACME", "GET"),
            ] {
                let reply = try await client.call(method, path)
                #expect(
                    reply.status == 405 && reply.headers[.allow] == allow && reply.errorCode == "method_not_allowed",
                    "\(method) \(path): \(reply.text)")
            }
            #expect((try await client.call(.get, "/v1/orders").object["orders"] as? [Any])?.isEmpty == true)
            let good = try await client.raw(.post, "/v1/orders", headers: fields, body: order)
            #expect(good.status == 201, "\(good.text)")
        }
    }

    @Test func transfersGoOnlyToKnownLocations() async throws {
        try await LiveAPI.with { _, client in
            for to in [
                "wallet:nochain", "wallet:" + String(repeating: "a", count: 5_000), "custodian:nasdaq", "bank",
                "transit", "wallet:",
            ] {
                let reply = try await client.call(
                    .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5","to":"\#(to)"}"#)
                // Malformed: 400; well formed but nowhere this router knows: 422 unknown_location.
                #expect(
                    [400, 422].contains(reply.status) && reply.errorField == "to",
                    "\(to.prefix(20)): \(reply.text.prefix(300))")
                #expect(reply.text.count < 1_000, "the reply does not echo a long input")
            }
            let from = try await client.call(
                .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5","from":"wallet:moon","to":"tzero"}"#)
            #expect(
                from.status == 422 && from.errorCode == "unknown_location" && from.errorField == "from", "\(from.text)")
            let known = try await client.call(
                .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5","to":"custodian:tzero"}"#)
            #expect(known.status == 201, "\(known.text)")
        }
    }

    @Test func healthAndMetricsGiveNothingAway() async throws {
        try await LiveAPI.with { api, client in
            _ = try await client.call(
                .post, "/v1/orders?wait=5", body: #"{"symbol":"ACME","side":"buy","quantity":"3"}"#)
            _ = try await client.call(
                .post, "/v1/orders?wait=5", key: Keys.bob, body: #"{"symbol":"ACME","side":"buy","quantity":"3"}"#)
            _ = try await client.call(.get, "/v1/orders", key: "ak-guess-0000")
            let health = try await client.call(.get, "/health", key: nil)
            #expect(health.object["journal"] as? String == "ok", "\(health.text)")
            let ready = try await client.call(.get, "/ready", key: nil)
            #expect(ready.status == 200 && ready.object["ready"] as? Bool == true, "\(ready.text)")
            let metrics = try await client.call(.get, "/metrics", key: nil).text
            let secrets = [
                "alice", "bob", Keys.alice, Keys.bob, "ak-", "ats-api-test", NSTemporaryDirectory(), "journal.sqlite",
            ]
            for text in [health.text, metrics] {
                for secret in secrets { #expect(!text.contains(secret), "\(secret) in \(text.prefix(200))") }
            }
            #expect(api.runtime.isReady)
        }
    }
}
