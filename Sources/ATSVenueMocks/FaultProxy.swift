import NIOCore
import NIOPosix
import Synchronization

/// What ``FaultProxy`` does to the traffic through it.
public enum ProxyFault: Sendable, Hashable, CustomStringConvertible {
    /// Bytes pass both ways untouched.
    case none
    /// The request reaches the venue; each chunk of the reply is held this long first.
    case delay(Duration)
    /// The request reaches the venue; the connection is reset (RST) when its reply starts.
    case reset
    /// Requests are swallowed: nothing reaches the venue and nothing comes back.
    case blackHole
    /// The proxy answers `500 Internal Server Error` itself; nothing reaches the venue.
    case serverError
    /// The request reaches the venue; bytes that are not HTTP come back instead of its reply.
    case garbage
    /// The request reaches the venue; its reply's head comes back at once, then its body one
    /// byte every interval (the client sees a live, answering venue that never finishes).
    case trickle(Duration)

    public var description: String {
        switch self {
        case .none: "none"
        case .delay(let duration): "delay \(duration)"
        case .reset: "reset"
        case .blackHole: "black hole"
        case .serverError: "500s"
        case .garbage: "garbage"
        case .trickle(let interval): "trickle every \(interval)"
        }
    }
}

/// A loopback TCP proxy in front of one venue that injects network faults: replies late, reset,
/// swallowed, replaced by 500s or by garbage, or trickled a byte at a time. It works below HTTP,
/// so the router's client meets the faults exactly as a slow or broken network would show them.
/// Changing the fault closes every open connection, as a network change drops pooled ones.
public final class FaultProxy: Sendable {
    /// The port the proxy listens on (127.0.0.1).
    public let port: Int
    private let upstreamHost: String
    private let upstreamPort: Int
    private let current = Mutex(ProxyFault.none)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let serverChannel: any Channel
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Requests that reached the venue through the proxy.
    private let forwarded = Atomic<Int>(0)

    /// Starts a proxy on a free loopback port forwarding to `host:port`.
    public static func start(upstreamHost host: String = "127.0.0.1", upstreamPort port: Int) async throws -> FaultProxy
    {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let proxy = FaultProxy(server: server, upstreamHost: host, upstreamPort: port)
        proxy.task.withLock { $0 = Task { await proxy.accept() } }
        return proxy
    }

    private init(
        server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, upstreamHost: String, upstreamPort: Int
    ) {
        self.server = server
        serverChannel = server.channel
        port = server.channel.localAddress?.port ?? 0
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
    }

    /// The base URL to give the router instead of the venue's.
    public var url: String { "http://127.0.0.1:\(port)" }

    public var fault: ProxyFault { current.withLock { $0 } }

    /// How many chunks of request bytes reached the venue.
    public var forwardedChunks: Int { forwarded.load(ordering: .relaxed) }

    /// Switches the fault and drops every open connection.
    public func set(_ fault: ProxyFault) {
        current.withLock { $0 = fault }
        let open = connections.withLock { connections in
            defer { connections.removeAll() }
            return Array(connections.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Stops listening and drops every connection.
    public func stop() async {
        set(.none)
        try? await serverChannel.close()
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

    private func track(_ channel: any Channel) { connections.withLock { $0[ObjectIdentifier(channel)] = channel } }
    private func untrack(_ channel: any Channel) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// One client connection: a connection to the venue beside it, bytes pumped both ways under the fault.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let front = connection.channel
        track(front)
        defer { untrack(front) }
        do {
            let upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: upstreamHost, port: upstreamPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            track(upstream.channel)
            defer { untrack(upstream.channel) }
            try await connection.executeThenClose { frontIn, frontOut in
                try await upstream.executeThenClose { backIn, backOut in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await chunk in frontIn {
                                switch self.fault {
                                case .blackHole:
                                    continue
                                case .serverError:
                                    let body = #"{"error":"injected by the fault proxy"}"#
                                    try await frontOut.write(
                                        ByteBuffer(
                                            string:
                                                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                                                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                                        ))
                                    return
                                default:
                                    self.forwarded.add(1, ordering: .relaxed)
                                    try await backOut.write(chunk)
                                }
                            }
                        }
                        group.addTask {
                            for try await chunk in backIn {
                                switch self.fault {
                                case .none, .blackHole, .serverError:
                                    try await frontOut.write(chunk)
                                case .delay(let duration):
                                    try await Task.sleep(for: duration)
                                    try await frontOut.write(chunk)
                                case .reset:
                                    // SO_LINGER 0: close sends RST instead of FIN.
                                    if let socket = front as? any SocketOptionProvider {
                                        try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                                    }
                                    return
                                case .garbage:
                                    try await frontOut.write(
                                        ByteBuffer(string: "\u{1}\u{2}garbage\u{7f} not HTTP at all \r\n\r\n"))
                                    return
                                case .trickle(let interval):
                                    var bytes = Array(chunk.readableBytesView)
                                    if let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                                        try await frontOut.write(ByteBuffer(bytes: bytes[..<end]))
                                        bytes.removeFirst(end)
                                    }
                                    for byte in bytes {
                                        try await Task.sleep(for: interval)
                                        try await frontOut.write(ByteBuffer(bytes: [byte]))
                                    }
                                }
                            }
                        }
                        // Either side ending (or a fault's own end) ends the connection.
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            }
        } catch {
            // A dropped connection (a fault switch, the client going away) ends it.
        }
        front.close(promise: nil)
    }
}
