import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Prometheus
import Testing
@testable import PledgeServer
import PledgeWorkflows
import PledgeTooling

/// JSONBytes writes what the generated handlers' encoder writes (JSONEncoder, `.sortedKeys`), byte
/// for byte, for every kind of value a firm's matches hold.
@Suite("JSON written directly")
struct JSONBytesTests {
    struct Box<T: Encodable>: Encodable { var value: T }

    /// The encoder's bytes for `{"value": x}`, as the generated server configures it.
    func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(Box(value: value)), as: UTF8.self)
    }

    func written(_ write: (inout JSONBytes) -> Void) -> String {
        var out = JSONBytes()
        out.object { o in
            o.key("value")
            write(&o)
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func stringsAreEscapedAsTheEncoderDoes() throws {
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += ["", "a/b\\c\"d", "押品价值不足：评估值 1,234.56 万元", "e\u{301}", "👩‍👩‍👧", "\u{2028}\u{2029}", "\u{7F}\u{80}\u{FEFF}",
                    "line\nbreak\ttab\r\u{0}\u{1F}", String(repeating: "知识产权/", count: 300)]
        for sample in samples {
            #expect(written { $0.string(sample) } == (try encoded(sample)), "\(Array(sample.unicodeScalars.map(\.value)))")
        }
    }

    @Test func integersAtTheirLimits() throws {
        for value: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, 1_234_567_890, .max, .min, .max - 1, .min + 1] {
            #expect(written { $0.int(value) } == (try encoded(value)))
        }
        for value: Int in [.max, .min, 0, 42, -42] {
            #expect(written { $0.int(value) } == (try encoded(value)))
        }
    }

    /// Points are hundredths: every value a score or factor can take, and far beyond.
    @Test func pointsAsTheEncoderWritesThem() throws {
        for centi in stride(from: -20_000, through: 20_000, by: 1) {
            #expect(written { $0.points(centi: centi) } == (try encoded(Double(centi) / 100)), "\(centi)")
        }
        // Far beyond any score: the exponent forms, and hundredths the double cannot hold exactly.
        for centi in [100_000_000_000_000_000, 1_000_000_000_000_000_000, 12_345_678_925, 1, -1, .max, .min] {
            #expect(written { $0.points(centi: centi) } == (try encoded(Double(centi) / 100)), "\(centi)")
        }
    }

    @Test func nestedObjectsAndArrays() throws {
        struct Inner: Encodable { var a: [Int]; var b: Bool }
        struct Outer: Encodable { var empty: [Int]; var items: [Inner]; var name: String }
        let value = Outer(empty: [], items: [Inner(a: [1, 2], b: true), Inner(a: [], b: false)], name: "x")
        var out = JSONBytes()
        out.object { o in
            o.key("empty"); o.array([Int]()) { o, v in o.int(v) }
            o.key("items"); o.array(value.items) { o, inner in
                o.object { o in
                    o.key("a"); o.array(inner.a) { o, v in o.int(v) }
                    o.key("b"); o.bool(inner.b)
                }
            }
            o.key("name"); o.string(value.name)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `GET /firms/{id}/matches` written by FirmMatchesMiddleware is the generated handler's answer, byte
/// for byte: for every firm of the demo data, for every kind of question, and the same problems.
@Suite("A firm's matches written directly")
struct FirmMatchesJSONTests {
    /// An Accept header the middleware leaves to the generated handler, which still answers JSON.
    static let generated: HTTPFields = [.accept: "application/json;q=1"]

    /// A server over the demo data that keeps no answers (`AnswerCacheTests.withServers`).
    func withDemo(_ body: @Sendable @escaping (any TestClientProtocol, PostgresClient) async throws -> Void) async throws {
        try await AnswerCacheTests().withServers { _, _, fresh, db in try await body(fresh, db) }
    }

    /// One demo database for all three comparisons: each loads the demo data, and the whole suite
    /// runs on two cores.
    @Test func directAnswersAsTheGeneratedHandlerWritesThem() async throws {
        try await withDemo { client, db in
            try await sameBytesAsTheGeneratedHandler(client, db)
            try await sameAnswerToEveryKindOfQuestion(client)
            try await candidatePagesAsTheGeneratedHandlerWritesThem(client, db)
        }
    }

    /// A quarter of the demo's firms, every kind of asset, gate and factor among them.
    func sameBytesAsTheGeneratedHandler(_ client: any TestClientProtocol, _ db: PostgresClient) async throws {
        do {
            let firms = try await db.query("SELECT id FROM firms WHERE id % 4 = 1 ORDER BY id", logger: TestDatabase.logger)
                .collect().map { try $0.decode(Int64.self) }
            #expect(firms.count > 30)
            var compared = 0
            let before = FirmMatchesMiddleware.answered.load(ordering: .relaxed)
            for id in firms {
                let direct = try await client.send(.get, "/firms/\(id)/matches")
                let plain = try await client.send(.get, "/firms/\(id)/matches", headers: Self.generated)
                #expect(direct.status == .ok)
                #expect(direct.text == plain.text, "firm \(id)")
                #expect(direct.headers[.contentType] == plain.headers[.contentType])
                compared += direct.text.count
            }
            #expect(compared > 300_000, "the answers are large enough to hold every kind of value")
            #expect(FirmMatchesMiddleware.answered.load(ordering: .relaxed) - before >= firms.count, "written directly")
        }
    }

    func sameAnswerToEveryKindOfQuestion(_ client: any TestClientProtocol) async throws {
        do {
            let uris = ["/firms/2/matches?termMonths=12", "/firms/2/matches?amountFen=100000000", "/firms/3/matches?asOf=2026-01-15",
                        "/firms/5/matches?termMonths=6&amountFen=1&asOf=2025-12-31", "/firms/2/matches?termMonths=0",
                        "/firms/2/matches?amountFen=-5", "/firms/2/matches?asOf=2026-02-30", "/firms/2/matches?asOf=",
                        "/firms/2/matches?termMonths=12&termMonths=24", "/firms/999999/matches", "/firms/2/matches?termMonths=%31%32",
                        "/firms/2/matches?unknown=1"]
            var statuses: Set<Int> = []
            for uri in uris {
                let direct = try await client.send(.get, uri)
                let plain = try await client.send(.get, uri, headers: Self.generated)
                #expect(direct.status == plain.status, "\(uri)")
                statuses.insert(direct.status.code)
                if direct.status == .ok {
                    #expect(direct.text == plain.text, "\(uri)")
                } else {
                    // A problem carries its own request id; its code and field are the answer.
                    #expect(direct.json["code"] as? String == plain.json["code"] as? String, "\(uri)")
                    #expect(direct.json["field"] as? String == plain.json["field"] as? String, "\(uri)")
                }
            }
            #expect(statuses == [200, 400, 404, 422])
        }
    }

    @Test func whatTheMiddlewareReadsAndLeaves() {
        func question(_ path: String, accept: String? = nil, firmId: Substring = "7") -> FirmMatchesMiddleware.Question? {
            var request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: path)
            if let accept { request.headerFields[.accept] = accept }
            return FirmMatchesMiddleware.question(request, .init(pathParameters: ["firmId": firmId]))
        }
        #expect(question("/firms/7/matches") == .init(firmId: 7))
        #expect(question("/firms/7/matches?termMonths=12&amountFen=5&asOf=2026-01-01")
                == .init(firmId: 7, asOf: "2026-01-01", amountFen: 5, termMonths: 12))
        #expect(question("/firms/7/matches", accept: "*/*") != nil)
        #expect(question("/firms/7/matches", accept: "text/csv") == nil)
        #expect(question("/firms/7/matches?termMonths=x") == nil)
        #expect(question("/firms/7/matches?termMonths=99999999999999999999") == nil)
        #expect(question("/firms/7/matches?asOf=") == nil)
        #expect(question("/firms/7/matches?asOf=2026-01-01&asOf=2026-01-02") == nil)
        #expect(question("/firms/x/matches", firmId: "x") == nil)
    }

    @Test func theHealthAnswerIsTheGeneratedOne() async throws {
        try await withApp { client, _ in
            let direct = try await client.send(.get, "/healthz")
            let plain = try await client.send(.get, "/healthz", headers: Self.generated)
            #expect(direct.status == .ok && plain.status == .ok)
            #expect(direct.text == plain.text)
            #expect(direct.headers[.contentType] == plain.headers[.contentType])
        }
        let request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/healthz")
        let (response, body) = try await HealthAnswerMiddleware().intercept(request, body: nil, metadata: .init(), operationID: "getHealth") { _, _, _ in
            Issue.record("answered by the generated handler")
            return (HTTPResponse(status: .internalServerError), nil)
        }
        #expect(response.status == .ok)
        #expect(try await String(collecting: body!, upTo: 100) == #"{"status":"ok"}"#)
    }

    /// A bank officer's pages and an operations user's, every kind of filter, the pages after the
    /// first, and the problems: the same answer written directly as by the generated handler.
    func candidatePagesAsTheGeneratedHandlerWritesThem(_ client: any TestClientProtocol, _ db: PostgresClient) async throws {
        do {
            let bank = try await db.query("SELECT bank_id FROM loan_products WHERE id = 1", logger: TestDatabase.logger)
                .collect().first!.decode(Int64.self)
            let other = try await db.query("SELECT min(id) FROM loan_products WHERE bank_id <> \(bank)", logger: TestDatabase.logger)
                .collect().first!.decode(Int64.self)
            let firm = try await db.query("SELECT industry_code, town FROM firms WHERE id = 2", logger: TestDatabase.logger)
                .collect().first!.decode((String, String).self)
            let town = firm.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            // Consent to share with banks for two firms in three, so a bank officer's pages hold firms.
            _ = try await db.query("""
                INSERT INTO firm_consents (firm_id, scope, granted_on, recorded_by)
                SELECT id, 'share_with_banks', DATE '2026-01-01', 'test' FROM firms WHERE id % 3 <> 0
                """, logger: TestDatabase.logger)
            let before = CandidatesMiddleware.answered.load(ordering: .relaxed)
            var statuses: Set<Int> = []
            for user in [TestUser.operations, .bankOfficer(bank)] {
                var uris = ["", "?limit=5", "?ipType=invention&minScore=10.5", "?industryCode=\(firm.0)", "?town=\(town)",
                            "?minCapacityFen=100000&limit=200", "?minScore=101", "?minScore=1e1", "?minScore=0x10", "?limit=0",
                            "?limit=201", "?cursor=x", "?ipType=bogus", "?limit=3&limit=4", "?town="]
                    .map { "/products/1/candidates\($0)" }
                uris += ["/products/999999/candidates", "/products/\(other)/candidates"]
                let first = try await client.send(.get, "/products/1/candidates?limit=7", as: user)
                #expect((first.json["items"] as? [Any])?.count == 7, "a full page as \(user)")
                let next = try #require(first.json["nextCursor"] as? String)
                uris.append("/products/1/candidates?limit=7&cursor=\(next)")
                for uri in uris {
                    let direct = try await client.send(.get, uri, as: user)
                    let plain = try await client.send(.get, uri, headers: Self.generated, as: user)
                    #expect(direct.status == plain.status, "\(uri) as \(user)")
                    statuses.insert(direct.status.code)
                    if direct.status == .ok {
                        #expect(direct.text == plain.text, "\(uri) as \(user)")
                        #expect(direct.headers[.contentType] == plain.headers[.contentType])
                    } else {
                        #expect(direct.json["code"] as? String == plain.json["code"] as? String, "\(uri) as \(user)")
                        #expect(direct.json["field"] as? String == plain.json["field"] as? String, "\(uri) as \(user)")
                    }
                }
            }
            #expect(statuses.isSuperset(of: [200, 400, 404]))
            #expect(CandidatesMiddleware.answered.load(ordering: .relaxed) - before >= 10, "written directly")
        }
    }
}
