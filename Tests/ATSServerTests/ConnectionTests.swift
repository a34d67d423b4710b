import ATSAssembly
import ATSServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The served API on a real socket, spoken to byte by byte: what a client that stops half way, or
/// spells a path to dodge the key check, meets.
@Suite(.serialized) struct ConnectionTests {
    /// A blocking TCP connection to 127.0.0.1:`port` with a receive timeout.
    final class RawConnection {
        let socket: Int32

        init(port: Int, receiveTimeout seconds: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(socket) }

        func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

        /// Everything until the peer closes (""), or nil when the receive timed out with the connection still open.
        func readToClose() -> String? {
            var received = Data()
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return String(decoding: received, as: UTF8.self) }
                if count < 0 {
                    return errno == EAGAIN || errno == EWOULDBLOCK ? nil : String(decoding: received, as: UTF8.self)
                }
                received.append(contentsOf: buffer[0..<count])
            }
        }
    }

    static func serving(idleTimeout: Duration, _ body: (Int) async throws -> Void) async throws {
        let catalog = try Repository.catalog()
        var options = RouterRuntime.Options(
            dataDirectory: NSTemporaryDirectory() + "ats-connection-test-" + UUID().uuidString)
        options.stepInterval = nil
        options.idleTimeout = idleTimeout
        let runtime = try await RouterRuntime.start(
            catalog: catalog, configuration: try Repository.configuration(catalog), options: options)
        try await runtime.serving { url in try await body(Int(url.split(separator: ":").last!)!) }
    }

    @Test func halfSentAndIdleConnectionsAreClosed() async throws {
        try await Self.serving(idleTimeout: .milliseconds(500)) { port in
            let idle = try RawConnection(port: port, receiveTimeout: 5)
            let half = try RawConnection(port: port, receiveTimeout: 5)
            half.send(
                "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"symbol\":"
            )
            let headOnly = try RawConnection(port: port, receiveTimeout: 5)
            headOnly.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            let started = ContinuousClock.now
            // Each is closed by the server well before the client's own 5 s receive timeout.
            for connection in [idle, half, headOnly] { #expect(connection.readToClose() != nil) }
            #expect(ContinuousClock.now - started < .seconds(4))
            // A connection that does send a whole request is answered (given time: the suite loads two cores).
            let whole = try RawConnection(port: port, receiveTimeout: 30)
            whole.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(whole.readToClose()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    @Test func aPathSpeltToDodgeTheKeyIsStillChecked() async throws {
        try await Self.serving(idleTimeout: .seconds(10)) { port in
            for path in [
                "//v1/orders", "//v1/positions", "//v1/settlements", "//v1/reports", "/v1//venues", "//v1/book/ACME",
            ] {
                let connection = try RawConnection(port: port, receiveTimeout: 10)
                connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let reply = connection.readToClose() ?? ""
                #expect(
                    reply.hasPrefix("HTTP/1.1 401") && reply.contains(#""code":"unauthorized""#),
                    "\(path): \(reply.prefix(200))")
            }
            // And the server is alive after all of them.
            let health = try RawConnection(port: port, receiveTimeout: 10)
            health.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(health.readToClose()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    @Test func aRequestTheHTTPLayerCannotReadGetsTheJSONErrorBody() async throws {
        try await Self.serving(idleTimeout: .seconds(10)) { port in
            for request in [
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Huge: " + String(repeating: "a", count: 200_000) + "\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost x no colon\r\n\r\n",
            ] {
                let connection = try RawConnection(port: port, receiveTimeout: 10)
                connection.send(request)
                let reply = connection.readToClose() ?? ""
                #expect(
                    reply.hasPrefix("HTTP/1.1 400") && reply.contains(#""code":"malformed_request""#)
                        && reply.lowercased().contains("content-type: application/json"), "\(reply.prefix(300))")
            }
            let health = try RawConnection(port: port, receiveTimeout: 10)
            health.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(health.readToClose()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }
}
