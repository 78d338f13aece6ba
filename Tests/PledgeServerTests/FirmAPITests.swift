import Foundation
import HummingbirdTesting
import PledgeTestSupport
import Testing
@testable import PledgeServer

@Suite("Firms API")
struct FirmAPITests {
    @Test func createReadUpdateArchive() async throws {
        try await withApp { client, _ in
            let created = try await client.send(.post, "/firms", json: firmJSON)
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require((created.json["id"] as? NSNumber)?.int64Value)
            #expect(created.headers[.location] == "/firms/\(id)")

            let read = try await client.send(.get, "/firms/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["name"] as? String == "重庆涪陵测试材料有限公司")
            #expect(read.json["annualRevenueFen"] as? NSNumber == 120_000_000_000)

            let renamed = firmJSON.replacingOccurrences(of: "测试材料", with: "新材料")
            let updated = try await client.send(.put, "/firms/\(id)", json: renamed, headers: [.ifMatch: "\"1\""])
            #expect(updated.status == .ok)
            #expect(updated.headers[.eTag] == "\"2\"")

            let stale = try await client.send(.put, "/firms/\(id)", json: renamed, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.json["code"] as? String == "stale_version")
            #expect(stale.json["currentVersion"] as? Int == 2)

            let missing = try await client.send(.put, "/firms/\(id)", json: renamed)
            #expect(missing.status == .preconditionRequired)

            #expect(try await client.send(.delete, "/firms/\(id)").status == .noContent)
            let list = try await client.send(.get, "/firms")
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
            let archived = try await client.send(.get, "/firms?includeArchived=true")
            #expect((archived.json["items"] as? [Any])?.count == 1)
        }
    }

    @Test func invalidInputIsAProblemAndWritesNothing() async throws {
        try await withApp { client, db in
            let bad = firmJSON.replacingOccurrences(of: "914403001922038216", with: "914403001922038217")
            let r = try await client.send(.post, "/firms", json: bad)
            #expect(r.status == .unprocessableContent)
            #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(r.json["code"] as? String == "credit_code_check")
            #expect(r.json["field"] as? String == "creditCode")
            #expect((r.json["messageZh"] as? String)?.contains("校验位") == true)
            #expect(r.json["messageEn"] != nil)
            #expect(try await count("firms", db) == 0)
        }
    }

    @Test func unknownFieldsAndWrongTypesAreRefused() async throws {
        try await withApp { client, db in
            let extra = firmJSON.replacingOccurrences(of: "\"highTech\":true", with: "\"highTech\":true,\"isAdmin\":true")
            let r1 = try await client.send(.post, "/firms", json: extra)
            #expect(r1.status == .badRequest)
            let wrongType = firmJSON.replacingOccurrences(of: "120000000000", with: "\"lots\"")
            let r2 = try await client.send(.post, "/firms", json: wrongType)
            #expect(r2.status == .badRequest)
            #expect(r2.json["field"] as? String == "annualRevenueFen")
            let r3 = try await client.send(.post, "/firms", json: "{not json")
            #expect(r3.status == .badRequest)
            #expect(try await count("firms", db) == 0)
        }
    }

    @Test func duplicateCreditCodeIs409() async throws {
        try await withApp { client, db in
            _ = try await createFirm(client)
            let again = try await client.send(.post, "/firms", json: firmJSON)
            #expect(again.status == .conflict)
            #expect(again.json["code"] as? String == "duplicate_credit_code")
            #expect(try await count("firms", db) == 1)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withApp { client, db in
            let huge = "{\"name\":\"" + String(repeating: "x", count: 1_100_000) + "\"}"
            let r = try await client.send(.post, "/firms", json: huge)
            #expect(r.status == .contentTooLarge)
            #expect(r.json["code"] as? String == "body_too_large")
            #expect(try await count("firms", db) == 0)
        }
    }

    @Test func badParametersAre400And404() async throws {
        try await withApp { client, _ in
            #expect(try await client.send(.get, "/firms?limit=0").status == .badRequest)
            #expect(try await client.send(.get, "/firms?limit=201").status == .badRequest)
            #expect(try await client.send(.get, "/firms?cursor=abc").status == .badRequest)
            #expect(try await client.send(.get, "/firms?size=huge").status == .badRequest)
            let missing = try await client.send(.get, "/firms/424242")
            #expect(missing.status == .notFound)
            #expect(missing.json["code"] as? String == "firm_not_found")
            #expect(try await client.send(.get, "/no/such/path").status == .notFound)
        }
    }

    @Test func filtersNarrowTheList() async throws {
        try await withApp { client, _ in
            _ = try await createFirm(client)
            let hit = try await client.send(.get, "/firms?industryCode=advanced_materials&q=%E6%B6%AA%E9%99%B5")
            #expect((hit.json["items"] as? [Any])?.count == 1)
            let miss = try await client.send(.get, "/firms?industryCode=biomedicine")
            #expect((miss.json["items"] as? [Any])?.count == 0)
        }
    }
}
