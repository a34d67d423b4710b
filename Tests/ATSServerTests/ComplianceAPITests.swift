import ATSDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/investors` and the compliance officer's key: who may reach what, a record read, edited
/// and put back, and every malformed change refused naming its field.
@Suite struct ComplianceAPITests {
    @Test func onlyTheOfficerKeepsRecordsAndTheOfficerTradesForNoAccount() async throws {
        try await LiveAPI.with { _, client in
            let asTrader = try await client.call(.get, "/v1/investors/alice")
            #expect(asTrader.status == 403 && asTrader.errorCode == "compliance_only", "\(asTrader.text)")
            let anonymous = try await client.call(.get, "/v1/investors/alice", key: nil)
            #expect(anonymous.status == 401)
            let trading = try await client.call(
                .post, "/v1/orders", key: Keys.compliance,
                body: #"{"symbol":"ACME","side":"buy","quantity":"10","timeInForce":"ioc"}"#)
            #expect(trading.status == 403 && trading.errorCode == "compliance_key", "\(trading.text)")
            let unknown = try await client.call(.get, "/v1/investors/zed", key: Keys.compliance)
            #expect(unknown.status == 404 && unknown.errorCode == "unknown_account")
        }
    }

    @Test func aRecordReadEditedAndPutBackStopsTheInvestorsOrders() async throws {
        try await LiveAPI.with { _, client in
            let read = try await client.call(.get, "/v1/investors/alice", key: Keys.compliance)
            #expect(read.status == 200, "\(read.text)")
            #expect(read.object["revision"] as? Int == 0 && read.object["standing"] == nil)
            let onboardings = try #require(read.object["onboardings"] as? [[String: Any]])
            #expect(onboardings.contains { $0["venue"] as? String == "tzero" && $0["status"] as? String == "approved" })
            // Put back what was read, the KYC revoked: every field a GET adds is accepted and ignored.
            var record = read.object
            var kyc = try #require(record["kyc"] as? [String: Any])
            kyc["status"] = "revoked"
            kyc["note"] = "court order"
            kyc["verifiedOn"] = "2025-01-10"
            record["kyc"] = kyc
            let body = String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
            let put = try await client.call(.put, "/v1/investors/alice", key: Keys.compliance, body: body)
            #expect(put.status == 200, "\(put.text)")
            #expect(put.object["revision"] as? Int == 1 && put.object["updatedBy"] as? String == "compliance")
            #expect((put.object["standing"] as? [String: Any])?["code"] as? String == "kyc_revoked")
            let order = try await client.call(
                .post, "/v1/orders", body: #"{"symbol":"ACME","side":"buy","quantity":"10","timeInForce":"ioc"}"#)
            #expect(order.status == 201 && order.object["status"] as? String == "rejected", "\(order.text)")
            #expect((order.object["rejection"] as? [String: Any])?["code"] as? String == "kyc_revoked")
            // The same body again names revision 0, which is no longer current.
            let again = try await client.call(.put, "/v1/investors/alice", key: Keys.compliance, body: body)
            #expect(again.status == 409 && again.errorCode == "revision_conflict" && again.errorField == "revision")
            let history = try await client.call(.get, "/v1/investors/alice/history", key: Keys.compliance)
            let revisions = try #require(history.object["revisions"] as? [[String: Any]])
            #expect(revisions.map { $0["revision"] as? Int } == [1])
        }
    }

    @Test func malformedChangesAreRefusedNamingTheirField() async throws {
        let valid: [String: Any] = [
            "revision": 0, "legalName": "Alice Park", "jurisdiction": "US", "usPerson": true,
            "kyc": ["status": "approved", "provider": "Onfido", "verifiedOn": "2026-01-05"],
            "accreditation": ["method": "income", "verifiedOn": "2026-10-01", "evidence": "2024-25 W-2"],
            "wallets": ["ethereum": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"],
        ]
        func changed(_ path: [String], _ value: Any?) -> String {
            func set(_ object: [String: Any], _ path: ArraySlice<String>) -> [String: Any] {
                var object = object
                if path.count == 1 {
                    object[path.first!] = value
                } else {
                    object[path.first!] = set(object[path.first!] as? [String: Any] ?? [:], path.dropFirst())
                }
                return object
            }
            return String(decoding: try! JSONSerialization.data(withJSONObject: set(valid, path[...])), as: UTF8.self)
        }
        let cases: [([String], Any?, Int, String, String)] = [
            (["revision"], nil, 400, "missing_field", "revision"),
            (["revision"], "one", 400, "invalid_field", "revision"),
            (["usPerson"], 1, 400, "invalid_field", "usPerson"),
            (["kyc", "status"], "maybe", 400, "invalid_field", "kyc.status"),
            (["kyc", "verifiedOn"], "2026-02-30", 400, "invalid_field", "kyc.verifiedOn"),
            (["kyc", "colour"], "blue", 400, "unknown_field", "kyc.colour"),
            (["accreditation", "method"], "vibes", 400, "invalid_field", "accreditation.method"),
            (["accreditation", "verifiedOn"], nil, 400, "missing_field", "accreditation.verifiedOn"),
            (["wallets", "ethereum"], 7, 400, "invalid_field", "wallets.ethereum"),
            (["nickname"], "Al", 400, "unknown_field", "nickname"),
            (["account"], "bob", 400, "invalid_field", "account"),
            (["jurisdiction"], "USA", 422, "invalid_investor", "jurisdiction"),
            (["kyc", "expiresOn"], "2025-12-01", 422, "invalid_investor", "kyc.expiresOn"),
            (["wallets", "ethereum"], "0x1", 422, "invalid_investor", "wallets.ethereum"),
        ]
        let bodies = cases.map { ($0.0.joined(separator: "."), changed($0.0, $0.1), $0.2, $0.3, $0.4) }
        let validBody = changed(["revision"], 0)
        try await LiveAPI.with { _, client in
            for (path, body, status, code, field) in bodies {
                let reply = try await client.call(.put, "/v1/investors/alice", key: Keys.compliance, body: body)
                #expect(reply.status == status && reply.errorCode == code, "\(path): \(reply.text)")
                #expect(reply.errorField == field, "\(path): \(reply.text)")
            }
            // Nothing of them was kept; the valid record is.
            let read = try await client.call(.get, "/v1/investors/alice", key: Keys.compliance)
            #expect(read.object["revision"] as? Int == 0)
            let put = try await client.call(.put, "/v1/investors/alice", key: Keys.compliance, body: validBody)
            #expect(put.status == 200 && put.object["revision"] as? Int == 1, "\(put.text)")
            let accreditation = try #require(put.object["accreditation"] as? [String: Any])
            #expect(accreditation["valid506cThrough"] as? String == "2026-12-29")
        }
    }
}
