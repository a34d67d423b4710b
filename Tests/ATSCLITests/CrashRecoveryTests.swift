import ATSDomain
import ATSJournalTestSupport
import ATSStorage
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import ATSCLI

/// A child process whose output is collected as it comes.
final class Spawned: @unchecked Sendable {
    let process = Process()
    private let output = Mutex("")
    private let pipe = Pipe()
    /// Its standard input, when it was started with one to write to.
    private let input: Pipe?

    /// Starts `executable`; in `directory` when given, with `environment` when given; with a
    /// standard input to ``write(_:)`` to when `stdin`.
    init(
        _ executable: URL, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        stdin: Bool = false
    ) throws {
        input = stdin ? Pipe() : nil
        if let input { process.standardInput = input }
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            output.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var text: String { output.withLock { $0 } }

    /// Writes `line` and a newline to the process's standard input.
    func write(_ line: String) {
        input?.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Waits for the process to exit, then reads what it wrote that the handler has not delivered
    /// yet (the handler runs on its own queue: without this, output can lag the exit). It sleeps
    /// between looks rather than block: a blocked thread is one of the test pool's two here, and
    /// two tests blocked at once stall every other test in the process (books go stale, venue
    /// calls time out).
    func waitForExit() async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        pipe.fileHandleForReading.readabilityHandler = nil
        let rest = pipe.fileHandleForReading.readDataToEndOfFile()
        output.withLock { $0 += String(decoding: rest, as: UTF8.self) }
    }

    /// Waits for output lines containing `marker`, `count` of them; returns them.
    func lines(containing marker: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = text.split(separator: "\n").filter { $0.contains(marker) }.map(String.init)
            if found.count >= count { return found }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RecoveryTestError("no \(count) line(s) with \"\(marker)\" in: \(text)")
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits up to `seconds`; returns the exit status, or nil if it was still running (then killed).
    func terminate(within seconds: Double) async -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill9()
            return nil
        }
        return process.terminationStatus
    }

    /// Asks the process to stop (SIGTERM) and returns; a thread outside the test pool kills it if
    /// it has not stopped after five seconds (`defer` cannot wait, and must not block the pool).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let process = self.process
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

final class Acknowledged: Sendable {
    let ids = Mutex<[String: String]>([:])
}

struct RecoveryTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Kills a real `serve` process with SIGKILL while orders are working, restarts it on the same
/// journal, and checks against the venues' own records (the venues run as separate
/// `venue serve` processes, so they outlive the router) that no fill is lost, no child reached
/// a venue twice, and every parent ends consistently. Repeated over several kill points.
@Suite(.serialized) struct CrashRecoveryTests {
    static let root = RoutingCommandTests.root
    static let alice = "ak-alice-7f3c9e21b8d44a10"

    /// The `ats-router` built beside this test bundle.
    static func executable() throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("ats-router")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let fallback = root.appendingPathComponent(".build/debug/ats-router")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw RecoveryTestError(
                "ats-router is not built beside the tests (\(directory.path)); run swift build first")
        }
        return fallback
    }

    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// One HTTP call; nil when the server could not be reached or dropped the connection.
    static func call(_ method: HTTPMethod, _ url: String, headers: [(String, String)], body: String? = nil) async -> (
        Int, Any?
    )? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(15))
            let data = Data((try await response.body.collect(upTo: 32 * 1024 * 1024)).readableBytesView)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: data))
        } catch {
            return nil
        }
    }

    static func api(_ method: HTTPMethod, _ base: String, _ path: String, body: String? = nil) async -> (
        Int, [String: Any]
    )? {
        guard
            let (status, json) = await call(
                method, base + path, headers: [("Authorization", "Bearer \(alice)")], body: body)
        else { return nil }
        return (status, json as? [String: Any] ?? [:])
    }

    /// Where `serve` keeps `journal`: `--data-dir` for a file, `--database-url` for PostgreSQL.
    /// On PostgreSQL the restarted router keeps its instance id: it takes its own leases back
    /// (once the killed one's heartbeat is older than the lease time) and recovers its accounts.
    static func journalArguments(_ journal: TestJournal) -> [String] {
        journal.location.hasPrefix("postgres")
            ? ["--database-url", journal.location, "--instance-id", "crash-test", "--lease-seconds", "2"]
            : ["--data-dir", (journal.location as NSString).deletingLastPathComponent]
    }

    func startRouter(_ binary: URL, config: String, journal: [String]) async throws -> (Spawned, String) {
        let router = try Spawned(
            binary,
            [
                "serve", "--config", config, "--venues", Self.root.appendingPathComponent("venues").path,
                "--port", "0", "--simulated-session", "--unthrottled-venues", "--log-level", "error",
            ] + journal)
        do {
            let line = try await router.lines(containing: "serving http://").first!
            let url = String(line[line.range(of: "http://")!.lowerBound...].prefix { $0 != " " })
            // Orders are taken once recovery is done.
            _ = try await router.lines(containing: "ready")
            return (router, url)
        } catch {
            router.stop()
            throw error
        }
    }

    /// The seven venues served by `venue serve all` in a process of their own (so they outlive a
    /// killed router), and a `config.json` in `folder` placing them there. Their published rate
    /// limits are lifted (and `serve` is started with `--unthrottled-venues`): INX's 100 requests a
    /// minute count every process that uses its key, so a restarted or second router would find the
    /// minute spent by the one before; these tests are about crashes, and the limits have their own
    /// (`InxDialectTests`, `RequestBudgetTests`).
    static func externalVenues(_ binary: URL, folder: String) async throws -> (
        process: Spawned, urls: [String: String], config: String
    ) {
        let venues = try Spawned(
            binary,
            [
                "venue", "serve", "all", "--port", "0", "--simulated-session", "--unthrottled",
                "--venues", root.appendingPathComponent("venues").path,
            ])
        do {
            var urls: [String: String] = [:]
            for line in try await venues.lines(containing: "serving on http://", count: 7) {
                urls[String(line.split(separator: " ")[0])] = String(line[line.range(of: "http://")!.lowerBound...])
            }
            var config =
                try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("config.json")))
                as! [String: Any]
            var routing = config["routing"] as! [String: Any]
            routing["venues"] = urls.mapValues { ["url": $0] }
            config["routing"] = routing
            let configPath = folder + "/config.json"
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
            return (venues, urls, configPath)
        } catch {
            venues.stop()
            throw error
        }
    }

    /// A journal emptied to zero bytes (or otherwise not a journal) stops `serve` with exit 1 naming
    /// the file; nothing is started on it, and the file is left as it was. `--initialise-journal` makes a new one.
    @Test func serveRefusesAJournalThatIsNotOne() async throws {
        let binary = try Self.executable()
        let data = NSTemporaryDirectory() + "ats-refuse-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let path = data + "/journal.sqlite"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let refused = try Spawned(binary, ["serve", "--data-dir", data, "--port", "0", "--log-level", "error"])
        await refused.waitForExit()
        #expect(refused.process.terminationStatus == 1)
        #expect(
            refused.text.contains("journal \(path) is refused") && !refused.text.contains("serving"), "\(refused.text)")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0)
        let made = try Spawned(
            binary, ["serve", "--data-dir", data, "--port", "0", "--log-level", "error", "--initialise-journal"])
        defer { made.stop() }
        _ = try await made.lines(containing: "ready")
        #expect(made.process.isRunning)
    }

    @Test(arguments: JournalBackend.all)
    func aKilledRouterLosesNoFillAndSendsNoChildTwice(backend: JournalBackend) async throws {
        let binary = try Self.executable()
        let folder = NSTemporaryDirectory() + "ats-crash-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The seven venues in their own process, on the simulated session clock.
        let (venues, urls, configPath) = try await Self.externalVenues(binary, folder: folder)
        defer { venues.stop() }

        var openAtRestart = 0
        var cutShort = 0
        // Every router started, stopped however the test ends (a failed expectation that throws
        // must not leave a server running to load the rest of the suite).
        var routers: [Spawned] = []
        defer { for router in routers where router.process.isRunning { router.stop() } }
        for (round, killAfter) in [40, 150, 400, 900].enumerated() {
            let made = try backend.make()
            var (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
            routers.append(router)
            // Four traders' worth of orders from alice: IOC buys and sells, and one DAY bid below the market that rests.
            let bodies: [(String, String)] = (0..<24).map { n in
                let id = "r\(round)-\(n)"
                switch n % 6 {
                case 5:
                    return (
                        id,
                        #"{"symbol":"ACME","side":"buy","quantity":"20","limitPrice":"9.00","timeInForce":"DAY","clientOrderId":"\#(id)"}"#
                    )
                case 4:
                    return (
                        id,
                        #"{"symbol":"ACME","side":"sell","quantity":"5","timeInForce":"IOC","clientOrderId":"\#(id)"}"#
                    )
                default:
                    return (
                        id,
                        #"{"symbol":"ACME","side":"buy","quantity":"\#(40 + 35 * (n % 4))","timeInForce":"IOC","clientOrderId":"\#(id)"}"#
                    )
                }
            }
            let acknowledged = Acknowledged()  // clientOrderId → order id
            let base = url
            let victim = router
            let killer = Task {
                try await Task.sleep(for: .milliseconds(killAfter))
                victim.kill9()
            }
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for (id, body) in bodies.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                            guard let (status, json) = await Self.api(.POST, base, "/v1/orders", body: body) else {
                                return
                            }
                            if status == 201 || status == 200, let orderID = json["id"] as? String {
                                acknowledged.ids.withLock { $0[id] = orderID }
                            }
                        }
                    }
                }
            }
            try await killer.value
            let before = acknowledged.ids.withLock { $0 }
            (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
            routers.append(router)
            defer { router.stop() }
            // What the restart found: "journal …: N orders, M open, K children reconciled".
            let found = try await router.lines(containing: "children reconciled").first!
            let words = found.split(separator: " ")
            let open = words.firstIndex(of: "open,").flatMap { Int(words[$0 - 1]) } ?? 0
            openAtRestart += open
            if before.count < bodies.count { cutShort += 1 }
            print(
                "round \(round): killed after \(killAfter) ms with \(before.count) of \(bodies.count) acknowledged; restart: \(found)"
            )
            // Every acknowledged order survived; the rest are sent again under the same clientOrderId.
            for (clientOrderId, body) in bodies {
                let reply = await Self.api(.POST, url, "/v1/orders", body: body)
                #expect(reply?.0 == 200 || reply?.0 == 201, "round \(round): \(clientOrderId)")
                if let known = before[clientOrderId] {
                    #expect(
                        reply?.0 == 200 && reply?.1["id"] as? String == known,
                        "round \(round): \(clientOrderId) acknowledged as \(known) before the kill")
                }
            }
            // Everything settles: done, or resting.
            var orders: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(30)
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                orders = (await Self.api(.GET, url, "/v1/orders?limit=1000")?.1["orders"] as? [[String: Any]]) ?? []
            } while orders.contains(where: { $0["status"] as? String == "working" }) && ContinuousClock.now < deadline
            #expect(orders.count == bodies.count, "round \(round): one order per clientOrderId")
            #expect(Set(orders.compactMap { $0["clientOrderId"] as? String }).count == bodies.count)
            #expect(
                !orders.contains { $0["status"] as? String == "working" }, "round \(round): still working after 30 s")
            // The journal's children, by key, against every venue's own record of the orders under this journal's tag.
            let journal = try made.reopen()
            let tag = journal.tag
            var children: [String: [String: Any]] = [:]
            for order in orders {
                let id = order["id"] as! String
                let detail = try #require(await Self.api(.GET, url, "/v1/orders/\(id)")?.1)
                let kids = detail["children"] as? [[String: Any]] ?? []
                for child in kids { children[child["clientKey"] as! String] = child }
                let filled = kids.reduce(Int64(0)) { $0 + (try! domainQuantity($1["filledQuantity"] as! String)) }
                #expect(
                    filled == (try domainQuantity(detail["filledQuantity"] as! String)), "round \(round) order \(id)"
                )
                if detail["status"] as? String == "resting" {
                    let cancelled = await Self.api(.DELETE, url, "/v1/orders/\(id)")
                    #expect(cancelled?.1["status"] as? String == "cancelled")
                    for child in cancelled?.1["children"] as? [[String: Any]] ?? [] {
                        children[child["clientKey"] as! String] = child
                    }
                }
            }
            var venueOrders = 0
            for (venue, venueURL) in urls {
                let reply = await Self.call(
                    .GET, venueURL + "/_mock/orders", headers: [("x-mock-admin", "\(venue)-demo-secret")])
                let list = (reply?.1 as? [[String: Any]]) ?? []
                for order in list where (order["clientKey"] as? String)?.hasPrefix(tag + "-") == true {
                    venueOrders += 1
                    let key = order["clientKey"] as! String
                    let child = try #require(
                        children[key], "round \(round): \(venue) has \(key), which the journal does not know")
                    #expect(child["venueOrderId"] as? String == order["orderId"] as? String, "round \(round): \(key)")
                    #expect(
                        child["filledQuantity"] as? String == order["filledQuantity"] as? String,
                        "round \(round): \(key) fills")
                    #expect(
                        (child["fills"] as? [Any])?.count == order["fills"] as? Int, "round \(round): \(key) fill count"
                    )
                    #expect(
                        ["filled", "cancelled", "expired"].contains(order["status"] as? String ?? ""),
                        "round \(round): \(key) left live at \(venue)")
                }
            }
            // Every child the journal says reached a venue is there (one order per key: the venue keys them).
            let sent = children.values.filter { $0["venueOrderId"] != nil }.count
            #expect(
                sent == venueOrders,
                "round \(round): \(sent) children with a venue order id, \(venueOrders) orders at the venues")
            #expect(venueOrders > 0)
            // Every fill the journal kept has its settlement, written in the same transaction: none lost to the kill.
            let executions = try journal.allExecutions().map { "\($0.venue)/\($0.fillId)" }
            let settled = try journal.loadSettlement().settlements.map { "\($0.venue)/\($0.fillId)" }
            #expect(Set(executions) == Set(settled) && settled.count == executions.count, "round \(round)")
            // SIGTERM stops it cleanly: exit status 0, promptly.
            #expect(await router.terminate(within: 10) == 0, "round \(round): serve did not exit cleanly on SIGTERM")
        }
        // The kills landed mid-flow: some restarts found orders still open, some submissions were cut short.
        #expect(openAtRestart > 0)
        #expect(cutShort > 0)
    }

    /// A subscription survives a SIGKILL between its reservation and its allocation: the restarted
    /// router finds it in the journal, follows it at the venue under the same key, and settles the
    /// allocation once; the venue holds one subscription for it, and the client's repeat is the same one.
    @Test(arguments: JournalBackend.all)
    func aSubscriptionSurvivesAKillBetweenReservationAndAllocation(backend: JournalBackend) async throws {
        let binary = try Self.executable()
        let folder = NSTemporaryDirectory() + "ats-subscribe-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (venues, urls, configPath) = try await Self.externalVenues(binary, folder: folder)
        defer { venues.stop() }
        let made = try backend.make()
        var (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let first = router
        defer { first.stop() }
        let body = #"{"venue":"rialto","offering":"VINE-2026B","amount":"60000","clientSubscriptionId":"k-1"}"#
        let taken = try #require(await Self.api(.POST, url, "/v1/subscriptions", body: body))
        #expect(taken.0 == 201 && taken.1["status"] as? String == "pending", "\(taken.1)")
        let id = try #require(taken.1["id"] as? String)
        router.kill9()
        await router.waitForExit()

        (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let second = router
        defer { second.stop() }
        let again = try #require(await Self.api(.POST, url, "/v1/subscriptions", body: body))
        #expect(again.0 == 200 && again.1["id"] as? String == id, "\(again.1)")
        let rialto = try #require(urls["rialto"])
        let closed = await Self.call(
            .POST, rialto + "/_mock/offerings/VINE-2026B/close", headers: [("x-mock-admin", "rialto-demo-secret")])
        #expect(closed?.0 == 200)
        var allocated: [String: Any] = [:]
        for _ in 0..<60 {
            allocated = await Self.api(.GET, url, "/v1/subscriptions/\(id)")?.1 ?? [:]
            if allocated["status"] as? String != "pending" { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(allocated["status"] as? String == "allocated", "\(allocated)")
        #expect(allocated["units"] as? String == "5000" && allocated["paid"] as? String == "60000")
        #expect(
            (allocated["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == [
                "accepted", "acknowledged", "allocated",
            ])
        // The venue took 60 000 once: one subscription under the router's key.
        let basic = "Basic " + Data("rialto-demo:rialto-demo-secret".utf8).base64EncodedString()
        let listed = await Self.call(.GET, rialto + "/api/v2/offerings", headers: [("Authorization", basic)])
        let vine = (listed?.1 as? [[String: Any]])?.first { $0["id"] as? String == "VINE-2026B" }
        #expect((vine?["raised"] as? [String: Any])?["amount"] as? String == "60000", "\(vine ?? [:])")
        // The units are alice's, on Polygon.
        let positions = try #require(await Self.api(.GET, url, "/v1/positions")).1
        #expect("\(positions)".contains("VINE") && "\(positions)".contains("wallet:polygon"), "\(positions)")
    }

    /// An order waiting for onboarding survives a SIGKILL: after the restart it is still
    /// `pending_onboarding`, its onboarding carries on under the same application at the venue
    /// (filed once), and the order is routed when the venue approves.
    @Test(arguments: JournalBackend.all)
    func anOrderWaitingForOnboardingSurvivesAKill(backend: JournalBackend) async throws {
        let binary = try Self.executable()
        let folder = NSTemporaryDirectory() + "ats-onboard-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (venues, urls, configPath) = try await Self.externalVenues(binary, folder: folder)
        defer { venues.stop() }
        let rialto = try #require(urls["rialto"])
        let admin = [("x-mock-admin", "rialto-demo-secret")]
        #expect(await Self.call(.POST, rialto + "/_mock/onboarding/review?seconds=3600", headers: admin)?.0 == 200)
        let made = try backend.make()
        var (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let first = router
        defer { first.stop() }
        let officer = [("Authorization", "Bearer ak-compliance-5e0d3b7a9c1f4826")]
        let record =
            #"{"revision":0,"legalName":"Bob Tran","jurisdiction":"US","usPerson":true,"kyc":{"status":"approved","provider":"Onfido","verifiedOn":"2026-11-02"},"wallets":{"ethereum":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","polygon":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"}}"#
        let put = await Self.call(.PUT, url + "/v1/investors/bob", headers: officer, body: record)
        #expect(put?.0 == 200, "\(String(describing: put?.1))")
        let bob = [("Authorization", "Bearer ak-bob-2d8e41c06a9b5f37")]
        let order =
            #"{"symbol":"VINE","side":"buy","quantity":"50","limitPrice":"13","timeInForce":"day","clientOrderId":"v-1"}"#
        let taken = await Self.call(.POST, url + "/v1/orders", headers: bob, body: order)
        let id = try #require((taken?.1 as? [String: Any])?["id"] as? String)
        #expect(
            (taken?.1 as? [String: Any])?["status"] as? String == "pending_onboarding", "\(String(describing: taken))")
        // Wait until the venue has the application, then kill the router.
        var filed = false
        for _ in 0..<80 where !filed {
            let read = await Self.call(.GET, url + "/v1/investors/bob", headers: officer)
            let onboardings = (read?.1 as? [String: Any])?["onboardings"] as? [[String: Any]] ?? []
            filed = onboardings.contains { $0["venue"] as? String == "rialto" && $0["status"] as? String == "pending" }
            if !filed { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(filed)
        router.kill9()
        await router.waitForExit()

        (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let second = router
        defer { second.stop() }
        let again = await Self.call(.POST, url + "/v1/orders", headers: bob, body: order)
        #expect(again?.0 == 200 && (again?.1 as? [String: Any])?["id"] as? String == id)
        #expect(
            (again?.1 as? [String: Any])?["status"] as? String == "pending_onboarding", "\(String(describing: again))")
        // The venue decides at once now: the same application is approved and the order routed.
        #expect(await Self.call(.POST, rialto + "/_mock/onboarding/review?seconds=0", headers: admin)?.0 == 200)
        var status = ""
        for _ in 0..<80 {
            let read = await Self.call(.GET, url + "/v1/orders/\(id)", headers: bob)
            status = (read?.1 as? [String: Any])?["status"] as? String ?? ""
            if status != "pending_onboarding" && status != "working" { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(["filled", "resting", "partially_filled"].contains(status), "\(status)")
        // One application at the venue, under the router's key.
        let basic = "Basic " + Data("rialto-demo:rialto-demo-secret".utf8).base64EncodedString()
        let application = await Self.call(.GET, rialto + "/api/v2/investors/1", headers: [("Authorization", basic)])
        #expect(
            (application?.1 as? [String: Any])?["status"] as? String == "approved", "\(String(describing: application))"
        )
        let none = await Self.call(.GET, rialto + "/api/v2/investors/2", headers: [("Authorization", basic)])
        #expect(none?.0 == 404)
    }

    /// A sale waiting for the custody transfer the router started for it survives a SIGKILL: after
    /// the restart it is still `pending_transfer`, waiting for the one transfer journalled with it
    /// (none started twice), and a repeat of its client order id returns it.
    @Test(arguments: JournalBackend.all)
    func aSaleWaitingForItsTransferSurvivesAKill(backend: JournalBackend) async throws {
        let binary = try Self.executable()
        let folder = NSTemporaryDirectory() + "ats-transfer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (venues, _, configPath) = try await Self.externalVenues(binary, folder: folder)
        defer { venues.stop() }
        let made = try backend.make()
        var (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let first = router
        defer { first.stop() }
        let alice = [("Authorization", "Bearer \(Self.alice)")]
        let order =
            #"{"symbol":"ACME","side":"sell","quantity":"100","limitPrice":"9.00","timeInForce":"DAY","includeVenues":["tzero"],"allowTransfers":true,"clientOrderId":"t-1"}"#
        let taken = await Self.call(.POST, url + "/v1/orders", headers: alice, body: order)
        let id = try #require((taken?.1 as? [String: Any])?["id"] as? String)
        #expect(
            (taken?.1 as? [String: Any])?["status"] as? String == "pending_transfer", "\(String(describing: taken))")
        func transfers() async -> [[String: Any]] {
            let read = await Self.call(.GET, url + "/v1/settlements", headers: alice)
            return ((read?.1 as? [String: Any])?["transfers"] as? [[String: Any]] ?? []).filter {
                $0["orderId"] as? String == id
            }
        }
        let before = await transfers()
        #expect(before.count == 1 && before.first?["status"] as? String == "in_flight", "\(before)")
        router.kill9()
        await router.waitForExit()

        (router, url) = try await startRouter(binary, config: configPath, journal: Self.journalArguments(made))
        let second = router
        defer { second.stop() }
        let again = await Self.call(.POST, url + "/v1/orders", headers: alice, body: order)
        #expect(again?.0 == 200 && (again?.1 as? [String: Any])?["id"] as? String == id)
        #expect(
            (again?.1 as? [String: Any])?["status"] as? String == "pending_transfer", "\(String(describing: again))")
        let after = await transfers()
        #expect(after.count == 1 && after.first?["id"] as? String == before.first?["id"] as? String, "\(after)")
        #expect(after.first?["status"] as? String == "in_flight")
    }
}

/// Quantity's raw value from a decimal string.
func domainQuantity(_ text: String) throws -> Int64 {
    try ATSDomain.Quantity(text).rawValue
}
