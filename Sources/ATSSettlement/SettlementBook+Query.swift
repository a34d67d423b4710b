import ATSDomain

extension SettlementBook {
    /// Which settlements to read: whose, of which order, in which status, and which page.
    public struct Query: Sendable, Hashable {
        /// Every account's when nil.
        public var account: AccountID?
        public var order: UInt64?
        public var status: SettlementRecord.Status?
        /// Only settlements whose id is below this one (a page's cursor).
        public var before: Int64?
        /// At most this many, newest first; nil: all, oldest first.
        public var limit: Int?

        public init(
            account: AccountID? = nil, order: UInt64? = nil, status: SettlementRecord.Status? = nil,
            before: Int64? = nil,
            limit: Int? = nil
        ) {
            self.account = account
            self.order = order
            self.status = status
            self.before = before
            self.limit = limit
        }

        /// Whether the answer also lists the account's transfers not made for a settlement
        /// (`POST /v1/transfers`) and any still under way: on the first page of an unfiltered read.
        public var includesOtherTransfers: Bool { order == nil && before == nil }

        public func matches(_ record: SettlementRecord) -> Bool {
            (account == nil || record.account == account) && (order == nil || record.orderId == order)
                && (status == nil || record.status == status) && (before.map { record.id < $0 } ?? true)
        }
    }

    /// What a ``Query`` reads: the settlements, the custody transfers they started (and, see
    /// ``Query/includesOtherTransfers``, the account's others), and whether more settlements
    /// match beyond `limit`.
    public struct Selection: Sendable, Hashable {
        public var settlements: [SettlementRecord]
        public var transfers: [CustodyTransfer]
        public var more: Bool

        public init(settlements: [SettlementRecord], transfers: [CustodyTransfer], more: Bool) {
            self.settlements = settlements
            self.transfers = transfers
            self.more = more
        }
    }

    /// `query` answered from the records this book holds (all of them with ``Retention/everything``).
    public func select(_ query: Query) -> Selection {
        var matching = settlements.filter(query.matches)
        var more = false
        if let limit = query.limit {
            matching.reverse()
            more = matching.count > limit
            matching = Array(matching.prefix(limit))
        }
        let linked = Set(matching.compactMap(\.transferId))
        let transfers = self.transfers.filter {
            (query.account == nil || $0.account == query.account)
                && (linked.contains($0.id)
                    || (query.includesOtherTransfers && ($0.settlementId == nil || !$0.status.isTerminal)))
        }
        return Selection(settlements: matching, transfers: transfers, more: more)
    }
}
