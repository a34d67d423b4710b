import Foundation
import NIOHTTP1
import Testing

/// The binary alone, copied into an empty folder, runs: `demo`, `book`, `serve` and `config` use
/// the configuration built into it; `config init` writes it out, and the folder's files then win;
/// a misspelt key there stops `serve` naming it.
@Suite(.serialized) struct StandaloneBinaryTests {
    /// An empty folder holding only a copy of `ats-router`, and an environment without ATS_ROUTER_*.
    static func alone() throws -> (folder: String, binary: URL, environment: [String: String]) {
        let folder = NSTemporaryDirectory() + "ats-router-alone-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let binary = URL(fileURLWithPath: folder + "/ats-router")
        try FileManager.default.copyItem(at: try CrashRecoveryTests.executable(), to: binary)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATS_ROUTER_") }
        return (folder, binary, environment)
    }

    /// Runs the binary to its end; its exit status and output.
    static func run(_ arguments: [String], _ alone: (folder: String, binary: URL, environment: [String: String]))
        async throws -> (status: Int32, output: String)
    {
        let process = try Spawned(alone.binary, arguments, in: alone.folder, environment: alone.environment)
        await process.waitForExit()
        return (process.process.terminationStatus, process.text)
    }

    @Test func demoBookAndConfigRunFromAnEmptyFolderOnTheBuiltInConfiguration() async throws {
        let alone = try Self.alone()
        defer { try? FileManager.default.removeItem(atPath: alone.folder) }
        let demo = try await Self.run(["demo"], alone)
        #expect(demo.status == 0, "\(demo.output.suffix(2_000))")
        #expect(demo.output.contains("configuration: the defaults built into this binary"))
        #expect(demo.output.contains("invariants (tokens conserved per security"))
        let book = try await Self.run(["book", "ACME", "--account", "alice", "--depth", "3"], alone)
        #expect(book.status == 0, "\(book.output)")
        #expect(book.output.contains("ACME consolidated book for alice"), "\(book.output)")
        let show = try await Self.run(["config", "show"], alone)
        #expect(show.status == 0 && show.output.contains("valid: 7 venues"), "\(show.output)")
        // Written out, the folder's files are used, and a misspelt key in them is refused by name.
        let written = try await Self.run(["config", "init", "."], alone)
        #expect(written.status == 0 && written.output.contains("wrote ./config.json"), "\(written.output)")
        #expect(try await Self.run(["config", "init", "."], alone).status != 0)  // never over a file
        let local = try await Self.run(["config", "show"], alone)
        #expect(local.output.contains("config.json (from the working directory)"), "\(local.output)")
        let path = alone.folder + "/config.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"pollIntervalMilliseconds\"", with: "\"pollIntervalMs\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await Self.run(["serve", "--port", "0"], alone)
        #expect(refused.status == 78)  // EX_CONFIG: a configuration error, not a usage error
        #expect(
            refused.output.contains(
                "config.json: routing.pollIntervalMs: is not a known key (did you mean pollIntervalMilliseconds?)"),
            "\(refused.output)")
    }

    @Test func versionNamesTheCommitTheBinaryWasBuiltFrom() async throws {
        let alone = try Self.alone()
        defer { try? FileManager.default.removeItem(atPath: alone.folder) }
        let version = try await Self.run(["--version"], alone)
        #expect(version.status == 0)
        let line = version.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let match = try #require(
            line.wholeMatch(of: /ATS Router \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+dirty)?|unknown)\)/), "\(line)")
        // Built from this checkout: the commit is its HEAD.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", RoutingCommandTests.root.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = Pipe()
        try git.run()
        git.waitUntilExit()
        let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if git.terminationStatus == 0 { #expect(match.1.hasPrefix(head), "\(line) vs HEAD \(head)") }
    }

    @Test func keysAreAddedListedAndRevokedByDigest() async throws {
        let alone = try Self.alone()
        defer { try? FileManager.default.removeItem(atPath: alone.folder) }
        // The built-in configuration is not a file to change.
        #expect(try await Self.run(["keys", "add", "bob"], alone).status == 64)
        #expect(try await Self.run(["config", "init", "."], alone).status == 0)
        #expect(try await Self.run(["keys", "add", "bob"], alone).status == 0)
        let listed = try await Self.run(["keys", "list"], alone).output
        let bob = try #require(listed.split(separator: "\n").first { $0.hasPrefix("bob: ") })
        #expect(bob.components(separatedBy: "sha256:").count == 3, "\(bob)")  // the demo key and the new one
        // A prefix too short to name one key is refused.
        #expect(try await Self.run(["keys", "revoke", "bob", "sha256:c5"], alone).status == 64)
        let revoked = try await Self.run(["keys", "revoke", "bob", "sha256:c5d400e9faa7"], alone)  // the demo key
        #expect(revoked.status == 0, "\(revoked.output)")
        let after = try await Self.run(["keys", "list"], alone).output
        let left = try #require(after.split(separator: "\n").first { $0.hasPrefix("bob: ") })
        #expect(left.components(separatedBy: "sha256:").count == 2 && !left.contains("c5d400e9faa7"), "\(left)")
    }

    @Test func serveRunsFromAnEmptyFolderWithItsJournalInDataThere() async throws {
        let alone = try Self.alone()
        defer { try? FileManager.default.removeItem(atPath: alone.folder) }
        // A key made for alice: shown once, its digest in the folder's config.json, nowhere its text.
        #expect(try await Self.run(["config", "init", "."], alone).status == 0)
        let made = try await Self.run(["keys", "add", "alice"], alone)
        #expect(made.status == 0, "\(made.output)")
        let key = try #require(made.output.split(separator: "\n").first { $0.hasPrefix("ak-alice-") }).description
        let config = try String(contentsOfFile: alone.folder + "/config.json", encoding: .utf8)
        #expect(!config.contains(key))
        let serve = try Spawned(
            alone.binary, ["serve", "--port", "0", "--log-level", "info", "--log-format", "json"], in: alone.folder,
            environment: alone.environment)
        defer { serve.stop() }
        _ = try await serve.lines(containing: "ready")
        let line = try #require(try await serve.lines(containing: "serving http://").first)
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }).description
        let health = await CrashRecoveryTests.call(.GET, url + "/health", headers: [])
        #expect(health?.0 == 200, "\(String(describing: health))")
        #expect(FileManager.default.fileExists(atPath: alone.folder + "/data/journal.sqlite"))
        #expect(serve.text.contains("config.json (from the working directory)"), "\(serve.text)")
        let bearer = { (key: String) in [("Authorization", "Bearer \(key)")] }
        #expect(await CrashRecoveryTests.call(.GET, url + "/v1/orders", headers: bearer(key))?.0 == 200)
        #expect(await CrashRecoveryTests.call(.GET, url + "/v1/orders", headers: bearer(key + "0"))?.0 == 401)
        #expect(!serve.text.contains(key))
        // The access log: one JSON line a request, with its id, account, route, status and duration.
        let accessLines = serve.text.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let access = try #require(
            accessLines.first { $0["message"] as? String == "request" && $0["route"] as? String == "/v1/orders" })
        #expect(access["account"] as? String == "alice" && access["status"] as? String == "200", "\(access)")
        // Hummingbird's id: hex, its first half not zero-padded, so 17 to 32 digits.
        let requestID = access["request_id"] as? String ?? ""
        #expect(requestID.wholeMatch(of: /[0-9a-f]{17,32}/) != nil && access["duration_ms"] != nil, "\(access)")
        #expect((access["time"] as? String)?.hasSuffix("Z") == true && access["level"] as? String == "info")
        #expect(accessLines.contains { $0["message"] as? String == "request" && $0["status"] as? String == "401" })
        #expect(serve.text.contains("\(alone.folder)/data (from the working directory)"), "\(serve.text)")
        #expect(await serve.terminate(within: 10) == 0)
    }
}
