import ATSDomain
import ATSOrders
import ATSStorage
import ATSVenues

/// Recovery: the journal loaded, each open parent's children asked about at their venues, then
/// the parent carried on from where the journal left it.
extension OrderManager {
    /// What ``recover()`` found and did.
    public struct RecoveryReport: Sendable, Hashable {
        /// Parents loaded from the journal.
        public var loaded = 0
        /// Of those, parents not in a final state.
        public var open = 0
        /// Children asked about at their venue (by venue order id, or by their key when pending).
        public var childrenReconciled = 0
        /// Children whose venue could not be asked; retried on every resting-monitor cycle.
        public var childrenUnreachable = 0
        /// Parents routed again, ended, or cancelled as their journalled state asked.
        public var resumed = 0
    }

    /// Loads the journal and reconciles what a previous process left open, so that after a crash
    /// at any moment no fill is lost and no child is sent twice.
    ///
    /// Every child not in a final state is asked about at its venue: one with a venue order id by
    /// that id; one still `pending` (journalled, perhaps sent) by sending it again under the same
    /// idempotency key, which returns the order the venue already has — or, if the crash came
    /// before it left, places it now within the limit it was planned with. A take child still
    /// live afterwards is cancelled (its fill window is over). Then a parent whose cancel was
    /// requested is cancelled; a working parent with a residual is routed again on fresh books
    /// (in the background); a resting parent stays resting for the resting monitor.
    public func recover() async throws -> RecoveryReport {
        try loadJournal()
        return await reconcileOpenOrders()
    }

    /// The first half of ``recover()``: every parent the journal holds, validated as it loads
    /// (a row that does not read back, or whose quantities do not add up, throws naming it).
    ///
    /// Reads a page at a time, newest first; finished parents are only counted (``retired``), so
    /// memory at start holds the open ones, not the journal. Reads can be answered once it returns.
    public func loadJournal() throws {
        guard let journal else { return }
        var before: Int64?
        var count = 0
        while true {
            let page = try journal.parents(ParentQuery(before: before, limit: 2_000))
            guard let last = page.last else { break }
            for parent in page {
                count += 1
                nextID = max(nextID, parent.id.rawValue + 1)
                if parent.status.isTerminal && parent.children.allSatisfy(\.isTerminal) {
                    retired.add(parent)
                } else if owns(parent.account) {
                    try keepOpen(parent)
                }
            }
            before = Int64(last.id.rawValue)
        }
        loadedFromJournal = count
    }

    /// Keeps an open parent read from the journal: in memory, numbered on from its last event,
    /// with what its working children promise reserved.
    func keepOpen(_ parent: ParentOrder) throws {
        guard let journal else { return }
        parents[parent.id] = parent
        eventCounts[parent.id] = try journal.journal.eventCount(of: Int64(parent.id.rawValue))
        context.settlement.reserve(reservationChanges(from: nil, to: parent))
    }

    /// The second half of ``recover()``: each open parent's children asked about at their venues,
    /// then the parent carried on. Its time grows with the open orders and the venues' latency.
    public func reconcileOpenOrders() async -> RecoveryReport {
        var report = RecoveryReport()
        report.loaded = loadedFromJournal
        for parent in parents.values.sorted(by: { $0.id < $1.id }) where !parent.status.isTerminal {
            report.open += 1
            let (asked, unreachable) = await reconcileChildren(parent.id)
            report.childrenReconciled += asked
            report.childrenUnreachable += unreachable
            if unreachable > 0 {
                unreconciled.insert(parent.id)
                continue
            }
            resume(parent.id)
            report.resumed += 1
        }
        logger.info(
            "recovered the journal",
            metadata: [
                "parents": "\(report.loaded)", "open": "\(report.open)", "children": "\(report.childrenReconciled)",
                "unreachable": "\(report.childrenUnreachable)",
            ])
        return report
    }

    /// Asks each open child's venue for its state; returns how many were asked and how many could not be.
    func reconcileChildren(_ id: OrderID) async -> (asked: Int, unreachable: Int) {
        guard let parent = parents[id] else { return (0, 0) }
        var asked = 0
        var unreachable = 0
        for index in parent.children.indices where !parent.children[index].isTerminal {
            var child = parent.children[index]
            guard let gateway = context.gateways[child.venue] else {
                unreachable += 1
                continue
            }
            let symbol = parent.symbol
            do {
                if let venueOrderID = child.venueOrderID {
                    child.apply(
                        try await gateway.call("order (recovery)", { try await $0.order(venueOrderID, symbol: symbol) })
                    )
                } else {
                    let request = ChildOrderRequest(
                        clientKey: child.clientKey, symbol: symbol, side: parent.side, quantity: child.quantity,
                        limitPrice: child.limitPrice, timeInForce: child.timeInForce)
                    child.apply(try await Self.submitReconciling(request, gateway: gateway))
                }
            } catch let failure as VenueFailure where failure.kind == .notRetryable {
                if child.venueOrderID == nil {
                    // The venue refuses the key's order outright: it never had it, and will not take it now.
                    child.status = .failed
                } else {
                    // The venue has no record of the order (a venue restarted without its state,
                    // such as the embedded mocks): nothing more can fill; the fills recorded stand.
                    child.status = .expired
                }
                child.failure = "recovery: \(failure)"
            } catch {
                unreachable += 1
                continue
            }
            asked += 1
            if child.purpose == .take && !child.isTerminal { await cancelChild(&child, symbol: symbol) }
            guard var latest = parents[id] else { break }
            latest.children[index] = child
            store(latest)
        }
        return (asked, unreachable)
    }

    /// Carries a reconciled parent on from its journalled state.
    func resume(_ id: OrderID) {
        guard var parent = parents[id], !parent.status.isTerminal else {
            // Final already (its unknown child was all that kept it): it may leave memory now.
            if let parent = parents[id] { retireIfDone(parent) }
            return
        }
        if parent.cancelRequested {
            startWork { _ = await self.cancel(id) }
        } else if parent.status == .working {
            if parent.leavesQuantity.isZero {
                parent.status = .filled
                parent.completedAt = context.clock.now()
                store(parent)
            } else if parent.children.contains(where: { $0.purpose == .rest && !$0.isTerminal }) {
                parent.status = .resting
                store(parent)
            } else {
                startWork { await self.route(id) }
            }
        }
    }
}
