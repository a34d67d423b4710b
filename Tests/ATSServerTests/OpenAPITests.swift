import ATSServer
import ATSWire
import Foundation
import HTTPTypes
import Testing

/// `docs/openapi.yaml` describes the API exactly: every operation exists and only those; every
/// reply's status is documented for its operation; every reply body matches its schema, with no
/// property the document does not name and none it requires missing.
@Suite(.serialized) struct OpenAPITests {
    static let document = try! YAML.parse(
        try! String(contentsOf: Repository.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8))

    static func resolve(_ node: YAML) -> YAML {
        guard let reference = node["$ref"]?.string else { return node }
        var current = document
        for part in reference.dropFirst(2).split(separator: "/") { current = current[String(part)] ?? .scalar("") }
        return resolve(current)
    }

    /// Checks `value` against `schema`; returns what does not match, with the path to it.
    static func check(_ value: Any, _ schemaNode: YAML, at path: String) -> [String] {
        let schema = resolve(schemaNode)
        var issues: [String] = []
        switch schema["type"]?.string {
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            let properties = schema["properties"]?.pairs ?? []
            for required in schema["required"]?.items.compactMap(\.string) ?? [] where object[required] == nil {
                issues.append("\(path).\(required): required, missing")
            }
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties.first(where: { $0.0 == key })?.1 {
                    issues += check(member, property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"], additional != .scalar("false") {
                    issues += check(member, additional, at: "\(path).\(key)")
                } else {
                    issues.append("\(path).\(key): not in the document")
                }
            }
        case "array":
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            for (index, item) in array.enumerated() {
                issues += check(item, schema["items"] ?? .scalar(""), at: "\(path)[\(index)]")
            }
        case "string":
            guard let text = value as? String else { return ["\(path): not a string"] }
            if let allowed = schema["enum"]?.items.compactMap(\.string), !allowed.isEmpty, !allowed.contains(text) {
                issues.append("\(path): \(text) is not one of \(allowed)")
            }
        case "integer":
            if value is String || value is [Any] || value is [String: Any] || !"\(value)".allSatisfy(\.isNumber) {
                issues.append("\(path): not an integer")
            }
        case "number":
            if value is String || value is [Any] || value is [String: Any] || Double("\(value)") == nil {
                issues.append("\(path): not a number")
            }
        case "boolean":
            if !(value is Bool) { issues.append("\(path): not a boolean") }
        default:
            issues.append("\(path): the schema has no type")
        }
        return issues
    }

    /// The operation for a request path: the documented path template it matches.
    static func template(_ path: String) -> String {
        let bare = String(path.split(separator: "?")[0])
        for (template, _) in document["paths"]?.pairs ?? [] {
            let a = template.split(separator: "/")
            let b = bare.split(separator: "/")
            if a.count == b.count && zip(a, b).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return template }
        }
        return bare
    }

    @Test func theDocumentNamesExactlyTheAPIsOperations() {
        var documented: Set<String> = []
        for (path, item) in Self.document["paths"]?.pairs ?? [] {
            for (method, _) in item.pairs where ["get", "post", "put", "delete", "patch"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(documented == RouterAPI.endpoints)
        #expect(Self.document["openapi"]?.string == "3.0.3")
    }

    @Test func everyOperationHasAUniqueOperationIdAndDeclaredTags() {
        let declared = Set(Self.document["tags"]?.items.compactMap { $0["name"]?.string } ?? [])
        var ids: [String] = []
        for (path, item) in Self.document["paths"]?.pairs ?? [] {
            for (method, operation) in item.pairs where ["get", "post", "put", "delete", "patch"].contains(method) {
                let id = operation["operationId"]?.string ?? ""
                #expect(!id.isEmpty, "\(method) \(path) has no operationId")
                ids.append(id)
                let tags = operation["tags"]?.items.compactMap(\.string) ?? []
                #expect(!tags.isEmpty && Set(tags).isSubset(of: declared), "\(method) \(path): \(tags)")
            }
        }
        #expect(ids.count == RouterAPI.endpoints.count && Set(ids).count == ids.count, "\(ids)")
    }

    @Test func everyReplyIsDocumentedForItsOperationAndMatchesItsSchema() async throws {
        try await LiveAPI.with { api, client in
            await api.runtime.router.pollAll()
            var seen: Set<String> = []
            func exchange(_ method: HTTPRequest.Method, _ path: String, key: String? = Keys.alice, body: String? = nil)
                async throws -> Reply
            {
                let reply = try await client.call(method, path, key: key, body: body)
                let operation = "\(method.rawValue) \(Self.template(path))"
                seen.insert(operation)
                let node = Self.document["paths"]?[Self.template(path)]?[method.rawValue.lowercased()]
                let response = node?["responses"]?[String(reply.status)].map(Self.resolve)
                #expect(
                    response != nil,
                    "\(operation) answered \(reply.status), which the document does not list: \(reply.text)")
                if let schema = response?["content"]?["application/json"]?["schema"] {
                    let issues = Self.check(reply.json as Any, schema, at: "\(operation) \(reply.status)")
                    #expect(issues.isEmpty, "\(issues.joined(separator: "\n"))")
                }
                return reply
            }
            let page = try await exchange(.get, "/", key: nil)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8" && page.text.contains("<title>ATS Router"))
            _ = try await exchange(.get, "/health", key: nil)
            _ = try await exchange(.get, "/ready", key: nil)
            _ = try await exchange(.get, "/metrics", key: nil)
            let filled = try await exchange(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"buy","quantity":"200","clientOrderId":"o-1"}"#)
            _ = try await exchange(
                .post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"200","clientOrderId":"o-1"}"#)
            _ = try await exchange(
                .post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"201","clientOrderId":"o-1"}"#)
            _ = try await exchange(
                .post, "/v1/orders", key: Keys.bob, body: #"{"symbol":"ACME","side":"buy","quantity":"1"}"#)
            _ = try await exchange(.post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"0"}"#)
            _ = try await exchange(.post, "/v1/orders", body: #"{"symbol":"NOPE","side":"buy","quantity":"1"}"#)
            _ = try await exchange(.post, "/v1/orders", key: nil, body: "{}")
            _ = try await exchange(.post, "/v1/orders", body: String(repeating: " ", count: 17_000))
            let resting = try await exchange(
                .post, "/v1/orders?wait=10",
                body: #"{"symbol":"ACME","side":"buy","quantity":"10","limitPrice":"9.00","timeInForce":"DAY"}"#)
            _ = try await exchange(.get, "/v1/orders")
            _ = try await exchange(.get, "/v1/orders?status=resting&symbol=ACME&limit=5")
            _ = try await exchange(.get, "/v1/orders?status=done")
            // Pages: newest first, each continuing where the cursor says; the last has no cursor.
            let first = try await exchange(.get, "/v1/orders?limit=1")
            let cursor = try #require(first.object["nextCursor"] as? String)
            let second = try await exchange(.get, "/v1/orders?limit=1&cursor=\(cursor)")
            #expect(
                (first.object["orders"] as? [[String: Any]])?.first?["id"] as? String
                    != (second.object["orders"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await exchange(.get, "/v1/orders?cursor=nonsense")
            _ = try await exchange(.get, "/v1/settlements?limit=1&cursor=p1.99")
            _ = try await exchange(.get, "/v1/orders", key: nil)
            let filledID = try #require(filled.object["id"] as? String)
            let detail = try await exchange(.get, "/v1/orders/\(filledID)?wait=5")
            #expect(
                (detail.object["children"] as? [Any])?.isEmpty == false
                    && (detail.object["decisions"] as? [Any])?.isEmpty == false)
            _ = try await exchange(.get, "/v1/orders/\(filledID)?wait=99")
            _ = try await exchange(.get, "/v1/orders/424242")
            _ = try await exchange(.get, "/v1/orders/\(filledID)", key: nil)
            _ = try await exchange(.delete, "/v1/orders/\(filledID)")
            let restingID = try #require(resting.object["id"] as? String)
            let amended = try await exchange(.patch, "/v1/orders/\(restingID)", body: #"{"quantity":"45"}"#)
            #expect(amended.status == 200, "\(amended.text)")
            _ = try await exchange(.patch, "/v1/orders/\(restingID)", body: #"{"quantity":"abc"}"#)
            _ = try await exchange(.patch, "/v1/orders/\(restingID)", body: #"{"limitPrice":"9.001"}"#)
            _ = try await exchange(.patch, "/v1/orders/\(filledID)", body: #"{"quantity":"1"}"#)
            _ = try await exchange(.patch, "/v1/orders/424242", body: #"{"quantity":"1"}"#)
            _ = try await exchange(.patch, "/v1/orders/1", key: nil, body: "{}")
            _ = try await exchange(.delete, "/v1/orders/\(restingID)")
            _ = try await exchange(.delete, "/v1/orders/424242")
            _ = try await exchange(.delete, "/v1/orders/1", key: nil)
            _ = try await exchange(.get, "/v1/book/ACME?side=sell&depth=3")
            _ = try await exchange(.get, "/v1/book/ACME?depth=0")
            _ = try await exchange(.get, "/v1/book/NOPE")
            _ = try await exchange(.get, "/v1/book/ACME", key: nil)
            _ = try await exchange(.get, "/v1/venues")
            _ = try await exchange(.get, "/v1/venues", key: nil)
            let settled = try await exchange(.get, "/v1/settlements?order=\(filledID)")
            #expect((settled.object["settlements"] as? [Any])?.isEmpty == false)
            _ = try await exchange(.get, "/v1/settlements?status=settled")
            _ = try await exchange(.get, "/v1/settlements?status=done")
            _ = try await exchange(.get, "/v1/settlements", key: nil)
            _ = try await exchange(.get, "/v1/positions")
            _ = try await exchange(.get, "/v1/positions", key: nil)
            _ = try await exchange(.post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"50","to":"tzero"}"#)
            _ = try await exchange(
                .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5000000","to":"tzero"}"#)
            _ = try await exchange(.post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5","to":"moon"}"#)
            _ = try await exchange(
                .post, "/v1/transfers", body: #"{"symbol":"ACME","quantity":"5","to":"wallet:moon!"}"#)
            _ = try await exchange(.post, "/v1/transfers", body: String(repeating: " ", count: 17_000))
            _ = try await exchange(.post, "/v1/transfers", key: nil, body: "{}")
            _ = try await exchange(.get, "/v1/positions")
            let report = try await exchange(.get, "/v1/reports")
            #expect((report.object["orders"] as? [Any])?.isEmpty == false)
            _ = try await exchange(.get, "/v1/reports?from=2020-01-01&to=2099-01-01T00:00:00Z")
            _ = try await exchange(.get, "/v1/reports?from=yesterday")
            _ = try await exchange(.get, "/v1/reports", key: nil)
            let converted = try await exchange(
                .post, "/v1/conversions", body: #"{"venue":"inx","from":"USDC","to":"USD","amount":"1000"}"#)
            #expect(
                converted.status == 201 && converted.object["status"] as? String == "completed", "\(converted.text)")
            _ = try await exchange(
                .post, "/v1/conversions", key: Keys.bob, body: #"{"venue":"inx","from":"USDC","to":"USD","amount":"1"}"#
            )
            _ = try await exchange(
                .post, "/v1/conversions", body: #"{"venue":"tzero","from":"USDC","to":"USD","amount":"1"}"#)
            _ = try await exchange(
                .post, "/v1/conversions", body: #"{"venue":"inx","from":"EUR","to":"USD","amount":"1"}"#)
            _ = try await exchange(.post, "/v1/conversions", body: String(repeating: " ", count: 17_000))
            _ = try await exchange(.post, "/v1/conversions", key: nil, body: "{}")
            _ = try await exchange(.get, "/v1/conversions")
            _ = try await exchange(.get, "/v1/conversions", key: nil)
            let planned = try await exchange(
                .post, "/v1/plans", body: #"{"symbol":"ACME","side":"buy","quantity":"30","limitPrice":"10.10"}"#)
            #expect(planned.status == 200 && planned.object["decision"] != nil, "\(planned.text)")
            _ = try await exchange(
                .post, "/v1/plans",
                body:
                    #"{"symbol":"ACME","side":"sell","quantity":"5","limitPrice":"9.00","timeInForce":"GTC","includeVenues":["tzero"],"allowTransfers":true}"#
            )
            _ = try await exchange(
                .post, "/v1/plans", key: Keys.bob, body: #"{"symbol":"ACME","side":"buy","quantity":"1"}"#)
            _ = try await exchange(.post, "/v1/plans", body: #"{"symbol":"ACME"}"#)
            _ = try await exchange(.post, "/v1/plans", key: nil, body: "{}")
            let securities = try await exchange(.get, "/v1/securities")
            #expect((securities.object["securities"] as? [Any])?.count == 9, "\(securities.text)")
            _ = try await exchange(.get, "/v1/securities", key: nil)
            let fills = try await exchange(.get, "/v1/fills?limit=2")
            #expect(fills.status == 200 && fills.object["more"] != nil, "\(fills.text)")
            _ = try await exchange(.get, "/v1/fills?since=x")
            _ = try await exchange(.get, "/v1/fills", key: nil)
            // Without the WebSocket upgrade: 426 (StreamTests speak the WebSocket itself).
            let stream = try await exchange(.get, "/v1/stream")
            #expect(stream.status == 426 && stream.errorCode == "upgrade_required", "\(stream.text)")
            let badResume = try await exchange(.get, "/v1/stream?resume=")
            #expect(badResume.status == 400 && badResume.errorField == "resume", "\(badResume.text)")
            let offerings = try await exchange(.get, "/v1/offerings")
            #expect((offerings.object["offerings"] as? [Any])?.count == 5, "\(offerings.text)")
            _ = try await exchange(.get, "/v1/offerings", key: nil)
            let compared = try await exchange(.get, "/v1/offerings/rialto/VINE-2026B/comparison?amount=6000")
            #expect(compared.object["primary"] != nil, "\(compared.text)")
            _ = try await exchange(.get, "/v1/offerings/rialto/VINE-2026B/comparison?amount=x")
            _ = try await exchange(.get, "/v1/offerings/rialto/NOPE/comparison?amount=6000")
            _ = try await exchange(.get, "/v1/offerings/rialto/VINE-2026B/comparison?amount=6000", key: nil)
            let subscribed = try await exchange(
                .post, "/v1/subscriptions",
                body: #"{"venue":"rialto","offering":"VINE-2026B","amount":"1200","clientSubscriptionId":"s-1"}"#)
            #expect(subscribed.status == 201, "\(subscribed.text)")
            _ = try await exchange(
                .post, "/v1/subscriptions",
                body: #"{"venue":"rialto","offering":"VINE-2026B","amount":"1200","clientSubscriptionId":"s-1"}"#)
            _ = try await exchange(
                .post, "/v1/subscriptions",
                body: #"{"venue":"rialto","offering":"VINE-2026B","amount":"600","clientSubscriptionId":"s-1"}"#)
            _ = try await exchange(
                .post, "/v1/subscriptions", body: #"{"venue":"rialto","offering":"VINE-2026B","amount":"10"}"#)
            _ = try await exchange(
                .post, "/v1/subscriptions", body: #"{"venue":"rialto","offering":"NOPE","amount":"10"}"#)
            _ = try await exchange(.post, "/v1/subscriptions", body: #"{"venue":"rialto","amount":"10"}"#)
            // A venue that runs no offerings names none: 422, not the 503 of a venue that did not answer.
            let none = try await exchange(
                .post, "/v1/subscriptions", body: #"{"venue":"archax","offering":"X-1","amount":"10"}"#)
            #expect(none.status == 422 && none.text.contains("unknown_offering"), "\(none.text)")
            _ = try await exchange(.get, "/v1/offerings/archax/X-1/comparison?amount=10")
            // Asking a venue for offerings it does not run is no failure of the venue: its breaker stays closed.
            for _ in 0..<6 {
                _ = try await client.call(
                    .post, "/v1/subscriptions", body: #"{"venue":"archax","offering":"X-1","amount":"10"}"#)
            }
            let archax = try #require(api.runtime.router.context.gateways.first { $0.key.rawValue == "archax" }?.value)
            #expect(await archax.isHealthy)
            #expect(await archax.failures == 0)
            _ = try await exchange(.post, "/v1/subscriptions", body: String(repeating: " ", count: 17_000))
            _ = try await exchange(.post, "/v1/subscriptions", key: nil, body: "{}")
            _ = try await exchange(.get, "/v1/subscriptions?status=pending&limit=1")
            _ = try await exchange(.get, "/v1/subscriptions?status=nope")
            _ = try await exchange(.get, "/v1/subscriptions", key: nil)
            let subscriptionID = try #require(subscribed.object["id"] as? String)
            let one = try await exchange(.get, "/v1/subscriptions/\(subscriptionID)")
            #expect((one.object["events"] as? [Any])?.count == 2, "\(one.text)")
            _ = try await exchange(.get, "/v1/subscriptions/424242")
            _ = try await exchange(.get, "/v1/subscriptions/1", key: nil)
            let investor = try await exchange(.get, "/v1/investors/bob", key: Keys.compliance)
            _ = try await exchange(.get, "/v1/investors/bob")
            _ = try await exchange(.get, "/v1/investors/nobody", key: Keys.compliance)
            var change = investor.object
            change["kyc"] = ["status": "approved", "provider": "Onfido", "verifiedOn": "2026-11-02"]
            change["accreditation"] = ["method": "income", "verifiedOn": "2026-11-02", "evidence": "W-2"]
            change["wallets"] = ["ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]
            let changeBody = String(decoding: try JSONSerialization.data(withJSONObject: change), as: UTF8.self)
            let put = try await exchange(.put, "/v1/investors/bob", key: Keys.compliance, body: changeBody)
            #expect(put.status == 200, "\(put.text)")
            _ = try await exchange(.put, "/v1/investors/bob", key: Keys.compliance, body: changeBody)
            _ = try await exchange(.put, "/v1/investors/bob", key: Keys.compliance, body: #"{"revision":1}"#)
            _ = try await exchange(
                .put, "/v1/investors/bob", key: Keys.compliance,
                body: changeBody.replacingOccurrences(of: "\"revision\":0", with: "\"revision\":1")
                    .replacingOccurrences(of: "\"US\"", with: "\"USA\""))
            _ = try await exchange(
                .put, "/v1/investors/bob", key: Keys.compliance, body: String(repeating: " ", count: 17_000))
            _ = try await exchange(.get, "/v1/investors/bob/history", key: Keys.compliance)
            _ = try await exchange(.get, "/v1/investors/bob/history", key: nil)
            let alerts = try await exchange(.get, "/v1/compliance/alerts?status=open", key: Keys.compliance)
            _ = try await exchange(.get, "/v1/compliance/alerts?status=maybe", key: Keys.compliance)
            _ = try await exchange(.get, "/v1/compliance/alerts")
            let firstAlert = (alerts.object["alerts"] as? [[String: Any]])?.first?["id"] as? String ?? "1"
            _ = try await exchange(
                .post, "/v1/compliance/alerts/\(firstAlert)/close", key: Keys.compliance, body: #"{"resolution":"ok"}"#)
            _ = try await exchange(
                .post, "/v1/compliance/alerts/\(firstAlert)/close", key: Keys.compliance, body: #"{"resolution":"ok"}"#)
            _ = try await exchange(
                .post, "/v1/compliance/alerts/424242/close", key: Keys.compliance, body: #"{"resolution":"ok"}"#)
            _ = try await exchange(
                .post, "/v1/compliance/alerts/1/close", key: Keys.compliance, body: #"{"why":"ok"}"#)
            #expect(seen == RouterAPI.endpoints, "operations not exercised: \(RouterAPI.endpoints.subtracting(seen))")
        }
    }

    /// The request and error shapes in `ATSWire`, which the CLI sends and reads, are the documented
    /// ones: with every field set each matches its schema and names every property the schema has
    /// (a field added to one and not the other fails here); the server's own replies are checked
    /// against their schemas above, and they are encoded from the same types.
    @Test func theWireRequestAndErrorShapesAreTheDocumentedOnes() throws {
        func json(_ value: some Encodable) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
        }
        let shapes: [(String, [String: Any])] = [
            (
                "OrderRequest",
                try json(
                    APIViews.OrderRequestBody(
                        symbol: "ACME", side: "buy", quantity: "300", limitPrice: "10.11", timeInForce: "DAY",
                        strategy: "pro-rata", includeVenues: ["tzero"], excludeVenues: ["archax"],
                        clientOrderId: "c-1", allowTransfers: true))
            ),
            (
                "TransferRequest",
                try json(
                    APIViews.TransferRequestBody(symbol: "ACME", quantity: "1", to: "tzero", from: "wallet:ethereum"))
            ),
            (
                "ConversionRequest",
                try json(APIViews.ConversionRequestBody(venue: "inx", from: "USDC", to: "USD", amount: "1000"))
            ),
            (
                "SubscriptionRequest",
                try json(
                    APIViews.SubscriptionRequestBody(
                        venue: "rialto", offering: "VINE-2026B", amount: "1200", clientSubscriptionId: "s-1"))
            ),
            (
                "Error",
                try json(APIViews.ErrorBody(error: .init(code: "invalid_field", message: "side: …", field: "side")))
            ),
        ]
        for (name, value) in shapes {
            let schema = Self.resolve(YAML.map([("$ref", .scalar("#/components/schemas/\(name)"))]))
            #expect(Self.check(value, schema, at: name).isEmpty, "\(Self.check(value, schema, at: name))")
            #expect(Set(value.keys) == Set((schema["properties"]?.pairs ?? []).map(\.0)), "\(name)")
        }
        // Optional fields left out are left out of the body, not sent as null.
        #expect(try json(APIViews.OrderRequestBody(symbol: "ACME", side: "buy", quantity: "1")).count == 3)
    }

    @Test func theSchemaCheckCatchesWhatItShould() {
        let fill = YAML.map([("$ref", .scalar("#/components/schemas/Fill"))])
        #expect(Self.check(["id": "1", "quantity": "1", "price": "2", "fee": "0"], fill, at: "fill").isEmpty)
        #expect(
            Self.check(["id": "1", "quantity": "1", "price": "2"], fill, at: "fill") == ["fill.fee: required, missing"])
        #expect(
            Self.check(["id": "1", "quantity": "1", "price": "2", "fee": "0", "extra": 1], fill, at: "fill") == [
                "fill.extra: not in the document"
            ])
        #expect(
            Self.check(["id": "1", "quantity": 1, "price": "2", "fee": "0"], fill, at: "fill") == [
                "fill.quantity: not a string"
            ])
    }
}
