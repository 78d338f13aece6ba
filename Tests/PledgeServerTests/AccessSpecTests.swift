import Foundation
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeServer

/// The contract and the enforcement agree: openapi.yaml declares who may call each operation, the
/// server's table says the same, and every operation × every role gets exactly that over HTTP.
@Suite("Access: every operation × every role")
struct AccessSpecTests {
    @Test func specDeclaresAccessOnEveryOperationAndTheTableMatches() throws {
        let ops = try OpenAPISpec.operations()
        #expect(ops.count >= 50)
        for op in ops {
            #expect(!op.operationId.isEmpty, "\(op) has no operationId")
            #expect(op.open || op.roles != nil, "\(op) declares neither security: [] nor x-roles")
            let declared: OperationAccess = op.open ? .open : .roles(Set((op.roles ?? []).compactMap(Role.init(rawValue:))))
            #expect(op.roles?.allSatisfy { Role(rawValue: $0) != nil } ?? true, "\(op) names an unknown role")
            #expect(OperationAccess.table[op.operationId] == declared, "\(op): the server's table differs from the spec")
            if op.tags.contains("Reports") {
                #expect(op.roles?.contains(Role.analyst.rawValue) == true, "\(op): analysts read every report")
                #expect(op.roles?.contains(Role.bankOfficer.rawValue) != true, "\(op): reports are not for banks")
            }
        }
        #expect(Set(ops.map(\.operationId)) == Set(OperationAccess.table.keys), "table rows without an operation, or the reverse")
        #expect(Set(ops.filter(\.open).map(\.path)) == OperationAccess.openPaths)
    }

    @Test func unknownOperationIsClosedToEveryone() {
        #expect(OperationAccess.decide(operationId: "somethingNew", principal: nil) == .unauthenticated)
        for role in Role.allCases {
            #expect(OperationAccess.decide(operationId: "somethingNew", principal: Principal(actor: "x", role: role)) == .forbidden)
        }
    }

    @Test func everyOperationTimesEveryRoleOverHTTP() async throws {
        let ops = try OpenAPISpec.operations()
        try await withApp { client, _ in
            let bank = try await client.send(.post, "/banks", json: #"{"code":"ACCESS_B","name":"权限测试银行"}"#)
            let bankId = try #require((bank.json["id"] as? NSNumber)?.int64Value)
            let callers: [TestUser] = [.anonymous, .administrator, .operations, .bankOfficer(bankId), .analyst]
            var checked = 0
            for op in ops {
                // Ids no record has: an allowed caller reaches the handler and gets 404 or a 4xx about
                // its input, never a change to a real record.
                let uri = op.path.replacingOccurrences(of: #"\{[A-Za-z]+\}"#, with: "999999", options: .regularExpression)
                let method = HTTPRequest.Method(op.method.uppercased())!
                let body: String? = ["post", "put", "patch"].contains(op.method) ? "{}" : nil
                for caller in callers {
                    // Signing out revokes the token used: spend a spare one on it.
                    var headers: HTTPFields = [:]
                    if op.operationId == "logout", let spare = try await TestUsers.current?.newToken(caller) {
                        headers[.authorization] = "Bearer \(spare)"
                    }
                    let r = try await client.send(method, uri, json: body, headers: headers, as: caller)
                    let status = r.status.code
                    let allowed = op.open || (caller.role.map { op.roles?.contains($0.rawValue) ?? false } ?? false)
                    if caller == .anonymous && !op.open {
                        #expect(status == 401, "\(op) as anonymous: \(status)")
                        #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    } else if allowed {
                        #expect(status != 401 && status != 403 && status < 500, "\(op) as \(caller): \(status) \(r.text)")
                    } else {
                        #expect(status == 403, "\(op) as \(caller): \(status)")
                        #expect(r.json["code"] as? String == "forbidden")
                        #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                        #expect((r.json["messageZh"] as? String)?.isEmpty == false)
                    }
                    checked += 1
                }
            }
            #expect(checked == ops.count * callers.count)
        }
    }

    @Test func badOrMissingCredentialsAre401() async throws {
        try await withApp { client, _ in
            let none = try await client.send(.get, "/firms", as: .anonymous)
            #expect(none.status == .unauthorized)
            #expect(none.json["code"] as? String == "unauthenticated")
            let wrong = try await client.send(.get, "/firms", headers: [.authorization: "Bearer pmt_nosuchtoken"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json["code"] as? String == "invalid_token")
            let basic = try await client.send(.get, "/firms", headers: [.authorization: "Basic YWRtaW46YWRtaW4="])
            #expect(basic.json["code"] as? String == "invalid_authorization")
            // An unauthenticated POST is refused before its idempotency key is even looked at.
            let post = try await client.execute(uri: "/firms", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(string: "{}"))
            #expect(post.status == .unauthorized)
            #expect(try await client.send(.get, "/healthz", as: .anonymous).status == .ok)
            #expect(try await client.send(.get, "/readyz", as: .anonymous).status == .ok)
            #expect(try await client.send(.get, "/metrics", as: .anonymous).status == .ok)
        }
    }
}
