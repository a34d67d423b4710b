import ATSDomain
import ATSVenues

extension SettlementBook {
    /// Counts over settlements and custody transfers: what metrics, summaries and the invariants
    /// need of records a book no longer holds.
    public struct Statistics: Sendable, Hashable {
        /// A settlement's model, cycle and status.
        public struct Kind: Sendable, Hashable, Comparable {
            public var model: VenueDefinition.SettlementModel
            public var cycle: VenueDefinition.SettlementCycle
            public var status: SettlementRecord.Status

            public static func < (lhs: Self, rhs: Self) -> Bool {
                (lhs.model.rawValue, lhs.cycle.rawValue, lhs.status.rawValue) < (
                    rhs.model.rawValue, rhs.cycle.rawValue, rhs.status.rawValue
                )
            }
        }

        /// Settlements by model, cycle and status.
        public var settlements: [Kind: Int] = [:]
        /// Failed settlements by failure code.
        public var failures: [String: Int] = [:]
        /// Custody transfers by status.
        public var transfers: [CustodyTransfer.Status: Int] = [:]
        /// The fees the fee collectors must hold: those of settled trades and of started bridge hops.
        public var feesCharged: Int64 = 0
        /// Failed settlements and transfers that do not say why (an invariant breach; normally none).
        public var unexplainedFailures: [String] = []

        public init() {}

        public var settlementCount: Int { settlements.values.reduce(0, +) }
        public var transferCount: Int { transfers.values.reduce(0, +) }

        /// Settlements in `status`, over every model and cycle.
        public func settlements(in status: SettlementRecord.Status) -> Int {
            settlements.reduce(0) { $0 + ($1.key.status == status ? $1.value : 0) }
        }

        mutating func count(_ record: SettlementRecord) {
            settlements[Kind(model: record.model, cycle: record.cycle, status: record.status), default: 0] += 1
            if record.status == .settled { feesCharged += record.fee.rawValue }
            if record.status == .failed {
                failures[record.failure?.code ?? "unknown", default: 0] += 1
                if (record.failure?.reason ?? "").isEmpty {
                    unexplainedFailures.append("settlement \(record.id) failed without a reason")
                }
            }
        }

        mutating func count(_ transfer: CustodyTransfer) {
            transfers[transfer.status, default: 0] += 1
            for hop in transfer.hops where hop.startedAt != nil { feesCharged += hop.fee.rawValue }
            if transfer.status == .failed && (transfer.failure ?? "").isEmpty {
                unexplainedFailures.append("transfer \(transfer.id) failed without a reason")
            }
        }
    }
}
