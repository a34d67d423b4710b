import ATSDomain
import ATSOrders
import ATSVenues

/// Orders that wait for onboarding instead of being refused: a DAY or GTC parent that only the
/// investor's missing onboarding at some venue stops is accepted `pending_onboarding`, the onboardings are
/// filed for it, and it is routed once one completes (or rejected naming the venue's refusal
/// when none can). It is journalled like any open parent, so it survives a restart.
extension OrderManager {
    /// What admission decided beyond the parent's status: the venues whose onboarding a
    /// `pending_onboarding` parent waits for, the transfers a `pending_transfer` parent starts.
    struct Admission {
        var onboarding: [VenueID] = []
        var transfers: TransferPlan?
    }

    /// Admission for a new parent: working, rejected naming the rule, `pending_onboarding` waiting
    /// for venues' onboarding, or (`allowTransfers`) `pending_transfer` waiting for its tokens to
    /// be moved where a venue settles. `book` is every venue's book (for pricing a transfer).
    func admit(_ parent: inout ParentOrder, book: ConsolidatedBook?) -> Admission {
        let now = context.clock.now()
        let positions = context.positions(parent.account, parent.symbol, side: parent.side)
        if let refusal = context.checks.orderRefusal(parent, positions: positions) {
            reject(&parent, refusal, at: now)
            return Admission()
        }
        guard let positions else { return Admission() }
        let immediate = parent.timeInForce == .ioc || parent.timeInForce == .fok
        guard let refusal = context.checks.venueRefusal(parent, positions: positions, now: now) else {
            // Tokens or cash in place for part of the order: with `allowTransfers`, the rest is put there first.
            if parent.allowTransfers && !immediate && !coveredInPlace(parent, positions, now: now),
                let plan = transferPlan(parent, book: book, positions: positions, now: now)
            {
                awaitTransfers(&parent, plan, at: now)
                return Admission(transfers: plan)
            }
            return Admission()
        }
        // An IOC or FOK order is for now: it is not parked for an onboarding that takes days.
        let waiting = immediate ? [] : unlocks(parent, positions, now: now)
        guard waiting.isEmpty else {
            parent.status = .pendingOnboarding
            parent.note =
                "waiting for \(parent.account)'s onboarding at \(waiting.map(\.rawValue).joined(separator: ", "))"
            return Admission(onboarding: waiting)
        }
        if parent.allowTransfers && (refusal.code == .positionNotAtVenue || refusal.code == .insufficientCash) {
            if immediate {
                reject(
                    &parent,
                    Rejection(
                        refusal.code,
                        refusal.message
                            + "; allowTransfers moves tokens and converts cash for DAY and GTC orders only: an \(parent.timeInForce.rawValue.uppercased()) order is for now"
                    ), at: now)
                return Admission()
            }
            if let plan = transferPlan(parent, book: book, positions: positions, now: now) {
                awaitTransfers(&parent, plan, at: now)
                return Admission(transfers: plan)
            }
        }
        reject(&parent, refusal, at: now)
        return Admission()
    }

    func reject(_ parent: inout ParentOrder, _ rejection: Rejection, at now: Timestamp) {
        parent.status = .rejected
        parent.rejection = rejection
        parent.completedAt = now
    }

    /// A waiting parent examined again: rejected (and stored) when the order itself is refused
    /// now, routed when a venue takes it; else the account's positions and what every venue
    /// refuses it for, for the caller to decide.
    func readmit(_ parent: inout ParentOrder, at now: Timestamp) -> (
        positions: AccountPositions, refusal: Rejection
    )? {
        let positions = context.positions(parent.account, parent.symbol, side: parent.side)
        if let refusal = context.checks.orderRefusal(parent, positions: positions) {
            reject(&parent, refusal, at: now)
            store(parent)
            return nil
        }
        guard let positions else { return nil }
        guard let refusal = context.checks.venueRefusal(parent, positions: positions, now: now) else {
            parent.status = .working
            parent.note = nil
            store(parent)
            let id = parent.id
            startWork { await self.route(id) }
            return nil
        }
        return (positions, refusal)
    }

    /// The venues whose onboarding would let the parent be routed, where one can still be filed
    /// or is under way.
    func unlocks(_ parent: ParentOrder, _ positions: AccountPositions, now: Timestamp) -> [VenueID] {
        guard let onboarding else { return [] }
        return context.checks.onboardingUnlocks(parent, positions: positions, now: now) { venue in
            guard let gateway = context.gateways[venue], gateway.adapter is any OnboardingVenue else { return false }
            return onboarding.onboarding(of: parent.account, at: venue)?.status != .refused
        }
    }

    /// Files the onboardings (in the background) that are not yet filed.
    func fileOnboardings(_ account: AccountID, at venues: [VenueID]) {
        guard let onboarding else { return }
        let missing = venues.filter { onboarding.onboarding(of: account, at: $0) == nil }
        guard !missing.isEmpty else { return }
        startWork {
            for venue in missing { _ = try? await onboarding.file(account, at: venue) }
        }
    }

    /// Re-examines every `pending_onboarding` parent: routed once a venue takes it, rejected when
    /// no onboarding can unlock it any more (naming the venue's refusal), else left waiting.
    public func refreshPendingOnboarding() {
        let now = context.clock.now()
        for id in parents.values.filter({ $0.status == .pendingOnboarding && !$0.cancelRequested }).map(\.id).sorted() {
            guard var parent = parents[id], owns(parent.account), let (positions, refusal) = readmit(&parent, at: now)
            else { continue }
            let waiting = unlocks(parent, positions, now: now)
            if waiting.isEmpty {
                reject(&parent, onboardingRefusal(parent) ?? refusal, at: now)
                store(parent)
            } else {
                fileOnboardings(parent.account, at: waiting)
            }
        }
    }

    /// The venues' refusals of the parent's account, when onboarding was refused where it was filed.
    private func onboardingRefusal(_ parent: ParentOrder) -> Rejection? {
        guard let onboarding else { return nil }
        let refused = onboarding.onboardings(of: parent.account).filter {
            $0.status == .refused && context.catalog.venue($0.venue)?.listing(parent.symbol) != nil
                && parent.admitsVenue($0.venue)
        }
        guard !refused.isEmpty else { return nil }
        return Rejection(
            .onboardingRefused,
            refused.map {
                "\(context.catalog.venue($0.venue)?.name ?? $0.venue.rawValue) refused \(parent.account)'s onboarding: \($0.reason ?? "no reason given")"
            }
            .joined(separator: "; "))
    }
}
