import ATSDomain
import ATSFIX
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A bare FIX initiator for the gateway's tests: it numbers what it sends, hands back every frame
/// received, and can send any bytes at all. The proof against an engine we did not write is
/// `scripts/fix-peer` (QuickFIX) in `FIXQuickFIXTests`.
final class FIXTestClient: Sendable {
    let sender: String
    let target: String
    private let channel: any Channel
    /// Frames received and not yet taken, and whether the connection closed.
    private let frames: FrameQueue
    private let task: Task<Void, Never>
    let nextSequence: Mutex<Int>

    init(port: Int, sender: String = "ALICE-OMS", target: String = "ATSROUTER", firstSequence: Int = 1) async throws {
        self.sender = sender
        self.target = target
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        channel = connection.channel
        nextSequence = Mutex(firstSequence)
        let frames = FrameQueue()
        self.frames = frames
        task = Task {
            try? await connection.executeThenClose { input, _ in
                var framer = FIXFramer()
                for try await buffer in input {
                    framer.append(buffer.readableBytesView)
                    while let frame = framer.next() { frames.state.withLock { $0.queue.append(frame) } }
                }
            }
            frames.state.withLock { $0.closed = true }
        }
    }

    /// Sends `type` with `body`, numbered and stamped; returns its sequence number.
    @discardableResult
    func send(_ type: String, _ body: [FIXField] = [], possDup: Bool = false, sequence: Int? = nil) -> Int {
        let number =
            sequence
            ?? nextSequence.withLock { next in
                defer { next += 1 }
                return next
            }
        var fields = [
            FIXField(35, type), FIXField(49, sender), FIXField(56, target), FIXField(34, String(number)),
            FIXField(52, FIXTime.format(SystemClock().now())),
        ]
        if possDup { fields.insert(FIXField(43, "Y"), at: 4) }
        sendRaw(FIXCodec.encode(FIXMessage(fields: fields + body)))
        return number
    }

    func sendRaw(_ bytes: [UInt8]) { channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil) }

    /// The API keys the bundled configuration's sessions log on with (Password 554).
    static let passwords = [
        "ALICE-OMS": "ak-alice-7f3c9e21b8d44a10", "BOB-OMS": "ak-bob-2d8e41c06a9b5f37",
        "COMPLIANCE": "ak-compliance-5e0d3b7a9c1f4826",
    ]

    func logon(heartbeat: Int = 30, reset: Bool = false, password: String? = nil) {
        var body = [FIXField(98, "0"), FIXField(108, String(heartbeat))] + (reset ? [FIXField(141, "Y")] : [])
        if let password = password ?? Self.passwords[sender] { body.append(FIXField(554, password)) }
        send("A", body)
    }

    /// A NewOrderSingle.
    @discardableResult
    func order(
        _ clOrdID: String, side: String = "1", quantity: String, price: String? = "10.50", tif: String = "3",
        symbol: String = "ACME", extra: [FIXField] = []
    ) -> Int {
        var body = [FIXField(11, clOrdID), FIXField(55, symbol), FIXField(54, side), FIXField(38, quantity)]
        body.append(FIXField(40, price == nil ? "1" : "2"))
        if let price { body.append(FIXField(44, price)) }
        body += [FIXField(59, tif), FIXField(60, FIXTime.format(SystemClock().now()))] + extra
        return send("D", body)
    }

    /// The next frame, or nil when none comes within `timeout` or the connection closed.
    func next(timeout: Duration = .seconds(15)) async -> Result<FIXMessage, FIXFrameError>? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (frame, closed) = frames.state.withLock { state in
                (state.queue.isEmpty ? nil : state.queue.removeFirst(), state.closed)
            }
            if let frame { return frame }
            if closed { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Whether the gateway closed the connection (waiting up to `timeout`).
    func isClosed(within timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if frames.state.withLock({ $0.closed }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Messages until one satisfies `stop` (inclusive), answering TestRequests on the way.
    func until(timeout: Duration = .seconds(20), _ stop: (FIXMessage) -> Bool) async throws -> [FIXMessage] {
        var seen: [FIXMessage] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let frame = await next(timeout: deadline - ContinuousClock.now) else { break }
            let message = try frame.get()
            seen.append(message)
            if ProcessInfo.processInfo.environment["FIX_TEST_TRACE"] != nil {
                print(
                    "<- \(sender)@\(ObjectIdentifier(self).hashValue % 1000) stop=\(stop(message)) type=[\(message.msgType)] \(message)"
                )
            }
            if message.msgType == "1", let id = message[112] { send("0", [FIXField(112, id)]) }
            if stop(message) { return seen }
        }
        if ProcessInfo.processInfo.environment["FIX_TEST_TRACE"] != nil {
            print(
                "-- \(sender)@\(ObjectIdentifier(self).hashValue % 1000) gave up: closed \(frames.state.withLock { $0.closed })"
            )
        }
        throw FIXTestFailure("no awaited message within \(timeout); saw \(seen.map(\.description))")
    }

    func close() async {
        channel.close(promise: nil)
        await task.value
    }
}

/// Frames received and not yet taken, and whether the connection closed.
final class FrameQueue: Sendable {
    let state = Mutex<(queue: [Result<FIXMessage, FIXFrameError>], closed: Bool)>(([], false))
}

struct FIXTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A FIX peer that connects, writes, and never reads (its receive buffer as small as asked).
final class SilentFIXPeer: Sendable {
    let descriptor: Int32

    init(port: Int, receiveBuffer: Int32) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size = receiveBuffer
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw FIXTestFailure("could not connect to \(port)") }
    }

    func write(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } }

    func close() { _ = Glibc.close(descriptor) }
}
