import ATSDomain
import Foundation
import Testing

/// `POST /v1/plans`: the order admitted and planned on the live book for the caller, nothing sent
/// and nothing written; the same plan as the order then gets on the same book.
@Suite(.serialized) struct PlanPreviewTests {
    static let buy = #"{"symbol":"ACME","side":"buy","quantity":"300","limitPrice":"10.10","timeInForce":"IOC"}"#

    @Test func aPreviewIsTheFirstDecisionTheOrderThenMakesAndSendsNothing() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            let preview = try await client.call(.post, "/v1/plans", body: Self.buy)
            #expect(preview.status == 200, "\(preview.text)")
            #expect(preview.object["status"] as? String == "working", "\(preview.text)")
            let decision = try #require(preview.object["decision"] as? [String: Any], "\(preview.text)")
            let allocations = try #require(decision["allocations"] as? [[String: Any]])
            #expect(!allocations.isEmpty)
            let children = try #require(preview.object["children"] as? [[String: Any]])
            #expect(children.map { $0["venue"] as? String } == allocations.map { $0["venue"] as? String })
            #expect(children.map { $0["quantity"] as? String } == allocations.map { $0["quantity"] as? String })
            // Nothing was sent and nothing written.
            #expect((try await client.call(.get, "/v1/orders").object["orders"] as? [Any])?.isEmpty == true)
            // The order on the same book (the mocks' markets do not move by themselves) plans the same.
            let order = try await client.call(.post, "/v1/orders?wait=10", body: Self.buy)
            let first = try #require((order.object["decisions"] as? [[String: Any]])?.first, "\(order.text)")
            let routed = try #require(first["allocations"] as? [[String: Any]])
            for key in ["venue", "quantity", "averagePrice", "childLimitPrice", "fees", "allInCost"] {
                #expect(routed.map { "\($0[key] ?? "")" } == allocations.map { "\($0[key] ?? "")" }, "\(key)")
            }
            #expect(first["plannedQuantity"] as? String == decision["plannedQuantity"] as? String)
        }
    }

    @Test func aRefusalAWaitAndBadInputArePreviewedAsTheOrderWouldBe() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            // bob is onboarded at no venue listing ACME: refused naming the rule, as the order would be.
            let refused = try await client.call(.post, "/v1/plans", key: Keys.bob, body: Self.buy)
            #expect(refused.status == 200 && refused.object["status"] as? String == "rejected", "\(refused.text)")
            #expect((refused.object["rejection"] as? [String: Any])?["code"] as? String == "kyc_not_approved")
            #expect(refused.object["decision"] == nil)
            // alice's ACME is in her wallet: a sale at tZERO with allowTransfers would wait for a transfer.
            let waiting = try await client.call(
                .post, "/v1/plans",
                body:
                    #"{"symbol":"ACME","side":"sell","quantity":"50","limitPrice":"9.00","timeInForce":"DAY","includeVenues":["tzero"],"allowTransfers":true}"#
            )
            #expect(waiting.object["status"] as? String == "pending_transfer", "\(waiting.text)")
            let transfer = try #require(waiting.object["transfer"] as? [String: Any], "\(waiting.text)")
            #expect(transfer["venue"] as? String == "tzero" && transfer["minutes"] as? Int == 60)
            let move = try #require((transfer["moves"] as? [[String: Any]])?.first)
            #expect(move["from"] as? String == "wallet:ethereum" && move["to"] as? String == "custodian:tzero")
            #expect(move["quantity"] as? String == "50")
            // Nothing moved.
            let settlements = try await client.call(.get, "/v1/settlements")
            #expect((settlements.object["transfers"] as? [Any])?.isEmpty == true, "\(settlements.text)")
            // Bad input: the order's own errors, naming the field.
            for (body, status, code, field) in [
                (#"{"symbol":"ACME","side":"up","quantity":"1"}"#, 400, "invalid_field", "side"),
                (#"{"symbol":"NOPE","side":"buy","quantity":"1"}"#, 422, "unknown_symbol", "symbol"),
                (#"{"symbol":"ACME","side":"buy","quantity":"1","wait":1}"#, 400, "unknown_field", "wait"),
            ] {
                let reply = try await client.call(.post, "/v1/plans", body: body)
                #expect(
                    reply.status == status && reply.errorCode == code && reply.errorField == field,
                    "\(body): \(reply.text)")
            }
            #expect(try await client.call(.post, "/v1/plans", key: nil, body: Self.buy).status == 401)
            #expect((try await client.call(.get, "/v1/orders").object["orders"] as? [Any])?.isEmpty == true)
        }
    }
}

/// `GET /v1/securities`: each security as configured, with exactly the venues that list it.
@Suite struct SecuritiesTests {
    @Test func eachSecurityListsWhereItTradesAndItsTransferRules() async throws {
        try await LiveAPI.with { api, client in
            let reply = try await client.call(.get, "/v1/securities")
            #expect(reply.status == 200, "\(reply.text)")
            let securities = try #require(reply.object["securities"] as? [[String: Any]])
            #expect(securities.count == api.runtime.configuration.securities.count)
            let acme = try #require(securities.first { $0["symbol"] as? String == "ACME" })
            #expect(acme["exemption"] as? String == "reg_d_506c" && acme["holdingPeriod"] as? String == "12 months")
            #expect((acme["transferRules"] as? [String: Any])?["accreditedOnly"] as? Bool == true)
            let listings = try #require(acme["listings"] as? [[String: Any]])
            #expect(
                Set(listings.compactMap { $0["venue"] as? String })
                    == Set(
                        api.runtime.catalog.venues.filter { $0.listings.contains { $0.symbol.rawValue == "ACME" } }
                            .map(\.id.rawValue)))
            let tzero = try #require(listings.first { $0["venue"] as? String == "tzero" })
            #expect(
                tzero["tokenLocation"] as? String == "custodian:tzero" && tzero["referencePrice"] as? String == "10.02")
            #expect(
                tzero["settlement"] as? String == "custodial_book_entry" && tzero["matching"] as? String == "continuous"
            )
        }
    }
}

/// `GET /v1/fills`: the caller's fills, each once, in the order recorded, paged by `since`.
@Suite(.serialized) struct FillsTests {
    @Test func fillsArePagedBySequenceEachOnceAndOnlyTheCallers() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            var filled: [String: String] = [:]
            for body in [PlanPreviewTests.buy, #"{"symbol":"ACME","side":"sell","quantity":"40","timeInForce":"IOC"}"#]
            {
                let order = try await client.call(.post, "/v1/orders?wait=10", body: body)
                filled[order.object["id"] as? String ?? ""] = order.object["filledQuantity"] as? String
            }
            let all = try await client.call(.get, "/v1/fills")
            let fills = try #require(all.object["fills"] as? [[String: Any]], "\(all.text)")
            #expect(fills.count >= 2 && all.object["more"] as? Bool == false)
            let sequences = fills.compactMap { ($0["sequence"] as? String).flatMap { Int64($0) } }
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
            // Each order's fills add up to what it filled.
            for (id, quantity) in filled {
                let sum = try fills.filter { $0["orderId"] as? String == id }.reduce(Int64(0)) {
                    $0 + (try domainRaw($1["quantity"] as? String ?? "0"))
                }
                #expect(sum == (try domainRaw(quantity)), "order \(id)")
            }
            // One at a time by `since`: the same fills, each once.
            var since = "0"
            var walked: [String] = []
            for _ in 0..<(fills.count + 1) {
                let page = try await client.call(.get, "/v1/fills?limit=1&since=\(since)")
                guard let one = (page.object["fills"] as? [[String: Any]])?.first else { break }
                walked.append(one["sequence"] as? String ?? "")
                since = page.object["lastSequence"] as? String ?? since
                #expect((page.object["more"] as? Bool) == (walked.count < fills.count))
            }
            #expect(walked == fills.map { $0["sequence"] as? String ?? "" })
            #expect(
                (try await client.call(.get, "/v1/fills", key: Keys.bob).object["fills"] as? [Any])?.isEmpty == true)
            for query in ["since=-1", "since=x", "since=1234567890123456789", "limit=0", "limit=1001"] {
                let reply = try await client.call(.get, "/v1/fills?\(query)")
                #expect(reply.status == 400 && reply.errorCode == "invalid_field", "\(query): \(reply.text)")
            }
        }
    }
}

/// A decimal string's raw fixed-point value.
func domainRaw(_ text: String) throws -> Int64 { try Quantity(text).rawValue }
