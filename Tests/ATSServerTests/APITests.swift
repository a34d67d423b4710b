import ATSDomain
import ATSRouter
import ATSServer
import Foundation
import HTTPTypes
import Testing

/// The `/v1` API in process against the embedded venues: the contract, authentication, account
/// isolation, idempotency, and every bad input a 4xx that names the field and loses nothing.
@Suite(.serialized) struct APITests {
    @Test func withoutAValidKeyEveryV1RouteIs401AndHealthIsOpen() async throws {
        try await LiveAPI.with { _, client in
            for (method, path) in [
                (HTTPMethod.get, "/v1/orders"), (.post, "/v1/orders"), (.get, "/v1/orders/1"),
                (.delete, "/v1/orders/1"),
                (.get, "/v1/book/ACME"), (.get, "/v1/venues"), (.get, "/v1/settlements"), (.get, "/v1/positions"),
                (.post, "/v1/transfers"),
            ] {
                let none = try await client.call(method.http, path, key: nil)
                #expect(none.status == 401 && none.errorCode == "unauthorized", "\(path)")
                let wrong = try await client.call(method.http, path, key: "ak-nobody-0000000000000000")
                #expect(wrong.status == 401 && wrong.errorCode == "unauthorized", "\(path)")
            }
            let health = try await client.call(.get, "/health", key: nil)
            #expect(health.status == 200 && health.object["status"] as? String == "ok")
            #expect(health.object["venues"] as? Int == 7)
            let missing = try await client.call(.get, "/v2/nothing")
            #expect(missing.status == 404 && missing.errorCode == "not_found")
        }
    }

    @Test func fillsSettleAndPositionsTellTheRouterWhereTokensCanBeSold() async throws {
        try await LiveAPI.with { api, client in
            func position(_ symbol: String, key: String = Keys.alice) async throws -> [String: Any] {
                let reply = try await client.call(.get, "/v1/positions", key: key)
                #expect(reply.status == 200, "\(reply.text)")
                return (reply.object["securities"] as? [[String: Any]])?.first { $0["symbol"] as? String == symbol }
                    ?? [:]
            }
            let before = try await position("ACME")
            #expect(
                before["quantity"] as? String == "700" && before["designatedCustody"] as? String == "wallet:ethereum")
            // Where ACME settles in her wallet on Ethereum (Securitize, Rialto) all 700; custodians and Plume none yet.
            #expect(
                (before["sellableAt"] as? [String: String])
                    == ["inx": "0", "rialto": "700", "securitize": "700", "texture": "0", "tzero": "0"])
            // A buy: one settlement per fill, each under its venue's model; what settled at once is on the cap table.
            let bought = try await client.call(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"buy","quantity":"300","timeInForce":"IOC"}"#)
            let id = try #require(bought.object["id"] as? String)
            let fills = ((bought.object["children"] as? [[String: Any]]) ?? []).flatMap {
                ($0["fills"] as? [[String: Any]]) ?? []
            }
            let settled = try await client.call(.get, "/v1/settlements?order=\(id)")
            let records = try #require(settled.object["settlements"] as? [[String: Any]])
            #expect(records.count == fills.count && !records.isEmpty)
            let models = ["securitize": "three_step", "tzero": "custodial_book_entry", "texture": "three_step"]
            for record in records {
                #expect(record["model"] as? String == models[record["venue"] as? String ?? ""], "\(record)")
                #expect(record["status"] as? String == "settled", "\(record)")
            }
            #expect(try await position("ACME")["quantity"] as? String == "1000")
            #expect(
                (try await client.call(.get, "/v1/settlements", key: Keys.bob).object["settlements"] as? [Any])?.isEmpty
                    == true)
            // Selling at tZERO needs the tokens at tZERO's custodian: refused, naming the rule, until a transfer puts them there.
            let refused = try await client.call(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"sell","quantity":"50","timeInForce":"IOC","includeVenues":["tzero"]}"#)
            #expect(
                (refused.object["rejection"] as? [String: Any])?["code"] as? String == "position_not_at_venue",
                "\(refused.text)")
            let transfer = try await client.call(
                .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"50","to":"tzero"}"#)
            #expect(transfer.status == 201, "\(transfer.text)")
            #expect(
                transfer.object["status"] as? String == "in_flight"
                    && transfer.object["location"] as? String == "transit")
            #expect(
                transfer.object["from"] as? String == "wallet:ethereum"
                    && transfer.object["to"] as? String == "custodian:tzero")
            #expect((transfer.object["hops"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["deposit"])
            // The custodian credits the deposit an hour later (the simulated world moves on).
            try api.runtime.router.settlement.advance(to: api.runtime.clock.now().adding(seconds: 2 * 3_600))
            #expect((try await position("ACME")["sellableAt"] as? [String: String])?["tzero"] == "50")
            await api.runtime.router.pollAll()
            let sold = try await client.call(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"sell","quantity":"50","timeInForce":"IOC","includeVenues":["tzero"]}"#)
            #expect(sold.object["status"] as? String == "filled", "\(sold.text)")
            // Bad transfers: a 4xx naming the field, nothing moved.
            for (body, status, code, field) in [
                (#"{"symbol":"ACME","quantity":"5"}"#, 400, "missing_field", "to"),
                (#"{"symbol":"ACME","quantity":"0","to":"tzero"}"#, 400, "invalid_field", "quantity"),
                (#"{"symbol":"ACME","quantity":"5","to":"moon"}"#, 422, "unknown_location", "to"),
                (#"{"symbol":"ACME","quantity":"5","to":"wallet:no chain"}"#, 400, "invalid_field", "to"),
                (#"{"symbol":"ACME","quantity":"5","to":"tzero","when":"now"}"#, 400, "unknown_field", "when"),
                (#"{"symbol":"NOPE","quantity":"5","to":"tzero"}"#, 422, "unknown_symbol", "symbol"),
                (#"{"symbol":"ACME","quantity":"9999","to":"tzero"}"#, 422, "insufficient_holding", "quantity"),
                (#"{"symbol":"ACME","quantity":"5","to":"wallet:ethereum"}"#, 422, "same_location", "to"),
            ] {
                let reply = try await client.call(.post, "/v1/transfers", body: body)
                #expect(
                    reply.status == status && reply.errorCode == code && reply.errorField == field,
                    "\(body): \(reply.text)")
            }
            // The requested transfer, and one consolidation per buy settled away from alice's wallet on Ethereum.
            let settlements = try await client.call(.get, "/v1/settlements")
            let consolidations = records.filter { $0["tokenLocation"] as? String != "wallet:ethereum" }.count
            #expect((settlements.object["transfers"] as? [Any])?.count == 1 + consolidations)
            // /metrics counts them by model and status.
            let all = try #require(settlements.object["settlements"] as? [[String: Any]])
            let metrics = try await client.call(.get, "/metrics", key: nil).text
            for model in ["three_step", "custodial_book_entry", "four_step"] {
                let settled = all.filter { $0["model"] as? String == model && $0["status"] as? String == "settled" }
                    .count
                #expect(
                    metrics.contains("ats_settlements{model=\"\(model)\",status=\"settled\"} \(settled).0\n"),
                    "\(model)")
            }
            #expect(metrics.contains("ats_custody_transfers{status=\"completed\"} \(1 + consolidations).0\n"))
            // The report covers the caller's orders only.
            let report = try await client.call(.get, "/v1/reports")
            #expect(report.status == 200 && report.object["scope"] as? String == "account alice")
            #expect(
                (report.object["orders"] as? [[String: Any]])?.map { $0["account"] as? String }.allSatisfy {
                    $0 == "alice"
                } == true)
            #expect((report.object["orders"] as? [Any])?.count == 3)
            #expect(
                ((try await client.call(.get, "/v1/reports", key: Keys.bob)).object["orders"] as? [Any])?.isEmpty
                    == true)
            #expect(try await client.call(.get, "/v1/reports?from=2026-13-01").errorField == "from")
            #expect(try await client.call(.get, "/v1/reports?from=2026-11-02&to=2026-11-01").errorField == "to")
            #expect(try await client.call(.get, "/v1/settlements?status=maybe").errorField == "status")
            #expect(try await client.call(.get, "/v1/settlements?order=x").errorField == "order")
        }
    }

    /// Buying power at INX counts what a USDC/USD conversion would add: alice's 500 000 USD at INX's
    /// custodian, and her 1 000 000 USDC on Ethereum × 0.9998 = 999 800, less 10 bp (999.80):
    /// 998 800.2 — 1 498 800.2 in all. Converting 1 000 USDC adds 998.8002 to the spendable; the
    /// 999 000 USDC left convert to 998 800.2 less 998.8002: 997 801.3998.
    @Test func aSaleWithAllowTransfersMovesTheTokensItselfAndSellsWhenTheyArrive() async throws {
        try await LiveAPI.with { api, client in
            let body =
                #"{"symbol":"ACME","side":"sell","quantity":"50","limitPrice":"9.00","timeInForce":"DAY","includeVenues":["tzero"],"allowTransfers":true}"#
            let waiting = try await client.call(.post, "/v1/orders?wait=10", body: body)
            #expect(waiting.status == 201, "\(waiting.text)")
            #expect(waiting.object["status"] as? String == "pending_transfer", "\(waiting.text)")
            #expect(waiting.object["allowTransfers"] as? Bool == true)
            #expect((waiting.object["note"] as? String)?.contains("to sell at tzero") == true, "\(waiting.text)")
            let id = try #require(waiting.object["id"] as? String)
            let listed = try await client.call(.get, "/v1/settlements")
            let transfers = (listed.object["transfers"] as? [[String: Any]] ?? []).filter {
                $0["orderId"] as? String == id
            }
            #expect(transfers.count == 1, "\(listed.text)")
            #expect(
                transfers.first?["to"] as? String == "custodian:tzero"
                    && transfers.first?["quantity"] as? String == "50")
            // Without allowTransfers the same sale is refused, as before; the flag is part of the idempotent request.
            let refused = try await client.call(
                .post, "/v1/orders?wait=10",
                body:
                    #"{"symbol":"ACME","side":"sell","quantity":"50","limitPrice":"9.00","timeInForce":"DAY","includeVenues":["tzero"]}"#
            )
            #expect((refused.object["rejection"] as? [String: Any])?["code"] as? String == "position_not_at_venue")
            #expect(refused.object["allowTransfers"] == nil)
            // The deposit arrives an hour later; the next round routes the sale.
            try api.runtime.router.settlement.advance(to: api.runtime.clock.now().adding(seconds: 2 * 3_600))
            await api.runtime.router.pollAll()
            await api.runtime.router.orders.refreshResting()
            let sold = try await client.call(.get, "/v1/orders/\(id)?wait=10")
            #expect(["filled", "resting"].contains(sold.object["status"] as? String), "\(sold.text)")
            #expect(
                (sold.object["children"] as? [[String: Any]])?.allSatisfy { $0["venue"] as? String == "tzero" } == true)
        }
    }

    @Test func buyingPowerCountsCashTheVenueWouldConvert() async throws {
        try await LiveAPI.with { _, client in
            func inx() async throws -> [String: Any] {
                let reply = try await client.call(.get, "/v1/positions")
                return (reply.object["buyingPower"] as? [[String: Any]])?.first { $0["venue"] as? String == "inx" }
                    ?? [:]
            }
            let before = try await inx()
            #expect(before["spendable"] as? String == "500000" && before["convertible"] as? String == "998800.2")
            #expect(before["total"] as? String == "1498800.2", "\(before)")
            let converted = try await client.call(
                .post, "/v1/conversions", body: #"{"venue":"inx","from":"USDC","to":"USD","amount":"1000"}"#)
            #expect(converted.object["received"] as? String == "998.8002", "\(converted.text)")
            let after = try await inx()
            #expect(after["spendable"] as? String == "500998.8002" && after["convertible"] as? String == "997801.3998")
        }
    }

    @Test func anOrderIsAcceptedRoutedAndSeenOnlyByItsAccount() async throws {
        try await LiveAPI.with { _, client in
            let created = try await client.call(
                .post, "/v1/orders",
                body: #"{"symbol":"acme","side":"BUY","quantity":"300","timeInForce":"ioc","clientOrderId":"t-1"}"#)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(created.headers[.location] == "/v1/orders/\(id)")
            #expect(created.object["symbol"] as? String == "ACME")
            #expect(created.object["side"] as? String == "buy")
            #expect(created.object["timeInForce"] as? String == "IOC")
            let done = try await client.call(.get, "/v1/orders/\(id)?wait=10")
            #expect(done.status == 200)
            #expect(done.object["status"] as? String == "filled", "\(done.text)")
            #expect(done.object["filledQuantity"] as? String == "300")
            let children = try #require(done.object["children"] as? [[String: Any]])
            #expect(!children.isEmpty)
            let filled = children.reduce(Int64(0)) {
                $0 + (try! Quantity(($1["filledQuantity"] as? String) ?? "0")).rawValue
            }
            #expect(filled == (try Quantity("300")).rawValue)
            #expect(children.allSatisfy { ($0["fills"] as? [Any]) != nil })
            let decisions = try #require(done.object["decisions"] as? [[String: Any]])
            #expect(decisions.first?["allocations"] as? [Any] != nil)
            // Listed for alice, with filters; invisible to bob.
            let mine = try await client.call(.get, "/v1/orders?status=FILLED&symbol=acme")
            #expect((mine.object["orders"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let bobs = try await client.call(.get, "/v1/orders", key: Keys.bob)
            #expect((bobs.object["orders"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/orders/\(id)", key: Keys.bob).status == 404)
            #expect(try await client.call(.delete, "/v1/orders/\(id)", key: Keys.bob).status == 404)
            #expect(try await client.call(.get, "/v1/orders/999999").errorCode == "order_not_found")
            // A filled order cannot be cancelled.
            let late = try await client.call(.delete, "/v1/orders/\(id)")
            #expect(late.status == 409 && late.errorCode == "order_final")
        }
    }

    @Test func aClientOrderIdMakesSubmissionIdempotent() async throws {
        try await LiveAPI.with { _, client in
            let body = #"{"symbol":"ACME","side":"buy","quantity":"5","clientOrderId":"same-1"}"#
            let first = try await client.call(.post, "/v1/orders", body: body)
            let again = try await client.call(.post, "/v1/orders", body: body)
            #expect(first.status == 201 && again.status == 200)
            #expect(first.object["id"] as? String == again.object["id"] as? String)
            let different = try await client.call(
                .post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"6","clientOrderId":"same-1"}"#)
            #expect(
                different.status == 409 && different.errorCode == "client_order_id_reused"
                    && different.errorField == "clientOrderId")
            // Per account: carol may use the same id for her own order.
            let carols = try await client.call(.post, "/v1/orders", key: Keys.carol, body: body)
            #expect(carols.status == 201 && carols.object["id"] as? String != first.object["id"] as? String)
            let list = try await client.call(.get, "/v1/orders")
            #expect((list.object["orders"] as? [Any])?.count == 1)
        }
    }

    @Test func aComplianceRefusalIsRecordedAndNamesTheRule() async throws {
        try await LiveAPI.with { _, client in
            let refused = try await client.call(
                .post, "/v1/orders", key: Keys.bob, body: #"{"symbol":"ACME","side":"buy","quantity":"10"}"#)
            #expect(refused.status == 201)
            #expect(refused.object["status"] as? String == "rejected")
            let rejection = try #require(refused.object["rejection"] as? [String: Any])
            #expect(rejection["code"] as? String == "kyc_not_approved", "\(refused.text)")
            #expect((rejection["message"] as? String)?.contains("tzero") == true)
        }
    }

    @Test func aRestingOrderIsCancelledThroughTheAPI() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            let book = try await client.call(.get, "/v1/book/ACME?side=buy&depth=5")
            #expect(book.status == 200)
            let asks = try #require(book.object["asks"] as? [[String: Any]])
            let best = try Price(try #require(asks.first?["price"] as? String))
            let limit = Price(rawValue: (best.rawValue - 50_000_000) / 1_000_000 * 1_000_000)
            let created = try await client.call(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"buy","quantity":"25","limitPrice":"\#(limit)","timeInForce":"Day"}"#)
            #expect(created.status == 201)
            #expect(created.object["status"] as? String == "resting", "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            let cancelled = try await client.call(.delete, "/v1/orders/\(id)")
            #expect(cancelled.status == 200)
            #expect(cancelled.object["status"] as? String == "cancelled")
            #expect(
                (cancelled.object["children"] as? [[String: Any]])?.allSatisfy {
                    ["cancelled", "filled", "expired", "refused", "failed"].contains($0["status"] as? String ?? "")
                } == true)
            // Cancelling again is harmless.
            #expect(try await client.call(.delete, "/v1/orders/\(id)").status == 200)
        }
    }

    @Test func bookVenuesAndMetricsAnswer() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            let book = try await client.call(.get, "/v1/book/acme")
            #expect(book.status == 200 && book.object["account"] as? String == "alice")
            #expect(
                (book.object["venues"] as? [[String: Any]])?.map { $0["venue"] as? String } == [
                    "inx", "rialto", "securitize", "texture", "tzero",
                ])
            #expect(try await client.call(.get, "/v1/book/NOPE").errorCode == "unknown_symbol")
            #expect(try await client.call(.get, "/v1/book/ACME?depth=0").errorField == "depth")
            #expect(try await client.call(.get, "/v1/book/ACME?side=up").errorField == "side")
            let venues = try await client.call(.get, "/v1/venues")
            let list = try #require(venues.object["venues"] as? [[String: Any]])
            #expect(
                list.map { $0["id"] as? String } == [
                    "archax", "inx", "openfinance", "rialto", "securitize", "texture", "tzero",
                ])
            #expect(list.allSatisfy { $0["healthy"] as? Bool == true && !(($0["listings"] as? [Any]) ?? []).isEmpty })
            _ = try await client.call(
                .post, "/v1/orders", key: Keys.bob, body: #"{"symbol":"ACME","side":"buy","quantity":"10"}"#)
            // with depth and side above: 3 invalid_field
            _ = try await client.call(.post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"x"}"#)
            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.status == 200)
            for line in [
                "ats_orders_accepted_total 1", #"ats_orders{status="rejected"} 1.0"#,
                #"ats_rejections{code="kyc_not_approved"} 1.0"#,
                #"ats_api_errors_total{code="invalid_field"} 3"#, #"ats_venue_healthy{venue="tzero"} 1.0"#,
                #"ats_http_requests_total{route="/v1/orders",method="POST",status="201"} 1"#,
            ] {
                #expect(metrics.text.contains(line + "\n"), "\(line) in \(metrics.text)")
            }
            #expect(metrics.text.contains("ats_quote_age_seconds{venue=\"tzero\",symbol=\"ACME\"}"))
            #expect(
                metrics.text.contains("ats_venue_call_duration_seconds_bucket{venue=\"tzero\",operation=\"book\",le="))
            #expect(metrics.text.contains("ats_build_info{version=\"\(ATSRouterRelease.version)\",commit=\""))
            // Every family is documented, here and in docs/api.md, and named by Prometheus's conventions.
            let docs = try String(
                contentsOf: Repository.root.appendingPathComponent("docs/api.md"), encoding: .utf8)
            let types = metrics.text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
                .map { $0.split(separator: " ") }
            #expect(types.count >= 12, "\(types.map { $0[2] })")
            for type in types {
                let (name, kind) = (String(type[2]), String(type[3]))
                #expect(RouterMetrics.families[name] != nil, "\(name) is not in RouterMetrics.families")
                #expect(docs.contains("`\(name)"), "\(name) is not in docs/api.md")
                #expect(kind != "counter" || name.hasSuffix("_total"), "\(name)")
                #expect(kind != "histogram" || name.hasSuffix("_seconds"), "\(name)")
                #expect(!name.hasSuffix("_total") || kind == "counter", "\(name)")
            }
        }
    }

    /// Each case: the body, the status, the error code and the field it names.
    static let badOrders: [(String, Int, String, String?)] = [
        ("{not json", 400, "malformed_json", nil),
        ("[1, 2]", 400, "malformed_json", nil),
        ("", 400, "malformed_json", nil),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","limitPrce":"10"}"#, 400, "unknown_field", "limitPrce"),
        (#"{"side":"buy","quantity":"1"}"#, 400, "missing_field", "symbol"),
        (#"{"symbol":"NOPE","side":"buy","quantity":"1"}"#, 422, "unknown_symbol", "symbol"),
        (#"{"symbol":7,"side":"buy","quantity":"1"}"#, 400, "invalid_field", "symbol"),
        (#"{"symbol":"ACME","side":"up","quantity":"1"}"#, 400, "invalid_field", "side"),
        (
            #"{"symbol":"ACME","side":"sell","quantity":"1","allowTransfers":"yes"}"#, 400, "invalid_field",
            "allowTransfers"
        ),
        (#"{"symbol":"ACME","side":"sell","quantity":"1","allowTransfers":1}"#, 400, "invalid_field", "allowTransfers"),
        (#"{"symbol":"ACME","quantity":"1"}"#, 400, "missing_field", "side"),
        (#"{"symbol":"ACME","side":"buy"}"#, 400, "missing_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":1}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"0"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"-5"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"ten"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1e3"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1.000000001"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"99999999999999999999"}"#, 400, "invalid_field", "quantity"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","limitPrice":"10.001"}"#, 422, "off_tick", "limitPrice"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","limitPrice":"0"}"#, 400, "invalid_field", "limitPrice"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","limitPrice":10.5}"#, 400, "invalid_field", "limitPrice"),
        (
            #"{"symbol":"ACME","side":"buy","quantity":"1","limitPrice":"99999999999999"}"#, 400, "invalid_field",
            "limitPrice"
        ),
        (
            #"{"symbol":"ACME","side":"buy","quantity":"1","timeInForce":"forever"}"#, 400, "invalid_field",
            "timeInForce"
        ),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","timeInForce":"GTD"}"#, 400, "invalid_field", "timeInForce"),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","strategy":"cheapest"}"#, 400, "invalid_field", "strategy"),
        (
            #"{"symbol":"ACME","side":"buy","quantity":"1","includeVenues":"tzero"}"#, 400, "invalid_field",
            "includeVenues"
        ),
        (
            #"{"symbol":"ACME","side":"buy","quantity":"1","excludeVenues":["nasdaq"]}"#, 422, "unknown_venue",
            "excludeVenues"
        ),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","clientOrderId":""}"#, 400, "invalid_field", "clientOrderId"),
        (
            #"{"symbol":"ACME","side":"buy","quantity":"1","clientOrderId":"has space"}"#, 400, "invalid_field",
            "clientOrderId"
        ),
        (#"{"symbol":"ACME","side":"buy","quantity":"1","clientOrderId":true}"#, 400, "invalid_field", "clientOrderId"),
    ]

    @Test func everyBadOrderIsA4xxNamingTheFieldAndCreatesNothing() async throws {
        try await LiveAPI.with { _, client in
            for (body, status, code, field) in Self.badOrders {
                let reply = try await client.call(.post, "/v1/orders", body: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
                #expect(reply.errorCode == code, "\(body): \(reply.text)")
                #expect(reply.errorField == field, "\(body): \(reply.text)")
                if let field {
                    #expect(((reply.object["error"] as? [String: Any])?["message"] as? String)?.contains(field) == true)
                }
            }
            let tooLarge = try await client.call(
                .post, "/v1/orders", body: #"{"symbol":"ACME","pad":""# + String(repeating: "x", count: 20_000) + #""}"#
            )
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "body_too_large")
            for query in ["/v1/orders?status=done", "/v1/orders?limit=0", "/v1/orders/1?wait=99", "/v1/orders?limit=x"]
            {
                #expect(try await client.call(.get, query).status == 400, "\(query)")
            }
            #expect(try await client.call(.get, "/v1/orders/abc").status == 404)
            let put = try await client.call(.put, "/v1/orders")
            #expect(
                put.status == 405 && put.errorCode == "method_not_allowed" && put.headers[.allow] == "GET, POST",
                "\(put.status) \(put.text)")
            // Nothing was created, and the server still routes a good order.
            #expect((try await client.call(.get, "/v1/orders").object["orders"] as? [Any])?.isEmpty == true)
            let good = try await client.call(
                .post, "/v1/orders", body: #"{"symbol":"ACME","side":"Sell","quantity":"1","strategy":"BEST-SINGLE"}"#)
            #expect(good.status == 201, "\(good.text)")
            #expect(good.object["strategy"] as? String == "best-single")
        }
    }
}

enum HTTPMethod {
    case get, post, delete
    var http: HTTPTypes.HTTPRequest.Method {
        switch self {
        case .get: .get
        case .post: .post
        case .delete: .delete
        }
    }
}

/// API keys by digest: a presented key authenticates exactly the account one of whose digests
/// is its SHA-256, over thousands of seeded keys; nothing else authenticates.
@Suite struct APIKeysTests {
    @Test func eachKeyAuthenticatesItsAccountAndNoOther() throws {
        var random = SplitMix64(seed: 9)
        var accounts = try Repository.configuration(try Repository.catalog()).accounts
        var keys: [(String, AccountID)] = []
        for index in accounts.indices {
            accounts[index].apiKeys = (0..<(1 + random.below(3))).map { _ in
                let key = APIKeys.newKey(for: accounts[index].id)
                keys.append((key, accounts[index].id))
                return APIKeys.digest(of: key)
            }
        }
        let table = APIKeys(accounts)
        for (key, account) in keys { #expect(table.account(for: key) == account) }
        for _ in 0..<3_000 {
            let (key, _) = keys[random.below(keys.count)]
            var letters = Array(key)
            let at = random.below(letters.count)
            letters[at] = letters[at] == "0" ? "1" : "0"
            let near = String(letters)
            if near != key { #expect(table.account(for: near) == nil, "\(near)") }
        }
        #expect(table.account(for: "") == nil)
        #expect(APIKeys.newKey(for: accounts[0].id) != APIKeys.newKey(for: accounts[0].id))
        #expect(APIKeys.newKey(for: accounts[0].id).wholeMatch(of: /ak-[a-z0-9-]+-[0-9a-f]{40}/) != nil)
    }
}
