import ATSDomain
import ATSVenueMocks
import ATSVenues
import Foundation
import HummingbirdTesting
import Testing

@Suite("Venue mocks over HTTP, one dialect each")
struct DialectTests {
    @Test("tZERO: token login, depth since a sequence, orders by transactionId, status names, error shape")
    func tzero() async throws {
        let venue = try LiveVenue("tzero")
        let bestAsk = try #require(try await venue.engine.book(try Symbol("ACME")).topOfBook.ask)
        try await venue.run { client in
            // No credentials, then a wrong secret.
            let anonymous = try await client.call(.get, "/markets/v1/mdt/depth/ACME")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["errors"][0]["code"].string == "UNAUTHORIZED")
            #expect(
                try await client.call(
                    .post, "/auth/v1/api/token", body: #"{"clientId":"tzero-demo","clientSecret":"nope"}"#
                ).status == 401)
            let login = try await client.call(
                .post, "/auth/v1/api/token", body: #"{"clientId":"tzero-demo","clientSecret":"tzero-demo-secret"}"#)
            let token = try #require(login.json["accessToken"].string)
            #expect(token.split(separator: ".").count == 3)
            let auth = ["x-apikey": "tzero-demo", "Authorization": "Bearer \(token)"]
            #expect(
                try await client.call(
                    .get, "/markets/v1/instruments",
                    headers: ["x-apikey": "tzero-demo", "Authorization": "Bearer forged"]
                ).status == 401)

            let depth = try await client.call(.get, "/markets/v1/mdt/depth/ACME?levels=5", headers: auth)
            #expect(depth.status == 200)
            let sequence = try #require(depth.json["sequence"].int)
            #expect(depth.json["asks"][0][0].string == bestAsk.price.description)
            let unchanged = try await client.call(
                .get, "/markets/v1/mdt/depth/ACME?sinceSequence=\(sequence)", headers: auth)
            #expect(unchanged.json["changed"] as? Bool == false)
            #expect(unchanged.json["bids"] == nil)
            #expect(try await client.call(.get, "/markets/v1/mdt/depth/NOPE", headers: auth).status == 404)
            #expect(try await client.call(.get, "/markets/v1/mdt/depth/ACME?levels=0", headers: auth).status == 400)
            let snapshot = try await client.call(.get, "/markets/v1/mdt/public-snapshots/ACME", headers: auth)
            #expect(snapshot.json["askPrice"].string == bestAsk.price.description)
            #expect(
                try await client.call(.get, "/markets/v1/schedules", headers: auth).json["currentSession"].string
                    == "CORE")

            // A marketable order fills against the displayed ask.
            let orders = "/trading/v1/accounts/tzero-demo/orders"
            let take =
                #"{"transactionId":"tx-1","symbol":"ACME","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":"\#(bestAsk.quantity)","limitPrice":"\#(bestAsk.price)"}"#
            let placed = try await client.call(.post, orders, headers: auth, body: take)
            #expect(placed.status == 201)
            #expect(placed.json["status"].string == "FILLED")
            let id = try #require(placed.json["id"].string)
            let status = try await client.call(.get, "\(orders)/\(id)", headers: auth)
            #expect(status.json["filledQuantity"].string == bestAsk.quantity.description)
            #expect(status.json["leavesQuantity"].string == "0")
            #expect(status.json["averagePrice"].string == bestAsk.price.description)
            #expect((status.json["executionHistory"].array?.count ?? 0) >= 1)
            // The same transactionId returns the same order; reused for something else, a conflict.
            let again = try await client.call(.post, orders, headers: auth, body: take)
            #expect(again.status == 200)
            #expect(again.json["id"].string == id)
            let reused = take.replacingOccurrences(of: #""side":"BUY""#, with: #""side":"SELL""#)
            #expect(try await client.call(.post, orders, headers: auth, body: reused).status == 409)
            // Cancelling a filled order is refused.
            let refused = try await client.call(.delete, "\(orders)/\(id)", headers: auth)
            #expect(refused.status == 422)
            #expect(refused.json["errors"][0]["code"].string == "CANCEL_REJECTED")
            // A resting order cancels.
            let rest =
                #"{"transactionId":"tx-2","symbol":"ACME","side":"BUY","timeInForce":"GTC","type":"LIMIT","quantity":"10","limitPrice":"9.50"}"#
            let resting = try await client.call(.post, orders, headers: auth, body: rest)
            #expect(resting.json["status"].string == "OPEN")
            let restingID = try #require(resting.json["id"].string)
            let cancelled = try await client.call(.delete, "\(orders)/\(restingID)", headers: auth)
            #expect(cancelled.status == 202)
            #expect(cancelled.json["status"].string == "CANCEL_REQUESTED")
            #expect(
                try await client.call(.get, "\(orders)/\(restingID)", headers: auth).json["status"].string == "CANCELED"
            )
            // Bad input: malformed JSON, a missing field, a wrong type, a bad number, a venue rule, another account.
            #expect(
                try await client.call(.post, orders, headers: auth, body: #"{"transactionId":"#).json["errors"][0][
                    "code"
                ].string == "MALFORMED_JSON")
            let missing = try await client.call(
                .post, orders, headers: auth,
                body:
                    #"{"transactionId":"x","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":"1","limitPrice":"10"}"#
            )
            #expect(missing.status == 400)
            #expect(missing.json["errors"][0]["field"].string == "symbol")
            let wrongType = try await client.call(
                .post, orders, headers: auth,
                body:
                    #"{"transactionId":"x","symbol":"ACME","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":1,"limitPrice":"10"}"#
            )
            #expect(wrongType.json["errors"][0]["field"].string == "quantity")
            let negative = try await client.call(
                .post, orders, headers: auth,
                body:
                    #"{"transactionId":"x","symbol":"ACME","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":"-5","limitPrice":"10"}"#
            )
            #expect(negative.status == 400)
            let offTick = try await client.call(
                .post, orders, headers: auth,
                body:
                    #"{"transactionId":"x","symbol":"ACME","side":"BUY","timeInForce":"DAY","type":"LIMIT","quantity":"5","limitPrice":"10.005"}"#
            )
            #expect(offTick.status == 422)
            #expect(offTick.json["errors"][0]["code"].string == "OFF_TICK")
            #expect(
                try await client.call(.get, "/trading/v1/accounts/someone-else/orders/\(id)", headers: auth).status
                    == 404)
            #expect(try await client.call(.get, "\(orders)/999999", headers: auth).status == 404)
            #expect(
                try await client.call(.get, "/trading/v1/fee?price=10&quantity=100", headers: auth).json["fee"].string
                    == "0")
        }
    }

    @Test("Archax: JWT login, integers scaled by 10^decimals, 0/1 codes, orderStatus and filledStatus, commission")
    func archax() async throws {
        let venue = try LiveVenue("archax")
        let bestAsk = try #require(try await venue.engine.book(try Symbol("SPCE")).topOfBook.ask)
        try await venue.run { client in
            #expect(try await client.call(.get, "/instruments").json["status"].string == "error")
            #expect(
                try await client.call(.post, "/login", body: #"{"email":"archax-demo","password":"x"}"#).status == 401)
            let jwt = try #require(
                try await client.call(
                    .post, "/login", body: #"{"email":"archax-demo","password":"archax-demo-secret"}"#
                ).json["data"]["jwt"].string)
            let auth = ["Authorization": "Bearer \(jwt)"]
            let instruments = try await client.call(.get, "/instruments", headers: auth)
            #expect(instruments.json[0]["symbol"].string == "SPCE")
            #expect(instruments.json[0]["tickSize"].int == 100)  // 0.01 at 4 decimals
            #expect(instruments.json[0]["priceDecimalPlaces"].int == 4)
            let depth = try await client.call(.get, "/instruments/1/depth", headers: auth)
            let scaledAsk = String(try bestAsk.price.scaled(toDecimals: 4))
            #expect(
                (depth.json["sell"] as? [String: Any])?[scaledAsk] as? Int
                    == Int(try bestAsk.quantity.scaled(toDecimals: 2)))
            let quantity = try Quantity(units: 10)
            let body =
                #"{"actionRef":"ar-1","instrumentId":1,"limitPrice":\#(scaledAsk),"orderType":0,"quantity":\#(try quantity.scaled(toDecimals: 2)),"side":0,"organisationId":"archax-demo"}"#
            let placed = try await client.call(.post, "/orders", headers: auth, body: body)
            #expect(placed.status == 201)
            #expect(placed.json["orderStatus"].string == "completed")
            #expect(placed.json["filledStatus"].string == "filled")
            // 15 bp commission on 10 × the ask, at 4 decimals.
            let notional = try Money.notional(price: bestAsk.price, quantity: quantity)
            let commission = try notional.fee(basisPoints: BasisPoints("15"), rounding: .halfEven)
            #expect(
                placed.json["executions"][0]["commission"].int
                    == Int(try commission.scaled(numerator: 1, denominator: 10_000, rounding: .halfEven).rawValue))
            let id = try #require(placed.json["orderId"].string)
            #expect(try await client.call(.post, "/orders", headers: auth, body: body).json["orderId"].string == id)
            #expect(try await client.call(.post, "/orders/\(id)/cancel", headers: auth).status == 422)
            let bad = try await client.call(
                .post, "/orders", headers: auth,
                body: body.replacingOccurrences(of: #""side":0"#, with: #""side":7"#).replacingOccurrences(
                    of: "ar-1", with: "ar-2"))
            #expect(bad.status == 400)
            #expect(bad.json["field"].string == "side")
            let unknown = try await client.call(
                .post, "/orders", headers: auth,
                body: body.replacingOccurrences(of: #""instrumentId":1"#, with: #""instrumentId":9"#)
                    .replacingOccurrences(of: "ar-1", with: "ar-3"))
            #expect(unknown.status == 404)
            let ioc = try await client.call(
                .post, "/orders", headers: auth,
                body: body.replacingOccurrences(of: "ar-1", with: "ar-4").replacingOccurrences(
                    of: #""orderType":0"#, with: #""orderType":1"#))
            #expect(ioc.status == 422)  // Archax takes GTC only; a market order needs IOC
        }
    }

    @Test("Securitize: apiKey id:secret, {message, statusCode} errors, clientOrderId idempotency")
    func securitize() async throws {
        let venue = try LiveVenue("securitize")
        let bestBid = try #require(try await venue.engine.book(try Symbol("ACME")).topOfBook.bid)
        try await venue.run { client in
            let denied = try await client.call(
                .get, "/v1/assets", headers: ["Authorization": "apiKey securitize-demo:wrong"])
            #expect(denied.status == 401)
            #expect(denied.json["statusCode"].int == 401)
            #expect(denied.json["message"].string != nil)
            let auth = ["Authorization": "apiKey securitize-demo:securitize-demo-secret"]
            #expect(try await client.call(.get, "/v1/assets", headers: auth).json.array?.count == 3)
            let book = try await client.call(.get, "/v1/assets/ACME/book?levels=3", headers: auth)
            #expect(book.json["bids"][0]["price"].string == bestBid.price.description)
            let sell =
                #"{"clientOrderId":"c-1","assetId":"ACME","side":"sell","quantity":"5","price":"\#(bestBid.price)","timeInForce":"IOC"}"#
            let placed = try await client.call(.post, "/v1/orders", headers: auth, body: sell)
            #expect(placed.status == 201)
            #expect(placed.json["state"].string == "executed")
            // 50 bp taker fee.
            let fee = try Money.notional(price: bestBid.price, quantity: try Quantity("5")).fee(
                basisPoints: BasisPoints("50"), rounding: .halfEven)
            #expect(placed.json["fees"].string == fee.description)
            #expect(
                try await client.call(.post, "/v1/orders", headers: auth, body: sell).json["orderId"].string
                    == placed.json["orderId"].string)
            let fok = try await client.call(
                .post, "/v1/orders", headers: auth,
                body: sell.replacingOccurrences(of: "IOC", with: "FOK").replacingOccurrences(of: "c-1", with: "c-2"))
            #expect(fok.status == 400)
            #expect(fok.json["field"].string == "timeInForce")
            #expect(try await client.call(.post, "/v1/orders", headers: auth, body: "[]").status == 400)
        }
    }

    @Test("Texture: auction schedule, indicative uncross, orders collect and match at the auction")
    func texture() async throws {
        let venue = try LiveVenue("texture")
        try await venue.run { client in
            #expect(
                try await client.call(.get, "/api/v2/auctions/schedule").json["error"]["type"].string == "unauthorized")
            let auth = ["X-API-Key": "texture-demo", "X-API-Secret": "texture-demo-secret"]
            #expect(try await client.call(.get, "/api/v2/instruments", headers: auth).json[1]["minQty"].string == "10")
            let schedule = try await client.call(.get, "/api/v2/auctions/schedule", headers: auth)
            #expect(schedule.json["intervalMinutes"].int == 15)
            #expect(schedule.json["inSession"] as? Bool == true)
            #expect(schedule.json["nextAuction"].string == "2026-11-23T15:00:00Z")  // 10:00 ET
            let book = try await venue.engine.book(try Symbol("ACME"))
            let bestAsk = try #require(book.bestAsk)
            // A bid at the best offer collects without trading.
            let bid =
                #"{"clientRef":"r-1","symbol":"ACME","side":"bid","qty":"10","limit":"\#(bestAsk)","duration":"day"}"#
            let placed = try await client.call(.post, "/api/v2/orders", headers: auth, body: bid)
            #expect(placed.status == 201)
            #expect(placed.json["state"].string == "collecting")
            let indicative = try await client.call(.get, "/api/v2/auctions/ACME/indicative", headers: auth)
            #expect(indicative.json["price"].string != nil)
            #expect(indicative.json["matchedQty"].string != "0")
            let ioc = #"{"clientRef":"r-2","symbol":"ACME","side":"bid","qty":"5","limit":"9.50","duration":"ioc"}"#
            let lapsing = try await client.call(.post, "/api/v2/orders", headers: auth, body: ioc)
            // The auction runs (the admin control stands in for the clock reaching the schedule).
            #expect(try await client.call(.post, "/_mock/auction").status == 401)
            #expect(
                try await client.call(.post, "/_mock/auction", headers: ["x-mock-admin": "texture-demo-secret"]).status
                    == 200)
            let id = try #require(placed.json["orderId"].string)
            let after = try await client.call(.get, "/api/v2/orders/\(id)", headers: auth)
            #expect(after.json["state"].string == "matched")
            #expect(after.json["fills"][0]["px"].string == indicative.json["price"].string)
            // 100 bp a side.
            let fee = try Money.notional(
                price: try Price(indicative.json["price"].string ?? "0"), quantity: try Quantity("10")
            ).fee(basisPoints: BasisPoints("100"), rounding: .halfEven)
            #expect(after.json["fees"].string == fee.description)
            let lapsed = try await client.call(
                .get, "/api/v2/orders/\(lapsing.json["orderId"].string ?? "")", headers: auth)
            #expect(lapsed.json["state"].string == "withdrawn")
            let bad = try await client.call(
                .post, "/api/v2/orders", headers: auth,
                body: bid.replacingOccurrences(of: "bid\",\"qty", with: "buy\",\"qty"))
            #expect(bad.json["error"]["param"].string == "side")
        }
    }

    @Test("Openfinance: Basic auth, fee quoted in the order reply, market and FOK orders, stops held until triggered")
    func openfinance() async throws {
        let venue = try LiveVenue("openfinance")
        let bestAsk = try #require(try await venue.engine.book(try Symbol("BLDG")).topOfBook.ask)
        try await venue.run { client in
            let denied = try await client.call(.get, "/of/v1/markets")
            #expect(denied.status == 401)
            #expect(denied.json["ok"] as? Bool == false)
            let basic = Data("openfinance-demo:openfinance-demo-secret".utf8).base64EncodedString()
            let auth = ["Authorization": "Basic \(basic)"]
            let markets = try await client.call(.get, "/of/v1/markets", headers: auth)
            #expect(markets.json[0]["feeBuyerPct"].string == "2.5")
            #expect(markets.json[0]["feeSellerPct"].string == "1.5")
            let book = try await client.call(.get, "/of/v1/markets/BLDG-USD/orderbook", headers: auth)
            let version = try #require(book.json["version"].int)
            #expect(
                try await client.call(.get, "/of/v1/markets/BLDG-USD/orderbook?since=\(version)", headers: auth).json[
                    "modified"] as? Bool == false)
            let order =
                #"{"idempotencyKey":"k-1","market":"BLDG-USD","direction":"BUY","orderType":"LIMIT","amount":"10","price":"45.00","timeInForce":"GTC"}"#
            let placed = try await client.call(.post, "/of/v1/orders", headers: auth, body: order)
            #expect(placed.status == 201)
            #expect(placed.json["order"]["status"].string == "OPEN")
            // 2.5 % of 10 × 45.00 quoted before anything trades.
            #expect(placed.json["fee"]["quotedAmount"].string == "11.25")
            #expect(placed.json["fee"]["chargedAmount"].string == "0")
            let market =
                #"{"idempotencyKey":"k-2","market":"BLDG-USD","direction":"BUY","orderType":"MARKET","amount":"\#(bestAsk.quantity)","timeInForce":"IOC"}"#
            let filled = try await client.call(.post, "/of/v1/orders", headers: auth, body: market)
            #expect(filled.json["order"]["status"].string == "FILLED")
            #expect(filled.json["order"]["averagePrice"].string == bestAsk.price.description)
            let fok =
                #"{"idempotencyKey":"k-3","market":"BLDG-USD","direction":"BUY","orderType":"LIMIT","amount":"1000000","price":"\#(bestAsk.price)","timeInForce":"FOK"}"#
            let killed = try await client.call(.post, "/of/v1/orders", headers: auth, body: fok)
            #expect(killed.status == 422)
            #expect(
                killed.json["error_code"].string == "above_maximum_size"
                    || killed.json["error_code"].string == "fok_not_fillable")
            let smallFok = fok.replacingOccurrences(of: "1000000", with: "50000").replacingOccurrences(
                of: "k-3", with: "k-4")
            #expect(
                try await client.call(.post, "/of/v1/orders", headers: auth, body: smallFok).json["error_code"].string
                    == "fok_not_fillable")
            // Stops: a STOP needs its stopPrice; a sell stop at the last trade triggers at once and sells at market;
            // a buy stop far above waits, untriggered, and cancels.
            let noTrigger =
                #"{"idempotencyKey":"k-5","market":"BLDG-USD","direction":"BUY","orderType":"STOP","amount":"1","timeInForce":"GTC"}"#
            #expect(
                try await client.call(.post, "/of/v1/orders", headers: auth, body: noTrigger).json["field"].string
                    == "stopPrice")
            let sellStop =
                #"{"idempotencyKey":"k-6","market":"BLDG-USD","direction":"SELL","orderType":"STOP","amount":"5","stopPrice":"\#(bestAsk.price)","timeInForce":"GTC"}"#
            let triggered = try await client.call(.post, "/of/v1/orders", headers: auth, body: sellStop)
            #expect(triggered.status == 201)
            #expect(triggered.json["order"]["triggered"] as? Bool == true)
            #expect(triggered.json["order"]["status"].string == "FILLED")
            let buyStop =
                #"{"idempotencyKey":"k-7","market":"BLDG-USD","direction":"BUY","orderType":"STOP","amount":"5","stopPrice":"58.00","timeInForce":"GTC"}"#
            let waiting = try await client.call(.post, "/of/v1/orders", headers: auth, body: buyStop)
            #expect(waiting.json["order"]["triggered"] as? Bool == false)
            #expect(waiting.json["order"]["status"].string == "OPEN")
            let waitingID = try #require(waiting.json["order"]["id"].string)
            #expect(
                try await client.call(.delete, "/of/v1/orders/\(waitingID)", headers: auth).json["order"]["status"]
                    .string == "CANCELLED")
            let id = try #require(placed.json["order"]["id"].string)
            #expect(
                try await client.call(.delete, "/of/v1/orders/\(id)", headers: auth).json["order"]["status"].string
                    == "CANCELLED")
        }
    }
}
