import ATSDomain
import Foundation
import Testing

@testable import ATSVenues

/// An unknown key anywhere in `config.json` or a venue file is refused, naming the file and the
/// dotted key, with the key it most likely meant: the repository's files, each object in them
/// given a misspelt or stray key in turn, over thousands of seeded cases.
@Suite struct StrictConfigurationTests {
    /// Every object in a JSON document with its dotted path (`routing`, `accounts[2].holdings[0]`).
    static func objects(_ value: Any, at path: String = "") -> [(path: String, keys: [String])] {
        if let object = value as? [String: Any] {
            return [(path, object.keys.sorted())]
                + object.sorted { $0.key < $1.key }.flatMap {
                    objects($0.value, at: path.isEmpty ? $0.key : "\(path).\($0.key)")
                }
        }
        if let array = value as? [Any] {
            return array.enumerated().flatMap { objects($0.element, at: "\(path)[\($0.offset)]") }
        }
        return []
    }

    /// `document` with `key` set to `value` in the object at `path`.
    static func inserting(_ key: String, _ value: Any, at path: String, in document: Any) -> Any {
        func walk(_ node: Any, _ here: String) -> Any {
            if var object = node as? [String: Any] {
                if here == path { object[key] = value }
                for (name, child) in object where !(here == path && name == key) {
                    object[name] = walk(child, here.isEmpty ? name : "\(here).\(name)")
                }
                return object
            }
            if let array = node as? [Any] {
                return array.enumerated().map { walk($0.element, "\(here)[\($0.offset)]") }
            }
            return node
        }
        return walk(document, "")
    }

    /// A key one edit from `key`: a letter dropped, doubled or changed.
    static func misspelt(_ key: String, _ random: inout SplitMix64) -> String {
        var letters = Array(key)
        let at = random.below(letters.count)
        switch random.below(3) {
        case 0 where letters.count > 3: letters.remove(at: at)
        case 1: letters.insert(letters[at], at: at)
        default: letters[at] = letters[at] == "x" ? "q" : "x"
        }
        return String(letters)
    }

    @Test(arguments: ["config.json", "venues/tzero.json", "venues/texture.json", "venues/archax.json"])
    func everyObjectRefusesAKeyItDoesNotKnow(file: String) throws {
        let original = try Data(contentsOf: Repository.root.appendingPathComponent(file))
        let document = try JSONSerialization.jsonObject(with: original)
        // Objects keyed by venue id (an account's `kyc`, `routing.venues`) take any key as data;
        // that each is a venue is checked against the catalog after decoding (`validate`).
        let places = Self.objects(document).filter { !$0.path.hasSuffix(".kyc") && !$0.path.hasSuffix(".venues") }
        var random = SplitMix64(seed: UInt64(file.utf8.count))
        var cases = 0
        for place in places {
            for round in 0..<10 {
                let known = place.keys
                let key: String
                if round < 7, let base = known.isEmpty ? nil : known[random.below(known.count)] {
                    key = Self.misspelt(base, &random)
                } else {
                    key = "extra\(random.below(1_000))"
                }
                guard !known.contains(key) else { continue }
                let changed = Self.inserting(key, random.below(2) == 0 ? "1" : NSNull(), at: place.path, in: document)
                let data = try JSONSerialization.data(withJSONObject: changed)
                let error = try #require(
                    throws: ConfigurationError.self, "\(file) \(place.path).\(key) was accepted"
                ) {
                    try Self.load(file, data)
                }
                let expected = place.path.isEmpty ? key : "\(place.path).\(key)"
                #expect(error.file == file && error.key == expected, "\(error)")
                if let hint = error.reason.split(separator: "did you mean ").last.map({ String($0.dropLast(2)) }),
                    error.reason.contains("did you mean")
                {
                    #expect(editDistance(hint.lowercased(), key.lowercased()) <= 2, "\(error)")
                } else if round < 7 && key.count > 4 {
                    Issue.record("no hint for \(expected): \(error)")
                }
                cases += 1
            }
        }
        #expect(cases >= 100, "\(cases) cases")
    }

    static func load(_ file: String, _ data: Data) throws(ConfigurationError) {
        if file == "config.json" {
            _ = try decodeConfiguration(RouterConfiguration.self, from: data, file: file)
        } else {
            _ = try decodeConfiguration(VenueDefinition.self, from: data, file: file)
        }
    }

    @Test func theFilesAsShippedAreStrictlyValidAndAHintFindsALongerName() throws {
        _ = try Repository.configuration()
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.configFile))
        var document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var routing = try #require(document["routing"] as? [String: Any])
        routing["pollIntervalMs"] = 100
        document["routing"] = routing
        let changed = try JSONSerialization.data(withJSONObject: document)
        let error = try #require(throws: ConfigurationError.self) {
            try Self.load("config.json", changed)
        }
        #expect(error.key == "routing.pollIntervalMs")
        #expect(error.reason == "is not a known key (did you mean pollIntervalMilliseconds?)")
    }
}
