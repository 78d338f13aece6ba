import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// Bank B's officer tries every id of bank A's records with every method, through the API with the
/// server's own check on and off (then PostgreSQL's row-level security alone stands), and straight
/// against the tables the API does not serve yet (applications, loans, entries, pledges).
@Suite("Access: the bank boundary")
struct BankBoundaryTests {
    struct Banks {
        var bankA: Int64, bankB: Int64
        var productA: Int64, productB: Int64
        var codeA = "FZD_BANK_A"
        var firmId: Int64
    }

    static func product(bankId: Int64, code: String) -> String {
        """
        {"bankId":\(bankId),"code":"\(code)","name":"涪知贷·\(code)","ipTerms":[{"ipType":"invention","loanToValueBp":4000,"minRemainingLifeMonths":60}],
         "minAmountFen":50000000,"maxAmountFen":1000000000,"minTermMonths":6,"maxTermMonths":36,"rateSpreadBp":30,
         "valuationValidityMonths":12,"minYearsOperating":2,"minTrademarkUseYears":2}
        """
    }

    static func setUp(_ client: any TestClientProtocol) async throws -> Banks {
        func id(_ r: TestResponse) throws -> Int64 { try #require((r.json["id"] as? NSNumber)?.int64Value, "\(r.text)") }
        let a = try id(try await client.send(.post, "/banks", json: #"{"code":"BANK_A","name":"甲银行涪陵分行"}"#))
        let b = try id(try await client.send(.post, "/banks", json: #"{"code":"BANK_B","name":"乙银行涪陵分行"}"#))
        let pa = try id(try await client.send(.post, "/products", json: product(bankId: a, code: "FZD_BANK_A")))
        let pb = try id(try await client.send(.post, "/products", json: product(bankId: b, code: "FZD_BANK_B")))
        let firm = try await createFirm(client)
        // The firm consents to every bank: consent is not what keeps bank B out here, the boundary is.
        let consent = try await client.send(.post, "/firms/\(firm)/consents", json: #"{"grantedOn":"2026-01-05"}"#)
        #expect(consent.status == .created)
        return Banks(bankA: a, bankB: b, productA: pa, productB: pb, firmId: firm)
    }

    /// Every operation whose path names a product, with bank A's product id, by every method.
    func probe(_ client: any TestClientProtocol, _ w: Banks) async throws {
        let officerB = TestUser.bankOfficer(w.bankB)
        let paths = Set(try OpenAPISpec.operations().map(\.path).filter { $0.contains("{productId}") })
        #expect(paths.count >= 5)
        var tried = 0
        for path in paths {
            let uri = path.replacingOccurrences(of: "{productId}", with: "\(w.productA)")
                .replacingOccurrences(of: "{firmId}", with: "\(w.firmId)") + (path.hasSuffix("batch-credit") ? "?markAssetId=1" : "")
            for method in [HTTPRequest.Method.get, .put, .post, .delete, .patch] {
                let body: String? = [.put, .post, .patch].contains(method) ? Self.product(bankId: w.bankB, code: "FZD_BANK_A") : nil
                let r = try await client.send(method, uri, json: body, headers: [.ifMatch: "\"1\""], as: officerB)
                #expect([403, 404, 405].contains(r.status.code), "\(method) \(uri): \(r.status.code) \(r.text)")
                #expect(!r.text.contains(w.codeA), "\(method) \(uri) leaked bank A's product")
                tried += 1
            }
        }
        let list = try await client.send(.get, "/products?limit=200", as: officerB)
        #expect(list.status == .ok)
        #expect(!list.text.contains(w.codeA))
        #expect(list.text.contains("FZD_BANK_B"))
        let asked = try await client.send(.get, "/products?bankId=\(w.bankA)", as: officerB)
        #expect((asked.json["items"] as? [Any])?.isEmpty == true)
        // Their own product they do see, and bank A's officer sees theirs.
        #expect(try await client.send(.get, "/products/\(w.productB)", as: officerB).status == .ok)
        #expect(try await client.send(.get, "/products/\(w.productA)", as: .bankOfficer(w.bankA)).status == .ok)
        #expect(tried == paths.count * 5)
        // Nothing changed: bank A's product is as it was.
        let still = try await client.send(.get, "/products/\(w.productA)")
        #expect(still.json["code"] as? String == w.codeA)
        #expect(still.json["version"] as? Int == 1)
    }

    @Test func officerOfBankBReachesNothingOfBankA() async throws {
        try await withApp { client, _ in try await probe(client, try await Self.setUp(client)) }
    }

    @Test func databasePolicyAloneHoldsWithTheServerCheckOff() async throws {
        try await withApp(boundary: BankBoundary(enforced: false)) { client, _ in try await probe(client, try await Self.setUp(client)) }
    }

    /// The lifecycle tables, as the application role with bank B's settings: nothing of bank A is
    /// read, changed or created; bank A's officer and the operations centre see it.
    @Test func rowLevelSecurityOnEveryBankOwnedTable() async throws {
        try await withApp { client, db in
            let w = try await Self.setUp(client)
            let log = TestDatabase.logger
            _ = try await db.query("""
                INSERT INTO applications (id, firm_id, bank_id, product_id, amount_fen, term_months, state)
                VALUES (7001, \(w.firmId), \(w.bankA), \(w.productA), 100000000, 12, 'disbursed')
                """, logger: log)
            _ = try await db.query("""
                INSERT INTO loans (id, firm_id, application_id, bank_id, product_id, disbursed_at, maturity_on, rate_bp, recorded_by)
                VALUES (8001, \(w.firmId), 7001, \(w.bankA), \(w.productA), now(), current_date + 365, 400, 'test')
                """, logger: log)
            _ = try await db.query("""
                INSERT INTO loan_entries (firm_id, loan_id, kind, amount_fen, effective_on, actor)
                VALUES (\(w.firmId), 8001, 'disbursement', 100000000, current_date, 'test')
                """, logger: log)
            _ = try await db.query("""
                INSERT INTO pledges (firm_id, application_id, secured_amount_fen) VALUES (\(w.firmId), 7001, 100000000)
                """, logger: log)
            let tables = ["loan_products", "product_ip_terms", "applications", "loans", "loan_entries", "pledges"]

            func counts(_ principal: Principal?) async throws -> [String: Int] {
                let session = Database.Session(actor: "test", requestId: nil,
                                               settings: principal.map(WriteTransaction.settings) ?? [:], databaseRole: .app)
                return try await Database(db).inRequestTransaction(session, logger: log) { conn in
                    var result: [String: Int] = [:]
                    for table in tables {
                        let where_ = table == "loan_products" || table == "product_ip_terms" ? "" : " WHERE firm_id = \(w.firmId)"
                        for try await n in try await conn.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)\(where_)"),
                                                                 logger: log).decode(Int.self) { result[table] = n }
                    }
                    return (result, false)
                }
            }
            let officerA = Principal(actor: "a", role: .bankOfficer, bankId: w.bankA)
            let officerB = Principal(actor: "b", role: .bankOfficer, bankId: w.bankB)
            let seenByA = try await counts(officerA)
            let seenByB = try await counts(officerB)
            let seenByOps = try await counts(Principal(actor: "o", role: .operations))
            let seenByNobody = try await counts(nil)
            #expect(seenByA == ["loan_products": 1, "product_ip_terms": 1, "applications": 1, "loans": 1, "loan_entries": 1, "pledges": 1])
            #expect(seenByB == ["loan_products": 1, "product_ip_terms": 1, "applications": 0, "loans": 0, "loan_entries": 0, "pledges": 0])
            #expect(seenByOps == ["loan_products": 2, "product_ip_terms": 2, "applications": 1, "loans": 1, "loan_entries": 1, "pledges": 1])
            #expect(seenByNobody.values.allSatisfy { $0 == 0 })

            // Writes: bank B changes nothing of bank A's and cannot create a record in bank A's name.
            let session = Database.Session(actor: "b", requestId: nil, settings: WriteTransaction.settings(officerB), databaseRole: .app)
            let changed = try await Database(db).inRequestTransaction(session, logger: log) { conn in
                var n = 0
                for try await c in try await conn.query("""
                    WITH u AS (UPDATE applications SET state = 'withdrawn' WHERE id = 7001 RETURNING 1) SELECT count(*) FROM u
                    """, logger: log).decode(Int.self) { n = c }
                return (n, false)
            }
            #expect(changed == 0)
            await #expect(throws: (any Error).self) {
                try await Database(db).inRequestTransaction(session, logger: log) { conn in
                    _ = try await conn.query("""
                        INSERT INTO applications (firm_id, bank_id, product_id, amount_fen, term_months)
                        VALUES (\(w.firmId), \(w.bankA), \(w.productA), 100000000, 12)
                        """, logger: log)
                    return ((), false)
                }
            }
            // The role the requests run as owns no table, so FORCE ROW LEVEL SECURITY always binds it.
            var owned = -1
            for try await n in try await db.query("""
                SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'pledgematch_app'
                """, logger: log).decode(Int.self) { owned = n }
            #expect(owned == 0)
            var forced: [String] = []
            for try await name in try await db.query("""
                SELECT relname FROM pg_class WHERE relforcerowsecurity AND relrowsecurity ORDER BY relname
                """, logger: log).decode(String.self) { forced.append(name) }
            #expect(Set(tables).isSubset(of: Set(forced)))
        }
    }
}
