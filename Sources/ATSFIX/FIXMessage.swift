/// One field of a FIX message: a tag and its value as the wire carries it (values stay text, so a
/// price or a quantity is read exactly, by the fixed-point types, where it is used).
public struct FIXField: Sendable, Hashable {
    public var tag: Int
    public var value: String

    public init(_ tag: Int, _ value: String) {
        self.tag = tag
        self.value = value
    }
}

/// A FIX message without its frame: `MsgType` (35) first, then the header and the body in the order
/// they were received or will be sent. BeginString (8), BodyLength (9) and CheckSum (10) belong to
/// the frame and are written and checked by ``FIXCodec``.
public struct FIXMessage: Sendable, Hashable, CustomStringConvertible {
    public var fields: [FIXField]

    public init(fields: [FIXField]) { self.fields = fields }

    /// A message of `type` with `body` after it (the session adds the header when it sends it).
    public init(_ type: String, _ body: [FIXField] = []) {
        self.fields = [FIXField(FIXTag.msgType, type)] + body
    }

    public var msgType: String { self[FIXTag.msgType] ?? "" }

    /// The first value of `tag`, if present.
    /// - Complexity: O(n) in the number of fields.
    public subscript(tag: Int) -> String? {
        fields.first { $0.tag == tag }?.value
    }

    /// Every value of `tag`, in order (a tag inside a repeating group occurs once per entry).
    public func values(_ tag: Int) -> [String] { fields.filter { $0.tag == tag }.map(\.value) }

    /// Sets `tag` to `value`: the first occurrence is replaced, else the field is appended.
    public mutating func set(_ tag: Int, _ value: String) {
        if let index = fields.firstIndex(where: { $0.tag == tag }) {
            fields[index].value = value
        } else {
            fields.append(FIXField(tag, value))
        }
    }

    /// A repeating group: the entries after its count field `countTag`, each starting with
    /// `firstTag` and holding the `members` that follow it (FIX requires the first member first
    /// in every entry, and the count to equal the entries).
    /// - Throws: ``FIXGroupError`` when the count is not a number or does not match the entries.
    public func group(_ countTag: Int, first firstTag: Int, members: Set<Int>) throws(FIXGroupError) -> [[FIXField]] {
        guard let start = fields.firstIndex(where: { $0.tag == countTag }) else { return [] }
        guard let count = Int(fields[start].value), count >= 0, count <= 1_000 else {
            throw FIXGroupError(tag: countTag, reason: "NumInGroup \(fields[start].value) is not a count")
        }
        var entries: [[FIXField]] = []
        var index = start + 1
        while index < fields.count {
            let field = fields[index]
            if field.tag == firstTag {
                entries.append([field])
            } else if members.contains(field.tag), !entries.isEmpty {
                entries[entries.count - 1].append(field)
            } else {
                break
            }
            index += 1
        }
        guard entries.count == count else {
            throw FIXGroupError(tag: countTag, reason: "NumInGroup says \(count) entries, \(entries.count) follow")
        }
        return entries
    }

    /// The message with `|` for SOH, as logs and tests show it.
    public var description: String { fields.map { "\($0.tag)=\($0.value)" }.joined(separator: "|") }
}

/// A repeating group whose count does not match its entries.
public struct FIXGroupError: Error, Sendable, Hashable {
    public var tag: Int
    public var reason: String
}
