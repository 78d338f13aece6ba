import Foundation
import HTTPTypes
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

/// While the matching index is being built, the engine's endpoints answer 503 `index_warming`
/// and everything else is served; once built, the engine answers from the fresh build.
@Suite("Index warming")
struct IndexWarmingTests {
    @Test func engineRefusesWhileBuildingAndEverythingElseServes() async throws {
        try await withApp(refusesWhileWarming: true) { app, client in
            let created = try await app.send(.post, "/firms", json: firmJSON)
            #expect(created.status == .created)
            let firmId = created.json["id"] as? Int ?? 0
            // The build reads gi_licences last: held locked, the build cannot finish.
            try await client.withConnection { conn in
                _ = try await conn.run("BEGIN", logger: TestDatabase.logger)
                _ = try await conn.run("LOCK TABLE gi_licences IN ACCESS EXCLUSIVE MODE", logger: TestDatabase.logger)
                let warming = try await app.send(.get, "/firms/\(firmId)/matches")
                #expect(warming.status == .serviceUnavailable)
                #expect(warming.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(warming.json["code"] as? String == "index_warming")
                #expect(warming.headers[.retryAfter] != nil)
                let ready = try await app.send(.get, "/readyz")
                #expect(ready.json["matchIndex"] as? String == "warming")
                #expect(try await app.send(.get, "/readyz").status == .ok)
                #expect(try await app.send(.get, "/industries").status == .ok)
                #expect(try await app.send(.get, "/firms/\(firmId)").status == .ok)
                _ = try await conn.run("ROLLBACK", logger: TestDatabase.logger)
            }
            var answer = try await app.send(.get, "/firms/\(firmId)/matches")
            for _ in 0..<300 where answer.status == .serviceUnavailable {
                try await Task.sleep(for: .milliseconds(100))
                answer = try await app.send(.get, "/firms/\(firmId)/matches")
            }
            #expect(answer.status == .ok)
            #expect(answer.json["firmId"] as? Int == firmId)
            #expect(try await app.send(.get, "/readyz").json["matchIndex"] as? String == "ready")
        }
    }
}
