import ATSBuildInfo
import ATSDomain
import ATSOrders
import ATSPlanning
import ATSSettlement
import ATSStorage
import ArgumentParser
import Foundation
import Testing

@testable import ATSCLI

@Suite("ats-router command line")
struct RouterCommandTests {
    @Test("--version prints the product's name and version")
    func version() throws {
        #expect(RouterCommand.configuration.version == BuildInfo.versionLine)
        #expect(BuildInfo.versionLine.hasPrefix("ATS Router \(ATSRouterRelease.version) (commit "))
        do {
            _ = try RouterCommand.parseAsRoot(["--version"])
            Issue.record("--version did not exit")
        } catch {
            #expect(RouterCommand.message(for: error) == BuildInfo.versionLine)
            #expect(RouterCommand.exitCode(for: error) == .success)
        }
    }

    @Test("--help describes the product")
    func help() {
        let help = RouterCommand.helpMessage()
        #expect(help.contains("ats-router"))
        #expect(help.contains("tokenized securities"))
    }

    @Test("an unknown option is an error with a clear message")
    func unknownOption() {
        #expect(throws: (any Error).self) { try RouterCommand.parseAsRoot(["--frobnicate"]) }
        do {
            _ = try RouterCommand.parseAsRoot(["--frobnicate"])
        } catch {
            #expect(RouterCommand.message(for: error).contains("--frobnicate"))
            #expect(RouterCommand.exitCode(for: error) != .success)
        }
    }
}

@Suite("ats-router demo")
struct DemoTests {
    private func output(seed: UInt64, dataDirectory: String? = nil) async throws -> [String] {
        var lines: [String] = []
        try await DemoScript(
            seed: seed,
            sources: .resolve(config: RoutingCommandTests.config, venues: VenueCommandTests.venues),
            dataDirectory: dataDirectory
        ).run { lines.append($0) }
        // The API's port and the report's folder differ from run to run.
        return lines.filter { !$0.contains("127.0.0.1") && !$0.contains("ats-router-demo-reports-") }
    }

    @Test(
        "the session goes through the API: a split, refusals naming their rule, a re-route, a resting bid; --data-dir keeps the journal"
    )
    func session() async throws {
        let folder = NSTemporaryDirectory() + "ats-demo-test-" + UUID().uuidString
        let lines = try await output(seed: 7, dataDirectory: folder)
        let text = lines.joined(separator: "\n")
        #expect(text.contains("alice buys 3360 ACME, IOC, limit 10.10: order 1 filled"))
        #expect(text.contains("    plan: inx 360, securitize 800, tzero 2200"))
        #expect(text.contains("bob buys 10 ACME: order 2 rejected\n    refused: kyc_not_approved"))
        #expect(text.contains("refused: holding_period_not_elapsed"))
        #expect(text.contains("refused: country_restricted"))
        #expect(text.contains("re-plan 1 on fresh books"))
        #expect(text.contains(": order 11 resting"))
        #expect(text.contains("alice cancels order 11: cancelled"))
        for symbol in ["ACME", "SPCE", "BLDG", "GILT"] { #expect(text.contains(" \(symbol)"), "\(symbol)") }
        // Settlement: every model appears; a sale at tZERO waits for a custody transfer; a day later all is final.
        #expect(text.contains("5. Settlement"))
        for model in ["custodial_book_entry (T+0)", "four_step (T+0)", "three_step (T+0 atomic)"] {
            #expect(text.contains(model), "\(model)")
        }
        #expect(text.contains("alice sells 100 ACME at tZERO only: rejected — position_not_at_venue"))
        #expect(text.contains("every execution reached a final state: yes"))
        #expect(text.contains("cap table = ledger holdings): hold"))
        #expect(text.contains("the tokens now there: filled, 100 filled"))
        // The report: headline figures, and every format written beside the journal.
        #expect(text.contains("6. Routing analytics"))
        #expect(
            text.contains("average slippage vs arrival mid: ")
                && text.contains("fragmentation benefit vs the best single venue: "))
        for file in [
            "report.md", "report.json", "report.html", "orders.csv", "subscriptions.csv", "venues.csv", "rule605.csv",
            "rule606.csv",
            "summary.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: folder + "/reports/" + file), "\(file)")
        }
        // The journal stays where --data-dir put it, with every order the session made and their settlements.
        let journal = try SQLiteJournal(path: folder + "/journal.sqlite")
        #expect(try journal.loadAll().count == 15)  // with bob's VINE, onboarded for it, and frank's refused SPCE
        let executions = try journal.allExecutions().count
        #expect(executions > 10)
        let stored = try journal.loadSettlement()
        #expect(stored.settlements.count == executions)
        #expect(stored.settlements.allSatisfy { $0.status == "settled" || $0.status == "failed" })
    }

    @Test("the same seed prints the same demo; another seed another")
    func deterministic() async throws {
        let first = try await output(seed: 7)
        let again = try await output(seed: 7)
        // On a difference, the first lines that differ, not two whole sessions.
        let differing = zip(first, again).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            again == first,
            "line \(differing?.offset ?? min(first.count, again.count)): \(differing.map { "\($0.element.0) ≠ \($0.element.1)" } ?? "lengths \(first.count) ≠ \(again.count)")"
        )
        #expect(try await output(seed: 8) != first)
        // The venues section prices ACME on its three venues and names the best all-in offer.
        #expect(first.contains { $0.contains("ACME at") })
        #expect(first.filter { $0.hasPrefix("  best all-in offer: ") }.count >= 4)
    }

    @Test(
        "the sweep's fills add up to what it reports filled, and the auction uncrosses at one price",
        arguments: [UInt64(1), 7, 42, 2026])
    func consistent(seed: UInt64) async throws {
        let lines = try await output(seed: seed)
        let fills = lines.filter { $0.hasPrefix("  fill ") }
            .map { $0.split(separator: " ")[1] }
            .map { try! Quantity(String($0)) }
        let total = try fills.reduce(Quantity.zero) { try $0 + $1 }
        if let filled = lines.first(where: { $0.hasPrefix("  filled ") }) {
            let reported = try Quantity(String(filled.split(separator: " ")[1].dropLast()))
            #expect(total == reported)
        } else {
            #expect(fills.isEmpty)
        }
        if let uncross = lines.first(where: { $0.hasPrefix("Uncross at ") }) {
            let price = String(uncross.split(separator: " ")[2].dropLast())
            let executions = lines.filter { $0.contains(": buy order ") }
            #expect(!executions.isEmpty)
            #expect(executions.allSatisfy { $0.contains("@ \(price):") })
        }
        #expect(RouterCommand.configuration.subcommands.contains { $0 == DemoCommand.self })
    }
}

@Suite("ats-router venues and venue serve")
struct VenueCommandTests {
    static let venues = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("venues").path

    @Test("venues --json is an array of venues, each with its id; the table names every venue")
    func listing() throws {
        let catalog = try VenueDirectoryOptions.parse(["--venues", Self.venues]).catalog()
        let data = try JSONEncoder().encode(catalog.venues)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(
            array.compactMap { $0["id"] as? String } == [
                "archax", "inx", "openfinance", "rialto", "securitize", "texture", "tzero",
            ])
        let table = VenueTable.render(catalog.venues)
        for id in ["archax", "inx", "openfinance", "rialto", "securitize", "texture", "tzero"] {
            #expect(table.contains("\(id)  "))
        }
        #expect(table.contains("PRE 07:00–09:30"))
    }

    @Test("a missing venues directory or an unknown venue is a clear error")
    func errors() async throws {
        #expect(throws: (any Error).self) { try VenueDirectoryOptions.parse(["--venues", "/nonexistent"]).catalog() }
        let serve = try VenueCommand.Serve.parse(["nasdaq", "--venues", Self.venues])
        do {
            try await serve.run()
            Issue.record("an unknown venue was served")
        } catch {
            #expect("\(error)".contains("no venue \"nasdaq\""))
        }
    }
}

/// The options with fixed values are enumerations with exactly the values the router takes: help
/// lists them, completion offers them, and anything else is a usage error (64) before a request.
@Suite struct ChoiceTests {
    @Test func eachChoiceIsExactlyTheDomainsValues() {
        #expect(Set(SideChoice.allCases.map(\.rawValue)) == Set(Side.allCases.map(\.rawValue)))
        #expect(
            Set(OrderStatusChoice.allCases.map(\.rawValue))
                == Set(ParentOrder.Status.allCases.map(\.rawValue)))
        #expect(
            Set(SettlementStatusChoice.allCases.map(\.rawValue))
                == Set(SettlementRecord.Status.allCases.map(\.rawValue)))
        #expect(Set(StrategyChoice.allCases.map(\.rawValue)) == Set(PlanStrategy.allCases.map(\.rawValue)))
        #expect(
            Set(TimeInForceChoice.allCases.map(\.rawValue))
                == Set([TimeInForce.Kind.ioc, .fok, .day, .gtc].map(\.rawValue)))
        #expect(
            Set(DurabilityChoice.allCases.map(\.rawValue)) == Set(SQLiteJournal.Durability.allCases.map(\.rawValue)))
        #expect(SideChoice(argument: "BUY") == .buy && TimeInForceChoice(argument: "day") == .day)
        #expect(ReportFormats(argument: "md,html")?.formats.count == 2 && ReportFormats(argument: "pdf") == nil)
    }

    @Test(arguments: [
        ["submit", "ACME", "hold", "1"], ["submit", "ACME", "buy", "1", "--tif", "GTX"],
        ["submit", "ACME", "buy", "1", "--strategy", "cheapest"], ["orders", "--status", "done"],
        ["book", "ACME", "--side", "both"], ["report", "--format", "pdf"], ["serve", "--durability", "ram"],
        ["serve", "--log-format", "xml"], ["settlements", "--status", "lost"],
    ])
    func aValueOutsideTheChoicesIsAUsageError(arguments: [String]) {
        do {
            _ = try RouterCommand.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(RouterCommand.exitCode(for: error).rawValue == 64, "\(arguments)")
            #expect(
                RouterCommand.message(for: error).contains("Please provide one of"),
                "\(RouterCommand.message(for: error))")
        }
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            do {
                _ = try RouterCommand.parseAsRoot(["--generate-completion-script", shell])
                Issue.record("no script")
            } catch {
                #expect(RouterCommand.exitCode(for: error) == .success)
                let script = RouterCommand.message(for: error)
                #expect(script.contains("ats-router") && script.contains("pro-rata"), "\(shell)")
            }
        }
    }
}

/// The man page (`scripts/generate-manual`, argument-parser's manual plugin) covers every command.
@Suite struct ManualTests {
    @Test func theManPageNamesEveryCommandAndOption() throws {
        let page = try String(
            contentsOf: RoutingCommandTests.root.appendingPathComponent("docs/man/ats-router.1"), encoding: .utf8)
        for command in RouterCommand.configuration.subcommands {
            let name = try #require(command.configuration.commandName)
            #expect(page.contains(name), "\(name) is not in docs/man/ats-router.1: run scripts/generate-manual")
        }
        for option in ["log-format", "durability", "data-dir", "revoke", "force"] {
            #expect(page.contains(option), "--\(option): run scripts/generate-manual")
        }
    }
}
