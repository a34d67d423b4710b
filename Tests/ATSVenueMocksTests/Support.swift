import ATSDomain
import ATSVenueMocks
import ATSVenues
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func catalog() throws -> VenueCatalog {
        try VenueCatalog.load(directory: root.appendingPathComponent("venues").path)
    }
    static func venue(_ id: String) throws -> VenueDefinition { try #require(try catalog().venue(try VenueID(id))) }
    /// Monday 2026-11-23 10:00 US/Eastern.
    static let monday = Timestamp(secondsSinceEpoch: 1_795_359_600 + 86_400)
}

/// One venue mock, running for real on a loopback socket, with a manual clock and its simulation paused.
struct LiveVenue {
    let engine: VenueEngine
    let clock: ManualClock
    let credentials: MockCredentials
    let definition: VenueDefinition

    init(_ id: String, at time: Timestamp = Fixtures.monday) throws {
        definition = try Fixtures.venue(id)
        clock = ManualClock(time)
        engine = VenueEngine(definition: definition, clock: clock)
        credentials = MockCredentials.demo(for: definition.id)
    }

    func run(_ body: @Sendable (TestClientProtocol) async throws -> Void) async throws {
        await engine.pause()
        let app = MockVenueServer.application(engine: engine, credentials: credentials, clock: clock, stepInterval: nil)
        try await app.test(.live) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// Sends a request and returns the status and the body parsed as JSON.
    func call(_ method: HTTPRequest.Method, _ path: String, headers: [String: String] = [:], body: String? = nil)
        async throws -> (status: Int, json: Any?)
    {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if body != nil { fields[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        { response in
            let data = response.body.readableBytesView
            let json =
                data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed])
            return (Int(response.status.code), json)
        }
    }
}

extension Optional where Wrapped == Any {
    subscript(_ key: String) -> Any? { (self as? [String: Any])?[key] }
    subscript(_ index: Int) -> Any? { (self as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil } }
    var string: String? { self as? String }
    var int: Int? { self as? Int }
    var array: [Any]? { self as? [Any] }
}
