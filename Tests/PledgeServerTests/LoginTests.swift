import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Testing
@testable import PledgeServer

@Suite("Access: login, tokens, rate limit, audit")
struct LoginTests {
    static let password = "correct horse battery"

    func makeUser(_ client: any TestClientProtocol, login: String = "zhang.wei", role: String = "operations") async throws -> Int64 {
        let r = try await client.send(.post, "/users", json: """
            {"login":"\(login)","displayName":"张伟","role":"\(role)","password":"\(Self.password)"}
            """, as: .administrator)
        #expect(r.status == .created, "\(r.text)")
        #expect(r.json["hasPassword"] as? Bool == true)
        #expect(r.json["password"] == nil)
        return try #require((r.json["id"] as? NSNumber)?.int64Value)
    }

    func login(_ client: any TestClientProtocol, _ login: String, _ password: String) async throws -> TestResponse {
        try await client.send(.post, "/auth/login", json: #"{"login":"\#(login)","password":"\#(password)"}"#, as: .anonymous)
    }

    @Test func loginGivesAWorkingSessionAndEveryAttemptIsAudited() async throws {
        try await withApp { client, db in
            _ = try await makeUser(client)
            let ok = try await login(client, "zhang.wei", Self.password)
            #expect(ok.status == .ok)
            #expect(ok.headers[.cacheControl] == "no-store")
            let token = try #require(ok.json["token"] as? String)
            #expect(token.hasPrefix("pmt_"))
            #expect((ok.json["user"] as? [String: Any])?["role"] as? String == "operations")
            let firms = try await client.send(.get, "/firms", headers: [.authorization: "Bearer \(token)"])
            #expect(firms.status == .ok)
            let second = try #require(try await login(client, "zhang.wei", Self.password).json["token"] as? String)
            #expect(try await client.send(.delete, "/auth/session", headers: [.authorization: "Bearer \(second)"]).status == .noContent)
            #expect(try await client.send(.get, "/firms", headers: [.authorization: "Bearer \(second)"]).status == .unauthorized)
            #expect(try await client.send(.get, "/firms", headers: [.authorization: "Bearer \(token)"]).status == .ok)

            let wrong = try await login(client, "zhang.wei", "wrong password!")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json["code"] as? String == "invalid_credentials")
            // bcrypt would stop at the NUL and accept the prefix; the server does not.
            let padded = try await client.send(.post, "/auth/login", json: #"{"login":"zhang.wei","password":"correct horse battery\u0000x"}"#,
                                               as: .anonymous)
            #expect(padded.status == .unauthorized)
            let unknown = try await login(client, "nobody", "wrong password!")
            #expect(unknown.json["code"] as? String == "invalid_credentials")

            var actions: [String] = []
            for try await (action, actor) in try await db.query(
                "SELECT action, actor FROM audit_log WHERE entity = 'user' AND action LIKE 'login%' ORDER BY id",
                logger: TestDatabase.logger).decode((String, String).self) { actions.append("\(action):\(actor)") }
            #expect(actions == ["login:zhang.wei", "login:zhang.wei", "login_failed:zhang.wei", "login_failed:zhang.wei", "login_failed:nobody"])
            // Only the hash of a token is stored.
            var stored = 0
            for try await n in try await db.query("SELECT count(*) FROM access_tokens WHERE secret_hash = \(ByteBuffer(bytes: UserRepository.secretHash(token)))",
                                                  logger: TestDatabase.logger).decode(Int.self) { stored = n }
            #expect(stored == 1)
        }
    }

    @Test func failedLoginsAreLimitedPerAccountAndPerAddress() async throws {
        try await withApp(throttle: LoginThrottle(window: .seconds(900), maxFailuresPerAccount: 3, maxFailuresPerAddress: 5)) { client, _ in
            _ = try await makeUser(client)
            for _ in 1...3 { #expect(try await login(client, "zhang.wei", "not the password").status == .unauthorized) }
            let limited = try await login(client, "zhang.wei", Self.password)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.json["code"] as? String == "login_rate_limited")
            #expect(limited.json["field"] as? String == "login")
            #expect(limited.headers[.retryAfter] == "900")
            #expect((limited.json["messageZh"] as? String)?.contains("分钟") == true)
            // Another account from the same address: allowed until the address's own limit.
            _ = try await makeUser(client, login: "li.na")
            for _ in 1...2 { #expect(try await login(client, "someone.else", "guess guess guess").status == .unauthorized) }
            let byAddress = try await login(client, "li.na", Self.password)
            #expect(byAddress.status == .tooManyRequests)
            #expect(byAddress.json["field"] == nil)
        }
    }

    @Test func apiTokensAreCreatedListedAndRevoked() async throws {
        try await withApp { client, _ in
            let created = try await client.send(.post, "/tokens", json: #"{"name":"报表同步","expiresInDays":30}"#, as: .analyst)
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "no-store")
            let secret = try #require(created.json["token"] as? String)
            let id = try #require(((created.json["details"] as? [String: Any])?["id"] as? NSNumber)?.int64Value)
            let auth: HTTPFields = [.authorization: "Bearer \(secret)"]
            #expect(try await client.send(.get, "/targets", headers: auth).status == .ok)
            #expect(try await client.send(.get, "/firms", headers: auth).status == .forbidden)

            let mine = try await client.send(.get, "/tokens", as: .analyst)
            #expect((mine.json["items"] as? [[String: Any]])?.count == 2)   // the test's own and the new one
            #expect(!mine.text.contains(secret))
            // Another user's token is "not found" to an operations user; the token in use cannot revoke itself.
            #expect(try await client.send(.delete, "/tokens/\(id)", as: .operations).status == .notFound)
            #expect(try await client.send(.delete, "/tokens/\(id)", headers: auth).status == .conflict)
            #expect(try await client.send(.delete, "/tokens/\(id)", as: .analyst).status == .noContent)
            let after = try await client.send(.get, "/targets", headers: auth)
            #expect(after.status == .unauthorized)
            #expect(after.json["code"] as? String == "invalid_token")
            let forOther = try await client.send(.post, "/tokens", json: #"{"name":"x","userId":1}"#, as: .operations)
            #expect(forOther.status == .forbidden)
        }
    }

    @Test func disablingAUserEndsTheirSessions() async throws {
        try await withApp { client, _ in
            let id = try await makeUser(client, login: "wang.fang", role: "analyst")
            let token = try #require(try await login(client, "wang.fang", Self.password).json["token"] as? String)
            #expect(try await client.send(.get, "/targets", headers: [.authorization: "Bearer \(token)"]).status == .ok)
            #expect(try await client.send(.delete, "/users/\(id)", as: .administrator).status == .noContent)
            #expect(try await client.send(.get, "/targets", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
            #expect(try await login(client, "wang.fang", Self.password).status == .unauthorized)
            let bad = try await client.send(.post, "/users", json: #"{"login":"bank.x","displayName":"X","role":"bank_officer"}"#,
                                            as: .administrator)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.json["code"] as? String == "bank_role_mismatch")
            let weak = try await client.send(.post, "/users", json: #"{"login":"weak","displayName":"W","role":"analyst","password":"short"}"#,
                                             as: .administrator)
            #expect(weak.status == .badRequest || weak.status == .unprocessableContent)
        }
    }
}

@Suite("Access: hostile input to the access operations")
struct AccessInputTests {
    @Test func controlCharactersAreRefusedNotServerErrors() async throws {
        try await withApp { client, db in
            let login = try await client.send(.post, "/auth/login", json: #"{"login":"a\u0000b","password":"x"}"#, as: .anonymous)
            #expect(login.status == .unauthorized)
            let user = try await client.send(.post, "/users", json: #"{"login":"ok.name","displayName":"\u0000","role":"analyst"}"#,
                                             as: .administrator)
            #expect(user.status == .unprocessableContent)
            #expect(user.json["field"] as? String == "displayName")
            let token = try await client.send(.post, "/tokens", json: #"{"name":"\u0000x"}"#, as: .analyst)
            #expect(token.status == .unprocessableContent)
            let long = try await client.send(.post, "/users", json: """
                {"login":"long.pw","displayName":"L","role":"analyst","password":"\(String(repeating: "密", count: 30))"}
                """, as: .administrator)
            #expect(long.json["code"] as? String == "weak_password")   // 90 bytes: bcrypt would cut it
            #expect(try await count("users", db) == 2)   // the two test users only
        }
    }
}
