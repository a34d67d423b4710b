import ArgumentParser
import ATSDomain
import Testing
@testable import ATSCLI

@Suite("ats-router command line")
struct RouterCommandTests {
    @Test("--version prints the product's name and version")
    func version() throws {
        #expect(RouterCommand.configuration.version == "ATS Router \(ATSRouterRelease.version)")
        do {
            _ = try RouterCommand.parseAsRoot(["--version"])
            Issue.record("--version did not exit")
        } catch {
            #expect(RouterCommand.message(for: error) == "ATS Router \(ATSRouterRelease.version)")
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
    private func output(seed: UInt64) throws -> [String] {
        var lines: [String] = []
        try DemoScript(seed: seed).run { lines.append($0) }
        return lines
    }

    @Test("the same seed prints the same demo; another seed another")
    func deterministic() throws {
        #expect(try output(seed: 7) == output(seed: 7))
        #expect(try output(seed: 7) != output(seed: 8))
    }

    @Test("the sweep's fills add up to what it reports filled, and the auction uncrosses at one price",
          arguments: [UInt64(1), 7, 42, 2026])
    func consistent(seed: UInt64) throws {
        let lines = try output(seed: seed)
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
