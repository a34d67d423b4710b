import ATSDomain
import ATSVenues
import Foundation

/// A venue that onboards investors on a broker's application (every venue here: each admits only
/// investors it has onboarded). Applications are filed under the router's key, so one whose
/// reply was lost is the same application when filed again. Throws only ``VenueFailure``s.
public protocol OnboardingVenue: Sendable {
    func fileOnboarding(key: String, applicant: OnboardingApplicant) async throws -> VenueApplication
    func onboardingApplication(_ id: String) async throws -> VenueApplication
    /// Answers a request for more information; review starts again.
    func supplementOnboarding(_ id: String, applicant: OnboardingApplicant) async throws -> VenueApplication
}

/// An onboarding application as the venue keeps it.
public struct VenueApplication: Sendable, Hashable {
    public var id: String
    public var key: String
    public var status: OnboardingStatus
    /// What the venue asks for, or why it refused.
    public var reason: String?

    public init(id: String, key: String, status: OnboardingStatus, reason: String?) {
        self.id = id
        self.key = key
        self.status = status
        self.reason = reason
    }
}

/// The one request primitive each adapter gives onboarding: its own authentication and signing,
/// the paths and spelling of its dialect (``OnboardingVenue`` is built on it).
protocol OnboardingTransport: OnboardingVenue {
    var http: VenueHTTP { get }
    /// The dialect's onboarding path (as the mock serves it) and whether it spells fields in snake case.
    var onboardingPath: String { get }
    var onboardingSnakeCase: Bool { get }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data
}

extension OnboardingTransport {
    var onboardingSnakeCase: Bool { false }

    public func fileOnboarding(key: String, applicant: OnboardingApplicant) async throws -> VenueApplication {
        try application(
            try await onboardingRequest(
                .post, onboardingPath, body: try body(Filing(applicationId: key, applicant: applicant))))
    }

    public func onboardingApplication(_ id: String) async throws -> VenueApplication {
        try application(try await onboardingRequest(.get, onboardingPath + "/" + id, body: nil))
    }

    public func supplementOnboarding(_ id: String, applicant: OnboardingApplicant) async throws -> VenueApplication {
        try application(
            try await onboardingRequest(
                .post, onboardingPath + "/" + id + "/supplement", body: try body(Supplement(applicant: applicant))))
    }

    private func body(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        if onboardingSnakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        do { return try encoder.encode(value) } catch {
            throw VenueFailure(venue: http.venue, kind: .fatal, code: "encoding", message: "\(error)")
        }
    }

    private func application(_ data: Data) throws -> VenueApplication {
        let reply = try http.decode(
            Application.self, data, what: "onboarding application", snakeCase: onboardingSnakeCase)
        guard let status = OnboardingStatus(rawValue: reply.status.lowercased()) else {
            throw VenueFailure(
                venue: http.venue, kind: .retryable, code: "malformed_reply",
                message: "unknown onboarding status \"\(reply.status.prefix(32))\"")
        }
        return VenueApplication(id: reply.id, key: reply.applicationId, status: status, reason: reply.reason)
    }
}

private struct Filing: Encodable {
    let applicationId: String
    let applicant: OnboardingApplicant
}

private struct Supplement: Encodable {
    let applicant: OnboardingApplicant
}

private struct Application: Decodable {
    let id: String, applicationId: String, status: String, reason: String?
}

extension TZeroAdapter: OnboardingTransport {
    var onboardingPath: String { "/api/v1/onboarding/investors" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await session.send(method, path, body: body)
    }
}

extension ArchaxAdapter: OnboardingTransport {
    var onboardingPath: String { "/onboarding/clients" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await session.send(method, path, body: body)
    }
}

extension InxAdapter: OnboardingTransport {
    var onboardingPath: String { "/api/v1/onboarding" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await send(method, path, body: body)
    }
}

extension OpenfinanceAdapter: OnboardingTransport {
    var onboardingPath: String { "/of/v1/onboarding" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await http.send(method.nio, path, headers: headers, body: body)
    }
}

extension RialtoAdapter: OnboardingTransport {
    var onboardingPath: String { "/api/v2/investors" }
    var onboardingSnakeCase: Bool { true }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await http.send(method.nio, path, headers: headers, body: body)
    }
}

extension SecuritizeAdapter: OnboardingTransport {
    var onboardingPath: String { "/v1/investors/onboarding" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await http.send(method.nio, path, headers: headers, body: body)
    }
}

extension TextureAdapter: OnboardingTransport {
    var onboardingPath: String { "/api/v2/onboarding" }
    func onboardingRequest(_ method: HTTPMethodName, _ path: String, body: Data?) async throws -> Data {
        try await http.send(method.nio, path, headers: headers, body: body)
    }
}
