import ATSDomain
import ATSServer
import ATSVenues
import ArgumentParser
import Foundation

/// `ats-router keys add|list|revoke`: the accounts' API keys, kept in `config.json` as digests.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, list and revoke the accounts' API keys (config.json keeps only their SHA-256 digests).",
        discussion: """
            `keys add ACCOUNT` prints a new key once and writes its digest into the configuration \
            file; the key is stored nowhere, so keep it then. A router reads its keys when it starts: \
            restart it after a change. The file is rewritten with its keys sorted.
            """,
        subcommands: [Add.self, List.self, Revoke.self])

    /// The configuration file to change: a file, never the built-in configuration.
    static func file(_ options: RouterOptions) throws -> String {
        guard let path = options.sources.config.path else {
            throw ValidationError(
                "the configuration in use is the built-in one; write it out first (ats-router config init DIR) and name it with --config or ATS_ROUTER_CONFIG"
            )
        }
        return path
    }

    /// Changes the accounts in `path` with `change`, checks the result loads, and writes it.
    static func rewrite(_ path: String, catalog: VenueCatalog, _ change: (inout [[String: Any]]) throws -> Void) throws
    {
        let original = try readConfigurationFile(path)
        guard var document = try JSONSerialization.jsonObject(with: original) as? [String: Any],
            var accounts = document["accounts"] as? [[String: Any]]
        else { throw ValidationError("\(path) has no accounts") }
        try change(&accounts)
        document["accounts"] = accounts
        let data = try JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        _ = try RouterConfiguration.load(data, file: path, venues: catalog)
        let mode = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Make a new API key for an account: printed once, its digest written.")
        @Argument(help: "The account.") var account: String
        @OptionGroup var options: RouterOptions

        func run() throws {
            let (catalog, configuration) = try options.load()
            guard let id = try? AccountID(account), configuration.account(id) != nil else {
                throw ValidationError(
                    "no account \"\(account)\"; known: \(configuration.accounts.map(\.id.rawValue).joined(separator: ", "))"
                )
            }
            let path = try KeysCommand.file(options)
            let key = APIKeys.newKey(for: id)
            let digest = APIKeys.digest(of: key)
            try KeysCommand.rewrite(path, catalog: catalog) { accounts in
                for i in accounts.indices where accounts[i]["id"] as? String == id.rawValue {
                    accounts[i]["apiKeys"] = (accounts[i]["apiKeys"] as? [String] ?? []) + [digest.description]
                }
            }
            print(key)
            FileHandle.standardError.write(
                Data(
                    "the new key for \(id) is above, shown this once; \(path) keeps its digest \(digest.short) (restart the router to use it)\n"
                        .utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List each account's keys by the start of their digests.")
        @OptionGroup var options: RouterOptions

        func run() throws {
            let (_, configuration) = try options.load()
            for account in configuration.accounts {
                let keys = (account.apiKeys ?? []).map(\.short)
                print("\(account.id): \(keys.isEmpty ? "no keys" : keys.joined(separator: ", "))")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Remove an account's key, named by the start of its digest (keys list).")
        @Argument(help: "The account.") var account: String
        @Argument(help: "The start of the key's digest, sha256:… as keys list shows it (12 hex digits are plenty).")
        var digest: String
        @OptionGroup var options: RouterOptions

        func run() throws {
            let (catalog, configuration) = try options.load()
            guard let id = try? AccountID(account), let found = configuration.account(id) else {
                throw ValidationError("no account \"\(account)\"")
            }
            let given = digest.replacingOccurrences(of: "…", with: "")
            let prefix = given.hasPrefix("sha256:") ? given : "sha256:" + given
            guard prefix.count >= 15 else {
                throw ValidationError("give at least 8 hex digits of the digest (keys list shows 12), not \(digest)")
            }
            let matching = (found.apiKeys ?? []).filter { $0.description.hasPrefix(prefix) }
            guard matching.count == 1 else {
                throw ValidationError(
                    matching.isEmpty
                        ? "\(id) has no key whose digest starts \(prefix)"
                        : "\(prefix) names more than one of \(id)'s keys; give more of the digest")
            }
            let path = try KeysCommand.file(options)
            try KeysCommand.rewrite(path, catalog: catalog) { accounts in
                for i in accounts.indices where accounts[i]["id"] as? String == id.rawValue {
                    accounts[i]["apiKeys"] = (accounts[i]["apiKeys"] as? [String] ?? []).filter {
                        $0 != matching[0].description
                    }
                }
            }
            print("revoked \(matching[0].short) of \(id) (restart the router to stop it)")
        }
    }
}
