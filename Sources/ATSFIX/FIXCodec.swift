/// The FIX tag=value frame: `8=FIX.4.4␁9=<BodyLength>␁ … 10=<CheckSum>␁`, where BodyLength counts
/// the bytes from after its own SOH to the SOH before `10=`, and CheckSum is the sum of every byte
/// before `10=` modulo 256, written as three digits.
public enum FIXCodec {
    public static let soh: UInt8 = 0x01
    public static let beginString = "FIX.4.4"
    /// The largest body a peer may send: a longer BodyLength is garbled, not waited for.
    public static let maximumBodyLength = 65_536

    /// `message` framed: BeginString, BodyLength, its fields, CheckSum.
    /// - Complexity: O(n) in the message's length.
    public static func encode(_ message: FIXMessage) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(message.fields.count * 12)
        for field in message.fields {
            body.append(contentsOf: String(field.tag).utf8)
            body.append(UInt8(ascii: "="))
            body.append(contentsOf: field.value.utf8)
            body.append(soh)
        }
        var out: [UInt8] = Array("8=\(beginString)\u{01}9=\(body.count)\u{01}".utf8)
        out.append(contentsOf: body)
        let sum = checksum(out[...])
        out.append(contentsOf: "10=\(threeDigits(sum))\u{01}".utf8)
        return out
    }

    /// The sum of `bytes` modulo 256.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> Int {
        var sum = 0
        for byte in bytes { sum &+= Int(byte) }
        return sum & 0xFF
    }

    static func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    /// The fields of one frame's body (between BodyLength and CheckSum): tag=value pairs, each
    /// ended by SOH; a tag is a positive number without leading zeros, a value is not empty.
    /// - Throws: ``FIXFrameError/malformedField`` naming the offending pair.
    public static func fields(_ body: ArraySlice<UInt8>) throws(FIXFrameError) -> [FIXField] {
        var fields: [FIXField] = []
        var start = body.startIndex
        while start < body.endIndex {
            guard let end = body[start...].firstIndex(of: soh) else {
                throw .malformedField(String(decoding: body[start...].prefix(40), as: UTF8.self), "not ended by SOH")
            }
            let pair = body[start..<end]
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                throw .malformedField(String(decoding: pair.prefix(40), as: UTF8.self), "no '='")
            }
            let tagBytes = pair[pair.startIndex..<equals]
            guard !tagBytes.isEmpty, tagBytes.count <= 9, tagBytes.first != UInt8(ascii: "0"),
                tagBytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let tag = Int(String(decoding: tagBytes, as: UTF8.self))
            else {
                throw .malformedField(String(decoding: pair.prefix(40), as: UTF8.self), "the tag is not a number")
            }
            let value = pair[(equals + 1)...]
            guard !value.isEmpty else { throw .emptyValue(tag) }
            fields.append(FIXField(tag, String(decoding: value, as: UTF8.self)))
            start = end + 1
        }
        return fields
    }
}

/// Why bytes are not a FIX message. A frame that cannot be trusted (`garbled`) is dropped without
/// an answer, as FIX requires, and its sequence number is not consumed; a frame whose fields are
/// wrong is answered with a session Reject.
public enum FIXFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a frame: no BeginString, a bad BodyLength, a CheckSum that does not match.
    case garbled(String)
    /// A tag=value pair that cannot be read.
    case malformedField(String, String)
    /// A tag without a value.
    case emptyValue(Int)
    /// A frame whose CheckSum holds but whose fields cannot all be read: answered with a Reject
    /// referring to its MsgSeqNum when that can be read.
    case unreadable(sequence: Int?, String)

    public var description: String {
        switch self {
        case .garbled(let reason): "garbled: \(reason)"
        case .malformedField(let pair, let reason): "malformed field \(pair): \(reason)"
        case .emptyValue(let tag): "tag \(tag) has no value"
        case .unreadable(_, let reason): reason
        }
    }
}

/// Cuts a byte stream into FIX frames: bytes are appended as they arrive, complete frames come
/// out; a garbled frame is reported and skipped up to the next `8=FIX`.
public struct FIXFramer: Sendable {
    private var buffer: [UInt8] = []
    private static let begin = Array("8=\(FIXCodec.beginString)\u{01}9=".utf8)

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The bytes not yet part of a complete frame.
    public var pending: Int { buffer.count }

    /// The next frame, if one is complete: its message, or why it was dropped.
    /// - Complexity: O(n) in the frame's length.
    public mutating func next() -> Result<FIXMessage, FIXFrameError>? {
        guard !buffer.isEmpty else { return nil }
        if !buffer.starts(with: Self.begin.prefix(min(buffer.count, Self.begin.count))) {
            let skipped = skipToNextBegin(from: 1)
            return .failure(.garbled("\(skipped) bytes before a BeginString 8=\(FIXCodec.beginString)"))
        }
        guard buffer.count > Self.begin.count else { return nil }
        guard let lengthEnd = buffer[Self.begin.count...].firstIndex(of: FIXCodec.soh) else {
            if buffer.count - Self.begin.count > 6 { return dropFrame("BodyLength is not a number") }
            return nil
        }
        let lengthText = String(decoding: buffer[Self.begin.count..<lengthEnd], as: UTF8.self)
        guard lengthText.count <= 6, lengthText.allSatisfy(\.isASCII), let length = Int(lengthText), length > 0,
            length <= FIXCodec.maximumBodyLength
        else { return dropFrame("BodyLength \(lengthText.prefix(12)) is not a length up to 65536") }
        let bodyStart = lengthEnd + 1
        let trailerStart = bodyStart + length
        guard buffer.count >= trailerStart + 7 else { return nil }
        let trailer = buffer[trailerStart..<(trailerStart + 7)]
        guard trailer.starts(with: Array("10=".utf8)), trailer.last == FIXCodec.soh,
            let declared = Int(String(decoding: trailer.dropFirst(3).dropLast(), as: UTF8.self))
        else { return dropFrame("no CheckSum where BodyLength \(length) ends") }
        let actual = FIXCodec.checksum(buffer[..<trailerStart])
        guard declared == actual else {
            return dropFrame("CheckSum \(declared) does not match the bytes' \(actual)")
        }
        let body = buffer[bodyStart..<trailerStart]
        let result: Result<FIXMessage, FIXFrameError>
        do throws(FIXFrameError) {
            result = .success(FIXMessage(fields: try FIXCodec.fields(body)))
        } catch {
            result = .failure(.unreadable(sequence: Self.sequenceNumber(in: body), error.description))
        }
        buffer.removeFirst(trailerStart + 7)
        return result
    }

    /// MsgSeqNum as far as it can be read from a body whose other fields cannot.
    static func sequenceNumber(in body: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(body)
        let key = Array("34=".utf8)
        for index in bytes.indices where index == 0 || bytes[index - 1] == FIXCodec.soh {
            guard bytes[index...].starts(with: key) else { continue }
            let digits = bytes[(index + key.count)...].prefix { $0 >= 48 && $0 <= 57 }
            return Int(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }

    private mutating func dropFrame(_ reason: String) -> Result<FIXMessage, FIXFrameError> {
        skipToNextBegin(from: 1)
        return .failure(.garbled(reason))
    }

    /// Drops bytes up to the next `8=FIX.4.4␁9=` at or after `from` (all of them if none), keeping
    /// a trailing part that may be the start of one.
    @discardableResult
    private mutating func skipToNextBegin(from: Int) -> Int {
        var index = from
        while index < buffer.count {
            let rest = buffer.count - index
            if buffer[index] == Self.begin[0],
                buffer[index..<(index + min(rest, Self.begin.count))].elementsEqual(Self.begin.prefix(rest))
            {
                break
            }
            index += 1
        }
        buffer.removeFirst(index)
        return index
    }
}
