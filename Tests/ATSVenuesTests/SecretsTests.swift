import ATSDomain
import Foundation
import Testing

@testable import ATSVenues

/// API keys are kept as digests, and venue secrets come from the environment or an owner-only
/// secrets file, never from `config.json`.
@Suite struct SecretsTests {
    @Test func aDigestReadsOnlyAsSha256AndHexAndComparesWholly() throws {
        var random = SplitMix64(seed: 41)
        for _ in 0..<2_000 {
            let bytes = (0..<32).map { _ in UInt8(random.below(256)) }
            let digest = APIKeyDigest(bytes: bytes)
            #expect(APIKeyDigest(digest.description) == digest)
            #expect(digest.matches(bytes))
            var other = bytes
            other[random.below(32)] ^= UInt8(1 + random.below(255))
            #expect(!digest.matches(other))
            #expect(!digest.matches(Array(bytes.prefix(31))))
        }
        for text in [
            "ak-alice-7f3c9e21b8d44a10", "sha256:", "sha256:" + String(repeating: "A", count: 64),
            "sha256:" + String(repeating: "0", count: 63), "sha512:" + String(repeating: "0", count: 64),
        ] {
            #expect(APIKeyDigest(text) == nil, "\(text)")
        }
    }

    func configuration(_ venues: [String: RoutingSettings.Endpoint], secretsFile: String? = nil) throws
        -> RouterConfiguration
    {
        var configuration = try Repository.configuration()
        var routing = configuration.routingSettings
        routing.venues = venues
        configuration.routing = routing
        configuration.secretsFile = secretsFile
        return configuration
    }

    @Test func aVenueSecretComesFromTheEnvironmentElseTheOwnerOnlyFile() throws {
        let folder = try TemporaryDirectory()
        let configFile = folder.path + "/config.json"
        try folder.write("secrets.json", #"{"venues": {"tzero": "from-file", "archax": "archax-file"}}"#)
        chmod(folder.path + "/secrets.json", 0o600)
        let venues = [
            "tzero": RoutingSettings.Endpoint(url: "http://127.0.0.1:9", keyId: "k1"),
            "archax": RoutingSettings.Endpoint(url: "http://127.0.0.1:8", keyId: "k2"),
            "texture": RoutingSettings.Endpoint(url: "http://127.0.0.1:7"),  // demo credentials: no secret needed
        ]
        let configuration = try configuration(venues, secretsFile: "secrets.json")
        let tzero = try VenueID("tzero")
        let archax = try VenueID("archax")
        let fromFile = try VenueSecrets.load(for: configuration, configFile: configFile, environment: [:])
        #expect(fromFile[tzero] == "from-file" && fromFile[archax] == "archax-file")
        #expect(!fromFile.description.contains("from-file"))
        let fromEnvironment = try VenueSecrets.load(
            for: configuration, configFile: configFile,
            environment: [VenueSecrets.variable(for: tzero): "from-env"])
        #expect(fromEnvironment[tzero] == "from-env" && fromEnvironment[archax] == "archax-file")
        #expect(VenueSecrets.variable(for: tzero) == "ATS_ROUTER_VENUE_SECRET_TZERO")
        // A file others may read is refused, naming it.
        chmod(folder.path + "/secrets.json", 0o644)
        let exposed = try #require(throws: ConfigurationError.self) {
            try VenueSecrets.load(for: configuration, configFile: configFile, environment: [:])
        }
        #expect(exposed.file.hasSuffix("secrets.json") && exposed.reason.contains("chmod 600"), "\(exposed)")
        // A venue with a key and no secret anywhere is refused, naming the venue.
        let missing = try #require(throws: ConfigurationError.self) {
            try VenueSecrets.load(
                for: try self.configuration(venues), configFile: configFile,
                environment: [VenueSecrets.variable(for: tzero): "x"])
        }
        #expect(missing.key == "routing.venues.archax.keyId", "\(missing)")
        #expect(missing.reason.contains("ATS_ROUTER_VENUE_SECRET_ARCHAX"))
    }

    @Test func aSecretInConfigJsonIsRefusedSayingWhereItBelongs() throws {
        let original = try String(contentsOfFile: Repository.configFile, encoding: .utf8)
        let changed = original.replacingOccurrences(
            of: "\"venues\": {}", with: #""venues": {"tzero": {"url": "http://127.0.0.1:9", "secret": "hunter2"}}"#)
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfiguration.load(Data(changed.utf8), file: "config.json", venues: try Repository.catalog())
        }
        #expect(error.key == "routing.venues.tzero.secret")
        #expect(error.reason.contains("ATS_ROUTER_VENUE_SECRET_") && !error.description.contains("hunter2"))
    }
}
