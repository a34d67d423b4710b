import Foundation
import Testing

/// QuickFIX (Debian's libquickfix-dev) as the FIX peer: `scripts/fix-peer/fix_peer.cpp`, built
/// by `scripts/fix-peer/build` into `.build/fix-peer/`, driven on stdin, with QuickFIX's own
/// FIX44.xml data dictionary validating every message the gateway sends when the build found it.
final class QuickFIXPeer: Sendable {
    let process: Spawned
    let folder: String

    /// The peer's binary: `ATS_FIX_PEER`, else `.build/fix-peer/fix-peer` (nil: not built).
    static let binary: URL? = {
        if let path = ProcessInfo.processInfo.environment["ATS_FIX_PEER"] { return URL(fileURLWithPath: path) }
        let built = CrashRecoveryTests.root.appendingPathComponent(".build/fix-peer/fix-peer")
        return FileManager.default.isExecutableFile(atPath: built.path) ? built : nil
    }()

    /// Whether the QuickFIX tests run: the peer is built, or CI requires it
    /// (`ATS_ROUTER_REQUIRE_FIX_PEER=1`; then its absence fails them).
    static var enabled: Bool {
        binary != nil || ProcessInfo.processInfo.environment["ATS_ROUTER_REQUIRE_FIX_PEER"] == "1"
    }

    /// A peer for the session `sender` → `target` on `port`, keeping its sequence numbers in `folder`.
    init(
        port: Int, sender: String = "ALICE-OMS", target: String = "ATSROUTER",
        password: String = "ak-alice-7f3c9e21b8d44a10", folder: String
    ) throws {
        guard let binary = Self.binary else {
            throw RecoveryTestError(
                "the QuickFIX peer is not built: run scripts/fix-peer/build (needs libquickfix-dev)")
        }
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dictionary = binary.deletingLastPathComponent().appendingPathComponent("FIX44.xml").path
        let validate = FileManager.default.fileExists(atPath: dictionary)
        let settings = """
            [DEFAULT]
            ConnectionType=initiator
            ReconnectInterval=1
            FileStorePath=\(folder)/store
            FileLogPath=\(folder)/log
            StartTime=00:00:00
            EndTime=00:00:00
            HeartBtInt=30
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            UseDataDictionary=\(validate ? "Y" : "N")
            \(validate ? "DataDictionary=\(dictionary)" : "")
            ValidateUserDefinedFields=N

            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=\(sender)
            TargetCompID=\(target)
            Password=\(password)

            """
        try settings.write(toFile: folder + "/peer.cfg", atomically: true, encoding: .utf8)
        process = try Spawned(binary, [folder + "/peer.cfg"], stdin: true)
    }

    func send(_ command: String) { process.write(command) }

    /// Every message received so far: `APP` and `ADMIN` lines, as tag → value (first occurrence).
    var received: [[Int: String]] {
        process.text.split(separator: "\n").compactMap { line -> [Int: String]? in
            guard line.hasPrefix("APP ") || line.hasPrefix("ADMIN ") else { return nil }
            var fields: [Int: String] = [:]
            for pair in line.drop { $0 != " " }.dropFirst().split(separator: "|") {
                guard let equals = pair.firstIndex(of: "="), let tag = Int(pair[..<equals]) else { continue }
                if fields[tag] == nil { fields[tag] = String(pair[pair.index(after: equals)...]) }
            }
            return fields
        }
    }

    /// Waits until some received message satisfies `match`; returns the first that does.
    @discardableResult
    func wait(timeout: Duration = .seconds(30), _ what: String, _ match: ([Int: String]) -> Bool) async throws
        -> [Int: String]
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = received.first(where: match) { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RecoveryTestError("QuickFIX received no \(what); its output:\n\(process.text.suffix(6_000))")
    }

    /// How many lines say `marker` (LOGON, LOGOUT, …).
    func count(_ marker: String) -> Int { process.text.split(separator: "\n").filter { $0 == marker }.count }

    /// The peer's next sender and target sequence numbers.
    func sequenceNumbers() async throws -> (sender: Int, target: Int) {
        let before = process.text.split(separator: "\n").filter { $0.hasPrefix("SEQ ") }.count
        send("seqnums")
        let lines = try await process.lines(containing: "SEQ ", count: before + 1)
        let words = lines[before].split(separator: " ")
        return (Int(words[1]) ?? -1, Int(words[2]) ?? -1)
    }

    func quit() async {
        send("logout")
        send("quit")
        let deadline = ContinuousClock.now + .seconds(10)
        while process.process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.process.isRunning { process.stop() }
    }
}
