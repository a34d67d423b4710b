import ATSDomain
import ATSJournalTestSupport
import ATSPostgres
import ATSRouter
import ATSStorage
import ATSVenues
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import ATSCLI

/// The proof with real processes: PostgreSQL, the venues in their own process, three `serve`
/// instances sharing one journal, traders on all three for every account; in each round one
/// instance is SIGKILLed at a seeded random moment and restarted. Afterwards: every acknowledged
/// order is there exactly once (and a retry of its clientOrderId on any instance returns it);
/// every order at a venue under the routers' keys is one journalled child and none is left live;
/// no balance is negative, the ledgers add up and the cap table equals them; every fill has its
/// settlement. The failover time (kill to the first order routed for a moved account) is printed.
///
/// Rounds: `ATS_ROUTER_FAILOVER_ROUNDS` (default 2; `scripts/failover-proof` runs 10 with the
/// default lease time).
@Suite(.serialized) struct FailoverTests {
    static let root = RoutingCommandTests.root
    static let accounts = ["alice", "bob", "carol", "dave", "erin", "frank"]
    /// The instances' lease time: `ATS_ROUTER_FAILOVER_LEASE` seconds (default 2; the script uses serve's default, 3).
    static let leaseSeconds = ProcessInfo.processInfo.environment["ATS_ROUTER_FAILOVER_LEASE"] ?? "2"

    /// An order some instance acknowledged: whose, its id, and the body sent.
    struct Acknowledgement: Sendable {
        var account: String
        var id: String
        var body: String
    }

    final class Acks: Sendable {
        let map = Mutex<[String: Acknowledgement]>([:])
    }

    /// One router instance, started (again) under its id.
    final class Instance: @unchecked Sendable {
        let id: String
        var process: Spawned?
        var url = ""
        init(id: String) { self.id = id }
    }

    static func start(_ instance: Instance, binary: URL, config: String, database: String) async throws {
        let process = try Spawned(
            binary,
            [
                "serve", "--config", config, "--venues", root.appendingPathComponent("venues").path,
                "--database-url", database, "--instance-id", instance.id, "--lease-seconds", leaseSeconds,
                "--port", "0", "--simulated-session", "--unthrottled-venues", "--log-level", "error",
            ])
        do {
            let line = try await process.lines(containing: "serving http://").first!
            instance.url = String(line[line.range(of: "http://")!.lowerBound...].prefix { $0 != " " })
            _ = try await process.lines(containing: "ready")
            instance.process = process
        } catch {
            process.stop()
            throw error
        }
    }

    /// An order sent until some instance acknowledges it: each attempt on the next instance, the
    /// same clientOrderId every time. Returns the order id and who answered, or nil by the deadline.
    static func submit(
        _ body: String, account: String, instances: [Instance], first: Int, deadline: ContinuousClock.Instant
    ) async -> (id: String, instance: String, status: String, code: Int)? {
        var attempt = first
        while ContinuousClock.now < deadline {
            let instance = instances[attempt % instances.count]
            attempt += 1
            if !instance.url.isEmpty,
                let (status, json, answeredBy) = await call(
                    .POST, instance.url + "/v1/orders", account: account, body: body),
                status == 200 || status == 201, let id = json["id"] as? String
            {
                return (id, answeredBy ?? "?", json["status"] as? String ?? "?", status)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    static func call(_ method: HTTPMethod, _ url: String, account: String, body: String? = nil) async -> (
        Int, [String: Any], String?
    )? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(DemoKeys.byAccount[account]!)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await CrashRecoveryTests.http.execute(request, timeout: .seconds(20))
            let data = Data((try await response.body.collect(upTo: 32 * 1024 * 1024)).readableBytesView)
            return (
                Int(response.status.code), (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:],
                response.headers.first(name: "X-ATS-Instance")
            )
        } catch {
            return nil
        }
    }

    /// Which instance holds each account's lease now.
    static func owners(_ database: DatabaseURL) throws -> [String: String] {
        var owners: [String: String] = [:]
        let journal = try PostgresJournal(url: database, readOnly: true)
        for lease in try journal.leases() { owners[lease.account] = lease.owner }
        return owners
    }

    @Test func threeInstancesLoseNothingAndSendNothingTwiceWhenOneIsKilledEachRound() async throws {
        guard let backend = JournalBackend.postgres else { return }
        let rounds = Int(ProcessInfo.processInfo.environment["ATS_ROUTER_FAILOVER_ROUNDS"] ?? "") ?? 2
        let binary = try CrashRecoveryTests.executable()
        let folder = NSTemporaryDirectory() + "ats-failover-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let made = try backend.make()
        let database = try DatabaseURL(made.location)
        let (venues, urls, configPath) = try await CrashRecoveryTests.externalVenues(binary, folder: folder)
        defer { venues.stop() }

        let instances = (1...3).map { Instance(id: "r\($0)") }
        defer { for instance in instances { instance.process?.stop() } }
        for instance in instances {
            try await Self.start(instance, binary: binary, config: configPath, database: made.location)
        }
        var random = SplitMix64(seed: 20_261_203)
        var acknowledged: [String: Acknowledgement] = [:]
        var failovers: [Double] = []
        for round in 0..<rounds {
            let victim = instances[Int.random(in: 0..<3, using: &random)]
            let killAfter = Int.random(in: 150...1_500, using: &random)
            let acked = Acks()
            let deadline = ContinuousClock.now + .seconds(60)
            let killed = Task { () -> (ContinuousClock.Instant, Set<String>) in
                try? await Task.sleep(for: .milliseconds(killAfter))
                let moved = Set(((try? Self.owners(database)) ?? [:]).filter { $0.value == victim.id }.keys)
                victim.process?.kill9()
                return (ContinuousClock.now, moved)
            }
            await withTaskGroup(of: Void.self) { group in
                for (index, account) in Self.accounts.enumerated() {
                    group.addTask {
                        for n in 0..<8 {
                            let key = "f\(round)-\(account)-\(n)"
                            let body =
                                n == 7
                                ? #"{"symbol":"ACME","side":"buy","quantity":"5","limitPrice":"9.00","timeInForce":"DAY","clientOrderId":"\#(key)"}"#
                                : #"{"symbol":"ACME","side":"\#(n % 3 == 2 ? "sell" : "buy")","quantity":"\#(3 + n)","timeInForce":"IOC","clientOrderId":"\#(key)"}"#
                            if let made = await Self.submit(
                                body, account: account, instances: instances, first: index + n, deadline: deadline)
                            {
                                acked.map.withLock {
                                    $0[key] = Acknowledgement(account: account, id: made.id, body: body)
                                }
                            }
                        }
                    }
                }
            }
            let (killedAt, moved) = await killed.value
            // Failover: the first order routed for an account the victim held, by the instance that took it.
            if let account = moved.sorted().first {
                var probe = 0
                while ContinuousClock.now < killedAt + .seconds(30) {
                    probe += 1
                    let body =
                        #"{"symbol":"ACME","side":"buy","quantity":"1","timeInForce":"IOC","clientOrderId":"probe-\#(round)-\#(probe)"}"#
                    let live = instances.filter { $0 !== victim }
                    if let made = await Self.submit(
                        body, account: account, instances: live, first: probe,
                        deadline: ContinuousClock.now + .seconds(1)),
                        made.instance != victim.id
                    {
                        let seconds =
                            Double((ContinuousClock.now - killedAt).components.attoseconds) / 1e18
                            + Double((ContinuousClock.now - killedAt).components.seconds)
                        failovers.append(seconds)
                        acknowledged["probe-\(round)-\(probe)"] = Acknowledgement(
                            account: account, id: made.id, body: body)
                        break
                    }
                }
            }
            try await Self.start(victim, binary: binary, config: configPath, database: made.location)
            let inRound = acked.map.withLock { $0 }
            #expect(inRound.count == Self.accounts.count * 8, "round \(round): every order acknowledged in the end")
            acknowledged.merge(inRound) { first, _ in first }
            print("round \(round): killed \(victim.id) after \(killAfter) ms; \(moved.count) account(s) moved")
        }
        // A retry of every clientOrderId, on any instance, is the order acknowledged before.
        // (An account whose lease is moving answers 503 for a moment: the client tries the next instance.)
        for (index, (key, ack)) in acknowledged.sorted(by: { $0.key < $1.key }).enumerated() {
            let reply = await Self.submit(
                ack.body, account: ack.account, instances: instances, first: index,
                deadline: ContinuousClock.now + .seconds(20))
            #expect(reply?.code == 200 && reply?.id == ack.id, "\(key): \(String(describing: reply))")
        }
        try await Self.settleAndCheck(
            acknowledged: acknowledged, instances: instances, venues: urls, database: database)
        print(
            "failover (kill to first order routed for a moved account), seconds: \(failovers.map { String(format: "%.2f", $0) }.joined(separator: " "))"
        )
        #expect(failovers.count >= rounds - 1)
    }

    /// Everything finishes; then the journal against the venues and against itself.
    static func settleAndCheck(
        acknowledged: [String: Acknowledgement], instances: [Instance], venues: [String: String],
        database: DatabaseURL
    ) async throws {
        let journal = try PostgresJournal(url: database, readOnly: true)
        // Working orders finish; the resting bids rested through every kill and takeover (or filled).
        var deadline = ContinuousClock.now + .seconds(60)
        var open: [ParentRecord] = []
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            open = try journal.parents(ParentQuery(status: "working")).map(\.parent)
        } while !open.isEmpty && ContinuousClock.now < deadline
        #expect(open.isEmpty, "still working: \(open.map(\.id))")
        // (A bid refused by an account's own rules never rested: those that did are checked.)
        var rested = 0
        for stored in try journal.parents(ParentQuery())
        where stored.parent.clientOrderId?.hasSuffix("-7") == true
            && stored.children.contains(where: { $0.child.purpose == "rest" })
        {
            rested += 1
            let parent = stored.parent
            let children = stored.children.map { "\($0.child.venue) \($0.child.status) \($0.child.failure ?? "")" }
            #expect(
                ["resting", "filled"].contains(parent.status),
                "\(parent.clientOrderId!) (\(parent.account)): \(parent.status) \(parent.note ?? "") \(children)")
        }
        #expect(rested > 0)
        // Then they are cancelled, through any instance.
        deadline = ContinuousClock.now + .seconds(60)
        repeat {
            open = try journal.parents(ParentQuery(status: "resting")).map(\.parent)
            for parent in open {
                _ = await call(
                    .DELETE, instances[Int(parent.id) % 3].url + "/v1/orders/\(parent.id)", account: parent.account)
            }
            try await Task.sleep(for: .milliseconds(300))
        } while !open.isEmpty && ContinuousClock.now < deadline
        #expect(open.isEmpty, "still resting: \(open.map(\.id))")
        // Every acknowledged order exactly once, under its clientOrderId.
        let parents = try journal.parents(ParentQuery())
        var byKey: [String: [Int64]] = [:]
        for stored in parents {
            if let key = stored.parent.clientOrderId { byKey[key, default: []].append(stored.parent.id) }
        }
        for (key, ack) in acknowledged {
            #expect(
                byKey[key] == [Int64(ack.id)!], "\(key): acknowledged as \(ack.id), journal has \(byKey[key] ?? [])")
        }
        // Every order at a venue under the routers' keys is one journalled child, and none is live.
        var children: [String: ChildRecord] = [:]
        for stored in parents { for (child, _) in stored.children { children[child.clientKey] = child } }
        var atVenues = 0
        for (venue, url) in venues {
            let reply = await CrashRecoveryTests.call(
                .GET, url + "/_mock/orders", headers: [("x-mock-admin", "\(venue)-demo-secret")])
            for order in (reply?.1 as? [[String: Any]]) ?? [] {
                guard let key = order["clientKey"] as? String, key.hasPrefix(journal.tag + "-") else { continue }
                atVenues += 1
                let child = try #require(children[key], "\(venue) has \(key), which the journal does not know")
                #expect(child.venueOrderId == order["orderId"] as? String, "\(key)")
                #expect(
                    try Quantity(rawValue: child.filledQuantity)
                        == Quantity(order["filledQuantity"] as? String ?? "-1"), "\(key) fills")
                #expect(
                    ["filled", "cancelled", "expired"].contains(order["status"] as? String ?? ""),
                    "\(key) left live at \(venue)")
            }
        }
        #expect(atVenues == children.values.filter { $0.venueOrderId != nil }.count && atVenues > 0)
        // The ledgers add up, nothing is negative, the cap table equals the ledgers; every fill settled.
        let catalog = try VenueCatalog.load(directory: root.appendingPathComponent("venues").path)
        let configuration = try RouterConfiguration.load(
            from: root.appendingPathComponent("config.json").path, venues: catalog)
        let book = try #require(try SettlementDesk.book(in: journal, catalog: catalog, configuration: configuration))
        #expect(book.invariantViolations().isEmpty, "\(book.invariantViolations().prefix(5))")
        let executions = try journal.allExecutions().map { "\($0.venue)/\($0.fillId)" }
        let settled = try journal.loadSettlement().settlements.map { "\($0.venue)/\($0.fillId)" }
        #expect(Set(executions) == Set(settled) && executions.count == settled.count)
        print(
            "checked \(parents.count) orders, \(children.count) children, \(atVenues) venue orders, \(executions.count) fills"
        )
    }
}
