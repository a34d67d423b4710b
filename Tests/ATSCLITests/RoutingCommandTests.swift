import ArgumentParser
import Foundation
import Testing

@testable import ATSCLI

@Suite("ats-router plan and book")
struct RoutingCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let venues = root.appendingPathComponent("venues").path
    static let config = root.appendingPathComponent("config.json").path

    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "ats-plan-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let snapshot = """
        {"symbol": "ACME", "venues": [
          {"venue": "tzero", "lotSize": "1", "minQuantity": "1", "minNotional": "0", "takerFeeBps": "10", "fixedFee": "0",
           "bids": [["10.00", "500"]], "asks": [["10.02", "400"], ["10.05", "1000"]]}]}
        """

    @Test("plan answers a valid pair of files and names the file and field of a bad one")
    func plan() async throws {
        let snapshot = try write(Self.snapshot)
        let order = try write(#"{"side": "buy", "quantity": "1500", "limitPrice": "10.10"}"#)
        try await PlanCommand.parse(["--snapshot", snapshot, "--order", order]).run()

        let badOrder = try write(#"{"side": "buy", "quantity": "ten"}"#)
        do {
            try await PlanCommand.parse(["--snapshot", snapshot, "--order", badOrder]).run()
            Issue.record("a bad quantity was accepted")
        } catch {
            #expect("\(error)".hasPrefix(badOrder + ": quantity: "))
        }
        let badSide = try write(#"{"side": "hold", "quantity": "10"}"#)
        do {
            try await PlanCommand.parse(["--snapshot", snapshot, "--order", badSide]).run()
            Issue.record("a bad side was accepted")
        } catch {
            #expect("\(error)".contains("side"))
        }
        let badSnapshot = try write(
            Self.snapshot.replacingOccurrences(of: #""lotSize": "1""#, with: #""lotSize": "0""#))
        do {
            try await PlanCommand.parse(["--snapshot", badSnapshot, "--order", order]).run()
            Issue.record("a zero lot size was accepted")
        } catch {
            #expect("\(error)" == "\(badSnapshot): venues[0].lotSize: must be greater than zero")
        }
        do {
            try await PlanCommand.parse(["--snapshot", "/nonexistent.json", "--order", order]).run()
            Issue.record("a missing file was accepted")
        } catch {
            #expect("\(error)".hasPrefix("/nonexistent.json: "))
        }
        let notJSON = try write("{")
        await #expect(throws: (any Error).self) {
            try await PlanCommand.parse(["--snapshot", notJSON, "--order", order]).run()
        }
        await #expect(throws: (any Error).self) {
            try await PlanCommand.parse(["--snapshot", snapshot, "--order", order, "--strategy", "magic"]).run()
        }
    }

    @Test("book polls the embedded venues; unknown securities and accounts are clear errors")
    func book() async throws {
        let command = try BookCommand.parse([
            "ACME", "--account", "alice", "--json", "--venues", Self.venues, "--config", Self.config,
        ])
        try await command.run()
        let unknown = try BookCommand.parse(["NOPE", "--venues", Self.venues, "--config", Self.config])
        do {
            try await unknown.run()
            Issue.record("an unknown security was accepted")
        } catch {
            #expect("\(error)".contains("unknown security \"NOPE\""))
        }
        let stranger = try BookCommand.parse([
            "ACME", "--account", "mallory", "--venues", Self.venues, "--config", Self.config,
        ])
        do {
            try await stranger.run()
            Issue.record("an unknown account was accepted")
        } catch {
            #expect("\(error)".contains("unknown account \"mallory\""))
        }
    }
}
