import ATSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where a running router is and who is calling: `--server` and `--api-key`, or the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "The router's URL (default: ATS_ROUTER_URL, else http://127.0.0.1:8080).") var server: String?
    @Option(help: "Your API key (default: ATS_ROUTER_API_KEY).") var apiKey: String?

    var url: String {
        (server ?? ProcessInfo.processInfo.environment["ATS_ROUTER_URL"] ?? "http://127.0.0.1:8080")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    /// Whether a server was named (an option or the environment): commands that also work offline
    /// (`book`, `venues`) talk to it only then.
    var isGiven: Bool { server != nil || ProcessInfo.processInfo.environment["ATS_ROUTER_URL"] != nil }

    func client() throws -> RouterClient {
        guard let key = apiKey ?? ProcessInfo.processInfo.environment["ATS_ROUTER_API_KEY"], !key.isEmpty else {
            throw ValidationError("an API key is needed: --api-key KEY or ATS_ROUTER_API_KEY")
        }
        guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil
        else {
            throw ValidationError("--server must be a URL such as http://127.0.0.1:8080, not \(url)")
        }
        return RouterClient(base: url, apiKey: key)
    }
}

/// A failed call to the router, with the exit code the command ends with:
/// 1 the router refused the request (4xx), 3 the router could not be reached or failed (5xx).
struct ClientFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    var description: String { message }
}

/// The router's API over HTTP, for the CLI's client commands.
struct RouterClient {
    let base: String
    let apiKey: String

    /// One client for the process; a router that refuses the connection is reported at once
    /// (no retrying the connection until the request's deadline).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(3)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Sends a request without a body and decodes a 2xx reply as `T`, or throws ``ClientFailure``
    /// with the router's error code and message.
    func call<T: Decodable>(_ method: HTTPMethod, _ path: String, as type: T.Type) async throws -> T {
        try decode(T.self, try await send(method, path, body: nil))
    }

    /// Sends `body` as JSON and decodes a 2xx reply as `T`.
    func call<Body: Encodable, T: Decodable>(_ method: HTTPMethod, _ path: String, body: Body, as type: T.Type)
        async throws -> T
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try decode(T.self, try await send(method, path, body: try encoder.encode(body)))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ClientFailure(message: "error: the router's reply does not read as \(T.self): \(error)", exitCode: 3)
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> Data {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await Self.http.execute(request, timeout: .seconds(40))
            data = Data((try await response.body.collect(upTo: 16 * 1024 * 1024)).readableBytesView)
        } catch {
            throw ClientFailure(message: "error: cannot reach the router at \(base): \(error)", exitCode: 3)
        }
        guard (200..<300).contains(response.status.code) else {
            let detail = (try? JSONDecoder().decode(APIViews.ErrorBody.self, from: data))?.error
            let code = detail?.code ?? "http_\(response.status.code)"
            let message = detail?.message ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw ClientFailure(message: "error: \(code): \(message)", exitCode: response.status.code >= 500 ? 3 : 1)
        }
        return data
    }
}

/// Runs a client command's body, turning a ``ClientFailure`` into its message on stderr and its exit code.
func runClient(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as ClientFailure {
        FileHandle.standardError.write(Data((failure.message + "\n").utf8))
        throw ExitCode(failure.exitCode)
    }
}

/// Sorted, pretty JSON of a view (`--json`).
func printEncoded<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
}
