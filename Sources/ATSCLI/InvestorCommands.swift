import ATSWire
import ArgumentParser
import Foundation

/// `ats-router investor show|verify`: an investor's identity record, for the compliance officer
/// (their API key; a trader's key is refused).
struct InvestorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "investor",
        abstract: "Show or change an investor's identity record (KYC, accreditation, wallets) with a compliance key.",
        discussion: """
            `investor verify` reads the record, changes what its options name and puts it back under \
            the revision read: a change someone made meanwhile is refused (409), and nothing is lost. \
            Every change is journalled with who made it (`investor show --history`).
            """,
        subcommands: [Show.self, Verify.self, Alerts.self, CloseAlert.self])

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts", abstract: "The compliance queue: sanctions matches and monitoring alerts.")
        @Option(help: "open or closed (default: every alert).") var status: String?
        @Option(help: "Only this account's.") var account: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            if let status, status != "open" && status != "closed" {
                throw ValidationError("--status must be open or closed")
            }
            let client = try server.client()
            var query = [status.map { "status=\($0)" }, account.map { "account=\(InvestorText.escaped($0))" }]
                .compactMap { $0 }.joined(separator: "&")
            if !query.isEmpty { query = "?" + query }
            try await runClient {
                let list = try await client.call(.GET, "/v1/compliance/alerts" + query, as: APIViews.AlertList.self)
                if json { return printEncoded(list) }
                if list.alerts.isEmpty { print("no alerts") }
                for alert in list.alerts {
                    print(
                        "alert \(alert.id) [\(alert.status)] \(alert.kind) \(alert.account) at \(alert.raisedAt): \(alert.message)"
                            + (alert.resolution.map { " — closed by \(alert.closedBy ?? "?"): \($0)" } ?? ""))
                }
            }
        }
    }

    struct CloseAlert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close-alert", abstract: "Close an open alert with how it was resolved.")
        @Argument(help: "The alert's id.") var id: String
        @Option(help: "How it was resolved (kept with the alert).") var resolution: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            try await runClient {
                let closed = try await client.call(
                    .POST, "/v1/compliance/alerts/\(InvestorText.escaped(id))/close", body: ["resolution": resolution],
                    as: APIViews.AlertView.self)
                print("alert \(closed.id) closed by \(closed.closedBy ?? "?"): \(closed.resolution ?? "")")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show an investor's record, what it stops now, and the venue onboardings.")
        @Argument(help: "The account.") var account: String
        @Flag(help: "Every revision, oldest first.") var history = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            let path = "/v1/investors/\(InvestorText.escaped(account))"
            try await runClient {
                if history {
                    let list = try await client.call(.GET, path + "/history", as: APIViews.InvestorHistory.self)
                    if json { return printEncoded(list) }
                    for revision in list.revisions { print(InvestorText.text(revision)) }
                } else {
                    let record = try await client.call(.GET, path, as: APIViews.InvestorView.self)
                    if json { return printEncoded(record) }
                    print(InvestorText.text(record))
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Record a verification: KYC, accreditation, qualified purchaser, wallets, or a revocation.")
        @Argument(help: "The account.") var account: String
        @Option(help: "pending, approved, expired or revoked.") var kyc: String?
        @Option(help: "Who verified the investor's identity.") var provider: String?
        @Option(help: "The day KYC was verified (YYYY-MM-DD; default: today when --kyc approved).")
        var verifiedOn: String?
        @Option(help: "The first day the KYC no longer holds (YYYY-MM-DD).") var expiresOn: String?
        @Option(help: "Why (a revocation's reason).") var note: String?
        @Option(
            help:
                "How accredited status was verified: income, net_worth, third_party_letter, professional_certification, entity, self_certified; none removes it."
        )
        var accreditation: String?
        @Option(help: "The day accreditation was verified (default: today).") var accreditedOn: String?
        @Option(help: "What accreditation was verified from (a letter, a return).") var evidence: String?
        @Option(help: "Evidence of qualified-purchaser status (none removes it).") var qualifiedPurchaser: String?
        @Option(help: "A wallet, chain=address (repeatable).") var wallet: [String] = []
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            let path = "/v1/investors/\(InvestorText.escaped(account))"
            let today = InvestorText.today()
            try await runClient {
                var record = try await client.call(.GET, path, as: APIViews.InvestorView.self)
                if let kyc {
                    record.kyc.status = kyc
                    if kyc == "approved" { record.kyc.verifiedOn = verifiedOn ?? today }
                }
                if let provider { record.kyc.provider = provider }
                if let verifiedOn { record.kyc.verifiedOn = verifiedOn }
                if let expiresOn { record.kyc.expiresOn = expiresOn }
                if let note { record.kyc.note = note }
                if accreditation == "none" {
                    record.accreditation = nil
                } else if let method = accreditation {
                    record.accreditation = .init(
                        method: method, verifiedOn: accreditedOn ?? today,
                        evidence: evidence ?? record.accreditation?.evidence ?? "", valid506cThrough: nil)
                }
                if qualifiedPurchaser == "none" {
                    record.qualifiedPurchaser = nil
                } else if let qualifiedPurchaser {
                    record.qualifiedPurchaser = .init(evidence: qualifiedPurchaser, verifiedOn: today)
                }
                for pair in wallet {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--wallet takes chain=address, not \(pair)") }
                    record.wallets[parts[0]] = parts[1]
                }
                let changed = try await client.call(.PUT, path, body: record, as: APIViews.InvestorView.self)
                if json { return printEncoded(changed) }
                print(InvestorText.text(changed))
            }
        }
    }
}

enum InvestorText {
    static func escaped(_ account: String) -> String {
        account.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? account
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    static func text(_ r: APIViews.InvestorView) -> String {
        var lines = [
            "\(r.account) (\(r.legalName)), revision \(r.revision)\(r.updatedBy.map { " by \($0) at \(r.updatedAt ?? "?")" } ?? " (as config.json declares)")",
            "  jurisdiction \(r.jurisdiction)\(r.usPerson ? ", US person" : "")",
            "  KYC \(r.kyc.status) by \(r.kyc.provider)\(r.kyc.verifiedOn.map { ", verified \($0)" } ?? "")\(r.kyc.expiresOn.map { ", expires \($0)" } ?? "")\(r.kyc.note.map { " (\($0))" } ?? "")",
        ]
        if let a = r.accreditation {
            lines.append(
                "  accredited: \(a.method), verified \(a.verifiedOn) from \(a.evidence)\(a.valid506cThrough.map { "; holds for 506(c) through \($0)" } ?? "; not for 506(c)")"
            )
        } else {
            lines.append("  not accredited")
        }
        if let q = r.qualifiedPurchaser { lines.append("  qualified purchaser: \(q.evidence), \(q.verifiedOn)") }
        if let p = r.professional { lines.append("  professional client: \(p.evidence), \(p.verifiedOn)") }
        for (chain, address) in r.wallets.sorted(by: { $0.key < $1.key }) {
            lines.append("  wallet \(chain): \(address)")
        }
        if let standing = r.standing { lines.append("  stops new orders: \(standing.code) (\(standing.message))") }
        for o in r.onboardings ?? [] {
            lines.append(
                "  onboarding at \(o.venue): \(o.status)\(o.reference.map { ", ref \($0)" } ?? "")\(o.reason.map { " (\($0))" } ?? "")"
            )
        }
        return lines.joined(separator: "\n")
    }
}
