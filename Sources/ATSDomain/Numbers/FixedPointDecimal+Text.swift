extension FixedPointDecimal {
    /// Parses a plain decimal string: an optional `-`, digits, and optionally `.` followed by digits.
    ///
    /// Accepted: `"10"`, `"10.02"`, `"0.5"`, `"-3.25"` (for types that allow negatives), and trailing
    /// zeros beyond the scale (`"1.000000000"`). Refused, with the reason: an empty string, spaces,
    /// `+`, exponents, `".5"`, `"5."`, grouping separators, more significant decimals than the scale,
    /// values beyond `Int64` and negatives for types that forbid them.
    /// - Complexity: O(n) in the length of `text`.
    public init(_ text: some StringProtocol) throws(FixedPointError) {
        self = try Self.parse(Substring(text))
    }

    private static func parse(_ text: Substring) throws(FixedPointError) -> Self {
        let input = String(text)
        func fail(_ kind: FixedPointError.Kind) -> FixedPointError {
            FixedPointError(kind, type: typeName, input: input)
        }
        var utf8 = text.utf8[...]
        guard !utf8.isEmpty else { throw fail(.empty) }
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var magnitude: UInt64 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var overflow = false
        var offset = negative ? 1 : 0
        for byte in utf8 {
            defer { offset += 1 }
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw fail(.malformed(offset: offset, reason: "a second decimal point")) }
                guard integerDigits > 0 else {
                    throw fail(.malformed(offset: offset, reason: "no digit before the decimal point"))
                }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                let character = Character(Unicode.Scalar(byte))
                let shown = byte >= 0x20 && byte < 0x7F ? "'\(character)'" : "byte 0x\(String(byte, radix: 16))"
                throw fail(.malformed(offset: offset, reason: "unexpected \(shown)"))
            }
            let digit = UInt64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > scale {
                    // Digits beyond the scale are allowed only as trailing zeros.
                    guard digit == 0 else { throw fail(.tooManyDecimals(allowed: scale)) }
                    continue
                }
            } else {
                integerDigits += 1
            }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            magnitude = sum
        }
        if seenPoint && fractionDigits == 0 {
            throw fail(.malformed(offset: offset - 1, reason: "no digit after the decimal point"))
        }
        guard integerDigits > 0 else { throw fail(.malformed(offset: offset, reason: "no digits")) }
        // Scale up the digits that were given to the type's full scale.
        let missing = scale - min(fractionDigits, scale)
        let (scaled, o3) = magnitude.multipliedReportingOverflow(by: UInt64(powersOfTen[missing]))
        overflow = overflow || o3
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if overflow || scaled > limit { throw fail(.overflow) }
        if negative && scaled != 0 && !allowsNegative { throw fail(.negative) }
        let raw = negative ? Int64(truncatingIfNeeded: 0 &- scaled) : Int64(scaled)
        return Self(rawValue: raw)
    }

    /// The shortest exact decimal form: no exponent, no trailing zeros, no `.` for whole values.
    public var description: String { formatted(minimumFractionDigits: 0) }

    public var debugDescription: String { "\(Self.typeName)(\(description))" }

    /// The exact decimal form padded with zeros to at least `minimumFractionDigits` places,
    /// for display (`Money` as `"4008.00"`). It never rounds.
    public func formatted(minimumFractionDigits: Int) -> String {
        let unit = UInt64(Self.unit)
        let magnitude = rawValue.magnitude
        let whole = magnitude / unit
        var fraction = magnitude % unit
        var places = Self.scale
        while places > minimumFractionDigits && fraction % 10 == 0 && places > 0 {
            fraction /= 10
            places -= 1
        }
        var text = rawValue < 0 ? "-" : ""
        text += String(whole)
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }

    // MARK: Codable, as a decimal string

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "\(Self.typeName) must be a decimal string such as \"10.25\", not a JSON number or other type"))
        }
        do {
            self = try Self(text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
