import ATSAssembly
import ATSDomain
import ATSServer
import ATSVenues
import ATSWire
import ArgumentParser
import Foundation
import Testing

@testable import ATSCLI

/// The client commands against a router served on a real socket in this process: what they
/// print is for people, so these check the exit codes and that the work reached the router.
@Suite(.serialized) struct ClientCommandTests {
    static let alice = "ak-alice-7f3c9e21b8d44a10"

    func withServer(
        dataDirectory: String = NSTemporaryDirectory() + "ats-cli-test-" + UUID().uuidString,
        _ body: (String, RouterRuntime) async throws -> Void
    ) async throws {
        let catalog = try VenueCatalog.load(directory: RoutingCommandTests.venues)
        var configuration = try RouterConfiguration.load(from: RoutingCommandTests.config, venues: catalog)
        // Deadlines a loaded test machine keeps: a slow moment is not a failing venue or a stale book.
        var settings = configuration.routingSettings
        settings.requestTimeoutMilliseconds = 5_000
        settings.stalenessLimitMilliseconds = 30_000
        configuration.routing = settings
        var options = RouterRuntime.Options(dataDirectory: dataDirectory)
        options.stepInterval = nil
        let runtime = try await RouterRuntime.start(catalog: catalog, configuration: configuration, options: options)
        try await runtime.serving { url in try await body(url, runtime) }
    }

    /// Runs `ats-router ARGS`; returns the exit code (0 when it returned normally).
    func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try RouterCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return RouterCommand.exitCode(for: error).rawValue
        }
    }

    @Test func submitOrdersOrderCancelBookAndVenuesExitAsDocumented() async throws {
        try await withServer { url, runtime in
            let server = ["--server", url, "--api-key", Self.alice]
            #expect(await run(["submit", "ACME", "buy", "100"] + server) == 0)
            let alice = try AccountID("alice")
            #expect(await runtime.router.orders.parents(of: alice).first?.status == .filled)
            #expect(
                await run(
                    ["submit", "ACME", "BUY", "10", "--json"] + [
                        "--server", url, "--api-key", "ak-bob-2d8e41c06a9b5f37",
                    ]) == 1)  // refused: KYC
            #expect(await run(["submit", "ACME", "buy", "0"] + server) == 1)  // bad quantity: the router's 400
            #expect(await run(["submit", "NOPE", "buy", "1"] + server) == 1)  // unknown symbol: 422
            #expect(await run(["orders", "--status", "filled"] + server) == 0)
            // Not a status: a usage error, nothing sent.
            #expect(await run(["orders", "--status", "done"] + server) == 64)
            #expect(await run(["order", "1", "--json"] + server) == 0)
            #expect(await run(["order", "2"] + server) == 1)  // bob's order: not alice's
            #expect(await run(["order", "x"] + server) == 1)
            #expect(await run(["cancel", "1"] + server) == 1)  // already filled
            #expect(await run(["book", "ACME"] + server) == 0)
            #expect(await run(["book", "NOPE"] + server) == 1)
            #expect(await run(["venues"] + server) == 0)
            #expect(await run(["orders", "--server", url, "--api-key", "ak-wrong-000000000000"]) == 1)  // 401
            // unreachable
            #expect(await run(["orders", "--server", "http://127.0.0.1:1", "--api-key", Self.alice]) == 3)
            #expect(await run(["orders", "--server", "not a url", "--api-key", Self.alice]) != 0)
            // amend: a resting order's quantity and limit; a usage error without either; a final order is 1.
            #expect(await run(["submit", "ACME", "buy", "20", "--limit", "9.00", "--tif", "DAY"] + server) == 0)
            let resting = try #require(await runtime.router.orders.parents(of: alice).last)
            #expect(resting.status == .resting)
            #expect(await run(["amend", "\(resting.id)", "--quantity", "30", "--limit", "9.05"] + server) == 0)
            let amended = await runtime.router.orders.parent(resting.id)
            #expect(amended?.quantity == (try Quantity("30")) && amended?.status == .resting)
            #expect(await run(["amend", "\(resting.id)"] + server) == 64)
            #expect(await run(["amend", "1", "--quantity", "5"] + server) == 1)
            // watch: the order events from the first, then it stops after --count; a refused key is 1.
            #expect(await run(["watch", "--resume", "0", "--count", "3", "--symbol", "ACME"] + server) == 0)
            #expect(await run(["watch", "--count", "1", "--server", url, "--api-key", "ak-wrong-000000000000"]) == 1)
            #expect(await run(["watch", "--resume", "-1"] + server) == 64)
            #expect(
                WatchLine.of(
                    #"{"type":"order","sequence":7,"order":"3","event":"fill","detail":{"event":"fill","fill":{"id":"f1","venue":"tzero","quantity":"300","price":"10.05","fee":"0"}}}"#
                ) == "#7 order 3 fill tzero 300 @ 10.05 fee 0")
            // plan --live: what the router would do, nothing sent; refused is 1, a missing argument a usage error.
            #expect(await run(["plan", "--live", "ACME", "buy", "50", "--limit", "10.10"] + server) == 0)
            #expect(await run(["plan", "--live", "ACME", "buy", "50", "--json"] + server) == 0)
            #expect(
                await run([
                    "plan", "--live", "ACME", "buy", "5", "--api-key", "ak-bob-2d8e41c06a9b5f37", "--server", url,
                ])
                    == 1)
            #expect(await run(["plan", "--live", "ACME", "buy"] + server) == 64)
            #expect(await run(["plan"]) == 64)
            #expect(await runtime.router.orders.allParents().count == 3)  // the bad submissions created nothing
            // serve refuses what it cannot run on, with a non-zero exit.
            let paths = ["--venues", RoutingCommandTests.venues, "--config", RoutingCommandTests.config]
            #expect(await run(["serve", "--data-dir", "/proc/no-journal-here", "--port", "0"] + paths) == 1)
            #expect(await run(["serve", "--durability", "sometimes"] + paths) != 0)
            #expect(await run(["serve", "--port", "70000"] + paths) != 0)
        }
    }

    @Test func investorShowAndVerifyExitAsDocumented() async throws {
        try await withServer { url, runtime in
            let officer = ["--server", url, "--api-key", "ak-compliance-5e0d3b7a9c1f4826"]
            let alice = try AccountID("alice")
            #expect(await run(["investor", "show", "alice"] + officer) == 0)
            #expect(await run(["investor", "show", "alice", "--json", "--history"] + officer) == 0)
            #expect(await run(["investor", "show", "alice", "--server", url, "--api-key", Self.alice]) == 1)  // 403
            #expect(await run(["investor", "show", "zed"] + officer) == 1)  // 404
            #expect(
                await run(
                    [
                        "investor", "verify", "alice", "--kyc", "approved", "--provider", "Onfido", "--verified-on",
                        "2026-01-05", "--expires-on", "2027-01-05", "--accreditation", "income", "--accredited-on",
                        "2026-11-01", "--evidence", "2025 return", "--wallet",
                        "ethereum=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                    ] + officer) == 0)
            let record = try #require(runtime.router.context.investors.record(of: alice))
            #expect(record.revision == 1 && record.kyc.provider == "Onfido" && record.updatedBy == "compliance")
            #expect(record.accreditation?.method == .income && record.wallets["ethereum"]?.hasPrefix("0x5a") == true)
            // The router's 422 names the field; a malformed option is refused before anything is sent.
            #expect(
                await run(["investor", "verify", "alice", "--kyc", "approved", "--expires-on", "2020-01-01"] + officer)
                    == 1)
            #expect(await run(["investor", "verify", "alice", "--wallet", "ethereum"] + officer) != 0)
            #expect(
                await run(["investor", "verify", "alice", "--kyc", "revoked", "--note", "court order"] + officer) == 0)
            #expect(runtime.router.context.investors.record(of: alice)?.kyc.status == .revoked)
            #expect(await run(["submit", "ACME", "buy", "10", "--server", url, "--api-key", Self.alice]) == 1)
            // The queue: a sanctioned wallet on bob's record raises an alert, closed from the CLI.
            #expect(
                await run(
                    ["investor", "verify", "bob", "--wallet", "ethereum=0x7F367cC41522cE07553e823bf3be79A889DEbe1B"]
                        + officer) == 0)
            runtime.router.compliance.screen()
            #expect(await run(["investor", "alerts", "--status", "open"] + officer) == 0)
            #expect(await run(["investor", "alerts", "--status", "maybe"] + officer) == 64)
            let alert = try #require(try runtime.router.compliance.alerts(status: "open").first)
            #expect(alert.account.rawValue == "bob")
            #expect(await run(["investor", "close-alert", "\(alert.id)", "--resolution", "true match"] + officer) == 0)
            #expect(await run(["investor", "close-alert", "\(alert.id)", "--resolution", "again"] + officer) == 1)
        }
    }

    @Test func offeringsSubscribeAndSubscriptionsExitAsDocumented() async throws {
        try await withServer { url, runtime in
            let server = ["--server", url, "--api-key", Self.alice]
            #expect(await run(["offerings"] + server) == 0)
            #expect(await run(["offerings", "--json"] + server) == 0)
            #expect(
                await run(["offerings", "--compare", "VINE-2026B", "--venue", "rialto", "--amount", "6000"] + server)
                    == 0)
            #expect(
                await run(["offerings", "--compare", "NOPE", "--venue", "rialto", "--amount", "6000"] + server) == 1)
            #expect(await run(["offerings", "--compare", "VINE-2026B"] + server) != 0)  // --venue and --amount needed
            #expect(
                await run(
                    ["subscribe", "VINE-2026B", "1200", "--venue", "rialto", "--client-subscription-id", "c-1"] + server
                )
                    == 0)
            let taken = try runtime.router.subscriptions.subscriptions(account: try AccountID("alice"))
            #expect(taken.map(\.status) == [.pending] && taken.first?.clientSubscriptionId == "c-1")
            // The same id again: the same subscription, exit 0.
            #expect(
                await run(
                    ["subscribe", "VINE-2026B", "1200", "--venue", "rialto", "--client-subscription-id", "c-1"] + server
                )
                    == 0)
            #expect(try runtime.router.subscriptions.subscriptions().count == 1)
            // Refused below the minimum; not a number (the router's 400); no such offering (422).
            #expect(await run(["subscribe", "VINE-2026B", "10", "--venue", "rialto"] + server) == 1)
            #expect(await run(["subscribe", "VINE-2026B", "ten", "--venue", "rialto"] + server) == 1)
            #expect(await run(["subscribe", "NOPE", "100", "--venue", "rialto"] + server) == 1)
            #expect(await run(["subscriptions"] + server) == 0)
            #expect(await run(["convert", "1000", "--from", "USDC", "--to", "USD"] + server) == 0)
            #expect(await run(["convert", "1000", "--from", "USDC", "--to", "USD", "--venue", "tzero"] + server) == 1)
            #expect(try runtime.router.conversions.conversions().map(\.status) == [.completed])
            #expect(await run(["subscriptions", "--json"] + server) == 0)
        }
    }

    @Test func settlementsPositionsAndTransfersAgainstTheServerAndOfflineOnItsJournal() async throws {
        let folder = NSTemporaryDirectory() + "ats-cli-settle-" + UUID().uuidString
        let paths = ["--venues", RoutingCommandTests.venues, "--config", RoutingCommandTests.config]
        try await withServer(dataDirectory: folder) { url, runtime in
            let server = ["--server", url, "--api-key", Self.alice]
            #expect(await run(["submit", "ACME", "buy", "100"] + server) == 0)
            #expect(await run(["settlements"] + server) == 0)
            #expect(await run(["settlements", "--order", "1", "--status", "settled", "--json"] + server) == 0)
            #expect(await run(["settlements", "--status", "nope"] + server) != 0)
            #expect(await run(["settlements", "--order", "x"] + server) != 0)
            #expect(await run(["settlements", "--account", "bob"] + server) != 0)  // --account is for journals
            #expect(await run(["positions"] + server) == 0)
            #expect(await run(["positions", "--account", "alice", "--json"] + server) == 0)
            #expect(await run(["positions", "--account", "bob"] + server) == 1)  // the key is alice's
            #expect(await run(["transfer", "ACME", "10", "--to", "tzero"] + server) == 0)
            #expect(await run(["transfer", "ACME", "999999", "--to", "tzero"] + server) == 1)
            #expect(await run(["transfer", "ACME", "10", "--to", "moon"] + server) == 1)
            #expect(await run(["positions", "--server", "http://127.0.0.1:1", "--api-key", Self.alice]) == 3)
            // Offline, on the journal the server is writing: the same settlements, read without writing.
            let online = try runtime.router.settlement.wholeBook()
            let offline = try SettlementSource.parse(["--data-dir", folder] + paths).offlineBook().2
            #expect(offline.settlements == online.settlements && offline.transfers == online.transfers)
            #expect(offline.ledger.balances == online.ledger.balances && offline.capTable.lots == online.capTable.lots)
            #expect(await run(["settlements", "--data-dir", folder] + paths) == 0)
            #expect(await run(["settlements", "--data-dir", folder, "--account", "alice", "--json"] + paths) == 0)
            #expect(await run(["positions", "--data-dir", folder, "--account", "alice"] + paths) == 0)
            #expect(await run(["positions", "--data-dir", folder] + paths) != 0)  // which account?
            #expect(await run(["positions", "--data-dir", folder, "--account", "nobody"] + paths) != 0)
            #expect(await run(["settlements", "--data-dir", folder + "-missing"] + paths) != 0)
            // The report: offline on the journal, and from the router for alice.
            let out = folder + "-reports"
            #expect(await run(["report", "--data-dir", folder, "--out", out, "--format", "md,html"]) == 0)
            #expect(
                FileManager.default.fileExists(atPath: out + "/report.md")
                    && FileManager.default.fileExists(atPath: out + "/report.html"))
            #expect(!FileManager.default.fileExists(atPath: out + "/report.json"))
            #expect(
                await run(["report", "--data-dir", folder, "--from", "2020-01-01", "--to", "2099-12-31T00:00Z"]) == 0)
            // the default: <data-dir>/reports, every format
            #expect(FileManager.default.fileExists(atPath: folder + "/reports/rule605.csv"))
            #expect(await run(["report", "--out", out + "-server", "--format", "json"] + server) == 0)
            let fetched =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: out + "-server/report.json"))) as? [String: Any]
            #expect(fetched?["scope"] as? String == "account alice")
            #expect(await run(["report", "--data-dir", folder, "--format", "pdf"]) != 0)
            #expect(await run(["report", "--data-dir", folder, "--from", "yesterday"]) != 0)
            #expect(await run(["report", "--data-dir", folder, "--from", "2026-12-01", "--to", "2026-11-01"]) != 0)
            #expect(await run(["report", "--data-dir", folder + "-missing"]) != 0)
            #expect(await run(["report", "--account", "bob"] + server) != 0)
        }
    }
}

/// One stream message, as `watch` prints it.
enum WatchLine {
    static func of(_ json: String) -> String? {
        (try? JSONDecoder().decode(APIViews.StreamMessage.self, from: Data(json.utf8))).flatMap(Watch.line)
    }
}
