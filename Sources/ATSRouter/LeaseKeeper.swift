import ATSDomain
import ATSStorage
import Logging
import ServiceLifecycle

/// Keeps this instance's account leases among the instances sharing the journal: a round every
/// quarter of the lease time renews them, takes a fair share of free or expired ones, gives back
/// idle ones when another instance is short, then acts on what changed — accounts another took
/// are let go, accounts gained are taken over from the journal (open orders reconciled at their
/// venues, settlements resumed) before their requests are served.
public struct LeaseKeeper: Service {
    let leases: any AccountLeases
    let router: SmartRouter
    let logger: Logger

    public init(leases: any AccountLeases, router: SmartRouter, logger: Logger) {
        self.leases = leases
        self.router = router
        self.logger = logger
    }

    /// A round's interval: a quarter of the lease time.
    var interval: Duration { leases.leaseTime / 4 }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await round()
            try? await Task.sleep(for: interval)
        }
    }

    /// One round; what changed (nothing when the database could not be reached: the leases run
    /// out, and the accounts move, unless a later round renews them in time).
    @discardableResult
    public func round() async -> LeaseChanges {
        let busy = await router.orders.busyAccounts().union(router.settlement.accountsWithOpenWork)
        let releasable = leases.held.subtracting(busy.map(\.rawValue))
        let changes: LeaseChanges
        do { changes = try leases.refresh(releasable: releasable) } catch {
            logger.error("lease round failed", metadata: ["error": "\(error)"])
            return LeaseChanges()
        }
        let gone = Set(changes.lost.union(changes.released).compactMap { try? AccountID($0) })
        if !gone.isEmpty {
            await router.orders.forget(gone)
            logger.info(
                "accounts let go",
                metadata: ["lost": "\(changes.lost.sorted())", "released": "\(changes.released.sorted())"])
        }
        let gained = Set(changes.gained.compactMap { try? AccountID($0) })
        if !gained.isEmpty {
            do {
                try router.context.investors.refresh()
                try router.onboarding.reload()
                let report = try await router.orders.adopt(gained)
                logger.info(
                    "accounts taken over",
                    metadata: [
                        "accounts": "\(changes.gained.sorted())", "open": "\(report.open)",
                        "children": "\(report.childrenReconciled)",
                    ])
            } catch {
                logger.error(
                    "takeover failed", metadata: ["accounts": "\(changes.gained.sorted())", "error": "\(error)"])
            }
        }
        return changes
    }
}
