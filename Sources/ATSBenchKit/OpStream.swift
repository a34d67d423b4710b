#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One record of the shared binary op-stream format (24 bytes, little-endian).
public struct Op: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        /// A GTC limit order.
        case add = 0
        /// An IOC limit order.
        case immediateOrCancel = 1
        /// A cancel of a live order.
        case cancel = 2
    }

    public var kind: Kind
    /// 0 buy, 1 sell; for a cancel, the target's side.
    public var side: UInt8
    /// The quantity of an add; 0 for a cancel.
    public var quantity: UInt32
    /// The new order's id for an add; the target's for a cancel.
    public var id: UInt64
    /// The limit price in ticks; for a cancel, the target's price.
    public var price: UInt64

    public init(kind: Kind, side: UInt8, quantity: UInt32, id: UInt64, price: UInt64) {
        self.kind = kind
        self.side = side
        self.quantity = quantity
        self.id = id
        self.price = price
    }
}

/// The 64-byte header: the record count, how many lead records are untimed prefill, and the results
/// a correct engine must reproduce over the whole stream.
public struct OpStreamHeader: Sendable, Hashable {
    public var count: UInt64
    public var prefill: UInt64
    public var expectedTrades: UInt64
    public var expectedVolume: UInt64
    public var expectedNotional: UInt64
    public var expectedResting: UInt64

    public init(
        count: UInt64, prefill: UInt64, expectedTrades: UInt64, expectedVolume: UInt64,
        expectedNotional: UInt64, expectedResting: UInt64
    ) {
        self.count = count
        self.prefill = prefill
        self.expectedTrades = expectedTrades
        self.expectedVolume = expectedVolume
        self.expectedNotional = expectedNotional
        self.expectedResting = expectedResting
    }
}

/// A whole op stream in memory (`OBOPS1`, see `docs/performance.md`).
public struct OpStream: Sendable {
    public static let magic: [UInt8] = Array("OBOPS1".utf8) + [0, 0]
    public static let headerSize = 64
    public static let recordSize = 24

    public var header: OpStreamHeader
    public var ops: [Op]

    public init(header: OpStreamHeader, ops: [Op]) {
        self.header = header
        self.ops = ops
    }

    /// Parses a stream, refusing a wrong magic, a truncated or oversized body, or an unknown op kind.
    public init(bytes: [UInt8], source: String = "stream") throws(OpStreamError) {
        guard bytes.count >= Self.headerSize else {
            throw OpStreamError("\(source): \(bytes.count) bytes is shorter than the 64-byte header")
        }
        guard Array(bytes[0..<8]) == Self.magic else {
            throw OpStreamError("\(source): not an op stream (the first 8 bytes are not \"OBOPS1\")")
        }
        func u64(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            return value
        }
        header = OpStreamHeader(
            count: u64(8), prefill: u64(16), expectedTrades: u64(24), expectedVolume: u64(32),
            expectedNotional: u64(40), expectedResting: u64(48))
        let body = bytes.count - Self.headerSize
        guard body % Self.recordSize == 0, UInt64(body / Self.recordSize) == header.count else {
            throw OpStreamError(
                "\(source): the header declares \(header.count) records but the body holds \(body) bytes (\(Double(body) / 24) records)"
            )
        }
        guard header.prefill <= header.count else {
            throw OpStreamError("\(source): prefill \(header.prefill) exceeds the record count \(header.count)")
        }
        var ops: [Op] = []
        ops.reserveCapacity(Int(header.count))
        for record in 0..<Int(header.count) {
            let base = Self.headerSize + record * Self.recordSize
            guard let kind = Op.Kind(rawValue: bytes[base]) else {
                throw OpStreamError("\(source): record \(record) has unknown kind \(bytes[base])")
            }
            guard bytes[base + 1] <= 1 else {
                throw OpStreamError("\(source): record \(record) has side \(bytes[base + 1]); expected 0 or 1")
            }
            let quantity =
                UInt32(bytes[base + 4]) | UInt32(bytes[base + 5]) << 8 | UInt32(bytes[base + 6]) << 16
                | UInt32(bytes[base + 7]) << 24
            ops.append(
                Op(kind: kind, side: bytes[base + 1], quantity: quantity, id: u64(base + 8), price: u64(base + 16)))
        }
        self.ops = ops
    }

    /// Reads and parses the file at `path`.
    public init(contentsOfFile path: String) throws(OpStreamError) {
        try self.init(bytes: try readFile(path), source: path)
    }

    /// The stream's exact bytes.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + ops.count * Self.recordSize)
        func put(_ value: UInt64) {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        }
        bytes += Self.magic
        for value in [
            header.count, header.prefill, header.expectedTrades, header.expectedVolume,
            header.expectedNotional, header.expectedResting, 0,
        ] { put(value) }
        for op in ops {
            bytes.append(op.kind.rawValue)
            bytes.append(op.side)
            bytes += [0, 0]
            for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: op.quantity >> (8 * UInt32(i)))) }
            put(op.id)
            put(op.price)
        }
        return bytes
    }

    /// Writes the stream to `path`.
    public func write(toFile path: String) throws(OpStreamError) {
        let bytes = serialized()
        guard let file = fopen(path, "wb") else {
            throw OpStreamError("\(path): cannot open for writing (errno \(errno))")
        }
        defer { fclose(file) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw OpStreamError("\(path): wrote \(written) of \(bytes.count) bytes") }
    }
}

/// A malformed or unreadable op stream.
public struct OpStreamError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

func readFile(_ path: String) throws(OpStreamError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw OpStreamError("\(path): cannot open (errno \(errno))") }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    guard size >= 0 else { throw OpStreamError("\(path): cannot tell its size") }
    var bytes = [UInt8](repeating: 0, count: size)
    let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, file) }
    guard read == size else { throw OpStreamError("\(path): read \(read) of \(size) bytes") }
    return bytes
}
