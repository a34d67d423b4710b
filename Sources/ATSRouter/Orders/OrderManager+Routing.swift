import ATSDomain
import ATSOrders
import ATSVenues

extension OrderManager {
    /// Plans and sends children until the parent is filled, rests, or runs out of re-routes: the
    /// I/O around ``RoutingStep`` (fresh books before a re-plan, the account's positions, the
    /// journal, the venues).
    func route(_ id: OrderID) async {
        var refusedVenues: [VenueID: String] = [:]
        var attempt = 0
        loop: while attempt <= context.settings.maximumReroutes {
            guard let before = parents[id], !isCancelRequested(id), before.unroutedQuantity.isPositive else { break }
            // The books and the plan; a re-plan first polls the venues again.
            if attempt > 0 { await context.refreshBooks(before.symbol) }
            let book = await context.consolidatedBook(before.symbol, account: before.account, side: before.side)
            // Read the parent again after waiting: a cancel may have come in meanwhile.
            guard let parent = parents[id], !isCancelRequested(id),
                let positions = context.positions(parent.account, parent.symbol)
            else { return }
            let outcome = step(
                RoutingStep.Input(
                    parent: parent, book: book, positions: positions, refusedVenues: refusedVenues,
                    attempt: attempt, now: context.clock.now()))
            store(outcome.parent)
            switch outcome {
            case .rejected:
                return
            case .stop:
                break loop
            case .replan(_, let refused):
                refusedVenues.merge(refused) { $1 }  // plan again around the refusing venues, same attempt
            case .send(_, let children, let refused):
                refusedVenues.merge(refused) { $1 }
                await send(id, children: children)
                // A venue that refused or failed a child, or left its state unknown, is left out of this parent's re-plans.
                for index in children {
                    if let child = parents[id]?.children[index], child.status == .failed || !child.isTerminal {
                        refusedVenues[child.venue] = "\(child.status.rawValue): \(child.failure ?? "")"
                    }
                }
                attempt += 1
            }
        }
        await finish(id)
    }

    /// After routing: done, or rest the residual (DAY/GTC). A parent with a take child whose state
    /// is not known (its answer did not arrive, or its fill window's cancel did not) stays working
    /// until the venue tells: ``refreshResting()`` asks on every cycle, then carries it on.
    func finish(_ id: OrderID) async {
        guard var parent = parents[id], !parent.status.isTerminal, !isCancelRequested(id) else { return }
        if let open = parent.children.first(where: { $0.purpose == .take && !$0.isTerminal }) {
            awaitReconciliation(id, child: open)
            return
        }
        if parent.leavesQuantity.isZero {
            parent.status = .filled
        } else if parent.timeInForce == .day || parent.timeInForce == .gtc || parent.timeInForce == .gtd {
            await rest(id)
            return
        } else if parent.timeInForce == .fok {
            // Cross-venue FOK cannot be atomic: liquidity was there when the children left, a
            // child filled short, and the re-routes could not complete it. What filled stands.
            parent.status = .partiallyFilled
            parent.note =
                "fok_shortfall: consolidated liquidity covered the order when it was sent, but children filled "
                + "\(parent.filledQuantity) of \(parent.quantity) after \(parent.decisions.count) decision(s); the fills stand"
        } else {
            parent.status = parent.filledQuantity.isZero ? .expired : .partiallyFilled
            parent.note =
                parent.note
                ?? "the rest found no eligible liquidity within the limit after \(parent.decisions.count) decision(s)"
        }
        parent.completedAt = context.clock.now()
        store(parent)
    }

    /// Leaves a parent working until `child`'s state is known: ``refreshResting()`` asks its venue
    /// (by venue order id, or by re-sending its key) on every cycle, then carries the parent on.
    func awaitReconciliation(_ id: OrderID, child: ChildOrder) {
        guard var parent = parents[id] else { return }
        unreconciled.insert(id)
        parent.note =
            "waiting for \(child.venue) to confirm child \(child.clientKey) (\(child.status.rawValue)); "
            + "its quantity is not routed again until then"
        store(parent)
        logger.warning(
            "child state unknown; asking its venue again",
            metadata: [
                "parent": "\(id)", "child": "\(child.clientKey)",
                "venue": "\(child.venue)", "failure": "\(child.failure ?? "")",
            ])
    }
}
