import ATSDomain
import ATSVenues
import Crypto

/// The accounts' API keys as the configuration keeps them, by digest: a presented key is hashed
/// (SHA-256) and compared with every digest in time that does not depend on where, or whether,
/// they differ, so the reply's timing tells nothing about the keys. Keys themselves are never held.
public struct APIKeys: Sendable {
    /// Whom a key speaks for: an account (trading) or a compliance officer (records and alerts).
    public enum Principal: Sendable, Hashable {
        case account(AccountID)
        case officer(String)
    }

    private let entries: [(digest: APIKeyDigest, principal: Principal)]

    public init(_ accounts: [Account], officers: [ComplianceOfficer] = []) {
        entries =
            accounts.flatMap { account in (account.apiKeys ?? []).map { ($0, Principal.account(account.id)) } }
            + officers.flatMap { officer in officer.apiKeys.map { ($0, Principal.officer(officer.id)) } }
    }

    /// Whom `key` authenticates, if anyone.
    public func principal(for key: String) -> Principal? {
        let presented = Array(SHA256.hash(data: Array(key.utf8)))
        var found: Principal?
        for entry in entries where entry.digest.matches(presented) { found = entry.principal }
        return found
    }

    /// The key in an `Authorization: Bearer <key>` header's value (nil: not of that form).
    public static func bearerKey(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// The account `key` authenticates, if any.
    public func account(for key: String) -> AccountID? {
        if case .account(let account) = principal(for: key) { return account }
        return nil
    }

    /// The digest the configuration keeps for `key` (`keys add` writes it).
    public static func digest(of key: String) -> APIKeyDigest {
        APIKeyDigest(bytes: Array(SHA256.hash(data: Array(key.utf8))))
    }
}

extension APIKeys {
    /// A new key for `account`: `ak-<account>-` and 40 hex digits (160 bits) from the system's
    /// cryptographic generator.
    public static func newKey(for account: AccountID) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
            .map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return "ak-\(account.rawValue)-\(digits)"
    }
}
