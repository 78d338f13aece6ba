import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PledgeCore
import PledgeTestSupport
import Testing
@testable import PledgeServer

/// One call with exactly the headers given: no Idempotency-Key is added, unlike `send`.
func sendBare(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil,
              headers: HTTPFields = [:], as user: TestUser = .operations) async throws -> TestResponse {
    var headers = headers
    if let value = try await TestUsers.current?.authorization(user) { headers[.authorization] = value }
    if json != nil { headers[.contentType] = "application/json" }
    return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
}

@Suite("Idempotency-Key per operation")
struct IdempotencyPolicyTests {
    @Test("Every write operation of openapi.yaml has its policy, and the spec says the same of each")
    func tableMatchesTheSpec() throws {
        let writes = try OpenAPISpec.operations().filter { ["post", "put", "patch", "delete"].contains($0.method) }
        #expect(writes.count >= 30)
        for op in writes {
            let key = "\(op.method.uppercased()) \(op.path)"
            let policy = try #require(IdempotencyPolicy.table[key], "\(op) is missing from IdempotencyPolicy.table")
            #expect(policy.rawValue == (op.idempotencyKey ?? "absent"), "\(op): the table says \(policy), the spec \(op.idempotencyKey ?? "nothing")")
        }
        let specKeys = Set(writes.map { "\($0.method.uppercased()) \($0.path)" })
        #expect(Set(IdempotencyPolicy.table.keys) == specKeys, "the table names no operation the spec lacks")
    }

    @Test("The decision follows what a duplicate would do")
    func decisions() {
        #expect(IdempotencyPolicy.of(method: .post, path: "/firms/2/what-if") == .absent)
        #expect(IdempotencyPolicy.of(method: .post, path: "/auth/login") == .absent)
        #expect(IdempotencyPolicy.of(method: .post, path: "/applications") == .required)
        #expect(IdempotencyPolicy.of(method: .post, path: "/applications/7/disbursement") == .required)
        #expect(IdempotencyPolicy.of(method: .post, path: "/loans/3/entries") == .required)
        #expect(IdempotencyPolicy.of(method: .post, path: "/loans/3/renewals") == .required)
        #expect(IdempotencyPolicy.of(method: .post, path: "/applications/7/transitions") == .optional)
        #expect(IdempotencyPolicy.of(method: .post, path: "/firms") == .optional)
        #expect(IdempotencyPolicy.of(method: .put, path: "/firms/2") == .absent)
        #expect(IdempotencyPolicy.of(method: .post, path: "/no/such/route") == .required, "the safe side")
    }

    @Test func whatIfNeedsNoKeyAndIgnoresOne() async throws {
        try await withApp { client, _ in
            let w = try await MatchingAPITests().makeWorld(client)
            func whatIf(_ value: Int, key: String?) async throws -> TestResponse {
                var headers: HTTPFields = [:]
                if let key { headers[WriteTransaction.keyHeader] = key }
                return try await sendBare(client, .post, "/firms/\(w.firmId)/what-if", json: """
                    {"valuations":[{"assetId":\(w.assetId),"valueFen":\(value),"valuationDate":"\(MatchingAPITests.validFrom)",
                     "validUntil":"\(MatchingAPITests.validUntil)"}]}
                    """, headers: headers)
            }
            let bare = try await whatIf(500_000_000, key: nil)
            #expect(bare.status == .ok, "\(bare.text)")
            // A key sent anyway is not read: two different questions under one key are both answered.
            #expect(try await whatIf(300_000_000, key: "w-1").status == .ok)
            let second = try await whatIf(400_000_000, key: "w-1")
            #expect(second.status == .ok)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
        }
    }

    @Test func requiredWhereADuplicateWouldMakeARecordTwice() async throws {
        try await withApp { client, db in
            let w = try await MatchingAPITests().makeWorld(client)
            let body = #"{"firmId":\#(w.firmId),"productId":\#(w.productId),"amountFen":60000000,"termMonths":12}"#
            let refused = try await sendBare(client, .post, "/applications", json: body)
            #expect(refused.status == .badRequest)
            #expect(refused.json["code"] as? String == "idempotency_key_required")
            #expect(refused.json["field"] as? String == "Idempotency-Key")
            #expect(try await count("applications", db) == 0)
            let consent = try await sendBare(client, .post, "/firms/\(w.firmId)/consents",
                                             json: #"{"grantedOn":"2026-01-05"}"#)
            #expect(consent.json["code"] as? String == "idempotency_key_required")
        }
    }

    @Test func optionalWhereADuplicateIsRefusedAnyway() async throws {
        try await withApp { client, db in
            let created = try await sendBare(client, .post, "/firms", json: firmJSON)
            #expect(created.status == .created, "\(created.text)")
            let again = try await sendBare(client, .post, "/firms", json: firmJSON)
            #expect(again.status == .conflict, "the credit code is unique")
            #expect(try await count("firms", db) == 1)
            // A key sent to an optional operation is honoured: the replay is the first response, byte for byte.
            let bank = #"{"code":"IDEM_T","name":"幂等测试银行"}"#
            let first = try await sendBare(client, .post, "/banks", json: bank, headers: [WriteTransaction.keyHeader: "bank-1"])
            let replay = try await sendBare(client, .post, "/banks", json: bank, headers: [WriteTransaction.keyHeader: "bank-1"])
            #expect(first.status == .created)
            #expect(replay.status == .created)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Array(replay.body.readableBytesView) == Array(first.body.readableBytesView))
            #expect(replay.headers[.eTag] == first.headers[.eTag])
            #expect(replay.headers[.location] == first.headers[.location])
            let bad = try await sendBare(client, .post, "/banks", json: bank, headers: [WriteTransaction.keyHeader: "bad key"])
            #expect(bad.json["code"] as? String == "idempotency_key_invalid", "a key that is sent is still checked")
        }
    }
}

@Suite("First use: pasted identifiers, names for codes, times, content negotiation")
struct FirstUseTests {
    @Test func pastedCreditCodeIsStoredCompact() async throws {
        try await withApp { client, _ in
            let pasted = firmJSON.replacingOccurrences(of: "914403001922038216", with: "９１４４ ０３００-１９２２ ０３８２ １６")
            let r = try await client.send(.post, "/firms", json: pasted)
            #expect(r.status == .created, "\(r.text)")
            #expect(r.json["creditCode"] as? String == "914403001922038216")
            // The same firm pasted another way is the same credit code: refused as a duplicate.
            let again = try await client.send(.post, "/firms", json: firmJSON.replacingOccurrences(
                of: "914403001922038216", with: "9144-0300-1922-0382-16"))
            #expect(again.status == .conflict)
        }
    }

    @Test func pastedPatentAndTrademarkNumbersAreStoredCanonical() async throws {
        try await withApp { client, _ in
            let firmId = try await createFirm(client)
            let patent = try await client.send(.post, "/assets", json: """
                {"firmId":\(firmId),"type":"invention","number":"ＣＮ 2019 1 0123451．7","title":"一种榨菜脱盐方法",
                 "filingDate":"2019-03-08","grantDate":"2021-05-04","legalStatus":"in_force"}
                """)
            #expect(patent.status == .created, "\(patent.text)")
            #expect(patent.json["number"] as? String == "201910123451.7")
            let duplicate = try await client.send(.post, "/assets", json: """
                {"firmId":\(firmId),"type":"invention","number":"ZL201910123451.7","title":"一种榨菜脱盐方法",
                 "filingDate":"2019-03-08","grantDate":"2021-05-04","legalStatus":"in_force"}
                """)
            #expect(duplicate.status == .conflict, "the same patent in another spelling")
            let mark = try await client.send(.post, "/assets", json: """
                {"firmId":\(firmId),"type":"trademark","number":"第 1234 5678 号","title":"涪州",
                 "registrationDate":"2015-03-14","legalStatus":"in_force","niceClasses":[29]}
                """)
            #expect(mark.status == .created, "\(mark.text)")
            #expect(mark.json["number"] as? String == "12345678")
        }
    }

    @Test func csvEndpointAnswers406ToAcceptJSON() async throws {
        try await withApp { client, _ in
            let w = try await MatchingAPITests().makeWorld(client)
            let r = try await client.send(.get, "/products/\(w.productId)/candidates.csv", headers: [.accept: "application/json"])
            #expect(r.status == .notAcceptable)
            #expect(r.json["code"] as? String == "not_acceptable")
            let report = try await client.send(.get, "/reports/monthly.csv", headers: [.accept: "application/json"])
            #expect(report.status == .notAcceptable)
            #expect(try await client.send(.get, "/reports/monthly.csv", headers: [.accept: "text/csv"]).status == .ok)
            #expect(try await client.send(.get, "/reports/monthly.csv", headers: [.accept: "*/*"]).status == .ok)
        }
    }

    @Test("The candidates CSV names industries and stamps Beijing time with its offset, like the reports")
    func candidateCSVNamesAndTimes() async throws {
        try await withApp { client, _ in
            let w = try await MatchingAPITests().makeWorld(client)
            let csv = try await client.send(.get, "/products/\(w.productId)/candidates.csv?industryCode=advanced_materials")
            #expect(csv.status == .ok)
            let text = csv.text
            #expect(text.contains("\"先进材料\""), "the industry column names the industry")
            #expect(text.contains("行业 Industry: 先进材料 Advanced materials"))
            #expect(!text.contains("advanced_materials"), "no code is shown")
            let generated = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("\"生成时间 Generated\"") })
            #expect(generated.hasSuffix("+08:00\""), "\(generated)")
            let report = try await client.send(.get, "/reports/progress.csv", as: .analyst)
            let stamp = try #require(report.text.split(separator: "\r\n").first { $0.contains("生成时间 Generated") })
            #expect(stamp.contains("+08:00"), "\(stamp)")
            // JSON answers carry the same convention.
            let firm = try await client.send(.get, "/firms/\(w.firmId)")
            #expect((firm.json["createdAt"] as? String)?.hasSuffix("+08:00") == true, "\(firm.json["createdAt"] ?? "")")
        }
    }
}
