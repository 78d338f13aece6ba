import Foundation
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer
import PledgeTooling

/// A token revoked elsewhere (another instance, an administrator's psql) binds a bank officer's
/// reads and every write at their transaction's first statement, even while this instance still
/// remembers the token (`TokenCache`): the check is the set-up statement's, prepared or not.
@Suite("Revocation at the transaction")
struct RevocationTests {
    @Test func aRevokedTokenIsRefusedAtTheTransaction() async throws {
        try await withApp { http, db in
            _ = try await DemoLoader(client: db, logger: TestDatabase.logger).loadIfEmpty(today: BusinessCalendar.today())
            let officer = TestUser.bankOfficer(1)
            for _ in 0..<2 { #expect(try await http.send(.get, "/loans", as: officer).status == .ok) }
            TokenCache.shared.forgetAll()
            #expect(try await http.send(.get, "/applications", as: officer).status == .ok)
            _ = try await db.query("""
                UPDATE access_tokens SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE login = \(officer.login))
                """, logger: TestDatabase.logger)
            let read = try await http.send(.get, "/loans", as: officer)
            #expect(read.status == .unauthorized, "\(read.text)")
            #expect(read.json["code"] as? String == "invalid_token")
        }
    }

    @Test func aDisabledUsersWriteIsRefusedAtTheTransaction() async throws {
        try await withApp { http, db in
            TokenCache.shared.forgetAll()
            #expect(try await http.send(.get, "/firms", as: .operations).status == .ok)
            _ = try await db.query("UPDATE users SET disabled_at = now() WHERE login = \(TestUser.operations.login)",
                                   logger: TestDatabase.logger)
            let write = try await http.send(.post, "/banks", json: #"{"code":"REVOKED","name":"撤销测试银行"}"#, as: .operations)
            #expect(write.status == .unauthorized, "\(write.text)")
            let count = try await db.query("SELECT count(*) FROM banks WHERE code = 'REVOKED'", logger: TestDatabase.logger)
                .collect()[0].decode(Int.self)
            #expect(count == 0)
        }
    }
}
