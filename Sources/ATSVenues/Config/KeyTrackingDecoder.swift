import Foundation

/// Finds the keys of a JSON document that the type decoding it never asked for.
///
/// A `Decoder` wrapped around JSONDecoder's own: each keyed container it hands out records the
/// keys the type asked for (`decode`, `decodeIfPresent`, `contains`), and the keys the document
/// has there. After decoding, a key the document has and the type never asked for is unknown —
/// a misspelt `pollIntervalMs`, a section `routng` — and is refused instead of being ignored while
/// the default applies. What the type asked for is what it knows, optional keys included, so the
/// hint offered is the closest of those.
final class KeyTracker: @unchecked Sendable {
    /// Per container (its dotted path): the keys the document has, and those the type asked for.
    /// Only touched from the one decode call that owns this tracker.
    private var present: [String: Set<String>] = [:]
    private var asked: [String: Set<String>] = [:]

    func saw(_ keys: [String], at path: String) { present[path, default: []].formUnion(keys) }
    func asked(_ key: String, at path: String) { asked[path, default: []].insert(key) }

    /// The first unknown key in document order of paths (sorted), with the closest known key at its place.
    func firstUnknown() -> (path: String, hint: String?)? {
        for (container, keys) in present.sorted(by: { $0.key < $1.key }) {
            let known = asked[container] ?? []
            guard let unknown = keys.subtracting(known).sorted().first else { continue }
            let full = container.isEmpty ? unknown : container + "." + unknown
            return (full, closest(to: unknown, among: known))
        }
        return nil
    }

    /// The known key `key` most likely stands for: the nearest by edit distance when near enough
    /// to be a misspelling (`routng`), else the one sharing the longest beginning with it when that
    /// is most of it (`pollIntervalMs` for `pollIntervalMilliseconds`).
    private func closest(to key: String, among known: Set<String>) -> String? {
        let lower = key.lowercased()
        let scored = known.sorted().map { ($0, editDistance(lower, $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) { return best.0 }
        let prefixes = known.sorted().map { ($0, zip(lower, $0.lowercased()).prefix { $0 == $1 }.count) }
        if let best = prefixes.max(by: { $0.1 < $1.1 }), best.1 >= max(4, key.count * 2 / 3) { return best.0 }
        return nil
    }
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Any string key, to list every key a JSON object has.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// Decodes `T` from `data`, and reports the first key the document has that `T` does not know.
func decodeTrackingKeys<T: Decodable>(_ type: T.Type, from data: Data) throws -> (T, (path: String, hint: String?)?) {
    let tracker = KeyTracker()
    let decoder = JSONDecoder()
    decoder.userInfo[trackerKey] = tracker
    let value = try decoder.decode(Tracked<T>.self, from: data).value
    return (value, tracker.firstUnknown())
}

private let trackerKey = CodingUserInfoKey(rawValue: "ats.keyTracker")!

/// The top-level value, decoded through a ``TrackingDecoder``.
private struct Tracked<T: Decodable>: Decodable {
    let value: T
    init(from decoder: any Decoder) throws {
        guard let tracker = decoder.userInfo[trackerKey] as? KeyTracker else {
            value = try T(from: decoder)
            return
        }
        value = try T(from: TrackingDecoder(inner: decoder, tracker: tracker))
    }
}

private func dotted(_ codingPath: [any CodingKey]) -> String { path(codingPath) }

private struct TrackingDecoder: Decoder {
    let inner: any Decoder
    let tracker: KeyTracker
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let container = try inner.container(keyedBy: type)
        if let all = try? inner.container(keyedBy: AnyKey.self) {
            tracker.saw(all.allKeys.map(\.stringValue), at: dotted(codingPath))
        }
        return KeyedDecodingContainer(TrackingKeyedContainer(inner: container, tracker: tracker))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        TrackingUnkeyedContainer(inner: try inner.unkeyedContainer(), tracker: tracker)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TrackingSingleValueContainer(inner: try inner.singleValueContainer(), decoder: self)
    }
}

/// Decodes a nested value through a tracking decoder over `superDecoder`, so its keys are tracked too.
private func nested<T: Decodable>(_ type: T.Type, _ decoder: () throws -> any Decoder, tracker: KeyTracker) throws -> T
{
    try T(from: TrackingDecoder(inner: try decoder(), tracker: tracker))
}

private struct TrackingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let inner: KeyedDecodingContainer<Key>
    let tracker: KeyTracker
    var codingPath: [any CodingKey] { inner.codingPath }
    var allKeys: [Key] { inner.allKeys }

    private func note(_ key: Key) { tracker.asked(key.stringValue, at: dotted(codingPath)) }

    func contains(_ key: Key) -> Bool {
        note(key)
        return inner.contains(key)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        note(key)
        return try inner.decodeNil(forKey: key)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        note(key)
        guard inner.contains(key) else { return try inner.decode(type, forKey: key) }  // its keyNotFound error
        return try nested(type, { try inner.superDecoder(forKey: key) }, tracker: tracker)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        note(key)
        guard inner.contains(key), try !inner.decodeNil(forKey: key) else { return nil }
        return try nested(type, { try inner.superDecoder(forKey: key) }, tracker: tracker)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        note(key)
        return try TrackingDecoder(inner: try inner.superDecoder(forKey: key), tracker: tracker).container(
            keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        note(key)
        return TrackingUnkeyedContainer(inner: try inner.nestedUnkeyedContainer(forKey: key), tracker: tracker)
    }

    func superDecoder() throws -> any Decoder { TrackingDecoder(inner: try inner.superDecoder(), tracker: tracker) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        note(key)
        return TrackingDecoder(inner: try inner.superDecoder(forKey: key), tracker: tracker)
    }
}

private struct TrackingUnkeyedContainer: UnkeyedDecodingContainer {
    var inner: any UnkeyedDecodingContainer
    let tracker: KeyTracker
    var codingPath: [any CodingKey] { inner.codingPath }
    var count: Int? { inner.count }
    var isAtEnd: Bool { inner.isAtEnd }
    var currentIndex: Int { inner.currentIndex }

    mutating func decodeNil() throws -> Bool { try inner.decodeNil() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try inner.superDecoder()
        return try T(from: TrackingDecoder(inner: decoder, tracker: tracker))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try TrackingDecoder(inner: try inner.superDecoder(), tracker: tracker).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        TrackingUnkeyedContainer(inner: try inner.nestedUnkeyedContainer(), tracker: tracker)
    }

    mutating func superDecoder() throws -> any Decoder {
        TrackingDecoder(inner: try inner.superDecoder(), tracker: tracker)
    }
}

private struct TrackingSingleValueContainer: SingleValueDecodingContainer {
    let inner: any SingleValueDecodingContainer
    let decoder: TrackingDecoder
    var codingPath: [any CodingKey] { inner.codingPath }

    func decodeNil() -> Bool { inner.decodeNil() }
    func decode(_ type: Bool.Type) throws -> Bool { try inner.decode(type) }
    func decode(_ type: String.Type) throws -> String { try inner.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try inner.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { try inner.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try inner.decode(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try inner.decode(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try inner.decode(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try inner.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try inner.decode(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try inner.decode(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try inner.decode(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try inner.decode(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try inner.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try inner.decode(type) }
    /// A value decoding itself from this one (a wrapper type): through the tracking decoder.
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
