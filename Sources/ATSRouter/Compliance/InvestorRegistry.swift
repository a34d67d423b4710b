import ATSDomain
import ATSStorage
import ATSVenues
import Foundation
import Synchronization

/// Why a change to an investor's record was not made.
public struct InvestorUpdateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `invalid_investor`, `revision_conflict`, `unknown_account` or `journal_unavailable`.
    public var code: String
    public var field: String?
    public var message: String

    public init(code: String, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Every account's investor identity record (``InvestorRecord``): what the compliance officer
/// verified, kept in the journal revision by revision, read by routing, subscriptions and
/// conversions whenever they check an account. An account nobody has verified has the record its
/// configuration declares.
///
/// Records are held in memory and written through: a change is journalled (its revision unique
/// per account, so two officers cannot both change one revision) before it is kept. Instances
/// sharing the journal read every record again when they take over accounts (``refresh()``).
public final class InvestorRegistry: Sendable {
    let configuration: RouterConfiguration
    let journal: (any JournalStore)?
    private let stored: Mutex<[AccountID: InvestorRecord]>
    /// The venue-KYC status the router's onboardings give, over the configuration's.
    private let venueStatus = Mutex<[AccountID: [VenueID: Account.KYCStatus]]>([:])

    /// The sanctions list every record is screened against.
    private let sanctionsList: Mutex<SanctionsList>

    public init(
        configuration: RouterConfiguration, journal: (any JournalStore)?, sanctions: SanctionsList = .bundled
    ) throws {
        self.configuration = configuration
        self.journal = journal
        stored = Mutex([:])
        sanctionsList = Mutex(sanctions)
        try refresh()
    }

    public var sanctions: SanctionsList { sanctionsList.withLock { $0 } }

    /// Screens against `list` from now on (a list updated while the router runs).
    public func replaceSanctions(_ list: SanctionsList) { sanctionsList.withLock { $0 = list } }

    /// What of `account`'s record matches the sanctions list: its legal name or a wallet.
    public func screening(of account: AccountID) -> SanctionsList.Hit? {
        guard let record = record(of: account) else { return nil }
        return sanctions.screen(name: record.legalName, wallets: record.wallets)
    }

    /// Every configured account the sanctions list matches now, with why.
    public func sanctionedAccounts() -> [AccountID: SanctionsList.Hit] {
        var found: [AccountID: SanctionsList.Hit] = [:]
        for account in configuration.accounts {
            if let hit = screening(of: account.id) { found[account.id] = hit }
        }
        return found
    }

    /// Reads every record the journal keeps (those of accounts no longer configured are ignored).
    public func refresh() throws {
        guard let journal else { return }
        var records: [AccountID: InvestorRecord] = [:]
        for row in try journal.investors() {
            guard let record = try? Self.decode(row.record), configuration.account(record.account) != nil else {
                continue
            }
            records[record.account] = record
        }
        stored.withLock { $0 = records }
    }

    /// `account`'s record: the one last verified, or the one its configuration declares; nil for an unknown account.
    public func record(of account: AccountID) -> InvestorRecord? {
        if let record = stored.withLock({ $0[account] }) { return record }
        return configuration.account(account).map(InvestorRecord.init(declaredBy:))
    }

    /// `account` as the rules see it at `now` for acquiring or disposing of `security`: its
    /// record's jurisdiction, accreditation (valid for `security`), qualified-purchaser and
    /// professional status applied to the configured account.
    public func view(of account: Account, for security: Security?, at now: Timestamp) -> Account {
        var account = account
        for (venue, status) in venueStatus.withLock({ $0[account.id] ?? [:] }) { account.kyc[venue.rawValue] = status }
        guard let record = record(of: account.id) else { return account }
        return record.applied(to: account, for: security, on: CalendarDate(now))
    }

    /// Records what the router's onboarding of `account` at `venue` makes of its KYC there.
    public func setVenueStatus(_ status: Account.KYCStatus, of account: AccountID, at venue: VenueID) {
        venueStatus.withLock { $0[account, default: [:]][venue] = status }
    }

    /// `account`'s KYC status at `venue` as routing sees it: the router's onboarding, else the configuration's.
    public func venueStatus(of account: AccountID, at venue: VenueID) -> Account.KYCStatus? {
        venueStatus.withLock { $0[account]?[venue] } ?? configuration.account(account)?.kycStatus(at: venue)
    }

    /// Why `account`'s record stops a new order (or subscription) in `security` on `side` at
    /// `now`: a sanctions-list match; KYC pending, expired or revoked; a stale accreditation for a
    /// 506(c) acquisition.
    public func refusal(of account: AccountID, security: Security?, side: Side, at now: Timestamp) -> Rejection? {
        guard let record = record(of: account) else { return nil }
        if let hit = sanctions.screen(name: record.legalName, wallets: record.wallets) {
            return Rejection(.sanctionsMatch, "\(account)'s \(hit); the compliance officer has an alert")
        }
        let today = CalendarDate(now)
        if let refusal = record.kycRefusal(on: today) { return refusal }
        if side == .buy, let security { return record.accreditationRefusal(for: security, on: today) }
        return nil
    }

    /// Replaces `record.account`'s record with `record` as the compliance officer `officer` made it
    /// at `now`, when its current revision is `record.revision` (what the officer read); the new
    /// record has the next revision. Journalled before it is kept.
    @discardableResult
    public func update(_ record: InvestorRecord, by officer: String, at now: Timestamp) throws(InvestorUpdateError)
        -> InvestorRecord
    {
        guard configuration.account(record.account) != nil else {
            throw InvestorUpdateError(code: "unknown_account", message: "no account \(record.account)")
        }
        if let problem = record.problems().first {
            throw InvestorUpdateError(
                code: "invalid_investor", field: problem.field, message: "\(problem.field): \(problem.reason)")
        }
        let current = self.record(of: record.account)?.revision ?? 0
        guard record.revision == current else {
            throw InvestorUpdateError(
                code: "revision_conflict", field: "revision",
                message:
                    "\(record.account)'s record is at revision \(current), not \(record.revision): read it again and repeat the change"
            )
        }
        var next = record
        next.revision = current + 1
        next.updatedBy = officer
        next.updatedAt = now
        if let journal {
            let text = Self.encode(next)
            var work = UnitOfWork()
            work.investors = [
                InvestorRow(
                    account: next.account.rawValue, revision: Int64(next.revision),
                    updatedAt: now.nanosecondsSinceEpoch, record: text)
            ]
            work.investorEvents = [
                InvestorEventRow(
                    account: next.account.rawValue, revision: Int64(next.revision), at: now.nanosecondsSinceEpoch,
                    by: officer, record: text)
            ]
            do { try journal.commit(work) } catch {
                throw InvestorUpdateError(
                    code: "revision_conflict", field: "revision",
                    message:
                        "\(record.account)'s record was not changed (another change to revision \(current) came first, or the journal refused it: \(error))"
                )
            }
        }
        stored.withLock { $0[next.account] = next }
        return next
    }

    /// Every revision of `account`'s record, oldest first (only the declared one when none was made).
    public func history(of account: AccountID) throws -> [InvestorRecord] {
        let rows = try journal?.investorHistory(account: account.rawValue) ?? []
        let made = rows.compactMap { try? Self.decode($0.record) }
        if !made.isEmpty { return made }
        return configuration.account(account).map { [InvestorRecord(declaredBy: $0)] } ?? []
    }

    static func encode(_ record: InvestorRecord) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(record)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> InvestorRecord {
        try JSONDecoder().decode(InvestorRecord.self, from: Data(text.utf8))
    }
}
