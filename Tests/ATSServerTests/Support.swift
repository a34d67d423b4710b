import ATSAssembly
import ATSDomain
import ATSRouter
import ATSServer
import ATSVenues
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// The repository root, found from this file, for venues/ and config.json.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func catalog() throws -> VenueCatalog {
        try VenueCatalog.load(directory: root.appendingPathComponent("venues").path)
    }
    static func configuration(_ catalog: VenueCatalog) throws -> RouterConfiguration {
        try RouterConfiguration.load(from: root.appendingPathComponent("config.json").path, venues: catalog)
    }
}

enum Keys {
    static let alice = "ak-alice-7f3c9e21b8d44a10"
    static let bob = "ak-bob-2d8e41c06a9b5f37"
    static let carol = "ak-carol-91b5e7d24f0c8a63"
    /// The compliance officer's (config.json `complianceOfficers`).
    static let compliance = "ak-compliance-5e0d3b7a9c1f4826"
}

/// The router runtime (embedded mocks, a journal in a temporary folder) behind its API, called in process.
extension Repository {
    /// `config.json` with deadlines a loaded test machine keeps: a slow moment is not a failing
    /// venue or a stale book.
    static func tolerantConfiguration(_ catalog: VenueCatalog) throws -> RouterConfiguration {
        var configuration = try Repository.configuration(catalog)
        var settings = configuration.routingSettings
        settings.requestTimeoutMilliseconds = 5_000
        settings.stalenessLimitMilliseconds = 30_000
        configuration.routing = settings
        return configuration
    }
}

struct LiveAPI {
    let runtime: RouterRuntime

    static func with(_ body: @Sendable (LiveAPI, TestClientProtocol) async throws -> Void) async throws {
        let catalog = try Repository.catalog()
        var options = RouterRuntime.Options(dataDirectory: NSTemporaryDirectory() + "ats-api-test-" + UUID().uuidString)
        options.stepInterval = nil
        let configuration = try Repository.tolerantConfiguration(catalog)
        let runtime = try await RouterRuntime.start(catalog: catalog, configuration: configuration, options: options)
        _ = try await runtime.recover()
        let api = LiveAPI(runtime: runtime)
        let app = Application(router: RouterAPI.router(runtime))
        do {
            try await app.test(.router) { client in try await body(api, client) }
        } catch {
            await runtime.stop()
            throw error
        }
        await runtime.router.orders.drain(timeout: .seconds(5))
        await runtime.stop()
    }
}

struct Reply {
    var status: Int
    var json: Any?
    var headers: HTTPFields
    var text: String
    var errorCode: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["field"] as? String }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, key: String? = Keys.alice, body: String? = nil) async throws
        -> Reply
    {
        var fields = HTTPFields()
        if let key { fields[.authorization] = "Bearer \(key)" }
        if body != nil { fields[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        { response in
            let data = Data(response.body.readableBytesView)
            let json = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return Reply(
                status: Int(response.status.code), json: json, headers: response.headers,
                text: String(decoding: data, as: UTF8.self))
        }
    }
}

extension TestClientProtocol {
    /// A request exactly as given: headers and body bytes untouched (for bad content types and encodings).
    func raw(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: [UInt8]? = nil) async throws
        -> Reply
    {
        try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) {
            response in
            let data = Data(response.body.readableBytesView)
            let json = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return Reply(
                status: Int(response.status.code), json: json, headers: response.headers,
                text: String(decoding: data, as: UTF8.self))
        }
    }
}
