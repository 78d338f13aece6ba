import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer
import PledgeTooling

/// A firm reaches a bank only while its consent is in force, and a withdrawal shows at once, even
/// though the candidate ranking is served from memory.
@Suite("Access: consent to share with banks")
struct ConsentTests {
    func candidateIds(_ client: any TestClientProtocol, _ productId: Int64, as user: TestUser) async throws -> [Int64] {
        let r = try await client.send(.get, "/products/\(productId)/candidates", as: user)
        #expect(r.status == .ok, "\(r.text)")
        return ((r.json["items"] as? [[String: Any]]) ?? []).compactMap { ($0["firmId"] as? NSNumber)?.int64Value }
    }

    @Test func withdrawnConsentRemovesTheFirmFromTheBankAtOnce() async throws {
        try await withApp { client, db in
            let w = try await MatchingAPITests().makeWorld(client)
            let product = try await client.send(.get, "/products/\(w.productId)")
            let bankId = try #require((product.json["bankId"] as? NSNumber)?.int64Value)
            let officer = TestUser.bankOfficer(bankId)

            // The operations centre sees the firm; the bank does not until the firm consents.
            #expect(try await candidateIds(client, w.productId, as: .operations) == [w.firmId])
            #expect(try await candidateIds(client, w.productId, as: officer) == [])
            #expect(try await client.send(.get, "/firms/\(w.firmId)", as: officer).status == .notFound)

            let granted = try await client.send(.post, "/firms/\(w.firmId)/consents",
                                                json: #"{"grantedOn":"2026-01-05","evidence":"授权书 2026-001"}"#)
            #expect(granted.status == .created)
            #expect(granted.json["inForce"] as? Bool == true)
            let consentId = try #require((granted.json["id"] as? NSNumber)?.int64Value)
            #expect(try await candidateIds(client, w.productId, as: officer) == [w.firmId])
            #expect(try await client.send(.get, "/firms/\(w.firmId)", as: officer).status == .ok)
            let csv = try await client.send(.get, "/products/\(w.productId)/candidates.csv", as: officer)
            #expect(csv.status == .ok)

            let withdrawn = try await client.send(.delete, "/firms/\(w.firmId)/consents/\(consentId)")
            #expect(withdrawn.status == .ok)
            #expect(withdrawn.json["inForce"] as? Bool == false)
            // The very next request: gone from the candidates, the export and the firm's page.
            #expect(try await candidateIds(client, w.productId, as: officer) == [])
            let csvAfter = try await client.send(.get, "/products/\(w.productId)/candidates.csv", as: officer)
            #expect(!csvAfter.text.contains("测试材料"))
            #expect(try await client.send(.get, "/firms/\(w.firmId)", as: officer).status == .notFound)
            #expect(try await candidateIds(client, w.productId, as: .operations) == [w.firmId])

            let consents = try await client.send(.get, "/firms/\(w.firmId)/consents")
            #expect((consents.json["items"] as? [Any])?.count == 1)

            // The trail: the consent's insert and withdrawal, and every candidate export with its firms.
            let rows = try await db.query("""
                SELECT action, entity, actor FROM audit_log WHERE entity IN ('consent', 'product') ORDER BY id
                """, logger: TestDatabase.logger)
            var trail: [String] = []
            for try await (action, entity, actor) in rows.decode((String, String, String).self) { trail.append("\(entity):\(action):\(actor)") }
            #expect(trail.contains("consent:insert:test-operations"))
            #expect(trail.contains("consent:update:test-operations"))
            #expect(trail.filter { $0.hasPrefix("product:export:") }.count >= 6)
            #expect(trail.contains("product:export:test-bank-\(bankId)"))
        }
    }

    @Test func consentToAnotherBankDoesNotReachThisOne() async throws {
        try await withApp { client, _ in
            let w = try await MatchingAPITests().makeWorld(client)
            let product = try await client.send(.get, "/products/\(w.productId)")
            let bankId = try #require((product.json["bankId"] as? NSNumber)?.int64Value)
            let other = try await client.send(.post, "/banks", json: #"{"code":"OTHER","name":"另一家银行"}"#)
            let otherId = try #require((other.json["id"] as? NSNumber)?.int64Value)
            let r = try await client.send(.post, "/firms/\(w.firmId)/consents", json: #"{"grantedOn":"2026-01-05","bankId":\#(otherId)}"#)
            #expect(r.status == .created)
            #expect(try await candidateIds(client, w.productId, as: .bankOfficer(bankId)) == [])
            let future = try await client.send(.post, "/firms/\(w.firmId)/consents", json: #"{"grantedOn":"2999-01-01"}"#)
            #expect(future.status == .unprocessableContent)
            #expect(future.json["field"] as? String == "grantedOn")
        }
    }

    /// Without consent a firm is hidden by the database alone; once it applies to the bank, the bank
    /// sees it (and no other bank does).
    @Test(arguments: [true, false]) func aFirmReachesTheBankItAppliedTo(serverCheck: Bool) async throws {
        try await withApp(boundary: BankBoundary(enforced: serverCheck)) { client, db in
            let w = try await MatchingAPITests().makeWorld(client)
            let product = try await client.send(.get, "/products/\(w.productId)")
            let bankId = try #require((product.json["bankId"] as? NSNumber)?.int64Value)
            let other = try await client.send(.post, "/banks", json: #"{"code":"OTHER2","name":"丙银行"}"#)
            let otherId = try #require((other.json["id"] as? NSNumber)?.int64Value)
            let r = try await client.send(.get, "/firms/\(w.firmId)", as: .bankOfficer(bankId))
            #expect(r.status == .notFound)
            #expect(!r.text.contains("测试材料"))
            _ = try await db.query("""
                INSERT INTO applications (firm_id, bank_id, product_id, amount_fen, term_months)
                VALUES (\(w.firmId), \(bankId), \(w.productId), 100000000, 12)
                """, logger: TestDatabase.logger)
            #expect(try await client.send(.get, "/firms/\(w.firmId)", as: .bankOfficer(bankId)).status == .ok)
            #expect(try await client.send(.get, "/firms/\(w.firmId)", as: .bankOfficer(otherId)).status == .notFound)
        }
    }
}

/// On the demo data: a bank officer pages through exactly the consenting part of the ranking, in the
/// same order, ranked 1…n among what it may see.
@Suite("Access: a bank's view of the ranking")
struct ConsentRankingTests {
    func page(_ client: any TestClientProtocol, _ productId: Int64, as user: TestUser, limit: Int) async throws -> [(rank: Int, firm: Int64)] {
        var result: [(Int, Int64)] = []
        var cursor: String?
        repeat {
            let r = try await client.send(.get, "/products/\(productId)/candidates?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), as: user)
            #expect(r.status == .ok)
            for item in (r.json["items"] as? [[String: Any]]) ?? [] {
                result.append(((item["rank"] as? Int) ?? -1, (item["firmId"] as? NSNumber)?.int64Value ?? -1))
            }
            cursor = r.json["nextCursor"] as? String
        } while cursor != nil
        return result
    }

    /// The demo data with consent to share with banks for the firms whose id is a multiple of
    /// `every`; the first product and its bank.
    func demoWithConsent(_ db: PostgresClient, every: Int) async throws -> (product: Int64, bank: Int64) {
        _ = try await DemoLoader(client: db, logger: TestDatabase.logger).loadIfEmpty(today: BusinessCalendar.today())
        _ = try await db.query("""
            INSERT INTO firm_consents (firm_id, scope, granted_on, recorded_by)
            SELECT id, 'share_with_banks', date '2026-01-01', 'test' FROM firms WHERE id % \(every) = 0
            """, logger: TestDatabase.logger)
        return try await db.query("SELECT id, bank_id FROM loan_products ORDER BY id LIMIT 1", logger: TestDatabase.logger)
            .collect().first!.decode((Int64, Int64).self)
    }

    @Test func officerSeesTheConsentingSubsetInOrder() async throws {
        try await withApp { client, db in
            let (productId, bankId) = try await demoWithConsent(db, every: 2)
            let all = try await page(client, productId, as: .operations, limit: 200)
            #expect(all.count > 10)
            let seen = try await page(client, productId, as: .bankOfficer(bankId), limit: 7)
            let expected: [Int64] = all.map(\.firm).filter { $0 % 2 == 0 }
            let seenFirms: [Int64] = seen.map(\.firm)
            let seenRanks: [Int] = seen.map(\.rank)
            #expect(seenFirms == expected)
            #expect(seenRanks == Array(1...max(1, seen.count)))
        }
    }

    /// A first page reads the product with the consent of the ranking's top firms in one statement,
    /// under row-level security: another bank's product and an unknown one are not found and leave no
    /// export in the audit log; the bank's own first page is audited with exactly the firms it shows.
    @Test func aFirstPageIsTheBanksOwnProductOnlyAndAuditedAsShown() async throws {
        try await withApp { client, db in
            let (own, bank) = try await demoWithConsent(db, every: 3)
            let other = try await db.query("SELECT min(id) FROM loan_products WHERE bank_id <> \(bank)", logger: TestDatabase.logger)
                .collect().first!.decode(Int64.self)
            for id in [other, 987_654_321] {
                let refused = try await client.send(.get, "/products/\(id)/candidates?limit=5", as: .bankOfficer(bank))
                #expect(refused.status == .notFound, "product \(id)")
                #expect(refused.json["code"] as? String == "product_not_found")
                let audited = try await db.query("""
                    SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'product' AND entity_id = \(id)
                    """, logger: TestDatabase.logger).collect().first!.decode(Int.self)
                #expect(audited == 0, "no export of product \(id)")
            }
            let shown = try await client.send(.get, "/products/\(own)/candidates?limit=5", as: .bankOfficer(bank))
            #expect(shown.status == .ok)
            #expect((shown.json["productId"] as? NSNumber)?.int64Value == own)
            let firms = ((shown.json["items"] as? [[String: Any]]) ?? []).map { ($0["firmId"] as? NSNumber)?.int64Value ?? -1 }
            #expect(firms.count == 5 && firms.allSatisfy { $0 % 3 == 0 }, "\(firms)")
            let recorded = try await db.query("""
                SELECT after->>'firmIds' FROM audit_log WHERE action = 'export' AND entity = 'product' AND entity_id = \(own)
                ORDER BY id DESC LIMIT 1
                """, logger: TestDatabase.logger).collect().first?.decode(String.self)
            #expect(recorded == firms.map(String.init).joined(separator: ","))
        }
    }

    /// A first page looks for consenting firms in a widening stretch of the ranking: with few of
    /// them it widens, and what it finds is what the whole consenting set gives.
    @Test func sparseConsentGivesTheSameFirstPages() async throws {
        try await withApp { client, db in
            let (productId, bankId) = try await demoWithConsent(db, every: 29)
            let all = try await page(client, productId, as: .operations, limit: 200)
            let expected: [Int64] = all.map(\.firm).filter { $0 % 29 == 0 }
            for limit in [1, 2, 50] {
                let seen = try await page(client, productId, as: .bankOfficer(bankId), limit: limit)
                #expect(seen.map(\.firm) == expected)
                #expect(seen.map(\.rank) == Array(0..<seen.count).map { $0 + 1 })
            }
        }
    }
}
