import ATSAssembly
import ATSDomain
import ATSJournalTestSupport
import ATSPostgres
import ATSServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Two instances on one PostgreSQL journal, served on real sockets: a request about an account
/// the other instance owns is answered by its owner (`X-ATS-Instance` says which), market data by
/// whoever is asked, and a request already forwarded once is not forwarded again.
@Suite struct ForwardingTests {
    static let keys = [
        "alice": "ak-alice-7f3c9e21b8d44a10", "bob": "ak-bob-2d8e41c06a9b5f37", "carol": "ak-carol-91b5e7d24f0c8a63",
        "dave": "ak-dave-5c0a9f83e17d2b46", "erin": "ak-erin-e4a7c2b9d0f61835", "frank": "ak-frank-3b6d0e9a7c12f548",
    ]

    static func get(_ url: String, key: String, headers: [(String, String)] = []) async throws -> (
        status: Int, instance: String?, retryAfter: String?, body: String
    ) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (
            Int(response.status.code), response.headers.first(name: "X-ATS-Instance"),
            response.headers.first(name: "Retry-After"), String(buffer: body)
        )
    }

    @Test func anAccountsRequestsAreAnsweredByItsOwnerWhicheverInstanceIsAsked() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let made = try backend.make()
        let catalog = try Repository.catalog()
        let configuration = try Repository.configuration(catalog)
        var runtimes: [(RouterRuntime, RunningServer)] = []
        for id in ["fa", "fb"] {
            var options = RouterRuntime.Options()
            options.databaseURL = made.location
            options.instanceID = id
            options.leaseTime = .seconds(1)
            options.stepInterval = nil
            let runtime = try await RouterRuntime.start(
                catalog: catalog, configuration: configuration, options: options)
            _ = try await runtime.recover()
            runtimes.append((runtime, try await runtime.startServing()))
        }
        // The lease rounds run beside each server (every quarter second here): until each holds its share,
        // and one round more so that each knows who holds the rest.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline
            && !runtimes.allSatisfy({ ($0.0.router.leases?.held.count ?? 0) == 3 })
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .milliseconds(600))
        let (a, b) = (runtimes[0], runtimes[1])
        let aHolds = try #require(a.0.router.leases?.held)
        let bHolds = try #require(b.0.router.leases?.held)
        #expect(aHolds.count == 3 && bHolds.count == 3 && aHolds.isDisjoint(with: bHolds))
        for account in bHolds.sorted() {
            // Asked of a, answered by b.
            let reply = try await Self.get(a.1.url + "/v1/positions", key: Self.keys[account]!)
            #expect(reply.status == 200 && reply.instance == "fb", "\(account): \(reply)")
            #expect(reply.body.contains("\"account\":\"\(account)\""))
            // Market data is answered where it is asked.
            let venues = try await Self.get(a.1.url + "/v1/venues", key: Self.keys[account]!)
            #expect(venues.status == 200 && venues.instance == "fa" && venues.body.contains("\"id\":\"fa\""))
            // A request already forwarded once is not sent on again.
            let looped = try await Self.get(
                a.1.url + "/v1/positions", key: Self.keys[account]!, headers: [("X-ATS-Forwarded-By", "fb")])
            #expect(looped.status == 503 && looped.retryAfter == "1" && looped.body.contains("account_moving"))
        }
        for account in aHolds.sorted() {
            let reply = try await Self.get(b.1.url + "/v1/orders", key: Self.keys[account]!)
            #expect(reply.status == 200 && reply.instance == "fa", "\(account): \(reply)")
        }
        // An account's stream is served by any instance: a's stream of an account b owns reads b's
        // events from the shared journal, in order from 1.
        let streamed = try #require(bHolds.sorted().first)
        let stream = StreamClient(a.1.url, key: Self.keys[streamed]!)
        try await stream.wait("welcome") { $0.contains { $0.type == "welcome" } }
        #expect(stream.messages.first?.instance == "fa")
        var order = HTTPClientRequest(url: a.1.url + "/v1/orders")
        order.method = .POST
        order.headers.add(name: "Authorization", value: "Bearer \(Self.keys[streamed]!)")
        order.headers.add(name: "Content-Type", value: "application/json")
        order.body = .bytes(ByteBuffer(string: #"{"symbol":"ACME","side":"buy","quantity":"5","limitPrice":"10.50"}"#))
        let placed = try await HTTPClient.shared.execute(order, timeout: .seconds(20))
        #expect(placed.headers.first(name: "X-ATS-Instance") == "fb")
        let events = try await stream.wait("b's order events on a's stream") {
            $0.contains { $0.type == "order" && ["final", "rejected"].contains($0.event ?? "") }
        }.filter { $0.type == "order" }
        #expect(events.compactMap(\.sequence) == Array(1...max(1, events.count)), "\(events.map(\.event))")
        await stream.close()
        // An investor's record is its account's owner's: read and changed through either instance,
        // the change is made (and journalled under the lease) by the owner, and both then see it.
        let officer = "ak-compliance-5e0d3b7a9c1f4826"
        for account in bHolds.sorted().prefix(1) {
            let read = try await Self.get(a.1.url + "/v1/investors/\(account)", key: officer)
            #expect(read.status == 200 && read.instance == "fb", "\(account): \(read)")
            var record = try #require(try JSONSerialization.jsonObject(with: Data(read.body.utf8)) as? [String: Any])
            record["kyc"] = ["status": "approved", "provider": "Onfido", "verifiedOn": "2026-11-02"]
            var put = HTTPClientRequest(url: a.1.url + "/v1/investors/\(account)")
            put.method = .PUT
            put.headers.add(name: "Authorization", value: "Bearer \(officer)")
            put.headers.add(name: "Content-Type", value: "application/json")
            put.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: record)))
            let changed = try await HTTPClient.shared.execute(put, timeout: .seconds(20))
            #expect(changed.status.code == 200 && changed.headers.first(name: "X-ATS-Instance") == "fb")
            #expect(b.0.router.context.investors.record(of: try AccountID(account))?.kyc.provider == "Onfido")
            let again = try await Self.get(a.1.url + "/v1/investors/\(account)/history", key: officer)
            #expect(again.status == 200 && again.body.contains("Onfido"), "\(again)")
        }
        for (runtime, server) in runtimes {
            await server.stop()
            await runtime.stop()
        }
        // Stopped cleanly, both gave their leases back.
        let journal = try PostgresJournal(url: try DatabaseURL(made.location), readOnly: true)
        #expect(try journal.leases().allSatisfy { $0.owner == nil })
    }
}
