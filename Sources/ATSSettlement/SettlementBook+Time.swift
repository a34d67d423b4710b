import ATSDomain
import ATSVenues

/// Time: what is due by a moment processed in time order.
extension SettlementBook {
    /// Something due at a moment. Ordered by time, then kind (a settlement's legs before a
    /// deadline's close-out before a hop's arrival), then id: the same order on every replay.
    enum DueEvent: Comparable {
        /// An instructed settlement's legs move (its due time, or when four-step parties settle).
        case settle(Int64)
        /// A four-step settlement's deadline passed unsettled: it fails and is closed out.
        case deadline(Int64)
        /// A custody transfer's hop arrives.
        case arrival(Int64)
    }

    /// What is due by `now`, each with its own time, in the order it is processed.
    func dueEvents(by now: Timestamp) -> [(at: Timestamp, event: DueEvent)] {
        var due: [(at: Timestamp, event: DueEvent)] = []
        for id in openSettlements {
            let record = records[id]!
            guard record.status == .instructed else { continue }
            if let time = settleTime(record) {
                if time <= now { due.append((time, .settle(id))) }
            } else if let deadline = record.deadlineAt, deadline <= now {
                due.append((deadline, .deadline(id)))
            }
        }
        for id in openTransfers {
            let transfer = transferRecords[id]!
            if transfer.status == .inFlight, let arrives = transfer.hops[transfer.currentHop].arrivesAt, arrives <= now
            {
                due.append((arrives, .arrival(id)))
            }
        }
        return due.sorted { ($0.at, $0.event) < ($1.at, $1.event) }
    }

    /// Processes everything due by `now`, in time order: settlements whose legs move, four-step
    /// trades past their deadline, custody-transfer hops that arrive. Each is recorded at its own
    /// due time, so advancing a simulated clock by a day gives the same records as living through it.
    public mutating func advance(to now: Timestamp) {
        while case let due = dueEvents(by: now), !due.isEmpty {
            for (at, event) in due {
                switch event {
                case .settle(let id):
                    settle(id, at: at)
                    touch(id)
                case .deadline(let id):
                    var record = records[id]!
                    release(record, at: at)
                    let what = record.side == .buy ? "deliver the tokens" : "pay"
                    fail(
                        &record, code: SettlementFailure.counterpartyFail.rawValue, ds: nil, at: at,
                        reason: "the counterparty did not \(what) by the venue's deadline \(at)",
                        closeOut: closeOut(record, instructed: true))
                    records[id] = record
                    openSettlements.remove(id)
                    touch(id)
                case .arrival(let id):
                    arrive(id, at: at)
                }
            }
        }
    }

    /// The next business day (Monday to Friday) after `time`, same time of day.
    public static func nextBusinessDay(after time: Timestamp) -> Timestamp {
        var next = time.adding(seconds: 86_400)
        while true {
            let days = next.nanosecondsSinceEpoch / 86_400_000_000_000
            let weekday = (days + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
            if weekday != 0 && weekday != 6 { return next }
            next = next.adding(seconds: 86_400)
        }
    }
}
