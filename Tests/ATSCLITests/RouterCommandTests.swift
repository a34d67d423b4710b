import ArgumentParser
import ATSDomain
import Testing
@testable import ATSCLI

@Suite("ats-router command line")
struct RouterCommandTests {
    @Test("--version prints the product's name and version")
    func version() throws {
        #expect(RouterCommand.configuration.version == "ATS Router \(ATSRouterRelease.version)")
        #expect(throws: (any Error).self) { try RouterCommand.parseAsRoot(["--version"]) }
        let message = RouterCommand.message(for: CleanExit.message("")) // the type's message plumbing works
        #expect(message.isEmpty)
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
