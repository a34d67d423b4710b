import GRDB

/// A parent order as the journal stores it: numbers as raw fixed-point integers (8 decimals),
/// times as nanoseconds since the epoch.
public struct ParentRecord: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "parent_order"
    public var id: Int64
    public var account: String
    public var clientOrderId: String?
    public var symbol: String
    public var side: String
    public var quantity: Int64
    public var limitPrice: Int64?
    public var timeInForce: String
    public var strategy: String
    public var includeVenues: String
    public var excludeVenues: String
    public var status: String
    public var note: String?
    public var rejectionCode: String?
    public var rejectionMessage: String?
    public var createdAt: Int64
    public var completedAt: Int64?
    public var cancelRequested: Bool
    /// The trader let the router move the account's tokens (or cash) where a venue settles.
    public var allowTransfers: Bool

    public init(
        id: Int64, account: String, clientOrderId: String?, symbol: String, side: String, quantity: Int64,
        limitPrice: Int64?, timeInForce: String, strategy: String, includeVenues: String = "[]",
        excludeVenues: String = "[]", status: String, note: String? = nil, rejectionCode: String? = nil,
        rejectionMessage: String? = nil, createdAt: Int64, completedAt: Int64? = nil, cancelRequested: Bool = false,
        allowTransfers: Bool = false
    ) {
        self.cancelRequested = cancelRequested
        self.allowTransfers = allowTransfers
        self.id = id
        self.account = account
        self.clientOrderId = clientOrderId
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.strategy = strategy
        self.includeVenues = includeVenues
        self.excludeVenues = excludeVenues
        self.status = status
        self.note = note
        self.rejectionCode = rejectionCode
        self.rejectionMessage = rejectionMessage
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}

/// A child order: journalled before it is sent, so that recovery can reconcile it by its key.
public struct ChildRecord: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "child_order"
    public var clientKey: String
    public var parentId: Int64
    public var venue: String
    public var quantity: Int64
    public var limitPrice: Int64
    public var timeInForce: String
    public var purpose: String
    public var decision: Int64
    public var status: String
    public var venueOrderId: String?
    public var filledQuantity: Int64
    public var fees: Int64
    public var refusalCode: String?
    public var refusalMessage: String?
    public var failure: String?
    public var createdAt: Int64

    public init(
        clientKey: String, parentId: Int64, venue: String, quantity: Int64, limitPrice: Int64, timeInForce: String,
        purpose: String, decision: Int64, status: String, venueOrderId: String? = nil, filledQuantity: Int64 = 0,
        fees: Int64 = 0, refusalCode: String? = nil, refusalMessage: String? = nil, failure: String? = nil,
        createdAt: Int64
    ) {
        self.clientKey = clientKey
        self.parentId = parentId
        self.venue = venue
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.purpose = purpose
        self.decision = decision
        self.status = status
        self.venueOrderId = venueOrderId
        self.filledQuantity = filledQuantity
        self.fees = fees
        self.refusalCode = refusalCode
        self.refusalMessage = refusalMessage
        self.failure = failure
        self.createdAt = createdAt
    }
}

/// One fill of a child at its venue; `(venue, fillId)` is unique, so recording it twice is harmless.
public struct ExecutionRecord: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "execution"
    public var venue: String
    public var fillId: String
    public var childKey: String
    public var quantity: Int64
    public var price: Int64
    public var fee: Int64
    public var recordedAt: Int64

    public init(
        venue: String, fillId: String, childKey: String, quantity: Int64, price: Int64, fee: Int64, recordedAt: Int64
    ) {
        self.venue = venue
        self.fillId = fillId
        self.childKey = childKey
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.recordedAt = recordedAt
    }
}

/// One state transition, appended and never changed.
public struct EventRecord: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "order_event"
    public var sequence: Int64?
    public var parentId: Int64
    public var childKey: String?
    public var kind: String
    public var detail: String
    public var at: Int64
    /// The order's account, its per-order sequence, its place in the account's event stream
    /// (from 1, without gaps, unique per account) and the event's data as JSON: written by the
    /// order manager since migration v10 (nil on older rows and rows written by hand).
    public var account: String?
    public var orderSequence: Int64?
    public var streamSequence: Int64?
    public var payload: String?

    public init(parentId: Int64, childKey: String? = nil, kind: String, detail: String, at: Int64) {
        self.parentId = parentId
        self.childKey = childKey
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}

/// A routing decision's evidence (snapshot, quote ages, exclusions, plan) as JSON.
public struct DecisionRecord: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "routing_decision"
    public var parentId: Int64
    public var position: Int64
    public var attempt: Int64
    public var at: Int64
    public var evidence: String

    public init(parentId: Int64, position: Int64, attempt: Int64, at: Int64, evidence: String) {
        self.parentId = parentId
        self.position = position
        self.attempt = attempt
        self.at = at
        self.evidence = evidence
    }
}

/// A parent as loaded from the journal, with its children (each with its fills) and decisions.
public struct StoredParent: Sendable {
    public var parent: ParentRecord
    public var children: [(child: ChildRecord, executions: [ExecutionRecord])]
    public var decisions: [DecisionRecord]

    public init(
        parent: ParentRecord, children: [(child: ChildRecord, executions: [ExecutionRecord])],
        decisions: [DecisionRecord]
    ) {
        self.parent = parent
        self.children = children
        self.decisions = decisions
    }
}

/// A settlement as last written: key columns for queries, the whole record as JSON.
public struct SettlementRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "settlement"
    public var id: Int64
    public var venue: String
    public var fillId: String
    public var parentId: Int64
    public var account: String
    public var symbol: String
    public var model: String
    public var status: String
    public var updatedAt: Int64
    public var record: String

    public init(
        id: Int64, venue: String, fillId: String, parentId: Int64, account: String, symbol: String, model: String,
        status: String, updatedAt: Int64, record: String
    ) {
        self.id = id
        self.venue = venue
        self.fillId = fillId
        self.parentId = parentId
        self.account = account
        self.symbol = symbol
        self.model = model
        self.status = status
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// A custody transfer as last written.
public struct CustodyTransferRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "custody_transfer"
    public var id: Int64
    public var account: String
    public var symbol: String
    public var settlementId: Int64?
    public var status: String
    public var updatedAt: Int64
    public var record: String

    public init(
        id: Int64, account: String, symbol: String, settlementId: Int64?, status: String, updatedAt: Int64,
        record: String
    ) {
        self.id = id
        self.account = account
        self.symbol = symbol
        self.settlementId = settlementId
        self.status = status
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// An execution with its place in the journal (`sequence`: increasing in the order executions were
/// recorded) and the order it filled.
public struct FillRow: Sendable, Hashable {
    public var sequence: Int64
    public var execution: ExecutionRecord
    public var parentId: Int64
    public var symbol: String
    public var side: String

    public init(sequence: Int64, execution: ExecutionRecord, parentId: Int64, symbol: String, side: String) {
        self.sequence = sequence
        self.execution = execution
        self.parentId = parentId
        self.symbol = symbol
        self.side = side
    }
}

/// One ledger movement, appended and never changed; amounts raw (8 decimals).
public struct LedgerEntryRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "ledger_entry"
    public var sequence: Int64?
    public var at: Int64
    public var asset: String
    public var amount: Int64
    public var fromHolder: String?
    public var fromLocation: String?
    public var fromLocked: Bool?
    public var toHolder: String
    public var toLocation: String
    public var toLocked: Bool
    public var reference: String

    public init(
        at: Int64, asset: String, amount: Int64, fromHolder: String?, fromLocation: String?, fromLocked: Bool?,
        toHolder: String, toLocation: String, toLocked: Bool, reference: String
    ) {
        self.at = at
        self.asset = asset
        self.amount = amount
        self.fromHolder = fromHolder
        self.fromLocation = fromLocation
        self.fromLocked = fromLocked
        self.toHolder = toHolder
        self.toLocation = toLocation
        self.toLocked = toLocked
        self.reference = reference
    }
}

/// One change of ownership reported to the transfer agent, appended and never changed.
public struct CapTableReportRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "cap_table_report"
    public var sequence: Int64?
    public var at: Int64
    public var symbol: String
    public var fromHolder: String?
    public var toHolder: String
    public var quantity: Int64
    public var acquiredOn: String
    public var reference: String

    public init(
        at: Int64, symbol: String, fromHolder: String?, toHolder: String, quantity: Int64, acquiredOn: String,
        reference: String
    ) {
        self.at = at
        self.symbol = symbol
        self.fromHolder = fromHolder
        self.toHolder = toHolder
        self.quantity = quantity
        self.acquiredOn = acquiredOn
        self.reference = reference
    }
}

/// A subscription to a primary offering as last written: key columns for queries, the whole
/// subscription as JSON. A parent of its own kind: it has its own events and is recovered after a
/// crash like an order.
public struct SubscriptionRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "subscription"
    public var id: Int64
    public var account: String
    public var clientSubscriptionId: String?
    public var venue: String
    public var offeringId: String
    public var symbol: String
    public var status: String
    /// Raw, 8 decimals, in the offering's payment asset.
    public var amount: Int64
    public var createdAt: Int64
    public var updatedAt: Int64
    public var record: String

    public init(
        id: Int64, account: String, clientSubscriptionId: String?, venue: String, offeringId: String, symbol: String,
        status: String, amount: Int64, createdAt: Int64, updatedAt: Int64, record: String
    ) {
        self.id = id
        self.account = account
        self.clientSubscriptionId = clientSubscriptionId
        self.venue = venue
        self.offeringId = offeringId
        self.symbol = symbol
        self.status = status
        self.amount = amount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// One change to a subscription, appended and never changed.
public struct SubscriptionEventRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "subscription_event"
    public var sequence: Int64?
    public var subscriptionId: Int64
    public var kind: String
    public var detail: String
    public var at: Int64

    public init(subscriptionId: Int64, kind: String, detail: String, at: Int64) {
        self.subscriptionId = subscriptionId
        self.kind = kind
        self.detail = detail
        self.at = at
    }
}

/// A cash conversion at a venue (INX's USDC/USD) as last written: key columns, the whole as JSON.
/// Journalled before it is sent, with the cash it converts earmarked, so a restart sends it again
/// under the same key.
public struct ConversionRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "cash_conversion"
    public var id: Int64
    public var account: String
    public var venue: String
    public var status: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public var record: String

    public init(
        id: Int64, account: String, venue: String, status: String, createdAt: Int64, updatedAt: Int64, record: String
    ) {
        self.id = id
        self.account = account
        self.venue = venue
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// An investor's identity record as last written (the whole as JSON); every revision is also an
/// ``InvestorEventRow``, unique per account and revision, so two officers changing one record at
/// once cannot both succeed.
public struct InvestorRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "investor"
    public var account: String
    public var revision: Int64
    public var updatedAt: Int64
    public var record: String

    public init(account: String, revision: Int64, updatedAt: Int64, record: String) {
        self.account = account
        self.revision = revision
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// One revision of an investor's record, append-only: who changed it, when, and the record as it became.
public struct InvestorEventRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "investor_event"
    public var account: String
    public var revision: Int64
    public var at: Int64
    /// The compliance officer (or `router` for a change the router made, such as an expiry).
    public var by: String
    public var record: String

    public init(account: String, revision: Int64, at: Int64, by: String, record: String) {
        self.account = account
        self.revision = revision
        self.at = at
        self.by = by
        self.record = record
    }
}

/// The onboarding filed for an account at one venue as last written (the whole, with its steps, as JSON).
public struct OnboardingRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "onboarding"
    public var account: String
    public var venue: String
    public var status: String
    public var updatedAt: Int64
    public var record: String

    public init(account: String, venue: String, status: String, updatedAt: Int64, record: String) {
        self.account = account
        self.venue = venue
        self.status = status
        self.updatedAt = updatedAt
        self.record = record
    }
}

/// An alert for the compliance queue (AML monitoring, a screening hit) as last written.
public struct ComplianceAlertRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "compliance_alert"
    public var id: Int64
    public var account: String
    public var kind: String
    public var status: String
    public var createdAt: Int64
    public var record: String

    public init(id: Int64, account: String, kind: String, status: String, createdAt: Int64, record: String) {
        self.id = id
        self.account = account
        self.kind = kind
        self.status = status
        self.createdAt = createdAt
        self.record = record
    }
}

/// A FIX session's sequence numbers as last written (`docs/fix.md`): the next MsgSeqNum it sends
/// and the next it expects, in its current `epoch` (a reset at logon starts a new one), and for an
/// execution-report feed where it stands in each account's event stream (`cursors`:
/// `ACCOUNT=N` pairs separated by spaces).
public struct FIXSessionRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "fix_session"
    public var session: String
    public var epoch: Int64
    public var nextSender: Int64
    public var nextTarget: Int64
    public var cursors: String
    public var updatedAt: Int64

    public init(session: String, epoch: Int64, nextSender: Int64, nextTarget: Int64, cursors: String, updatedAt: Int64)
    {
        self.session = session
        self.epoch = epoch
        self.nextSender = nextSender
        self.nextTarget = nextTarget
        self.cursors = cursors
        self.updatedAt = updatedAt
    }
}

/// An application message a FIX session sent, append-only, kept to answer a ResendRequest: its
/// fields from MsgType to the last body field as they went out (SOH-separated, without the frame).
public struct FIXMessageRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "fix_message"
    public var session: String
    public var epoch: Int64
    public var sequence: Int64
    public var body: String
    public var sentAt: Int64

    public init(session: String, epoch: Int64, sequence: Int64, body: String, sentAt: Int64) {
        self.session = session
        self.epoch = epoch
        self.sequence = sequence
        self.body = body
        self.sentAt = sentAt
    }
}

/// A ClOrdID a FIX session used for an order: the order entered (`new`), replaced (`replace`) or
/// cancelled (`cancel`) under it; `expireAt` for a GTD order. Unique per session; written
/// `entering` (order id 0) before the order is started, and made `new` once it is known.
public struct FIXOrderRow: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "fix_order"
    public var session: String
    public var clOrdId: String
    public var orderId: Int64
    public var kind: String
    public var expireAt: Int64?
    public var at: Int64

    public init(session: String, clOrdId: String, orderId: Int64, kind: String, expireAt: Int64?, at: Int64) {
        self.session = session
        self.clOrdId = clOrdId
        self.orderId = orderId
        self.kind = kind
        self.expireAt = expireAt
        self.at = at
    }
}
