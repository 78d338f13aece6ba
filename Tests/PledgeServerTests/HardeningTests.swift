import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OpenAPIRuntime
import PledgeCore
import PledgeStore
import PledgeTestSupport
import PostgresNIO
import Prometheus
import Testing
@testable import PledgeServer
import PledgeWorkflows
import PledgeTooling

/// No request may crash or hang the service: the inputs that once did, each as it was seen.
@Suite("Hardening: no request crashes or hangs the service")
struct HardeningTests {
    @Test func farDatesAreRefusedByFieldInDisbursementsAndRenewals() async throws {
        try await withApp { client, db in
            let life = LifecycleAPITests()
            let d = try await life.draft(client)
            let approved = try await life.approve(client, d)
            for at in ["9999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1899-12-31T00:00:00Z", "2201-01-01T00:00:00Z"] {
                let r = try await client.send(.post, "/applications/\(d.applicationId)/disbursement", json: """
                    {"disbursedAt":"\(at)","maturityOn":"2027-01-01","rateBp":345,"registrationNumber":"R-1","registeredOn":"2026-01-01"}
                    """, headers: ifMatch(approved), as: Caller.bank(d.bankId))
                #expect(r.status.code >= 400 && r.status.code < 500, "\(at): \(r.text)")
                #expect(r.json["field"] as? String == "disbursedAt", "\(at): \(r.text)")
            }
            #expect(try await count("loans", db) == 0)
            let loan = try await life.disburse(client, d, after: approved)
            #expect(loan.status == .created, "\(loan.text)")
            let loanId = try #require((loan.json["id"] as? NSNumber)?.int64Value)
            let renewal = try await client.send(.post, "/loans/\(loanId)/renewals", json: """
                {"principalFen":100000,"disbursedAt":"9999999-01-01T00:00:00Z","maturityOn":"2028-01-01","rateBp":345}
                """, as: Caller.bank(d.bankId))
            #expect(renewal.status.code >= 400 && renewal.status.code < 500, "\(renewal.text)")
            #expect(renewal.json["field"] as? String == "disbursedAt", "\(renewal.text)")
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func textIsCountedAsTheDatabaseCountsIt() async throws {
        try await withApp { client, db in
            let longName = String(repeating: "e\u{301}", count: 200)
            let firm = try await client.send(.post, "/firms", json: firmJSON.replacingOccurrences(of: "重庆涪陵测试材料有限公司", with: longName))
            #expect(firm.status == .unprocessableContent, "\(firm.text)")
            #expect(firm.json["field"] as? String == "name")
            let bank = try await client.send(.post, "/banks", json: #"{"code":"\#(String(repeating: "ß", count: 16))","name":"某银行"}"#)
            #expect(bank.status.code == 422 || bank.status.code == 400, "\(bank.text)")
            #expect(bank.json["field"] as? String == "code")
            #expect(try await count("firms", db) == 0)
            #expect(try await count("banks", db) == 0)
        }
    }

    @Test func numbersAndParametersThatCannotBeReadNameTheirField() async throws {
        try await withApp { client, db in
            for bad in ["0.5", "1e309", "9223372036854775808", "-9223372036854775809", "\"12\""] {
                let r = try await client.send(.post, "/firms", json: firmJSON.replacingOccurrences(of: "120000000000", with: bad))
                #expect(r.status == .badRequest, "\(bad): \(r.text)")
                #expect(r.json["field"] as? String == "annualRevenueFen", "\(bad): \(r.text)")
                #expect((r.json["messageZh"] as? String)?.contains("annualRevenueFen") == true)
            }
            for (uri, field) in [("/firms/abc", "firmId"), ("/firms/0", "firmId"), ("/firms/-1", "firmId"),
                                 ("/firms/9223372036854775808", "firmId"), ("/firms?limit=abc", "limit"), ("/firms?limit=0", "limit"),
                                 ("/firms?cursor=-1", "cursor"), ("/firms?limit=1.5", "limit")] {
                let r = try await client.send(.get, uri)
                #expect(r.status == .badRequest || r.status == .notFound, "\(uri): \(r.text)")
                #expect(r.json["field"] as? String == field, "\(uri): \(r.text)")
            }
            #expect(try await count("firms", db) == 0)
        }
    }

    @Test func bodiesMustBeDeclaredUTF8JSON() async throws {
        try await withApp { client, db in
            let auth = try await TestUsers.current!.authorization(.operations)!
            var headers: HTTPFields = [.authorization: auth, WriteTransaction.keyHeader: UUID().uuidString]
            let none = try await client.execute(uri: "/firms", method: .post, headers: headers, body: ByteBuffer(string: firmJSON))
            #expect(none.status == .unsupportedMediaType, "\(String(buffer: none.body))")
            headers[.contentType] = "application/json; charset=utf-16"
            headers[WriteTransaction.keyHeader] = UUID().uuidString
            let utf16 = Array(firmJSON.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            let wide = try await client.execute(uri: "/firms", method: .post, headers: headers, body: ByteBuffer(bytes: utf16))
            #expect(wide.status == .unsupportedMediaType)
            headers[.contentType] = "application/json"
            headers[WriteTransaction.keyHeader] = UUID().uuidString
            let unlabelled = try await client.execute(uri: "/firms", method: .post, headers: headers, body: ByteBuffer(bytes: [0xFF, 0xFE] + utf16))
            #expect(unlabelled.status == .unsupportedMediaType)
            let deep = String(repeating: "[", count: 100_000)
            headers[WriteTransaction.keyHeader] = UUID().uuidString
            let nested = try await client.execute(uri: "/firms", method: .post, headers: headers, body: ByteBuffer(string: deep))
            #expect(nested.status == .badRequest)
            #expect(try await count("firms", db) == 0)
        }
    }

    @Test func aStreamedBodyOverTheLimitIs413() async throws {
        try await withApp { client, _ in
            let auth = try await TestUsers.current!.authorization(.operations)!
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: AppConfiguration.maxBodyBytes + 10)
            let r = try await client.execute(uri: "/firms", method: .post,
                                             headers: [.authorization: auth, .contentType: "application/json",
                                                       WriteTransaction.keyHeader: UUID().uuidString], body: big)
            #expect(r.status == .contentTooLarge, "\(String(buffer: r.body))")
        }
    }

    @Test func theContractsLimitsAreTheServersLimits() async throws {
        try await withApp { client, db in
            let blank = try await client.send(.post, "/banks", json: #"{"code":"CQ1","name":"   "}"#)
            #expect(blank.status == .unprocessableContent, "\(blank.text)")
            #expect(blank.json["field"] as? String == "name")
            let tooMany = try await client.send(.get, "/reports/monthly?from=2026-01&to=2026-03" + String(repeating: "&by=bank", count: 7),
                                                as: .analyst)
            #expect(tooMany.status == .badRequest, "\(tooMany.text)")
            #expect(tooMany.json["field"] as? String == "by")
            #expect(try await count("banks", db) == 0)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await withApp { client, _ in
            let open = try await client.send(.get, "/healthz", as: .anonymous)
            let authed = try await client.send(.get, "/firms")
            let refused = try await client.send(.get, "/firms/424242")
            for r in [open, authed, refused] {
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
            #expect(authed.headers[.cacheControl] == "no-store")
            #expect(refused.headers[.cacheControl] == "no-store")
        }
    }

    /// Twenty wrong passwords at once for one account: the limit holds however parallel they are.
    @Test func parallelWrongPasswordsMeetTheLimit() async throws {
        try await withApp { client, db in
            _ = try await LoginTests().makeUser(client)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await LoginTests().login(client, "zhang.wei", "wrong password!!").status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count <= 5, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count >= 15, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 })
            #expect(try await count("login_failures", db) == 5)
        }
    }

    /// Every constraint in the schema, as the catalog lists it, becomes a client error naming a field.
    @Test func everyConstraintMapsToAFieldProblem() async throws {
        try await TestDatabase.withDatabase { client in
            let rows = try await client.query("""
                SELECT c.conname, c.contype::text, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND c.contype IN ('c', 'u', 'f', 'x')
                """, logger: TestDatabase.logger).collect()
            #expect(rows.count > 20)
            for row in rows {
                let (name, type, table) = try row.decode((String, String, String).self)
                let state = ["c": "23514", "u": "23505", "f": "23503", "x": "23P01"][type]!
                let error = try #require(StoreError.violation(sqlState: state, constraint: name, table: table, column: nil), "\(name)")
                let field: String? = switch error {
                case .conflict(let e), .invalid(let e): e.field
                default: nil
                }
                #expect(field != nil && field != "body" && field!.first!.isLowercase, "\(table).\(name) → \(String(describing: field))")
                #expect(field?.contains("_") == false, "\(name) → \(field ?? "")")
            }
        }
    }

    /// What a failed request logs holds neither the caller's token nor any body field.
    @Test func loggedErrorsHoldNoSecrets() throws {
        var request = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/auth/login")
        request.headerFields[.authorization] = "Bearer pmt_supersecret"
        struct Input: Sendable { let password = "hunter2-password" }
        let error = ServerError(operationID: "login", request: request, requestBody: HTTPBody(#"{"password":"hunter2-password"}"#),
                                requestMetadata: .init(), operationInput: Input(), causeDescription: "password hunter2-password",
                                underlyingError: DatabaseUnavailable(reason: .connectionLost))
        let text = "\(LoggedError.metadata(error))"
        #expect(!text.contains("supersecret") && !text.contains("hunter2"), "\(text)")
        #expect(text.contains("login"))
    }

    /// Four times as many bank officers as the pool has connections, all at once: every request is
    /// answered, the service answers normally afterwards, and no connection is left in a transaction.
    @Test func aCrowdOfBankOfficersDoesNotWedgeThePool() async throws {
        try await TestDatabase.withDatabase { big, configuration in
            let today = BusinessCalendar.today()
            _ = try await DemoLoader(client: big, logger: TestDatabase.logger).loadIfEmpty(today: today)
            let pool = 4
            try await withRunningClient(DatabaseURL.tuned(configuration, maximumConnections: pool), logger: TestDatabase.logger) { client in
                try await withRunningClient(DatabaseURL.engine(configuration), logger: TestDatabase.logger) { engine in
                    let index = MatchIndex(repository: MatchingRepository(client: engine, logger: TestDatabase.logger),
                                           logger: TestDatabase.logger, today: { today })
                    let router = try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: TestDatabase.logger,
                                                 index: index)
                    let app = Application(router: router, logger: TestDatabase.logger)
                    try await TestUsers.$current.withValue(TestUsers(client: big)) {
                        try await app.test(.router) { http in
                            let bank = try await big.query("SELECT bank_id, id FROM loan_products ORDER BY id LIMIT 1",
                                                           logger: TestDatabase.logger).collect()[0].decode((Int64, Int64).self)
                            let officer = TestUser.bankOfficer(bank.0)
                            _ = try await TestUsers.current!.authorization(officer)   // made once, before the crowd
                            let uris = ["/products/\(bank.1)/candidates?limit=50", "/products/\(bank.1)/candidates.csv",
                                        "/applications", "/loans", "/products"]
                            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                                for i in 0..<(4 * pool * uris.count) {
                                    group.addTask { try await http.send(.get, uris[i % uris.count], as: officer).status.code }
                                }
                                return try await group.reduce(into: [Int]()) { $0.append($1) }
                            }
                            #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
                            #expect(statuses.filter { $0 == 200 }.count >= statuses.count / 2, "\(statuses)")
                            let after = try await http.send(.get, "/products/\(bank.1)/candidates?limit=5", as: officer)
                            #expect(after.status == .ok, "\(after.text)")
                            let stuck = try await big.query("""
                                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'
                                """, logger: TestDatabase.logger).collect()[0].decode(Int.self)
                            #expect(stuck == 0)
                        }
                    }
                }
            }
        }
    }

    /// With the database gone, a request is told so in well under two seconds, and so is a probe.
    @Test func anUnreachableDatabaseIsAFast503() async throws {
        let gone = PostgresClient.Configuration(unixSocketPath: "/tmp/pledgematch-no-such-server/.s.PGSQL.5432",
                                                username: "postgres", password: nil, database: "none")
        try await withRunningClient(DatabaseURL.tuned(gone), logger: TestDatabase.logger) { client in
            let router = try buildRouter(client: client, metrics: PrometheusCollectorRegistry(), logger: TestDatabase.logger,
                                         leaseTimeout: .milliseconds(1500))
            let app = Application(router: router, logger: TestDatabase.logger)
            try await app.test(.router) { http in
                for uri in ["/firms", "/readyz"] {
                    let started = ContinuousClock.now
                    // A probe sends no token; a user does.
                    let headers: HTTPFields = uri == "/readyz" ? [:] : [.authorization: "Bearer pmt_x"]
                    let r = try await http.execute(uri: uri, method: .get, headers: headers, body: nil)
                    let took = ContinuousClock.now - started
                    #expect(r.status == .serviceUnavailable, "\(uri): \(String(buffer: r.body))")
                    // No hang (an outage once held requests 67 s). The suite runs beside fifty others on two
                    // cores, whose CPU-bound tests can delay a timer by seconds (10.2 s seen beside the
                    // import's block tests; 20.4 s once beside a stalled import spinning a core, on a host
                    // with CPU steal); the 2 s figure is held by scripts/db-fault-test.py against a running
                    // service.
                    #expect(took < .seconds(45), "\(uri) took \(took)")
                    if uri == "/firms" {
                        #expect(r.headers[.retryAfter] != nil)
                        #expect(String(buffer: r.body).contains("database_unavailable"))
                    }
                }
            }
        }
    }
}
