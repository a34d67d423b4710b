import ATSFIX
import ATSVenues
import Logging

/// The FIX 4.4 gateway (`docs/fix.md`): the sessions of `config.json` `fix`, each an order entry
/// session for one account or a drop copy of every account's execution reports, served by a
/// ``FIXAcceptor`` on `serve --fix-port`.
public final class FIXGateway: FIXSessionDirectory, Sendable {
    private let hubs: [String: FIXSessionHub]
    private let logger: Logger

    public init(runtime: any RouterService, logger: Logger) {
        var hubs: [String: FIXSessionHub] = [:]
        let keys = APIKeys(runtime.configuration.accounts, officers: runtime.configuration.complianceOfficers ?? [])
        for entry in runtime.configuration.fix?.sessions ?? [] {
            hubs["\(entry.senderCompID)|\(entry.targetCompID)"] = FIXSessionHub(
                entry: entry, runtime: runtime, keys: keys, logger: logger)
        }
        self.hubs = hubs
        self.logger = logger
    }

    public func endpoint(ours: String, theirs: String) -> (any FIXEndpoint)? { hubs["\(ours)|\(theirs)"] }

    /// Loads every session from the journal and starts following the event stream, then listens
    /// on `host:port` (0: a free port).
    public func start(host: String, port: Int, limits: FIXConnectionLimits = FIXConnectionLimits()) async throws
        -> FIXAcceptor
    {
        for hub in hubs.values { try await hub.start(stalledPeerTimeout: limits.stalledPeerTimeout) }
        let acceptor = try await FIXAcceptor.start(
            host: host, port: port, directory: self, limits: limits, logger: logger)
        logger.notice("fix gateway listening", metadata: ["port": "\(acceptor.port)", "sessions": "\(hubs.count)"])
        return acceptor
    }

    /// Logs every connected peer out and stops following.
    public func stop() async {
        for hub in hubs.values { await hub.stop() }
    }
}
