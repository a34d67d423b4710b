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
