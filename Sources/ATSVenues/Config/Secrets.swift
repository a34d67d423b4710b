import ATSDomain
import Foundation

/// An API key as the configuration keeps it: its SHA-256 digest, `sha256:` and 64 lowercase hex
/// digits. The key itself is shown once, by `ats-router keys add`, and stored nowhere.
public struct APIKeyDigest: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    public init?(_ text: String) {
        guard text.hasPrefix("sha256:") else { return nil }
        let hex = Array(text.dropFirst(7).utf8)
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(hex[i]), let low = Self.nibble(hex[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest is 32 bytes")
        self.bytes = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    public var description: String { "sha256:" + bytes.map { String(format: "%02x", $0) }.joined() }
    /// The first 12 hex digits, to name a key without writing it all (`keys list`).
    public var short: String { String(description.prefix(19)) + "…" }

    /// Whether `other` is this digest, in time that does not depend on where they differ.
    public func matches(_ other: [UInt8]) -> Bool {
        guard other.count == bytes.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<bytes.count { difference |= bytes[i] ^ other[i] }
        return difference == 0
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = APIKeyDigest(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "must be a key's digest, sha256: and 64 lowercase hex digits (ats-router keys add writes one), not a key"
                ))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The secrets the router uses at venues served elsewhere, kept out of `config.json`: from the
/// environment (`ATS_ROUTER_VENUE_SECRET_<VENUE>`, the venue id in capitals) or from the secrets
/// file `config.json` names (`secretsFile`, relative to `config.json`'s folder), the environment
/// first. The file is JSON, `{"venues": {"tzero": "…"}}`, and must be readable by its owner only.
public struct VenueSecrets: Sendable, Hashable, CustomStringConvertible {
    /// The secret by venue.
    public var secrets: [VenueID: String]

    public init(_ secrets: [VenueID: String] = [:]) { self.secrets = secrets }

    public subscript(venue: VenueID) -> String? { secrets[venue] }

    /// Which venues have a secret; never the secrets.
    public var description: String { "secrets for \(secrets.keys.map(\.rawValue).sorted())" }

    public static func variable(for venue: VenueID) -> String {
        "ATS_ROUTER_VENUE_SECRET_" + venue.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    struct File: Decodable {
        var venues: [String: String]
    }

    /// The secret of each venue `configuration` serves elsewhere with a `keyId`; an error naming the
    /// venue when one has none, the file when it cannot be read or others may read it.
    public static func load(
        for configuration: RouterConfiguration, configFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> VenueSecrets {
        let needed = (configuration.routing?.venues ?? [:]).filter { $0.value.keyId != nil }.keys.sorted()
        guard !needed.isEmpty else { return VenueSecrets() }
        var fromFile: [String: String] = [:]
        let config = configFile ?? "config.json"
        if let name = configuration.secretsFile {
            let path =
                name.hasPrefix("/")
                ? name : ((config as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
            let permissions = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            if let permissions, permissions & 0o077 != 0 {
                throw ConfigurationError(
                    file: path, key: "",
                    reason: "may be read by others (mode \(String(permissions, radix: 8))); chmod 600 it")
            }
            fromFile = try decodeConfiguration(File.self, from: try readConfigurationFile(path), file: path).venues
        }
        var secrets: [VenueID: String] = [:]
        for name in needed {
            guard let venue = try? VenueID(name) else { continue }
            if let value = environment[variable(for: venue)], !value.isEmpty {
                secrets[venue] = value
            } else if let value = fromFile[name], !value.isEmpty {
                secrets[venue] = value
            } else {
                throw ConfigurationError(
                    file: config, key: "routing.venues.\(name).keyId",
                    reason:
                        "has no secret: set \(variable(for: venue)) or put it in the secrets file config.json names (secretsFile)"
                )
            }
        }
        return VenueSecrets(secrets)
    }
}
