/// A validated, string-backed identifier. Each kind is its own type so that an account id can
/// never be passed where a venue id is expected.
///
/// Accepted: 1 to `maximumLength` characters from `A–Z a–z 0–9 . _ - : /`.
public protocol StringIdentifier: Sendable, Hashable, Comparable, Codable, CodingKeyRepresentable,
    CustomStringConvertible
{
    static var kindName: String { get }
    static var maximumLength: Int { get }
    var rawValue: String { get }
    /// Wraps a string already validated by ``validate(_:)``.
    init(unchecked rawValue: String)
}

extension StringIdentifier {
    public static var maximumLength: Int { 64 }

    /// Validates and wraps `rawValue`.
    /// - Throws: ``IdentifierError`` naming the kind, the value and the rule it breaks.
    public init(_ rawValue: String) throws(IdentifierError) {
        try Self.validate(rawValue)
        self.init(unchecked: rawValue)
    }

    public static func validate(_ rawValue: String) throws(IdentifierError) {
        if rawValue.isEmpty {
            throw IdentifierError(kind: kindName, value: rawValue, reason: "it is empty")
        }
        if rawValue.utf8.count > maximumLength {
            throw IdentifierError(
                kind: kindName, value: rawValue, reason: "it is longer than \(maximumLength) characters")
        }
        for byte in rawValue.utf8 where !isIdentifierByte(byte) {
            let shown = byte < 0x80 ? "'\(Character(Unicode.Scalar(byte)))'" : "a non-ASCII character"
            throw IdentifierError(
                kind: kindName, value: rawValue,
                reason: "it contains \(shown); allowed are letters, digits and . _ - : /")
        }
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// As a dictionary key, encoded as a JSON object's member name.
    public var codingKey: any CodingKey { IdentifierKey(stringValue: rawValue) }

    public init?<T: CodingKey>(codingKey: T) {
        guard let value = try? Self(codingKey.stringValue) else { return nil }
        self = value
    }
}

private struct IdentifierKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

@inline(__always)
private func isIdentifierByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "/"):
        return true
    default:
        return false
    }
}

/// An identifier that did not validate.
public struct IdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    public let kind: String
    public let value: String
    public let reason: String
    public var message: String { "\(kind) \"\(value)\" is not valid: \(reason)" }
    public var description: String { message }
}

/// A trading venue (an ATS), such as `tzero` or `texture`.
public struct VenueID: StringIdentifier {
    public static let kindName = "venue id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// A security's trading symbol, such as `ACME` or `BUIDL`.
public struct Symbol: StringIdentifier {
    public static let kindName = "symbol"
    public static var maximumLength: Int { 32 }
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// An investor account at the broker-dealer.
public struct AccountID: StringIdentifier {
    public static let kindName = "account id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// The client's own reference for an order, used for idempotent submission.
public struct ClientOrderID: StringIdentifier {
    public static let kindName = "client order id"
    public let rawValue: String
    public init(unchecked rawValue: String) { self.rawValue = rawValue }
}

/// An order's identity in a book: a 64-bit number, assigned by whoever owns the book.
/// JSON carries it as a decimal string, so clients in any language keep every digit.
public struct OrderID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses a decimal string. - Throws: ``IdentifierError`` if it is not a whole number that fits 64 bits.
    public init(parsing text: String) throws(IdentifierError) {
        guard let value = UInt64(text), text.first != "+" else {
            throw IdentifierError(
                kind: "order id", value: text, reason: "it is not a whole number from 0 to \(UInt64.max)")
        }
        self.rawValue = value
    }

    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One execution (a fill between a maker and a taker) in a book.
public struct ExecutionID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: UInt64
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = UInt64(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "execution id \"\(text)\" is not a whole number"))
        }
        self.rawValue = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
