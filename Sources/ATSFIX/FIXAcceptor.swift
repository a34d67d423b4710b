import ATSDomain
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One TCP connection a session owns while it is logged on: framed messages written in the order
/// they are given (the caller numbers them first), and closed on demand.
public final class FIXConnection: Sendable {
    private let channel: any Channel
    /// The peer's address, for logs.
    public let remote: String

    init(channel: any Channel) {
        self.channel = channel
        self.remote = channel.remoteAddress?.description ?? "?"
    }

    /// Writes `message` framed. Writes are queued on the channel in call order, so messages
    /// numbered in order leave in order.
    public func send(_ message: FIXMessage) {
        channel.writeAndFlush(channel.allocator.buffer(bytes: FIXCodec.encode(message)), promise: nil)
    }

    /// Writes raw bytes (tests and garbage on purpose only).
    public func sendRaw(_ bytes: [UInt8]) {
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Whether the peer reads what it is sent (false while NIO's outbound buffer is over its mark).
    public var isWritable: Bool { channel.isWritable }

    public func close() { channel.close(promise: nil) }
}

/// How long a connection may hold output for a peer that does not read: past `writeBufferHigh`
/// bytes waiting in the process, ``FIXConnection/isWritable`` is false; a session whose connection
/// stays so for `stalledPeerTimeout` (nil: its heartbeat interval) closes it (everything it sent is
/// kept and resent when the peer logs on again). A resend may go over the mark for a moment.
public struct FIXConnectionLimits: Sendable, Hashable {
    public var writeBufferHigh: Int
    public var writeBufferLow: Int
    public var stalledPeerTimeout: Duration?
    /// The socket's kernel send buffer (nil: the system's default), for tests.
    public var socketSendBuffer: Int?

    public init(
        writeBufferHigh: Int = 1 << 20, writeBufferLow: Int = 1 << 18, stalledPeerTimeout: Duration? = nil,
        socketSendBuffer: Int? = nil
    ) {
        self.writeBufferHigh = writeBufferHigh
        self.writeBufferLow = writeBufferLow
        self.stalledPeerTimeout = stalledPeerTimeout
        self.socketSendBuffer = socketSendBuffer
    }
}

/// A session the acceptor hands connections to, found by the Logon's CompIDs.
public protocol FIXEndpoint: Sendable {
    /// Takes `connection`; false when the session already has one (the new one is then closed).
    func attach(_ connection: FIXConnection) async -> Bool
    /// A frame from the connection, in the order received.
    func received(_ frame: Result<FIXMessage, FIXFrameError>, on connection: FIXConnection) async
    /// The connection closed.
    func detached(_ connection: FIXConnection) async
}

/// The sessions an acceptor serves.
public protocol FIXSessionDirectory: Sendable {
    /// The session whose own CompID is `ours` and whose peer is `theirs`, if configured.
    func endpoint(ours: String, theirs: String) -> (any FIXEndpoint)?
}

/// A FIX acceptor over SwiftNIO TCP: each connection's first frame must be a Logon naming a
/// configured session; frames are cut by ``FIXFramer`` and handed to that session in order.
public final class FIXAcceptor: Sendable {
    public let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let serverChannel: any Channel
    private let directory: any FIXSessionDirectory
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// Listens on `host:port` (0: a free port), each connection held to `limits`.
    public static func start(
        host: String = "127.0.0.1", port: Int, directory: any FIXSessionDirectory,
        limits: FIXConnectionLimits = FIXConnectionLimits(), logger: Logger
    ) async throws -> FIXAcceptor {
        var bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(
                .writeBufferWaterMark, value: .init(low: limits.writeBufferLow, high: limits.writeBufferHigh))
        if let size = limits.socketSendBuffer {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(size))
        }
        let server =
            try await bootstrap
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let acceptor = FIXAcceptor(server: server, directory: directory, logger: logger)
        acceptor.task.withLock { $0 = Task { await acceptor.accept() } }
        return acceptor
    }

    private init(
        server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, directory: any FIXSessionDirectory,
        logger: Logger
    ) {
        self.server = server
        self.serverChannel = server.channel
        self.port = server.channel.localAddress?.port ?? 0
        self.directory = directory
        self.logger = logger
    }

    /// Stops listening and closes every connection.
    public func stop() async {
        try? await serverChannel.close()
        let open = connections.withLock { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
        let running = task.withLock { $0 }
        running?.cancel()
        await running?.value
    }

    private func accept() async {
        await withDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            } catch {
                // The listener closed (stop).
            }
            group.cancelAll()
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        connections.withLock { $0[ObjectIdentifier(channel)] = channel }
        defer { _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
        let link = FIXConnection(channel: channel)
        var endpoint: (any FIXEndpoint)?
        do {
            try await connection.executeThenClose { inbound, _ in
                var framer = FIXFramer()
                for try await buffer in inbound {
                    framer.append(buffer.readableBytesView)
                    while let frame = framer.next() {
                        if endpoint == nil {
                            guard let found = await first(frame, link) else { return }
                            endpoint = found
                        }
                        await endpoint?.received(frame, on: link)
                    }
                    if framer.pending > FIXCodec.maximumBodyLength * 2 { return }
                }
            }
        } catch {
            logger.debug("fix connection ended", metadata: ["remote": "\(link.remote)", "error": "\(error)"])
        }
        if let endpoint { await endpoint.detached(link) }
    }

    /// The session a connection's first frame logs on to: a Logon naming a configured pair whose
    /// session is not connected elsewhere; otherwise a Logout saying why, and the connection closed.
    private func first(_ frame: Result<FIXMessage, FIXFrameError>, _ link: FIXConnection) async -> (any FIXEndpoint)? {
        guard case .success(let logon) = frame, logon.msgType == FIXMsgType.logon,
            let theirs = logon[FIXTag.senderCompID], let ours = logon[FIXTag.targetCompID]
        else {
            logger.notice(
                "fix connection refused: the first message is not a Logon", metadata: ["remote": "\(link.remote)"])
            link.close()
            return nil
        }
        guard let endpoint = directory.endpoint(ours: ours, theirs: theirs) else {
            refuse(link, ours: ours, theirs: theirs, "unknown CompID pair \(theirs) -> \(ours)")
            return nil
        }
        guard await endpoint.attach(link) else {
            refuse(link, ours: ours, theirs: theirs, "session \(theirs) -> \(ours) is already logged on")
            return nil
        }
        return endpoint
    }

    /// A Logout naming why, to a peer with no session here (numbered 1: nothing of ours counts it).
    private func refuse(_ link: FIXConnection, ours: String, theirs: String, _ text: String) {
        logger.notice("fix logon refused", metadata: ["remote": "\(link.remote)", "reason": "\(text)"])
        link.send(
            FIXMessage(fields: [
                FIXField(FIXTag.msgType, FIXMsgType.logout), FIXField(FIXTag.senderCompID, ours),
                FIXField(FIXTag.targetCompID, theirs), FIXField(FIXTag.msgSeqNum, "1"),
                FIXField(FIXTag.sendingTime, FIXTime.format(SystemClock().now())), FIXField(FIXTag.text, text),
            ]))
        link.close()
    }
}
